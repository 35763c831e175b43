/*
 * hv_misc.c - the rest of v/ipc.h for libv on Linux: who we are, time, delay, and the
 * calls a host process cannot make (no node-local registry, no team, no Forward yet).
 * Delay and Yield keep serving the socket, so that requests are queued and duplicates
 * answered while the program sleeps.
 *
 * Entry points: v_my_pid, v_get_pid, v_set_pid, v_delay, v_yield, v_time_ns,
 * v_exit_process, v_syscall, v_forward (v/ipc.h); v_thread_entry (for libv/kclient.c).
 */
#include "hv.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

v_pid_t v_my_pid(void)
{
    return hv_init() == V_OK ? hv.pid : V_PID_NONE;
}

/* Only V_LOGICAL_SELF: the other logical ids name services of a node, and a host
 * process has none of its own. */
int v_get_pid(int logical_id, v_pid_t *pid)
{
    int rc = hv_init();

    if (rc < 0)
        return rc;
    if (logical_id < 0 || logical_id >= V_LOGICAL_COUNT)
        return V_EINVAL;
    if (logical_id != V_LOGICAL_SELF)
        return V_ENOTFOUND;
    if (pid)
        *pid = hv.pid;
    return V_OK;
}

int v_set_pid(int logical_id, v_pid_t pid)
{
    (void)logical_id;
    (void)pid;
    return V_EBADCALL;
}

uint64_t v_time_ns(void)
{
    return hv_now();
}

/* Sleep ms milliseconds while serving the socket. */
int v_delay(uint32_t ms)
{
    uint64_t until = hv_now() + ms * 1000000ull;
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    if (hv_init() < 0) {
        nanosleep(&ts, 0);
        return V_OK;
    }
    while (hv_now() < until)
        hv_service(until);
    return V_OK;
}

/* Handle whatever has arrived, without waiting. */
int v_yield(void)
{
    if (hv_init() == V_OK)
        hv_service(0);
    return V_OK;
}

void v_exit_process(int status)
{
    exit(status);
}

int v_syscall(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e,
              uint32_t *r1, uint32_t *r2)
{
    (void)nr; (void)a; (void)b; (void)c; (void)d; (void)e; (void)r1; (void)r2;
    return V_EBADCALL;
}

/* Forward over the network needs the original client's node in the REQUEST (aux and
 * offset), which the protocol provides, but no host server forwards yet: V_EBADCALL.
 * A process we created on a node (VPF_START, hv_server.c) awaits its start, which only
 * we can give: V_ENOTAWAITING, as the kernel refuses the Forward of a new process. */
int v_forward(const struct v_msg *m, v_pid_t from, v_pid_t to)
{
    struct hv_alien *a;
    int rc = hv_init();

    (void)m; (void)to;
    if (rc < 0)
        return rc;
    a = hv_alien_awaiting(from);
    return a && a->start ? V_ENOTAWAITING : V_EBADCALL;
}

/* libv/kclient.c's v_thread_start names crt0's thread entry; a host process has no
 * threads of V's kind, and v_ks_create_process (on our own kernel server) fails with
 * V_ENOPROC before this could ever run. */
void v_thread_entry(void);
void v_thread_entry(void)
{
    fprintf(stderr, "libv: v_thread_entry on a host\n");
    abort();
}
