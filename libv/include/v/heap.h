/*
 * v/heap.h - a first-fit memory allocator over one region (libv/heap.c, pure), and the
 * hook that gives programs' malloc its region (libv/malloc.c).
 *
 * The region is tiled by blocks, each a 16-byte header followed by its payload; payloads
 * are 8-byte aligned. Freeing merges a block with free neighbours. A pointer that is not
 * the start of a live block (double free, foreign pointer) is detected by the header's
 * magic word and the neighbours' sizes, ignored, and counted in bad_frees.
 * Not thread-safe: callers sharing a heap must serialize.
 */
#ifndef V_HEAP_H
#define V_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct v_heap {
    char    *base, *end;     /* the tiled region [base, end) */
    size_t   free_bytes;     /* sum of the sizes (headers included) of free blocks */
    uint32_t bad_frees;      /* frees/reallocs of pointers that were not live blocks */
};

/* Manage [start, start+size). The region is trimmed to 8-byte alignment and to at most
 * 4 GiB - 8; a region too small for one block gives a heap where every alloc fails. */
void v_heap_init(struct v_heap *h, void *start, size_t size);
/* First free block that fits n bytes (n = 0 gives a minimal block), or NULL. */
void *v_heap_alloc(struct v_heap *h, size_t n);
/* Free p (NULL is a no-op; a bad pointer is ignored and counted). */
void v_heap_free(struct v_heap *h, void *p);
/* Resize p to n bytes, in place when it can, else by moving it. p = NULL allocates;
 * n = 0 frees p and returns NULL. On failure (or a bad p, counted) returns NULL and p is
 * unchanged. */
void *v_heap_realloc(struct v_heap *h, void *p, size_t n);
/* Bytes in free blocks, headers included: equals the trimmed region size when nothing is
 * allocated. */
size_t v_heap_free_bytes(const struct v_heap *h);
/* Usable size of the live block at p, or 0 if p is not one. */
size_t v_heap_block_size(const struct v_heap *h, const void *p);
/* Walk the heap and check its invariants (tiling, magic words, back links, no two
 * adjacent free blocks, the free byte count). Returns 0 or V_EINVAL. */
int v_heap_check(const struct v_heap *h);

/* Programs: give malloc/free/calloc/realloc their region (crt0 calls it once). */
void v_malloc_init(void *start, size_t size);

#endif
