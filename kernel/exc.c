/*
 * exc.c - exceptions as messages (V's exception server; the Cache Kernel's forwarding
 * of traps). A fault in ring 3 blocks the faulting process and sends, on its behalf, a
 * V_REQ_EXCEPTION message to its team's exception handler; the handler's Reply resumes
 * it (optionally at a new eip), or the handler destroys it. With no handler, or when
 * the handler goes away, the kernel destroys the process. Never the node.
 */
#include "arch.h"
#include "ipc.h"
#include "kernel.h"
#include "ksrv.h"
#include "sched.h"
#include <v/exc.h>
#include <v/err.h>
#include <v/syscall.h>

static const char *fault_name(uint32_t v)
{
    switch (v) {
    case V_EXC_DIVIDE:     return "divide error";
    case V_EXC_BREAKPOINT: return "breakpoint";
    case V_EXC_INVALID_OP: return "illegal instruction";
    case V_EXC_GPF:        return "protection fault";
    case V_EXC_PAGE_FAULT: return "page fault";
    default:               return "exception";
    }
}

static struct proc *handler_of(struct proc *p)
{
    v_pid_t h = p->team->exc_handler ? p->team->exc_handler : ksrv_logical(V_LOGICAL_EXCEPTION);
    struct proc *hp = proc_lookup(h);
    return hp == p ? NULL : hp;
}

__attribute__((noreturn)) static void kill_faulting(struct proc *p, const struct v_msg *m, const char *why)
{
    kprintf("kernel: %s in pid 0x%08x (%s) at eip 0x%08x addr 0x%08x: %s; destroyed\n",
            fault_name(m->w[0]), p->pid, p->team->name, m->w[2], m->w[3], why);
    proc_destroy(p);
    panic("destroyed process returned");
}

void exc_user_fault(struct trapframe *tf, uint32_t vector, uint32_t error, uint32_t addr)
{
    struct proc *p = current;
    struct v_msg m = { .code = V_REQ_EXCEPTION,
                       .w = { vector, error, arch_tf_pc(tf), addr, arch_tf_sp(tf) } };
    kstats.exceptions++;
    struct proc *h = handler_of(p);
    if (!h)
        kill_faulting(p, &m, "no exception handler");
    p->msg = m;
    p->grant_flags = p->grant_ptr = p->grant_len = 0;
    p->await = AWAIT_EXCEPTION;
    ipc_enqueue_sender(h, p);
    sched_block(V_PS_SEND_BLOCKED);
    if (p->ipc_status != V_OK)
        kill_faulting(p, &m, "its exception handler is gone");
    if (p->msg.w[0] & V_EXC_SET_EIP)
        arch_tf_set_pc(tf, p->msg.w[2]);
}
