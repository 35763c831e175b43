/*
 * frames.c - physical page-frame bitmap allocator (pure).
 *
 * Entry points: frames_bitmap_words, frames_init, frames_release_range,
 * frames_reserve_range, frames_alloc, frames_free (frames.h).
 * Bits past `count` in the last word stay set forever, so a whole-word scan never
 * hands them out.
 */
#include <stdint.h>
#include "frames.h"
#include <v/err.h>

static int bit_get(const struct frames *f, uint32_t i)
{
    return (f->bitmap[i / 32] >> (i % 32)) & 1u;
}

static void bit_set(struct frames *f, uint32_t i)   { f->bitmap[i / 32] |= 1u << (i % 32); }
static void bit_clear(struct frames *f, uint32_t i) { f->bitmap[i / 32] &= ~(1u << (i % 32)); }

/* Words of bitmap storage needed for count frames. */
uint32_t frames_bitmap_words(uint32_t count)
{
    return count / 32 + (count % 32 != 0);
}

/* Set up f over bitmap, managing frames [base, base+count), all marked used. */
void frames_init(struct frames *f, uint32_t *bitmap, uint32_t base, uint32_t count)
{
    uint32_t words = frames_bitmap_words(count);

    f->bitmap = bitmap;
    f->base = base;
    f->count = count;
    f->nfree = 0;
    f->hint = 0;
    for (uint32_t i = 0; i < words; i++)
        bitmap[i] = 0xffffffffu;
}

/* Clip [first, first+n) to the managed range as indexes [*lo, *hi). */
static void clip(const struct frames *f, uint32_t first, uint32_t n, uint32_t *lo, uint32_t *hi)
{
    uint64_t a = first, b = (uint64_t)first + n;
    uint64_t base = f->base, end = (uint64_t)f->base + f->count;

    a = a < base ? base : a;
    b = b > end ? end : b;
    *lo = (uint32_t)(a - base);
    *hi = b > a ? (uint32_t)(b - base) : *lo;
}

/* Mark frames [first, first+n) free; frames outside the range are ignored. */
void frames_release_range(struct frames *f, uint32_t first, uint32_t n)
{
    uint32_t lo, hi;

    clip(f, first, n, &lo, &hi);
    for (uint32_t i = lo; i < hi; i++) {
        if (bit_get(f, i)) {
            bit_clear(f, i);
            f->nfree++;
        }
    }
}

/* Mark frames [first, first+n) used; frames outside the range are ignored. */
void frames_reserve_range(struct frames *f, uint32_t first, uint32_t n)
{
    uint32_t lo, hi;

    clip(f, first, n, &lo, &hi);
    for (uint32_t i = lo; i < hi; i++) {
        if (!bit_get(f, i)) {
            bit_set(f, i);
            f->nfree--;
        }
    }
}

/* Take a free frame, searching word by word from the hint and wrapping around once.
 * Returns 0 with *frame set, or V_ENOMEM. */
int frames_alloc(struct frames *f, uint32_t *frame)
{
    uint32_t words = frames_bitmap_words(f->count);
    uint32_t w = f->hint / 32;

    if (f->nfree == 0 || words == 0)
        return V_ENOMEM;
    for (uint32_t k = 0; k <= words; k++, w = (w + 1) % words) {
        uint32_t word = f->bitmap[w];
        if (k == 0)
            word |= (1u << (f->hint % 32)) - 1;   /* start at the hint itself */
        if (word == 0xffffffffu)
            continue;
        uint32_t i = w * 32 + (uint32_t)__builtin_ctz(~word);   /* lowest clear bit */
        bit_set(f, i);
        f->nfree--;
        f->hint = i + 1 < f->count ? i + 1 : 0;
        *frame = f->base + i;
        return 0;
    }
    return V_ENOMEM;   /* nfree disagreed with the bitmap: cannot happen */
}

/* Give back frame: 0, or V_EINVAL if it is outside the range or already free. */
int frames_free(struct frames *f, uint32_t frame)
{
    uint32_t i = frame - f->base;

    if (frame < f->base || i >= f->count || !bit_get(f, i))
        return V_EINVAL;
    bit_clear(f, i);
    f->nfree++;
    return 0;
}
