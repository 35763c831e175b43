/*
 * fuzz_host_env.c - libv/host/hv_env.c (host programs' environment and vctl arguments)
 * against a naive reading of hv_env.h.
 *
 * Input: a flags byte (bit 0: NULL strings), the index of a bind call to fail, then
 * one string, given to all four parsers:
 *   hv_parse_u32   decimal or 0x hex, the whole string, at most 2^32 - 1 (decided by
 *                  counting significant digits, not by arithmetic);
 *   hv_parse_addr  exactly four dot-separated parts of 1-3 decimal digits, each <= 255;
 *   hv_parse_node  an optional '@', then a number <= 255;
 *   hv_parse_peers comma-separated LHOST=A.B.C.D[:PORT] (LHOST a number 1..0x7fff or
 *                  "@N", N <= 255, meaning N << 7; the address nonzero; PORT 1..65535,
 *                  4377 when absent), at most 32, no empty entry, no trailing comma.
 *                  Nothing is bound unless all parse; then bind sees them in order,
 *                  and a failing bind ends it with -1.
 */
#include <string.h>
#include "fuzz.h"
#include "hv_env.h"

#define STR_MAX 700

/* s[0..n) as a number: 0 or -1. */
static int model_num(const char *s, size_t n, uint32_t *out)
{
    int hex = n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    const char *d = hex ? s + 2 : s, *end = s + n;
    if (d == end)
        return -1;
    for (const char *p = d; p < end; p++)
        if (!((*p >= '0' && *p <= '9') ||
              (hex && ((*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))))
            return -1;
    while (d + 1 < end && *d == '0')
        d++;
    size_t k = (size_t)(end - d);
    if (k > (hex ? 8u : 10u) || (!hex && k == 10 && memcmp(d, "4294967295", 10) > 0))
        return -1;
    uint64_t v = 0;
    for (; d < end; d++)
        v = v * (hex ? 16 : 10) + (uint64_t)(*d <= '9' ? *d - '0' : (*d | 0x20) - 'a' + 10);
    *out = (uint32_t)v;
    return 0;
}

static int model_addr(const char *s, size_t n, uint32_t *addr)
{
    uint32_t a = 0, dots = 0, part = 0, len = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (len == 0 || len > 3 || part > 255)
                return -1;
            a = a << 8 | part;
            dots += i < n;
            part = len = 0;
        } else if (s[i] >= '0' && s[i] <= '9') {
            part = part * 10 + (uint32_t)(s[i] - '0');
            len++;
        } else {
            return -1;
        }
    }
    if (dots != 3)
        return -1;
    *addr = a;
    return 0;
}

struct peer {
    uint32_t lhost, addr, port;
};

static int model_peer(const char *s, size_t n, struct peer *p)
{
    size_t eq = 0, colon;
    while (eq < n && s[eq] != '=')
        eq++;
    if (eq == n)
        return -1;
    if (eq > 1 && s[0] == '@') {
        if (model_num(s + 1, eq - 1, &p->lhost) || p->lhost > 255)
            return -1;
        p->lhost <<= 7;
    } else if (model_num(s, eq, &p->lhost)) {
        return -1;
    }
    if (p->lhost == 0 || p->lhost > 0x7fff)
        return -1;
    for (colon = eq + 1; colon < n && s[colon] != ':'; colon++)
        ;
    p->port = 4377;
    if (colon < n && (model_num(s + colon + 1, n - colon - 1, &p->port) || p->port == 0 ||
                      p->port > 65535))
        return -1;
    return model_addr(s + eq + 1, colon - eq - 1, &p->addr) || p->addr == 0 ? -1 : 0;
}

/* The entries of s, or -1. */
static int model_peers(const char *s, struct peer *out)
{
    int n = 0;
    size_t len = strlen(s), start = 0;
    if (len == 0)
        return 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ',')
            continue;
        if (n == 32 || model_peer(s + start, i - start, &out[n]))
            return -1;
        n++;
        start = i + 1;
    }
    return s[len - 1] == ',' ? -1 : n;
}

static struct {
    struct peer got[40];
    int n, fail_at;
} calls;

static int bind(void *arg, uint32_t lhost, uint32_t addr, uint16_t port)
{
    FZ_CHECK(arg == &calls && calls.n < 40);
    calls.got[calls.n] = (struct peer){ lhost, addr, port };
    return calls.n++ == calls.fail_at ? -1 : 0;
}

static void check_peers(const char *s, int fail_at)
{
    struct peer want[33];
    int n = s ? model_peers(s, want) : 0;
    calls.n = 0;
    calls.fail_at = fail_at;
    int rc = hv_parse_peers(s, &calls, bind);
    if (n < 0) {
        FZ_EQ(rc, -1);
        FZ_EQ(calls.n, 0);
        return;
    }
    int binds = fail_at < n ? fail_at + 1 : n;
    FZ_EQ(rc, fail_at < n ? -1 : 0);
    FZ_EQ(calls.n, binds);
    for (int i = 0; i < binds; i++) {
        FZ_EQ(calls.got[i].lhost, want[i].lhost);
        FZ_EQ(calls.got[i].addr, want[i].addr);
        FZ_EQ(calls.got[i].port, want[i].port);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char str[STR_MAX + 1];
    struct fz f = { data, size };
    uint8_t flags = fz_u8(&f);
    int fail_at = fz_u8(&f) % 40;
    fz_str(&f, str, STR_MAX);
    const char *s = flags & 1 ? 0 : str;
    size_t n = strlen(str);
    uint32_t got = 0, want = 0;
    int rc = hv_parse_u32(s, &got);
    FZ_EQ(rc, s ? model_num(s, n, &want) : -1);
    if (rc == 0)
        FZ_EQ(got, want);
    rc = hv_parse_addr(s, &got);
    FZ_EQ(rc, s ? model_addr(s, n, &want) : -1);
    if (rc == 0)
        FZ_EQ(got, want);
    rc = hv_parse_node(s, &got);
    const char *num = s && s[0] == '@' ? s + 1 : s;
    int ok = s && model_num(num, strlen(num), &want) == 0 && want <= 255;
    FZ_EQ(rc, ok ? 0 : -1);
    if (ok)
        FZ_EQ(got, want);
    check_peers(s, fail_at);
    return 0;
}
