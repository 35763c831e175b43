/*
 * tools/vctl/json.c - a small streaming JSON writer for vctl --json (json.h): objects,
 * arrays, strings, integers, booleans, null, and vctl's conventions (a value printed in
 * hex also as "key_hex"; error members). It keeps one comma flag per open container;
 * a misuse (a key inside an array, too deep) is written anyway and reported by
 * jw_finish, so that a bug shows in the tests rather than as a crash.
 */
#include <inttypes.h>
#include <string.h>
#include <v/err.h>
#include "json.h"

static FILE *out;
static int depth;               /* containers open */
static int is_obj[JW_DEPTH];    /* per level: an object (1) or an array (0) */
static int has_items[JW_DEPTH]; /* per level: something written: the next needs a comma */
static int bad;                 /* nesting misused */

void jw_start(FILE *f)
{
    out = f;
    depth = bad = 0;
}

/* A string's contents, escaped; at most n bytes, up to a NUL. */
static void put_escaped(const char *s, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
                      : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\b' ? "\\b"
                      : c == '\f' ? "\\f" : NULL;
        if (e)
            fputs(e, out);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* The comma and key in front of a value; checks that a key comes exactly in objects. */
static void member(const char *key)
{
    if (depth > 0) {
        if (has_items[depth - 1])
            fputs(", ", out);
        has_items[depth - 1] = 1;
        if (!key != !is_obj[depth - 1])
            bad = 1;
    } else if (key) {
        bad = 1;
    }
    if (key) {
        put_escaped(key, strlen(key));
        fputs(": ", out);
    }
}

static void open_one(const char *key, int obj)
{
    member(key);
    fputc(obj ? '{' : '[', out);
    if (depth == JW_DEPTH) {
        bad = 1;
        return;
    }
    is_obj[depth] = obj;
    has_items[depth++] = 0;
}

void jw_obj(const char *key) { open_one(key, 1); }
void jw_arr(const char *key) { open_one(key, 0); }

void jw_end(void)
{
    if (depth == 0) {
        bad = 1;
        return;
    }
    depth--;
    fputc(is_obj[depth] ? '}' : ']', out);
}

void jw_unwind(int level)
{
    while (depth > level)
        jw_end();
}

int jw_finish(void)
{
    jw_unwind(0);
    fputc('\n', out);
    fflush(out);
    return bad ? -1 : 0;
}

void jw_strn(const char *key, const char *s, size_t n)
{
    member(key);
    if (s)
        put_escaped(s, n);
    else
        fputs("null", out);
}

void jw_str(const char *key, const char *s) { jw_strn(key, s, s ? strlen(s) : 0); }

void jw_uint(const char *key, uint64_t v)
{
    member(key);
    fprintf(out, "%" PRIu64, v);
}

void jw_int(const char *key, int64_t v)
{
    member(key);
    fprintf(out, "%" PRId64, v);
}

void jw_bool(const char *key, int v)
{
    member(key);
    fputs(v ? "true" : "false", out);
}

void jw_null(const char *key)
{
    member(key);
    fputs("null", out);
}

void jw_hexstr(const char *key, uint32_t v, int digits)
{
    char s[16];

    snprintf(s, sizeof s, "0x%0*x", digits, v);
    jw_str(key, s);
}

void jw_hex(const char *key, uint32_t v, int digits)
{
    char k[64];

    if (!key)                   /* two values need a key each */
        bad = 1;
    jw_uint(key, v);
    snprintf(k, sizeof k, "%s_hex", key ? key : "");
    jw_hexstr(key ? k : NULL, v, digits);
}

void jw_ipv4(const char *key, uint32_t a)
{
    char s[16];

    snprintf(s, sizeof s, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
    jw_str(key, s);
}

static const char *const err_names[1 - V_ERR_MIN] = {
    "V_OK", "V_ENOPROC", "V_EBADADDR", "V_ENOACCESS", "V_ERANGE", "V_ENOTAWAITING",
    "V_EDESTROYED", "V_EINVAL", "V_ENOMEM", "V_EBADCALL", "V_ETIMEOUT", "V_ENOTFOUND",
    "V_EBUSY", "V_EDEADLOCK", "V_EPERM", "V_EEXIST", "V_EISDIR", "V_ENOTDIR", "V_EROFS",
    "V_EBADINST", "V_ENOSPC",
};
_Static_assert(V_ENOSPC == V_ERR_MIN && V_ETIMEOUT == -10 && V_EPERM == -14,
               "one name per code of v/err.h");

const char *jw_errname(int code)
{
    return code <= 0 && code >= V_ERR_MIN ? err_names[-code] : "unknown";
}

void jw_error(int code, const char *text)
{
    jw_str("error", text);
    jw_int("code", code);
    jw_str("name", jw_errname(code));
}
