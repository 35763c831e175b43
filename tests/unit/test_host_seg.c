/* test_host_seg.c - libv/host/hv_seg.c: a 64-bit host process's 32-bit client space, the
 * windows v_seg_addr() maps granted buffers to and hv_seg_at() maps back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "hv_seg.h"

static int reset(void **state)
{
    (void)state;
    hv_seg_reset();
    return 0;
}

static void test_grant_maps_back_to_the_buffer(void **state)
{
    static uint8_t buf[4096];
    uint8_t stackbuf[16];
    (void)state;
    uint32_t a = v_seg_addr(buf, sizeof buf), b = v_seg_addr(stackbuf, sizeof stackbuf);
    assert_int_not_equal(a, 0);
    assert_int_not_equal(b, 0);
    assert_int_not_equal(a, b);
    assert_int_equal(a % HV_SEG_WINDOW, 0);
    assert_ptr_equal(hv_seg_at(a, sizeof buf), buf);
    assert_ptr_equal(hv_seg_at(a + 100, 10), buf + 100);
    assert_ptr_equal(hv_seg_at(a + sizeof buf, 0), buf + sizeof buf);
    assert_ptr_equal(hv_seg_at(b + 15, 1), stackbuf + 15);
    /* The same buffer granted again keeps its window. */
    assert_int_equal(v_seg_addr(buf, 10), a);
    assert_ptr_equal(hv_seg_at(a, 10), buf);
}

static void test_ranges_outside_a_grant_are_refused(void **state)
{
    static uint8_t buf[100];
    (void)state;
    uint32_t a = v_seg_addr(buf, sizeof buf);
    assert_null(hv_seg_at(a, sizeof buf + 1));
    assert_null(hv_seg_at(a + 1, sizeof buf));
    assert_null(hv_seg_at(a + sizeof buf + 1, 0));
    assert_null(hv_seg_at(a + 50, UINT32_MAX));             /* no wrap-around */
    assert_null(hv_seg_at(0, 1));                           /* window 0 is "no segment" */
    assert_null(hv_seg_at(a + HV_SEG_WINDOW, 1));           /* a window never mapped */
    assert_null(hv_seg_at(UINT32_MAX, 1));                  /* past the last window */
    assert_null(hv_seg_at((HV_SEG_SLOTS + 1) * HV_SEG_WINDOW, 0));
}

static void test_unmappable_buffers_get_address_0(void **state)
{
    static uint8_t buf[8];
    (void)state;
    assert_int_equal(v_seg_addr(NULL, 10), 0);
    assert_int_equal(v_seg_addr(buf, HV_SEG_WINDOW + 1), 0);
    uint32_t a = v_seg_addr(buf, HV_SEG_WINDOW);            /* the largest grant */
    assert_int_not_equal(a, 0);
    assert_ptr_equal(hv_seg_at(a + HV_SEG_WINDOW - 1, 1), buf + HV_SEG_WINDOW - 1);
}

static void test_windows_stay_below_4g(void **state)
{
    static uint8_t bufs[HV_SEG_SLOTS][4];
    (void)state;
    for (unsigned i = 0; i < HV_SEG_SLOTS; i++) {
        uint32_t a = v_seg_addr(bufs[i], HV_SEG_WINDOW);
        assert_int_not_equal(a, 0);
        assert_true((uint64_t)a + HV_SEG_WINDOW <= UINT32_MAX);
        for (unsigned j = 0; j < i; j++)
            assert_ptr_not_equal(hv_seg_at(a, 1), bufs[j]);
    }
}

/* With every window taken, the one used longest ago goes; one in use keeps its own. */
static void test_least_recently_used_window_is_reused(void **state)
{
    static uint8_t bufs[HV_SEG_SLOTS + 1][4];
    uint32_t addr[HV_SEG_SLOTS];
    (void)state;
    for (unsigned i = 0; i < HV_SEG_SLOTS; i++)
        addr[i] = v_seg_addr(bufs[i], 4);
    assert_ptr_equal(hv_seg_at(addr[0], 4), bufs[0]);        /* window 0 used again */
    uint32_t extra = v_seg_addr(bufs[HV_SEG_SLOTS], 4);
    assert_int_equal(extra, addr[1]);                        /* the oldest after it */
    assert_ptr_equal(hv_seg_at(extra, 4), bufs[HV_SEG_SLOTS]);
    assert_ptr_equal(hv_seg_at(addr[0], 4), bufs[0]);
    for (unsigned i = 2; i < HV_SEG_SLOTS; i++)
        assert_ptr_equal(hv_seg_at(addr[i], 4), bufs[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_grant_maps_back_to_the_buffer, reset),
        cmocka_unit_test_setup(test_ranges_outside_a_grant_are_refused, reset),
        cmocka_unit_test_setup(test_unmappable_buffers_get_address_0, reset),
        cmocka_unit_test_setup(test_windows_stay_below_4g, reset),
        cmocka_unit_test_setup(test_least_recently_used_window_is_reused, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
