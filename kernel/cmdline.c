/*
 * cmdline.c - Multiboot command-line parsing (pure).
 *
 * Entry points: cmdline_get, cmdline_get_uint, cmdline_has (cmdline.h).
 */
#include <stdint.h>
#include <string.h>
#include "cmdline.h"
#include <v/err.h>

struct word {
    const char *s;
    uint32_t len;
};

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Read the word at or after *pp into w and advance past it; 0 at the end of the line. */
static int next_word(const char **pp, struct word *w)
{
    const char *p = *pp;

    while (is_blank(*p))
        p++;
    w->s = p;
    while (*p && !is_blank(*p))
        p++;
    w->len = (uint32_t)(p - w->s);
    *pp = p;
    return w->len != 0;
}

static int has_eq(const struct word *w)
{
    for (uint32_t i = 0; i < w->len; i++)
        if (w->s[i] == '=')
            return 1;
    return 0;
}

/* Where the parameters start: past the image name, unless the first word has a '='. */
static const char *params(const char *cl)
{
    const char *p = cl;
    struct word w;

    if (next_word(&p, &w) && !has_eq(&w))
        return p;
    return cl;
}

/* Does w name `name`: as a bare word (if bare_ok) or as "name=..."? */
static int word_names(const struct word *w, const char *name, uint32_t nlen, int bare_ok)
{
    if (nlen == 0 || w->len < nlen || memcmp(w->s, name, nlen) != 0)
        return 0;
    if (w->len == nlen)
        return bare_ok;
    return w->s[nlen] == '=';
}

/* Find the last "key=value" word; returns 1 with its value in *val, else 0. */
static int find_value(const char *cl, const char *key, struct word *val)
{
    const char *p;
    uint32_t klen = (uint32_t)strlen(key);
    struct word w;
    int found = 0;

    if (!cl)
        return 0;
    for (p = params(cl); next_word(&p, &w);) {
        if (word_names(&w, key, klen, 0)) {
            val->s = w.s + klen + 1;
            val->len = w.len - klen - 1;
            found = 1;
        }
    }
    return found;
}

/* Copy the value of key into val: 0, V_ENOTFOUND, or V_ERANGE if truncated. */
int cmdline_get(const char *cl, const char *key, char *val, uint32_t vlen)
{
    struct word v;
    uint32_t n;

    if (!find_value(cl, key, &v))
        return V_ENOTFOUND;
    if (vlen == 0)
        return V_ERANGE;
    n = v.len < vlen ? v.len : vlen - 1;
    memcpy(val, v.s, n);
    val[n] = 0;
    return n == v.len ? 0 : V_ERANGE;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parse all of w as decimal or 0x hex into *out: 0 or V_EINVAL (empty, stray
 * characters, more than 32 bits). */
static int parse_uint(const struct word *w, uint32_t *out)
{
    uint32_t base = 10, i = 0;
    uint64_t v = 0;

    if (w->len > 2 && w->s[0] == '0' && (w->s[1] == 'x' || w->s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == w->len)
        return V_EINVAL;
    for (; i < w->len; i++) {
        int d = hex_digit(w->s[i]);
        if (d < 0 || (uint32_t)d >= base)
            return V_EINVAL;
        v = v * base + (uint32_t)d;
        if (v > UINT32_MAX)
            return V_EINVAL;
    }
    *out = (uint32_t)v;
    return 0;
}

/* Read "key=N" as a number: 0, V_ENOTFOUND, or V_EINVAL if N is not a 32-bit number. */
int cmdline_get_uint(const char *cl, const char *key, uint32_t *out)
{
    struct word v;

    if (!find_value(cl, key, &v))
        return V_ENOTFOUND;
    return parse_uint(&v, out);
}

/* 1 if the bare word or "word=..." is among the parameters. */
int cmdline_has(const char *cl, const char *word)
{
    const char *p;
    uint32_t wlen = (uint32_t)strlen(word);
    struct word w;

    if (!cl)
        return 0;
    for (p = params(cl); next_word(&p, &w);)
        if (word_names(&w, word, wlen, 1))
            return 1;
    return 0;
}
