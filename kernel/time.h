/*
 * time.h - the time module: a monotonic clock (ns since boot), timers, delays, and a
 * settable time of day. Entry points below; time_tick is called by the timer interrupt.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>
#include "timerq.h"

#define TICK_HZ 100

void time_init(void);
uint64_t time_now_ns(void);
uint64_t time_tod(void);                  /* seconds since 1970 */
void time_set_tod(uint64_t seconds);
/* Arm t to fire (t->fn called from the tick, interrupts off) at or after deadline_ns. */
void time_arm(struct timer *t, uint64_t deadline_ns);
/* Block the caller for ms milliseconds. */
int time_delay(uint32_t ms);

#endif
