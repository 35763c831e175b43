/*
 * name.c - resolving character-string names (v/name.h, docs/GROUPS.md "Naming"): a
 * per-team cache of prefix -> (server, context) in front of the name handlers, which are
 * asked by one group Send on a miss: to the name's context group, whose members are the
 * handlers holding a registration in that slice of the name space (v/group.h). Entry points: v_name_resolve, v_name_resolve_at,
 * v_name_send, v_name_register, v_name_unregister, v_name_cache_self, v_name_cache_event.
 * Not thread-safe beyond what one team's threads get from running one at a time.
 */
#include <string.h>
#include <v/group.h>
#include <v/ipc.h>
#include <v/name.h>

#define CACHE_N 32

static struct v_name_entry store[CACHE_N];
static struct v_name_cache cache;
static int ready;

struct v_name_cache *v_name_cache_self(void)
{
    if (!ready) {
        v_name_cache_init(&cache, store, CACHE_N);
        ready = 1;
    }
    return &cache;
}

uint32_t v_name_cache_event(const struct v_msg *ev)
{
    struct v_name_cache *c = v_name_cache_self();
    if (ev->code == V_EV_PROCESS_DIED)
        return v_name_cache_invalidate_server(c, ev->w[0]);
    if (ev->code == V_EV_NODE_DOWN && ev->w[0] && ev->w[0] <= V_NODE_MAX)
        return v_name_cache_invalidate_lhost(c, v_lhost_make(ev->w[0], 0));
    return 0;
}

/* One NAME_LOOKUP of canonical name `cn` to `to` (a handler or the group). */
static int lookup(v_pid_t to, const char *cn, uint32_t flags, struct v_msg *m)
{
    memset(m, 0, sizeof(*m));
    m->code = NAME_LOOKUP;
    v_msg_grant(m, V_MSG_SEG_READ, cn, (uint32_t)strlen(cn));
    m->w[0] = flags;
    int rc = v_send(m, to);
    if (rc == V_ETIMEOUT && v_pid_is_group(to))
        return V_ENOTFOUND;              /* no handler owns it */
    if (!rc && v_msg_reply_code(m))
        rc = v_msg_reply_code(m);
    if (!rc && (!m->w[0] || !m->w[2] || m->w[2] > m->seg_len))
        rc = V_EINVAL;                   /* a malformed answer */
    return rc;
}

static int learn(const char *cn, const struct v_msg *m, uint32_t source,
                 struct v_name_entry *out, uint32_t *rest_off)
{
    char prefix[V_NAME_PREFIX_MAX + 1];
    uint32_t n = m->w[2];
    if (n > V_NAME_PREFIX_MAX)
        return V_EINVAL;
    memcpy(prefix, cn, n);
    prefix[n] = 0;
    uint64_t now = v_time_ns();
    int rc = v_name_cache_insert(v_name_cache_self(), prefix, m->w[0], m->w[1], source, now);
    if (rc)
        return rc;
    return v_name_cache_lookup(&cache, cn, now, out, rest_off);
}

static int resolve(v_pid_t at, const char *name, uint32_t flags, struct v_name_entry *out,
                   uint32_t *rest_off, uint32_t *source)
{
    char cn[V_NAME_MAX + 1];
    struct v_name_entry e;
    uint32_t off;
    int rc = v_name_canon(name, cn, sizeof(cn));
    if (rc)
        return rc;
    if (!out)
        out = &e;
    if (!rest_off)
        rest_off = &off;
    if (!at && !flags && v_name_cache_lookup(v_name_cache_self(), cn, v_time_ns(), out, rest_off) == V_OK) {
        if (source)
            *source = 0;                 /* a hit: nothing was sent */
        return V_OK;
    }
    struct v_msg m;
    if (!at)
        at = v_name_context_group(cn);   /* the handlers that may own it */
    uint32_t src = v_pid_is_group(at) ? V_NAME_SRC_MULTICAST : V_NAME_SRC_UNICAST;
    rc = lookup(at, cn, flags | (src == V_NAME_SRC_MULTICAST ? V_NAME_LK_GROUP : 0), &m);
    if (!rc)
        rc = learn(cn, &m, src, out, rest_off);
    if (!rc && source)
        *source = src;
    return rc;
}

int v_name_resolve(const char *name, struct v_name_entry *out, uint32_t *rest_off,
                   uint32_t *source)
{
    return resolve(0, name, 0, out, rest_off, source);
}

int v_name_resolve_at(v_pid_t at, const char *name, struct v_name_entry *out,
                      uint32_t *rest_off)
{
    if (!at || (v_pid_is_group(at) && !v_group_is(at)))
        return V_EINVAL;
    return resolve(at, name, 0, out, rest_off, 0);
}

int v_name_send(const char *name, struct v_msg *m, v_pid_t *replier)
{
    struct v_name_entry e;
    struct v_msg saved = *m;
    int rc = v_name_resolve(name, &e, 0, 0);
    if (rc)
        return rc;
    rc = v_send_r(m, e.server, replier);
    if (rc != V_ENOPROC && rc != V_EDESTROYED && rc != V_ETIMEOUT)
        return rc;
    v_name_cache_invalidate(&cache, e.prefix, e.server);   /* stale: ask again, */
    if ((rc = resolve(0, name, V_NAME_LK_VERIFY, &e, 0, 0)))  /* and have it checked */
        return rc;
    *m = saved;
    return v_send_r(m, e.server, replier);
}

static int to_handler(uint16_t code, const char *prefix, v_pid_t server, uint32_t context,
                      uint32_t flags)
{
    v_pid_t h;
    if (v_name_prefix_check(prefix))
        return V_EINVAL;
    if (v_get_pid(V_LOGICAL_NAME, &h) || !h)
        return V_ENOTFOUND;
    struct v_msg m = { .code = code, .w = { server, context, flags } };
    v_msg_grant(&m, V_MSG_SEG_READ, prefix, (uint32_t)strlen(prefix));
    int rc = v_send(&m, h);
    return rc ? rc : v_msg_reply_code(&m);
}

int v_name_register(const char *prefix, v_pid_t server, uint32_t context, uint32_t flags)
{
    return to_handler(NAME_REGISTER, prefix, server, context, flags);
}

int v_name_unregister(const char *prefix, v_pid_t server)
{
    return to_handler(NAME_UNREGISTER, prefix, server, 0, 0);
}
