/*
 * ksrv.h - the kernel server: requests (v/ksrv.h) to this node's kernel pseudo-process,
 * answered inside the sender's Send. Device requests are passed to the device module.
 */
#ifndef KERNEL_KSRV_H
#define KERNEL_KSRV_H

#include "proc.h"

/* Serve m for client, sent to pseudo-process `to`. Returns the reply code with the reply
 * in *m, or IPC_DEFERRED when the reply comes later (through ipc_complete). */
int ksrv_request(struct proc *client, struct v_msg *m, v_pid_t to);

/* Logical ids registered with SetPid (V_LOGICAL_*). */
v_pid_t ksrv_logical(uint32_t id);
int ksrv_set_logical(uint32_t id, v_pid_t pid);

/* Test-mode totals of the in-kernel tests, added to the user-level report. */
void ksrv_set_kernel_test_counts(uint32_t passed, uint32_t failed);

#endif
