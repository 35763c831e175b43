/*
 * peer.c - `utest peer`: a server team for the cross-team tests. It echoes (each word
 * plus one), sums a granted segment read with MoveFrom, fills one with MoveTo, and exits
 * on request.
 */
#include "utest.h"
#include <stdlib.h>
#include <string.h>

static uint32_t sum_segment(v_pid_t from, const struct v_msg *m, int *err)
{
    uint32_t len = m->seg_len, sum = 0;
    uint8_t *buf = malloc(len ? len : 1);
    *err = buf ? v_move_from(from, buf, m->seg_ptr, len) : V_ENOMEM;
    for (uint32_t i = 0; !*err && i < len; i++)
        sum = sum * 31 + buf[i];
    free(buf);
    return sum;
}

static int fill_segment(v_pid_t to, const struct v_msg *m)
{
    uint32_t len = m->seg_len;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return V_ENOMEM;
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(m->w[0] + i * 7);
    int err = v_move_to(to, m->seg_ptr, buf, len);
    free(buf);
    return err;
}

int peer_main(void)
{
    for (;;) {
        struct v_msg m;
        v_pid_t from;
        if (v_receive(&m, &from))
            continue;
        int err = V_OK, done = 0;
        switch (m.code) {
        case PEER_ECHO:
            for (int i = 0; i < 5; i++)
                m.w[i]++;
            m.w[4] = from;
            break;
        case PEER_SUM:  m.w[0] = sum_segment(from, &m, &err); break;
        case PEER_FILL: err = fill_segment(from, &m); break;
        case PEER_EXIT: done = 1; break;
        default:        err = V_EBADCALL;
        }
        m.code = (uint16_t)err;
        v_reply(&m, from);
        if (done)
            return 7;
    }
}
