/*
 * timerq.c - timers sorted by deadline on an intrusive list (pure).
 *
 * Entry points: timer_init, timer_armed, timerq_init, timerq_add, timerq_cancel,
 * timerq_expire, timerq_next (timerq.h). Adding walks from the back, since new timers
 * usually expire after those already queued.
 */
#include <stdint.h>
#include "timerq.h"

static struct timer *timer_of(struct list *l) { return list_entry(l, struct timer, link); }

/* Prepare an unarmed timer. */
void timer_init(struct timer *t, void (*fn)(struct timer *), void *arg)
{
    list_init(&t->link);
    t->deadline = 0;
    t->fn = fn;
    t->arg = arg;
}

/* 1 if t is on a queue, else 0. */
int timer_armed(const struct timer *t)
{
    return list_linked(&t->link);
}

/* Empty queue. */
void timerq_init(struct timerq *q)
{
    list_init(&q->head);
}

/* Insert t after the last timer whose deadline is <= deadline (FIFO among equals);
 * an armed t is unlinked first. */
void timerq_add(struct timerq *q, struct timer *t, uint64_t deadline)
{
    struct list *pos;

    list_remove(&t->link);   /* before looking at the tail: t may be it */
    t->deadline = deadline;
    pos = q->head.prev;
    while (pos != &q->head && timer_of(pos)->deadline > deadline)
        pos = pos->prev;
    list_insert_before(pos->next, &t->link);
}

/* Disarm t (safe when it is not armed). */
void timerq_cancel(struct timer *t)
{
    list_remove(&t->link);
}

/* The earliest timer due at now, unlinked; NULL if none is due. */
struct timer *timerq_expire(struct timerq *q, uint64_t now)
{
    struct list *first = list_first(&q->head);

    if (!first || timer_of(first)->deadline > now)
        return NULL;
    list_remove(first);
    return timer_of(first);
}

/* Earliest deadline, or UINT64_MAX when empty. */
uint64_t timerq_next(const struct timerq *q)
{
    struct list *first = list_first(&q->head);
    return first ? timer_of(first)->deadline : UINT64_MAX;
}
