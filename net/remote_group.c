/*
 * remote_group.c - group Sends on the wire (docs/GROUPS.md): the multicast REQUEST and
 * its retransmission for a local client, and the member side of a REQUEST from another
 * node. Membership, delivery to local members, the reply queue and GetReply are the
 * kernel's (kernel/group.c); this file sees none of them but through kernel/ipc_net.h.
 * Entry points: net_group_send, net_group_end (net.h); the rg_* functions of
 * remote_group.h.
 *
 * Client side: one multicast REQUEST per group Send, retransmitted on the unicast
 * schedule (100 ms, 200 ms, then every 400 ms; every 1 s after a PENDING) for as long as
 * the kernel keeps its reply window open (net_group_end), so that a member that missed
 * a copy still hears one. Every REPLY and PENDING goes up by ipc_net_group_reply, which
 * drops repeats.
 * Member side: a REQUEST for a group with local members becomes one group alien per
 * member (ipc_net_alien, ipc_net_deliver); a node without members stays silent (never a
 * NACK). A delivery record per (client, txid) answers retransmissions without
 * redelivering: the cached REPLY for members that replied, PENDING while any is busy.
 * All run with interrupts off (system calls, the NIC interrupt, the 10 ms tick).
 */
#include "net.h"
#include "remote.h"
#include "remote_group.h"
#include "ipc_net.h"
#include "kernel.h"
#include "udp.h"
#include "proto_codec.h"
#include <string.h>
#include <v/err.h>
#include <v/group.h>

#define MS              1000000ull
#define DELIV_TTL_NS    (10000u * MS)    /* a delivery record outlives every retransmission */
#define DELIV_MEMBERS   16

/* ---- client side, by the client's process slot ---- */
struct gwire {
    uint8_t active;                      /* retransmit until net_group_end */
    uint8_t pending;                     /* a member said PENDING: probe every second */
    v_pid_t client, group;
    uint32_t txid, sends;
    uint64_t next;                       /* when the next copy goes */
    uint16_t len;
    uint8_t pkt[V_PROTO_MAX_PKT];        /* the multicast REQUEST */
};
static struct gwire gw[IPC_NET_SLOTS];

/* ---- member side ---- */
enum { DM_QUEUED = 1, DM_REPLIED, DM_DECLINED };
struct deliv {
    v_pid_t client, group;               /* client 0: free */
    uint32_t txid, addr;
    uint16_t port;
    uint8_t n;
    uint64_t expires;
    struct { v_pid_t member; uint8_t state; struct v_msg reply; } m[DELIV_MEMBERS];
};
static struct deliv dl[16];

/* ---- client side ---- */

int net_group_send(uint32_t slot, v_pid_t client, v_pid_t g, uint32_t txid,
                   const struct v_msg *m, const void *data, uint32_t n, int wait)
{
    static uint8_t once[V_PROTO_MAX_PKT];    /* a Send nobody waits on is not repeated */
    rstats.group_mcasts++;
    if (!rp_online())
        return V_ENOPROC;                /* no network: local members only */
    if (wait && slot >= IPC_NET_SLOTS)
        return V_EINVAL;
    struct gwire *w = &gw[wait ? slot : 0];
    uint8_t *pkt = wait ? w->pkt : once;
    struct v_proto_hdr h = { .type = VP_REQUEST, .flags = VPF_MULTICAST, .txid = txid,
                             .client = client, .server = g };
    int len = rp_encode_request(&h, m, data, n, pkt);
    if (len < 0)
        return len;
    rp_send_raw(v_group_mcast_addr(g), V_PROTO_PORT, pkt, (uint32_t)len, 0);
    if (!wait)
        return V_OK;
    w->active = 1;
    w->pending = 0;
    w->client = client;
    w->group = g;
    w->txid = txid;
    w->sends = 1;
    w->len = (uint16_t)len;
    w->next = rp_now() + 100 * MS;
    return V_OK;
}

void net_group_end(uint32_t slot)
{
    if (slot < IPC_NET_SLOTS)
        gw[slot].active = 0;
}

void rg_tick(uint64_t now)
{
    for (uint32_t i = 0; i < IPC_NET_SLOTS; i++) {
        struct gwire *w = &gw[i];
        if (!w->active || now < w->next)
            continue;
        rp_send_raw(v_group_mcast_addr(w->group), V_PROTO_PORT, w->pkt, w->len, 1);
        w->next = now + (w->sends == 1 ? 200 : w->pending ? 1000 : 400) * MS;
        w->sends++;
    }
}

void rg_on_reply(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t src, uint16_t sport)
{
    rp_learn(v_pid_lhost(h->aux), src, sport);
    struct v_msg m;
    vp_get_msg(pl, &m);
    ipc_net_group_reply(h->client, h->txid, &m, h->aux);
}

void rg_on_pending(const struct v_proto_hdr *h)
{
    for (uint32_t i = 0; i < IPC_NET_SLOTS; i++)
        if (gw[i].active && gw[i].client == h->client && gw[i].txid == h->txid)
            gw[i].pending = 1;
    ipc_net_group_reply(h->client, h->txid, NULL, 0);
}

/* ---- member side ---- */

static struct deliv *deliv_find(v_pid_t client, uint32_t txid)
{
    uint64_t now = rp_now();
    for (uint32_t i = 0; i < sizeof(dl) / sizeof(dl[0]); i++)
        if (dl[i].client == client && dl[i].txid == txid && dl[i].expires > now)
            return &dl[i];
    return NULL;
}

static struct deliv *deliv_new(const struct v_proto_hdr *h, uint32_t addr, uint16_t port)
{
    struct deliv *d = &dl[0];
    for (uint32_t i = 1; i < sizeof(dl) / sizeof(dl[0]); i++)
        if (dl[i].expires < d->expires)
            d = &dl[i];
    memset(d, 0, sizeof(*d));
    d->client = h->client;
    d->group = h->server;
    d->txid = h->txid;
    d->addr = addr;
    d->port = port;
    d->expires = rp_now() + DELIV_TTL_NS;
    return d;
}

static void send_reply(const struct deliv *d, const struct v_msg *m, v_pid_t member, int again)
{
    uint8_t pl[V_MSG_SIZE], pkt[V_PROTO_HDR_SIZE + V_MSG_SIZE];
    vp_put_msg(m, pl);
    struct v_proto_hdr h = { .type = VP_REPLY, .flags = VPF_MULTICAST, .txid = d->txid,
                             .client = d->client, .server = d->group, .aux = member };
    int n = vp_encode(&h, pl, V_MSG_SIZE, pkt, sizeof(pkt));
    if (n > 0)
        rp_send_raw(d->addr, d->port, pkt, (uint32_t)n, again);
}

/* A retransmitted REQUEST: PENDING for members still busy, the reply for those done. */
static void deliv_again(struct deliv *d)
{
    d->expires = rp_now() + DELIV_TTL_NS;    /* a slow member is still being waited for */
    rp_aliens_heard(d->client, d->txid);
    int busy = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        if (d->m[i].state == DM_REPLIED)
            send_reply(d, &d->m[i].reply, d->m[i].member, 1);
        busy |= d->m[i].state == DM_QUEUED;
    }
    if (busy) {
        struct v_proto_hdr p = { .type = VP_PENDING, .flags = VPF_MULTICAST, .txid = d->txid,
                                 .client = d->client, .server = d->group };
        rp_send(d->addr, d->port, &p, 0, 0);
    }
    rstats.duplicates++;
}

/* Reserve a group alien for member `member`, its wire state filled. -1: not reached
 * (the member is gone), -2: no slot. */
static int member_alien(const struct v_proto_hdr *h, const uint8_t *pl, v_pid_t member,
                        uint32_t caddr, uint16_t cport)
{
    uint32_t slot;
    if (rp_aliens_full(caddr, 1))
        return -2;                       /* that node holds its share already */
    int err = ipc_net_alien(h->client, member, IPC_NET_GROUP, &slot);
    if (err)
        return err == V_ENOMEM ? -2 : -1;
    struct alien_info *ai = rp_info(slot);
    ai->live = 1;
    ai->kind = IPC_NET_GROUP;
    ai->client = h->client;
    ai->txid = h->txid;
    ai->addr = caddr;
    ai->port = cport;
    ai->heard_ns = rp_now();
    ai->group = h->server;
    ai->reply_len = 0;
    ai->data_len = (uint16_t)(h->length - V_MSG_SIZE);
    memcpy(ai->data, pl + V_MSG_SIZE, ai->data_len);
    rstats.aliens++;
    return (int)slot;
}

void rg_on_request(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t caddr,
                   uint16_t cport)
{
    struct deliv *d = deliv_find(h->client, h->txid);
    if (d) {
        deliv_again(d);
        return;
    }
    if (rp_stale(h->client, h->txid)) {
        rstats.stale++;                  /* the client has moved on */
        return;
    }
    v_pid_t mem[DELIV_MEMBERS];
    uint32_t k = ipc_net_members(h->server, mem, DELIV_MEMBERS);
    if (!k) {
        rstats.group_no_member++;        /* silence is how a group says "not here" */
        return;
    }
    if (k > DELIV_MEMBERS)
        k = DELIV_MEMBERS;
    d = deliv_new(h, caddr, cport);
    struct v_msg m;
    vp_get_msg(pl, &m);
    for (uint32_t i = 0; i < k; i++) {
        int slot = member_alien(h, pl, mem[i], caddr, cport);
        if (slot == -2)
            break;                       /* no slot: the rest are not reached */
        if (slot < 0)
            continue;
        d->m[d->n].member = mem[i];
        d->m[d->n].state = DM_QUEUED;
        d->n++;
        ipc_net_deliver((uint32_t)slot, &m, rp_info((uint32_t)slot)->data_len);
    }
}

void rg_member_reply(uint32_t slot, const struct v_msg *m, int status, v_pid_t replier)
{
    struct alien_info *ai = rp_info(slot);
    int decline = status < 0 || (m->flags & V_MSG_NO_REPLY);
    struct deliv *d = deliv_find(ai->client, ai->txid);
    uint32_t i = 0;
    while (d && i < d->n && d->m[i].member != replier)
        i++;
    if (d && i < d->n) {
        d->m[i].state = decline ? DM_DECLINED : DM_REPLIED;
        d->m[i].reply = *m;
    }
    if (!decline) {
        struct deliv one = { .client = ai->client, .group = ai->group, .txid = ai->txid,
                             .addr = ai->addr, .port = ai->port };
        send_reply(&one, m, replier, 0);
    }
}
