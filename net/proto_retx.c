/* proto_retx.c - the retransmission state machine of a client transaction (proto_retx.h). */
#include "proto_retx.h"

#define MS 1000000ull

void vp_retx_start(struct vp_retx *r, uint64_t now_ns)
{
    r->rto_ms = VP_RTO_INITIAL_MS;
    r->silent = 0;
    r->sends = 1;
    r->pending = 0;
    r->deadline_ns = now_ns + r->rto_ms * MS;
}

enum vp_retx_action vp_retx_due(struct vp_retx *r, uint64_t now_ns)
{
    if (now_ns < r->deadline_ns)
        return VP_RETX_WAIT;
    if (++r->silent >= VP_SILENT_MAX)
        return VP_RETX_GIVE_UP;
    if (r->pending) {
        r->rto_ms = VP_PROBE_MS;
    } else {
        r->rto_ms *= 2;
        if (r->rto_ms > VP_RTO_MAX_MS)
            r->rto_ms = VP_RTO_MAX_MS;
    }
    r->sends++;
    r->deadline_ns = now_ns + r->rto_ms * MS;
    return VP_RETX_SEND;
}

void vp_retx_heard(struct vp_retx *r, uint64_t now_ns, int pending)
{
    r->silent = 0;
    if (pending) {
        r->pending = 1;
        r->rto_ms = VP_PROBE_MS;
        r->deadline_ns = now_ns + VP_PROBE_MS * MS;
    }
}
