/* test_proto_state.c - net/proto_retx.c, net/proto_rcache.c and net/lhost.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <v/err.h>
#include "lhost.h"
#include "proto_rcache.h"
#include "proto_retx.h"

#define MS 1000000ull

static void test_retx_backoff_and_give_up(void **state)
{
    (void)state;
    struct vp_retx r;
    vp_retx_start(&r, 0);
    assert_int_equal(vp_retx_due(&r, 99 * MS), VP_RETX_WAIT);
    uint64_t t = 0, at[16] = { 0 };
    int sends = 0;
    for (;;) {
        t = r.deadline_ns;
        enum vp_retx_action a = vp_retx_due(&r, t);
        if (a == VP_RETX_GIVE_UP)
            break;
        assert_int_equal(a, VP_RETX_SEND);
        at[sends++] = t;
        assert_true(sends < 16);
    }
    /* Resent at 100, 300, 700 ms, then every 400 ms (capped) up to 4.3 s. */
    assert_int_equal(sends, 12);
    assert_int_equal(at[0], 100 * MS);
    assert_int_equal(at[1], 300 * MS);
    assert_int_equal(at[2], 700 * MS);
    assert_int_equal(at[3], 1100 * MS);
    assert_int_equal(at[11], 4300 * MS);
    assert_int_equal(r.sends, 13);
    assert_int_equal(t, 4700 * MS);              /* the documented bound on silence */
}

/* The bound is on silence, whatever the tries: a late due() gives up on time, and any
 * sign of life (not PENDING) moves the bound on without changing the back-off. */
static void test_retx_bound_is_time_since_the_last_sign_of_life(void **state)
{
    (void)state;
    struct vp_retx r;
    vp_retx_start(&r, 0);
    assert_int_equal(vp_retx_due(&r, 5000 * MS), VP_RETX_GIVE_UP);
    vp_retx_start(&r, 0);
    assert_int_equal(vp_retx_due(&r, 100 * MS), VP_RETX_SEND);
    vp_retx_heard(&r, 2000 * MS, 0);
    uint64_t t = 0;
    while (vp_retx_due(&r, (t = r.deadline_ns)) == VP_RETX_SEND)
        assert_true(r.deadline_ns - t <= VP_RTO_MAX_MS * MS);
    assert_int_equal(t, 6700 * MS);
}

static void test_retx_pending_waits_indefinitely(void **state)
{
    (void)state;
    struct vp_retx r;
    vp_retx_start(&r, 0);
    uint64_t t = 0;
    /* A server that answers "pending" to every probe for 60 s is waited for. */
    for (int i = 0; i < 60; i++) {
        t = r.deadline_ns;
        assert_int_equal(vp_retx_due(&r, t), VP_RETX_SEND);
        vp_retx_heard(&r, t + MS, 1);
        assert_int_equal(r.deadline_ns, t + MS + VP_PROBE_MS * MS);
    }
    assert_true(t >= 59000 * MS);
    /* Then its node dies: the wait ends 6 s after the last PENDING, the unanswered probe
     * having been repeated after 100, 200 and then every 400 ms. */
    uint64_t last = t + MS, at = 0;
    int probes = 0;
    while (vp_retx_due(&r, (at = r.deadline_ns)) == VP_RETX_SEND)
        probes++;
    assert_int_equal(at, last + VP_PENDING_GIVE_UP_MS * MS);
    assert_int_equal(probes, 1 + 13);            /* at 1 s, then 1.1, 1.3, 1.7 ... 5.7 s */
    /* Under loss: a probe whose PENDING was lost is retried at once, and the next
     * PENDING puts the wait back on its 1 s rhythm. */
    vp_retx_start(&r, 0);
    vp_retx_heard(&r, 50 * MS, 1);
    assert_int_equal(vp_retx_due(&r, 1050 * MS), VP_RETX_SEND);           /* lost */
    assert_int_equal(r.deadline_ns, 1150 * MS);
    assert_int_equal(vp_retx_due(&r, 1150 * MS), VP_RETX_SEND);
    vp_retx_heard(&r, 1152 * MS, 1);
    assert_int_equal(r.deadline_ns, 2152 * MS);
}

static void test_rcache_at_most_once(void **state)
{
    (void)state;
    struct vp_reply r[4];
    struct vp_mark m[4];
    struct vp_rcache c;
    vp_rcache_init(&c, r, 4, m, 4);
    const struct vp_reply *hit;
    uint8_t pkt[VP_RCACHE_PKT] = { 1, 2, 3 };
    assert_int_equal(vp_rcache_check(&c, 0x100, 5, 0, &hit), VP_NEW);
    assert_int_equal(vp_rcache_put(&c, 0x100, 5, 0x0a4d000b, pkt, sizeof(pkt), 0, 1000 * MS), V_OK);
    /* The retransmitted request gets the same reply; it is not executed again. */
    assert_int_equal(vp_rcache_check(&c, 0x100, 5, 10 * MS, &hit), VP_CACHED);
    assert_int_equal(hit->len, sizeof(pkt));
    assert_int_equal(hit->pkt[2], 3);
    assert_int_equal(hit->node, 0x0a4d000b);
    /* After the ack, or expiry, an old duplicate is stale, a new txid is new. */
    vp_rcache_ack(&c, 0x100, 5);
    assert_int_equal(vp_rcache_check(&c, 0x100, 5, 20 * MS, &hit), VP_STALE);
    assert_int_equal(vp_rcache_check(&c, 0x100, 4, 20 * MS, &hit), VP_STALE);
    assert_int_equal(vp_rcache_check(&c, 0x100, 6, 20 * MS, &hit), VP_NEW);
    assert_int_equal(vp_rcache_check(&c, 0x200, 5, 20 * MS, &hit), VP_NEW);
    assert_int_equal(vp_rcache_put(&c, 0x100, 6, 1, pkt, sizeof(pkt), 0, 1000 * MS), V_OK);
    assert_int_equal(vp_rcache_check(&c, 0x100, 6, 2000 * MS, &hit), VP_STALE);  /* expired */
    assert_int_equal(vp_rcache_put(&c, 0x100, 7, 1, pkt, VP_RCACHE_PKT + 1, 0, MS), V_EINVAL);
}

/* Transaction id 0 is a transaction like any other (issue 12, defect 8): once completed
 * and expired, its duplicate is stale, never executed again. */
static void test_rcache_txid_zero(void **state)
{
    (void)state;
    struct vp_reply r[2];
    struct vp_mark m[2];
    struct vp_rcache c;
    vp_rcache_init(&c, r, 2, m, 2);
    const struct vp_reply *hit;
    uint8_t pkt[8] = { 9 };
    assert_int_equal(vp_rcache_check(&c, 0x100, 0, 0, &hit), VP_NEW);
    assert_int_equal(vp_rcache_put(&c, 0x100, 0, 1, pkt, sizeof(pkt), 0, 1000 * MS), V_OK);
    assert_int_equal(vp_rcache_check(&c, 0x100, 0, 10 * MS, &hit), VP_CACHED);
    vp_rcache_ack(&c, 0x100, 0);
    assert_int_equal(vp_rcache_check(&c, 0x100, 0, 20 * MS, &hit), VP_STALE);
    assert_int_equal(vp_rcache_check(&c, 0x100, 0, 5000 * MS, &hit), VP_STALE);
    assert_int_equal(vp_rcache_check(&c, 0x100, 1, 5000 * MS, &hit), VP_NEW);
}

static void test_rcache_wraparound_and_eviction(void **state)
{
    (void)state;
    struct vp_reply r[2];
    struct vp_mark m[2];
    struct vp_rcache c;
    vp_rcache_init(&c, r, 2, m, 2);
    const struct vp_reply *hit;
    uint8_t pkt[8] = { 0 };
    vp_rcache_put(&c, 0x100, 0x05fffffeu, 1, pkt, 8, 0, 100 * MS);
    assert_int_equal(vp_rcache_check(&c, 0x100, 0x05000001u, 0, &hit), VP_NEW); /* count wrapped */
    assert_int_equal(vp_rcache_check(&c, 0x100, 0x05fffff0u, 0, &hit), VP_STALE);
    assert_int_equal(vp_rcache_check(&c, 0x100, 0x0600000au, 0, &hit), VP_NEW); /* rebooted client */
    assert_int_equal(vp_rcache_check(&c, 0x100, 0x04fffff0u, 0, &hit), VP_NEW); /* any other epoch */
    vp_rcache_put(&c, 0x200, 1, 1, pkt, 8, 0, 200 * MS);
    vp_rcache_put(&c, 0x300, 1, 1, pkt, 8, 0, 300 * MS);                /* evicts 0x100's */
    assert_int_equal(c.evictions, 1);
    assert_int_equal(vp_rcache_check(&c, 0x200, 1, 0, &hit), VP_CACHED);
    assert_int_equal(vp_rcache_check(&c, 0x300, 1, 0, &hit), VP_CACHED);
}

/* Replies whose ACKs were lost must not push out a reply still on its way: each client
 * holds one slot, its new reply replacing its previous one (found by tests/cluster/faults.sh:
 * under 10% loss, busy clients evicted others' replies, whose retransmitted requests were
 * then dropped as stale until those clients gave up). */
static void test_rcache_one_slot_per_client(void **state)
{
    (void)state;
    struct vp_reply r[3];
    struct vp_mark m[4];
    struct vp_rcache c;
    vp_rcache_init(&c, r, 3, m, 4);
    const struct vp_reply *hit;
    uint8_t pkt[8] = { 0 };
    vp_rcache_put(&c, 0x300, 1, 1, pkt, 8, 0, 1000 * MS);         /* its reply was lost */
    for (uint32_t t = 1; t <= 10; t++) {                         /* others' ACKs are lost */
        vp_rcache_put(&c, 0x100, t, 1, pkt, 8, t * MS, 1000 * MS);
        vp_rcache_put(&c, 0x200, t, 1, pkt, 8, t * MS, 1000 * MS);
    }
    assert_int_equal(vp_rcache_check(&c, 0x300, 1, 20 * MS, &hit), VP_CACHED);
    assert_int_equal(vp_rcache_check(&c, 0x100, 10, 20 * MS, &hit), VP_CACHED);
    assert_int_equal(vp_rcache_check(&c, 0x200, 10, 20 * MS, &hit), VP_CACHED);
    assert_int_equal(vp_rcache_check(&c, 0x100, 9, 20 * MS, &hit), VP_STALE);
    assert_int_equal(c.evictions, 0);
    vp_rcache_put(&c, 0x400, 1, 1, pkt, 8, 30 * MS, 1000 * MS);   /* a 4th client: evicts */
    assert_int_equal(c.evictions, 1);
    assert_int_equal(vp_rcache_check(&c, 0x400, 1, 40 * MS, &hit), VP_CACHED);
}

static void test_lhost_table(void **state)
{
    (void)state;
    struct lhost_entry e[3];
    struct lhost_table t;
    lhost_init(&t, e, 3);
    uint32_t a;
    uint16_t port;
    assert_int_equal(lhost_lookup(&t, 0x100, &a, &port), V_ENOTFOUND);
    assert_int_equal(lhost_pin(&t, 0x080, 0x0a4d000b, 4377, 0), V_OK);
    assert_int_equal(lhost_learn(&t, 0x080, 0x0a4d0063, 4377, 1), V_OK);      /* pinned: kept */
    assert_int_equal(lhost_lookup(&t, 0x080, &a, &port), V_OK);
    assert_int_equal(a, 0x0a4d000b);
    assert_int_equal(lhost_learn(&t, 0x100, 0x0a4d000c, 4377, 2), V_OK);
    assert_int_equal(lhost_learn(&t, 0x180, 0x0a4d000d, 4377, 3), V_OK);
    assert_int_equal(lhost_node_at(&t, 0x0a4d000b), 1);      /* node 1's own lhost 0x080 */
    assert_int_equal(lhost_node_at(&t, 0x0a4d000d), 3);      /* 0x180: node 3, n = 0 */
    assert_int_equal(lhost_node_at(&t, 0x0a4d0063), 0);      /* no kernel known there */
    assert_int_equal(lhost_learn(&t, 0x100, 0x0a4d000e, 4377, 4), LHOST_MOVED);  /* moved */
    assert_int_equal(t.rebinds, 1);
    assert_int_equal(t.moves, 1);
    assert_int_equal(t.moved_from, 0x0a4d000c);
    assert_int_equal(lhost_node_at(&t, 0x0a4d000c), 0);      /* nobody left there */
    assert_int_equal(lhost_node_at(&t, 0x0a4d000e), 2);
    assert_int_equal(lhost_learn(&t, 0x100, 0x0a4d000e, 40000, 4), V_OK);  /* a host tool's port */
    assert_int_equal(t.rebinds, 2);
    assert_int_equal(t.moves, 1);                            /* the same address: no move */
    assert_int_equal(lhost_learn(&t, 0x100, 0x0a4d000e, 40000, 4), V_OK);  /* unchanged */
    assert_int_equal(lhost_pin(&t, 0x080, 0x0a4d0063, 4377, 4), V_OK);      /* a pin: no news */
    assert_int_equal(lhost_learn(&t, 0x200, 0x0a4d000f, 4377, 5), V_OK);      /* evicts 0x180 */
    assert_int_equal(t.evictions, 1);
    assert_int_equal(lhost_lookup(&t, 0x180, &a, &port), V_ENOTFOUND);
    assert_int_equal(lhost_lookup(&t, 0x100, &a, &port), V_OK);
    assert_int_equal(a, 0x0a4d000e);
    assert_int_equal(port, 40000);
    lhost_forget(&t, 0x100);
    assert_int_equal(lhost_lookup(&t, 0x100, &a, &port), V_ENOTFOUND);
    assert_int_equal(lhost_learn(&t, 0, 1, 4377, 6), V_EINVAL);
    assert_int_equal(lhost_learn(&t, 0x8000, 1, 4377, 6), V_EINVAL);
    assert_int_equal(lhost_learn(&t, 0x300, 0, 4377, 6), V_EINVAL);
    struct lhost_entry p[1];
    lhost_init(&t, p, 1);
    assert_int_equal(lhost_pin(&t, 1, 1, 4377, 0), V_OK);
    assert_int_equal(lhost_learn(&t, 2, 1, 4377, 0), V_ENOMEM);              /* all pinned */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retx_backoff_and_give_up),
        cmocka_unit_test(test_retx_bound_is_time_since_the_last_sign_of_life),
        cmocka_unit_test(test_retx_pending_waits_indefinitely),
        cmocka_unit_test(test_rcache_at_most_once),
        cmocka_unit_test(test_rcache_txid_zero),
        cmocka_unit_test(test_rcache_wraparound_and_eviction),
        cmocka_unit_test(test_rcache_one_slot_per_client),
        cmocka_unit_test(test_lhost_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
