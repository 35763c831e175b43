/*
 * frames.h - physical page-frame allocator: one bit per 4 KiB frame (kernel/frames.c).
 * Pure: no arch headers, tested on the host (tests/unit/test_frames.c). The caller
 * provides the bitmap storage and serializes calls (the kernel runs them with
 * interrupts off).
 */
#ifndef KERNEL_FRAMES_H
#define KERNEL_FRAMES_H

#include <stdint.h>

#define FRAME_SHIFT 12

/* Manages frames [base, base+count); frame number = physical address >> FRAME_SHIFT.
 * Bit set = frame in use. */
struct frames {
    uint32_t *bitmap;
    uint32_t base, count, nfree, hint;   /* hint: index where the next search starts */
};

/* Words of bitmap storage needed for count frames. */
uint32_t frames_bitmap_words(uint32_t count);
/* Set up f over the given bitmap (frames_bitmap_words(count) words); all frames USED. */
void frames_init(struct frames *f, uint32_t *bitmap, uint32_t base, uint32_t count);
/* Mark frames [first, first+n) free / used, clipped to the managed range. */
void frames_release_range(struct frames *f, uint32_t first, uint32_t n);
void frames_reserve_range(struct frames *f, uint32_t first, uint32_t n);
/* Take a free frame (next-fit from the hint) into *frame: 0 or V_ENOMEM. */
int frames_alloc(struct frames *f, uint32_t *frame);
/* Give back a frame: 0, or V_EINVAL if outside the range or already free. */
int frames_free(struct frames *f, uint32_t frame);

#endif
