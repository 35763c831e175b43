/* test_msg.c - libv/msg.c: segment access checks and error texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <v/msg.h>
#include <v/err.h>

#define R V_MSG_SEG_READ
#define W V_MSG_SEG_WRITE

static struct v_msg seg(uint16_t flags, uint32_t ptr, uint32_t len)
{
    struct v_msg m = { .flags = flags, .seg_ptr = ptr, .seg_len = len };
    return m;
}

static void test_access_bits(void **state)
{
    (void)state;
    struct v_msg m = seg(R, 0x1000, 0x100);
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0x10, R), 0);
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0x10, W), V_ENOACCESS);
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0x10, R | W), V_ENOACCESS);
    m = seg(W, 0x1000, 0x100);
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0x10, W), 0);
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0x10, R), V_ENOACCESS);
    m = seg(R | W | V_MSG_NO_REPLY, 0x1000, 0x100);
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0x10, R | W), 0);
    m = seg(0, 0x1000, 0x100);
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0x10, R), V_ENOACCESS);
    /* access is checked before the range */
    assert_int_equal(v_msg_seg_check(&m, 0, 0xffffffffu, R), V_ENOACCESS);
}

static void test_range(void **state)
{
    (void)state;
    struct v_msg m = seg(R | W, 0x1000, 0x100);
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0x100, R), 0);       /* whole */
    assert_int_equal(v_msg_seg_check(&m, 0x10ff, 1, R), 0);           /* last byte */
    assert_int_equal(v_msg_seg_check(&m, 0x10ff, 2, R), V_ERANGE);
    assert_int_equal(v_msg_seg_check(&m, 0x0fff, 1, R), V_ERANGE);    /* just below */
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0x101, W), V_ERANGE);
    assert_int_equal(v_msg_seg_check(&m, 0x2000, 1, W), V_ERANGE);
}

static void test_zero_length(void **state)
{
    (void)state;
    struct v_msg m = seg(R, 0x1000, 0x100);
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0, R), 0);
    assert_int_equal(v_msg_seg_check(&m, 0x1100, 0, R), 0);         /* at the end */
    assert_int_equal(v_msg_seg_check(&m, 0x1101, 0, R), V_ERANGE);
    assert_int_equal(v_msg_seg_check(&m, 0x0fff, 0, R), V_ERANGE);
    m = seg(R, 0x1000, 0);                                         /* empty grant */
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0, R), 0);
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 1, R), V_ERANGE);
}

static void test_overflow(void **state)
{
    (void)state;
    struct v_msg m = seg(R, 0x1000, 0x100);
    /* addr + len wraps to a small number that would look inside the segment */
    assert_int_equal(v_msg_seg_check(&m, 0x1010, 0xfffffff8u, R), V_ERANGE);
    assert_int_equal(v_msg_seg_check(&m, 0x1000, 0xffffffffu, R), V_ERANGE);
    /* a granted segment that itself wraps is refused whatever is asked */
    m = seg(R, 0xfffff000u, 0x2000);
    assert_int_equal(v_msg_seg_check(&m, 0xfffff000u, 0x10, R), V_ERANGE);
    assert_int_equal(v_msg_seg_check(&m, 0, 0x10, R), V_ERANGE);
    /* up to the last byte of the address space is representable */
    m = seg(R, 0xfffff000u, 0xfff);
    assert_int_equal(v_msg_seg_check(&m, 0xfffffffeu, 1, R), 0);
    assert_int_equal(v_msg_seg_check(&m, 0xfffffffeu, 2, R), V_ERANGE);
}

static void test_strerror(void **state)
{
    (void)state;
    assert_string_equal(v_strerror(V_OK), "ok");
    assert_string_equal(v_strerror(V_ENOPROC), "no such process");
    assert_string_equal(v_strerror(V_EINVAL), "invalid argument");
    assert_string_equal(v_strerror(V_EPERM), "not permitted");
    assert_string_equal(v_strerror(V_ENOSPC), "no space");
    assert_int_equal(V_ERR_MIN, V_ENOSPC);
    assert_string_equal(v_strerror(V_ERR_MIN - 1), "unknown error");
    assert_string_equal(v_strerror(1), "unknown error");
    assert_string_equal(v_strerror(-1000), "unknown error");
    /* every code has its own text */
    for (int a = V_ERR_MIN; a <= 0; a++) {
        assert_string_not_equal(v_strerror(a), "unknown error");
        for (int b = a + 1; b <= 0; b++)
            assert_string_not_equal(v_strerror(a), v_strerror(b));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_access_bits),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_zero_length),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
