/*
 * sched.c - choosing who runs. Entry points in sched.h. Everything runs with interrupts
 * off; a process gives up the CPU only inside the kernel (blocking, or at trap exit when
 * need_resched is set by a tick or by waking a more urgent process).
 */
#include "sched.h"
#include "kernel.h"

struct proc *current;
static struct list readyq[PRIO_IDLE + 1];
static uint32_t ready_mask;          /* bit i: readyq[i] is not empty */
static int need_resched;
static struct proc *idle_proc;

void sched_init(struct proc *idle)
{
    for (int i = 0; i <= PRIO_IDLE; i++)
        list_init(&readyq[i]);
    idle_proc = idle;
    current = idle;
    idle->state = V_PS_RUNNING;
}

void sched_ready(struct proc *p)
{
    KASSERT(!list_linked(&p->qlink));
    p->state = V_PS_READY;
    list_push_back(&readyq[p->prio], &p->qlink);
    ready_mask |= 1u << p->prio;
    if (p->prio < current->prio)
        need_resched = 1;
}

void sched_unready(struct proc *p)
{
    if (p->state == V_PS_READY) {
        list_remove(&p->qlink);
        if (list_empty(&readyq[p->prio]))
            ready_mask &= ~(1u << p->prio);
    }
}

static struct proc *pick(void)
{
    if (!ready_mask)
        return idle_proc;   /* idle is never queued while it runs; it is the fallback */
    uint32_t prio = (uint32_t)__builtin_ctz(ready_mask);
    struct list *e = list_pop_front(&readyq[prio]);
    if (list_empty(&readyq[prio]))
        ready_mask &= ~(1u << prio);
    return list_entry(e, struct proc, qlink);
}

static void switch_to(struct proc *next)
{
    struct proc *prev = current;
    if (prev == idle_proc)
        prev->state = V_PS_READY;       /* idle waits off-queue: it is the fallback */
    next->state = V_PS_RUNNING;
    if (next == prev)
        return;
    current = next;
    kstats.switches++;
    /* A kernel thread (the idle process) runs on whatever address space is loaded: a
     * CR3 write empties the TLB (all of QEMU's soft TLB under TCG), and the process
     * that ran before idle is most often the one that runs after it. */
    uint32_t pd = next->team ? next->team->pd : 0;
    arch_switch_to(&prev->ctx, &next->ctx, pd, proc_kstack_top(next));
}

void sched_schedule(void)
{
    need_resched = 0;
    if (current->state == V_PS_RUNNING && current != idle_proc) {
        current->state = V_PS_READY;
        list_push_back(&readyq[current->prio], &current->qlink);
        ready_mask |= 1u << current->prio;
    }
    switch_to(pick());
}

void sched_block(uint32_t state)
{
    current->state = state;
    sched_schedule();
}

void sched_exit(void)
{
    need_resched = 0;
    switch_to(pick());
    panic("a dead process was scheduled");
}

/* A timer tick: round robin among processes of the running one's priority or better. */
void sched_tick(void)
{
    current->ticks++;
    if (ready_mask & ((2u << current->prio) - 1))   /* anyone as urgent or more */
        need_resched = 1;
}

void sched_trap_exit(void)
{
    if (__builtin_expect(current->doomed, 0)) {
        current->pid = 0;               /* destroyed already (proc_destroy_for): leave */
        sched_exit();
    }
    if (need_resched)
        sched_schedule();
}

void sched_idle_loop(void)
{
    for (;;) {
        if (need_resched)
            sched_schedule();
        arch_idle();
    }
}
