/*
 * libv/syscall.c - the V primitives as C functions (v/ipc.h): one `int $0x30` each.
 *
 * Register convention (v/syscall.h): eax = call number, ebx ecx edx esi edi = arguments;
 * the kernel returns eax = status, edx = first result, ecx = second result and keeps
 * every other register. Entry points: v_send, v_send_r, v_receive, v_receive_from,
 * v_receive_with_segment, v_reply, v_reply_with_segment, v_forward, v_move_to,
 * v_move_from, v_my_pid, v_get_pid, v_set_pid, v_delay, v_yield, v_time_ns,
 * v_exit_process, v_syscall, v_join_group, v_leave_group, v_get_reply.
 */
#include <v/ipc.h>

/* The one trap. "memory" because the kernel reads and writes messages and buffers we
 * pass by address. */
static inline int trap(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d,
                       uint32_t e, uint32_t *r1, uint32_t *r2)
{
    uint32_t eax = nr, ecx = b, edx = c;

    __asm__ volatile("int $0x30"
                     : "+a"(eax), "+c"(ecx), "+d"(edx)
                     : "b"(a), "S"(d), "D"(e)
                     : "memory", "cc");
    if (r1)
        *r1 = edx;
    if (r2)
        *r2 = ecx;
    return (int)eax;
}

static inline uint32_t ptr(const void *p) { return (uint32_t)(uintptr_t)p; }

int v_syscall(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e,
              uint32_t *r1, uint32_t *r2)
{
    return trap(nr, a, b, c, d, e, r1, r2);
}

int v_send(struct v_msg *m, v_pid_t to)
{
    return trap(V_SYS_SEND, ptr(m), to, 0, 0, 0, 0, 0);
}

int v_send_r(struct v_msg *m, v_pid_t to, v_pid_t *replier)
{
    uint32_t r = 0;
    int rc = trap(V_SYS_SEND, ptr(m), to, 0, 0, 0, &r, 0);

    if (replier)
        *replier = rc < 0 ? V_PID_NONE : r;
    return rc;
}

int v_receive(struct v_msg *m, v_pid_t *from)
{
    uint32_t r = 0;
    int rc = trap(V_SYS_RECEIVE, ptr(m), 0, 0, 0, 0, &r, 0);

    if (from)
        *from = rc < 0 ? V_PID_NONE : r;
    return rc;
}

int v_receive_from(struct v_msg *m, v_pid_t from)
{
    return trap(V_SYS_RECEIVE, ptr(m), from, 0, 0, 0, 0, 0);
}

int v_receive_with_segment(struct v_msg *m, v_pid_t from_in, v_pid_t *from,
                           void *buf, uint32_t *len)
{
    uint32_t r = 0, n = 0;
    int rc = trap(V_SYS_RECEIVE_SEG, ptr(m), from_in, ptr(buf), len ? *len : 0, 0, &r, &n);

    if (from)
        *from = rc < 0 ? V_PID_NONE : r;
    if (len)
        *len = rc < 0 ? 0 : n;
    return rc;
}

int v_reply(const struct v_msg *m, v_pid_t to)
{
    return trap(V_SYS_REPLY, ptr(m), to, 0, 0, 0, 0, 0);
}

int v_reply_with_segment(const struct v_msg *m, v_pid_t to, uint32_t dest,
                         const void *src, uint32_t len)
{
    return trap(V_SYS_REPLY_SEG, ptr(m), to, dest, ptr(src), len, 0, 0);
}

int v_forward(const struct v_msg *m, v_pid_t from, v_pid_t to)
{
    return trap(V_SYS_FORWARD, ptr(m), from, to, 0, 0, 0, 0);
}

int v_move_to(v_pid_t to, uint32_t dest, const void *src, uint32_t len)
{
    return trap(V_SYS_MOVETO, to, dest, ptr(src), len, 0, 0, 0);
}

int v_move_from(v_pid_t from, void *dest, uint32_t src, uint32_t len)
{
    return trap(V_SYS_MOVEFROM, from, ptr(dest), src, len, 0, 0, 0);
}

v_pid_t v_my_pid(void)
{
    uint32_t r = 0;

    if (trap(V_SYS_GETPID, V_LOGICAL_SELF, 0, 0, 0, 0, &r, 0) < 0)
        return V_PID_NONE;
    return r;
}

int v_get_pid(int logical_id, v_pid_t *pid)
{
    uint32_t r = 0;
    int rc = trap(V_SYS_GETPID, (uint32_t)logical_id, 0, 0, 0, 0, &r, 0);

    if (pid)
        *pid = rc < 0 ? V_PID_NONE : r;
    return rc;
}

int v_set_pid(int logical_id, v_pid_t pid)
{
    return trap(V_SYS_SETPID, (uint32_t)logical_id, pid, 0, 0, 0, 0, 0);
}

int v_delay(uint32_t ms)
{
    return trap(V_SYS_DELAY, ms, 0, 0, 0, 0, 0, 0);
}

int v_yield(void)
{
    return trap(V_SYS_YIELD, 0, 0, 0, 0, 0, 0, 0);
}

uint64_t v_time_ns(void)
{
    uint32_t lo = 0, hi = 0;

    if (trap(V_SYS_TIME, 0, 0, 0, 0, 0, &lo, &hi) < 0)
        return 0;
    return ((uint64_t)hi << 32) | lo;
}

/* Ends the calling process (its whole team if it is the team's root). Programs should
 * call exit() instead, which also tells the program manager the status. */
void v_exit_process(int status)
{
    trap(V_SYS_EXIT, (uint32_t)status, 0, 0, 0, 0, 0, 0);
    for (;;)   /* the kernel never returns here; if it did, do not run on */
        trap(V_SYS_EXIT, (uint32_t)status, 0, 0, 0, 0, 0, 0);
}

int v_join_group(v_pid_t group, v_pid_t pid)
{
    return trap(V_SYS_JOIN_GROUP, group, pid, 0, 0, 0, 0, 0);
}

int v_leave_group(v_pid_t group, v_pid_t pid)
{
    return trap(V_SYS_LEAVE_GROUP, group, pid, 0, 0, 0, 0, 0);
}

int v_get_reply(struct v_msg *m, uint32_t timeout_ms, v_pid_t *from)
{
    uint32_t r = 0;
    int rc = trap(V_SYS_GET_REPLY, ptr(m), timeout_ms, 0, 0, 0, &r, 0);

    if (from)
        *from = rc < 0 ? V_PID_NONE : r;
    return rc;
}
