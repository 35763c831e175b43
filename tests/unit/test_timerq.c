/* test_timerq.c - kernel/timerq.c: the sorted timer queue. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "timerq.h"

static int fired;
static void on_fire(struct timer *t) { fired += (int)(intptr_t)t->arg; }

/* Expire everything due at now, in order, recording each timer's arg. */
static int drain(struct timerq *q, uint64_t now, int *order, int max)
{
    struct timer *t;
    int n = 0;
    while ((t = timerq_expire(q, now)) != NULL) {
        assert_false(timer_armed(t));
        if (n < max)
            order[n] = (int)(intptr_t)t->arg;
        n++;
    }
    return n;
}

static void test_empty(void **state)
{
    (void)state;
    struct timerq q;
    timerq_init(&q);
    assert_true(timerq_next(&q) == UINT64_MAX);
    assert_null(timerq_expire(&q, UINT64_MAX));
}

static void test_init_unarmed(void **state)
{
    (void)state;
    struct timer t;
    timer_init(&t, on_fire, (void *)(intptr_t)7);
    assert_false(timer_armed(&t));
    assert_ptr_equal(t.fn, on_fire);
    assert_ptr_equal(t.arg, (void *)(intptr_t)7);
    timerq_cancel(&t);   /* no-op */
    assert_false(timer_armed(&t));
}

static void test_sorted(void **state)
{
    (void)state;
    struct timerq q;
    struct timer t[5];
    uint64_t dl[5] = { 50, 10, 40, 20, 30 };
    int order[5];
    timerq_init(&q);
    for (int i = 0; i < 5; i++) {
        timer_init(&t[i], on_fire, (void *)(intptr_t)i);
        timerq_add(&q, &t[i], dl[i]);
        assert_true(timer_armed(&t[i]));
    }
    assert_true(timerq_next(&q) == 10);
    assert_null(timerq_expire(&q, 9));
    assert_int_equal(drain(&q, 35, order, 5), 3);
    assert_int_equal(order[0], 1);
    assert_int_equal(order[1], 3);
    assert_int_equal(order[2], 4);
    assert_true(timerq_next(&q) == 40);
    assert_int_equal(drain(&q, UINT64_MAX, order, 5), 2);
    assert_int_equal(order[0], 2);
    assert_int_equal(order[1], 0);
}

static void test_fifo_equal(void **state)
{
    (void)state;
    struct timerq q;
    struct timer t[4];
    int order[4];
    timerq_init(&q);
    for (int i = 0; i < 4; i++) {
        timer_init(&t[i], on_fire, (void *)(intptr_t)i);
        timerq_add(&q, &t[i], i == 0 ? 5 : 7);
    }
    assert_int_equal(drain(&q, 7, order, 4), 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(order[i], i);
}

static void test_readd_moves(void **state)
{
    (void)state;
    struct timerq q;
    struct timer a, b, c;
    int order[3];
    timerq_init(&q);
    timer_init(&a, on_fire, (void *)1);
    timer_init(&b, on_fire, (void *)2);
    timer_init(&c, on_fire, (void *)3);
    timerq_add(&q, &a, 10);
    timerq_add(&q, &b, 20);
    timerq_add(&q, &c, 30);
    timerq_add(&q, &c, 5);    /* the tail moves to the front */
    timerq_add(&q, &a, 25);   /* the head moves to the middle */
    assert_true(timerq_next(&q) == 5);
    assert_int_equal(drain(&q, 100, order, 3), 3);   /* each exactly once */
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 1);
}

static void test_cancel(void **state)
{
    (void)state;
    struct timerq q;
    struct timer a, b;
    int order[2];
    timerq_init(&q);
    timer_init(&a, on_fire, (void *)1);
    timer_init(&b, on_fire, (void *)2);
    timerq_add(&q, &a, 10);
    timerq_add(&q, &b, 20);
    timerq_cancel(&a);
    assert_false(timer_armed(&a));
    timerq_cancel(&a);
    assert_true(timerq_next(&q) == 20);
    assert_int_equal(drain(&q, 100, order, 2), 1);
    assert_int_equal(order[0], 2);
}

static void test_callback_by_caller(void **state)
{
    (void)state;
    struct timerq q;
    struct timer a;
    struct timer *t;
    timerq_init(&q);
    timer_init(&a, on_fire, (void *)(intptr_t)4);
    fired = 0;
    timerq_add(&q, &a, UINT64_MAX - 1);
    assert_null(timerq_expire(&q, UINT64_MAX - 2));
    assert_int_equal(fired, 0);   /* expire does not call fn */
    t = timerq_expire(&q, UINT64_MAX);
    assert_ptr_equal(t, &a);
    t->fn(t);
    assert_int_equal(fired, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_init_unarmed),
        cmocka_unit_test(test_sorted),
        cmocka_unit_test(test_fifo_equal),
        cmocka_unit_test(test_readd_moves),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_callback_by_caller),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
