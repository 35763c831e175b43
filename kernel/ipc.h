/*
 * ipc.h - the communication module (kernel/ipc.c): V's message primitives, to
 * processes of this node and, through net/'s door (net/net.h), of any other; the
 * caller cannot tell which but by latency. Each primitive takes the caller (current)
 * as one party and returns V_OK or a V_E* error; docs/IPC.md is the full contract.
 * Callers (syscall.c) have already copied the message in and checked user buffers.
 * Context: interrupts off (system calls); those that block say so.
 */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include "proc.h"

#define IPC_DEFERRED 1     /* a kernel server will reply later (e.g. console input) */

/* Send m to `to` (a process, a kernel pseudo-process, or a group) and block until the
 * reply, which replaces *m; *replier is who replied. V_OK (the reply's own code is in
 * m->code), V_EBADADDR (the segment m grants leaves user space), V_EDEADLOCK (to
 * itself), V_ENOPROC (no such process; no network for a remote one), V_ETIMEOUT
 * (its node went silent, or no member answered), V_EDESTROYED (the receiver died first),
 * V_EINVAL (a group Send with a WRITE segment, or with a segment and no reply), a
 * remote kernel's NACK error. Blocks. */
int ipc_send(struct v_msg *m, v_pid_t to, v_pid_t *replier);
/* Take the next sender (from 0: any; else only `from`), blocking until there is one.
 * V_OK with *sender (now AWAITING_REPLY on the caller), V_ENOPROC (from does not exist
 * or died while awaited). Blocks. */
int ipc_receive(v_pid_t from, struct proc **sender);
/* Reply m to `to`, which must await the caller's reply: V_OK, V_ENOPROC, V_ENOTAWAITING.
 * Never blocks. */
int ipc_reply(const struct v_msg *m, v_pid_t to);
/* Reply, first copying len bytes from the caller's src to dest in to's WRITE segment
 * (remote: up to V_PROTO_MAX_DATA travel in the REPLY, more are moved first, blocking).
 * Errors as ipc_reply's, V_ENOACCESS/V_ERANGE (outside the grant), V_EBADADDR. */
int ipc_reply_with_segment(const struct v_msg *m, v_pid_t to, uint32_t dest, uint32_t src,
                           uint32_t len);
/* Pass sender `from` (awaiting the caller) on to `to` with message m, as if it had sent
 * m there; its grant is kept, never widened. V_OK, V_ENOPROC, V_ENOTAWAITING,
 * V_EDEADLOCK (to == from), V_ENOACCESS (a group Send passed off this node). */
int ipc_forward(const struct v_msg *m, v_pid_t from, v_pid_t to);
/* Copy len bytes from the caller's src to dest in the WRITE segment of `to`, which
 * awaits the caller's reply; MoveFrom the other way, from a READ segment. V_OK,
 * V_ENOPROC, V_ENOTAWAITING, V_ENOACCESS, V_ERANGE, V_EBADADDR, and across the network
 * V_ETIMEOUT or the other kernel's error. Blocks while a remote move runs. */
int ipc_move_to(v_pid_t to, uint32_t dest, uint32_t src, uint32_t len);
int ipc_move_from(v_pid_t from, uint32_t dest, uint32_t src, uint32_t len);
/* p's probe of the remote pid it receives from (AWAIT_PROBE) was answered with m
 * (NULL on an error) and status (< 0: NACK or its node went silent). */
void ipc_probe_done(struct proc *p, const struct v_msg *m, int status);
/* Copy up to *len bytes of s's granted segment (if readable) to buf in the caller's
 * space; a remote sender's is what its REQUEST carried. Never fails: *len is what came. */
void ipc_receive_segment(struct proc *s, uint32_t buf, uint32_t *len);
/* Give alien a (reserved by ipc_net_alien, its receiver in a->blocked_on) message m
 * and queue it on the receiver, or hand it to the kernel server (ipc_net_deliver). */
void ipc_alien_deliver(struct proc *a, const struct v_msg *m, uint32_t data_len);
/* The segment bytes alien a carries (its REQUEST's, or a proxy's copy); *n the count. */
const uint8_t *ipc_alien_data(struct proc *a, uint32_t *n);

/* Queue p on dst's senders as if p had sent p->msg (exceptions use it too). */
void ipc_enqueue_sender(struct proc *dst, struct proc *p);
/* Hand p (awaiting a reply) its reply m with status, from replier, and make it ready;
 * an alien's reply goes to its client (net_reply, or the group's window) and frees it. */
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
