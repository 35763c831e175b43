/*
 * syscall.c - system call entry: decode each call's registers, check every user pointer
 * (before any state changes), call the module that acts, and set the results.
 * One small function per call; the table at the end maps numbers to them.
 */
#include "arch.h"
#include "ipc.h"
#include "kernel.h"
#include "group.h"
#include "ksrv.h"
#include "sched.h"
#include "time.h"
#include "vm.h"
#include <v/err.h>
#include <v/syscall.h>

struct sysargs {
    uint32_t a[5];
    uint32_t r1, r2;
};

/* Copy the caller's message in; `writable`: the buffer must also take the reply. */
static int msg_in(uint32_t uaddr, struct v_msg *m, int writable)
{
    if (writable)
        return vm_copy_in_rw(current->team, m, uaddr, sizeof(*m));
    return vm_copy_in(current->team, m, uaddr, sizeof(*m));
}

static int sys_send(struct sysargs *a)
{
    struct v_msg m;
    int err = msg_in(a->a[0], &m, 1);
    if (err)
        return err;
    /* The call fails only if no reply came; the reply's own code travels in m. */
    err = ipc_send(&m, a->a[1], &a->r1);
    if (!err)
        err = vm_copy_out(current->team, a->a[0], &m, sizeof(m));
    return err;
}

/* Receive, then copy the message (and for the segment variant, the segment) out. */
static int do_receive(struct sysargs *a, int with_seg)
{
    uint32_t umsg = a->a[0], from = a->a[1];
    int err = vm_check(current->team, umsg, sizeof(struct v_msg), 1);
    uint32_t buf = with_seg ? a->a[2] : 0, len = with_seg ? a->a[3] : 0;
    if (!err && len)
        err = vm_check(current->team, buf, len, 1);
    struct proc *s;
    if (!err)
        err = ipc_receive(from, &s);
    if (err)
        return err;
    if (with_seg)
        ipc_receive_segment(s, buf, &len);
    vm_copy_out(current->team, umsg, &s->msg, sizeof(s->msg));
    a->r1 = s->pid;
    a->r2 = len;
    if (__builtin_expect(s->alien > ALIEN_REMOTE, 0) && (s->msg.flags & V_MSG_NO_REPLY))
        ipc_complete(s, &s->msg, V_OK, current->pid);   /* nobody waits: free it now */
    return V_OK;
}

static int sys_receive(struct sysargs *a) { return do_receive(a, 0); }
static int sys_receive_seg(struct sysargs *a) { return do_receive(a, 1); }

static int sys_reply(struct sysargs *a)
{
    struct v_msg m;
    int err = msg_in(a->a[0], &m, 0);
    return err ? err : ipc_reply(&m, a->a[1]);
}

static int sys_reply_seg(struct sysargs *a)
{
    struct v_msg m;
    int err = msg_in(a->a[0], &m, 0);
    return err ? err : ipc_reply_with_segment(&m, a->a[1], a->a[2], a->a[3], a->a[4]);
}

static int sys_forward(struct sysargs *a)
{
    struct v_msg m;
    int err = msg_in(a->a[0], &m, 0);
    return err ? err : ipc_forward(&m, a->a[1], a->a[2]);
}

static int sys_moveto(struct sysargs *a) { return ipc_move_to(a->a[0], a->a[1], a->a[2], a->a[3]); }
static int sys_movefrom(struct sysargs *a) { return ipc_move_from(a->a[0], a->a[1], a->a[2], a->a[3]); }

static int sys_getpid(struct sysargs *a)
{
    switch (a->a[0]) {
    case V_LOGICAL_SELF:          a->r1 = current->pid; return V_OK;
    case V_LOGICAL_KERNEL_SERVER: a->r1 = v_pid_make(node_lhost, V_LOCAL_KERNEL_SERVER); return V_OK;
    case V_LOGICAL_DEVICE_SERVER: a->r1 = v_pid_make(node_lhost, V_LOCAL_DEVICE_SERVER); return V_OK;
    default:
        if (a->a[0] >= V_LOGICAL_COUNT)
            return V_EINVAL;
        a->r1 = ksrv_logical(a->a[0]);
        return a->r1 ? V_OK : V_ENOTFOUND;
    }
}

static int sys_setpid(struct sysargs *a) { return ksrv_set_logical(a->a[0], a->a[1]); }
static int sys_delay(struct sysargs *a) { return time_delay(a->a[0]); }

static int sys_exit(struct sysargs *a)
{
    (void)a;
    proc_destroy(current);
    return V_OK;                         /* not reached */
}

static int sys_yield(struct sysargs *a)
{
    (void)a;
    sched_schedule();
    return V_OK;
}

static int sys_time(struct sysargs *a)
{
    uint64_t ns = time_now_ns();
    a->r1 = (uint32_t)ns;
    a->r2 = (uint32_t)(ns >> 32);
    return V_OK;
}

static int sys_join_group(struct sysargs *a) { return group_join(a->a[0], a->a[1]); }
static int sys_leave_group(struct sysargs *a) { return group_leave(a->a[0], a->a[1]); }

static int sys_get_reply(struct sysargs *a)
{
    int err = vm_check(current->team, a->a[0], sizeof(struct v_msg), 1);
    if (!err)
        err = group_get_reply(current, a->a[1]);
    if (err)
        return err;
    a->r1 = current->ipc_pid;
    return vm_copy_out(current->team, a->a[0], &current->msg, sizeof(current->msg));
}

static int (*const calls[V_SYS_COUNT])(struct sysargs *) = {
    [V_SYS_SEND] = sys_send,         [V_SYS_RECEIVE] = sys_receive,
    [V_SYS_REPLY] = sys_reply,       [V_SYS_FORWARD] = sys_forward,
    [V_SYS_MOVETO] = sys_moveto,     [V_SYS_MOVEFROM] = sys_movefrom,
    [V_SYS_RECEIVE_SEG] = sys_receive_seg, [V_SYS_REPLY_SEG] = sys_reply_seg,
    [V_SYS_GETPID] = sys_getpid,     [V_SYS_SETPID] = sys_setpid,
    [V_SYS_DELAY] = sys_delay,       [V_SYS_EXIT] = sys_exit,
    [V_SYS_YIELD] = sys_yield,       [V_SYS_TIME] = sys_time,
    [V_SYS_JOIN_GROUP] = sys_join_group, [V_SYS_LEAVE_GROUP] = sys_leave_group,
    [V_SYS_GET_REPLY] = sys_get_reply,
};

void syscall_dispatch(struct trapframe *tf)
{
    uint32_t nr = arch_tf_call(tf);
    struct sysargs a = { .r1 = 0, .r2 = 0 };
    arch_tf_args(tf, a.a);
    int r = nr < V_SYS_COUNT && calls[nr] ? calls[nr](&a) : V_EBADCALL;
    if (r < 0)
        kstats.syscall_errors++;
    arch_tf_result(tf, r, a.r1, a.r2);
}
