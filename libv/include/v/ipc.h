/*
 * v/ipc.h - the V primitives as programs call them (libv/syscall.c). Each returns
 * V_OK (0) or a negative V_E* error (v/err.h); docs/IPC.md gives the full semantics.
 */
#ifndef V_IPC_H
#define V_IPC_H

#include <stdint.h>
#include "msg.h"
#include "pid.h"
#include "err.h"
#include "syscall.h"

/* Send m to `to` and block until it replies; m then holds the reply. */
int v_send(struct v_msg *m, v_pid_t to);
/* As v_send, also returning who replied (differs from `to` after a Forward). */
int v_send_r(struct v_msg *m, v_pid_t to, v_pid_t *replier);
/* Receive the next message from any sender; *from = its pid. */
int v_receive(struct v_msg *m, v_pid_t *from);
/* Receive only from `from` (other senders stay queued). */
int v_receive_from(struct v_msg *m, v_pid_t from);
/* Receive (from any if from_in is 0) and copy up to *len bytes of the sender's segment
 * (it must have granted V_MSG_SEG_READ, else *len = 0) into buf; *len = bytes copied. */
int v_receive_with_segment(struct v_msg *m, v_pid_t from_in, v_pid_t *from,
                           void *buf, uint32_t *len);
/* Reply m to `to`, which must be awaiting a reply from the caller. */
int v_reply(const struct v_msg *m, v_pid_t to);
/* Copy len bytes from src to dest (in to's granted segment, V_MSG_SEG_WRITE), then reply. */
int v_reply_with_segment(const struct v_msg *m, v_pid_t to, uint32_t dest,
                         const void *src, uint32_t len);
/* Pass the message of `from` (awaiting reply from the caller) on to `to`, as if from
 * had sent m to `to` directly. */
int v_forward(const struct v_msg *m, v_pid_t from, v_pid_t to);
/* Copy into / out of the granted segment of a process awaiting the caller's reply. */
int v_move_to(v_pid_t to, uint32_t dest, const void *src, uint32_t len);
int v_move_from(v_pid_t from, void *dest, uint32_t src, uint32_t len);

/* Process groups (docs/GROUPS.md). A Send to a group id reaches every member on every
 * node (one multicast datagram) and completes with the first reply (v_send_r says who);
 * v_get_reply then takes the others, waiting at most timeout_ms each, until V_ETIMEOUT.
 * With V_MSG_NO_REPLY in m->flags, the Send returns at once and nobody replies. */
int v_join_group(v_pid_t group, v_pid_t pid);      /* pid 0: the caller */
int v_leave_group(v_pid_t group, v_pid_t pid);
int v_get_reply(struct v_msg *m, uint32_t timeout_ms, v_pid_t *from);

v_pid_t v_my_pid(void);
/* Pid registered for a logical id on this node (V_LOGICAL_*), V_ENOTFOUND if none. */
int v_get_pid(int logical_id, v_pid_t *pid);
int v_set_pid(int logical_id, v_pid_t pid);
int v_delay(uint32_t ms);
int v_yield(void);
uint64_t v_time_ns(void);
__attribute__((noreturn)) void v_exit_process(int status);

/* Raw trap, for tests that must pass arguments no stub would. */
int v_syscall(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e,
              uint32_t *r1, uint32_t *r2);

#endif
