/*
 * sched.h - the preemptive priority scheduler: one FIFO ready queue per priority,
 * round robin within a priority at each timer tick. The running process is on no queue.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "proc.h"

#define PRIO_IDLE (V_PRIO_MAX + 1)

void sched_init(struct proc *idle);
/* Make p runnable (state READY); preempts the caller at trap exit if p is more urgent. */
void sched_ready(struct proc *p);
/* Remove p from its ready queue (it is being destroyed or blocked elsewhere). */
void sched_unready(struct proc *p);
/* Block the caller in `state` and run something else; returns when it is made ready. */
void sched_block(uint32_t state);
/* Run the most urgent ready process (the caller stays ready if still RUNNING). */
void sched_schedule(void);
/* The caller is dead: run something else, never return. */
__attribute__((noreturn)) void sched_exit(void);
void sched_tick(void);
__attribute__((noreturn)) void sched_idle_loop(void);

#endif
