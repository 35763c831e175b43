/*
 * remote.h - the kernel side of the inter-kernel protocol (docs/PROTOCOL.md): IPC with
 * processes on other nodes. kernel/ipc.c hands a non-local pid here through these few
 * calls; everything else (transactions, retransmission, the reply cache, aliens, moves in
 * packet groups, logical-host resolution) stays inside net/remote*.c.
 * All run with interrupts off, from system calls, the NIC interrupt or the timer tick.
 */
#ifndef NET_REMOTE_H
#define NET_REMOTE_H

#include <stdint.h>
#include "proc.h"

/* Listen on the protocol port and bind our own logical host. Call after net_init. */
void remote_init(void);
/* Is pid on another node (or a Linux host process)? */
int remote_is_remote(v_pid_t pid);
/* Start p's Send of p->msg (grant in p->grant_*) to remote pid `to`. On V_OK the caller
 * blocks p AWAITING_REPLY; the reply or the error arrives through ipc_complete. */
int remote_send(struct proc *p, v_pid_t to);
/* An alien is being replied to (or failed, status < 0): send REPLY or NACK, free it. */
void remote_reply(struct proc *alien, const struct v_msg *m, int status, v_pid_t replier);
/* Stage up to V_PROTO_MAX_DATA bytes to travel in the alien's REPLY, for its client's address `addr`. */
int remote_stage(struct proc *alien, uint32_t addr, const void *src, uint32_t len);
/* Copy up to *len bytes of the segment data the alien's REQUEST carried to buf in the
 * caller's space. */
void remote_receive_segment(struct proc *alien, uint32_t buf, uint32_t *len);
/* Copy up to max bytes of that data into a kernel buffer; returns how many. */
uint32_t remote_copy_data(struct proc *alien, void *buf, uint32_t max);
/* Move between the caller's space and an alien's segment; blocks the caller until the
 * move is done. write: MoveTo. Returns V_OK or the error. */
int remote_move(struct proc *alien, uint32_t client_addr, uint32_t local_addr, uint32_t len,
                int write);
/* Forward the alien (or local process) s to remote `to`; s is no longer ours to serve. */
int remote_forward(struct proc *s, v_pid_t to);
/* p is being destroyed: forget its transaction and moves. */
void remote_forget(struct proc *p);
void remote_stats(struct v_net_stats *out);

/* ---- Process groups (remote_group.c, docs/GROUPS.md) ---- */
void group_init(void);
/* JoinGroup / LeaveGroup for local process pid (0: the caller). */
int group_join(v_pid_t group, v_pid_t pid);
int group_leave(v_pid_t group, v_pid_t pid);
/* p's Send of p->msg to group g. < 0: an error; 0: the caller blocks p AWAITING_REPLY
 * and the first reply (or V_ETIMEOUT) arrives through ipc_complete; 1: done already
 * (p->msg, p->ipc_status, p->ipc_pid hold the outcome). */
int group_send(struct proc *p, v_pid_t g);
/* GetReply: the next reply to p's last group Send, waiting at most timeout_ms. The
 * reply is in p->msg and the replier in p->ipc_pid on V_OK. */
int group_get_reply(struct proc *p, uint32_t timeout_ms);
/* A group alien or proxy is replied to (status < 0: its member died): pass it on. */
void group_member_reply(struct proc *a, const struct v_msg *m, int status, v_pid_t replier);
/* p (a local process) is being destroyed: its memberships and group transaction end. */
void group_forget(struct proc *p);
/* KS_CREATE_GROUP: a fresh group id of this node's logical host. */
v_pid_t group_create(void);
/* Kernel events (v/group.h), sent by the next tick as group Sends without reply from the
 * node's kernel server. cause: V_OK (it exited) or V_EDESTROYED. */
void group_event_died(struct proc *p, int cause);
void group_node_up(void);
/* This kernel gave up on logical host lhost at addr: tell local members of V_GROUP_EV_NODE. */
void group_node_silent(uint32_t lhost, uint32_t addr);
/* Logical host lhost is now at addr, on node `to` (0: unknown), having left node `from`. */
void group_lhost_moved(uint32_t lhost, uint32_t from, uint32_t to, uint32_t addr);
/* KS_HALT: tell V_GROUP_EV_NODE now, the node halts next. */
void group_node_down_now(void);
/* Local memberships for KS_GROUP_LIST: the i-th, V_OK or V_ENOTFOUND past the end. */
int group_entry(uint32_t i, v_pid_t *group, v_pid_t *member);

#endif
