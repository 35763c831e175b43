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

/* ps @*: the process list of every node, in node order, with a NODE column. A node that
 * answered the group but fails its list is printed as "node N: error: ..." (exit 1). */
int vctl_ps_all(void)
{
    static struct v_proc_info tab[PS_MAX];
    uint32_t bits[8], total, n, nodes = 0;
    int rc = v_ks_cluster_nodes(bits, 0), bad = 0;

    if (rc < 0) {
        fprintf(stderr, "ps: no kernel server answered: %s\n", v_strerror(rc));
        return VCTL_FAIL;
    }
    printf("%4s %-10s %-10s %-11s %4s %8s %8s %s\n", "NODE", "PID", "TEAM", "STATE", "PRIO",
           "TICKS", "SIZE", "NAME");
    for (uint32_t node = 1; node <= V_NODE_MAX; node++) {
        if (!(bits[node / 32] & (1u << (node % 32))))
            continue;
        nodes++;
        v_pid_t ks = v_pid_make(v_lhost_make(node, 0), V_LOCAL_KERNEL_SERVER);
        if ((rc = v_ks_process_list(ks, tab, PS_MAX, &total, &n)) < 0) {
            printf("node %u: error: %s\n", node, v_strerror(rc));
            bad++;
            continue;
        }
        for (uint32_t i = 0; i < n && i < PS_MAX; i++) {
            printf("%4u ", node);
            vctl_ps_line(&tab[i]);
        }
        if (total > n)
            printf("%4u (%u more not shown)\n", node, total - n);
    }
    printf("(%u nodes)\n", nodes);
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

static void reply_line(const struct v_msg *m, v_pid_t from)
{
    int code = v_msg_reply_code(m);

    printf("reply %d (%s) from 0x%08x: 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x\n", code,
           code <= 0 ? v_strerror(code) : "not an error code", from, m->w[0], m->w[1],
           m->w[2], m->w[3], m->w[4]);
}

/* group send [--no-reply] GROUP CODE [W0..W4]: one group Send; every reply (the first,
 * then GetReply's until the window closes), one line each. Exit 1 if none came. */
int vctl_group(int argc, char **argv)
{
    struct v_msg m;
    uint32_t code, n = 0;
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
    if ((rc = v_send_r(&m, g, &from)) < 0) {
        fprintf(stderr, "group send: 0x%08x: %s\n", g, v_strerror(rc));
        return VCTL_FAIL;
    }
    if (noreply) {
        printf("sent to 0x%08x without reply\n", g);
        return VCTL_OK;
    }
    for (; rc == V_OK; rc = v_get_reply(&m, V_GROUP_WINDOW_MS, &from), n++)
        reply_line(&m, from);
    printf("(%u replies)\n", n);
    return VCTL_OK;
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

/* lookup [--at N] NAME...: resolve each name in turn (so a name given twice is a cache
 * hit the second time), by multicast to the name's context group on a miss, or by
 * asking node N's handler. Exit 1
 * if any failed. */
int vctl_lookup(int argc, char **argv)
{
    uint32_t node = 0;
    int a = 1, bad = 0;

    if (argc > 2 && !strcmp(argv[1], "--at")) {
        if (hv_parse_node(argv[2], &node) < 0 || !node)
            return vctl_usage("lookup");
        a = 3;
    }
    if (a >= argc)
        return vctl_usage("lookup");
    for (; a < argc; a++) {
        struct v_name_entry e;
        uint32_t source = V_NAME_SRC_UNICAST;
        v_pid_t h = 0;
        uint64_t t0 = v_time_ns();
        int rc = node ? handler_of(node, &h) : V_OK;
        if (rc == V_OK)
            rc = node ? v_name_resolve_at(h, argv[a], &e, 0)
                      : v_name_resolve(argv[a], &e, 0, &source);
        uint32_t us = (uint32_t)((v_time_ns() - t0) / 1000);
        if (rc < 0) {
            fprintf(stderr, "lookup: %s: %s%s (%u us)\n", argv[a], v_strerror(rc),
                    node && !h ? " (no handler on that node)" : "", us);
            bad++;
            continue;
        }
        if (!source)                     /* a hit: say so, and whether it was configured */
            source = e.source == V_NAME_SRC_STATIC ? V_NAME_SRC_STATIC : 0;
        if (source == V_NAME_SRC_MULTICAST)  /* say which group was asked */
            printf("%s -> server 0x%08x context %u prefix %s (multicast to group 0x%08x, %u us)\n",
                   argv[a], e.server, e.context, e.prefix, v_name_context_group(e.prefix), us);
        else
            printf("%s -> server 0x%08x context %u prefix %s (%s, %u us)\n", argv[a], e.server,
                   e.context, e.prefix, source ? v_name_source_name(source) : "cache hit", us);
    }
    return bad ? VCTL_FAIL : VCTL_OK;
}

/* names: this process's cache (V_NAMES); names @N: node N's registrations (NAME_LIST). */
int vctl_names(int argc, char **argv)
{
    static struct v_name_record recs[NAMES_MAX];
    static struct v_name_entry all[NAMES_MAX];
    uint32_t node;
    v_pid_t h;
    int rc;

    if (argc == 1) {
        uint32_t n = v_name_cache_list(v_name_cache_self(), all, NAMES_MAX);
        printf("%-24s %-10s %7s %s\n", "PREFIX", "SERVER", "CONTEXT", "SOURCE");
        for (uint32_t i = 0; i < n && i < NAMES_MAX; i++)
            printf("%-24s 0x%08x %7u %s\n", all[i].prefix, all[i].server, all[i].context,
                   v_name_source_name(all[i].source));
        printf("(%u entries)\n", n);
        return VCTL_OK;
    }
    if (argc != 2 || hv_parse_node(argv[1], &node) < 0 || !node)
        return vctl_usage("names");
    struct v_msg m = { .code = NAME_LIST };
    v_msg_grant(&m, V_MSG_SEG_WRITE, recs, sizeof recs);
    if ((rc = handler_of(node, &h)) == V_OK)
        rc = v_call(h, &m);
    if (rc < 0) {
        fprintf(stderr, "names: node %u: %s\n", node, v_strerror(rc));
        return VCTL_FAIL;
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

/* groups @N: node N's group memberships (KS_GROUP_LIST), with each group's address. */
int vctl_groups(int argc, char **argv)
{
    static struct v_group_info recs[64];
    uint32_t node;
    int rc;

    if (argc != 2 || hv_parse_node(argv[1], &node) < 0 || !node)
        return vctl_usage("groups");
    struct v_msg m = { .code = KS_GROUP_LIST };
    v_msg_grant(&m, V_MSG_SEG_WRITE, recs, sizeof recs);
    rc = v_call(v_pid_make(v_lhost_make(node, 0), V_LOCAL_KERNEL_SERVER), &m);
    if (rc < 0) {
        fprintf(stderr, "groups: node %u: %s\n", node, v_strerror(rc));
        return VCTL_FAIL;
    }
    printf("%-10s %-10s %s\n", "GROUP", "MEMBER", "ADDRESS");
    for (uint32_t i = 0; i < m.w[1] && i < 64; i++) {
        uint32_t a = v_group_mcast_addr(recs[i].group);
        printf("0x%08x 0x%08x %u.%u.%u.%u\n", recs[i].group, recs[i].member, a >> 24,
               (a >> 16) & 255, (a >> 8) & 255, a & 255);
    }
    printf("(%u memberships on node %u)\n", m.w[0], node);
    return VCTL_OK;
}
