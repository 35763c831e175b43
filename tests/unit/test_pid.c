/* test_pid.c - the inline pid helpers of libv/include/v/pid.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <v/pid.h>

static void test_make_and_split(void **state)
{
    (void)state;
    v_pid_t p = v_pid_make(0x1234, 0xabcd);
    assert_int_equal(p, 0x1234abcdu);
    assert_int_equal(v_pid_lhost(p), 0x1234);
    assert_int_equal(v_pid_local(p), 0xabcd);
    assert_false(v_pid_is_group(p));
    /* every field is masked: the top lhost bit never reaches the group bit */
    p = v_pid_make(0xffff, 0x1ffff);
    assert_int_equal(p, 0x7fffffffu);
    assert_false(v_pid_is_group(p));
    assert_int_equal(v_pid_lhost(p), V_PID_LHOST_MASK);
    assert_int_equal(v_pid_make(0, 0), V_PID_NONE);
}

static void test_round_trip(void **state)
{
    (void)state;
    for (uint32_t lh = 0; lh <= V_PID_LHOST_MASK; lh += 0x111)
        for (uint32_t lo = 0; lo <= V_PID_LOCAL_MASK; lo += 0x0f0f) {
            v_pid_t p = v_pid_make(lh, lo);
            assert_int_equal(v_pid_lhost(p), lh);
            assert_int_equal(v_pid_local(p), lo);
        }
}

static void test_group_bit(void **state)
{
    (void)state;
    v_pid_t g = V_PID_GROUP_BIT | v_pid_make(5, 9);
    assert_true(v_pid_is_group(g));
    assert_int_equal(v_pid_lhost(g), 5);         /* the group bit is not lhost */
    assert_int_equal(v_pid_local(g), 9);
    assert_false(v_pid_is_group(v_pid_make(V_PID_LHOST_MASK, V_PID_LOCAL_MASK)));
}

static void test_lhost(void **state)
{
    (void)state;
    assert_int_equal(v_lhost_make(3, 0), 3u << 7);
    assert_int_equal(v_lhost_make(3, 5), (3u << 7) | 5);
    assert_int_equal(v_lhost_home_node(v_lhost_make(3, 5)), 3);
    assert_int_equal(v_lhost_home_node(v_lhost_make(V_NODE_MAX, V_LHOST_N_MASK)), 255);
    assert_int_equal(v_lhost_make(V_NODE_MAX, V_LHOST_N_MASK), V_PID_LHOST_MASK);
    assert_int_equal(v_lhost_make(1, 0x80), 1u << 7);   /* n is masked to 7 bits */
    assert_int_equal(v_lhost_make(0x100, 0), 0);         /* node masked to 8 bits */
    for (uint32_t node = 0; node <= V_NODE_MAX; node++)
        assert_int_equal(v_lhost_home_node(v_pid_lhost(v_pid_make(v_lhost_make(node, 77), 1))),
                         node);
}

static void test_wellknown(void **state)
{
    (void)state;
    v_pid_t any = v_pid_make(v_lhost_make(4, 2), 0x0305);
    v_pid_t ks = v_kernel_server_of(any), ds = v_device_server_of(any);
    assert_int_equal(v_pid_lhost(ks), v_lhost_make(4, 2));
    assert_int_equal(v_pid_local(ks), V_LOCAL_KERNEL_SERVER);
    assert_int_equal(v_pid_local(ds), V_LOCAL_DEVICE_SERVER);
    assert_int_not_equal(ks, ds);
    assert_true(v_local_is_wellknown(V_LOCAL_KERNEL_SERVER));
    assert_true(v_local_is_wellknown(0xff));
    assert_false(v_local_is_wellknown(0));
    assert_false(v_local_is_wellknown(0x100));           /* generation 1, slot 0 */
    assert_false(v_local_is_wellknown(v_pid_local(any)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_make_and_split),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_group_bit),
        cmocka_unit_test(test_lhost),
        cmocka_unit_test(test_wellknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
