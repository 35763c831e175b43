/*
 * heap.c - first-fit allocator over one region, with coalescing on free (pure).
 *
 * Entry points: v_heap_init, v_heap_alloc, v_heap_free, v_heap_realloc,
 * v_heap_free_bytes, v_heap_block_size, v_heap_check (v/heap.h).
 *
 * Layout: the region is tiled by blocks in address order. Each block starts with a
 * 16-byte header (so payloads stay 8-byte aligned on 32- and 64-bit hosts) holding a
 * magic word, its size and its predecessor's size; the two sizes let free() merge with
 * both neighbours in constant time. Invariant: no two adjacent blocks are free.
 * Allocation walks the blocks from the start and takes the first free one that fits.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "v/heap.h"
#include "v/err.h"

#define MAGIC_USED 0x55534544u   /* "USED" */
#define MAGIC_FREE 0x46524545u   /* "FREE" */
#define HDR        16u
#define MIN_BLOCK  32u           /* header + 16 payload bytes: smaller tails are not split */
#define MAX_REGION 0xfffffff8u   /* block sizes are 32-bit */

struct blk {
    uint32_t magic;       /* MAGIC_USED, MAGIC_FREE, or 0 once merged into a neighbour */
    uint32_t size;        /* whole block, header included; a multiple of 8 */
    uint32_t prev_size;   /* size of the block just before, 0 for the first block */
    uint32_t pad;
};
_Static_assert(sizeof(struct blk) == HDR, "block header is 16 bytes");

static struct blk *blk_next(const struct v_heap *h, const struct blk *b)
{
    char *n = (char *)b + b->size;
    return n < h->end ? (struct blk *)n : NULL;
}

static struct blk *blk_prev(const struct blk *b)
{
    return b->prev_size ? (struct blk *)((char *)b - b->prev_size) : NULL;
}

/* After b's size changed, tell the following block. */
static void fix_back_link(const struct v_heap *h, struct blk *b)
{
    struct blk *n = blk_next(h, b);
    if (n)
        n->prev_size = b->size;
}

/* Round a request up to a whole block size; 0 if it cannot fit any region. */
static uint32_t block_need(size_t n)
{
    if (n > MAX_REGION - HDR)
        return 0;
    n = ((n + 7) & ~(size_t)7) + HDR;
    return n < MIN_BLOCK ? MIN_BLOCK : (uint32_t)n;
}

/* The header of the live block whose payload starts at p, or NULL if p is not one. */
static struct blk *live_block(const struct v_heap *h, const void *p)
{
    uintptr_t off = (uintptr_t)p - (uintptr_t)h->base;
    uintptr_t span = (uintptr_t)(h->end - h->base);
    struct blk *b, *prev, *next;

    if (!h->base || off < HDR || off >= span || off % 8)
        return NULL;
    b = (struct blk *)((char *)p - HDR);
    if (b->magic != MAGIC_USED || b->size < MIN_BLOCK || b->size % 8 ||
        b->size > span - (off - HDR) || b->prev_size > off - HDR)
        return NULL;
    prev = blk_prev(b);
    if ((off == HDR) != (prev == NULL) || (prev && prev->size != b->prev_size))
        return NULL;
    next = blk_next(h, b);
    return next && next->prev_size != b->size ? NULL : b;
}

/* Merge the free block b with a free successor and a free predecessor. */
static void coalesce(struct v_heap *h, struct blk *b)
{
    struct blk *n = blk_next(h, b), *p = blk_prev(b);

    if (n && n->magic == MAGIC_FREE) {
        b->size += n->size;
        n->magic = 0;
        fix_back_link(h, b);
    }
    if (p && p->magic == MAGIC_FREE) {
        p->size += b->size;
        b->magic = 0;
        fix_back_link(h, p);
    }
}

/* Cut block b down to `need` bytes if the tail is big enough to be a block; the tail
 * becomes free (and merges with a free successor). */
static void trim(struct v_heap *h, struct blk *b, uint32_t need)
{
    struct blk *r;

    if (b->size - need < MIN_BLOCK)
        return;
    r = (struct blk *)((char *)b + need);
    r->magic = MAGIC_FREE;
    r->size = b->size - need;
    r->prev_size = need;
    r->pad = 0;
    b->size = need;
    fix_back_link(h, r);
    h->free_bytes += r->size;
    coalesce(h, r);
}

/* Manage [start, start+size): see v/heap.h. */
void v_heap_init(struct v_heap *h, void *start, size_t size)
{
    uintptr_t a = (uintptr_t)start, skip = ((a + 7) & ~(uintptr_t)7) - a;
    struct blk *b;

    h->base = h->end = start;
    h->free_bytes = 0;
    h->bad_frees = 0;
    if (!start || size < skip + MIN_BLOCK)
        return;
    size = (size - skip) & ~(size_t)7;
    if (size > MAX_REGION)
        size = MAX_REGION;
    h->base = (char *)start + skip;
    h->end = h->base + size;
    b = (struct blk *)h->base;
    *b = (struct blk){ .magic = MAGIC_FREE, .size = (uint32_t)size, .prev_size = 0 };
    h->free_bytes = size;
}

/* First-fit allocation of n bytes (8-byte aligned); NULL when no free block fits. */
void *v_heap_alloc(struct v_heap *h, size_t n)
{
    uint32_t need = block_need(n);
    struct blk *b;

    if (!need || h->base == h->end)
        return NULL;
    for (b = (struct blk *)h->base; b; b = blk_next(h, b)) {
        if (b->magic == MAGIC_FREE && b->size >= need) {
            b->magic = MAGIC_USED;
            h->free_bytes -= b->size;
            trim(h, b, need);
            return (char *)b + HDR;
        }
    }
    return NULL;
}

/* Free p: NULL is a no-op; a pointer that is not a live block is counted and ignored. */
void v_heap_free(struct v_heap *h, void *p)
{
    struct blk *b;

    if (!p)
        return;
    b = live_block(h, p);
    if (!b) {
        h->bad_frees++;
        return;
    }
    b->magic = MAGIC_FREE;
    h->free_bytes += b->size;
    coalesce(h, b);
}

/* Resize the live block b to need bytes without moving it, taking from a free successor
 * when growing. Returns 1 on success, 0 if it does not fit in place (nothing changed). */
static int resize_in_place(struct v_heap *h, struct blk *b, uint32_t need)
{
    struct blk *n = blk_next(h, b);

    if (b->size < need) {
        if (!n || n->magic != MAGIC_FREE || (uint64_t)b->size + n->size < need)
            return 0;
        h->free_bytes -= n->size;
        b->size += n->size;
        n->magic = 0;
        fix_back_link(h, b);
    }
    trim(h, b, need);
    return 1;
}

/* Resize p to n bytes: see v/heap.h. */
void *v_heap_realloc(struct v_heap *h, void *p, size_t n)
{
    struct blk *b;
    uint32_t need;
    void *q;

    if (!p)
        return v_heap_alloc(h, n);
    b = live_block(h, p);
    if (!b) {
        h->bad_frees++;
        return NULL;
    }
    if (n == 0) {
        v_heap_free(h, p);
        return NULL;
    }
    need = block_need(n);
    if (!need)
        return NULL;
    if (resize_in_place(h, b, need))
        return p;
    q = v_heap_alloc(h, n);
    if (!q)
        return NULL;
    memcpy(q, p, b->size - HDR);
    v_heap_free(h, p);
    return q;
}

/* Bytes in free blocks, headers included. */
size_t v_heap_free_bytes(const struct v_heap *h)
{
    return h->free_bytes;
}

/* Usable bytes of the live block at p, 0 if p is not a live block. */
size_t v_heap_block_size(const struct v_heap *h, const void *p)
{
    struct blk *b = live_block(h, p);
    return b ? b->size - HDR : 0;
}

/* Check every block and the free count: 0, or V_EINVAL at the first broken invariant. */
int v_heap_check(const struct v_heap *h)
{
    const char *c = h->base;
    uint32_t prev_size = 0, prev_free = 0;
    size_t free_sum = 0;

    while (c < h->end) {
        const struct blk *b = (const struct blk *)c;
        uint32_t is_free = b->magic == MAGIC_FREE;
        if ((!is_free && b->magic != MAGIC_USED) || b->size < MIN_BLOCK || b->size % 8 ||
            b->size > (size_t)(h->end - c) || b->prev_size != prev_size ||
            (is_free && prev_free))
            return V_EINVAL;
        if (is_free)
            free_sum += b->size;
        prev_size = b->size;
        prev_free = is_free;
        c += b->size;
    }
    return free_sum == h->free_bytes ? 0 : V_EINVAL;
}
