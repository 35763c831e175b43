/*
 * fuzz_cmdline.c - kernel/cmdline.c (the Multiboot command line) against a naive
 * reimplementation of cmdline.h: split the line into words at spaces and tabs, drop
 * the first word unless it holds '=', and look at the words one by one.
 *
 * Input: a flags byte (bit 0: pass a NULL line), the value buffer's size, a key (up to
 * a NUL byte), then the line. Checked for the key: cmdline_get (the last "key=..."
 * wins; the value, truncated to the buffer with V_ERANGE; nothing written past the
 * NUL, nothing at all when not found or the buffer is empty), cmdline_get_uint
 * (decimal or 0x hex, all of it, at most 2^32 - 1; *out untouched otherwise, decided
 * here by digit counts rather than arithmetic) and cmdline_has (a bare word or "key=").
 */
#include <string.h>
#include <v/err.h>
#include "cmdline.h"
#include "fuzz.h"

#define LINE_MAX 600
#define KEY_MAX 40
#define VAL_MAX 64

static struct {
    char buf[LINE_MAX + 1];
    const char *w[LINE_MAX];
    int n;
} words;

static int blank(char c) { return c == ' ' || c == '\t'; }

/* The parameters of line: its words, less the image name. */
static void split(const char *line)
{
    strcpy(words.buf, line);
    words.n = 0;
    for (char *p = words.buf; *p;) {
        while (blank(*p))
            *p++ = 0;
        if (*p)
            words.w[words.n++] = p;
        while (*p && !blank(*p))
            p++;
    }
    if (words.n && !strchr(words.w[0], '=')) {
        memmove(words.w, words.w + 1, sizeof(words.w[0]) * (size_t)(words.n - 1));
        words.n--;
    }
}

/* The value of the last "key=value", or 0. */
static const char *model_value(const char *key)
{
    const char *v = 0;
    size_t k = strlen(key);
    for (int i = 0; i < words.n; i++)
        if (k && strncmp(words.w[i], key, k) == 0 && words.w[i][k] == '=')
            v = words.w[i] + k + 1;
    return v;
}

static int model_has(const char *key)
{
    size_t k = strlen(key);
    for (int i = 0; i < words.n; i++)
        if (k && strncmp(words.w[i], key, k) == 0 &&
            (words.w[i][k] == 0 || words.w[i][k] == '='))
            return 1;
    return 0;
}

static int digit(char c, int hex)
{
    return (c >= '0' && c <= '9') ||
           (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

/* Is s a 32-bit number? Counted in digits: hex at most 8 significant, decimal at most
 * 10, and 10 only up to "4294967295". */
static int model_uint(const char *s, uint32_t *out)
{
    int hex = strlen(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    const char *d = hex ? s + 2 : s;
    if (!*d)
        return V_EINVAL;
    for (const char *p = d; *p; p++)
        if (!digit(*p, hex))
            return V_EINVAL;
    while (d[0] == '0' && d[1])
        d++;
    size_t n = strlen(d);
    if (n > (hex ? 8u : 10u) || (!hex && n == 10 && strcmp(d, "4294967295") > 0))
        return V_EINVAL;
    uint64_t v = 0;
    for (; *d; d++)
        v = v * (hex ? 16 : 10) + (uint64_t)(*d <= '9' ? *d - '0' : (*d | 0x20) - 'a' + 10);
    *out = (uint32_t)v;
    return V_OK;
}

static void check_get(const char *line, const char *key, uint32_t vlen)
{
    char val[VAL_MAX];
    memset(val, 0x5a, sizeof(val));
    const char *want = line ? model_value(key) : 0;
    int rc = cmdline_get(line, key, val, vlen);
    uint32_t wrote = 0;
    if (!want) {
        FZ_EQ(rc, V_ENOTFOUND);
    } else if (vlen == 0) {
        FZ_EQ(rc, V_ERANGE);
    } else {
        uint32_t len = (uint32_t)strlen(want), n = len < vlen ? len : vlen - 1;
        FZ_EQ(rc, n == len ? V_OK : V_ERANGE);
        FZ_CHECK(memcmp(val, want, n) == 0);
        FZ_EQ(val[n], 0);
        wrote = n + 1;
    }
    for (uint32_t i = wrote; i < sizeof(val); i++)
        FZ_EQ(val[i], 0x5a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char key[KEY_MAX + 1], line[LINE_MAX + 1];
    struct fz f = { data, size };
    uint8_t flags = fz_u8(&f);
    uint32_t vlen = fz_u8(&f) % VAL_MAX;
    fz_str(&f, key, KEY_MAX);
    fz_str(&f, line, LINE_MAX);
    const char *cl = flags & 1 ? 0 : line;
    split(line);
    check_get(cl, key, vlen);
    uint32_t got = 0xfeedface, want = 0xfeedface;
    const char *v = cl ? model_value(key) : 0;
    int rc = cmdline_get_uint(cl, key, &got);
    FZ_EQ(rc, v ? model_uint(v, &want) : V_ENOTFOUND);
    FZ_EQ(got, want);
    FZ_EQ(cmdline_has(cl, key), cl && model_has(key));
    return 0;
}
