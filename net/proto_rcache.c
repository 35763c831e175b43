/* proto_rcache.c - reply cache and per-client watermarks (proto_rcache.h). */
#include "proto_rcache.h"
#include <string.h>
#include <v/err.h>

void vp_rcache_init(struct vp_rcache *c, struct vp_reply *r, uint32_t nr, struct vp_mark *m,
                    uint32_t nm)
{
    c->r = r;
    c->nr = nr;
    c->m = m;
    c->nm = nm;
    c->evictions = 0;
    memset(r, 0, sizeof(*r) * nr);
    memset(m, 0, sizeof(*m) * nm);
}

/* A txid is [epoch:8 | count:24]: the epoch changes at each boot of the client's node.
 * a is after b if its epoch differs (a new boot) or its count is later (serial
 * arithmetic on 24 bits: survives wrap-around). */
static int after(uint32_t a, uint32_t b)
{
    if ((a ^ b) >> 24)
        return 1;
    return (int32_t)((a - b) << 8) > 0;
}

static struct vp_mark *mark_of(struct vp_rcache *c, v_pid_t client, int create, uint64_t now)
{
    struct vp_mark *lru = &c->m[0];
    for (uint32_t i = 0; i < c->nm; i++) {
        if (c->m[i].client == client)
            return &c->m[i];
        if (!c->m[i].client || (lru->client && c->m[i].used_ns < lru->used_ns))
            lru = &c->m[i];
    }
    if (!create)
        return 0;
    lru->client = client;
    lru->txid = 0;
    lru->set = 0;
    lru->used_ns = now;
    return lru;
}

int vp_rcache_put(struct vp_rcache *c, v_pid_t client, uint32_t txid, uint32_t node,
                  const uint8_t *pkt, uint32_t len, uint64_t now_ns, uint64_t ttl_ns)
{
    if (len > VP_RCACHE_PKT || !client)
        return V_EINVAL;
    struct vp_mark *mk = mark_of(c, client, 1, now_ns);
    if (!mk->set || after(txid, mk->txid))
        mk->txid = txid;
    mk->set = 1;
    mk->used_ns = now_ns;
    /* A client process has one transaction at a time: its new one means it has its
     * previous reply (or gave up on it), so that reply's slot is the one to reuse. Each
     * client then holds at most one slot, and a full cache only evicts when more clients
     * than slots are talking to this node at once. (Taking any free slot first let the
     * replies whose ACKs were lost push out replies still on their way, whose clients'
     * retransmissions were then dropped as stale until the clients gave up.) */
    struct vp_reply *slot = 0, *oldest = &c->r[0];
    for (uint32_t i = 0; i < c->nr && !slot; i++)
        if (c->r[i].client == client && !after(c->r[i].txid, txid))
            slot = &c->r[i];
    for (uint32_t i = 0; i < c->nr && !slot; i++) {
        struct vp_reply *e = &c->r[i];
        if (!e->client || e->expires_ns <= now_ns)
            slot = e;
        else if (e->expires_ns < oldest->expires_ns)
            oldest = e;
    }
    if (!slot) {
        slot = oldest;
        c->evictions++;
    }
    slot->client = client;
    slot->txid = txid;
    slot->node = node;
    slot->expires_ns = now_ns + ttl_ns;
    slot->len = (uint16_t)len;
    memcpy(slot->pkt, pkt, len);
    return V_OK;
}

int vp_rcache_check(struct vp_rcache *c, v_pid_t client, uint32_t txid, uint64_t now_ns,
                    const struct vp_reply **out)
{
    for (uint32_t i = 0; i < c->nr; i++) {
        struct vp_reply *e = &c->r[i];
        if (e->client && e->client == client && e->txid == txid && e->expires_ns > now_ns) {
            *out = e;
            return VP_CACHED;
        }
    }
    struct vp_mark *mk = mark_of(c, client, 0, now_ns);
    if (mk && mk->set && !after(txid, mk->txid))
        return VP_STALE;
    return VP_NEW;
}

void vp_rcache_ack(struct vp_rcache *c, v_pid_t client, uint32_t txid)
{
    for (uint32_t i = 0; i < c->nr; i++)
        if (c->r[i].client == client && c->r[i].txid == txid)
            c->r[i].client = 0;
}
