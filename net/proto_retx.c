/* proto_retx.c - the retransmission state machine of a client transaction (proto_retx.h). */
#include "proto_retx.h"

#define MS 1000000ull

void vp_retx_start(struct vp_retx *r, uint64_t now_ns)
{
    r->heard_ns = now_ns;
    r->rto_ms = 2 * VP_RTO_INITIAL_MS;
    r->sends = 1;
    r->pending = 0;
    r->deadline_ns = now_ns + VP_RTO_INITIAL_MS * MS;
}

enum vp_retx_action vp_retx_due(struct vp_retx *r, uint64_t now_ns)
{
    if (now_ns < r->deadline_ns)
        return VP_RETX_WAIT;
    uint64_t limit = r->heard_ns + (r->pending ? VP_PENDING_GIVE_UP_MS : VP_GIVE_UP_MS) * MS;
    if (now_ns >= limit)
        return VP_RETX_GIVE_UP;
    r->sends++;
    r->deadline_ns = now_ns + r->rto_ms * MS;
    if (r->deadline_ns > limit)
        r->deadline_ns = limit;          /* give up on time, not a back-off later */
    r->rto_ms *= 2;
    if (r->rto_ms > VP_RTO_MAX_MS)
        r->rto_ms = VP_RTO_MAX_MS;
    return VP_RETX_SEND;
}

void vp_retx_heard(struct vp_retx *r, uint64_t now_ns, int pending)
{
    r->heard_ns = now_ns;
    if (pending) {
        r->pending = 1;
        r->rto_ms = VP_RTO_INITIAL_MS;   /* an unanswered probe is repeated soon */
        r->deadline_ns = now_ns + VP_PROBE_MS * MS;
    }
}
