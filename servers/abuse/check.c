/*
 * check.c - what the abuse program checks after its calls: that a node holds what it held
 * before (free pages, teams, process slots, group memberships, name registrations), and
 * that its servers answer, locally and across the network.
 */
#include "abuse.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <v/group.h>
#include <v/ksrv.h>
#include <v/name.h>
#include <v/pm.h>

uint32_t ab_passed, ab_failed;

void ab_check(const char *name, int ok, const char *fmt, ...)
{
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    printf("%s abuse/%s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ", ok ? "" : why);
    if (ok)
        ab_passed++;
    else
        ab_failed++;
    printf("  %s\n", why);
}

/* The root pid of the team named `name` on kernel server ks's node, or 0. */
v_pid_t ab_find(v_pid_t ks, const char *name)
{
    static struct v_proc_info recs[20];
    for (uint32_t first = 0;;) {
        struct v_msg m = { .code = KS_PROCESS_LIST, .flags = V_MSG_SEG_WRITE,
                           .seg_ptr = (uint32_t)recs, .seg_len = sizeof(recs), .w = { first } };
        if (v_call(ks, &m) < 0)
            return 0;
        for (uint32_t i = 0; i < m.w[1]; i++)
            if (!strcmp(recs[i].name, name) && recs[i].pid == recs[i].team)
                return recs[i].pid;
        first += m.w[1];
        if (!m.w[1] || first >= m.w[0])
            return 0;
    }
}

/* What the node of kernel server ks holds now; name: its name handler (0: not counted). */
int ab_census(v_pid_t ks, v_pid_t name, struct ab_census *c)
{
    struct v_msg m = { .code = KS_MEMORY_STATS };
    int rc;
    memset(c, 0, sizeof *c);
    if ((rc = v_call(ks, &m)) < 0)
        return rc;
    c->free_pages = m.w[1];
    memset(&m, 0, sizeof m);
    m.code = KS_LIMITS;
    if ((rc = v_call(ks, &m)) < 0)
        return rc;
    c->procs = m.w[0];
    c->teams = m.w[1];
    c->memberships = m.w[2];
    if (!name)
        return V_OK;
    memset(&m, 0, sizeof m);
    m.code = NAME_LIST;
    m.flags = V_MSG_SEG_WRITE;   /* an empty grant: only the total comes back */
    m.seg_ptr = (uint32_t)(uintptr_t)c;
    if ((rc = v_call(name, &m)) < 0)
        return rc;
    c->names = m.w[0];
    return V_OK;
}

int ab_alive(v_pid_t pid)   /* a kernel's own servers are no processes, yet live */
{
    if (v_pid_local(pid) == V_LOCAL_KERNEL_SERVER || v_pid_local(pid) == V_LOCAL_DEVICE_SERVER)
        return 1;
    struct v_msg m = { .code = KS_PROCESS_INFO, .w = { pid } };
    return v_call(v_kernel_server_of(pid), &m) == V_OK;
}

static int same(const struct ab_census *a, const struct ab_census *b)
{
    return a->free_pages == b->free_pages && a->teams == b->teams && a->procs == b->procs &&
           a->memberships == b->memberships && a->names == b->names;
}

/* Wait up to ms for the node to hold what `want` says; returns the time it took (ms
 * when it never did). *got is the last census. */
uint32_t ab_census_settle(const struct ab_census *want, v_pid_t ks, v_pid_t name,
                          struct ab_census *got, uint32_t ms)
{
    uint64_t t0 = v_time_ns();
    uint32_t waited;
    for (;;) {
        waited = (uint32_t)((v_time_ns() - t0) / 1000000u);
        if (ab_census(ks, name, got) == V_OK && same(want, got))
            return waited;
        if (waited >= ms)
            return ms;
        v_delay(200);
    }
}

/* Print what a node holds that a census counts: its group memberships and, if name is
 * given, its name handler's registrations, each with whether its process still lives. */
void ab_census_show(v_pid_t ks, v_pid_t name)
{
    static struct v_group_info g[32];
    static struct v_name_record n[16];
    struct v_msg m = { .code = KS_GROUP_LIST, .flags = V_MSG_SEG_WRITE,
                       .seg_ptr = (uint32_t)(uintptr_t)g, .seg_len = sizeof g };
    if (v_call(ks, &m) == V_OK)
        for (uint32_t i = 0; i < m.w[1]; i++)
            printf("  membership: group 0x%08x member 0x%08x%s\n", g[i].group, g[i].member,
                   ab_alive(g[i].member) ? "" : " (no such process)");
    if (!name)
        return;
    memset(&m, 0, sizeof m);
    m.code = NAME_LIST;
    m.flags = V_MSG_SEG_WRITE;
    m.seg_ptr = (uint32_t)(uintptr_t)n;
    m.seg_len = sizeof n;
    if (v_call(name, &m) == V_OK)
        for (uint32_t i = 0; i < m.w[1]; i++)
            printf("  name: %s server 0x%08x%s\n", n[i].prefix, n[i].server,
                   ab_alive(n[i].server) ? "" : " (no such process)");
}

/* Run "hello" through program manager pm (of any node) and wait for it: status 0. */
static int run_hello(v_pid_t pm, int *status)
{
    static char line[] = "hello";
    struct v_msg m = { .code = PM_RUN, .flags = V_MSG_SEG_READ,
                       .seg_ptr = (uint32_t)(uintptr_t)line, .seg_len = sizeof line };
    int rc;
    if ((rc = v_call(pm, &m)) < 0)
        return rc;
    v_pid_t pid = m.w[0];
    memset(&m, 0, sizeof m);
    m.code = PM_WAIT;
    m.w[0] = pid;
    if ((rc = v_call(pm, &m)) < 0)
        return rc;
    *status = (int)m.w[0];
    return V_OK;
}

/* The node's servers answer, here and across the network. */
void ab_services(void)
{
    struct v_node_info ni;
    int rc, st = -1;
    uint32_t bits[8] = { 0 };

    rc = v_ks_node_info(ab.ks, &ni, 0, 0);
    ab_check("kernel_server_answers", rc == V_OK, "KS_NODE_INFO: %s", v_strerror(rc));
    rc = run_hello(ab.pm, &st);
    ab_check("program_manager_runs_a_program", rc == V_OK && st == 0,
             "PM_RUN hello, PM_WAIT: %s, status %d", v_strerror(rc), st);
    struct v_msg m = { .code = NAME_LOOKUP, .flags = V_MSG_SEG_READ,
                       .seg_ptr = (uint32_t)(uintptr_t)"[pm1]", .seg_len = 6 };
    rc = v_call(ab.name, &m);
    ab_check("name_handler_resolves", rc == V_OK && m.w[0] == ab.pm,
             "NAME_LOOKUP [pm1]: %s, server 0x%08x (pm 0x%08x)", v_strerror(rc), m.w[0], ab.pm);
    if (!ab.rks)
        return;
    rc = v_ks_node_info(ab.rks, &ni, 0, 0);
    ab_check("remote_kernel_server_answers", rc == V_OK && ni.lhost == v_pid_lhost(ab.rks),
             "KS_NODE_INFO to 0x%08x: %s", ab.rks, v_strerror(rc));
    st = -1;
    rc = run_hello(ab.rpm, &st);
    ab_check("remote_program_manager_runs_a_program", rc == V_OK && st == 0,
             "PM_RUN hello on 0x%08x, PM_WAIT: %s, status %d", ab.rpm, v_strerror(rc), st);
    rc = v_ks_cluster_nodes(bits, 0);
    uint32_t me = v_lhost_home_node(v_pid_lhost(ab.ks)),
             it = v_lhost_home_node(v_pid_lhost(ab.rks));
    ab_check("group_send_reaches_both_nodes",
             rc == V_OK && (bits[me / 32] >> (me % 32) & 1) && (bits[it / 32] >> (it % 32) & 1),
             "KS_NODE_INFO to every kernel server: %s, node %u %s, node %u %s",
             v_strerror(rc), me, bits[me / 32] >> (me % 32) & 1 ? "answered" : "did not",
             it, bits[it / 32] >> (it % 32) & 1 ? "answered" : "did not");
}
