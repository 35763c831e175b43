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

static void ends_at_once(uint32_t unused) { (void)unused; }

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
        int err = V_OK;
        switch (m.code) {
        case CT_SPAWN: {
            v_pid_t t = 0;
            err = v_thread_start(ends_at_once, 0, 4, 4096, &t);
            m.w[0] = t;
            break;
        }
        case CT_HALT:
            v_ks_halt(0);
            break;
        case CT_REG:
            err = m.w[0] ? v_name_register("[svc]", 0, 7, V_NAME_REG_UNIQUE)
                         : v_name_unregister("[svc]", 0);
            break;
        case CT_JOIN:
            err = m.w[0] ? v_join_group(CT_GROUP, 0) : v_leave_group(CT_GROUP, 0);
            break;
        case CT_GROUP_STATS: {
            int reset = m.w[0] == 1;
            m.w[0] = group_reqs;
            m.w[1] = group_noreply;
            if (reset)
                group_reqs = group_noreply = 0;
            break;
        }
        case CT_GECHO:
            group_reqs++;
            if (m.flags & V_MSG_NO_REPLY) {
                group_noreply++;
                continue;                 /* nobody waits for it */
            }
            for (int i = 0; i < 4; i++)
                m.w[i]++;
            m.w[4] = from;
            break;
        case CT_ECHO:
            for (int i = 0; i < 4; i++)
                m.w[i]++;
            m.w[4] = from;
            break;
        case CT_SUM:  err = serve_sum(from, &m); break;
        case CT_FILL: err = serve_fill(from, &m); break;
        case CT_FILL2:                    /* two moves in one transaction */
            err = serve_fill(from, &m);
            m.w[0]++;
            if (!err)
                err = serve_fill(from, &m);
            break;
        case CT_FWD: {
            v_pid_t peer = ct_find(m.w[0], "ctest", 50);
            m.code = CT_ECHO;
            if (peer && v_forward(&m, from, peer) == V_OK)
                continue;                 /* the peer replies to our client */
            err = V_ENOPROC;
            break;
        }
        case CT_SLOW:
            v_delay(m.w[0]);
            break;
        case CT_COUNT: err = serve_count(&m); break;
        case CT_COUNT_STATS: count_stats(&m); break;
        case CT_RSEG:
            m.w[0] = ct_sum(seg, got);
            m.w[1] = got;
            m.code = V_OK;
            if (v_reply_with_segment(&m, from, m.seg_ptr, "pong", 5) == V_OK)
                continue;
            err = V_EINVAL;
            break;
        default:
            err = V_EBADCALL;
        }
        m.code = (uint16_t)err;
        v_reply(&m, from);
    }
}
