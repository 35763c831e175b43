/*
 * fuzz_proto_retx.c - net/proto_retx.c (when a client retransmits, when it gives up)
 * against the schedule docs/PROTOCOL.md states, kept as times in milliseconds and
 * nanoseconds apart from the real state.
 *
 * Input: a start time, then operations: time passes (to just before or at the next
 * retransmission, to just before or at the give-up time, or by an amount), the clock
 * asks vp_retx_due, or the server's node answers (PENDING or anything else). The model:
 *   - the node is given up on exactly when 4.7 s (6 s once it said PENDING) have passed
 *     since its last answer, and never earlier;
 *   - before that, a retransmission is due 100 ms after the start, then 200 ms after
 *     it, then every 400 ms; a PENDING makes the next one due 1 s later and restarts the
 *     back-off (100, 200, 400, ...); another answer changes no deadline; no deadline
 *     is ever later than the give-up time;
 *   - the number of packets sent counts the first and every retransmission;
 *   - called exactly at each deadline, a node that never answers gets 13 packets.
 */
#include <string.h>
#include "fuzz.h"
#include "proto_retx.h"

#define MS 1000000ull

static struct {
    uint64_t now, heard, due;        /* ns */
    int pending, step, punctual;     /* step: retransmissions since the back-off began */
    uint32_t sends;
} md;

static uint64_t give_up_at(void)
{
    return md.heard + (md.pending ? 6000 : 4700) * MS;
}

/* The wait after the step-th retransmission of a back-off (step 0: the first wait). */
static uint64_t gap(int step)
{
    static const uint64_t ms[3] = { 100, 200, 400 };
    return ms[step < 2 ? step : 2] * MS;
}

static void op_due(struct vp_retx *r)
{
    enum vp_retx_action a = vp_retx_due(r, md.now);
    if (md.now >= give_up_at()) {
        FZ_EQ(a, VP_RETX_GIVE_UP);
        if (md.punctual)
            FZ_EQ(r->sends, 13);
        return;
    }
    if (md.now < md.due) {
        FZ_EQ(a, VP_RETX_WAIT);
        return;
    }
    FZ_EQ(a, VP_RETX_SEND);
    md.punctual &= md.now == md.due;
    md.sends++;
    md.step++;
    md.due = md.now + gap(md.step);
    if (md.due > give_up_at())
        md.due = give_up_at();
}

static void op_heard(struct vp_retx *r, int pending)
{
    vp_retx_heard(r, md.now, pending);
    md.heard = md.now;
    md.punctual = 0;
    if (pending) {
        md.pending = 1;
        md.step = -1;                              /* next: 1 s, then 100, 200, 400 */
        md.due = md.now + 1000 * MS;
    }
}

static void op_time(struct fz *f)
{
    uint8_t how = fz_u8(f);
    uint64_t to = md.now;
    switch (how & 7) {
    case 0: to = md.due - 1; break;
    case 1: to = md.due; break;
    case 2: to = give_up_at() - 1; break;
    case 3: to = give_up_at(); break;
    case 4: to = md.now + (how >> 3) * MS; break;
    default: to = md.now + fz_u32(f); break;
    }
    if (to > md.now) {
        md.punctual &= to <= md.due;
        md.now = to;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    struct vp_retx r;
    memset(&md, 0, sizeof(md));
    md.now = fz_u64(&f) >> 2;                      /* room for any run after it */
    vp_retx_start(&r, md.now);
    md.heard = md.now;
    md.due = md.now + gap(0);
    md.sends = 1;
    md.punctual = 1;
    while (f.n) {
        uint8_t op = fz_u8(&f);
        if (op < 128)
            op_time(&f);
        else if (op < 224)
            op_due(&r);
        else
            op_heard(&r, op & 1);
        FZ_EQ(r.sends, md.sends);
        FZ_CHECK(md.due <= give_up_at());
    }
    return 0;
}
