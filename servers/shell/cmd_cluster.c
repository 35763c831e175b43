/*
 * servers/shell/cmd_cluster.c - the shell's view of the cluster: nodes, groups.
 * A watcher thread, started with the shell, joins the kernel-event groups of nodes
 * (V_GROUP_EV_NODE) and of process deaths, records each node's last event (`nodes`
 * shows that next to a fresh group Send to every kernel server), and drops the shell's
 * cached names whose server died or whose node went down (v_name_cache_event).
 */
#include <stdio.h>
#include <string.h>
#include <v/group.h>
#include <v/kclient.h>
#include <v/ksrv.h>
#include <v/name.h>
#include "shell.h"

struct node_seen {
    uint32_t event;             /* V_EV_NODE_UP / V_EV_NODE_DOWN, 0: none */
    uint32_t ipv4, how;         /* how: V_EV_DOWN_* for a down event */
    uint64_t at_ns;
};
static struct node_seen seen[V_NODE_MAX + 1];
uint32_t names_dropped;          /* cache entries dropped on kernel events (names) */

static void watcher(uint32_t unused)
{
    (void)unused;
    if (v_join_group(V_GROUP_EV_NODE, 0) < 0)
        return;
    v_join_group(V_GROUP_EV_PROCESS_DIED, 0);   /* for the name cache */
    for (;;) {
        struct v_msg m;
        v_pid_t from;
        if (v_receive(&m, &from) < 0 || !v_event_from_kernel(from))
            continue;                    /* events need no reply; forged ones are ignored */
        uint32_t dropped = v_name_cache_event(&m);   /* stale names go at once */
        if (dropped)
            names_dropped += dropped;
        if (m.code != V_EV_NODE_UP && m.code != V_EV_NODE_DOWN)
            continue;
        if (m.w[0] == 0 || m.w[0] > V_NODE_MAX)
            continue;
        struct node_seen *s = &seen[m.w[0]];
        s->event = m.code;
        s->ipv4 = m.w[1];
        s->how = m.w[2];
        s->at_ns = v_time_ns();
    }
}

void sh_cluster_start(void)
{
    v_pid_t pid;
    if (v_thread_start(watcher, 0, 4, 4096, &pid) < 0)
        printf("shell: no node watcher: `nodes` shows only who answers now\n");
}

static void ip_text(uint32_t ip, char *buf, uint32_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

/* nodes: every node that answers now, and every node an event told us of. */
int cmd_nodes(int argc, char **argv)
{
    static uint32_t ipv4[V_NODE_MAX + 1];
    uint32_t bits[8], shown = 0;
    (void)argv;
    if (argc != 1)
        return sh_usage("nodes");
    int rc = v_ks_cluster_nodes(bits, ipv4);
    if (rc < 0)
        printf("nodes: the kernel-server group: %s\n", v_strerror(rc));
    uint64_t now = v_time_ns();
    printf("%4s %-15s %-9s %s\n", "NODE", "ADDRESS", "NOW", "LAST EVENT");
    for (uint32_t n = 1; n <= V_NODE_MAX; n++) {
        int up = (bits[n / 32] >> (n % 32)) & 1;
        struct node_seen *s = &seen[n];
        if (!up && !s->event)
            continue;
        char ip[16], ev[48] = "-";
        ip_text(up ? ipv4[n] : s->ipv4, ip, sizeof(ip));
        if (s->event)
            snprintf(ev, sizeof(ev), "%s%s, %u s ago",
                     s->event == V_EV_NODE_UP ? "up" : "down",
                     s->event == V_EV_NODE_UP ? "" : s->how == V_EV_DOWN_HALTED ? " (halted)"
                                                                               : " (silent)",
                     (uint32_t)((now - s->at_ns) / 1000000000u));
        printf("%4u %-15s %-9s %s\n", n, ip, up ? "answers" : "silent", ev);
        shown++;
    }
    printf("(%u nodes)\n", shown);
    return rc < 0 ? -1 : 0;
}

/* groups [@NODE]: the group memberships of this node's processes, or of node NODE's. */
int cmd_groups(int argc, char **argv)
{
    static struct v_group_info recs[64];
    uint32_t node = 0;
    if (argc > 2 || (argc == 2 && (argv[1][0] != '@' || sh_number(argv[1] + 1, &node) < 0 ||
                                   !node || node > V_NODE_MAX)))
        return sh_usage("groups");
    v_pid_t ks = node ? v_pid_make(v_lhost_make(node, 0), V_LOCAL_KERNEL_SERVER) : v_kernel_server();
    struct v_msg m = { .code = KS_GROUP_LIST, .flags = V_MSG_SEG_WRITE,
                       .seg_ptr = (uint32_t)recs, .seg_len = sizeof(recs) };
    int rc = v_send(&m, ks);
    if (!rc)
        rc = v_msg_reply_code(&m);
    if (rc < 0) {
        printf("groups: kernel server 0x%08x: %s\n", ks, v_strerror(rc));
        return -1;
    }
    printf("%-10s %-10s %-15s\n", "GROUP", "MEMBER", "ADDRESS");
    for (uint32_t i = 0; i < m.w[1] && i < 64; i++) {
        char ip[16];
        ip_text(v_group_mcast_addr(recs[i].group), ip, sizeof(ip));
        printf("0x%08x 0x%08x %-15s\n", recs[i].group, recs[i].member, ip);
    }
    printf("(%u memberships)\n", m.w[0]);
    return 0;
}
