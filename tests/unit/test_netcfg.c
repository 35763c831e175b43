/* test_netcfg.c - net/netcfg.c: ip=, gw= and mtu= from the kernel command line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "netcfg.h"
#include <v/err.h>

static void test_addr(void **state)
{
    (void)state;
    uint32_t a = 0;
    assert_int_equal(netcfg_parse_addr("10.77.0.11", &a), 0);
    assert_int_equal(a, 0x0a4d000bu);
    assert_int_equal(netcfg_parse_addr("0.0.0.0", &a), 0);
    assert_int_equal(a, 0);
    assert_int_equal(netcfg_parse_addr("255.255.255.255", &a), 0);
    assert_int_equal(a, 0xffffffffu);
}

static void test_addr_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "10", "10.77.0", "10.77.0.11.", "10.77.0.11.5", "10.77.0.256", "10..0.11",
        "a.b.c.d", "10.77.0.11 ", " 10.77.0.11", "10.77.0.0011", "10.77.0.-1", "10.77.0.11/24",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t a = 0x12345678u;
        assert_int_equal(netcfg_parse_addr(bad[i], &a), V_EINVAL);
        assert_int_equal(a, 0x12345678u);          /* untouched on error */
    }
}

static void test_cidr(void **state)
{
    (void)state;
    uint32_t a, n;
    assert_int_equal(netcfg_parse_cidr("10.77.0.11/24", &a, &n), 0);
    assert_int_equal(a, 0x0a4d000bu);
    assert_int_equal(n, 24);
    assert_int_equal(netcfg_parse_cidr("10.77.0.11", &a, &n), 0);  /* default /24 */
    assert_int_equal(n, 24);
    assert_int_equal(netcfg_parse_cidr("10.0.0.1/8", &a, &n), 0);
    assert_int_equal(n, 8);
    assert_int_equal(netcfg_parse_cidr("10.0.0.1/0", &a, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(netcfg_parse_cidr("10.0.0.1/32", &a, &n), 0);
    assert_int_equal(n, 32);
    assert_int_equal(netcfg_parse_cidr("10.0.0.1/33", &a, &n), V_EINVAL);
    assert_int_equal(netcfg_parse_cidr("10.0.0.1/", &a, &n), V_EINVAL);
    assert_int_equal(netcfg_parse_cidr("10.0.0.1/2x", &a, &n), V_EINVAL);
    assert_int_equal(netcfg_parse_cidr("10.0.0/24", &a, &n), V_EINVAL);
}

/* ip=A.B.C.D/M.M.M.M: the netmask form an iPXE script passes (docs/LAB.md). */
static void test_cidr_netmask(void **state)
{
    (void)state;
    uint32_t a, n;
    assert_int_equal(netcfg_parse_cidr("10.77.0.11/255.255.255.0", &a, &n), 0);
    assert_int_equal(a, 0x0a4d000bu);
    assert_int_equal(n, 24);
    assert_int_equal(netcfg_parse_cidr("172.16.5.9/255.255.240.0", &a, &n), 0);
    assert_int_equal(n, 20);
    assert_int_equal(netcfg_parse_cidr("10.0.0.1/255.255.255.255", &a, &n), 0);
    assert_int_equal(n, 32);
    assert_int_equal(netcfg_parse_cidr("10.0.0.1/0.0.0.0", &a, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(netcfg_parse_cidr("10.0.0.1/128.0.0.0", &a, &n), 0);
    assert_int_equal(n, 1);
    const char *bad[] = {
        "10.0.0.1/255.0.255.0",    /* not contiguous */
        "10.0.0.1/0.255.255.255",
        "10.0.0.1/255.255.255.254x",
        "10.0.0.1/255.255.255",
        "10.0.0.1/255.255.255.256",
        "10.0.0.1/255.255.255.0/24",
        "10.0.0.1/.255.255.0",
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        n = 99;
        assert_int_equal(netcfg_parse_cidr(bad[i], &a, &n), V_EINVAL);
        assert_int_equal(n, 99);
    }
    struct netcfg c;
    assert_int_equal(netcfg_from_cmdline("tftp://10.77.0.1/kernel.elf node=2 name=vsys2 "
                                         "ip=10.77.0.12/255.255.255.0 gw=10.77.0.1", &c), 0);
    assert_int_equal(c.dhcp, 0);
    assert_int_equal(c.addr, 0x0a4d000cu);
    assert_int_equal(c.mask, 0xffffff00u);
    assert_int_equal(c.gw, 0x0a4d0001u);
}

static void test_cmdline_static(void **state)
{
    (void)state;
    struct netcfg c;
    assert_int_equal(netcfg_from_cmdline("k.elf node=1 ip=10.77.0.11/24 gw=10.77.0.1", &c), 0);
    assert_int_equal(c.dhcp, 0);
    assert_int_equal(c.addr, 0x0a4d000bu);
    assert_int_equal(c.prefix, 24);
    assert_int_equal(c.mask, 0xffffff00u);
    assert_int_equal(c.gw, 0x0a4d0001u);
    assert_int_equal(netcfg_from_cmdline("k.elf ip=10.1.2.3/32", &c), 0);
    assert_int_equal(c.mask, 0xffffffffu);
    assert_int_equal(c.gw, 0);
    assert_int_equal(netcfg_from_cmdline("k.elf ip=10.1.2.3/0", &c), 0);
    assert_int_equal(c.mask, 0);
}

static void test_cmdline_dhcp(void **state)
{
    (void)state;
    struct netcfg c;
    assert_int_equal(netcfg_from_cmdline("k.elf node=2", &c), 0);
    assert_int_equal(c.dhcp, 1);
    assert_int_equal(netcfg_from_cmdline("k.elf ip=dhcp", &c), 0);
    assert_int_equal(c.dhcp, 1);
    assert_int_equal(netcfg_from_cmdline(NULL, &c), 0);
    assert_int_equal(c.dhcp, 1);
    /* Malformed: reported, and the node falls back to DHCP / no gateway. */
    assert_int_equal(netcfg_from_cmdline("k.elf ip=10.77.0.300/24", &c), V_EINVAL);
    assert_int_equal(c.dhcp, 1);
    assert_int_equal(netcfg_from_cmdline("k.elf ip=10.77.0.11/24 gw=10.77.0", &c), V_EINVAL);
    assert_int_equal(c.dhcp, 0);
    assert_int_equal(c.gw, 0);
    assert_int_equal(netcfg_from_cmdline("k.elf ip=10.77.0.11/24/24", &c), V_EINVAL);
    /* The last ip= wins, as for every key. */
    assert_int_equal(netcfg_from_cmdline("k.elf ip=10.0.0.1/8 ip=10.77.0.12/24", &c), 0);
    assert_int_equal(c.addr, 0x0a4d000cu);
}

/* mtu=N: decimal 576..9000, the last one wins, like every key. */
static void test_mtu(void **state)
{
    (void)state;
    uint32_t m = 0;
    assert_int_equal(netcfg_mtu("k.elf node=1 mtu=9000 ip=10.77.0.11/24", &m), 0);
    assert_int_equal(m, 9000);
    assert_int_equal(netcfg_mtu("k.elf mtu=1500", &m), 0);
    assert_int_equal(m, 1500);
    assert_int_equal(netcfg_mtu("k.elf mtu=576", &m), 0);
    assert_int_equal(m, 576);
    assert_int_equal(netcfg_mtu("k.elf mtu=4000", &m), 0);
    assert_int_equal(m, 4000);
    assert_int_equal(netcfg_mtu("k.elf mtu=09000", &m), 0);   /* a leading zero is decimal */
    assert_int_equal(m, 9000);
    assert_int_equal(netcfg_mtu("k.elf mtu=9000 mtu=1600", &m), 0);
    assert_int_equal(m, 1600);
    assert_int_equal(netcfg_mtu("mtu=8000", &m), 0);           /* first word with '=' */
    assert_int_equal(m, 8000);
}

static void test_mtu_default(void **state)
{
    (void)state;
    uint32_t m = 0;
    assert_int_equal(netcfg_mtu("k.elf node=1 ip=10.77.0.11/24", &m), V_ENOTFOUND);
    assert_int_equal(m, NETCFG_MTU_DEFAULT);
    assert_int_equal(netcfg_mtu(NULL, &m), V_ENOTFOUND);
    assert_int_equal(m, 1500);
    m = 0;
    assert_int_equal(netcfg_mtu("k.elf mtu", &m), V_ENOTFOUND);  /* a bare word: no value */
    assert_int_equal(m, 1500);
    assert_int_equal(netcfg_mtu("k.elf nomtu=9000 mtux=9000", &m), V_ENOTFOUND);
    assert_int_equal(m, 1500);
}

/* Out of range or not a decimal number: V_EINVAL, and the MTU stays 1500. */
static void test_mtu_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "k.elf mtu=575", "k.elf mtu=9001", "k.elf mtu=0", "k.elf mtu=65536",
        "k.elf mtu=4294967297", "k.elf mtu=99999999999", "k.elf mtu=", "k.elf mtu=abc",
        "k.elf mtu=9000x", "k.elf mtu=0x2328", "k.elf mtu=-1500", "k.elf mtu=+1500",
        "k.elf mtu=1500.0", "k.elf mtu=9k", "k.elf mtu=9000 mtu=jumbo",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t m = 0;
        assert_int_equal(netcfg_mtu(bad[i], &m), V_EINVAL);
        assert_int_equal(m, NETCFG_MTU_DEFAULT);
    }
    /* A bad mtu= does not spoil the address settings, nor they it. */
    struct netcfg c;
    assert_int_equal(netcfg_from_cmdline("k.elf ip=10.77.0.11/24 mtu=12000", &c), 0);
    assert_int_equal(c.addr, 0x0a4d000bu);
    uint32_t m;
    assert_int_equal(netcfg_mtu("k.elf ip=10.77.0.300/24 mtu=9000", &m), 0);
    assert_int_equal(m, 9000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr),
        cmocka_unit_test(test_addr_bad),
        cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_cidr_netmask),
        cmocka_unit_test(test_cmdline_static),
        cmocka_unit_test(test_cmdline_dhcp),
        cmocka_unit_test(test_mtu),
        cmocka_unit_test(test_mtu_default),
        cmocka_unit_test(test_mtu_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
