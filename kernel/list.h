/*
 * list.h - intrusive circular doubly-linked lists (ready queues, sender queues, timers).
 * Pure: no arch headers, tested on the host (tests/unit/test_list.c). An element that is
 * on no list points at itself, so list_remove is safe to call twice.
 */
#ifndef KERNEL_LIST_H
#define KERNEL_LIST_H

#include <stddef.h>

struct list {
    struct list *next, *prev;
};

#define list_entry(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static inline void list_init(struct list *l) { l->next = l->prev = l; }
static inline int list_empty(const struct list *l) { return l->next == l; }
/* For an element: is it linked on some list? */
static inline int list_linked(const struct list *e) { return e->next != e; }

static inline void list_insert_between(struct list *e, struct list *prev, struct list *next)
{
    e->prev = prev;
    e->next = next;
    prev->next = e;
    next->prev = e;
}
static inline void list_push_back(struct list *head, struct list *e) { list_insert_between(e, head->prev, head); }
static inline void list_push_front(struct list *head, struct list *e) { list_insert_between(e, head, head->next); }
/* Insert e before pos (pos may be the head, which appends). */
static inline void list_insert_before(struct list *pos, struct list *e) { list_insert_between(e, pos->prev, pos); }

static inline void list_remove(struct list *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->next = e->prev = e;
}
static inline struct list *list_first(const struct list *head) { return list_empty(head) ? NULL : head->next; }
static inline struct list *list_pop_front(struct list *head)
{
    struct list *e = list_first(head);
    if (e)
        list_remove(e);
    return e;
}

#define list_for_each(it, head) for ((it) = (head)->next; (it) != (head); (it) = (it)->next)

#endif
