/*
 * servers/bench/measure.c - the timed loops. Each benchmark builds its message once,
 * then times `iters` operations with rdtsc inside v_time_ns() readings. Every reply is
 * checked (a cheap compare), so a loop that measured failed IPC reports an error
 * instead of a figure. Entry points: bench_null, bench_rtt, bench_move_from,
 * bench_move_to, bench_check.
 */
#include <string.h>
#include <v/kclient.h>
#include "bench.h"

/* The client's side of every move; 4-byte aligned like any buffer malloc would give. */
static uint8_t client_buf[BENCH_BUF_MAX] __attribute__((aligned(4096)));

static void sample_begin(struct bench_sample *s)
{
    s->ns = v_time_ns();
    s->cycles = bench_rdtsc();
}

static void sample_end(struct bench_sample *s)
{
    s->cycles = bench_rdtsc() - s->cycles;
    s->ns = v_time_ns() - s->ns;
}

/* A null system call (GetPid of self): the trap's own cost, for comparison. */
int bench_null(v_pid_t peer, uint32_t bytes, uint32_t iters, struct bench_sample *s)
{
    v_pid_t me = v_my_pid();
    uint32_t i, bad = 0;

    (void)peer;
    (void)bytes;
    sample_begin(s);
    for (i = 0; i < iters; i++)
        bad |= v_my_pid() ^ me;
    sample_end(s);
    return bad ? V_EINVAL : V_OK;
}

/* Send a 32-byte message, the peer Receives it and Replies with w0 + 1. */
int bench_rtt(v_pid_t peer, uint32_t bytes, uint32_t iters, struct bench_sample *s)
{
    struct v_msg m;
    uint32_t i;
    int rc = V_OK;

    (void)bytes;
    memset(&m, 0, sizeof m);
    sample_begin(s);
    for (i = 0; i < iters; i++) {
        m.code = BENCH_ECHO;
        m.w[0] = i;
        if ((rc = v_send(&m, peer)) < 0 || m.code != V_OK || m.w[0] != i + 1)
            break;
    }
    sample_end(s);
    if (rc < 0)
        return rc;
    return i == iters ? V_OK : V_EINVAL;
}

/* Send granting `access` over bytes of client_buf; the peer moves all of it. */
static int bench_move(v_pid_t peer, uint16_t code, uint16_t access, uint32_t bytes,
                      uint32_t iters, struct bench_sample *s)
{
    struct v_msg m;
    uint32_t i;
    int rc = V_OK;

    if (bytes > BENCH_BUF_MAX)
        return V_ERANGE;
    memset(&m, 0, sizeof m);
    sample_begin(s);
    for (i = 0; i < iters; i++) {
        m.code = code;
        m.flags = access;
        m.seg_ptr = (uint32_t)(uintptr_t)client_buf;
        m.seg_len = bytes;
        if ((rc = v_send(&m, peer)) < 0 || m.code != V_OK || m.w[0] != bytes)
            break;
    }
    sample_end(s);
    if (rc < 0)
        return rc;
    if (i == iters)
        return V_OK;
    return m.code != V_OK ? v_msg_reply_code(&m) : V_EINVAL;
}

int bench_move_from(v_pid_t peer, uint32_t bytes, uint32_t iters, struct bench_sample *s)
{
    return bench_move(peer, BENCH_MOVE_FROM, V_MSG_SEG_READ, bytes, iters, s);
}

int bench_move_to(v_pid_t peer, uint32_t bytes, uint32_t iters, struct bench_sample *s)
{
    return bench_move(peer, BENCH_MOVE_TO, V_MSG_SEG_WRITE, bytes, iters, s);
}

/* MoveFrom: the peer sums what it read and we compare with our own sum. MoveTo: we
 * clear our buffer, let the peer write it, and compare with the pattern. */
int bench_check(v_pid_t peer, uint32_t bytes)
{
    struct bench_sample s;
    struct v_msg m;
    uint32_t i, sum = 0;
    int rc;

    for (i = 0; i < bytes; i++) {
        client_buf[i] = (uint8_t)(i * 13u + 5u);
        sum += client_buf[i];
    }
    memset(&m, 0, sizeof m);
    m.code = BENCH_SUM;
    m.flags = V_MSG_SEG_READ;
    m.seg_ptr = (uint32_t)(uintptr_t)client_buf;
    m.seg_len = bytes;
    if ((rc = v_call(peer, &m)) < 0)
        return rc;
    if (m.w[0] != sum)
        return V_EINVAL;
    memset(client_buf, 0, bytes);
    if ((rc = bench_move_to(peer, bytes, 1, &s)) < 0)
        return rc;
    for (i = 0; i < bytes; i++)
        if (client_buf[i] != BENCH_PATTERN(i))
            return V_EINVAL;
    return V_OK;
}
