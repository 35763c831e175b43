/* test_list.c - kernel/list.h: intrusive circular lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "list.h"

struct item {
    int v;
    struct list link;
};

/* Collect the values on l into out; returns how many. */
static int values(struct list *l, int *out, int max)
{
    struct list *it;
    int n = 0;
    list_for_each(it, l) {
        if (n < max)
            out[n] = list_entry(it, struct item, link)->v;
        n++;
    }
    return n;
}

static void test_init_empty(void **state)
{
    (void)state;
    struct list l;
    struct item a = { .v = 1 };
    list_init(&l);
    list_init(&a.link);
    assert_true(list_empty(&l));
    assert_false(list_linked(&a.link));
    assert_null(list_first(&l));
    assert_null(list_pop_front(&l));
}

static void test_push_order(void **state)
{
    (void)state;
    struct list l;
    struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 };
    int out[4];
    list_init(&l);
    list_push_back(&l, &b.link);
    list_push_back(&l, &c.link);
    list_push_front(&l, &a.link);
    assert_int_equal(values(&l, out, 4), 3);
    assert_int_equal(out[0], 1);
    assert_int_equal(out[1], 2);
    assert_int_equal(out[2], 3);
    assert_false(list_empty(&l));
    assert_true(list_linked(&b.link));
    assert_ptr_equal(l.prev, &c.link);
}

static void test_insert_before(void **state)
{
    (void)state;
    struct list l;
    struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 };
    int out[4];
    list_init(&l);
    list_push_back(&l, &a.link);
    list_push_back(&l, &c.link);
    list_insert_before(&c.link, &b.link);
    assert_int_equal(values(&l, out, 4), 3);
    assert_int_equal(out[1], 2);
    list_init(&l);
    list_insert_before(&l, &a.link);  /* before the head = append */
    assert_ptr_equal(list_first(&l), &a.link);
}

static void test_remove_twice(void **state)
{
    (void)state;
    struct list l;
    struct item a = { .v = 1 }, b = { .v = 2 };
    int out[4];
    list_init(&l);
    list_push_back(&l, &a.link);
    list_push_back(&l, &b.link);
    list_remove(&a.link);
    assert_false(list_linked(&a.link));
    list_remove(&a.link);   /* second remove is harmless */
    assert_int_equal(values(&l, out, 4), 1);
    assert_int_equal(out[0], 2);
}

static void test_pop_front(void **state)
{
    (void)state;
    struct list l;
    struct item a = { .v = 1 }, b = { .v = 2 };
    list_init(&l);
    list_push_back(&l, &a.link);
    list_push_back(&l, &b.link);
    assert_ptr_equal(list_pop_front(&l), &a.link);
    assert_false(list_linked(&a.link));
    assert_ptr_equal(list_pop_front(&l), &b.link);
    assert_true(list_empty(&l));
    assert_null(list_pop_front(&l));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_empty),
        cmocka_unit_test(test_push_order),
        cmocka_unit_test(test_insert_before),
        cmocka_unit_test(test_remove_twice),
        cmocka_unit_test(test_pop_front),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
