/*
 * tools/vctl/cmds.c - vctl's commands. Each is one or a few Sends to a node's kernel
 * server (v/ksrv.h) through libv/kclient.c's stubs, printed as the vsys shell prints
 * them. Results go to stdout, errors to stderr.
 */
#include <stdio.h>
#include <string.h>
#include "hv_env.h"
#include "proto_codec.h"
#include "vctl.h"

#define PS_MAX 128

/* "@N" (or "N") as the only argument: node N's kernel server. */
static int node_arg(int argc, char **argv, uint32_t *node, v_pid_t *ks)
{
    if (argc != 2 || hv_parse_node(argv[1], node) < 0 || *node == 0)
        return -1;
    *ks = v_pid_make(v_lhost_make(*node, 0), V_LOCAL_KERNEL_SERVER);
    return 0;
}

static int fail(const char *cmd, v_pid_t to, int rc)
{
    fprintf(stderr, "%s: 0x%08x: %s\n", cmd, to, v_strerror(rc));
    return VCTL_FAIL;
}

/* A request without arguments to ks; the reply in *m. */
static int ask(v_pid_t ks, uint16_t code, struct v_msg *m)
{
    memset(m, 0, sizeof *m);
    m->code = code;
    return v_call(ks, m);
}

/* The ps line of one process record. */
void vctl_ps_line(const struct v_proc_info *p)
{
    char name[V_NAME_LEN + 1];

    memcpy(name, p->name, V_NAME_LEN);
    name[V_NAME_LEN] = 0;
    printf("0x%08x 0x%08x %-11s %4u %8u %7uK %s\n", p->pid, p->team, v_proc_state_name(p->state),
           p->priority, p->ticks, p->team_size / 1024, name);
}

static void ps_header(void)
{
    printf("%-10s %-10s %-11s %4s %8s %8s %s\n", "PID", "TEAM", "STATE", "PRIO", "TICKS",
           "SIZE", "NAME");
}

int vctl_ps(int argc, char **argv)
{
    static struct v_proc_info tab[PS_MAX];
    uint32_t node, total, n;
    v_pid_t ks;
    int rc;

    if (argc == 2 && !strcmp(argv[1], "@*"))
        return vctl_ps_all();           /* groups.c */
    if (node_arg(argc, argv, &node, &ks) < 0)
        return vctl_usage("ps");
    if ((rc = v_ks_process_list(ks, tab, PS_MAX, &total, &n)) < 0)
        return fail("ps", ks, rc);
    ps_header();
    for (uint32_t i = 0; i < n && i < PS_MAX; i++)
        vctl_ps_line(&tab[i]);
    if (total > n)
        printf("(%u more not shown)\n", total - n);
    return VCTL_OK;
}

/* proc PID: one process, asked of the kernel server of its own logical host. */
int vctl_proc(int argc, char **argv)
{
    struct v_proc_info p;
    uint32_t pid;
    int rc;

    if (argc != 2 || hv_parse_u32(argv[1], &pid) < 0 || !pid)
        return vctl_usage("proc");
    if ((rc = v_ks_process_info(v_kernel_server_of(pid), pid, &p)) < 0)
        return fail("proc", pid, rc);
    ps_header();
    vctl_ps_line(&p);
    return VCTL_OK;
}

int vctl_mem(int argc, char **argv)
{
    struct v_msg m;
    uint32_t node, kib;
    v_pid_t ks;
    int rc;

    if (node_arg(argc, argv, &node, &ks) < 0)
        return vctl_usage("mem");
    if ((rc = ask(ks, KS_MEMORY_STATS, &m)) < 0)
        return fail("mem", ks, rc);
    kib = m.w[2] / 1024;
    printf("total %u KiB, free %u KiB, used by teams %u KiB (%u teams), page %u bytes\n",
           m.w[0] * kib, m.w[1] * kib, m.w[3] * kib, m.w[4], m.w[2]);
    struct v_limits l;
    memset(&m, 0, sizeof m);
    m.code = KS_LIMITS;
    v_msg_grant(&m, V_MSG_SEG_WRITE, &l, sizeof l);
    if (v_call(ks, &m) == V_OK)
        printf("tables: processes %u of %u (%u a team), teams %u of %u (%u made by one team), group memberships %u of %u (%u a team); one node's aliens at most %u; unread group messages at most %u a team\n",
           l.procs_used, l.procs, l.team_procs, l.teams_used, l.teams, l.team_teams,
           l.groups_used, l.groups, l.team_groups, l.node_aliens, l.team_proxies);
    return VCTL_OK;
}

/* The address is in host byte order, as everywhere in the protocol (net/net.h). */
int vctl_info(int argc, char **argv)
{
    static char cmdline[512];
    struct v_node_info ni;
    uint32_t node;
    v_pid_t ks;
    int rc;

    if (node_arg(argc, argv, &node, &ks) < 0)
        return vctl_usage("info");
    if ((rc = v_ks_node_info(ks, &ni, cmdline, sizeof cmdline)) < 0)
        return fail("info", ks, rc);
    printf("node %u, logical host 0x%04x, ip %u.%u.%u.%u, up %u ms%s\n", ni.node, ni.lhost,
           ni.ipv4 >> 24, ni.ipv4 >> 16 & 0xff, ni.ipv4 >> 8 & 0xff, ni.ipv4 & 0xff,
           ni.uptime_ms, ni.test_mode ? ", test mode" : "");
    printf("kernel server 0x%08x, device server 0x%08x\n", ks, v_device_server_of(ks));
    printf("cmdline: %s\n", cmdline);
    return VCTL_OK;
}

int vctl_stats(int argc, char **argv)
{
    struct v_msg m;
    uint32_t node;
    v_pid_t ks;
    int rc;

    if (node_arg(argc, argv, &node, &ks) < 0)
        return vctl_usage("stats");
    if ((rc = ask(ks, KS_STATS, &m)) < 0)
        return fail("stats", ks, rc);
    printf("ipc sends %u, context switches %u, exceptions %u, syscall errors %u, "
           "timer ticks %u\n", m.w[0], m.w[1], m.w[2], m.w[3], m.w[4]);
    return VCTL_OK;
}

/* The kernel's protocol counters (KS_NET_STATS, the whole struct v_net_stats). */
int vctl_net(int argc, char **argv)
{
    struct v_net_stats st;
    struct v_msg m;
    uint32_t node, bad = 0;
    v_pid_t ks;
    int rc;

    if (node_arg(argc, argv, &node, &ks) < 0)
        return vctl_usage("net");
    memset(&st, 0, sizeof st);
    memset(&m, 0, sizeof m);
    m.code = KS_NET_STATS;
    v_msg_grant(&m, V_MSG_SEG_WRITE, &st, sizeof st);
    if ((rc = v_call(ks, &m)) < 0)
        return fail("net", ks, rc);
    printf("packets in %u, out %u; retransmissions %u, duplicates answered %u, stale %u, "
           "given up %u, nacks %u, remote clients %u, moves %u\n"
           "frames sent from process pages in place %u, pages held for the NIC %u\nmalformed:",
           st.rx, st.tx, st.retransmits, st.duplicates, st.stale, st.give_ups, st.nacks_sent,
           st.aliens, st.moves, st.tx_inplace, st.pages_held);
    for (int i = 1; i < VPD_COUNT; i++)
        if (st.malformed[i]) {
            printf(" %s %u", vp_drop_name(i), st.malformed[i]);
            bad += st.malformed[i];
        }
    printf("%s\n", bad ? "" : " none");
    return VCTL_OK;
}

/* ping N [-c COUNT]: COUNT KS_GET_TIME round trips, 200 ms apart; stops at the first
 * failure. Exit 0 only if every one was answered. */
int vctl_ping(int argc, char **argv)
{
    uint32_t node, count = 4, i, ok = 0;
    uint64_t min = UINT64_MAX, max = 0, sum = 0;
    v_pid_t ks;
    int rc = 0;

    if (argc == 4 && !strcmp(argv[2], "-c") && hv_parse_u32(argv[3], &count) == 0 && count)
        argc = 2;
    if (node_arg(argc, argv, &node, &ks) < 0)
        return vctl_usage("ping");
    printf("PING node %u (kernel server 0x%08x)\n", node, ks);
    for (i = 0; i < count; i++) {
        uint64_t mono, t0, dt;
        if (i)
            v_delay(200);
        t0 = v_time_ns();
        if ((rc = v_ks_get_time(ks, &mono, 0)) < 0)
            break;
        dt = v_time_ns() - t0;
        ok++;
        sum += dt;
        min = dt < min ? dt : min;
        max = dt > max ? dt : max;
        printf("reply from 0x%08x: seq=%u time=%.3f ms\n", ks, i + 1, dt / 1e6);
        fflush(stdout);
    }
    if (rc < 0)
        fprintf(stderr, "ping: node %u: %s\n", node, v_strerror(rc));
    printf("--- node %u: %u sent, %u answered", node, i + (rc < 0), ok);
    if (ok)
        printf(", rtt min/avg/max = %.3f/%.3f/%.3f ms", min / 1e6, sum / 1e6 / ok, max / 1e6);
    printf("\n");
    return rc < 0 ? VCTL_FAIL : VCTL_OK;
}

/* send PID CODE [W0..W4]: one raw Send; the reply as it came. A negative reply code
 * (the server's error) exits 1 too. */
int vctl_send(int argc, char **argv)
{
    struct v_msg m;
    uint32_t to, code;
    v_pid_t replier;
    int rc;

    if (argc < 3 || argc > 8 || hv_parse_u32(argv[1], &to) < 0 ||
        hv_parse_u32(argv[2], &code) < 0 || code > 0xffff)
        return vctl_usage("send");
    memset(&m, 0, sizeof m);
    m.code = (uint16_t)code;
    for (int i = 3; i < argc; i++)
        if (hv_parse_u32(argv[i], &m.w[i - 3]) < 0)
            return vctl_usage("send");
    if ((rc = v_send_r(&m, to, &replier)) < 0)
        return fail("send", to, rc);
    rc = v_msg_reply_code(&m);
    printf("reply %d (%s) from 0x%08x: 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x\n", rc,
           rc <= 0 ? v_strerror(rc) : "not an error code", replier, m.w[0], m.w[1],
           m.w[2], m.w[3], m.w[4]);
    return rc < 0 ? VCTL_FAIL : VCTL_OK;
}

int vctl_whoami(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return vctl_usage("whoami");
    printf("pid 0x%08x, logical host 0x%04x, UDP port %u\n", v_my_pid(),
           v_pid_lhost(v_my_pid()), v_host_port());
    return VCTL_OK;
}
