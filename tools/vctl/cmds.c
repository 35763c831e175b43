/*
 * tools/vctl/cmds.c - vctl's commands. Each is one or a few Sends to a node's kernel
 * server (v/ksrv.h) through libv/kclient.c's stubs, printed as the vsys shell prints
 * them: results to stdout, errors to stderr; or, under --json, as members of the one
 * document (docs/HOST.md gives each command's keys).
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

/* A Send to `to` failed with rc: say so (JSON: "to" and the error members). */
static int fail(const char *cmd, v_pid_t to, int rc)
{
    if (vctl_json) {
        jw_hex("to", to, 8);
        jw_error(rc, v_strerror(rc));
    } else {
        fprintf(stderr, "%s: 0x%08x: %s\n", cmd, to, v_strerror(rc));
    }
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

/* One process record as a JSON object (an array element). */
void vctl_ps_json(const struct v_proc_info *p)
{
    jw_obj(NULL);
    jw_hex("pid", p->pid, 8);
    jw_hex("team", p->team, 8);
    jw_str("state", v_proc_state_name(p->state));
    jw_uint("state_code", p->state);
    jw_uint("priority", p->priority);
    jw_hex("blocked_on", p->blocked_on, 8);
    jw_uint("ticks", p->ticks);
    jw_uint("team_size", p->team_size);
    jw_strn("name", p->name, V_NAME_LEN);
    jw_end();
}

static void ps_header(void)
{
    printf("%-10s %-10s %-11s %4s %8s %8s %s\n", "PID", "TEAM", "STATE", "PRIO", "TICKS",
           "SIZE", "NAME");
}

int vctl_ps(int argc, char **argv)
{
    static struct v_proc_info tab[PS_MAX];
    uint32_t node, total, n, i;
    v_pid_t ks;
    int rc;

    if (argc == 2 && !strcmp(argv[1], "@*"))
        return vctl_ps_all();           /* groups.c */
    if (node_arg(argc, argv, &node, &ks) < 0)
        return vctl_usage("ps");
    if (vctl_json)
        jw_uint("node", node);
    if ((rc = v_ks_process_list(ks, tab, PS_MAX, &total, &n)) < 0)
        return fail("ps", ks, rc);
    if (vctl_json) {
        jw_hex("ks", ks, 8);
        jw_uint("total", total);
        jw_arr("processes");
        for (i = 0; i < n && i < PS_MAX; i++)
            vctl_ps_json(&tab[i]);
        jw_end();
        return VCTL_OK;
    }
    ps_header();
    for (i = 0; i < n && i < PS_MAX; i++)
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
    if (vctl_json) {
        jw_arr("processes");            /* as ps's, so that one parser reads both */
        vctl_ps_json(&p);
        jw_end();
        return VCTL_OK;
    }
    ps_header();
    vctl_ps_line(&p);
    return VCTL_OK;
}

/* KS_LIMITS of ks, after mem's first line (JSON: "limits", null if not answered). */
static void mem_limits(v_pid_t ks)
{
    struct v_limits l;
    struct v_msg m = { .code = KS_LIMITS };
    int ok;

    v_msg_grant(&m, V_MSG_SEG_WRITE, &l, sizeof l);
    ok = v_call(ks, &m) == V_OK;
    if (vctl_json && !ok) {
        jw_null("limits");
    } else if (vctl_json) {
        jw_obj("limits");
        jw_uint("procs", l.procs);
        jw_uint("procs_used", l.procs_used);
        jw_uint("team_procs", l.team_procs);
        jw_uint("teams", l.teams);
        jw_uint("teams_used", l.teams_used);
        jw_uint("team_teams", l.team_teams);
        jw_uint("groups", l.groups);
        jw_uint("groups_used", l.groups_used);
        jw_uint("team_groups", l.team_groups);
        jw_uint("node_aliens", l.node_aliens);
        jw_uint("team_proxies", l.team_proxies);
        jw_end();
    } else if (ok) {
        printf("tables: processes %u of %u (%u a team), teams %u of %u (%u made by one team), group memberships %u of %u (%u a team); one node's aliens at most %u; unread group messages at most %u a team\n",
           l.procs_used, l.procs, l.team_procs, l.teams_used, l.teams, l.team_teams,
           l.groups_used, l.groups, l.team_groups, l.node_aliens, l.team_proxies);
    }
}

int vctl_mem(int argc, char **argv)
{
    struct v_msg m;
    uint32_t node, kib;
    v_pid_t ks;
    int rc;

    if (node_arg(argc, argv, &node, &ks) < 0)
        return vctl_usage("mem");
    if (vctl_json)
        jw_uint("node", node);
    if ((rc = ask(ks, KS_MEMORY_STATS, &m)) < 0)
        return fail("mem", ks, rc);
    kib = m.w[2] / 1024;
    if (vctl_json) {
        jw_uint("total_pages", m.w[0]);
        jw_uint("free_pages", m.w[1]);
        jw_uint("page_size", m.w[2]);
        jw_uint("team_pages", m.w[3]);
        jw_uint("teams", m.w[4]);
        jw_uint("total_kib", (uint64_t)m.w[0] * kib);
        jw_uint("free_kib", (uint64_t)m.w[1] * kib);
        jw_uint("team_kib", (uint64_t)m.w[3] * kib);
    } else {
        printf("total %u KiB, free %u KiB, used by teams %u KiB (%u teams), page %u bytes\n",
               m.w[0] * kib, m.w[1] * kib, m.w[3] * kib, m.w[4], m.w[2]);
    }
    mem_limits(ks);
    return VCTL_OK;
}

static void info_json(const struct v_node_info *ni, v_pid_t ks, const char *cmdline)
{
    jw_uint("node", ni->node);
    jw_hex("lhost", ni->lhost, 4);
    jw_ipv4("ip", ni->ipv4);
    jw_uint("uptime_ms", ni->uptime_ms);
    jw_bool("test_mode", ni->test_mode != 0);
    jw_hex("ks", ks, 8);
    jw_hex("device_server", v_device_server_of(ks), 8);
    jw_str("cmdline", cmdline);
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
    if ((rc = v_ks_node_info(ks, &ni, cmdline, sizeof cmdline)) < 0) {
        if (vctl_json)
            jw_uint("node", node);
        return fail("info", ks, rc);
    }
    if (vctl_json) {
        info_json(&ni, ks, cmdline);
        return VCTL_OK;
    }
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
    if (vctl_json)
        jw_uint("node", node);
    if ((rc = ask(ks, KS_STATS, &m)) < 0)
        return fail("stats", ks, rc);
    if (vctl_json) {
        jw_uint("ipc_sends", m.w[0]);
        jw_uint("context_switches", m.w[1]);
        jw_uint("exceptions", m.w[2]);
        jw_uint("syscall_errors", m.w[3]);
        jw_uint("timer_ticks", m.w[4]);
        return VCTL_OK;
    }
    printf("ipc sends %u, context switches %u, exceptions %u, syscall errors %u, "
           "timer ticks %u\n", m.w[0], m.w[1], m.w[2], m.w[3], m.w[4]);
    return VCTL_OK;
}

static void net_json(const struct v_net_stats *st)
{
    jw_uint("rx", st->rx);
    jw_uint("tx", st->tx);
    jw_uint("retransmits", st->retransmits);
    jw_uint("duplicates", st->duplicates);
    jw_uint("stale", st->stale);
    jw_uint("give_ups", st->give_ups);
    jw_uint("nacks_sent", st->nacks_sent);
    jw_uint("aliens", st->aliens);
    jw_uint("moves", st->moves);
    jw_uint("tx_inplace", st->tx_inplace);
    jw_uint("pages_held", st->pages_held);
    jw_obj("malformed");                /* every reason, zero or not */
    for (int i = 1; i < VPD_COUNT; i++)
        jw_uint(vp_drop_name(i), st->malformed[i]);
    jw_end();
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
    if (vctl_json)
        jw_uint("node", node);
    if ((rc = v_call(ks, &m)) < 0)
        return fail("net", ks, rc);
    if (vctl_json) {
        net_json(&st);
        return VCTL_OK;
    }
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

/* ping's summary: JSON members after the "replies" array, or the text's last lines. */
static void ping_end(uint32_t node, uint32_t sent, uint32_t ok, int rc, const uint64_t mm[3])
{
    if (vctl_json) {
        jw_end();                       /* "replies" */
        jw_uint("sent", sent);
        jw_uint("answered", ok);
        if (ok) {
            jw_obj("rtt_ns");
            jw_uint("min", mm[0]);
            jw_uint("avg", mm[2] / ok);
            jw_uint("max", mm[1]);
            jw_end();
        } else {
            jw_null("rtt_ns");
        }
        if (rc < 0)
            jw_error(rc, v_strerror(rc));
        return;
    }
    if (rc < 0)
        fprintf(stderr, "ping: node %u: %s\n", node, v_strerror(rc));
    printf("--- node %u: %u sent, %u answered", node, sent, ok);
    if (ok)
        printf(", rtt min/avg/max = %.3f/%.3f/%.3f ms", mm[0] / 1e6, mm[2] / 1e6 / ok,
               mm[1] / 1e6);
    printf("\n");
}

/* ping N [-c COUNT]: COUNT KS_GET_TIME round trips, 200 ms apart; stops at the first
 * failure. Exit 0 only if every one was answered. */
int vctl_ping(int argc, char **argv)
{
    uint32_t node, count = 4, i, ok = 0;
    uint64_t mm[3] = { UINT64_MAX, 0, 0 };      /* min, max, sum (ns) */
    v_pid_t ks;
    int rc = 0;

    if (argc == 4 && !strcmp(argv[2], "-c") && hv_parse_u32(argv[3], &count) == 0 && count)
        argc = 2;
    if (node_arg(argc, argv, &node, &ks) < 0)
        return vctl_usage("ping");
    if (vctl_json) {
        jw_uint("node", node);
        jw_hex("ks", ks, 8);
        jw_uint("count", count);
        jw_arr("replies");
    } else {
        printf("PING node %u (kernel server 0x%08x)\n", node, ks);
    }
    for (i = 0; i < count; i++) {
        uint64_t mono, t0, dt;
        if (i)
            v_delay(200);
        t0 = v_time_ns();
        if ((rc = v_ks_get_time(ks, &mono, 0)) < 0)
            break;
        dt = v_time_ns() - t0;
        ok++;
        mm[2] += dt;
        mm[0] = dt < mm[0] ? dt : mm[0];
        mm[1] = dt > mm[1] ? dt : mm[1];
        if (vctl_json) {
            jw_obj(NULL);
            jw_uint("seq", i + 1);
            jw_uint("time_ns", dt);
            jw_end();
        } else {
            printf("reply from 0x%08x: seq=%u time=%.3f ms\n", ks, i + 1, dt / 1e6);
            fflush(stdout);
        }
    }
    ping_end(node, i + (rc < 0), ok, rc, mm);
    return rc < 0 ? VCTL_FAIL : VCTL_OK;
}

/* A reply to send or group send: its text line, or (JSON) the members of the current
 * object: reply_code and reply_text, replier, words. */
void vctl_reply(const struct v_msg *m, v_pid_t from)
{
    int code = v_msg_reply_code(m);
    const char *text = code <= 0 ? v_strerror(code) : "not an error code";

    if (!vctl_json) {
        printf("reply %d (%s) from 0x%08x: 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x\n", code, text,
               from, m->w[0], m->w[1], m->w[2], m->w[3], m->w[4]);
        return;
    }
    jw_int("reply_code", code);
    jw_str("reply_text", text);
    jw_hex("replier", from, 8);
    jw_arr("words");
    for (int i = 0; i < 5; i++)
        jw_uint(NULL, m->w[i]);
    jw_end();
    jw_arr("words_hex");
    for (int i = 0; i < 5; i++)
        jw_hexstr(NULL, m->w[i], 8);
    jw_end();
}

/* send PID CODE [W0..W4]: one raw Send; the reply as it came. A negative reply code
 * (the server's error) exits 1 too (JSON: the reply, and that code as the error). */
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
    if (vctl_json)
        jw_hex("request_code", code, 4);
    if ((rc = v_send_r(&m, to, &replier)) < 0)
        return fail("send", to, rc);
    if (vctl_json)
        jw_hex("to", to, 8);
    vctl_reply(&m, replier);
    rc = v_msg_reply_code(&m);
    if (vctl_json && rc < 0)
        jw_error(rc, v_strerror(rc));
    return rc < 0 ? VCTL_FAIL : VCTL_OK;
}

int vctl_whoami(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return vctl_usage("whoami");
    if (vctl_json) {
        jw_hex("pid", v_my_pid(), 8);
        jw_hex("lhost", v_pid_lhost(v_my_pid()), 4);
        jw_uint("port", v_host_port());
        return VCTL_OK;
    }
    printf("pid 0x%08x, logical host 0x%04x, UDP port %u\n", v_my_pid(),
           v_pid_lhost(v_my_pid()), v_host_port());
    return VCTL_OK;
}
