/* server.c - the ctest server on nodes 2..N: echo, moves, forwarding, slow replies. */
#include "ctest.h"
#include <v/name.h>
#include <stdio.h>
#include <string.h>

static uint8_t big[CT_BIG];
static uint8_t executed[CT_COUNT_THREADS][CT_COUNT_SEQS];  /* CT_COUNT: runs per (thread, seq) */
static uint32_t count_runs, count_repeats, count_distinct, count_refused;

/* CT_COUNT: execute (thread, seq) once more and say how often it has been executed. */
static int serve_count(struct v_msg *m)
{
    if (m->w[0] >= CT_COUNT_THREADS || m->w[1] >= CT_COUNT_SEQS) {
        count_refused++;
        return V_ERANGE;
    }
    uint8_t *n = &executed[m->w[0]][m->w[1]];
    count_runs++;
    if (*n)
        count_repeats++;
    else
        count_distinct++;
    if (*n < 255)
        (*n)++;
    m->w[2]++;
    m->w[3] = *n;
    return V_OK;
}

static void count_stats(struct v_msg *m)
{
    int reset = m->w[0] == 1;
    m->w[0] = count_runs;
    m->w[1] = count_repeats;
    m->w[2] = count_distinct;
    m->w[3] = count_refused;
    if (reset) {
        memset(executed, 0, sizeof(executed));
        count_runs = count_repeats = count_distinct = count_refused = 0;
    }
}

uint32_t ct_sum(const uint8_t *p, uint32_t n)
{
    uint32_t s = 0;
    for (uint32_t i = 0; i < n; i++)
        s = s * 31 + p[i];
    return s;
}

static int serve_fill(v_pid_t from, const struct v_msg *m)
{
    uint32_t n = m->seg_len < CT_BIG ? m->seg_len : CT_BIG;
    for (uint32_t i = 0; i < n; i++)
        big[i] = (uint8_t)(m->w[0] + i * 13);
    return v_move_to(from, m->seg_ptr, big, n);
}

static int serve_sum(v_pid_t from, struct v_msg *m)
{
    uint32_t n = m->seg_len < CT_BIG ? m->seg_len : CT_BIG;
    int err = v_move_from(from, big, m->seg_ptr, n);
    m->w[0] = err ? 0 : ct_sum(big, n);
    return err;
}

static uint32_t group_reqs, group_noreply;

/* A handler's word that the request needs no reply from the loop: it was answered
 * already, passed on, or nobody waits for it. Errors are negative, so it is no error. */
#define REPLIED 1

static void ends_at_once(uint32_t unused) { (void)unused; }

/* CT_SPAWN: start a thread that ends at once; w0 = its pid. */
static int serve_spawn(struct v_msg *m)
{
    v_pid_t t = 0;
    int err = v_thread_start(ends_at_once, 0, 4, 4096, &t);
    m->w[0] = t;
    return err;
}

/* CT_GROUP_STATS: the group counts, reset after reading them if w0 = 1. */
static void group_stats(struct v_msg *m)
{
    int reset = m->w[0] == 1;
    m->w[0] = group_reqs;
    m->w[1] = group_noreply;
    if (reset)
        group_reqs = group_noreply = 0;
}

/* CT_ECHO (and CT_GECHO): each word + 1, w4 = the sender we saw. */
static void serve_echo(v_pid_t from, struct v_msg *m)
{
    for (int i = 0; i < 4; i++)
        m->w[i]++;
    m->w[4] = from;
}

/* CT_GECHO: count it, and echo it unless it came without reply. */
static int serve_gecho(v_pid_t from, struct v_msg *m)
{
    group_reqs++;
    if (m->flags & V_MSG_NO_REPLY) {
        group_noreply++;
        return REPLIED;                   /* nobody waits for it */
    }
    serve_echo(from, m);
    return V_OK;
}

/* CT_FILL2: two moves in one transaction, seeds w0 then w0 + 1. */
static int serve_fill2(v_pid_t from, struct v_msg *m)
{
    int err = serve_fill(from, m);
    m->w[0]++;
    if (!err)
        err = serve_fill(from, m);
    return err;
}

/* CT_FWD: forward the request as CT_ECHO to node w0's server, which replies to the
 * client; V_ENOPROC if there is none. */
static int serve_fwd(v_pid_t from, struct v_msg *m)
{
    v_pid_t peer = ct_find(m->w[0], "ctest", 50);
    m->code = CT_ECHO;
    if (peer && v_forward(m, from, peer) == V_OK)
        return REPLIED;                   /* the peer replies to our client */
    return V_ENOPROC;
}

/* CT_FWDK: forward the request as KS_NODE_INFO to node w0's kernel server. */
static int serve_fwdk(v_pid_t from, struct v_msg *m)
{
    v_pid_t ks = v_pid_make(v_lhost_make(m->w[0], 0), V_LOCAL_KERNEL_SERVER);
    *m = (struct v_msg){ .code = KS_NODE_INFO };
    return v_forward(m, from, ks) == V_OK ? REPLIED : V_ENOPROC;
}

/* CT_RSEG: sum the segment the request carried (got bytes of seg), and reply with the
 * segment "pong" into the client's grant. */
static int serve_rseg(v_pid_t from, struct v_msg *m, const uint8_t *seg, uint32_t got)
{
    m->w[0] = ct_sum(seg, got);
    m->w[1] = got;
    m->code = V_OK;
    if (v_reply_with_segment(m, from, m->seg_ptr, "pong", 5) == V_OK)
        return REPLIED;
    return V_EINVAL;
}

/* One request: V_OK or an error for the reply, or REPLIED. */
static int serve(v_pid_t from, struct v_msg *m, const uint8_t *seg, uint32_t got)
{
    switch (m->code) {
    case CT_SPAWN:       return serve_spawn(m);
    case CT_HALT:        v_ks_halt(0); return V_OK;
    case CT_REG:
        return m->w[0] ? v_name_register("[svc]", 0, 7, V_NAME_REG_UNIQUE)
                       : v_name_unregister("[svc]", 0);
    case CT_JOIN:
        return m->w[0] ? v_join_group(CT_GROUP, 0) : v_leave_group(CT_GROUP, 0);
    case CT_GROUP_STATS: group_stats(m); return V_OK;
    case CT_GECHO:       return serve_gecho(from, m);
    case CT_ECHO:        serve_echo(from, m); return V_OK;
    case CT_SUM:         return serve_sum(from, m);
    case CT_FILL:        return serve_fill(from, m);
    case CT_FILL2:       return serve_fill2(from, m);
    case CT_FWD:         return serve_fwd(from, m);
    case CT_FWDK:        return serve_fwdk(from, m);
    case CT_SLOW:        v_delay(m->w[0]); return V_OK;
    case CT_COUNT:       return serve_count(m);
    case CT_COUNT_STATS: count_stats(m); return V_OK;
    case CT_RSEG:        return serve_rseg(from, m, seg, got);
    default:             return V_EBADCALL;
    }
}

int ct_server(uint32_t node)
{
    printf("ctest: server on node %u is pid 0x%08x\n", node, v_my_pid());
    int jerr = v_join_group(CT_GROUP, 0);
    if (jerr)
        printf("ctest: cannot join group 0x%08x: %d\n", CT_GROUP, jerr);
    for (;;) {
        struct v_msg m;
        v_pid_t from;
        uint8_t seg[256];
        uint32_t got = sizeof(seg);
        if (v_receive_with_segment(&m, 0, &from, seg, &got))
            continue;
        int err = serve(from, &m, seg, got);
        if (err == REPLIED)
            continue;
        m.code = (uint16_t)err;
        v_reply(&m, from);
    }
}
