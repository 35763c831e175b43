/*
 * fuzz_proto_rcache.c - net/proto_rcache.c (at-most-once execution) against a model of
 * what must be CACHED, STALE or NEW.
 *
 * Input: table sizes and a reply lifetime, then operations at increasing times: put a
 * reply of (client, txid), check a request, ack a reply. txids cluster around the
 * places serial arithmetic and boot epochs make interesting. The model keeps every
 * reply ever put and each client's watermark (the highest completed txid, by the
 * documented rule: [epoch:8 | count:24], a new epoch always later). After every
 * operation it checks the (client, txid) of the latest replies put, and one other:
 *   - CACHED only for a reply put for it, not acked, not expired, with that reply's
 *     bytes, node and expiry;
 *   - a live reply must be CACHED unless something could have pushed it out: an
 *     eviction since it was put, or a later reply of the same client whose txid is not
 *     before it (one slot per client);
 *   - otherwise STALE exactly when the client's watermark is at or after the txid;
 * and an eviction only when the model's live replies fill the table. Watermarks are
 * forgotten least recently used first, which the model follows too.
 * In exact mode (a lifetime longer than any input, and as long as no client has two
 * replies in the table: then the table's order would decide) the model also knows
 * which replies are in the table: a client's new reply takes its earlier one's slot,
 * else a free one, else the one closest to expiring is evicted; CACHED exactly for
 * those.
 */
#include <string.h>
#include <v/err.h>
#include "fuzz.h"
#include "proto_rcache.h"

#define NR_MAX 8
#define REC_MAX 256
#define NCLIENT 6

static const v_pid_t clients[NCLIENT] = { 0, 0x00800104u, 0x00800105u, 0x01000101u,
                                          0x7fffffffu, 0x00010001u };

struct rec {
    v_pid_t client;
    uint32_t txid, node, len, seed, evictions;
    uint64_t expires;
    int acked;
    int resident;                 /* exact mode: in the table now */
};

struct mark {
    v_pid_t client;
    uint32_t txid;
    uint64_t used;
};

static struct {
    struct rec r[REC_MAX];
    uint32_t nrec;
    struct mark mk[NR_MAX];
    uint32_t nmk, nm, nr;
    uint64_t now, ttl;
    int exact;                    /* nothing expires, no client holds two replies */
} md;

/* Is txid a later than b? A different epoch (the top byte) is always later. */
static int later(uint32_t a, uint32_t b)
{
    if (a >> 24 != b >> 24)
        return 1;
    uint32_t d = (a - b) & 0xffffffu;
    return d != 0 && d < 0x800000u;
}

static struct mark *model_mark(v_pid_t client)
{
    for (uint32_t i = 0; i < md.nmk; i++)
        if (md.mk[i].client == client)
            return &md.mk[i];
    return 0;
}

static void model_complete(v_pid_t client, uint32_t txid)
{
    struct mark *k = model_mark(client);
    if (!k) {
        if (md.nmk < md.nm) {
            k = &md.mk[md.nmk++];
        } else {
            k = &md.mk[0];                             /* forget the least recently used */
            for (uint32_t i = 1; i < md.nmk; i++)
                if (md.mk[i].used < k->used)
                    k = &md.mk[i];
        }
        k->client = client;
        k->txid = txid;
    } else if (later(txid, k->txid)) {
        k->txid = txid;
    }
    k->used = md.now;
}

static void fill(uint8_t *pkt, uint32_t len, uint32_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        pkt[i] = (uint8_t)(seed + i * 31);
}

static uint32_t pick_txid(struct fz *f)
{
    static const uint32_t base[8] = { 0x01000000u, 0x01000010u, 0x01800000u, 0x01ffffffu,
                                      0x02000000u, 0x00000000u, 0x017ffff8u, 0xff000005u };
    uint8_t sel = fz_u8(f);
    if (sel & 0x80)
        return fz_u32(f);
    return base[sel & 7] + ((sel >> 3) & 15) - 8;
}

/* Exact mode: which record the put of (client, txid) replaces or evicts (-1: none),
 * and whether that is an eviction. Leaves exact mode when the client would hold two. */
static int exact_victim(v_pid_t client, uint32_t txid, int *evicts)
{
    int oldest = -1;
    uint32_t n = 0;
    *evicts = 0;
    for (uint32_t i = 0; i < md.nrec; i++) {
        if (!md.r[i].resident)
            continue;
        if (md.r[i].client == client) {
            if (!later(md.r[i].txid, txid))
                return (int)i;                       /* its one slot, reused */
            md.exact = 0;                            /* a second slot: table order decides */
            return -1;
        }
        n++;
        if (oldest < 0 || md.r[i].expires < md.r[oldest].expires)
            oldest = (int)i;
    }
    *evicts = n == md.nr;                            /* full: the closest to expiring goes */
    return *evicts ? oldest : -1;
}

static void op_put(struct fz *f, struct vp_rcache *c)
{
    static uint8_t pkt[VP_RCACHE_PKT + 8];
    v_pid_t client = clients[fz_u8(f) % NCLIENT];
    uint32_t txid = pick_txid(f), node = fz_u32(f), len = fz_u16(f) % (VP_RCACHE_PKT + 8);
    uint32_t seed = fz_u8(f), before = c->evictions, nlive = 0;
    fill(pkt, len, seed);
    for (uint32_t i = 0; i < md.nrec; i++)
        nlive += !md.r[i].acked && md.r[i].expires > md.now;
    int rc = vp_rcache_put(c, client, txid, node, pkt, len, md.now, md.ttl), evicts = 0;
    if (len > VP_RCACHE_PKT || !client) {
        FZ_EQ(rc, V_EINVAL);
        FZ_EQ(c->evictions, before);
        return;
    }
    int gone = md.exact ? exact_victim(client, txid, &evicts) : -1;
    if (md.exact) {
        FZ_EQ(c->evictions, before + (uint32_t)evicts);
        if (gone >= 0)
            md.r[gone].resident = 0;
    }
    FZ_EQ(rc, V_OK);
    const struct vp_reply *out = 0;
    FZ_EQ(vp_rcache_check(c, client, txid, md.now, &out), VP_CACHED);
    FZ_EQ(out->len, len);
    FZ_CHECK(memcmp(out->pkt, pkt, len) == 0);
    FZ_CHECK(c->evictions == before || (c->evictions == before + 1 && nlive >= md.nr));
    model_complete(client, txid);
    md.r[md.nrec++] = (struct rec){ client, txid, node, len, seed, c->evictions,
                                    md.now + md.ttl, 0, 1 };
}

static void op_ack(struct fz *f, struct vp_rcache *c)
{
    v_pid_t client = clients[fz_u8(f) % NCLIENT];
    uint32_t txid = pick_txid(f);
    vp_rcache_ack(c, client, txid);
    for (uint32_t i = 0; i < md.nrec; i++)
        if (md.r[i].client == client && md.r[i].txid == txid)
            md.r[i].acked = 1, md.r[i].resident = 0;
}

/* Could the reply of record k have left the table other than by ack or expiry? */
static int may_be_gone(const struct vp_rcache *c, uint32_t k)
{
    if (c->evictions != md.r[k].evictions)
        return 1;
    for (uint32_t i = k + 1; i < md.nrec; i++)
        if (md.r[i].client == md.r[k].client && !later(md.r[k].txid, md.r[i].txid))
            return 1;
    return 0;
}

/* Is record k's reply still valid (not acked, not expired)? Is it the one in out? */
static int live(uint32_t k)
{
    return !md.r[k].acked && md.r[k].expires > md.now;
}

static int same(const struct vp_reply *out, uint32_t k)
{
    const struct rec *r = &md.r[k];
    uint32_t at[3] = { 0, r->len / 2, r->len - 1 };
    if (out->node != r->node || out->expires_ns != r->expires || out->len != r->len)
        return 0;
    for (int i = 0; i < 3 && r->len; i++)           /* op_put checked the rest once */
        if (out->pkt[at[i]] != (uint8_t)(r->seed + at[i] * 31))
            return 0;
    return 1;
}

/* CACHED: one of the valid replies put for (client, txid), as it was put (a reply put
 * twice may come back in either version). Else every valid one may have been pushed
 * out, and the watermark decides. */
static void check_one(struct vp_rcache *c, v_pid_t client, uint32_t txid)
{
    const struct vp_reply *out = 0;
    int v = vp_rcache_check(c, client, txid, md.now, &out), found = 0;
    for (uint32_t i = 0; i < md.nrec; i++) {
        if (md.r[i].client != client || md.r[i].txid != txid || !live(i))
            continue;
        if (md.exact)
            FZ_CHECK(v == VP_CACHED ? !md.r[i].resident || same(out, i) : !md.r[i].resident);
        if (v == VP_CACHED)
            found |= same(out, i) && (!md.exact || md.r[i].resident);
        else
            FZ_CHECK(may_be_gone(c, i));
    }
    if (v == VP_CACHED) {
        FZ_CHECK(found);
        FZ_EQ(out->client, client);
        FZ_EQ(out->txid, txid);
        return;
    }
    const struct mark *k = model_mark(client);
    FZ_EQ(v, k && !later(txid, k->txid) ? VP_STALE : VP_NEW);
}

/* The (client, txid) of the last 24 replies put, and one more the input names. */
static void check_all(struct fz *f, struct vp_rcache *c)
{
    for (uint32_t i = md.nrec > 24 ? md.nrec - 24 : 0; i < md.nrec; i++)
        check_one(c, md.r[i].client, md.r[i].txid);
    v_pid_t client = clients[fz_u8(f) % NCLIENT];
    check_one(c, client, pick_txid(f));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vp_reply r[NR_MAX];
    static struct vp_mark mk[NR_MAX];
    struct fz f = { data, size };
    struct vp_rcache c;
    memset(&md, 0, sizeof(md));
    md.nr = 1 + fz_u8(&f) % NR_MAX;
    md.nm = 1 + fz_u8(&f) % NR_MAX;
    uint8_t ttl = fz_u8(&f);
    md.exact = ttl >= 0x80;                           /* then nothing expires */
    md.ttl = md.exact ? 1ull << 40 : 1 + ttl * 16u;
    md.now = fz_u32(&f);
    vp_rcache_init(&c, r, md.nr, mk, md.nm);
    while (f.n && md.nrec < REC_MAX) {
        uint8_t op = fz_u8(&f);
        md.now += 1 + (op >> 2) * 8u;                 /* strictly increasing */
        if ((op & 3) == 0 || (op & 3) == 1)
            op_put(&f, &c);
        else if ((op & 3) == 2)
            op_ack(&f, &c);
        check_all(&f, &c);
    }
    return 0;
}
