/*
 * string.c - memory and string functions, and number conversions, for the kernel and
 * programs (pure: no system calls).
 *
 * Entry points: memcpy, memmove, memset, memcmp, strlen, strnlen, strcmp, strncmp,
 * strcpy, strncpy, strlcpy, strchr, strrchr (string.h); strtoul, strtol, atoi (stdlib.h).
 *
 * On x86 memcpy and memset use `rep movsl` / `rep stosl`: the kernel's IPC copies go
 * through them (x86-64 too, so that the host unit tests run the same instructions).
 * Elsewhere plain C loops are used. Both rely on the direction flag being clear, as the
 * ABI requires on every function entry.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

/* GCC may turn the byte loops below into calls to memcpy/memset/memmove, which would
 * recurse into themselves: keep it from doing so in this file. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif

/* Copy n bytes from src to dst (the ranges must not overlap); returns dst. */
void *memcpy(void *dst, const void *src, size_t n)
{
#if defined(__i386__) || defined(__x86_64__)
    void *d = dst;
    size_t words = n >> 2, rest = n & 3;
    __asm__ volatile("rep movsl" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(rest) : : "memory");
#else
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
#endif
    return dst;
}

/* Copy n bytes from src to dst; the ranges may overlap. Returns dst. */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    uintptr_t da = (uintptr_t)dst, sa = (uintptr_t)src;

    if (da + n <= sa || sa + n <= da)
        return memcpy(dst, src, n);
    if (da < sa) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

/* Fill n bytes at dst with the byte c; returns dst. */
void *memset(void *dst, int c, size_t n)
{
#if defined(__i386__) || defined(__x86_64__)
    void *d = dst;
    uint32_t word = (uint8_t)c * 0x01010101u;
    size_t words = n >> 2, rest = n & 3;
    __asm__ volatile("rep stosl" : "+D"(d), "+c"(words) : "a"(word) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(rest) : "a"(word) : "memory");
#else
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
#endif
    return dst;
}

/* Compare n bytes as unsigned chars: <0, 0 or >0. */
int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

/* Length of the NUL-terminated string s. */
size_t strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}

/* Length of s, but at most max (s need not be terminated within max bytes). */
size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* Compare two strings as unsigned chars: <0, 0 or >0. */
int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

/* Compare at most n characters of two strings. */
int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

/* Copy src with its NUL into dst; returns dst. */
char *strcpy(char *dst, const char *src)
{
    char *d = dst;
    while ((*d++ = *src++) != 0)
        ;
    return dst;
}

/* Copy at most n bytes of src into dst and pad with NULs up to n (dst is not terminated
 * when src has n or more characters). Returns dst. */
char *strncpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = 0;
    return dst;
}

/* Copy src into dst of size bytes, always terminating when size > 0. Returns strlen(src):
 * the copy was truncated if that is >= size. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}

/* First occurrence of (char)c in s (c may be 0: the terminator), or NULL. */
char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

/* Last occurrence of (char)c in s (c may be 0), or NULL. */
char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* Skip blanks and a sign, settle the base (0 = from the prefix); returns the first digit. */
static const char *parse_prefix(const char *s, int *base, int *neg)
{
    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        s++;
    *neg = 0;
    if (*s == '+' || *s == '-')
        *neg = *s++ == '-';
    if ((*base == 0 || *base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
        digit_value(s[2]) < 16)
        return *base = 16, s + 2;
    if (*base == 0)
        *base = s[0] == '0' ? 8 : 10;
    return s;
}

/* Accumulate digits; *ovf is set when the magnitude does not fit an unsigned long. */
static unsigned long parse_digits(const char **sp, int base, int *ovf)
{
    const char *s = *sp;
    unsigned long v = 0, max = ~0UL;
    int d;
    *ovf = 0;
    for (; (d = digit_value(*s)) < base; s++) {
        if (v > (max - (unsigned long)d) / (unsigned long)base)
            *ovf = 1;
        else
            v = v * (unsigned long)base + (unsigned long)d;
    }
    *sp = s;
    return v;
}

/* Shared by strtoul and strtol: magnitude, sign, overflow flag; *end as in C. */
static unsigned long parse_number(const char *s, char **end, int base, int *neg, int *ovf)
{
    const char *p, *start;
    unsigned long v;
    *ovf = 0;
    if (base < 0 || base == 1 || base > 36) {
        *neg = 0;
        if (end)
            *end = (char *)s;
        return 0;
    }
    start = p = parse_prefix(s, &base, neg);
    v = parse_digits(&p, base, ovf);
    if (end)
        *end = (char *)(p == start ? s : p);
    return v;
}

/* Convert the number at s (leading blanks, optional sign, base 2..36 or 0 for a C-style
 * prefix: 0x hex, 0 octal). *end (if end) is set past the digits, or to s if there were
 * none. Out of range gives ULONG_MAX; a '-' negates the result, as C does. */
unsigned long strtoul(const char *s, char **end, int base)
{
    int neg, ovf;
    unsigned long v = parse_number(s, end, base, &neg, &ovf);
    if (ovf)
        return ~0UL;
    return neg ? -v : v;
}

/* As strtoul, for a signed long: out of range gives LONG_MAX or LONG_MIN. */
long strtol(const char *s, char **end, int base)
{
    int neg, ovf;
    unsigned long v = parse_number(s, end, base, &neg, &ovf);
    unsigned long lmax = ~0UL >> 1;
    if (neg) {
        if (ovf || v > lmax + 1)
            return -(long)lmax - 1;
        return v == lmax + 1 ? -(long)lmax - 1 : -(long)v;
    }
    if (ovf || v > lmax)
        return (long)lmax;
    return (long)v;
}

/* Decimal string to int (no error report; see strtol). */
int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}
