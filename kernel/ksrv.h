/*
 * ksrv.h - the kernel server: requests (v/ksrv.h) to this node's kernel pseudo-process,
 * answered inside the sender's Send. Device requests are passed to the device module.
 * Entry points: ksrv_request, ksrv_group_ok, ksrv_start_heard, ksrv_logical,
 * ksrv_set_logical, ksrv_set_kernel_test_counts.
 */
#ifndef KERNEL_KSRV_H
#define KERNEL_KSRV_H

#include "proc.h"

/* Serve m for client, sent to pseudo-process `to`. Returns the reply code with the reply
 * in *m, or IPC_DEFERRED when the reply comes later (through ipc_complete). */
int ksrv_request(struct proc *client, struct v_msg *m, v_pid_t to);
/* 1 if the kernel server answers request `code` when it comes as a group Send
 * (KS_NODE_INFO, KS_MEMORY_STATS, KS_STATS, KS_GET_TIME, KS_PROCESS_INFO); the rest
 * are declined, so that nobody halts or reconfigures a whole cluster by accident. */
int ksrv_group_ok(uint16_t code);

/* New process p (AWAIT_START on a remote creator, its start Send under way) is held by
 * its creator's kernel (status V_OK), or never will be (status < 0, e.g. V_ETIMEOUT):
 * the creator's deferred KS_CREATE_TEAM reply goes now, with p's pid or the error. */
void ksrv_start_heard(struct proc *p, int status);

/* Logical ids registered with SetPid (V_LOGICAL_*). */
v_pid_t ksrv_logical(uint32_t id);
int ksrv_set_logical(uint32_t id, v_pid_t pid);

/* Test-mode totals of the in-kernel tests, added to the user-level report. */
void ksrv_set_kernel_test_counts(uint32_t passed, uint32_t failed);

#endif
