/* test_chksum.c - net/chksum.c against the textbook one's complement sum (RFC 1071),
 * every length and alignment of random data, and RFC 1071's worked example. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "chksum.h"

/* 16-bit little-endian words, end-around carry at every step. */
static uint16_t reference(const uint8_t *p, int len)
{
    uint32_t s = 0;
    for (int i = 0; i + 1 < len; i += 2) {
        s += (uint32_t)(p[i] | p[i + 1] << 8);
        s = (s & 0xffffu) + (s >> 16);
    }
    if (len & 1) {
        s += p[len - 1];
        s = (s & 0xffffu) + (s >> 16);
    }
    return (uint16_t)s;
}

static void test_rfc1071_example(void **state)
{
    (void)state;
    static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    assert_int_equal(net_chksum(b, 8), 0xf2dd);          /* ddf2 in network order */
    assert_int_equal(net_chksum(b, 0), 0);
}

static void test_every_length_and_alignment(void **state)
{
    (void)state;
    static uint8_t buf[1600];
    uint32_t x = 4377;
    for (size_t i = 0; i < sizeof(buf); i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    for (int off = 0; off < 4; off++)
        for (int len = 0; len <= 1514; len++)
            assert_int_equal(net_chksum(buf + off, len), reference(buf + off, len));
}

static void test_carries(void **state)
{
    (void)state;
    static uint8_t ff[1500];
    memset(ff, 0xff, sizeof(ff));                        /* every add carries */
    for (int len = 0; len <= 1500; len += 7)
        assert_int_equal(net_chksum(ff, len), reference(ff, len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc1071_example),
        cmocka_unit_test(test_every_length_and_alignment),
        cmocka_unit_test(test_carries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
