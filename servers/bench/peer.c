/*
 * servers/bench/peer.c - the peer team of the bench program (`bench peer`): it
 * receives the client's requests (bench.h) and answers each one at once, so a timed
 * loop measures the kernel's IPC path and nothing else. Entry point: bench_peer_main.
 */
#include <string.h>
#include "bench.h"

static uint8_t peer_buf[BENCH_BUF_MAX];

/* Fill peer_buf with the pattern MoveTo delivers (the client checks it). */
static void peer_fill(void)
{
    uint32_t i;

    for (i = 0; i < BENCH_BUF_MAX; i++)
        peer_buf[i] = BENCH_PATTERN(i);
}

/* Answer one request in m (from `from`); returns the reply code. */
static int peer_handle(struct v_msg *m, v_pid_t from)
{
    uint32_t len = m->seg_len, i, sum = 0;
    int rc;

    if (m->code != BENCH_ECHO && len > BENCH_BUF_MAX)
        return V_ERANGE;
    switch (m->code) {
    case BENCH_ECHO:
        m->w[0]++;
        return V_OK;
    case BENCH_MOVE_FROM:
        rc = v_move_from(from, peer_buf, m->seg_ptr, len);
        m->w[0] = len;
        return rc;
    case BENCH_MOVE_TO:
        rc = v_move_to(from, m->seg_ptr, peer_buf, len);
        m->w[0] = len;
        return rc;
    case BENCH_SUM:
        rc = v_move_from(from, peer_buf, m->seg_ptr, len);
        for (i = 0; i < len; i++)
            sum += peer_buf[i];
        peer_fill();
        m->w[0] = sum;
        return rc;
    default:
        return V_EBADCALL;
    }
}

/* The receive loop: the reply reuses the request's message, so an echo costs the
 * kernel's path and a handful of instructions here. */
int bench_peer_main(void)
{
    struct v_msg m;
    v_pid_t from;
    int rc;

    peer_fill();
    for (;;) {
        if (v_receive(&m, &from) < 0)
            continue;
        if (m.code == BENCH_QUIT) {
            m.code = V_OK;
            v_reply(&m, from);
            return 0;
        }
        rc = peer_handle(&m, from);
        m.code = (uint16_t)rc;
        m.flags = 0;
        v_reply(&m, from);
    }
}
