/*
 * hv_env.c - parsing numbers, addresses, node arguments and V_PEERS; transaction ids
 * (hv_env.h). Pure: used by libv on Linux and vctl, tested by tests/unit/test_host_env.c.
 */
#include "hv_env.h"
#include <string.h>

#define PEERS_MAX 32

/* The first c in s[0..n), or 0 (libv's freestanding string.h has no memchr). */
static const char *find(const char *s, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == c)
            return s + i;
    return 0;
}

/* Digits of base `base` in s[0..n); 0 or -1 (none, a stray character, overflow). */
static int digits(const char *s, size_t n, uint32_t base, uint32_t *out)
{
    uint64_t v = 0;

    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return -1;
        if (d >= base || (v = v * base + d) > UINT32_MAX)
            return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

static int number_n(const char *s, size_t n, uint32_t *out)
{
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return digits(s + 2, n - 2, 16, out);
    return digits(s, n, 10, out);
}

int hv_parse_u32(const char *s, uint32_t *out)
{
    return s ? number_n(s, strlen(s), out) : -1;
}

static int addr_n(const char *s, size_t n, uint32_t *addr)
{
    uint32_t a = 0, part;
    size_t i = 0;

    for (int k = 0; k < 4; k++) {
        size_t j = i;
        while (j < n && s[j] != '.')
            j++;
        if (j - i > 3 || digits(s + i, j - i, 10, &part) < 0 || part > 255)
            return -1;
        a = a << 8 | part;
        if ((k < 3) != (j < n))
            return -1;                  /* three dots, no more, no less */
        i = j + 1;
    }
    *addr = a;
    return 0;
}

int hv_parse_addr(const char *s, uint32_t *addr)
{
    return s ? addr_n(s, strlen(s), addr) : -1;
}

int hv_parse_node(const char *s, uint32_t *node)
{
    if (!s)
        return -1;
    if (*s == '@')
        s++;
    return hv_parse_u32(s, node) == 0 && *node <= 255 ? 0 : -1;
}

/* One "LHOST=A.B.C.D[:PORT]" of n bytes. */
static int peer_n(const char *s, size_t n, uint32_t *lhost, uint32_t *addr, uint32_t *port)
{
    const char *eq = find(s, n, '='), *colon;
    size_t ln, rest;

    if (!eq)
        return -1;
    ln = (size_t)(eq - s);
    if (ln > 1 && s[0] == '@') {
        if (number_n(s + 1, ln - 1, lhost) < 0 || *lhost > 255)
            return -1;
        *lhost <<= 7;                   /* v_lhost_make(N, 0) */
    } else if (number_n(s, ln, lhost) < 0) {
        return -1;
    }
    if (*lhost == 0 || *lhost > 0x7fff)
        return -1;
    rest = n - ln - 1;
    colon = find(eq + 1, rest, ':');
    *port = 4377;
    if (colon) {
        size_t an = (size_t)(colon - eq - 1);
        if (number_n(colon + 1, rest - an - 1, port) < 0 || *port == 0 || *port > 65535)
            return -1;
        rest = an;
    }
    return addr_n(eq + 1, rest, addr) < 0 || *addr == 0 ? -1 : 0;
}

int hv_parse_peers(const char *s, void *arg,
                   int (*bind)(void *arg, uint32_t lhost, uint32_t addr, uint16_t port))
{
    uint32_t lh[PEERS_MAX], ad[PEERS_MAX], po[PEERS_MAX];
    int n = 0;

    while (s && *s) {                   /* an empty string binds nothing */
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (n == PEERS_MAX || peer_n(s, len, &lh[n], &ad[n], &po[n]) < 0)
            return -1;
        n++;
        if (!end)
            break;
        s = end + 1;
        if (!*s)
            return -1;                  /* a trailing comma */
    }
    for (int i = 0; i < n; i++)
        if (bind(arg, lh[i], ad[i], (uint16_t)po[i]) < 0)
            return -1;
    return 0;
}

uint32_t hv_txid_first(uint64_t us)
{
    uint32_t count = (uint32_t)(us & 0xffffffu) >> 1;

    return (uint32_t)((us >> 24) & 0xffu) << 24 | (count ? count : 1u);
}

uint32_t hv_txid_next(uint32_t txid)
{
    uint32_t count = (txid + 1u) & 0xffffffu;

    return (txid & 0xff000000u) | (count ? count : 1u);
}
