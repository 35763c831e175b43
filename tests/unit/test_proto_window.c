/* test_proto_window.c - net/proto_window.c: the send and receive windows of a move's
 * packet groups, alone and against each other over a lossy, duplicating, reordering
 * channel. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "proto_window.h"

#define GROUP V_PROTO_GROUP_BYTES
#define PKT   V_PROTO_MAX_DATA
#define MIB   (1u << 20)

static void test_groups_and_masks(void **state)
{
    (void)state;
    assert_int_equal(vp_win_groups(1), 1);
    assert_int_equal(vp_win_groups(GROUP), 1);
    assert_int_equal(vp_win_groups(GROUP + 1), 2);
    assert_int_equal(vp_win_groups(MIB), 24);
    assert_int_equal(vp_win_mask(MIB, 0), 0xffffffffu);
    assert_int_equal(vp_win_mask(MIB, 23), 0x1ffu);       /* 12,288 bytes: 9 packets */
    assert_int_equal(vp_win_mask(65536, 1), 0x7fffu);     /* 20,480 bytes: 15 packets */
    assert_int_equal(vp_win_mask(1, 0), 1u);
}

static void test_tx_window_opens_and_slides(void **state)
{
    (void)state;
    struct vp_txwin w;
    uint32_t g;
    int moved;
    vp_txwin_start(&w, MIB);
    for (uint32_t i = 0; i < VP_WINDOW; i++) {
        assert_int_equal(vp_txwin_next(&w, &g), 1);
        assert_int_equal(g, i);
    }
    assert_int_equal(vp_txwin_next(&w, &g), 0);          /* window full */
    assert_int_equal(vp_txwin_ack(&w, 1, 0xffffffffu, &moved), 0);
    assert_int_equal(moved, 0);                          /* group 0 still open */
    assert_int_equal(vp_txwin_ack(&w, 0, 0xfffffffeu, &moved), 1u);
    assert_int_equal(moved, 0);
    assert_int_equal(vp_txwin_missing(&w, 0), 1u);
    assert_int_equal(vp_txwin_ack(&w, 0, 1u, &moved), 0);
    assert_int_equal(moved, 1);                          /* 0 and 1 complete: slides by 2 */
    assert_int_equal(w.una, 2);
    assert_int_equal(vp_txwin_next(&w, &g), 1);
    assert_int_equal(g, VP_WINDOW);
    assert_int_equal(vp_txwin_next(&w, &g), 1);
    assert_int_equal(g, VP_WINDOW + 1);
    assert_int_equal(vp_txwin_next(&w, &g), 0);
    assert_false(vp_txwin_done(&w));
}

static void test_tx_ignores_old_and_unsent_groups(void **state)
{
    (void)state;
    struct vp_txwin w;
    uint32_t g;
    int moved;
    vp_txwin_start(&w, 3 * GROUP);
    assert_int_equal(vp_txwin_next(&w, &g), 1);
    assert_int_equal(vp_txwin_ack(&w, 1, 0xffffffffu, &moved), 0);   /* never sent */
    assert_int_equal(moved, 0);
    assert_int_equal(vp_txwin_missing(&w, 1), 0);
    assert_int_equal(vp_txwin_ack(&w, 0, 0xffffffffu, &moved), 0);
    assert_int_equal(moved, 1);
    assert_int_equal(vp_txwin_ack(&w, 0, 0, &moved), 0);              /* old: ignored */
    assert_int_equal(moved, 0);
    assert_int_equal(w.una, 1);
}

static void test_tx_done_with_a_short_last_group(void **state)
{
    (void)state;
    struct vp_txwin w;
    uint32_t g;
    int moved;
    vp_txwin_start(&w, 65536);
    assert_int_equal(vp_txwin_next(&w, &g), 1);
    assert_int_equal(vp_txwin_next(&w, &g), 1);
    assert_int_equal(g, 1);
    assert_int_equal(vp_txwin_next(&w, &g), 0);                       /* only 2 groups */
    assert_int_equal(vp_txwin_ack(&w, 1, 0xffffffffu, &moved), 0);    /* extra bits masked */
    assert_int_equal(vp_txwin_ack(&w, 0, 0xffffffffu, &moved), 0);
    assert_int_equal(moved, 1);
    assert_true(vp_txwin_done(&w));
}

static void test_rx_verdicts(void **state)
{
    (void)state;
    struct vp_rxwin w;
    vp_rxwin_start(&w, MIB);
    assert_int_equal(vp_rxwin_data(&w, GROUP + PKT, PKT), VP_RX_NEW);      /* group 1 first */
    assert_int_equal(vp_rxwin_data(&w, GROUP + PKT, PKT), VP_RX_DUP);
    assert_int_equal(vp_rxwin_data(&w, VP_WINDOW * GROUP, PKT), VP_RX_AHEAD);
    assert_int_equal(vp_rxwin_data(&w, 5, PKT), VP_RX_BAD);
    assert_int_equal(vp_rxwin_data(&w, MIB, PKT), VP_RX_BAD);
    assert_int_equal(vp_rxwin_bitmap(&w, 1), 2u);
    for (uint32_t i = 0; i < 32; i++)
        assert_int_equal(vp_rxwin_data(&w, i * PKT, PKT), VP_RX_NEW);
    assert_int_equal(w.base, 1);
    assert_int_equal(vp_rxwin_bitmap(&w, 0), 0xffffffffu);
    assert_int_equal(vp_rxwin_data(&w, 3 * PKT, PKT), VP_RX_OLD);
    assert_int_equal(vp_rxwin_data(&w, VP_WINDOW * GROUP, PKT), VP_RX_NEW); /* now inside */
    assert_int_equal(vp_rxwin_bitmap(&w, 40), 0);                     /* no such group */
    assert_false(vp_rxwin_done(&w));
}

static void test_rx_completes_a_small_move(void **state)
{
    (void)state;
    struct vp_rxwin w;
    vp_rxwin_start(&w, 3000);                            /* 3 packets, the last short */
    assert_int_equal(vp_rxwin_data(&w, 2 * PKT, 3000 - 2 * PKT), VP_RX_NEW);
    assert_int_equal(vp_rxwin_data(&w, 0, PKT), VP_RX_NEW);
    assert_false(vp_rxwin_done(&w));
    assert_int_equal(vp_rxwin_data(&w, PKT, PKT), VP_RX_NEW);
    assert_true(vp_rxwin_done(&w));
    assert_int_equal(vp_rxwin_bitmap(&w, 0), 7u);
}

/* Jumbo DATA: a packet of several slots of one group marks them all. */
static void test_rx_takes_runs_of_slots(void **state)
{
    (void)state;
    struct vp_rxwin w;
    vp_rxwin_start(&w, GROUP + 3000);                   /* 2 groups, the last of 3 slots */
    assert_int_equal(vp_rxwin_data(&w, 0, 6 * PKT), VP_RX_NEW);
    assert_int_equal(vp_rxwin_bitmap(&w, 0), 0x3fu);
    assert_int_equal(vp_rxwin_data(&w, PKT, 2 * PKT), VP_RX_DUP);      /* inside it */
    assert_int_equal(vp_rxwin_data(&w, 5 * PKT, 2 * PKT), VP_RX_NEW);  /* one more slot */
    assert_int_equal(vp_rxwin_bitmap(&w, 0), 0x7fu);
    assert_int_equal(vp_rxwin_data(&w, 7 * PKT, 7 * PKT), VP_RX_BAD);  /* over 6 slots */
    assert_int_equal(vp_rxwin_data(&w, 7 * PKT, PKT + 1), VP_RX_BAD);  /* not whole slots */
    assert_int_equal(vp_rxwin_data(&w, 7 * PKT, PKT - 1), VP_RX_BAD);
    assert_int_equal(vp_rxwin_data(&w, 28 * PKT, 6 * PKT), VP_RX_BAD); /* into group 1 */
    assert_int_equal(vp_rxwin_data(&w, 7 * PKT, 0), VP_RX_BAD);
    assert_int_equal(vp_rxwin_data(&w, 7 * PKT, 6 * PKT), VP_RX_NEW);
    for (uint32_t i = 13; i < 32; i += 6)
        assert_int_equal(vp_rxwin_data(&w, i * PKT, (i + 6 <= 32 ? 6 : 32 - i) * PKT), VP_RX_NEW);
    assert_int_equal(w.base, 1);
    assert_int_equal(vp_rxwin_data(&w, GROUP, 3000 + PKT), VP_RX_BAD);  /* past the end */
    assert_int_equal(vp_rxwin_data(&w, GROUP, 3000), VP_RX_NEW);        /* the short end */
    assert_true(vp_rxwin_done(&w));
}

/* The sender's runs: consecutive wanted slots, at most k, lowest first. */
static void test_runs_of_wanted_slots(void **state)
{
    (void)state;
    uint32_t want = 0xf00000ffu, first = 99;
    assert_int_equal(vp_win_run(&want, 6, &first), 6);
    assert_int_equal(first, 0);
    assert_int_equal(vp_win_run(&want, 6, &first), 2);
    assert_int_equal(first, 6);
    assert_int_equal(vp_win_run(&want, 6, &first), 4);
    assert_int_equal(first, 28);
    assert_int_equal(want, 0);
    assert_int_equal(vp_win_run(&want, 6, &first), 0);
    want = 0x5;
    assert_int_equal(vp_win_run(&want, 6, &first), 1);                  /* a gap ends a run */
    assert_int_equal(vp_win_run(&want, 1, &first), 1);
    assert_int_equal(first, 2);
    want = 0xffffffffu;
    for (int i = 0; i < 32; i++)
        assert_int_equal(vp_win_run(&want, 1, &first), 1);              /* k = 1: one each */
    assert_int_equal(want, 0);
    assert_int_equal(v_proto_slots_for_mtu(1500), 1);
    assert_int_equal(v_proto_slots_for_mtu(576), 1);
    assert_int_equal(v_proto_slots_for_mtu(9000), 6);
    assert_int_equal(v_proto_slots_for_mtu(4000), 2);
    assert_true(20 + 8 + V_PROTO_HDR_SIZE + 4 + 6 * PKT <= 9000);
}

static uint32_t rng = 4377;
static uint32_t rnd(void)                /* xorshift32: the same run every time */
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* A channel that loses, duplicates and reorders: packets wait in a bag and leave in a
 * random order. */
struct bag {
    uint32_t item[4096];
    uint32_t n;
};

static void put(struct bag *b, uint32_t v, int loss, int dup)
{
    if ((int)(rnd() % 100) < loss || b->n >= 4096)
        return;
    b->item[b->n++] = v;
    if ((int)(rnd() % 100) < dup && b->n < 4096)
        b->item[b->n++] = v;
}

static int take(struct bag *b, uint32_t *v)
{
    if (!b->n)
        return 0;
    uint32_t k = rnd() % b->n;
    *v = b->item[k];
    b->item[k] = b->item[--b->n];
    return 1;
}

#define LAST_BIT 0x80000000u
#define OFF_MASK 0x00ffffffu             /* offsets < 16 MiB; slots in bits 24..30 */

static uint32_t slots_k = 1;             /* slots per packet, as rp_slots() says */

/* Send the slots of group g named by mask in runs of up to slots_k, LAST on the one
 * holding the highest (as the movers do). */
static void send_packets(struct bag *net, uint32_t total, uint32_t g, uint32_t mask, int loss)
{
    uint32_t i, n;
    mask &= vp_win_mask(total, g);
    while ((n = vp_win_run(&mask, slots_k, &i))) {
        uint32_t off = g * GROUP + i * PKT;
        put(net, off | n << 24 | (!mask ? LAST_BIT : 0), loss, 10);
    }
}

static void run_move(uint32_t total, int loss)
{
    struct vp_txwin tx;
    struct vp_rxwin rx;
    static struct bag fwd_bag, back_bag;
    static uint8_t kept[MIB / PKT + 1];
    struct bag *fwd = &fwd_bag, *back = &back_bag;
    fwd->n = back->n = 0;
    memset(kept, 0, sizeof(kept));
    uint32_t g, v, rounds = 0;
    int moved;
    vp_txwin_start(&tx, total);
    vp_rxwin_start(&rx, total);
    while (vp_txwin_next(&tx, &g))
        send_packets(fwd, total, g, vp_win_mask(total, g), loss);
    while (!vp_txwin_done(&tx)) {
        assert_true(++rounds < 100000);
        if (!fwd->n && !back->n) {                       /* silence: the timeout */
            for (g = tx.una; g < tx.next; g++)
                if (vp_txwin_missing(&tx, g))
                    send_packets(fwd, total, g, vp_txwin_missing(&tx, g), loss);
            continue;
        }
        if (take(fwd, &v)) {
            uint32_t off = v & OFF_MASK, n = (v & ~LAST_BIT) >> 24;
            uint32_t len = total - off < n * PKT ? total - off : n * PKT;
            enum vp_rx_verdict r = vp_rxwin_data(&rx, off, len);
            assert_int_not_equal(r, VP_RX_AHEAD);        /* the sender kept to the window */
            assert_int_not_equal(r, VP_RX_BAD);
            for (uint32_t s = off / PKT; s < off / PKT + n; s++) {
                if (r == VP_RX_DUP)
                    assert_int_equal(kept[s], 1);        /* a duplicate brings nothing new */
                if (r == VP_RX_NEW)
                    kept[s] = 1;
            }
            if (v & LAST_BIT)
                put(back, off / GROUP, 0, 0);            /* it asks for an ack of its group */
        }
        if (take(back, &v)) {
            g = v;
            if ((int)(rnd() % 100) < loss)
                continue;                                /* the ack was lost */
            uint32_t missing = vp_txwin_ack(&tx, g, vp_rxwin_bitmap(&rx, g), &moved);
            if (missing)
                send_packets(fwd, total, g, missing, loss);
            while (vp_txwin_next(&tx, &g))
                send_packets(fwd, total, g, vp_win_mask(total, g), loss);
        }
    }
    assert_true(vp_rxwin_done(&rx));
    for (uint32_t i = 0; i < (total + PKT - 1) / PKT; i++)
        assert_int_equal(kept[i], 1);
}

static void test_moves_over_a_bad_channel(void **state)
{
    (void)state;
    static const uint32_t sizes[] = { 1, PKT, GROUP, GROUP + 1, 65536, 300000, MIB };
    static const uint32_t ks[] = { 1, 6, 4 };            /* slots per packet */
    for (uint32_t j = 0; j < 3; j++) {
        slots_k = ks[j];
        for (int loss = 0; loss <= 20; loss += 10)
            for (uint32_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
                for (int rep = 0; rep < 5; rep++)
                    run_move(sizes[k], loss);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_and_masks),
        cmocka_unit_test(test_tx_window_opens_and_slides),
        cmocka_unit_test(test_tx_ignores_old_and_unsent_groups),
        cmocka_unit_test(test_tx_done_with_a_short_last_group),
        cmocka_unit_test(test_rx_verdicts),
        cmocka_unit_test(test_rx_completes_a_small_move),
        cmocka_unit_test(test_rx_takes_runs_of_slots),
        cmocka_unit_test(test_runs_of_wanted_slots),
        cmocka_unit_test(test_moves_over_a_bad_channel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
