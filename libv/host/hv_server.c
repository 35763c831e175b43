/*
 * hv_server.c - the server side of libv on Linux: REQUESTs from anyone, queued first
 * come first served for Receive as *aliens* (the kernel's word for a remote client's
 * stand-in); Reply and ReplyWithSegment; at-most-once execution.
 *
 * At most once: a duplicate of a request that is queued or being served is answered
 * PENDING; a duplicate of a replied one gets the cached REPLY again, data and all
 * (net/proto_rcache.c); an older one (at or below the client's watermark) is dropped.
 *
 * Group requests (VPF_MULTICAST, server = a group; docs/GROUPS.md) take the same path
 * when we are a member (hv_gmember.c), and are dropped silently when we are not: never
 * a NACK. Our REPLY and PENDING to them name the group and carry VPF_MULTICAST; the
 * reply is a message only. A reply with V_MSG_NO_REPLY declines: nothing is sent, and a
 * request sent with V_MSG_NO_REPLY is done once received. Both leave an empty entry in
 * the reply cache, so that copies of the request are dropped, never delivered again.
 * V_TEST_MISS_FIRST=1 (tests) drops every group request that is not flagged
 * VPF_RETRANSMIT: a member that misses the first copy of each and hears only repeats.
 *
 * Remote team creation (docs/PROTOCOL.md, VPF_START): a process we created on a node
 * with KS_CREATE_TEAM Sends us a REQUEST flagged VPF_START, and that node holds back our
 * KS_CREATE_TEAM reply until we answer it with PENDING. So it is answered PENDING at
 * once and held as RECEIVED (awaiting our reply) from the start, never queued: MoveTo,
 * MoveFrom and Reply (which starts it) need no Receive, and Forward refuses it
 * (hv_misc.c). Its copies get PENDING, and after our Reply the cached REPLY, as any.
 *
 * Entry points: v_receive, v_receive_from, v_receive_with_segment, v_reply,
 * v_reply_with_segment (v/ipc.h); hv_srv_request, hv_srv_ack, hv_alien_awaiting (hv.h).
 */
#include "hv.h"
#include <string.h>

_Static_assert(VP_RCACHE_PKT >= V_PROTO_MAX_PKT, "the reply cache must hold whole replies");

/* The alien of client's transaction txid, or 0. */
static struct hv_alien *alien_of_tx(v_pid_t client, uint32_t txid)
{
    for (int i = 0; i < HV_ALIENS; i++)
        if (hv.aliens[i].state != HV_ALIEN_FREE && hv.aliens[i].client == client &&
            hv.aliens[i].txid == txid)
            return &hv.aliens[i];
    return 0;
}

/* The alien of client's unicast request (a client has one at a time), or 0. Group
 * requests are not counted: a member may still hold one of them after its client has
 * moved on, since the client stops waiting at the first member's reply. */
static struct hv_alien *alien_unicast(v_pid_t client)
{
    for (int i = 0; i < HV_ALIENS; i++)
        if (hv.aliens[i].state != HV_ALIEN_FREE && hv.aliens[i].client == client &&
            !hv.aliens[i].group)
            return &hv.aliens[i];
    return 0;
}

/* The alien of `client` that awaits our reply (we received it; the oldest, if group
 * requests left several), else 0. */
struct hv_alien *hv_alien_awaiting(v_pid_t client)
{
    struct hv_alien *best = 0;

    for (int i = 0; i < HV_ALIENS; i++) {
        struct hv_alien *a = &hv.aliens[i];
        if (a->state == HV_ALIEN_RECEIVED && a->client == client &&
            (!best || a->order < best->order))
            best = a;
    }
    return best;
}

/* A duplicate of a replied request: the same REPLY again, data and all. An empty entry
 * is a group request that was declined or needed no reply: nothing to resend. */
static void resend_cached(const struct vp_reply *r, const struct hv_peer *to)
{
    if (!r->len)
        return;
    hv.st.cached_resent++;
    hv_xmit_raw(to, r->pkt, r->len);
}

static void send_pending(const struct v_proto_hdr *h, struct hv_alien *a)
{
    struct v_proto_hdr p = { .type = VP_PENDING, .flags = a->group ? VPF_MULTICAST : 0,
                             .txid = h->txid, .client = h->client,
                             .server = a->group ? a->group : hv.pid, .seq = a->seq++ };

    if (a->msg.flags & V_MSG_NO_REPLY)
        return;                     /* its client does not wait */

    hv.st.pending_sent++;
    hv_xmit(&a->from, &p, 0, 0);
}

/* Queue a new request (a VPF_START one is received at once). Only a READ grant's start
 * is taken along, at most seg_len. */
static void queue(struct hv_alien *a, const struct v_proto_hdr *h, const uint8_t *pl,
                  const struct hv_peer *to)
{
    uint32_t n = h->length - V_MSG_SIZE;

    a->start = !!(h->flags & VPF_START);
    a->state = a->start ? HV_ALIEN_RECEIVED : HV_ALIEN_QUEUED;
    a->client = h->client;
    a->txid = h->txid;
    a->group = v_pid_is_group(h->server) ? h->server : 0;
    a->from = *to;
    a->order = ++hv.order;
    a->seq = 1;
    vp_get_msg(pl, &a->msg);
    if (!(a->msg.flags & V_MSG_SEG_READ))
        n = 0;
    if (n > a->msg.seg_len)
        n = a->msg.seg_len;
    a->plen = n;
    memcpy(a->prefix, pl + V_MSG_SIZE, n);
    if (a->start)
        hv.st.starts++;
    else
        hv.st.requests++;
    if (a->group)
        hv.st.group_requests++;
}

/* The request of alien a is done without a REPLY on the wire (a group member declined,
 * or the request said V_MSG_NO_REPLY): an empty cache entry keeps its copies out. */
static void finish_silently(struct hv_alien *a)
{
    static const uint8_t none[1];

    vp_rcache_put(&hv.rc, a->client, a->txid, a->from.addr, none, 0, hv_now(), HV_REPLY_TTL_NS);
    a->state = HV_ALIEN_FREE;
}

/* A REQUEST (checked by the codec). Answers go to its aux:offset, or its source. A
 * newer unicast request from a client we hold an older one of replaces it: a client
 * sends one at a time, so it gave the older up. Requests for pids other than ours get
 * NACK V_ENOPROC. A group request is ours if we are a member (and did not send it: the
 * multicast loops back to us); otherwise it is dropped without a word. Group requests
 * never replace one another: each is delivered, once. A new VPF_START request is
 * answered PENDING at once (see the top). */
void hv_srv_request(const struct v_proto_hdr *h, const uint8_t *pl, const struct hv_peer *src)
{
    struct hv_peer to = { h->aux ? h->aux : src->addr,
                          h->offset ? (uint16_t)h->offset : src->port };
    struct hv_alien *a = alien_of_tx(h->client, h->txid);
    const struct vp_reply *r;

    if (v_pid_is_group(h->server)) {
        if (h->client == hv.pid || !hv_gm_member(h->server)) {
            hv.st.group_not_member++;
            return;
        }
        if (hv.miss_first && !(h->flags & VPF_RETRANSMIT)) {
            hv.st.test_missed++;        /* V_TEST_MISS_FIRST: as if it never came */
            return;
        }
    } else if (h->server != hv.pid) {
        hv_nack(&to, h, V_ENOPROC, 0);
        return;
    }
    if (a) {
        send_pending(h, a);
        return;
    }
    if (!v_pid_is_group(h->server))
        a = alien_unicast(h->client);
    if (a && !hv_after(h->txid, a->txid)) {
        hv.st.stale++;
        return;
    }
    switch (vp_rcache_check(&hv.rc, h->client, h->txid, hv_now(), &r)) {
    case VP_CACHED: resend_cached(r, &to); return;
    case VP_STALE:  hv.st.stale++; return;
    default:        break;
    }
    if (!a)
        for (int i = 0; i < HV_ALIENS && !a; i++)
            if (hv.aliens[i].state == HV_ALIEN_FREE)
                a = &hv.aliens[i];
    if (!a) {
        hv.st.full++;               /* the client retransmits; we may have room then */
        return;
    }
    queue(a, h, pl, &to);
    if (a->start)
        send_pending(h, a);         /* held already: the creator's KS_CREATE_TEAM waits on it */
}

/* The client has its reply: forget the packet (its watermark stays). */
void hv_srv_ack(const struct v_proto_hdr *h)
{
    vp_rcache_ack(&hv.rc, h->client, h->txid);
}

/* Wait for the oldest queued request (from `from` only, unless 0) and take it. */
static int receive(struct v_msg *m, v_pid_t from, struct hv_alien **out)
{
    int rc = hv_init();

    if (rc < 0)
        return rc;
    if (!m)
        return V_EBADADDR;
    for (;;) {
        struct hv_alien *best = 0;
        for (int i = 0; i < HV_ALIENS; i++) {
            struct hv_alien *a = &hv.aliens[i];
            if (a->state == HV_ALIEN_QUEUED && (!from || a->client == from) &&
                (!best || a->order < best->order))
                best = a;
        }
        if (best) {
            best->state = HV_ALIEN_RECEIVED;
            *m = best->msg;
            *out = best;
            /* A group request without reply is done now (a Reply to it is
             * V_ENOTAWAITING, as in the kernel). Its slot stays intact until the next
             * hv_service, so the caller still copies its data. */
            if (best->group && (best->msg.flags & V_MSG_NO_REPLY))
                finish_silently(best);
            return V_OK;
        }
        hv_service(HV_NEVER);
    }
}

int v_receive(struct v_msg *m, v_pid_t *from)
{
    struct hv_alien *a;
    int rc = receive(m, 0, &a);

    if (from)
        *from = rc < 0 ? V_PID_NONE : a->client;
    return rc;
}

int v_receive_from(struct v_msg *m, v_pid_t from)
{
    struct hv_alien *a;

    return receive(m, from, &a);
}

/* As v_receive, copying up to *len bytes of a READ grant into buf: the start came with
 * the request; more is fetched with MoveFrom. If that fails, *len says how much came. */
int v_receive_with_segment(struct v_msg *m, v_pid_t from_in, v_pid_t *from, void *buf,
                           uint32_t *len)
{
    uint32_t want = len ? *len : 0, n, k;
    struct hv_alien *a;
    int rc;

    if (from)
        *from = V_PID_NONE;
    if (want && !buf)
        return V_EBADADDR;
    if ((rc = receive(m, from_in, &a)) < 0) {
        if (len)
            *len = 0;
        return rc;
    }
    if (from)
        *from = a->client;
    n = (a->msg.flags & V_MSG_SEG_READ) ? (want < a->msg.seg_len ? want : a->msg.seg_len) : 0;
    k = n < a->plen ? n : a->plen;
    memcpy(buf, a->prefix, k);
    if (n > k && !a->group && v_move_from(a->client, (uint8_t *)buf + k, a->msg.seg_ptr + k, n - k) == V_OK)
        k = n;
    if (len)
        *len = k;
    return V_OK;
}

/* The REPLY, with n bytes of data for the client's address dest. Sent once, and kept
 * whole in the reply cache for duplicates. The alien is gone after this. */
static void send_reply(struct hv_alien *a, const struct v_msg *m, uint32_t dest,
                       const void *data, uint32_t n)
{
    struct v_proto_hdr h = { .type = VP_REPLY, .flags = a->group ? VPF_MULTICAST : 0,
                             .txid = a->txid, .client = a->client,
                             .server = a->group ? a->group : hv.pid,
                             .offset = n ? dest : 0, .aux = hv.pid, .seq = a->seq++ };
    uint8_t pl[V_MSG_SIZE + V_PROTO_MAX_DATA], pkt[V_PROTO_MAX_PKT];
    uint64_t now = hv_now();
    int len;

    vp_put_msg(m, pl);
    if (n)
        memcpy(pl + V_MSG_SIZE, data, n);
    len = vp_encode(&h, pl, V_MSG_SIZE + n, pkt, sizeof pkt);
    h.length = (uint16_t)(V_MSG_SIZE + n);
    hv_trace("out", &h, &a->from);
    hv_xmit_raw(&a->from, pkt, (uint32_t)len);
    vp_rcache_put(&hv.rc, a->client, a->txid, a->from.addr, pkt, (uint32_t)len, now,
                  HV_REPLY_TTL_NS);
    a->state = HV_ALIEN_FREE;
}

/* Reply m to `to`, which awaits our reply. To a group request, V_MSG_NO_REPLY in m's
 * flags declines: nothing is sent. Errors: V_EBADADDR (m null), V_ENOTAWAITING (not
 * received by us, or replied to already, or a group request sent without reply; a host
 * cannot tell whether a remote pid exists, so this stands for V_ENOPROC too). */
int v_reply(const struct v_msg *m, v_pid_t to)
{
    struct hv_alien *a;
    int rc = hv_init();

    if (rc < 0)
        return rc;
    if (!(a = hv_alien_awaiting(to)))
        return V_ENOTAWAITING;
    if (!m)
        return V_EBADADDR;
    if (a->group && (m->flags & V_MSG_NO_REPLY)) {
        hv.st.group_declined++;
        finish_silently(a);
        return V_OK;
    }
    send_reply(a, m, 0, 0, 0);
    return V_OK;
}

/* Write len bytes from src to dest in to's WRITE grant, then reply. Up to V_PROTO_MAX_DATA bytes
 * travel in the REPLY; more go first by MoveTo. On any error, to is not replied to.
 * Errors: as v_reply, V_ENOACCESS, V_ERANGE, V_EBADADDR (src null), v_move_to's. */
int v_reply_with_segment(const struct v_msg *m, v_pid_t to, uint32_t dest, const void *src,
                         uint32_t len)
{
    struct hv_alien *a;
    int rc = hv_init();

    if (rc < 0)
        return rc;
    if (!(a = hv_alien_awaiting(to)))
        return V_ENOTAWAITING;
    if (!m || (len && !src))
        return V_EBADADDR;
    if (a->group && len)
        return V_ENOACCESS;         /* a group's client gets a message only */
    if (a->group)
        return v_reply(m, to);
    if ((rc = v_msg_seg_check(&a->msg, dest, len, V_MSG_SEG_WRITE)))
        return rc;
    if (len > V_PROTO_MAX_DATA) {
        if ((rc = v_move_to(to, dest, src, len)) < 0)
            return rc;
        if (!(a = hv_alien_awaiting(to)))
            return V_ENOTAWAITING;
        len = 0;
    }
    send_reply(a, m, dest, src, len);
    return V_OK;
}
