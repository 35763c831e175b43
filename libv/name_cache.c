/*
 * name_cache.c - name syntax and the client's prefix cache (v/name.h).
 * Pure: no system calls, the caller supplies the storage and the time, so the same code
 * serves programs, name handlers, host tools and the unit tests.
 */
#include <string.h>
#include <v/err.h>
#include <v/group.h>
#include <v/name.h>

static int is_ctx_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '.' || ch == '_' || ch == '-';
}

/* Length of the "[context]" that starts s, or 0 if s does not start with one. */
static uint32_t context_len(const char *s)
{
    uint32_t i = 1;
    if (s[0] != '[')
        return 0;
    while (is_ctx_char(s[i]))
        i++;
    if (s[i] != ']' || i == 1 || i - 1 > V_NAME_CONTEXT_MAX)
        return 0;
    return i + 1;
}

int v_name_check(const char *name)
{
    uint32_t i = context_len(name);
    if (!i)
        return V_EINVAL;
    for (; name[i]; i++)
        if (name[i] < 0x21 || name[i] > 0x7e || i >= V_NAME_MAX)
            return V_EINVAL;
    return V_OK;
}

int v_name_prefix_check(const char *prefix)
{
    uint32_t i = context_len(prefix);
    if (!i)
        return V_EINVAL;
    while (prefix[i]) {
        if (prefix[i++] != '/' || !is_ctx_char(prefix[i]))
            return V_EINVAL;                    /* "/" then a nonempty component */
        while (is_ctx_char(prefix[i]))
            i++;
    }
    return i <= V_NAME_PREFIX_MAX ? V_OK : V_EINVAL;
}

int v_name_canon(const char *in, char *out, uint32_t size)
{
    uint32_t len = (uint32_t)strnlen(in, V_NAME_MAX + 1);
    if (len > V_NAME_MAX)
        return V_EINVAL;
    if (in[0] == '[') {
        if (len >= size || v_name_check(in))
            return V_EINVAL;
        memcpy(out, in, len + 1);
        return V_OK;
    }
    if (in[0] != '/')
        return V_EINVAL;
    uint32_t ctx = 1;                           /* "/ctx/rest" -> "[ctx]/rest": one byte more */
    while (in[ctx] && in[ctx] != '/')
        ctx++;
    if (len + 1 >= size)
        return V_EINVAL;
    out[0] = '[';
    memcpy(out + 1, in + 1, ctx - 1);
    out[ctx] = ']';
    memcpy(out + ctx + 1, in + ctx, len - ctx + 1);
    if (context_len(out) != ctx + 1 || v_name_check(out)) {     /* e.g. "/a]/b" */
        out[0] = 0;
        return V_EINVAL;
    }
    return V_OK;
}

uint32_t v_name_match(const char *prefix, const char *name)
{
    uint32_t n = (uint32_t)strlen(prefix);
    if (n == 0 || strncmp(prefix, name, n) != 0)
        return 0;
    if (prefix[n - 1] == ']' || name[n] == 0 || name[n] == '/')
        return n;
    return 0;
}

uint32_t v_name_context_hash(const char *name)
{
    uint32_t n = context_len(name), h = 0x811c9dc5u;   /* FNV-1a offset basis */
    for (uint32_t i = 1; i + 1 < n; i++)
        h = (h ^ (uint8_t)name[i]) * 0x01000193u;       /* FNV prime */
    return v_group_mix(h);
}

v_pid_t v_name_context_group(const char *name)
{
    if (!context_len(name))
        return V_PID_NONE;
    return V_GROUP_NAME_CONTEXT(v_name_context_hash(name) % V_GROUP_NAME_CONTEXTS);
}

const char *v_name_source_name(uint32_t source)
{
    switch (source) {
    case V_NAME_SRC_STATIC: return "static";
    case V_NAME_SRC_MULTICAST: return "multicast";
    case V_NAME_SRC_UNICAST: return "unicast";
    default: return "?";
    }
}

void v_name_cache_init(struct v_name_cache *c, struct v_name_entry *storage, uint32_t n)
{
    c->e = storage;
    c->n = n;
    c->hits = c->misses = c->evictions = c->invalidations = 0;
    memset(storage, 0, sizeof(*storage) * n);
}

static struct v_name_entry *find(struct v_name_cache *c, const char *prefix)
{
    for (uint32_t i = 0; i < c->n; i++)
        if (c->e[i].prefix[0] && strcmp(c->e[i].prefix, prefix) == 0)
            return &c->e[i];
    return 0;
}

/* A free entry, else the least recently used one that is not static (evicted), else 0. */
static struct v_name_entry *take_slot(struct v_name_cache *c)
{
    struct v_name_entry *victim = 0;
    for (uint32_t i = 0; i < c->n; i++) {
        struct v_name_entry *e = &c->e[i];
        if (!e->prefix[0])
            return e;
        if (e->source != V_NAME_SRC_STATIC && (!victim || e->used_ns < victim->used_ns))
            victim = e;
    }
    if (victim)
        c->evictions++;
    return victim;
}

int v_name_cache_insert(struct v_name_cache *c, const char *prefix, v_pid_t server,
                        uint32_t context, uint32_t source, uint64_t now_ns)
{
    if (v_name_prefix_check(prefix) || server == V_PID_NONE || source < V_NAME_SRC_STATIC ||
        source > V_NAME_SRC_UNICAST)
        return V_EINVAL;
    struct v_name_entry *e = find(c, prefix);
    if (!e) {
        e = take_slot(c);
        if (!e)
            return V_ENOMEM;
        memset(e, 0, sizeof(*e));
        memcpy(e->prefix, prefix, strlen(prefix) + 1);     /* checked: it fits */
    }
    if (e->server != server)
        e->hits = 0;
    e->server = server;
    e->context = context;
    e->source = source;
    e->learned_ns = e->used_ns = now_ns;
    return V_OK;
}

int v_name_cache_lookup(struct v_name_cache *c, const char *name, uint64_t now_ns,
                        struct v_name_entry *out, uint32_t *rest_off)
{
    if (v_name_check(name))
        return V_EINVAL;
    struct v_name_entry *best = 0;
    uint32_t best_len = 0;
    for (uint32_t i = 0; i < c->n; i++) {
        uint32_t len = c->e[i].prefix[0] ? v_name_match(c->e[i].prefix, name) : 0;
        if (len > best_len) {
            best = &c->e[i];
            best_len = len;
        }
    }
    if (!best) {
        c->misses++;
        return V_ENOTFOUND;
    }
    c->hits++;
    best->hits++;
    best->used_ns = now_ns;
    if (out)
        *out = *best;
    if (rest_off)
        *rest_off = best_len;
    return V_OK;
}

static void drop(struct v_name_cache *c, struct v_name_entry *e)
{
    memset(e, 0, sizeof(*e));
    c->invalidations++;
}

int v_name_cache_invalidate(struct v_name_cache *c, const char *prefix, v_pid_t server)
{
    struct v_name_entry *e = find(c, prefix);
    if (!e || (server != V_PID_NONE && e->server != server))
        return V_ENOTFOUND;
    drop(c, e);
    return V_OK;
}

uint32_t v_name_cache_invalidate_server(struct v_name_cache *c, v_pid_t server)
{
    uint32_t dropped = 0;
    for (uint32_t i = 0; i < c->n; i++)
        if (c->e[i].prefix[0] && c->e[i].server == server) {
            drop(c, &c->e[i]);
            dropped++;
        }
    return dropped;
}

uint32_t v_name_cache_invalidate_lhost(struct v_name_cache *c, uint32_t lhost)
{
    uint32_t dropped = 0;
    for (uint32_t i = 0; i < c->n; i++)
        if (c->e[i].prefix[0] && !v_pid_is_group(c->e[i].server) &&
            v_pid_lhost(c->e[i].server) == lhost) {
            drop(c, &c->e[i]);
            dropped++;
        }
    return dropped;
}

/* Is a before b in listing order? (prefixes are unique, so the order is total) */
static int before(const struct v_name_entry *a, const struct v_name_entry *b)
{
    return strcmp(a->prefix, b->prefix) < 0;
}

uint32_t v_name_cache_list(const struct v_name_cache *c, struct v_name_entry *out,
                           uint32_t max)
{
    uint32_t total = 0;
    const struct v_name_entry *prev = 0;
    for (uint32_t i = 0; i < c->n; i++)
        if (c->e[i].prefix[0])
            total++;
    /* Selection by rank: each round takes the smallest prefix after the last one taken.
     * Quadratic, and tables are tens of entries: no sort buffer needed. */
    for (uint32_t k = 0; k < max && k < total; k++) {
        const struct v_name_entry *next = 0;
        for (uint32_t i = 0; i < c->n; i++) {
            const struct v_name_entry *e = &c->e[i];
            if (e->prefix[0] && (!prev || before(prev, e)) && (!next || before(e, next)))
                next = e;
        }
        out[k] = *next;
        prev = next;
    }
    return total;
}
