/*
 * timerq.h - a queue of timers sorted by deadline (kernel/timerq.c). Pure: no arch
 * headers, tested on the host (tests/unit/test_timerq.c). Callers serialize (the kernel
 * runs these with interrupts off). Deadlines are in whatever unit the caller uses
 * (the kernel: nanoseconds of monotonic time).
 */
#ifndef KERNEL_TIMERQ_H
#define KERNEL_TIMERQ_H

#include <stdint.h>
#include "list.h"

struct timer {
    struct list link;               /* on a timerq while armed, else points at itself */
    uint64_t deadline;
    void (*fn)(struct timer *t);    /* called by whoever expires the timer */
    void *arg;
};

struct timerq {
    struct list head;
};

/* Prepare an unarmed timer with its callback and argument. */
void timer_init(struct timer *t, void (*fn)(struct timer *), void *arg);
/* Is t on a queue? */
int timer_armed(const struct timer *t);

void timerq_init(struct timerq *q);
/* Arm t for deadline, keeping q sorted; among equal deadlines the earlier-added fires
 * first. Re-adding an armed timer moves it. */
void timerq_add(struct timerq *q, struct timer *t, uint64_t deadline);
/* Disarm t; a no-op if it is not armed. */
void timerq_cancel(struct timer *t);
/* Unlink and return the earliest timer whose deadline is <= now, else NULL. The caller
 * then calls t->fn (so it can do so after dropping whatever it holds). */
struct timer *timerq_expire(struct timerq *q, uint64_t now);
/* The earliest deadline, UINT64_MAX if q is empty. */
uint64_t timerq_next(const struct timerq *q);

#endif
