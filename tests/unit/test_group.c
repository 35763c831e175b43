/* test_group.c - group ids and multicast addresses (v/group.h), kernel/group_table.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <v/err.h>
#include <v/group.h>
#include "group_table.h"

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static void test_group_ids_are_apart_from_pids(void **state)
{
    (void)state;
    v_pid_t pm = V_GROUP_PROGRAM_MANAGERS;
    assert_true(v_group_is(pm));
    assert_true(v_group_is_wellknown(pm));
    assert_int_equal(v_group_creator(pm), 0);
    v_pid_t g = v_group_make(v_lhost_make(3, 0), 7);
    assert_int_equal(g, 0x81800007u);
    assert_true(v_group_is(g));
    assert_false(v_group_is_wellknown(g));
    assert_int_equal(v_group_creator(g), 0x180);
    /* pids, pid 0 and a group id with local 0 are not groups */
    assert_false(v_group_is(v_pid_make(0x7fff, 0xffff)));
    assert_false(v_group_is(V_PID_NONE));
    assert_false(v_group_is(V_PID_GROUP_BIT));
    assert_false(v_group_is(V_PID_GROUP_BIT | 0x01800000u));
    /* out-of-range arguments make nothing */
    assert_int_equal(v_group_make(0, 1), V_PID_NONE);
    assert_int_equal(v_group_make(0x8000, 1), V_PID_NONE);
    assert_int_equal(v_group_make(1, 0), V_PID_NONE);
    assert_int_equal(v_group_make(1, 0x10000), V_PID_NONE);
    assert_int_equal(v_group_wellknown(0), V_PID_NONE);
    assert_int_equal(v_group_wellknown(0x10000), V_PID_NONE);
    assert_int_equal(v_group_wellknown(3), V_GROUP_NAME_HANDLERS);
    /* every well-known group the issue names is a distinct well-known id */
    v_pid_t wk[] = { V_GROUP_KERNEL_SERVERS, V_GROUP_PROGRAM_MANAGERS, V_GROUP_NAME_HANDLERS,
                     V_GROUP_EV_PROCESS_DIED, V_GROUP_EV_TEAM_DIED, V_GROUP_EV_NODE,
                     V_GROUP_EV_LHOST_MOVED };
    for (size_t i = 0; i < sizeof(wk) / sizeof(wk[0]); i++) {
        assert_true(v_group_is_wellknown(wk[i]));
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(wk[i], wk[j]);
    }
}

static void test_mcast_addresses_of_system_groups(void **state)
{
    (void)state;
    assert_int_equal(v_group_mcast_addr(V_GROUP_KERNEL_SERVERS), V_PROTO_KERNELS);
    assert_int_equal(v_group_mcast_addr(V_GROUP_PROGRAM_MANAGERS), IP(239, 86, 0, 2));
    assert_int_equal(v_group_mcast_addr(V_GROUP_NAME_HANDLERS), IP(239, 86, 0, 3));
    assert_int_equal(v_group_mcast_addr(V_GROUP_EV_NODE), IP(239, 86, 0, 0x12));
    /* well-known 2..255 each get .0.n; then they wrap within .0.2-.0.255 */
    for (uint32_t n = 2; n <= 255; n++)
        assert_int_equal(v_group_mcast_addr(v_group_wellknown(n)), IP(239, 86, 0, n));
    for (uint32_t n = 256; n <= 0xffff; n++) {
        uint32_t a = v_group_mcast_addr(v_group_wellknown(n));
        assert_true(a >= IP(239, 86, 0, 2) && a <= IP(239, 86, 0, 255));
    }
    assert_int_equal(v_group_mcast_addr(v_group_wellknown(256)), IP(239, 86, 0, 2));
    /* not groups: no address */
    assert_int_equal(v_group_mcast_addr(v_pid_make(0x80, 0x101)), 0);
    assert_int_equal(v_group_mcast_addr(V_PID_GROUP_BIT), 0);
}

/* Created groups never land on .0.x (system) and spread over the rest: fixed values
 * pin the mapping (every node and host tool must compute the same address forever). */
static void test_mcast_addresses_of_created_groups_spread(void **state)
{
    (void)state;
    static uint8_t load[0x10000];
    memset(load, 0, sizeof(load));
    uint32_t distinct = 0, worst = 0;
    for (uint32_t node = 1; node <= 64; node++)
        for (uint32_t serial = 1; serial <= 64; serial++) {
            uint32_t a = v_group_mcast_addr(v_group_make(v_lhost_make(node, 0), serial));
            assert_int_equal(a >> 16, 0xef56);
            assert_true((a & 0xffff) >= 0x100);
            if (load[a & 0xffff]++ == 0)
                distinct++;
            if (load[a & 0xffff] > worst)
                worst = load[a & 0xffff];
        }
    /* 4,096 ids into 65,280 addresses: a uniform spread leaves ~125 collisions */
    assert_true(distinct >= 3900);
    assert_true(worst <= 3);
    /* one creator's 1,000 consecutive serials: nearly all apart */
    memset(load, 0, sizeof(load));
    distinct = 0;
    for (uint32_t serial = 1; serial <= 1000; serial++)
        if (load[v_group_mcast_addr(v_group_make(0x80, serial)) & 0xffff]++ == 0)
            distinct++;
    assert_true(distinct >= 985);
    assert_int_equal(v_group_mix(0), 0);
    assert_int_equal(v_group_mix(1), 0x514e28b7u);
    assert_int_equal(v_group_mcast_addr(0x80800001u), 0xef560000u | (0x100 + v_group_mix(0x80800001u) % 0xff00));
}

static struct group_entry storage[8];

static void test_join_leave_errors(void **state)
{
    (void)state;
    struct group_table t;
    group_table_init(&t, storage, 8);
    v_pid_t g = v_group_make(0x80, 1), p = v_pid_make(0x80, 0x0105);
    uint32_t addr = 99;
    assert_int_equal(group_table_join(&t, p, p, &addr), V_EINVAL);   /* not a group */
    assert_int_equal(addr, 0);
    assert_int_equal(group_table_join(&t, V_PID_GROUP_BIT, p, &addr), V_EINVAL);
    assert_int_equal(group_table_join(&t, g, V_PID_NONE, &addr), V_EINVAL);
    assert_int_equal(group_table_join(&t, g, g, &addr), V_EINVAL);    /* not a process */
    assert_int_equal(group_table_leave(&t, g, p, &addr), V_ENOTFOUND);
    assert_int_equal(group_table_leave(&t, p, p, &addr), V_EINVAL);
    assert_int_equal(t.used, 0);

    assert_int_equal(group_table_join(&t, g, p, &addr), V_OK);
    assert_int_equal(addr, v_group_mcast_addr(g));
    assert_int_equal(group_table_join(&t, g, p, &addr), V_OK);        /* idempotent */
    assert_int_equal(addr, 0);
    assert_int_equal(t.used, 1);
    assert_int_equal(group_table_leave(&t, g, p, &addr), V_OK);
    assert_int_equal(addr, v_group_mcast_addr(g));
    assert_int_equal(group_table_leave(&t, g, p, &addr), V_ENOTFOUND);
    assert_int_equal(addr, 0);
    assert_int_equal(t.used, 0);

    /* full: the ninth membership fails and changes nothing */
    for (uint32_t i = 1; i <= 8; i++)
        assert_int_equal(group_table_join(&t, g, v_pid_make(0x80, 0x100 + i), &addr), V_OK);
    assert_int_equal(group_table_join(&t, g, v_pid_make(0x80, 0x200), &addr), V_ENOMEM);
    assert_int_equal(addr, 0);
    assert_int_equal(t.full, 1);
    assert_int_equal(group_table_members(&t, g, 0, 0), 8);
    /* ...and a freed slot is reused */
    assert_int_equal(group_table_leave(&t, g, v_pid_make(0x80, 0x103), &addr), V_OK);
    assert_int_equal(addr, 0);
    assert_int_equal(group_table_join(&t, g, v_pid_make(0x80, 0x200), &addr), V_OK);
}

/* Groups n and n+254 share 239.86.0.n: the address is joined once and left once. */
static void test_groups_sharing_an_address_count_together(void **state)
{
    (void)state;
    struct group_table t;
    group_table_init(&t, storage, 8);
    v_pid_t g1 = v_group_wellknown(0x20), g2 = v_group_wellknown(0x20 + 254);
    v_pid_t g3 = v_group_wellknown(0x21);
    v_pid_t p1 = v_pid_make(0x80, 0x101), p2 = v_pid_make(0x80, 0x102);
    uint32_t a = v_group_mcast_addr(g1), got;
    assert_int_equal(v_group_mcast_addr(g2), a);
    assert_int_not_equal(v_group_mcast_addr(g3), a);

    assert_int_equal(group_table_join(&t, g1, p1, &got), V_OK);
    assert_int_equal(got, a);
    assert_int_equal(group_table_join(&t, g1, p2, &got), V_OK);
    assert_int_equal(got, 0);
    assert_int_equal(group_table_join(&t, g2, p1, &got), V_OK);
    assert_int_equal(got, 0);
    assert_int_equal(group_table_join(&t, g3, p1, &got), V_OK);
    assert_int_equal(got, v_group_mcast_addr(g3));
    assert_int_equal(group_table_addr_refs(&t, a), 3);

    assert_int_equal(group_table_leave(&t, g1, p1, &got), V_OK);
    assert_int_equal(got, 0);
    assert_int_equal(group_table_leave(&t, g1, p2, &got), V_OK);
    assert_int_equal(got, 0);                         /* g2 still needs it */
    assert_int_equal(group_table_leave(&t, g2, p1, &got), V_OK);
    assert_int_equal(got, a);
    assert_int_equal(group_table_addr_refs(&t, a), 0);
    assert_int_equal(group_table_addr_refs(&t, v_group_mcast_addr(g3)), 1);
}

struct left { uint32_t addr[8]; uint32_t n; };
static void note_leave(void *arg, uint32_t addr)
{
    struct left *l = arg;
    assert_true(l->n < 8);
    l->addr[l->n++] = addr;
}

static void test_a_dying_process_leaves_everything(void **state)
{
    (void)state;
    struct group_table t;
    group_table_init(&t, storage, 8);
    v_pid_t ga = v_group_make(0x100, 1), gb = v_group_make(0x100, 2);
    v_pid_t gc = V_GROUP_NAME_HANDLERS;
    v_pid_t dying = v_pid_make(0x100, 0x0207), other = v_pid_make(0x100, 0x0208);
    uint32_t got;
    assert_int_equal(group_table_join(&t, ga, dying, &got), V_OK);
    assert_int_equal(group_table_join(&t, gb, dying, &got), V_OK);
    assert_int_equal(group_table_join(&t, gc, dying, &got), V_OK);
    assert_int_equal(group_table_join(&t, gb, other, &got), V_OK);

    struct left l = { { 0 }, 0 };
    assert_int_equal(group_table_remove_pid(&t, dying, note_leave, &l), 3);
    /* ga's and gc's addresses are free now; gb's is still needed by `other` */
    assert_int_equal(l.n, 2);
    assert_true((l.addr[0] == v_group_mcast_addr(ga) && l.addr[1] == v_group_mcast_addr(gc)) ||
                (l.addr[1] == v_group_mcast_addr(ga) && l.addr[0] == v_group_mcast_addr(gc)));
    assert_int_equal(t.used, 1);
    assert_true(group_table_is_member(&t, gb, other));
    assert_false(group_table_is_member(&t, gb, dying));
    assert_int_equal(group_table_remove_pid(&t, dying, note_leave, &l), 0);
    assert_int_equal(group_table_remove_pid(&t, other, 0, 0), 1);      /* no callback */
    assert_int_equal(t.used, 0);
}

static void test_members_and_listing(void **state)
{
    (void)state;
    struct group_table t;
    group_table_init(&t, storage, 8);
    v_pid_t g = V_GROUP_PROGRAM_MANAGERS, h = V_GROUP_EV_NODE;
    uint32_t got;
    for (uint32_t i = 1; i <= 4; i++)
        assert_int_equal(group_table_join(&t, g, v_pid_make(0x80, 0x100 + i), &got), V_OK);
    assert_int_equal(group_table_join(&t, h, v_pid_make(0x80, 0x101), &got), V_OK);
    v_pid_t out[8];
    assert_int_equal(group_table_members(&t, g, out, 8), 4);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(out[i], v_pid_make(0x80, 0x101 + i));
    memset(out, 0, sizeof(out));
    assert_int_equal(group_table_members(&t, g, out, 2), 4);          /* truncated */
    assert_int_equal(out[2], 0);
    assert_int_equal(group_table_members(&t, h, out, 8), 1);
    assert_int_equal(group_table_members(&t, V_GROUP_NAME_HANDLERS, out, 8), 0);
    assert_int_equal(group_table_members(&t, v_pid_make(0x80, 0x101), out, 8), 0);

    struct group_entry e;
    uint32_t n = 0;
    while (group_table_entry(&t, n, &e) == V_OK) {
        assert_true(e.group == g || e.group == h);
        assert_int_equal(e.addr, v_group_mcast_addr(e.group));
        n++;
    }
    assert_int_equal(n, 5);
}

/* Random joins, leaves and deaths against a plain model: membership, the 0->1 and 1->0
 * address signals, and the used count always agree with it. */
static void test_random_operations_match_a_model(void **state)
{
    (void)state;
    enum { NG = 6, NP = 5, CAP = 16 };
    struct group_entry st[CAP];
    struct group_table t;
    group_table_init(&t, st, CAP);
    /* groups 0x20, 0x20+254 and 0x20+508 share one address; 0x21..0x23 have their own */
    v_pid_t groups[NG] = { v_group_wellknown(0x20), v_group_wellknown(0x20 + 254),
                           v_group_wellknown(0x20 + 508), v_group_wellknown(0x21),
                           v_group_wellknown(0x22), v_group_make(0x7f01, 9) };
    int in[NG][NP] = { { 0 } };
    uint32_t seed = 12345, used = 0;
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8, gi = r % NG, pi = (r / NG) % NP, op = (r / NG / NP) % 5;
        v_pid_t g = groups[gi], p = v_pid_make(0x80, 0x101 + pi);
        uint32_t a = v_group_mcast_addr(g), refs = 0, got = 0;
        for (int i = 0; i < NG; i++)
            for (int j = 0; j < NP; j++)
                refs += in[i][j] && v_group_mcast_addr(groups[i]) == a;
        if (op < 2) {
            int err = group_table_join(&t, g, p, &got);
            if (!in[gi][pi] && used == CAP) {
                assert_int_equal(err, V_ENOMEM);
                continue;
            }
            assert_int_equal(err, V_OK);
            assert_int_equal(got, (!in[gi][pi] && refs == 0) ? a : 0);
            used += !in[gi][pi];
            in[gi][pi] = 1;
        } else if (op < 4) {
            int err = group_table_leave(&t, g, p, &got);
            assert_int_equal(err, in[gi][pi] ? V_OK : V_ENOTFOUND);
            assert_int_equal(got, (in[gi][pi] && refs == 1) ? a : 0);
            used -= in[gi][pi];
            in[gi][pi] = 0;
        } else if (r % 7 == 0) {
            uint32_t had = 0;
            for (int i = 0; i < NG; i++) {
                had += in[i][pi];
                in[i][pi] = 0;
            }
            assert_int_equal(group_table_remove_pid(&t, p, 0, 0), had);
            used -= had;
        }
        assert_int_equal(t.used, used);
        for (int i = 0; i < NG; i++)
            assert_int_equal(group_table_is_member(&t, groups[i], p), in[i][pi]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_ids_are_apart_from_pids),
        cmocka_unit_test(test_mcast_addresses_of_system_groups),
        cmocka_unit_test(test_mcast_addresses_of_created_groups_spread),
        cmocka_unit_test(test_join_leave_errors),
        cmocka_unit_test(test_groups_sharing_an_address_count_together),
        cmocka_unit_test(test_a_dying_process_leaves_everything),
        cmocka_unit_test(test_members_and_listing),
        cmocka_unit_test(test_random_operations_match_a_model),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
