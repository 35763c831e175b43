/*
 * fmt.c - formatted output into a buffer, shared by the kernel and programs (pure).
 *
 * Entry points: v_vsnprintf, v_snprintf (stdio.h).
 * Conversions: %d %i %u %x %X %o %c %s %p %%. Flags '-' (left-justify) and '0' (pad
 * numbers with zeros). Width and precision as digits or '*'. Precision limits %s and is
 * the minimum digit count for numbers. Length modifiers hh, h, l, ll, z. An unknown
 * conversion is copied out as is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct out {
    char *buf;
    size_t size;
    size_t len;     /* characters produced so far, written or not */
};

struct spec {
    int left, zero;
    int width;      /* 0 = none */
    int prec;       /* -1 = none */
    int lng;        /* 0 int, 1 long, 2 long long, 3 size_t; hh/h read as int */
    char conv;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_n(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* Read a decimal count, or '*' from the arguments; negative '*' widths mean '-'. */
static int parse_count(const char **fp, va_list *ap)
{
    const char *f = *fp;
    int n = 0;
    if (*f == '*') {
        *fp = f + 1;
        return va_arg(*ap, int);
    }
    while (*f >= '0' && *f <= '9')
        n = n * 10 + (*f++ - '0');
    *fp = f;
    return n;
}

/* Parse flags, width, precision and length after a '%'; returns the conversion char. */
static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
    *s = (struct spec){ .prec = -1 };
    for (;; f++) {
        if (*f == '-')
            s->left = 1;
        else if (*f == '0')
            s->zero = 1;
        else
            break;
    }
    s->width = parse_count(&f, ap);
    if (s->width < 0) {
        s->left = 1;
        s->width = -s->width;
    }
    if (*f == '.') {
        f++;
        s->prec = parse_count(&f, ap);
    }
    for (; *f == 'l' || *f == 'h' || *f == 'z'; f++)
        s->lng = *f == 'z' ? 3 : *f == 'l' ? s->lng + 1 : s->lng;
    s->conv = *f;
    return *f ? f + 1 : f;
}

/* Write a string of len chars padded to the width. */
static void emit_padded(struct out *o, const struct spec *s, const char *str, int len)
{
    int pad = s->width > len ? s->width - len : 0;
    if (!s->left)
        put_n(o, ' ', pad);
    for (int i = 0; i < len; i++)
        put(o, str[i]);
    if (s->left)
        put_n(o, ' ', pad);
}

static void emit_string(struct out *o, const struct spec *s, const char *str)
{
    int len = 0;
    if (!str)
        str = "(null)";
    while (str[len] && (s->prec < 0 || len < s->prec))
        len++;
    emit_padded(o, s, str, len);
}

/* Digits of v in base, least significant first; returns how many. 32-bit values avoid
 * the 64-bit division helpers. */
static int to_digits(unsigned long long v, unsigned base, int upper, char *tmp)
{
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    while (v > 0xffffffffull) {
        tmp[n++] = dig[v % base];
        v /= base;
    }
    for (uint32_t w = (uint32_t)v; w; w /= base)
        tmp[n++] = dig[w % base];
    return n;
}

/* Emit a number: sign/prefix, zero padding (precision, or '0' flag), digits, padding. */
static void emit_number(struct out *o, const struct spec *s, unsigned long long v,
                        unsigned base, const char *prefix)
{
    char tmp[24];
    int n = to_digits(v, base, s->conv == 'X', tmp);
    int plen = 0, zeros, pad;

    while (prefix[plen])
        plen++;
    if (s->prec < 0 && n == 0)
        tmp[n++] = '0';
    zeros = s->prec > n ? s->prec - n : 0;
    pad = s->width - plen - zeros - n;
    if (s->zero && !s->left && s->prec < 0 && pad > 0) {
        zeros += pad;
        pad = 0;
    }
    if (!s->left)
        put_n(o, ' ', pad);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    put_n(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (s->left)
        put_n(o, ' ', pad);
}

static unsigned long long arg_unsigned(const struct spec *s, va_list *ap)
{
    switch (s->lng) {
    case 0:  return va_arg(*ap, unsigned int);
    case 1:  return va_arg(*ap, unsigned long);
    case 3:  return va_arg(*ap, size_t);
    default: return va_arg(*ap, unsigned long long);
    }
}

static long long arg_signed(const struct spec *s, va_list *ap)
{
    switch (s->lng) {
    case 0:  return va_arg(*ap, int);
    case 1:  return va_arg(*ap, long);
    case 3:  return (long long)va_arg(*ap, size_t);
    default: return va_arg(*ap, long long);
    }
}

static void emit_signed(struct out *o, const struct spec *s, va_list *ap)
{
    long long v = arg_signed(s, ap);
    unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    emit_number(o, s, mag, 10, v < 0 ? "-" : "");
}

/* Handle one conversion whose spec has been parsed. */
static void convert(struct out *o, struct spec *s, va_list *ap)
{
    char c;
    switch (s->conv) {
    case 'd': case 'i': emit_signed(o, s, ap); break;
    case 'u': emit_number(o, s, arg_unsigned(s, ap), 10, ""); break;
    case 'x': case 'X': emit_number(o, s, arg_unsigned(s, ap), 16, ""); break;
    case 'o': emit_number(o, s, arg_unsigned(s, ap), 8, ""); break;
    case 'p':
        emit_number(o, s, (uintptr_t)va_arg(*ap, void *), 16, "0x");
        break;
    case 'c':
        c = (char)va_arg(*ap, int);
        emit_padded(o, s, &c, 1);
        break;
    case 's': emit_string(o, s, va_arg(*ap, const char *)); break;
    case '%': put(o, '%'); break;
    case 0:   put(o, '%'); break;
    default:  put(o, '%'); put(o, s->conv); break;
    }
}

/* Format into buf (size bytes, may be 0 with buf NULL), always NUL-terminating when
 * size > 0. Returns the length the full output has, which is >= size if it was cut. */
int v_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    struct spec s;
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt = parse_spec(fmt + 1, &s, &args);
        convert(&o, &s, &args);
    }
    va_end(args);
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

/* As v_vsnprintf, with the arguments inline. */
int v_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = v_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
