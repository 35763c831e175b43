/*
 * v/kclient.h - client stubs for the kernel server, the device server and the program
 * manager (libv/kclient.c, libv/pmclient.c). Each is one Send; each returns V_OK or an error.
 */
#ifndef V_KCLIENT_H
#define V_KCLIENT_H

#include <stdint.h>
#include "pid.h"
#include "ksrv.h"
#include "msg.h"
#include "startup.h"

v_pid_t v_kernel_server(void);   /* this node's kernel server */
v_pid_t v_device_server(void);

int v_ks_process_info(v_pid_t ks, v_pid_t pid, struct v_proc_info *out);
const char *v_proc_state_name(uint32_t state);   /* as ps shows it */
int v_ks_process_list(v_pid_t ks, struct v_proc_info *buf, uint32_t max, uint32_t *total,
                      uint32_t *written);
int v_ks_device_list(v_pid_t ks, struct v_dev_info *buf, uint32_t max, uint32_t *total,
                     uint32_t *written);
int v_ks_create_team(uint32_t entry, uint32_t esp, uint32_t prio, uint32_t size, v_pid_t *pid);
int v_ks_create_process(void (*entry)(uint32_t), void *stack_top, uint32_t prio,
                        uint32_t arg, v_pid_t *pid);
int v_ks_set_team_size(v_pid_t pid, uint32_t size, uint32_t *newsize);
int v_ks_destroy(v_pid_t pid);
int v_ks_set_exc_handler(v_pid_t team_pid, v_pid_t handler);
int v_ks_set_team_name(v_pid_t pid, const char *name);
int v_ks_halt(int status);
int v_ks_test_report(uint32_t passed, uint32_t failed);

/* Start a thread in the caller's team: allocates its stack with malloc and starts it. */
int v_thread_start(void (*fn)(uint32_t), uint32_t arg, uint32_t prio, uint32_t stack_size,
                   v_pid_t *pid);

/* Console through the device server. */
int v_console_write(const void *buf, uint32_t len);
int v_console_read(void *buf, uint32_t len, uint32_t *got);

/* Program manager. */
int v_pm_run(const char *cmdline, uint32_t prio, v_pid_t *pid);
int v_pm_wait(v_pid_t pid, int *status);
int v_pm_kill(v_pid_t pid);

/* ---- Added with libv/kclient.c (programs engineer) ---- */

/* Send m to `to`; returns the send error, else the reply code (m then holds the reply). */
int v_call(v_pid_t to, struct v_msg *m);

/* What KS_NODE_INFO answers. */
struct v_node_info {
    uint32_t node, lhost, ipv4, uptime_ms, test_mode;
};
/* Node info of kernel server ks, and its command line into cmdline[len] (NUL-terminated;
 * cmdline may be 0). */
int v_ks_node_info(v_pid_t ks, struct v_node_info *out, char *cmdline, uint32_t len);
/* The nodes whose kernel servers answer one group Send of KS_NODE_INFO to every kernel
 * server (V_GROUP_KERNEL_SERVERS), collected until the reply window closes: bits[] by
 * node number (1..V_NODE_MAX), ipv4[node] each one's address (ipv4 may be 0). V_OK when
 * at least one answered, else the Send's error (V_ETIMEOUT: none). */
int v_ks_cluster_nodes(uint32_t bits[8], uint32_t *ipv4);
/* Boot module `index` of this node: its size and name (NUL-terminated into name[len]).
 * V_ENOTFOUND past the last module. */
int v_ks_module_info(uint32_t index, uint32_t *size, char *name, uint32_t len);
/* Copy up to len bytes of module `index` from `offset` into buf; *got = bytes copied. */
int v_ks_module_read(uint32_t index, uint32_t offset, void *buf, uint32_t len,
                     uint32_t *got);
int v_ks_get_time(v_pid_t ks, uint64_t *mono_ns, uint64_t *tod_s);
int v_ks_set_time(v_pid_t ks, uint64_t tod_s);
/* Start a process made by v_ks_create_process / v_ks_create_team (it awaits our reply). */
int v_ks_start(v_pid_t pid);

/* Program manager: the bundle's program names, '\n' separated, NUL-terminated into
 * buf[len]; *got = bytes written (NUL included). */
int v_pm_list(char *buf, uint32_t len, uint32_t *got);

/* The struct v_startup the program was started with (argv, heap, parent). */
const struct v_startup *v_startup_info(void);

#endif
