/* time.c - the clock (the cycle counter calibrated at boot), the timer queue, Delay. */
#include "time.h"
#include "arch.h"
#include "kernel.h"
#include "sched.h"
#include <v/err.h>

static struct timerq timers;
static uint64_t boot_cycles;
static uint64_t boot_epoch;      /* time of day at boot, in seconds */

void time_init(void)
{
    timerq_init(&timers);
    arch_timer_init(TICK_HZ);
    boot_cycles = arch_cycles();
    boot_epoch = arch_rtc_epoch_seconds();
}

uint64_t time_now_ns(void)
{
    uint64_t d = arch_cycles() - boot_cycles;
    uint32_t khz = arch_cycles_khz();
    return (d / khz) * 1000000u + ((d % khz) * 1000000u) / khz;
}

uint64_t time_tod(void) { return boot_epoch + time_now_ns() / 1000000000u; }

void time_set_tod(uint64_t seconds) { boot_epoch = seconds - time_now_ns() / 1000000000u; }

void time_arm(struct timer *t, uint64_t deadline_ns) { timerq_add(&timers, t, deadline_ns); }

void time_tick(void)
{
    kstats.ticks++;
    sched_tick();
    uint64_t now = time_now_ns();
    struct timer *t;
    while ((t = timerq_expire(&timers, now)))
        if (t->fn)
            t->fn(t);
}

static void delay_done(struct timer *t)
{
    struct proc *p = t->arg;
    if (p->state == V_PS_DELAYED)
        sched_ready(p);
}

int time_delay(uint32_t ms)
{
    if (ms == 0) {
        sched_schedule();
        return V_OK;
    }
    current->timer.fn = delay_done;
    current->timer.arg = current;
    time_arm(&current->timer, time_now_ns() + (uint64_t)ms * 1000000u);
    sched_block(V_PS_DELAYED);
    return V_OK;
}
