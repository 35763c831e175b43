/*
 * name - a node's name handler (docs/GROUPS.md, "Naming"). It holds the prefixes that
 * this node's servers registered, and answers NAME_LOOKUP for them, whether asked by
 * the group of every name handler (V_GROUP_NAME_HANDLERS, which it joins), by the
 * context group of a name (V_GROUP_NAME_CONTEXT(h), which it joins while it holds a
 * registration in that context: sync_contexts), or directly.
 * A handler that owns no prefix of a name declines a group lookup (it replies with
 * V_MSG_NO_REPLY, so nothing goes on the wire) and answers V_ENOTFOUND to a direct one.
 *
 * At start it registers V_LOGICAL_NAME and the node's own services: [nameN] (itself),
 * [pmN] (the program manager) and [ksN] (the kernel server), N = the node.
 * A registration whose server has died is dropped when the kernel's V_EV_PROCESS_DIED
 * event says so (the handler joins that group). Answers trust the table, so a lookup
 * costs no more than its own message; a client that finds an answer stale on use (an
 * event was lost, or the registrant named a dead server) asks again with
 * V_NAME_LK_VERIFY, and then the owner is checked against the kernel server's process
 * table first (servers are local) and a dead one's registration dropped. Registering
 * always checks the current owner that way.
 */
#include <stdio.h>
#include <string.h>
#include <v/group.h>
#include <v/ipc.h>
#include <v/kclient.h>
#include <v/ksrv.h>
#include <v/name.h>

#define NREG 64

static struct v_name_entry store[NREG];
static struct v_name_cache reg;
static uint32_t node;
static uint32_t joined[V_GROUP_NAME_CONTEXTS / 32];   /* context groups we are a member of */
static uint32_t lookups, declined;                    /* NAME_LOOKUPs seen, and declined */

/* Be a member of exactly the context groups of our registrations (v/group.h): join the
 * new ones, leave those no registration needs any more. V_OK, or the first join's error
 * (the caller undoes the registration that needed it). */
static int sync_contexts(void)
{
    uint32_t need[V_GROUP_NAME_CONTEXTS / 32] = { 0 };
    int rc = V_OK;
    for (uint32_t i = 0; i < NREG; i++)
        if (store[i].prefix[0]) {
            uint32_t h = v_name_context_hash(store[i].prefix) % V_GROUP_NAME_CONTEXTS;
            need[h / 32] |= 1u << (h % 32);
        }
    for (uint32_t h = 0; h < V_GROUP_NAME_CONTEXTS; h++) {
        uint32_t bit = 1u << (h % 32), want = need[h / 32] & bit, have = joined[h / 32] & bit;
        if (want && !have) {
            int err = v_join_group(V_GROUP_NAME_CONTEXT(h), 0);
            if (!err)
                joined[h / 32] |= bit;
            else if (!rc)
                rc = err;
        } else if (!want && have && v_leave_group(V_GROUP_NAME_CONTEXT(h), 0) == V_OK) {
            joined[h / 32] &= ~bit;
        }
    }
    return rc;
}

static int alive(v_pid_t pid)
{
    struct v_proc_info info;
    if (pid == v_kernel_server())
        return 1;
    return v_ks_process_info(v_kernel_server(), pid, &info) == V_OK && info.state != V_PS_DEAD;
}

/* The registration owning canonical name cn (exactly cn with V_NAME_LK_EXACT). With
 * V_NAME_LK_VERIFY its server is checked against the process table first, and a dead
 * one's registration dropped; without, the table is trusted (V_EV_PROCESS_DIED keeps
 * it fresh, and a client that finds an answer stale asks again with VERIFY). */
static int find(const char *cn, uint32_t flags, struct v_name_entry *e, uint32_t *len)
{
    for (;;) {
        if (v_name_cache_lookup(&reg, cn, v_time_ns(), e, len))
            return V_ENOTFOUND;
        if ((flags & V_NAME_LK_EXACT) && cn[*len])
            return V_ENOTFOUND;
        if (!(flags & V_NAME_LK_VERIFY) || alive(e->server))
            return V_OK;
        printf("name: %s: server 0x%08x is gone, registration dropped\n", e->prefix, e->server);
        v_name_cache_invalidate(&reg, e->prefix, e->server);
        sync_contexts();
    }
}

/* Does another live server own exactly prefix anywhere? (a group lookup) */
static int owned_elsewhere(const char *prefix, v_pid_t server)
{
    struct v_msg m = { .code = NAME_LOOKUP, .flags = V_MSG_SEG_READ,
                       .seg_ptr = (uint32_t)prefix, .seg_len = (uint32_t)strlen(prefix),
                       .w = { V_NAME_LK_EXACT | V_NAME_LK_GROUP } };
    v_pid_t from;
    int rc = v_send_r(&m, v_name_context_group(prefix), &from);
    while (rc == V_OK) {
        if (!v_msg_reply_code(&m) && m.w[0] && m.w[0] != server)
            return 1;
        rc = v_get_reply(&m, 200, &from);
    }
    return 0;
}

static int do_register(struct v_msg *m, v_pid_t from, const char *p)
{
    v_pid_t server = m->w[0] ? m->w[0] : from;
    struct v_name_entry e;
    uint32_t len;
    if (v_name_prefix_check(p) || v_pid_is_group(server))
        return V_EINVAL;
    if (!find(p, V_NAME_LK_EXACT | V_NAME_LK_VERIFY, &e, &len) && e.server != server)
        return V_EBUSY;                  /* a live local server has it */
    if ((m->w[2] & V_NAME_REG_UNIQUE) && owned_elsewhere(p, server))
        return V_EBUSY;
    if (!alive(server))
        return V_ENOPROC;                /* no death event would ever drop it */
    int rc = v_name_cache_insert(&reg, p, server, m->w[1], V_NAME_SRC_STATIC, v_time_ns());
    if (!rc && (rc = sync_contexts())) {
        v_name_cache_invalidate(&reg, p, server);   /* a lookup could not reach us */
        sync_contexts();
    }
    if (!rc)
        printf("name: %s -> 0x%08x registered\n", p, server);
    return rc;
}

static int do_list(struct v_msg *m, v_pid_t from)
{
    static struct v_name_entry all[NREG];
    static struct v_name_record out[NREG];
    uint64_t now = v_time_ns();
    uint32_t n = v_name_cache_list(&reg, all, NREG), max = m->seg_len / sizeof(out[0]), k;
    if (!(m->flags & V_MSG_SEG_WRITE))
        return V_ENOACCESS;
    for (k = 0; k < n && k < max; k++) {
        memset(&out[k], 0, sizeof(out[k]));
        memcpy(out[k].prefix, all[k].prefix, sizeof(out[k].prefix));
        out[k].server = all[k].server;
        out[k].context = all[k].context;
        out[k].hits = all[k].hits;
        out[k].age_ms = (uint32_t)((now - all[k].learned_ns) / 1000000u);
    }
    m->w[0] = n;
    m->w[1] = k;
    m->w[2] = lookups;
    m->w[3] = declined;
    m->code = V_OK;
    int rc = v_reply_with_segment(m, from, m->seg_ptr, out, k * sizeof(out[0]));
    return rc ? rc : 1;                  /* 1: replied already */
}

static void self_register(const char *fmt, v_pid_t pid)
{
    char p[V_NAME_PREFIX_MAX + 1];
    snprintf(p, sizeof(p), fmt, node);
    if (pid)
        v_name_cache_insert(&reg, p, pid, 0, V_NAME_SRC_STATIC, v_time_ns());
}

/* Take V_LOGICAL_NAME, join the handlers' and the process-died groups, and register
 * this node's own services; V_OK, or the error that leaves us unable to serve. */
static int name_start(void)
{
    struct v_node_info ni;
    v_pid_t pm = 0;
    v_name_cache_init(&reg, store, NREG);
    node = v_ks_node_info(v_kernel_server(), &ni, 0, 0) == V_OK ? ni.node : 0;
    int rc = v_set_pid(V_LOGICAL_NAME, v_my_pid());
    if (!rc)
        rc = v_join_group(V_GROUP_NAME_HANDLERS, 0);
    if (!rc)
        rc = v_join_group(V_GROUP_EV_PROCESS_DIED, 0);   /* registrations die with servers */
    if (rc)
        return rc;
    v_get_pid(V_LOGICAL_PM, &pm);
    self_register("[name%u]", v_my_pid());
    self_register("[pm%u]", pm);
    self_register("[ks%u]", v_kernel_server());
    if ((rc = sync_contexts()))
        printf("name: cannot join a context group: %s\n", v_strerror(rc));
    return V_OK;
}

/* NAME_LOOKUP of name (len bytes): the owner into m, or an error; a group lookup that
 * is not ours is declined here (1: nothing more to send). */
static int do_lookup(struct v_msg *m, v_pid_t from, const char *name, uint32_t len)
{
    struct v_name_entry e;
    uint32_t plen;
    lookups++;
    int rc = len && !v_name_check(name) ? find(name, m->w[0], &e, &plen) : V_EINVAL;
    if (rc && (m->w[0] & V_NAME_LK_GROUP)) {
        declined++;
        m->flags = V_MSG_NO_REPLY;       /* not ours: decline, send nothing */
        v_reply(m, from);
        return 1;
    }
    if (!rc) {
        m->w[0] = e.server;
        m->w[1] = e.context;
        m->w[2] = plen;
        m->w[3] = node;
    }
    return rc;
}

/* NAME_UNREGISTER of prefix p for server w0 (0: the sender). */
static int do_unregister(struct v_msg *m, v_pid_t from, const char *p)
{
    int rc = v_name_prefix_check(p) ? V_EINVAL
             : v_name_cache_invalidate(&reg, p, m->w[0] ? m->w[0] : from);
    if (!rc)
        sync_contexts();
    return rc;
}

/* V_EV_PROCESS_DIED, a kernel event (no reply): drop the dead server's registrations.
 * From anyone but a kernel it is a forgery: V_EPERM. */
static int do_process_died(const struct v_msg *m, v_pid_t from)
{
    if (!v_event_from_kernel(from))
        return V_EPERM;
    if (v_name_cache_invalidate_server(&reg, m->w[0])) {
        printf("name: server 0x%08x died, its registrations dropped\n", m->w[0]);
        sync_contexts();
    }
    return 1;
}

/* One request whose segment, the name, is buf (len bytes, NUL-terminated): the reply
 * code, or 1 if nothing more is to be sent. */
static int serve(struct v_msg *m, v_pid_t from, const char *buf, uint32_t len)
{
    switch (m->code) {
    case V_EV_PROCESS_DIED: return do_process_died(m, from);
    case NAME_LOOKUP:       return do_lookup(m, from, buf, len);
    case NAME_REGISTER:     return do_register(m, from, buf);
    case NAME_UNREGISTER:   return do_unregister(m, from, buf);
    case NAME_LIST:         return do_list(m, from);
    default:                return V_EBADCALL;
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int rc = name_start();
    if (rc) {
        printf("name: cannot serve: %s\n", v_strerror(rc));
        return 1;
    }
    for (;;) {
        struct v_msg m;
        v_pid_t from;
        char buf[V_NAME_MAX + 1];
        uint32_t len = V_NAME_MAX;
        if (v_receive_with_segment(&m, 0, &from, buf, &len))
            continue;
        buf[len] = 0;
        if ((rc = serve(&m, from, buf, len)) == 1)
            continue;
        m.code = (uint16_t)rc;
        m.flags = 0;
        v_reply(&m, from);
    }
}
