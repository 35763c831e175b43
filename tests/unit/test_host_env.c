/* test_host_env.c - libv/host/hv_env.c: numbers, addresses, nodes and V_PEERS, as libv
 * on Linux and vctl read them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "hv_env.h"

static void test_numbers_are_decimal_or_hex(void **state)
{
    uint32_t v = 7;
    (void)state;
    assert_int_equal(hv_parse_u32("0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(hv_parse_u32("4294967295", &v), 0);
    assert_int_equal(v, 0xffffffffu);
    assert_int_equal(hv_parse_u32("0x00800101", &v), 0);
    assert_int_equal(v, 0x00800101u);
    assert_int_equal(hv_parse_u32("0XfF", &v), 0);
    assert_int_equal(v, 255);
    assert_int_equal(hv_parse_u32("010", &v), 0);          /* decimal, never octal */
    assert_int_equal(v, 10);
    const char *bad[] = { "", "0x", "4294967296", "0x100000000", "12x", " 1", "-1", "1.5",
                          "0xg", "+3" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(hv_parse_u32(bad[i], &v), -1);
    assert_int_equal(hv_parse_u32(0, &v), -1);
}

static void test_addresses_are_dotted_quads(void **state)
{
    uint32_t a;
    (void)state;
    assert_int_equal(hv_parse_addr("10.77.0.11", &a), 0);
    assert_int_equal(a, 0x0a4d000bu);
    assert_int_equal(hv_parse_addr("255.255.255.255", &a), 0);
    assert_int_equal(a, 0xffffffffu);
    const char *bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.", ".1.2.3",
                          "1.2.3.4 ", "a.b.c.d", "1.2.3.0004" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(hv_parse_addr(bad[i], &a), -1);
}

static void test_nodes_with_or_without_at(void **state)
{
    uint32_t n;
    (void)state;
    assert_int_equal(hv_parse_node("@3", &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(hv_parse_node("0x10", &n), 0);
    assert_int_equal(n, 16);
    assert_int_equal(hv_parse_node("@256", &n), -1);
    assert_int_equal(hv_parse_node("@", &n), -1);
    assert_int_equal(hv_parse_node("@@1", &n), -1);
}

struct got { int n; uint32_t lhost[4], addr[4]; uint16_t port[4]; int fail_at; };

static int record(void *arg, uint32_t lhost, uint32_t addr, uint16_t port)
{
    struct got *g = arg;
    if (g->n == g->fail_at)
        return -1;
    g->lhost[g->n] = lhost;
    g->addr[g->n] = addr;
    g->port[g->n++] = port;
    return 0;
}

static void test_peers_bind_all_or_nothing(void **state)
{
    struct got g = { .fail_at = -1 };
    (void)state;
    assert_int_equal(hv_parse_peers("@3=10.77.0.13,0x7f05=127.0.0.1:5000", &g, record), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.lhost[0], 3u << 7);
    assert_int_equal(g.addr[0], 0x0a4d000du);
    assert_int_equal(g.port[0], 4377);
    assert_int_equal(g.lhost[1], 0x7f05);
    assert_int_equal(g.port[1], 5000);
    const char *bad[] = { "@3", "=1.2.3.4", "0=1.2.3.4", "0x8000=1.2.3.4", "@256=1.2.3.4",
                          "5=1.2.3.4:0", "5=1.2.3.4:65536", "5=0.0.0.0", "5=1.2.3.4,",
                          "5=1.2.3.4,,6=1.2.3.4", "5=1.2.3.4:", "5=1.2.3.4:80:81" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        g.n = 0;
        assert_int_equal(hv_parse_peers(bad[i], &g, record), -1);
        assert_int_equal(g.n, 0);
    }
    g.n = 0;
    g.fail_at = 1;
    assert_int_equal(hv_parse_peers("1=1.1.1.1,2=2.2.2.2", &g, record), -1);
    g.n = 0;
    g.fail_at = -1;
    assert_int_equal(hv_parse_peers("", &g, record), 0);
    assert_int_equal(g.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_are_decimal_or_hex),
        cmocka_unit_test(test_addresses_are_dotted_quads),
        cmocka_unit_test(test_nodes_with_or_without_at),
        cmocka_unit_test(test_peers_bind_all_or_nothing),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
