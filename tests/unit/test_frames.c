/* test_frames.c - kernel/frames.c: the physical frame bitmap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "frames.h"
#include <v/err.h>

#define BASE  0x100u          /* frame 0x100 = 1 MiB */
#define COUNT 100u            /* not a multiple of 32: a partial last word */

static uint32_t bitmap[8];
static struct frames f;

static int setup(void **state)
{
    (void)state;
    memset(bitmap, 0, sizeof(bitmap));
    frames_init(&f, bitmap, BASE, COUNT);
    return 0;
}

static void test_bitmap_words(void **state)
{
    (void)state;
    assert_int_equal(frames_bitmap_words(0), 0);
    assert_int_equal(frames_bitmap_words(1), 1);
    assert_int_equal(frames_bitmap_words(32), 1);
    assert_int_equal(frames_bitmap_words(33), 2);
    assert_int_equal(frames_bitmap_words(0xffffffffu), 0x8000000u);
}

static void test_init_all_used(void **state)
{
    (void)state;
    uint32_t fr;
    assert_int_equal(f.nfree, 0);
    assert_int_equal(frames_alloc(&f, &fr), V_ENOMEM);
    assert_int_equal(frames_free(&f, BASE), 0);   /* used frames may be freed */
    assert_int_equal(f.nfree, 1);
    assert_int_equal(frames_alloc(&f, &fr), 0);
    assert_int_equal(fr, BASE);
}

static void test_release_clips(void **state)
{
    (void)state;
    frames_release_range(&f, 0, BASE + 10);           /* only [BASE, BASE+10) counts */
    assert_int_equal(f.nfree, 10);
    frames_release_range(&f, BASE + COUNT - 5, 1000);  /* the last 5 */
    assert_int_equal(f.nfree, 15);
    frames_release_range(&f, 0xfffffff0u, 0x20);      /* wraps 2^32: nothing in range */
    assert_int_equal(f.nfree, 15);
    frames_release_range(&f, BASE, 10);               /* already free: not double counted */
    assert_int_equal(f.nfree, 15);
    frames_reserve_range(&f, BASE + 5, 100);
    assert_int_equal(f.nfree, 5);
    frames_reserve_range(&f, 0, 0xffffffffu);
    assert_int_equal(f.nfree, 0);
}

static void test_alloc_all_then_enomem(void **state)
{
    (void)state;
    uint32_t fr, seen[COUNT] = { 0 };
    frames_release_range(&f, BASE, COUNT);
    for (uint32_t i = 0; i < COUNT; i++) {
        assert_int_equal(frames_alloc(&f, &fr), 0);
        assert_in_range(fr, BASE, BASE + COUNT - 1);
        assert_int_equal(seen[fr - BASE], 0);
        seen[fr - BASE] = 1;
    }
    assert_int_equal(f.nfree, 0);
    assert_int_equal(frames_alloc(&f, &fr), V_ENOMEM);
}

static void test_next_fit_wraps(void **state)
{
    (void)state;
    uint32_t fr;
    frames_release_range(&f, BASE, COUNT);
    assert_int_equal(frames_alloc(&f, &fr), 0);
    assert_int_equal(fr, BASE);
    assert_int_equal(frames_alloc(&f, &fr), 0);
    assert_int_equal(fr, BASE + 1);
    assert_int_equal(frames_free(&f, BASE), 0);
    /* next-fit: continues after the last one rather than reusing BASE at once */
    assert_int_equal(frames_alloc(&f, &fr), 0);
    assert_int_equal(fr, BASE + 2);
    /* use up everything after; then the search wraps to BASE */
    frames_reserve_range(&f, BASE + 3, COUNT);
    assert_int_equal(frames_alloc(&f, &fr), 0);
    assert_int_equal(fr, BASE);
    assert_int_equal(frames_alloc(&f, &fr), V_ENOMEM);
}

static void test_hint_inside_word(void **state)
{
    (void)state;
    uint32_t fr;
    /* only frames 3 and 40 free; the hint sits at 5 within word 0 */
    frames_release_range(&f, BASE + 3, 1);
    frames_release_range(&f, BASE + 40, 1);
    f.hint = 5;
    assert_int_equal(frames_alloc(&f, &fr), 0);
    assert_int_equal(fr, BASE + 40);
    assert_int_equal(frames_alloc(&f, &fr), 0);
    assert_int_equal(fr, BASE + 3);   /* found on the wrap back into word 0 */
}

static void test_never_past_count(void **state)
{
    (void)state;
    uint32_t fr;
    frames_release_range(&f, BASE + COUNT - 1, 1);
    assert_int_equal(frames_alloc(&f, &fr), 0);
    assert_int_equal(fr, BASE + COUNT - 1);
    assert_int_equal(f.hint, 0);   /* wrapped */
    assert_int_equal(frames_alloc(&f, &fr), V_ENOMEM);
}

static void test_free_errors(void **state)
{
    (void)state;
    frames_release_range(&f, BASE, 4);
    assert_int_equal(frames_free(&f, BASE - 1), V_EINVAL);
    assert_int_equal(frames_free(&f, BASE + COUNT), V_EINVAL);
    assert_int_equal(frames_free(&f, 0), V_EINVAL);
    assert_int_equal(frames_free(&f, BASE + 2), V_EINVAL);   /* already free */
    assert_int_equal(f.nfree, 4);
}

static void test_empty_range(void **state)
{
    (void)state;
    struct frames e;
    uint32_t fr;
    frames_init(&e, bitmap, 0, 0);
    frames_release_range(&e, 0, 100);
    assert_int_equal(e.nfree, 0);
    assert_int_equal(frames_alloc(&e, &fr), V_ENOMEM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bitmap_words),
        cmocka_unit_test_setup(test_init_all_used, setup),
        cmocka_unit_test_setup(test_release_clips, setup),
        cmocka_unit_test_setup(test_alloc_all_then_enomem, setup),
        cmocka_unit_test_setup(test_next_fit_wraps, setup),
        cmocka_unit_test_setup(test_hint_inside_word, setup),
        cmocka_unit_test_setup(test_never_past_count, setup),
        cmocka_unit_test_setup(test_free_errors, setup),
        cmocka_unit_test_setup(test_empty_range, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
