/*
 * netcfg.c - parsing ip=, gw= and mtu= from the kernel command line (pure; see
 * netcfg.h).
 *
 * Entry points: netcfg_parse_addr, netcfg_parse_cidr, netcfg_from_cmdline, netcfg_mtu.
 */
#include <stdint.h>
#include <string.h>
#include "cmdline.h"
#include "netcfg.h"
#include <v/err.h>

#define DEFAULT_PREFIX 24

/* One decimal number 0..max at *pp with 1-3 digits; advances *pp. */
static int parse_num(const char **pp, uint32_t max, uint32_t *out)
{
    const char *p = *pp;
    uint32_t v = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 4) {
        v = v * 10 + (uint32_t)(*p++ - '0');
        digits++;
    }
    if (digits == 0 || digits > 3 || v > max)
        return V_EINVAL;
    *pp = p;
    *out = v;
    return V_OK;
}

/* "A.B.C.D" at *pp, advancing past it. */
static int parse_quad(const char **pp, uint32_t *out)
{
    uint32_t a = 0;
    for (int i = 0; i < 4; i++) {
        uint32_t part;
        if (i > 0 && *(*pp)++ != '.')
            return V_EINVAL;
        if (parse_num(pp, 255, &part))
            return V_EINVAL;
        a = a << 8 | part;
    }
    *out = a;
    return V_OK;
}

int netcfg_parse_addr(const char *s, uint32_t *out)
{
    uint32_t a;
    if (parse_quad(&s, &a) || *s)
        return V_EINVAL;
    *out = a;
    return V_OK;
}

/* The prefix length of a netmask whose ones are contiguous from the top: 0..32, or
 * V_EINVAL for a mask such as 255.0.255.0. */
static int mask_prefix(uint32_t mask, uint32_t *prefix)
{
    uint32_t n = 0;
    while (n < 32 && (mask & (0x80000000u >> n)))
        n++;
    if (n < 32 && (mask << n) != 0)
        return V_EINVAL;
    *prefix = n;
    return V_OK;
}

/* After the '/': a prefix length "NN", or a netmask "A.B.C.D" (iPXE's ${netmask}). */
static int parse_prefix(const char **pp, uint32_t *prefix)
{
    const char *p = *pp;
    uint32_t m;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p != '.')
        return parse_num(pp, 32, prefix);
    if (parse_quad(pp, &m))
        return V_EINVAL;
    return mask_prefix(m, prefix);
}

int netcfg_parse_cidr(const char *s, uint32_t *addr, uint32_t *prefix)
{
    uint32_t a, n = DEFAULT_PREFIX;
    if (parse_quad(&s, &a))
        return V_EINVAL;
    if (*s == '/') {
        s++;
        if (parse_prefix(&s, &n))
            return V_EINVAL;
    }
    if (*s)
        return V_EINVAL;
    *addr = a;
    *prefix = n;
    return V_OK;
}

int netcfg_from_cmdline(const char *cl, struct netcfg *cfg)
{
    char val[32];
    int err = V_OK;
    memset(cfg, 0, sizeof(*cfg));
    cfg->dhcp = 1;
    int r = cmdline_get(cl, "ip", val, sizeof(val));
    if (r == V_OK && strcmp(val, "dhcp") == 0)
        r = V_ENOTFOUND;
    if (r != V_ENOTFOUND) {
        if (r == V_OK && netcfg_parse_cidr(val, &cfg->addr, &cfg->prefix) == V_OK) {
            cfg->dhcp = 0;
            cfg->mask = cfg->prefix ? 0xffffffffu << (32 - cfg->prefix) : 0;
        } else {
            err = V_EINVAL;
        }
    }
    r = cmdline_get(cl, "gw", val, sizeof(val));
    if (r != V_ENOTFOUND && (r != V_OK || netcfg_parse_addr(val, &cfg->gw) != V_OK)) {
        cfg->gw = 0;
        err = V_EINVAL;
    }
    return err;
}

/* Decimal only (no 0x, no sign): an MTU is written as people say it. Five digits are
 * more than the largest MTU needs, so longer values cannot overflow the sum. */
int netcfg_mtu(const char *cl, uint32_t *mtu)
{
    char val[8];
    uint32_t v = 0;
    *mtu = NETCFG_MTU_DEFAULT;
    int r = cmdline_get(cl, "mtu", val, sizeof(val));
    if (r == V_ENOTFOUND)
        return V_ENOTFOUND;
    if (r != V_OK || val[0] == 0)
        return V_EINVAL;                 /* too long to be an MTU, or empty */
    for (const char *p = val; *p; p++) {
        if (*p < '0' || *p > '9')
            return V_EINVAL;
        v = v * 10 + (uint32_t)(*p - '0');
    }
    if (v < NETCFG_MTU_MIN || v > NETCFG_MTU_MAX)
        return V_EINVAL;
    *mtu = v;
    return V_OK;
}
