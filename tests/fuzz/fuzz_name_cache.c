/*
 * fuzz_name_cache.c - libv/name_cache.c (name syntax and the client's prefix cache)
 * against a naive reading of the grammar and the cache's contract in v/name.h.
 *
 * Input: the cache's size, then operations at increasing times on strings built from
 * the input (often "[" context "]" and a rest, often a cached prefix and more):
 *   - syntax: v_name_check, v_name_prefix_check, v_name_canon (both forms, any buffer
 *     size, nothing written past it), v_name_match and v_name_context_group (the
 *     FNV-1a hash of the context is recomputed here);
 *   - the cache: insert, lookup (the longest matching prefix; hits, misses and use
 *     times), invalidate (only if it still names the server), invalidate_server,
 *     invalidate_lhost. The model is a list of entries; a new prefix takes a free entry,
 *     else evicts the least recently used one that is not static, else V_ENOMEM. After
 *     every operation v_name_cache_list must give the model's entries sorted by prefix,
 *     every field equal, and the counters must agree.
 */
#include <string.h>
#include <v/err.h>
#include <v/group.h>
#include <v/name.h>
#include "fuzz.h"

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#define NMAX 8
#define SMAX 400

static struct {
    struct v_name_entry e[NMAX];
    uint32_t ne, n;
    uint32_t hits, misses, evictions, invalidations;
    uint64_t now;
} md;

static const v_pid_t servers[5] = { 0x00800101u, 0x00800102u, 0x01000101u, 0x80000080u, 0 };

static int ctx_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

/* Length of a valid "[context]" at the start of s, else 0. */
static size_t model_ctx(const char *s)
{
    size_t j = 1;
    if (s[0] != '[')
        return 0;
    while (ctx_char(s[j]))
        j++;
    return s[j] == ']' && j >= 2 && j <= 16 ? j + 1 : 0;
}

static int model_name_ok(const char *s)
{
    size_t i = model_ctx(s);
    if (!i || strlen(s) > 255)
        return 0;
    for (; s[i]; i++)
        if ((uint8_t)s[i] < 0x21 || (uint8_t)s[i] > 0x7e)
            return 0;
    return 1;
}

static int model_prefix_ok(const char *s)
{
    size_t i = model_ctx(s);
    if (!i || strlen(s) > 31)
        return 0;
    while (s[i]) {
        if (s[i++] != '/' || !ctx_char(s[i]))
            return 0;
        while (ctx_char(s[i]))
            i++;
    }
    return 1;
}

static uint32_t model_match(const char *p, const char *name)
{
    size_t n = strlen(p);
    if (n == 0 || strncmp(p, name, n) != 0)
        return 0;
    return p[n - 1] == ']' || name[n] == 0 || name[n] == '/' ? (uint32_t)n : 0;
}

/* A string from the input: mostly "[" context "]" and a rest, or a cached prefix and
 * more, from alphabets that make the grammar's cases likely. */
static void gen(struct fz *f, char *out)
{
    static const char ctx[] = "abz09._-Q";
    static const char any[] = "/a/b.]x[-_\x7f !~\t\x80";
    uint8_t sel = fz_u8(f);
    size_t n = 0, len;
    if ((sel & 3) == 1 && md.ne) {
        strcpy(out, md.e[(sel >> 2) % md.ne].prefix);
        n = strlen(out);
    } else if ((sel & 3) == 2) {
        out[n++] = '[';
        for (len = (sel >> 2) % 17 + 1; len > 1; len--)
            out[n++] = ctx[fz_u8(f) % (sizeof(ctx) - 1)];
        out[n++] = ']';
    } else if ((sel & 3) == 3) {
        out[n++] = '/';
    }
    len = fz_u8(f);
    len = len < 200 ? len % 24 : (len - 200) * 3;          /* short, or up to 165 more */
    uint8_t pick = fz_u8(f);
    for (size_t i = 0; i < len && n < SMAX; i++)
        out[n++] = pick & 1 ? any[fz_u8(f) % (sizeof(any) - 1)] : ctx[(pick + i) % 9];
    while (n < SMAX && (pick & 0xe0) == 0xe0 && n < 300)
        out[n++] = 'r';                                     /* past V_NAME_MAX */
    out[n] = 0;
}

static struct v_name_entry *model_find(const char *prefix)
{
    for (uint32_t i = 0; i < md.ne; i++)
        if (strcmp(md.e[i].prefix, prefix) == 0)
            return &md.e[i];
    return 0;
}

static void model_drop(struct v_name_entry *e)
{
    *e = md.e[--md.ne];
    md.invalidations++;
}

static int model_insert(const char *prefix, v_pid_t server, uint32_t context, uint32_t source)
{
    if (!model_prefix_ok(prefix) || !server || source < 1 || source > 3)
        return V_EINVAL;
    struct v_name_entry *e = model_find(prefix);
    if (!e && md.ne < md.n) {
        e = &md.e[md.ne++];
        memset(e, 0, sizeof(*e));
    } else if (!e) {
        for (uint32_t i = 0; i < md.ne; i++)
            if (md.e[i].source != V_NAME_SRC_STATIC && (!e || md.e[i].used_ns < e->used_ns))
                e = &md.e[i];
        if (!e)
            return V_ENOMEM;
        md.evictions++;
        memset(e, 0, sizeof(*e));
    }
    strcpy(e->prefix, prefix);
    if (e->server != server)
        e->hits = 0;
    e->server = server;
    e->context = context;
    e->source = source;
    e->learned_ns = e->used_ns = md.now;
    return V_OK;
}

static void op_insert(struct fz *f, struct v_name_cache *c)
{
    char prefix[SMAX + 1];
    gen(f, prefix);
    v_pid_t server = servers[fz_u8(f) % 5];
    uint32_t context = fz_u32(f), source = fz_u8(f) % 5;
    FZ_EQ(v_name_cache_insert(c, prefix, server, context, source, md.now),
          model_insert(prefix, server, context, source));
}

static void same_entry(const struct v_name_entry *a, const struct v_name_entry *b)
{
    FZ_CHECK(strcmp(a->prefix, b->prefix) == 0);
    FZ_EQ(a->server, b->server);
    FZ_EQ(a->context, b->context);
    FZ_EQ(a->source, b->source);
    FZ_EQ(a->hits, b->hits);
    FZ_EQ(a->learned_ns, b->learned_ns);
    FZ_EQ(a->used_ns, b->used_ns);
}

static void op_lookup(struct fz *f, struct v_name_cache *c)
{
    char name[SMAX + 1];
    gen(f, name);
    struct v_name_entry out;
    uint32_t rest = 0xdead;
    int rc = v_name_cache_lookup(c, name, md.now, &out, &rest);
    if (!model_name_ok(name)) {
        FZ_EQ(rc, V_EINVAL);
        return;
    }
    struct v_name_entry *best = 0;
    uint32_t best_len = 0;
    for (uint32_t i = 0; i < md.ne; i++) {
        uint32_t len = model_match(md.e[i].prefix, name);
        if (len > best_len) {
            best = &md.e[i];
            best_len = len;
        }
    }
    if (!best) {
        md.misses++;
        FZ_EQ(rc, V_ENOTFOUND);
        return;
    }
    FZ_EQ(rc, V_OK);
    md.hits++;
    best->hits++;
    best->used_ns = md.now;
    same_entry(&out, best);
    FZ_EQ(rest, best_len);
}

static void op_invalidate(struct fz *f, struct v_name_cache *c)
{
    char prefix[SMAX + 1];
    gen(f, prefix);
    v_pid_t server = servers[fz_u8(f) % 5];
    struct v_name_entry *e = model_find(prefix);
    int ok = e && (server == 0 || e->server == server);
    FZ_EQ(v_name_cache_invalidate(c, prefix, server), ok ? V_OK : V_ENOTFOUND);
    if (ok)
        model_drop(e);
}

/* invalidate_server, or invalidate_lhost with the logical host of a server. */
static void op_invalidate_many(struct fz *f, struct v_name_cache *c)
{
    uint8_t sel = fz_u8(f);
    v_pid_t s = servers[sel % 5];
    uint32_t lhost = (s >> 16) & 0x7fff, n = 0;
    uint32_t got = sel & 8 ? v_name_cache_invalidate_lhost(c, lhost)
                           : v_name_cache_invalidate_server(c, s);
    for (uint32_t i = 0; i < md.ne;) {
        v_pid_t es = md.e[i].server;
        int hit = sel & 8 ? es < 0x80000000u && ((es >> 16) & 0x7fff) == lhost : es == s;
        if (hit) {
            model_drop(&md.e[i]);
            n++;
        } else {
            i++;
        }
    }
    FZ_EQ(got, n);
}

/* The canonical form of in, or 0 (V_EINVAL) when it is not a name or needs size bytes
 * or more. */
static int model_canon(const char *in, char *out, size_t size)
{
    size_t len = strlen(in), k = 1;
    if (len > 255 || (in[0] != '[' && in[0] != '/'))
        return 0;
    if (in[0] == '[') {
        strcpy(out, in);
        return len < size && model_name_ok(out);
    }
    while (in[k] && in[k] != '/')
        if (!ctx_char(in[k++]))
            return 0;
    out[0] = '[';
    memcpy(out + 1, in + 1, k - 1);
    out[k] = ']';
    strcpy(out + k + 1, in + k);
    return len + 1 < size && model_name_ok(out);
}

static uint32_t model_group(const char *s)
{
    size_t n = model_ctx(s);
    uint32_t h = 2166136261u;
    if (!n)
        return 0;
    for (size_t i = 1; i + 1 < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return 0x80000080u + v_group_mix(h) % 128;
}

static void op_syntax(struct fz *f)
{
    char a[SMAX + 1], b[SMAX + 1], out[SMAX + 8], want[SMAX + 8];
    gen(f, a);
    gen(f, b);
    FZ_EQ(v_name_check(a), model_name_ok(a) ? V_OK : V_EINVAL);
    FZ_EQ(v_name_prefix_check(a), model_prefix_ok(a) ? V_OK : V_EINVAL);
    FZ_EQ(v_name_match(a, b), model_match(a, b));
    FZ_EQ(v_name_context_group(a), model_group(a));
    uint32_t size = fz_u16(f) % (SMAX + 4);
    memset(out, 0x5a, sizeof(out));
    int ok = model_canon(a, want, size);
    FZ_EQ(v_name_canon(a, out, size), ok ? V_OK : V_EINVAL);
    if (ok)
        FZ_CHECK(strcmp(out, want) == 0);
    for (size_t i = size; i < sizeof(out); i++)
        FZ_EQ(out[i], 0x5a);
}

static int by_prefix(const void *x, const void *y)
{
    return strcmp(((const struct v_name_entry *)x)->prefix,
                  ((const struct v_name_entry *)y)->prefix);
}

static void check_list(struct fz *f, const struct v_name_cache *c)
{
    struct v_name_entry got[NMAX], want[NMAX];
    uint32_t max = fz_u8(f) % (NMAX + 2), n = v_name_cache_list(c, got, max < NMAX ? max : NMAX);
    memcpy(want, md.e, sizeof(want[0]) * md.ne);
    qsort(want, md.ne, sizeof(want[0]), by_prefix);
    FZ_EQ(n, md.ne);
    for (uint32_t i = 0; i < n && i < max && i < NMAX; i++)
        same_entry(&got[i], &want[i]);
    FZ_EQ(c->hits, md.hits);
    FZ_EQ(c->misses, md.misses);
    FZ_EQ(c->evictions, md.evictions);
    FZ_EQ(c->invalidations, md.invalidations);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct v_name_entry storage[NMAX];
    struct fz f = { data, size };
    struct v_name_cache c;
    memset(&md, 0, sizeof(md));
    md.n = 1 + fz_u8(&f) % NMAX;
    md.now = fz_u32(&f);
    v_name_cache_init(&c, storage, md.n);
    while (f.n) {
        uint8_t op = fz_u8(&f);
        md.now += 1 + (op >> 3);
        switch (op & 7) {
        case 0: case 1: op_insert(&f, &c); break;
        case 2: case 3: op_lookup(&f, &c); break;
        case 4: op_invalidate(&f, &c); break;
        case 5: op_invalidate_many(&f, &c); break;
        default: op_syntax(&f); break;
        }
        check_list(&f, &c);
    }
    return 0;
}
