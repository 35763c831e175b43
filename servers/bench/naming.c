/*
 * servers/bench/naming.c - the naming and group benchmarks of `make bench-naming`
 * (docs/BENCH.md, "Naming by multicast"). Entry points: bench_naming_main (the client,
 * `bench naming nodes=N ...` on node 1) and bench_member_main (`bench peer slot=S
 * max=M` on the other nodes: a bench peer that is also member S of the bench groups).
 *
 * The client times single operations (v_time_ns around each one) and prints, per
 * figure, the median and the 95th percentile of at least `ops` of them:
 *   rtt      32-byte Send-Receive-Reply to the bench peer on node N (the farthest)
 *   rtt_ks   KS_GET_TIME to node N's kernel server (answered inside its kernel)
 *   unicast  v_name_resolve_at(node N's name handler, "[pmN]"): NAME_LOOKUP to one handler
 *   miss     the cache entry dropped, then v_name_resolve("[pmN]"): one group Send to
 *            the name's context group (v_name_context_group), whose members are the
 *            handlers holding a registration in that slice of the name space: node N's
 *            (and any node whose contexts hash alike, which declines)
 *   miss_all the same lookup sent to every name handler (V_GROUP_NAME_HANDLERS),
 *            answered by node N's, declined by all the others: what a miss would cost
 *            without context groups
 *   hit      v_name_resolve("[pmN]") answered by the cache; this node's datagram counters
 *            (KS_NET_STATS tx, rx) are read before and after the whole block of hits
 *   clock    nothing: the cost of the timing itself (two v_time_ns calls), for scale
 * The first five are interleaved operation by operation, so a change of host load
 * touches all of them alike. With members=M, group Sends of BENCH_ECHO to the groups
 * G_1..G_M (G_m has m members, one `bench peer` each) follow, interleaved over m: the
 * time to the first reply (v_send_r) and to the m-th (v_get_reply).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <v/group.h>
#include <v/kclient.h>
#include <v/name.h>
#include "bench.h"

#define NAMING_OPS_MAX   4000u
#define NAMING_GROUPS    16u      /* groups of 1..16 members */
#define GROUP_SERIAL     0x4e00u  /* G_m = v_group_make(node 1's lhost, GROUP_SERIAL + m) */
#define REPLY_WAIT_MS    1000u    /* one GetReply's limit (the window is 1 s anyway) */

/* Lookup figures, in the order they are printed. */
enum { F_RTT, F_RTT_KS, F_UNICAST, F_MISS, F_MISS_ALL, F_HIT, F_N };
static const char *const fig_name[F_N] = { "rtt", "rtt_ks", "unicast", "miss", "miss_all", "hit" };

static uint32_t samples[F_N][NAMING_OPS_MAX];
static uint32_t g_first[NAMING_GROUPS][NAMING_OPS_MAX];
static uint32_t g_all[NAMING_GROUPS][NAMING_OPS_MAX];
static uint32_t sorted[NAMING_OPS_MAX];

struct naming_cfg {
    uint32_t nodes;      /* cluster size; the names resolved belong to node `nodes` */
    uint32_t ops;        /* timed operations per figure */
    uint32_t members;    /* group sizes 1..members (0: no group benchmark) */
    char name[16];       /* "[pmN]" */
    v_pid_t peer, ks, handler;
};

/* G_m: the group of m bench peers (members 1..m). */
static v_pid_t bench_group(uint32_t m)
{
    return v_group_make(v_lhost_make(1, 0), GROUP_SERIAL + m);
}

/* ---- statistics ---- */

struct naming_stats {
    uint32_t median, p95, min, max;
    uint64_t mean;
};

/* Shell sort: 1,000-4,000 samples, no allocation. */
static void sort_u32(uint32_t *a, uint32_t n)
{
    static const uint32_t gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
    for (uint32_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++)
        for (uint32_t i = gaps[g]; i < n; i++) {
            uint32_t v = a[i], j = i;
            for (; j >= gaps[g] && a[j - gaps[g]] > v; j -= gaps[g])
                a[j] = a[j - gaps[g]];
            a[j] = v;
        }
}

/* Median (mean of the two middle ones when n is even) and the 95th percentile by the
 * nearest-rank rule (the smallest sample with at least 95% of them at or below it). */
static void stats_of(const uint32_t *x, uint32_t n, struct naming_stats *s)
{
    uint64_t sum = 0;
    memcpy(sorted, x, n * sizeof x[0]);
    sort_u32(sorted, n);
    for (uint32_t i = 0; i < n; i++)
        sum += sorted[i];
    s->median = (uint32_t)(((uint64_t)sorted[(n - 1) / 2] + sorted[n / 2]) / 2);
    s->p95 = sorted[(n * 95 + 99) / 100 - 1];
    s->min = sorted[0];
    s->max = sorted[n - 1];
    s->mean = sum / n;
}

static void print_fig(const char *name, const struct naming_cfg *c, const uint32_t *x, int errors)
{
    struct naming_stats s;
    stats_of(x, c->ops, &s);
    printf("NAMING name=%s nodes=%u ops=%u median_ns=%u p95_ns=%u mean_ns=%llu min_ns=%u "
           "max_ns=%u errors=%d\n", name, c->nodes, c->ops, s.median, s.p95,
           (unsigned long long)s.mean, s.min, s.max, errors);
}

/* ---- the timed operations: each returns its time in ns, or 0 after an error ---- */

static uint32_t elapsed(uint64_t t0)
{
    uint64_t d = v_time_ns() - t0;
    return d ? (d > 0xffffffffu ? 0xffffffffu : (uint32_t)d) : 1;
}

static uint32_t op_rtt(const struct naming_cfg *c, uint32_t i)
{
    struct v_msg m;
    memset(&m, 0, sizeof m);
    m.code = BENCH_ECHO;
    m.w[0] = i;
    uint64_t t0 = v_time_ns();
    int rc = v_send(&m, c->peer);
    uint32_t t = elapsed(t0);
    return rc || m.code != V_OK || m.w[0] != i + 1 ? 0 : t;
}

static uint32_t op_rtt_ks(const struct naming_cfg *c, uint32_t i)
{
    struct v_msg m;
    (void)i;
    memset(&m, 0, sizeof m);
    m.code = KS_GET_TIME;
    uint64_t t0 = v_time_ns();
    int rc = v_send(&m, c->ks);
    uint32_t t = elapsed(t0);
    return rc || v_msg_reply_code(&m) ? 0 : t;
}

static uint32_t op_unicast(const struct naming_cfg *c, uint32_t i)
{
    struct v_name_entry e;
    (void)i;
    uint64_t t0 = v_time_ns();
    int rc = v_name_resolve_at(c->handler, c->name, &e, 0);
    uint32_t t = elapsed(t0);
    return rc || e.server == 0 ? 0 : t;
}

static uint32_t op_miss(const struct naming_cfg *c, uint32_t i)
{
    struct v_name_entry e;
    uint32_t src = 0;
    (void)i;
    v_name_cache_invalidate(v_name_cache_self(), c->name, 0);
    uint64_t t0 = v_time_ns();
    int rc = v_name_resolve(c->name, &e, 0, &src);
    uint32_t t = elapsed(t0);
    return rc || src != V_NAME_SRC_MULTICAST ? 0 : t;
}

static uint32_t op_miss_all(const struct naming_cfg *c, uint32_t i)
{
    struct v_name_entry e;
    (void)i;
    v_name_cache_invalidate(v_name_cache_self(), c->name, 0);
    uint64_t t0 = v_time_ns();
    int rc = v_name_resolve_at(V_GROUP_NAME_HANDLERS, c->name, &e, 0);
    uint32_t t = elapsed(t0);
    return rc || e.server == 0 || e.source != V_NAME_SRC_MULTICAST ? 0 : t;
}

static uint32_t op_hit(const struct naming_cfg *c, uint32_t i)
{
    struct v_name_entry e;
    uint32_t src = 99;
    (void)i;
    uint64_t t0 = v_time_ns();
    int rc = v_name_resolve(c->name, &e, 0, &src);
    uint32_t t = elapsed(t0);
    return rc || src != 0 ? 0 : t;
}

typedef uint32_t (*naming_op)(const struct naming_cfg *c, uint32_t i);
static const naming_op fig_op[F_N] = { op_rtt, op_rtt_ks, op_unicast, op_miss, op_miss_all,
                                       op_hit };

/* This node's datagram counters (KS_NET_STATS). */
static int net_counts(uint32_t *tx, uint32_t *rx)
{
    static struct v_net_stats st;
    struct v_msg m = { .code = KS_NET_STATS, .flags = V_MSG_SEG_WRITE,
                       .seg_ptr = (uint32_t)(uintptr_t)&st, .seg_len = sizeof st };
    int rc = v_call(v_kernel_server(), &m);
    *tx = st.tx;
    *rx = st.rx;
    return rc;
}

/* ---- the phases ---- */

/* rtt, rtt_ks, unicast, miss and miss_all, interleaved; a warm-up of a tenth first. */
static int run_lookups(const struct naming_cfg *c)
{
    int errors[F_HIT] = { 0 };
    uint32_t warm = c->ops / 10 < 10 ? 10 : c->ops / 10;
    for (uint32_t i = 0; i < warm; i++)
        for (int f = 0; f < F_HIT; f++)
            fig_op[f](c, i);
    for (uint32_t i = 0; i < c->ops; i++)
        for (int f = 0; f < F_HIT; f++) {
            uint32_t t = 0;
            for (int tries = 0; tries < 3 && !t; tries++)
                if (!(t = fig_op[f](c, i)))
                    errors[f]++;
            if (!t)
                return printf("BENCH-ERROR name=%s error=repeated failures\n", fig_name[f]), -1;
            samples[f][i] = t;
        }
    for (int f = 0; f < F_HIT; f++)
        print_fig(fig_name[f], c, samples[f], errors[f]);
    return 0;
}

/* The timing's own cost: an empty interval (two clock reads, i.e. two system calls). */
static void run_clock(const struct naming_cfg *c)
{
    for (uint32_t i = 0; i < c->ops; i++) {
        uint64_t t0 = v_time_ns();
        samples[F_HIT][i] = elapsed(t0);
    }
    print_fig("clock", c, samples[F_HIT], 0);
}

/* Hits, with this node's datagram counters read around the whole block. */
static int run_hits(const struct naming_cfg *c)
{
    uint32_t tx0, rx0, tx1, rx1, n = c->ops * 2;
    int errors = 0;
    struct v_name_entry e;
    if (n > NAMING_OPS_MAX)
        n = NAMING_OPS_MAX;
    if (v_name_resolve(c->name, &e, 0, 0) || net_counts(&tx0, &rx0))
        return printf("BENCH-ERROR name=hit error=no first resolution\n"), -1;
    for (uint32_t i = 0; i < n; i++)
        if (!(samples[F_HIT][i] = op_hit(c, i)))
            errors++;
    if (net_counts(&tx1, &rx1))
        return printf("BENCH-ERROR name=hit error=no counters\n"), -1;
    struct naming_cfg h = *c;
    h.ops = n;
    print_fig("hit", &h, samples[F_HIT], errors);
    printf("NAMING-TRAFFIC name=hit nodes=%u ops=%u tx=%u rx=%u\n", c->nodes, n, tx1 - tx0,
           rx1 - rx0);
    return errors ? -1 : 0;
}

/* One group Send of BENCH_ECHO to G_m: *first and *all in ns (0: fewer than m answered
 * correctly). */
static void group_round(uint32_t m, uint32_t i, uint32_t *first, uint32_t *all)
{
    struct v_msg msg;
    v_pid_t from, seen[NAMING_GROUPS + 1];
    uint32_t got = 0;
    memset(&msg, 0, sizeof msg);
    msg.code = BENCH_ECHO;
    msg.w[0] = i;
    *first = *all = 0;
    uint64_t t0 = v_time_ns();
    int rc = v_send_r(&msg, bench_group(m), &from);
    uint32_t t1 = elapsed(t0);
    while (rc == V_OK) {
        uint32_t k = 0;
        if (msg.code != V_OK || msg.w[0] != i + 1)
            return;
        while (k < got && seen[k] != from)
            k++;
        if (k == got && got <= NAMING_GROUPS)
            seen[got++] = from;
        if (got == m)
            break;
        rc = v_get_reply(&msg, REPLY_WAIT_MS, &from);
    }
    if (got == m) {
        *all = elapsed(t0);
        *first = t1;
    }
}

/* Wait until every group answers with all its members (they joined at boot). */
static int groups_ready(uint32_t members)
{
    for (uint32_t m = 1; m <= members; m++) {
        uint32_t f = 0, a = 0;
        for (int tries = 0; tries < 40 && !a; tries++)
            group_round(m, 1000000 + tries, &f, &a);
        if (!a)
            return printf("BENCH-ERROR name=group%u error=not all %u members answer\n", m, m), -1;
    }
    return 0;
}

static int run_groups(const struct naming_cfg *c)
{
    int errors[NAMING_GROUPS] = { 0 };
    uint32_t warm = c->ops / 10 < 10 ? 10 : c->ops / 10, f, a;
    if (groups_ready(c->members))
        return -1;
    for (uint32_t i = 0; i < warm; i++)
        for (uint32_t m = 1; m <= c->members; m++)
            group_round(m, i, &f, &a);
    for (uint32_t i = 0; i < c->ops; i++)
        for (uint32_t m = 1; m <= c->members; m++) {
            a = 0;
            for (int tries = 0; tries < 3 && !a; tries++)
                if (group_round(m, i, &f, &a), !a)
                    errors[m - 1]++;
            if (!a)
                return printf("BENCH-ERROR name=group%u error=repeated failures\n", m), -1;
            g_first[m - 1][i] = f;
            g_all[m - 1][i] = a;
        }
    for (uint32_t m = 1; m <= c->members; m++) {
        struct naming_stats s1, sa;
        stats_of(g_first[m - 1], c->ops, &s1);
        stats_of(g_all[m - 1], c->ops, &sa);
        printf("NAMING-GROUP members=%u nodes=%u ops=%u first_median_ns=%u first_p95_ns=%u "
               "all_median_ns=%u all_p95_ns=%u first_mean_ns=%llu all_mean_ns=%llu "
               "all_max_ns=%u errors=%d\n", m, c->nodes, c->ops, s1.median, s1.p95, sa.median,
               sa.p95, (unsigned long long)s1.mean, (unsigned long long)sa.mean, sa.max,
               errors[m - 1]);
    }
    return 0;
}

/* ---- set-up ---- */

/* Every node's name handler answers for its own [nameK] (so all of them are up, in
 * V_GROUP_NAME_HANDLERS, and decline the miss_all lookups); node N's handler is
 * remembered for unicast lookups. */
static int handlers_ready(struct naming_cfg *c)
{
    char name[16];
    struct v_name_entry e;
    for (uint32_t k = 1; k <= c->nodes; k++) {
        int rc = V_ENOTFOUND;
        snprintf(name, sizeof name, "[name%u]", k);
        for (int tries = 0; tries < 20 && rc; tries++)
            if ((rc = v_name_resolve(name, &e, 0, 0)))
                v_delay(100);
        if (rc)
            return printf("BENCH-ERROR name=handler%u error=%d (%s)\n", k, rc, v_strerror(rc)), -1;
        c->handler = e.server;
    }
    return 0;
}

static int parse(int argc, char **argv, struct naming_cfg *c)
{
    c->nodes = 2;
    c->ops = 1000;
    c->members = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = strchr(argv[i], '=');
        uint32_t n = v ? (uint32_t)strtoul(v + 1, 0, 0) : 0;
        if (!strncmp(argv[i], "nodes=", 6) && n >= 2 && n <= V_NODE_MAX)
            c->nodes = n;
        else if (!strncmp(argv[i], "ops=", 4) && n >= 10 && n <= NAMING_OPS_MAX / 2)
            c->ops = n;
        else if (!strncmp(argv[i], "members=", 8) && n <= NAMING_GROUPS)
            c->members = n;
        else if (strcmp(argv[i], "halt") && strcmp(argv[i], "nohalt"))
            return printf("usage: bench naming nodes=N [ops=K (10..%u)] [members=M (0..%u)]\n",
                          NAMING_OPS_MAX / 2, NAMING_GROUPS), -1;
    }
    snprintf(c->name, sizeof c->name, "[pm%u]", c->nodes);
    c->ks = v_pid_make(v_lhost_make(c->nodes, 0), V_LOCAL_KERNEL_SERVER);
    return 0;
}

/* `bench naming nodes=N [ops=K] [members=M]`: 0 when every figure was measured. */
int bench_naming_main(int argc, char **argv)
{
    struct naming_cfg c;
    uint64_t t0 = v_time_ns();
    if (parse(argc, argv, &c))
        return -1;
    if (!(c.peer = bench_find_peer(c.nodes)))
        return printf("BENCH-ERROR name=peer error=no bench peer on node %u\n", c.nodes), -1;
    if (handlers_ready(&c))
        return -1;
    printf("NAMING-START nodes=%u ops=%u members=%u name=%s peer=0x%08x handler=0x%08x\n",
           c.nodes, c.ops, c.members, c.name, c.peer, c.handler);
    int rc = run_lookups(&c);
    if (!rc) {
        run_clock(&c);
        rc = run_hits(&c);
    }
    if (!rc && c.members)
        rc = run_groups(&c);
    printf("NAMING-DONE nodes=%u status=%d guest_ms=%llu\n", c.nodes, rc ? 1 : 0,
           (unsigned long long)((v_time_ns() - t0) / 1000000u));
    return rc;
}

/* `bench peer slot=S max=M`: join G_S..G_M, then serve as a bench peer. */
int bench_member_main(int argc, char **argv)
{
    uint32_t slot = 0, max = NAMING_GROUPS;
    for (int i = 2; i < argc; i++) {
        const char *v = strchr(argv[i], '=');
        uint32_t n = v ? (uint32_t)strtoul(v + 1, 0, 0) : 0;
        if (!strncmp(argv[i], "slot=", 5) && n >= 1 && n <= NAMING_GROUPS)
            slot = n;
        else if (!strncmp(argv[i], "max=", 4) && n <= NAMING_GROUPS)
            max = n;
        else
            return printf("usage: bench peer [slot=S max=M] (1 <= S <= M <= %u)\n", NAMING_GROUPS), 2;
    }
    for (uint32_t m = slot; slot && m <= max; m++) {
        int rc = v_join_group(bench_group(m), 0);
        if (rc)
            printf("bench peer: cannot join group %u: %s\n", m, v_strerror(rc));
    }
    return bench_peer_main();
}
