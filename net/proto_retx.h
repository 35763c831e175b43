/*
 * proto_retx.h - when a client kernel retransmits a request, and when it gives up.
 * Pure: decisions only; the caller keeps the clock and sends the packets.
 *
 * A request is retransmitted after 100 ms, then after 200 ms, then every 400 ms
 * (doubling, capped at VP_RTO_MAX_MS) while the server's node says nothing, and the node
 * is taken for dead once it has been silent for VP_GIVE_UP_MS = 4.7 s: 13 tries in all.
 * Any answer from it is a sign of life. VP_PENDING ("received, reply not ready")
 * switches to probing every VP_PROBE_MS for as long as the server keeps saying so, so that
 * a receiver that takes minutes to reply is waited for; a probe left unanswered is
 * repeated with the same back-off, and the node is taken for dead VP_PENDING_GIVE_UP_MS
 * = 6 s after its last PENDING.
 *
 * The bound is on time, not on a count of tries: with 10% loss each way a round trip
 * fails 19% of the time, and the former 6 tries (100, 200, 400, 800, 1600, 1600 ms)
 * took a live node for dead once in about 20,000 transactions (0.19^6); 13 tries in the
 * same 4.7 s make that 0.19^13, about 4e-10 (tests/cluster/faults.sh).
 */
#ifndef NET_PROTO_RETX_H
#define NET_PROTO_RETX_H

#include <stdint.h>

#define VP_RTO_INITIAL_MS     100u
#define VP_RTO_MAX_MS         400u
#define VP_PROBE_MS           1000u
#define VP_GIVE_UP_MS         4700u
#define VP_PENDING_GIVE_UP_MS 6000u

enum vp_retx_action { VP_RETX_WAIT = 0, VP_RETX_SEND, VP_RETX_GIVE_UP };

struct vp_retx {
    uint64_t deadline_ns;   /* when vp_retx_due next acts */
    uint64_t heard_ns;      /* the node's last sign of life (the start, before any) */
    uint32_t rto_ms;        /* the wait after the next retransmission */
    uint32_t sends;         /* packets sent, first one included */
    int pending;            /* the server said VP_PENDING */
};

/* The first transmission happens now. */
void vp_retx_start(struct vp_retx *r, uint64_t now_ns);
/* Called at or after deadline_ns: send again (deadline moved on), or give up. Before the
 * deadline it answers VP_RETX_WAIT. */
enum vp_retx_action vp_retx_due(struct vp_retx *r, uint64_t now_ns);
/* The server's node answered: with VP_PENDING if pending, with anything else otherwise. */
void vp_retx_heard(struct vp_retx *r, uint64_t now_ns, int pending);

#endif
