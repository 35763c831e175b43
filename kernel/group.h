/*
 * group.h - process groups, the kernel's half (kernel/group.c; docs/GROUPS.md):
 * membership, group Send to local members, the reply window and GetReply. net/ carries
 * the multicast REQUEST to other nodes (net_group_send) and brings their replies back
 * (ipc_net_group_reply); a group Send reaches local members without it.
 *
 * Entry points: group_init, group_create, group_join, group_leave, group_entry,
 * group_members, group_send, group_get_reply, group_client_reply, group_proxy_reply,
 * group_proxy_data, group_deliver_local, group_forget, group_stats, group_memberships.
 * All run with interrupts off (system calls, the NIC interrupt, the timer).
 */
#ifndef KERNEL_GROUP_H
#define KERNEL_GROUP_H

#include <stdint.h>
#include "proc.h"

#define NGROUP      64           /* memberships on a node (group_table entries) */
#define TEAM_GROUPS (NGROUP / 2) /* memberships of one team's processes */
#define TEAM_PROXIES (NPROC / 4) /* group messages waiting for one team's members to
                                    receive them: more are dropped (group_overflow) */

/* Set up the membership table and the timer. Before net_init. */
void group_init(void);
/* KS_CREATE_GROUP: a fresh group id of this node's logical host. */
v_pid_t group_create(void);
/* JoinGroup / LeaveGroup for local process pid (0: the caller). V_EINVAL (not a group,
 * or V_GROUP_KERNEL_SERVERS, whose membership is implicit), V_ENOPROC, V_ENOMEM (table
 * full, or the team holds its share, TEAM_GROUPS), V_ENOTFOUND (leave: not a member). */
int group_join(v_pid_t group, v_pid_t pid);
int group_leave(v_pid_t group, v_pid_t pid);
/* Memberships in use. */
uint32_t group_memberships(void);
/* Local memberships for KS_GROUP_LIST: the i-th, V_OK or V_ENOTFOUND past the end. */
int group_entry(uint32_t i, v_pid_t *group, v_pid_t *member);
/* Up to max local members of g into out (the kernel server for
 * V_GROUP_KERNEL_SERVERS); returns how many there are. */
uint32_t group_members(v_pid_t g, v_pid_t *out, uint32_t max);
/* p's Send of p->msg (grant in p->grant_*) to group g. Every check comes first: on an
 * error (< 0: V_EINVAL, V_EBADADDR) nothing has changed, the previous Send's reply
 * window included. 0: the caller blocks p AWAITING_REPLY and the first reply (or
 * V_ETIMEOUT) arrives through ipc_complete; 1: done already (p->msg, p->ipc_status,
 * p->ipc_pid hold the outcome). */
int group_send(struct proc *p, v_pid_t g);
/* GetReply: the next reply to p's last group Send, waiting at most timeout_ms; may
 * block. V_OK (reply in p->msg, replier in p->ipc_pid), V_ETIMEOUT, V_EINVAL (no group
 * Send that waits was made). */
int group_get_reply(struct proc *p, uint32_t timeout_ms);
/* A reply m from member `from` to client pid's group Send txid; m NULL: a PENDING. */
void group_client_reply(v_pid_t client, uint32_t txid, const struct v_msg *m, v_pid_t from);
/* Proxy a (a local client's group Send to a local member) is answered (status < 0: the
 * member died; m->flags V_MSG_NO_REPLY: it declines): pass the reply to the client. The
 * caller frees a. */
void group_proxy_reply(struct proc *a, const struct v_msg *m, int status, v_pid_t replier);
/* The segment bytes proxy a carries: a pointer, *n their count. */
const uint8_t *group_proxy_data(struct proc *a, uint32_t *n);
/* Deliver message m of `client` (txid of group g) to every live local member of g but
 * `except`, with n bytes of segment data: one proxy each. */
void group_deliver_local(v_pid_t client, v_pid_t g, uint32_t txid, const struct v_msg *m,
                         const void *data, uint32_t n, struct proc *except);
/* p (a local process) is being destroyed: its memberships and group Send end. */
void group_forget(struct proc *p);
/* Add the group counters kept here to *st (KS_NET_STATS). */
void group_stats(struct v_net_stats *st);

#endif
