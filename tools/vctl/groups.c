/*
 * tools/vctl/groups.c - vctl's commands that use process groups and names
 * (docs/GROUPS.md): ps @* (every node that answers the kernel-server group), group send,
 * lookup, names, groups. Output as the vsys shell prints it; errors on stderr.
 */
#include <stdio.h>
#include <string.h>
#include <v/group.h>
#include <v/name.h>
#include "hv_env.h"
#include "vctl.h"

#define PS_MAX 128
#define NAMES_MAX 64

/* One node's part of ps @*: its lines (JSON: an element of "nodes"). 0 or the error. */
static int ps_node(uint32_t node)
{
    static struct v_proc_info tab[PS_MAX];
    v_pid_t ks = v_pid_make(v_lhost_make(node, 0), V_LOCAL_KERNEL_SERVER);
    uint32_t total, n, i;
    int rc = v_ks_process_list(ks, tab, PS_MAX, &total, &n);

    if (vctl_json) {
        jw_obj(NULL);
        jw_uint("node", node);
        jw_hex("ks", ks, 8);
        if (rc < 0) {
            jw_error(rc, v_strerror(rc));
        } else {
            jw_uint("total", total);
            jw_arr("processes");
            for (i = 0; i < n && i < PS_MAX; i++)
                vctl_ps_json(&tab[i]);
            jw_end();
        }
        jw_end();
        return rc < 0 ? rc : 0;
    }
    if (rc < 0) {
        printf("node %u: error: %s\n", node, v_strerror(rc));
        return rc;
    }
    for (i = 0; i < n && i < PS_MAX; i++) {
        printf("%4u ", node);
        vctl_ps_line(&tab[i]);
    }
    if (total > n)
        printf("%4u (%u more not shown)\n", node, total - n);
    return 0;
}

/* ps @*: the process list of every node, in node order, with a NODE column. A node that
 * answered the group but fails its list is printed as "node N: error: ..." (exit 1). */
int vctl_ps_all(void)
{
    uint32_t bits[8], nodes = 0, bad = 0;
    int rc = v_ks_cluster_nodes(bits, 0), first = 0;

    if (rc < 0) {
        if (vctl_json)
            jw_error(rc, "no kernel server answered");
        else
            fprintf(stderr, "ps: no kernel server answered: %s\n", v_strerror(rc));
        return VCTL_FAIL;
    }
    if (vctl_json)
        jw_arr("nodes");
    else
        printf("%4s %-10s %-10s %-11s %4s %8s %8s %s\n", "NODE", "PID", "TEAM", "STATE",
               "PRIO", "TICKS", "SIZE", "NAME");
    for (uint32_t node = 1; node <= V_NODE_MAX; node++) {
        if (!(bits[node / 32] & (1u << (node % 32))))
            continue;
        nodes++;
        if ((rc = ps_node(node)) < 0 && !bad++)
            first = rc;
    }
    if (!vctl_json) {
        printf("(%u nodes)\n", nodes);
    } else {
        jw_end();
        jw_uint("count", nodes);
        if (bad)
            jw_error(first, "a node failed its process list");
    }
    return bad ? VCTL_FAIL : VCTL_OK;
}

/* A group: a number with the G bit, or ks / pm / name for the well-known services. */
static int group_arg(const char *s, v_pid_t *g)
{
    if (!strcmp(s, "ks"))
        *g = V_GROUP_KERNEL_SERVERS;
    else if (!strcmp(s, "pm"))
        *g = V_GROUP_PROGRAM_MANAGERS;
    else if (!strcmp(s, "name"))
        *g = V_GROUP_NAME_HANDLERS;
    else if (hv_parse_u32(s, g) < 0 || !v_group_is(*g))
        return -1;
    return 0;
}

/* The replies of a group Send whose first reply is in *m: the first, then GetReply's
 * until the window closes (JSON: "replies" and "count"). */
static int group_replies(struct v_msg *m, v_pid_t g, v_pid_t from, int noreply)
{
    uint32_t n = 0;
    int rc = V_OK;

    if (noreply && !vctl_json)
        printf("sent to 0x%08x without reply\n", g);
    if (noreply)
        return VCTL_OK;
    if (vctl_json)
        jw_arr("replies");
    for (; rc == V_OK; rc = v_get_reply(m, V_GROUP_WINDOW_MS, &from), n++) {
        if (vctl_json)
            jw_obj(NULL);
        vctl_reply(m, from);
        if (vctl_json)
            jw_end();
    }
    if (vctl_json) {
        jw_end();
        jw_uint("count", n);
    } else {
        printf("(%u replies)\n", n);
    }
    return VCTL_OK;
}

/* group send [--no-reply] GROUP CODE [W0..W4]: one group Send; every reply (the first,
 * then GetReply's until the window closes), one line each. Exit 1 if none came. */
int vctl_group(int argc, char **argv)
{
    struct v_msg m;
    uint32_t code;
    v_pid_t g, from;
    int rc, a = 2, noreply = 0;

    if (argc > 2 && !strcmp(argv[2], "--no-reply"))
        noreply = a = 3;
    if (argc < a + 2 || argc > a + 7 || strcmp(argv[1], "send") || group_arg(argv[a], &g) < 0 ||
        hv_parse_u32(argv[a + 1], &code) < 0 || code > 0xffff)
        return vctl_usage("group");
    memset(&m, 0, sizeof m);
    m.code = (uint16_t)code;
    m.flags = noreply ? V_MSG_NO_REPLY : 0;
    for (int i = a + 2; i < argc; i++)
        if (hv_parse_u32(argv[i], &m.w[i - a - 2]) < 0)
            return vctl_usage("group");
    if (vctl_json) {
        jw_hex("group", g, 8);
        jw_hex("request_code", code, 4);
        jw_bool("no_reply", noreply);
    }
    if ((rc = v_send_r(&m, g, &from)) < 0) {
        if (vctl_json)
            jw_error(rc, v_strerror(rc));
        else
            fprintf(stderr, "group send: 0x%08x: %s\n", g, v_strerror(rc));
        return VCTL_FAIL;
    }
    return group_replies(&m, g, from, noreply);
}

/* The pid of node N's name handler, which registers itself as [nameN]. */
static int handler_of(uint32_t node, v_pid_t *h)
{
    char name[24];
    struct v_name_entry e;
    int rc;

    snprintf(name, sizeof name, "[name%u]", node);
    if ((rc = v_name_resolve(name, &e, 0, 0)) == V_OK)
        *h = e.server;
    return rc;
}

/* One lookup's result: the text line, or an element of "results". source is the
 * libv's (V_NAME_SRC_*; 0 for a cache hit), rc the error (then e is unset). */
static void lookup_result(const char *name, const struct v_name_entry *e, uint32_t source,
                          int rc, uint32_t us, int no_handler)
{
    const char *src = source ? v_name_source_name(source) : "cache hit";

    if (!vctl_json && rc < 0)
        fprintf(stderr, "lookup: %s: %s%s (%u us)\n", name, v_strerror(rc),
                no_handler ? " (no handler on that node)" : "", us);
    else if (!vctl_json && source == V_NAME_SRC_MULTICAST)   /* say which group was asked */
        printf("%s -> server 0x%08x context %u prefix %s (multicast to group 0x%08x, %u us)\n",
               name, e->server, e->context, e->prefix, v_name_context_group(e->prefix), us);
    else if (!vctl_json)
        printf("%s -> server 0x%08x context %u prefix %s (%s, %u us)\n", name, e->server,
               e->context, e->prefix, src, us);
    if (!vctl_json)
        return;
    jw_obj(NULL);
    jw_str("query", name);
    if (rc < 0) {
        jw_error(rc, v_strerror(rc));
        jw_bool("no_handler", no_handler);
    } else {
        jw_hex("server", e->server, 8);
        jw_uint("context", e->context);
        jw_str("prefix", e->prefix);
        jw_str("source", src);
        if (source == V_NAME_SRC_MULTICAST)
            jw_hex("group", v_name_context_group(e->prefix), 8);
    }
    jw_uint("time_us", us);
    jw_end();
}

/* Resolve one name (at node's handler if node); 0 or the error. */
static int lookup_one(const char *name, uint32_t node)
{
    struct v_name_entry e;
    uint32_t source = V_NAME_SRC_UNICAST;
    v_pid_t h = 0;
    uint64_t t0 = v_time_ns();
    int rc = node ? handler_of(node, &h) : V_OK;

    if (rc == V_OK)
        rc = node ? v_name_resolve_at(h, name, &e, 0) : v_name_resolve(name, &e, 0, &source);
    uint32_t us = (uint32_t)((v_time_ns() - t0) / 1000);
    if (rc == V_OK && !source)          /* a hit: say so, and whether it was configured */
        source = e.source == V_NAME_SRC_STATIC ? V_NAME_SRC_STATIC : 0;
    lookup_result(name, &e, source, rc, us, rc < 0 && node && !h);
    return rc;
}

/* lookup [--at N] NAME...: resolve each name in turn (so a name given twice is a cache
 * hit the second time), by multicast to the name's context group on a miss, or by
 * asking node N's handler. Exit 1 if any failed. */
int vctl_lookup(int argc, char **argv)
{
    uint32_t node = 0;
    int a = 1, bad = 0, rc, last = 0;

    if (argc > 2 && !strcmp(argv[1], "--at")) {
        if (hv_parse_node(argv[2], &node) < 0 || !node)
            return vctl_usage("lookup");
        a = 3;
    }
    if (a >= argc)
        return vctl_usage("lookup");
    if (vctl_json) {
        if (node)
            jw_uint("at", node);
        else
            jw_null("at");
        jw_arr("results");
    }
    for (; a < argc; a++)
        if ((rc = lookup_one(argv[a], node)) < 0) {
            bad++;
            last = rc;
        }
    if (vctl_json) {
        jw_end();
        if (bad)
            jw_error(last, "a name was not resolved");
    }
    return bad ? VCTL_FAIL : VCTL_OK;
}

/* names: this process's cache (V_NAMES), as text or as "entries". */
static int names_cache(void)
{
    static struct v_name_entry all[NAMES_MAX];
    uint32_t n = v_name_cache_list(v_name_cache_self(), all, NAMES_MAX), i;

    if (vctl_json) {
        jw_null("node");
        jw_arr("entries");
        for (i = 0; i < n && i < NAMES_MAX; i++) {
            jw_obj(NULL);
            jw_str("prefix", all[i].prefix);
            jw_hex("server", all[i].server, 8);
            jw_uint("context", all[i].context);
            jw_str("source", v_name_source_name(all[i].source));
            jw_end();
        }
        jw_end();
        jw_uint("total", n);
        return VCTL_OK;
    }
    printf("%-24s %-10s %7s %s\n", "PREFIX", "SERVER", "CONTEXT", "SOURCE");
    for (i = 0; i < n && i < NAMES_MAX; i++)
        printf("%-24s 0x%08x %7u %s\n", all[i].prefix, all[i].server, all[i].context,
               v_name_source_name(all[i].source));
    printf("(%u entries)\n", n);
    return VCTL_OK;
}

static void names_json(const struct v_name_record *recs, uint32_t n, uint32_t total)
{
    jw_arr("entries");
    for (uint32_t i = 0; i < n && i < NAMES_MAX; i++) {
        jw_obj(NULL);
        jw_strn("prefix", recs[i].prefix, V_NAME_PREFIX_MAX);
        jw_hex("server", recs[i].server, 8);
        jw_uint("context", recs[i].context);
        jw_uint("hits", recs[i].hits);
        jw_uint("age_ms", recs[i].age_ms);
        jw_end();
    }
    jw_end();
    jw_uint("total", total);
}

/* A command about node N failed with rc. */
static int node_fail(const char *cmd, uint32_t node, int rc)
{
    if (vctl_json)
        jw_error(rc, v_strerror(rc));
    else
        fprintf(stderr, "%s: node %u: %s\n", cmd, node, v_strerror(rc));
    return VCTL_FAIL;
}

/* names: this process's cache (V_NAMES); names @N: node N's registrations (NAME_LIST). */
int vctl_names(int argc, char **argv)
{
    static struct v_name_record recs[NAMES_MAX];
    uint32_t node;
    v_pid_t h;
    int rc;

    if (argc == 1)
        return names_cache();
    if (argc != 2 || hv_parse_node(argv[1], &node) < 0 || !node)
        return vctl_usage("names");
    if (vctl_json)
        jw_uint("node", node);
    struct v_msg m = { .code = NAME_LIST };
    v_msg_grant(&m, V_MSG_SEG_WRITE, recs, sizeof recs);
    if ((rc = handler_of(node, &h)) == V_OK)
        rc = v_call(h, &m);
    if (rc < 0)
        return node_fail("names", node, rc);
    if (vctl_json) {
        names_json(recs, m.w[1], m.w[0]);
        return VCTL_OK;
    }
    printf("%-24s %-10s %7s %5s %8s\n", "PREFIX", "SERVER", "CONTEXT", "HITS", "AGE(ms)");
    for (uint32_t i = 0; i < m.w[1] && i < NAMES_MAX; i++) {
        recs[i].prefix[V_NAME_PREFIX_MAX] = 0;
        printf("%-24s 0x%08x %7u %5u %8u\n", recs[i].prefix, recs[i].server,
               recs[i].context, recs[i].hits, recs[i].age_ms);
    }
    printf("(%u registrations on node %u)\n", m.w[0], node);
    return VCTL_OK;
}

/* One membership of groups @N: its line, or an element of "memberships". */
static void group_line(const struct v_group_info *r)
{
    uint32_t a = v_group_mcast_addr(r->group);

    if (vctl_json) {
        jw_obj(NULL);
        jw_hex("group", r->group, 8);
        jw_hex("member", r->member, 8);
        jw_ipv4("address", a);
        jw_end();
        return;
    }
    printf("0x%08x 0x%08x %u.%u.%u.%u\n", r->group, r->member, a >> 24, (a >> 16) & 255,
           (a >> 8) & 255, a & 255);
}

/* groups @N: node N's group memberships (KS_GROUP_LIST), with each group's address. */
int vctl_groups(int argc, char **argv)
{
    static struct v_group_info recs[64];
    uint32_t node, i;
    int rc;

    if (argc != 2 || hv_parse_node(argv[1], &node) < 0 || !node)
        return vctl_usage("groups");
    if (vctl_json)
        jw_uint("node", node);
    struct v_msg m = { .code = KS_GROUP_LIST };
    v_msg_grant(&m, V_MSG_SEG_WRITE, recs, sizeof recs);
    rc = v_call(v_pid_make(v_lhost_make(node, 0), V_LOCAL_KERNEL_SERVER), &m);
    if (rc < 0)
        return node_fail("groups", node, rc);
    if (vctl_json)
        jw_arr("memberships");
    else
        printf("%-10s %-10s %s\n", "GROUP", "MEMBER", "ADDRESS");
    for (i = 0; i < m.w[1] && i < 64; i++)
        group_line(&recs[i]);
    if (vctl_json) {
        jw_end();
        jw_uint("total", m.w[0]);
    } else {
        printf("(%u memberships on node %u)\n", m.w[0], node);
    }
    return VCTL_OK;
}
