/*
 * servers/shell/cmd_name.c - shell commands about names (docs/GROUPS.md, "Naming"):
 * lookup, names.
 */
#include <stdio.h>
#include <string.h>
#include <v/group.h>
#include <v/kclient.h>
#include <v/name.h>
#include "shell.h"

/* lookup NAME [@NODE]: resolve NAME through this shell's cache (a miss asks the name's
 * context group by one group Send), or ask node NODE's handler directly. Prints the owner,
 * the context, the prefix, where the answer came from and how long it took. */
int cmd_lookup(int argc, char **argv)
{
    struct v_name_entry e;
    uint32_t off = 0, source = 0, node = 0;
    if (argc < 2 || argc > 3)
        return sh_usage("lookup");
    if (argc == 3 && (argv[2][0] != '@' || sh_number(argv[2] + 1, &node) < 0 || !node ||
                      node > V_NODE_MAX))
        return sh_usage("lookup");
    uint64_t t0 = v_time_ns();
    int rc;
    if (node) {
        char h[16];
        snprintf(h, sizeof(h), "[name%u]", node);
        struct v_name_entry he;           /* the handler of node N names itself [nameN] */
        rc = v_name_resolve(h, &he, 0, 0);
        if (!rc)
            rc = v_name_resolve_at(he.server, argv[1], &e, &off);
        source = V_NAME_SRC_UNICAST;
    } else {
        rc = v_name_resolve(argv[1], &e, &off, &source);
    }
    uint32_t us = (uint32_t)((v_time_ns() - t0) / 1000);
    if (rc < 0) {
        printf("lookup: %s: %s (%u us)\n", argv[1], v_strerror(rc), us);
        return -1;
    }
    if (source == V_NAME_SRC_MULTICAST)  /* say which group was asked */
        printf("%s -> server 0x%08x context %u prefix %s (multicast to group 0x%08x, %u us)\n",
               argv[1], e.server, e.context, e.prefix, v_name_context_group(e.prefix), us);
    else
        printf("%s -> server 0x%08x context %u prefix %s (%s, %u us)\n", argv[1], e.server,
               e.context, e.prefix, source ? v_name_source_name(source) : "cache hit", us);
    return 0;
}

/* names: this shell's cache. names @NODE: node NODE's registrations (NAME_LIST). */
int cmd_names(int argc, char **argv)
{
    uint32_t node = 0;
    if (argc > 2 || (argc == 2 && (argv[1][0] != '@' || sh_number(argv[1] + 1, &node) < 0 ||
                                   !node || node > V_NODE_MAX)))
        return sh_usage("names");
    if (!node) {
        static struct v_name_entry all[32];
        struct v_name_cache *c = v_name_cache_self();
        uint32_t n = v_name_cache_list(c, all, 32);
        uint64_t now = v_time_ns();
        printf("%-24s %-10s %7s %-9s %5s %8s\n", "PREFIX", "SERVER", "CONTEXT", "SOURCE",
               "HITS", "AGE(ms)");
        for (uint32_t i = 0; i < n && i < 32; i++)
            printf("%-24s 0x%08x %7u %-9s %5u %8u\n", all[i].prefix, all[i].server,
                   all[i].context, v_name_source_name(all[i].source), all[i].hits,
                   (uint32_t)((now - all[i].learned_ns) / 1000000u));
        printf("(%u entries; %u hits, %u misses; %u dropped on kernel events)\n", n, c->hits,
               c->misses, names_dropped);
        return 0;
    }
    char h[16];
    struct v_name_entry he;
    static struct v_name_record recs[24];
    snprintf(h, sizeof(h), "[name%u]", node);
    int rc = v_name_resolve(h, &he, 0, 0);
    struct v_msg m = { .code = NAME_LIST, .flags = V_MSG_SEG_WRITE,
                       .seg_ptr = (uint32_t)recs, .seg_len = sizeof(recs) };
    if (!rc)
        rc = v_send(&m, he.server);
    if (!rc)
        rc = v_msg_reply_code(&m);
    if (rc < 0) {
        printf("names: node %u: %s\n", node, v_strerror(rc));
        return -1;
    }
    printf("%-24s %-10s %7s %5s %8s\n", "PREFIX", "SERVER", "CONTEXT", "HITS", "AGE(ms)");
    for (uint32_t i = 0; i < m.w[1] && i < 24; i++)
        printf("%-24s 0x%08x %7u %5u %8u\n", recs[i].prefix, recs[i].server, recs[i].context,
               recs[i].hits, recs[i].age_ms);
    printf("(%u registrations on node %u)\n", m.w[0], node);
    return 0;
}
