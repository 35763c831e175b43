/*
 * tests/host/hsrv.c - the host tests' server: a host V process that answers the
 * requests of common.h, or, as "hsrv ks", impersonates a node's kernel server (run it
 * with V_LHOST = node<<7 and V_LOCAL = 1) so that vctl can be tested without QEMU: a
 * fixed 40-process list (process 7's name needs escaping in JSON), node information,
 * memory, limits, three group memberships, counters, time.
 * Prints "hsrv pid 0x... port N" once it listens; ends after LIFETIME seconds (default
 * 60) whatever happens, so a broken test never leaves it behind.
 * As a group member (join=G,...): joins each group G first (~G: another group that
 * shares G's multicast address, so that G's requests reach it and must be dropped);
 * with "decline", it declines every request that comes by the group (V_MSG_NO_REPLY)
 * after counting a T_COUNT.
 * usage: hsrv [ks] [join=G[,~G...]] [decline] [LIFETIME]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <v/group.h>
#include <v/ksrv.h>
#include "common.h"

#define BIG (1u << 20)

static uint8_t big[BIG];
static uint8_t counts[T_COUNT_MAX];
static uint32_t executions, twice;
static uint32_t noreply_refused;   /* Replies to V_MSG_NO_REPLY requests: V_ENOTAWAITING */
static int decline;
static uint32_t events;            /* kernel events heard (T_EVENTS) */
static struct v_msg last_event;

static uint32_t clamp(uint32_t n) { return n < BIG ? n : BIG; }

static void stats(struct v_msg *r)
{
    const struct v_host_stats *st = v_host_stats();

    for (int i = 1; i < VPD_COUNT; i++) {
        r->w[0] += st->drops[i];
        if (st->drops[i])
            r->w[1] |= 1u << i;
    }
    r->w[2] = executions;
    r->w[3] = twice;
    r->w[4] = st->pending_sent + st->cached_resent + st->stale;
}

/* Reply with the segment each byte + 1; an error is the reply code instead. */
static void segecho(v_pid_t from, const struct v_msg *m, uint8_t *seg, uint32_t got)
{
    struct v_msg r = { .code = V_OK };
    int rc;

    r.w[0] = got;
    r.w[1] = t_sum(seg, got);
    for (uint32_t i = 0; i < got; i++)
        seg[i]++;
    if ((rc = v_reply_with_segment(&r, from, m->seg_ptr, seg, got)) < 0) {
        fprintf(stderr, "hsrv: reply_with_segment: %s\n", v_strerror(rc));
        r.code = (uint16_t)rc;
        v_reply(&r, from);
    }
}

static void gstats(struct v_msg *r)
{
    const struct v_host_stats *st = v_host_stats();

    r->w[0] = st->group_requests;
    r->w[1] = st->group_not_member;
    r->w[2] = st->group_declined;
    r->w[3] = st->nacks_sent;
    r->w[4] = noreply_refused;
}

/* T_GSEG: what came of the READ grant, and the two things a group client refuses. */
static void gseg(v_pid_t from, const struct v_msg *m, const uint8_t *seg, uint32_t got,
                 struct v_msg *r)
{
    uint8_t more[16];

    r->w[0] = got;
    r->w[1] = t_sum(seg, got);
    r->w[2] = got ? (uint32_t)v_reply_with_segment(r, from, m->seg_ptr, seg, got) : 0;
    r->w[3] = (uint32_t)v_move_from(from, more, m->seg_ptr + got, sizeof more);
}

static void serve(v_pid_t from, struct v_msg *m, uint8_t *seg, uint32_t got)
{
    struct v_msg r = { .code = V_OK };
    uint32_t len = clamp(m->w[0]);
    int rc;

    switch (m->code) {
    case T_ECHO:
        for (int i = 0; i < 5; i++)
            r.w[i] = m->w[i] ^ T_ECHO_XOR;
        break;
    case T_COUNT:
        if (++counts[m->w[0] % T_COUNT_MAX] > 1)
            twice++;
        executions++;
        r.w[0] = m->w[0];
        r.w[1] = counts[m->w[0] % T_COUNT_MAX];
        break;
    case T_MOVETO:
        t_fill(big, len, m->w[1]);
        r.w[0] = (uint32_t)v_move_to(from, m->seg_ptr, big, len);
        r.w[1] = t_sum(big, len);
        break;
    case T_MOVEFROM:
        memset(big, 0, len);
        r.w[0] = (uint32_t)v_move_from(from, big, m->seg_ptr, len);
        r.w[1] = t_sum(big, len);
        break;
    case T_SEGECHO: segecho(from, m, seg, got); return;
    case T_HANG:    return;
    case T_STATS:   stats(&r); break;
    case T_DELAY:   v_delay(m->w[0]); break;
    case T_GSTATS:  gstats(&r); break;
    case T_JOIN:    r.w[0] = (uint32_t)v_join_group(m->w[0], 0); break;
    case T_LEAVE:
        r.w[0] = (uint32_t)v_leave_group(m->w[0], 0);
        r.w[1] = (uint32_t)v_leave_group(m->w[0], 0);
        break;
    case T_GSEG:    gseg(from, m, seg, got, &r); break;
    case T_TSTATS:
        r.w[0] = v_host_stats()->test_lost;
        r.w[1] = v_host_stats()->test_dups;
        r.w[2] = v_host_stats()->test_missed;
        break;
    case T_EVENTS:
        r.w[0] = events;
        r.w[1] = last_event.code;
        r.w[2] = last_event.w[0];
        r.w[3] = last_event.w[1];
        r.w[4] = last_event.w[2];
        break;
    case T_QUIT:
        v_reply(&r, from);
        v_host_print_stats(stderr);
        exit(0);
    default:
        r.code = (uint16_t)V_EBADCALL;
    }
    if (decline && m->code != T_GSTATS && m->code != T_JOIN && m->code != T_LEAVE &&
        m->code != T_STATS && m->code != T_TSTATS)
        r.flags = V_MSG_NO_REPLY;       /* a declining member: nothing goes back */
    rc = v_reply(&r, from);
    if ((m->flags & V_MSG_NO_REPLY) && rc == V_ENOTAWAITING)
        noreply_refused++;
}

/* Another group whose requests go to the same multicast address as g's. */
static v_pid_t sharing(v_pid_t g)
{
    for (uint32_t lh = 1; lh <= V_PID_LHOST_MASK; lh++)
        for (uint32_t s = 1; s <= V_PID_LOCAL_MASK; s++) {
            v_pid_t h = v_group_make(lh, s);
            if (h != g && v_group_mcast_addr(h) == v_group_mcast_addr(g))
                return h;
        }
    return V_PID_NONE;
}

/* join=G[,~G...]: join each; exits 1 if one fails. */
static void join_all(char *list)
{
    for (char *t = strtok(list, ","); t; t = strtok(0, ",")) {
        v_pid_t g = t[0] == '~' ? sharing(t_num(t + 1)) : t_num(t);
        int rc = v_join_group(g, 0);
        if (rc < 0) {
            fprintf(stderr, "hsrv: join 0x%08x: %s\n", g, v_strerror(rc));
            exit(1);
        }
        fprintf(stderr, "hsrv: joined 0x%08x (address 0x%08x)\n", g, v_group_mcast_addr(g));
    }
}

/* ---- a kernel server, enough for vctl ---- */

#define KS_PROCS 40             /* 1,760 bytes of table: two pages for a remote client */
#define KS_ODD 7                /* the process whose name needs escaping in JSON */
static const char ks_odd_name[] = "odd\"\\\t\x01\xe9\x7f";

static void ks_table(struct v_proc_info *t)
{
    v_pid_t me = v_my_pid();

    for (uint32_t i = 0; i < KS_PROCS; i++) {
        memset(&t[i], 0, sizeof t[i]);
        t[i].pid = v_pid_make(v_pid_lhost(me), 0x0100 + i);
        t[i].team = t[i].pid;
        t[i].state = 1 + i % 6;
        t[i].priority = i % 8;
        t[i].ticks = i * 10;
        t[i].team_size = 1024 * i;
        snprintf(t[i].name, V_NAME_LEN, "fake%u", i);
    }
    memcpy(t[KS_ODD].name, ks_odd_name, sizeof ks_odd_name);
}

/* KS_LIMITS: fixed tables (the used counts also in w0..w2, as the kernel does). */
static int ks_limits(v_pid_t from, const struct v_msg *m)
{
    struct v_limits l = { .procs = 64, .procs_used = 41, .teams = 32, .teams_used = 3,
                          .groups = 128, .groups_used = 3, .team_procs = 16,
                          .team_teams = 8, .team_groups = 12, .node_aliens = 24,
                          .team_proxies = 16 };
    struct v_msg r = { .code = V_OK, .w = { 41, 3, 3 } };

    if (m->flags & V_MSG_SEG_WRITE)
        return v_reply_with_segment(&r, from, m->seg_ptr, &l,
                                    m->seg_len < sizeof l ? m->seg_len : sizeof l);
    return v_reply(&r, from);
}

/* KS_GROUP_LIST: three memberships, the first w0 skipped. */
static int ks_group_list(v_pid_t from, const struct v_msg *m)
{
    v_pid_t me = v_my_pid(), lh = v_pid_lhost(me);
    struct v_group_info g[3] = {
        { V_GROUP_PROGRAM_MANAGERS, v_pid_make(lh, 0x0101) },
        { V_GROUP_NAME_HANDLERS, v_pid_make(lh, 0x0103) },
        { v_group_make(lh, 5), v_pid_make(lh, 0x0104) },
    };
    uint32_t first = m->w[0] < 3 ? m->w[0] : 3, n = 3 - first;
    struct v_msg r = { .code = V_OK, .w = { 3 } };

    if (n > m->seg_len / sizeof g[0])
        n = m->seg_len / sizeof g[0];
    r.w[1] = n;
    return v_reply_with_segment(&r, from, m->seg_ptr, g + first, n * sizeof g[0]);
}

static int ks_net_stats(v_pid_t from, const struct v_msg *m)
{
    struct v_net_stats st = { .rx = 10, .tx = 11, .malformed = { [VPD_MAGIC] = 2 },
                              .retransmits = 3, .duplicates = 4, .stale = 5, .give_ups = 6,
                              .nacks_sent = 7, .aliens = 8, .moves = 9 };
    struct v_msg r = { .code = V_OK, .w = { 10, 2, 3, 4, 6 } };

    if (m->flags & V_MSG_SEG_WRITE)      /* a prefix, as the kernel does */
        return v_reply_with_segment(&r, from, m->seg_ptr, &st,
                                    m->seg_len < sizeof st ? m->seg_len : sizeof st);
    return v_reply(&r, from);
}

/* KS_NODE_INFO: node, logical host, 127.0.0.1, uptime; a command line naming the node. */
static int ks_node_info(v_pid_t from, const struct v_msg *m)
{
    uint32_t node = v_lhost_home_node(v_pid_lhost(v_my_pid())), n;
    struct v_msg r = { .code = V_OK };
    char cmd[64];

    n = (uint32_t)snprintf(cmd, sizeof cmd, "fake kernel server node=%u", node) + 1;
    n = n < m->seg_len ? n : m->seg_len;
    r.w[0] = node;
    r.w[1] = v_pid_lhost(v_my_pid());
    r.w[2] = 0x7f000001u;
    r.w[3] = (uint32_t)(v_time_ns() / 1000000u);
    return v_reply_with_segment(&r, from, m->seg_ptr, cmd, n);
}

/* Table-writing requests reply with the segment, as the kernel does (truncated to it). */
static void ks_serve(v_pid_t from, struct v_msg *m)
{
    static struct v_proc_info tab[KS_PROCS];
    uint32_t n;
    struct v_msg r = { .code = V_OK };
    int rc = V_OK;

    switch (m->code) {
    case KS_PROCESS_INFO:               /* exists? the record comes from the list */
        ks_table(tab);
        n = v_pid_local(m->w[0]) - 0x0100;
        if (v_pid_lhost(m->w[0]) != v_pid_lhost(v_my_pid()) || n >= KS_PROCS)
            r.code = (uint16_t)V_ENOPROC;
        else
            r.w[0] = tab[n].state;
        rc = v_reply(&r, from);
        break;
    case KS_PROCESS_LIST:               /* from record w0, at most 1 KiB: a remote page */
        ks_table(tab);
        n = (m->seg_len < 1024 ? m->seg_len : 1024) / sizeof tab[0];
        if (n > KS_PROCS - (m->w[0] < KS_PROCS ? m->w[0] : KS_PROCS))
            n = KS_PROCS - (m->w[0] < KS_PROCS ? m->w[0] : KS_PROCS);
        r.w[0] = KS_PROCS;
        r.w[1] = n;
        rc = v_reply_with_segment(&r, from, m->seg_ptr, tab + (n ? m->w[0] : 0),
                                  n * sizeof tab[0]);
        break;
    case KS_NET_STATS:
        rc = ks_net_stats(from, m);
        break;
    case KS_LIMITS:
        rc = ks_limits(from, m);
        break;
    case KS_GROUP_LIST:
        rc = ks_group_list(from, m);
        break;
    case KS_NODE_INFO:
        rc = ks_node_info(from, m);
        break;
    case KS_MEMORY_STATS:
        r.w[0] = 32768; r.w[1] = 30000; r.w[2] = 4096; r.w[3] = 100; r.w[4] = 3;
        rc = v_reply(&r, from);
        break;
    case KS_GET_TIME:
        r.w[0] = (uint32_t)v_time_ns();
        r.w[1] = (uint32_t)(v_time_ns() >> 32);
        r.w[2] = 1700000000u;
        rc = v_reply(&r, from);
        break;
    case KS_STATS:
        r.w[0] = 1; r.w[1] = 2; r.w[2] = 3; r.w[3] = 4; r.w[4] = 5;
        rc = v_reply(&r, from);
        break;
    default:
        r.code = (uint16_t)V_EBADCALL;
        rc = v_reply(&r, from);
    }
    if (rc < 0)
        fprintf(stderr, "hsrv ks: reply to 0x%08x: %s\n", from, v_strerror(rc));
}

int main(int argc, char **argv)
{
    static uint8_t seg[T_SEG_MAX];
    int ks = 0, a = 1;
    uint32_t life = 60;
    char *join = 0;
    struct v_msg m;
    v_pid_t from;
    int rc;

    for (; a < argc; a++) {
        if (!strcmp(argv[a], "ks"))
            ks = 1;
        else if (!strncmp(argv[a], "join=", 5))
            join = argv[a] + 5;
        else if (!strcmp(argv[a], "decline"))
            decline = 1;
        else
            life = t_num(argv[a]);
    }
    alarm(life);
    if ((rc = v_host_init()) < 0) {
        fprintf(stderr, "hsrv: %s\n", v_strerror(rc));
        return 1;
    }
    if (join)
        join_all(join);
    printf("hsrv pid 0x%08x port %u\n", v_my_pid(), v_host_port());
    fflush(stdout);
    for (;;) {
        uint32_t got = T_SEG_MAX;
        if (ks)
            rc = v_receive(&m, &from);
        else
            rc = v_receive_with_segment(&m, 0, &from, seg, &got);
        if (rc < 0) {
            fprintf(stderr, "hsrv: receive: %s\n", v_strerror(rc));
            return 1;
        }
        if (m.code >= V_EV_PROCESS_DIED && m.code <= V_EV_LHOST_MOVED &&
            (m.flags & V_MSG_NO_REPLY)) {
            events++;                    /* a kernel event: kept, never answered */
            last_event = m;
        } else if (ks) {
            ks_serve(from, &m);
        } else {
            serve(from, &m, seg, got);
        }
    }
}
