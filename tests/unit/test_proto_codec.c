/* test_proto_codec.c - net/proto_codec.c: every field checked, round trips, random junk. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <v/err.h>
#include "proto_codec.h"

#define CLIENT 0x00800104u
#define SERVER 0x01000105u

#define BUFSZ (V_PROTO_MAX_DGRAM + 64)   /* room for packets one byte too big */

static int make(uint8_t *buf, uint8_t type, uint16_t flags, const void *pl, uint32_t plen,
                uint32_t offset, uint32_t aux)
{
    struct v_proto_hdr h = { .type = type, .flags = flags, .txid = 77, .client = CLIENT,
                             .server = SERVER, .offset = offset, .aux = aux, .seq = 3 };
    return vp_encode(&h, pl, plen, buf, BUFSZ);
}

static void test_request_round_trip(void **state)
{
    (void)state;
    uint8_t buf[V_PROTO_MAX_PKT], pl[V_MSG_SIZE];
    struct v_msg m = { .code = 0x1234, .flags = V_MSG_SEG_READ, .w = { 1, 2, 3, 0xdeadbeef, 5 },
                       .seg_ptr = 0x40001000, .seg_len = 65536 }, back;
    vp_put_msg(&m, pl);
    assert_int_equal(pl[0], 0x12);                      /* big-endian on the wire */
    int n = make(buf, VP_REQUEST, 0, pl, sizeof(pl), 0, 0);
    assert_int_equal(n, V_PROTO_HDR_SIZE + V_MSG_SIZE);
    assert_int_equal(buf[0], 0x56);
    assert_int_equal(buf[1], 0x53);
    struct v_proto_hdr h;
    const uint8_t *p;
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    assert_int_equal(h.type, VP_REQUEST);
    assert_int_equal(h.txid, 77);
    assert_int_equal(h.client, CLIENT);
    assert_int_equal(h.server, SERVER);
    assert_int_equal(h.seq, 3);
    vp_get_msg(p, &back);
    assert_memory_equal(&m, &back, sizeof(m));
}

static void test_header_checks(void **state)
{
    (void)state;
    uint8_t buf[V_PROTO_MAX_PKT], pl[V_MSG_SIZE] = { 0 };
    struct v_proto_hdr h;
    const uint8_t *p;
    int n = make(buf, VP_REQUEST, 0, pl, sizeof(pl), 0, 0);
    assert_int_equal(vp_decode(buf, 31, &h, &p), VPD_SHORT);
    assert_int_equal(vp_decode(buf, (uint32_t)n - 1, &h, &p), VPD_LENGTH);   /* truncated */
    assert_int_equal(vp_decode(buf, (uint32_t)n + 1, &h, &p), VPD_LENGTH);   /* trailing */
    buf[0] ^= 1;
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_MAGIC);
    buf[0] ^= 1;
    buf[2] = 2;
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_VERSION);
    buf[2] = 1;
    buf[3] = 0;
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_TYPE);
    buf[3] = VP_TYPE_MAX + 1;
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_TYPE);
    buf[3] = VP_REQUEST;
    buf[4] = 0x80;                                       /* unknown flag */
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_FLAGS);
    buf[4] = 0;
    buf[6] = 0xff;                                       /* length beyond the maximum */
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_LENGTH);
    buf[6] = 0;
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    assert_int_equal(vp_encode(&h, pl, V_MSG_SIZE + V_PROTO_MAX_DATA + 1, buf, sizeof(buf)), V_EINVAL);
    assert_int_equal(vp_encode(&h, pl, V_MSG_SIZE, buf, 40), V_EINVAL);
}

static void test_type_rules(void **state)
{
    (void)state;
    uint8_t buf[BUFSZ], pl[BUFSZ] = { 0 };
    struct v_proto_hdr h;
    const uint8_t *p;
    int n;
    /* A request needs its message, and a group server only with the multicast flag. */
    n = make(buf, VP_REQUEST, 0, pl, 8, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_LENGTH);
    struct v_proto_hdr g = { .type = VP_REQUEST, .client = CLIENT, .server = 0x80000005u };
    n = vp_encode(&g, pl, V_MSG_SIZE, buf, sizeof(buf));
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_FLAGS);
    g.flags = VPF_MULTICAST;
    n = vp_encode(&g, pl, V_MSG_SIZE, buf, sizeof(buf));
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    g.client = 0x80000001u;                              /* a group cannot send */
    n = vp_encode(&g, pl, V_MSG_SIZE, buf, sizeof(buf));
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_PID);
    /* A reply names its replier. */
    n = make(buf, VP_REPLY, 0, pl, V_MSG_SIZE, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_PID);
    n = make(buf, VP_REPLY, 0, pl, V_MSG_SIZE, 0, SERVER);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    /* Keep-alives and acks carry nothing. */
    n = make(buf, VP_PENDING, 0, pl, 1, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_LENGTH);
    n = make(buf, VP_ACK, 0, pl, 0, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    /* A NACK carries one known error code. */
    uint8_t e[4] = { 0xff, 0xff, 0xff, 0xff };           /* -1 = V_ENOPROC */
    n = make(buf, VP_NACK, 0, e, 4, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    uint8_t bad[4] = { 0, 0, 0, 5 };
    n = make(buf, VP_NACK, 0, bad, 4, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_PAYLOAD);
    uint8_t low[4] = { 0xff, 0xff, 0xff, 0x00 };          /* -256: no such error */
    n = make(buf, VP_NACK, 0, low, 4, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_PAYLOAD);
}

static void test_data_and_moves(void **state)
{
    (void)state;
    uint8_t buf[BUFSZ], pl[BUFSZ] = { 0 };
    struct v_proto_hdr h;
    const uint8_t *p;
    int n = make(buf, VP_DATA, VPF_LAST, pl, 4 + 1024, 4096 - 1024, 4096);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    n = make(buf, VP_DATA, 0, pl, 4 + 1024, 4096 - 1000, 4096);   /* runs past the total */
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_PAYLOAD);
    n = make(buf, VP_DATA, 0, pl, 4 + 1024, 0xfffffff0u, 0xffffffffu); /* offset near 2^32 */
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_PAYLOAD);
    n = make(buf, VP_DATA, 0, pl, 4 + V_PROTO_DATA_MAX, 0, 65536);   /* 6 slots: jumbo */
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    assert_int_equal(n, V_PROTO_MAX_DGRAM);
    n = make(buf, VP_DATA, 0, pl, 4 + V_PROTO_DATA_MAX + 1, 0, 65536); /* too big a packet */
    assert_int_equal(n, V_EINVAL);                                  /* not even encoded */
    n = make(buf, VP_DATA, 0, pl, 4 + V_PROTO_DATA_MAX, 0, 65536);
    buf[6] = (uint8_t)((4 + V_PROTO_DATA_MAX + 1) >> 8);            /* ... or decoded */
    buf[7] = (uint8_t)(4 + V_PROTO_DATA_MAX + 1);
    assert_int_equal(vp_decode(buf, (uint32_t)n + 1, &h, &p), VPD_LENGTH);
    n = make(buf, VP_REQUEST, 0, pl, V_MSG_SIZE + V_PROTO_MAX_DATA, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    buf[6] = (uint8_t)((V_MSG_SIZE + V_PROTO_MAX_DATA + 1) >> 8);   /* only DATA is jumbo */
    buf[7] = (uint8_t)(V_MSG_SIZE + V_PROTO_MAX_DATA + 1);
    assert_int_equal(vp_decode(buf, (uint32_t)n + 1, &h, &p), VPD_LENGTH);
    n = make(buf, VP_REPLY, 0, pl, V_MSG_SIZE + V_PROTO_MAX_DATA + 1, 0, SERVER);
    assert_int_equal(n, V_EINVAL);
    n = make(buf, VP_DATA, 0, pl, 4, 0, 4096);                     /* an address, no bytes */
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_LENGTH);
    n = make(buf, VP_MOVE_FROM, 0, pl, 0, 0xffffff00u, 0x200);    /* wraps */
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_PAYLOAD);
    n = make(buf, VP_MOVE_FROM, 0, pl, 0, 0, 0x200);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    n = make(buf, VP_WHERE, 0, pl, 0, 0, 0x8000);                  /* not a logical host */
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_PAYLOAD);
    n = make(buf, VP_HERE, 0, pl, 0, 0, 0x0181);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
}

/* LAST ("acknowledge now") belongs to DATA alone: on any other type it is a bad flag,
 * checked after every other rule, so a packet that breaks one is counted for that. */
static void test_last_only_on_data(void **state)
{
    (void)state;
    uint8_t buf[BUFSZ], pl[BUFSZ] = { 0 };
    uint8_t e[4] = { 0xff, 0xff, 0xff, 0xff };           /* V_ENOPROC */
    struct v_proto_hdr h;
    const uint8_t *p;
    static const struct { uint8_t type; uint32_t plen, offset, aux; } ok[] = {
        { VP_REQUEST, V_MSG_SIZE, 0, 0 },    { VP_REPLY, V_MSG_SIZE, 0, SERVER },
        { VP_PENDING, 0, 0, 0 },             { VP_NACK, 4, 0, 0 },
        { VP_ACK, 0, 0, 0 },                 { VP_DATA_ACK, 0, 0, 0xffffffffu },
        { VP_MOVE_FROM, 0, 0x40000000u, 100 }, { VP_WHERE, 0, 0, 0x0181 },
        { VP_HERE, 0, 0, 0x0181 },
    };
    for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        const uint8_t *payload = ok[i].type == VP_NACK ? e : pl;
        int n = make(buf, ok[i].type, 0, payload, ok[i].plen, ok[i].offset, ok[i].aux);
        assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
        n = make(buf, ok[i].type, VPF_LAST, payload, ok[i].plen, ok[i].offset, ok[i].aux);
        assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_FLAGS);
        n = make(buf, ok[i].type, VPF_LAST | VPF_RETRANSMIT, payload, ok[i].plen, ok[i].offset,
                 ok[i].aux);
        assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_FLAGS);
    }
    /* A group's PENDING and REPLY carry MULTICAST; with LAST they are still bad. */
    struct v_proto_hdr g = { .type = VP_PENDING, .flags = VPF_MULTICAST, .client = CLIENT,
                             .server = 0x80000005u };
    int n = vp_encode(&g, pl, 0, buf, sizeof(buf));
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    g.flags |= VPF_LAST;
    n = vp_encode(&g, pl, 0, buf, sizeof(buf));
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_FLAGS);
    /* Another broken rule is the reason counted, not LAST. */
    n = make(buf, VP_PENDING, VPF_LAST, pl, 1, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_LENGTH);
    n = make(buf, VP_WHERE, VPF_LAST, pl, 0, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_PAYLOAD);
    g = (struct v_proto_hdr){ .type = VP_ACK, .flags = VPF_LAST, .server = SERVER };
    n = vp_encode(&g, pl, 0, buf, sizeof(buf));
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_PID);
    /* DATA keeps it: the last packet of a group, or a probe. */
    n = make(buf, VP_DATA, VPF_LAST | VPF_RETRANSMIT, pl, 4 + 100, 0, 100);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    assert_int_equal(h.flags, VPF_LAST | VPF_RETRANSMIT);
}

/* START belongs to a unicast REQUEST alone (a process created for its server). */
static void test_start_only_on_unicast_request(void **state)
{
    (void)state;
    uint8_t buf[BUFSZ], pl[BUFSZ] = { 0 };
    struct v_proto_hdr h;
    const uint8_t *p;
    int n = make(buf, VP_REQUEST, VPF_START | VPF_RETRANSMIT, pl, V_MSG_SIZE, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_OK);
    assert_int_equal(h.flags, VPF_START | VPF_RETRANSMIT);
    n = make(buf, VP_REPLY, VPF_START, pl, V_MSG_SIZE, 0, SERVER);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_FLAGS);
    n = make(buf, VP_PENDING, VPF_START, pl, 0, 0, 0);
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_FLAGS);
    struct v_proto_hdr g = { .type = VP_REQUEST, .flags = VPF_START | VPF_MULTICAST,
                             .client = CLIENT, .server = 0x80000005u };
    n = vp_encode(&g, pl, V_MSG_SIZE, buf, sizeof(buf));
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_FLAGS);
    n = make(buf, VP_REQUEST, 0x0010, pl, V_MSG_SIZE, 0, 0);      /* past VPF_KNOWN */
    assert_int_equal(vp_decode(buf, (uint32_t)n, &h, &p), VPD_FLAGS);
}

/* Random bytes and random corruptions of valid packets: decode never crashes (ASan
 * watches reads) and accepts only packets whose re-encoding gives the same bytes. */
static uint32_t rng = 12345;
static uint32_t rnd(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

static void test_fuzz(void **state)
{
    (void)state;
    uint8_t pl[V_MSG_SIZE] = { 0 };
    uint32_t accepted = 0;
    for (int i = 0; i < 20000; i++) {
        uint8_t buf[V_PROTO_MAX_PKT];
        uint32_t len;
        if (i % 2) {
            len = rnd() % sizeof(buf);
            for (uint32_t k = 0; k < len; k++)
                buf[k] = (uint8_t)rnd();
        } else {
            len = (uint32_t)make(buf, VP_REQUEST, 0, pl, sizeof(pl), 0, 0);
            buf[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
        }
        uint8_t *copy = test_malloc(len ? len : 1);      /* exact size: ASan sees overreads */
        memcpy(copy, buf, len);
        struct v_proto_hdr h;
        const uint8_t *p;
        if (vp_decode(copy, len, &h, &p) == VPD_OK) {
            uint8_t again[V_PROTO_MAX_PKT];
            int n = vp_encode(&h, p, h.length, again, sizeof(again));
            assert_int_equal(n, (int)len);
            assert_memory_equal(again, copy, len);
            accepted++;
        }
        test_free(copy);
    }
    assert_true(accepted > 0);            /* some corruptions hit fields without rules */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_round_trip), cmocka_unit_test(test_header_checks),
        cmocka_unit_test(test_type_rules),         cmocka_unit_test(test_data_and_moves),
        cmocka_unit_test(test_last_only_on_data),
        cmocka_unit_test(test_start_only_on_unicast_request),  cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
