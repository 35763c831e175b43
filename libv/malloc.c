/*
 * malloc.c - programs' malloc, free, calloc and realloc over one heap (v/heap.h).
 *
 * Entry points: v_malloc_init (v/heap.h); malloc, free, calloc, realloc (stdlib.h).
 * crt0 calls v_malloc_init with the region between the image and the stack; before that
 * every allocation fails. Not compiled into the kernel. The processes of a team share
 * the heap and are preempted at timer ticks, so every call holds a lock: an atomic
 * exchange, yielding the CPU while another process of the team holds it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "v/heap.h"

static struct v_heap heap;
static volatile int heap_locked;

int v_yield(void);

static void lock(void)
{
    while (__atomic_exchange_n(&heap_locked, 1, __ATOMIC_ACQUIRE))
        v_yield();
}

static void unlock(void) { __atomic_store_n(&heap_locked, 0, __ATOMIC_RELEASE); }

/* Give the allocator its region (called once, by crt0). */
void v_malloc_init(void *start, size_t size)
{
    v_heap_init(&heap, start, size);
}

/* n bytes, 8-byte aligned, or NULL when the heap is exhausted. */
void *malloc(size_t n)
{
    lock();
    void *p = v_heap_alloc(&heap, n);
    unlock();
    return p;
}

/* Release p (NULL is a no-op; a pointer malloc did not return is ignored). */
void free(void *p)
{
    lock();
    v_heap_free(&heap, p);
    unlock();
}

/* n * size zeroed bytes; NULL if the product overflows or the heap is exhausted. */
void *calloc(size_t n, size_t size)
{
    void *p;

    if (size && n > (size_t)-1 / size)
        return NULL;
    p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

/* Resize p to n bytes (see v_heap_realloc): NULL on failure, p left intact. */
void *realloc(void *p, size_t n)
{
    lock();
    void *q = v_heap_realloc(&heap, p, n);
    unlock();
    return q;
}
