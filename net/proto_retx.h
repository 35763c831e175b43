/*
 * proto_retx.h - when a client kernel retransmits a request, and when it gives up.
 * Pure: decisions only; the caller keeps the clock and sends the packets.
 *
 * A request is retransmitted after 100 ms, then 200, 400, 800 and 1600 ms (doubling,
 * capped at VP_RTO_MAX_MS) while the server's node says nothing. Any answer from it
 * resets that count. VP_PENDING ("received, reply not ready") switches to probing every
 * VP_PROBE_MS for as long as the server keeps saying so, so that a receiver that takes
 * minutes to reply is waited for. After VP_SILENT_MAX unanswered tries the node is taken
 * for dead: at most 100+200+400+800+1600+1600 ms = 4.7 s after the last sign of life
 * (6 s while probing).
 */
#ifndef NET_PROTO_RETX_H
#define NET_PROTO_RETX_H

#include <stdint.h>

#define VP_RTO_INITIAL_MS 100u
#define VP_RTO_MAX_MS     1600u
#define VP_PROBE_MS       1000u
#define VP_SILENT_MAX     6u

enum vp_retx_action { VP_RETX_WAIT = 0, VP_RETX_SEND, VP_RETX_GIVE_UP };

struct vp_retx {
    uint64_t deadline_ns;   /* when vp_retx_due next acts */
    uint32_t rto_ms;        /* current back-off */
    uint32_t silent;        /* consecutive timeouts without any answer */
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
