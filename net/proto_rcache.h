/*
 * proto_rcache.h - the server side's memory of finished transactions, for at-most-once
 * execution. A reply is kept (by client pid and transaction id) until the client's
 * VP_ACK or until it expires, so that a retransmitted request is answered with the same
 * reply instead of being executed again. Past a client's expired replies, a per-client
 * watermark (the highest completed txid) still recognises old duplicates as stale.
 * Pure; fixed-size tables supplied by the caller. A txid is [boot epoch:8 | count:24];
 * counts compare with serial arithmetic, and a new epoch is always new.
 */
#ifndef NET_PROTO_RCACHE_H
#define NET_PROTO_RCACHE_H

#include <stdint.h>
#include <v/pid.h>
#include <v/proto.h>

#define VP_RCACHE_PKT V_PROTO_MAX_PKT     /* replies may carry data */

struct vp_reply {
    v_pid_t client;         /* 0: free */
    uint32_t txid;
    uint32_t node;          /* the client node's address, to resend to */
    uint64_t expires_ns;
    uint16_t len;
    uint8_t pkt[VP_RCACHE_PKT];
};

struct vp_mark {
    v_pid_t client;         /* 0: free */
    uint32_t txid;          /* highest completed (any value, 0 included) */
    uint8_t set;            /* txid holds one: a completed txid 0 is remembered too */
    uint64_t used_ns;
};

struct vp_rcache {
    struct vp_reply *r;
    uint32_t nr;
    struct vp_mark *m;
    uint32_t nm;
    uint32_t evictions;
};

enum vp_rcache_verdict { VP_NEW = 0, VP_CACHED, VP_STALE };

void vp_rcache_init(struct vp_rcache *c, struct vp_reply *r, uint32_t nr, struct vp_mark *m,
                    uint32_t nm);
/* Remember the reply packet of (client, txid) until now+ttl, in place of the client's
 * earlier reply if one is cached (one slot per client), else in a free or expired slot,
 * else evicting the entry closest to expiring. Packets longer than VP_RCACHE_PKT are not
 * cached (V_EINVAL). */
int vp_rcache_put(struct vp_rcache *c, v_pid_t client, uint32_t txid, uint32_t node,
                  const uint8_t *pkt, uint32_t len, uint64_t now_ns, uint64_t ttl_ns);
/* What to do with an incoming request: VP_CACHED (*out = the reply to resend),
 * VP_STALE (an old duplicate: drop it), or VP_NEW (execute it). */
int vp_rcache_check(struct vp_rcache *c, v_pid_t client, uint32_t txid, uint64_t now_ns,
                    const struct vp_reply **out);
/* The client acknowledged its reply: forget the packet (the watermark stays). */
void vp_rcache_ack(struct vp_rcache *c, v_pid_t client, uint32_t txid);

#endif
