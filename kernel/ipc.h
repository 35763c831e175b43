/*
 * ipc.h - the communication module: V's message primitives between processes of this
 * node (the network path arrives with net/). Each takes the caller (current) as one
 * party and returns V_OK or a V_E* error; docs/IPC.md is the full contract.
 * Callers (syscall.c) have already copied the message in and checked user buffers.
 */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include "proc.h"

#define IPC_DEFERRED 1     /* a kernel server will reply later (e.g. console input) */

int ipc_send(struct v_msg *m, v_pid_t to, v_pid_t *replier);
int ipc_receive(v_pid_t from, struct proc **sender);
int ipc_reply(const struct v_msg *m, v_pid_t to);
int ipc_reply_with_segment(const struct v_msg *m, v_pid_t to, uint32_t dest, uint32_t src,
                           uint32_t len);
int ipc_forward(const struct v_msg *m, v_pid_t from, v_pid_t to);
int ipc_move_to(v_pid_t to, uint32_t dest, uint32_t src, uint32_t len);
int ipc_move_from(v_pid_t from, uint32_t dest, uint32_t src, uint32_t len);
/* Copy up to *len bytes of s's granted segment (if readable) to buf in the caller's space. */
void ipc_receive_segment(struct proc *s, uint32_t buf, uint32_t *len);

/* Queue p on dst's senders as if p had sent p->msg (exceptions use it too). */
void ipc_enqueue_sender(struct proc *dst, struct proc *p);
/* Hand p (awaiting a reply) its reply m with status, from replier, and make it ready. */
void ipc_complete(struct proc *p, const struct v_msg *m, int status, v_pid_t replier);
/* Wake p, which waits on something that is gone, with an error. */
void ipc_fail(struct proc *p, int err);
/* p is being destroyed: unlink it and fail everyone who waits on it. */
void ipc_abandon(struct proc *p);
/* Does p's grant allow access to [addr, addr+len)? V_OK, V_ENOACCESS, V_ERANGE. */
int ipc_grant_check(const struct proc *p, uint32_t addr, uint32_t len, uint32_t access);
/* Is pid a kernel pseudo-process (kernel server, device server) of this node? */
int ipc_is_pseudo(v_pid_t pid);

#endif
