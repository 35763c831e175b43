/*
 * remote.c - IPC with other nodes: the client and server halves of a transaction
 * (docs/PROTOCOL.md). Entry points: net_send, net_forward, net_reply, net_stage,
 * net_request_data, net_forget, net_stats (net.h); remote_init and the rp_* helpers
 * (remote.h). Moves are in remote_move.c, group Sends in remote_group.c.
 *
 * Client half: a local process's Send to a remote pid is a client_txn (indexed by the
 * process's slot): the encoded REQUEST, kept for retransmission by proto_retx, until a
 * REPLY or NACK completes it (ipc_net_done) or the node is given up on.
 * Server half: a REQUEST for a local process becomes an *alien* record (V's term) that
 * the kernel queues on the receiver like a local sender (ipc_net_alien, ipc_net_deliver);
 * its Reply comes back here (net_reply) as a REPLY, which the reply cache keeps for
 * retransmitted duplicates. Everything reaches the kernel through kernel/ipc_net.h.
 */
#include "net.h"
#include "remote.h"
#include "remote_group.h"
#include "remote_move.h"
#include "ipc_net.h"
#include "kernel.h"
#include "lhost.h"
#include "mem.h"
#include "udp.h"
#include "proto_codec.h"
#include "proto_rcache.h"
#include "proto_retx.h"
#include "time.h"
#include <string.h>
#include <v/err.h>
#include <v/group.h>

#define REPLY_TTL_NS   (10ull * 1000000000u)   /* a reply outlives every retransmission */
#define FWD_TTL_NS     (10ull * 1000000000u)
#define TICK_NS        (10u * 1000000u)

struct v_net_stats rstats;
static struct lhost_entry lh_store[64];
static struct lhost_table lhosts;
static struct vp_reply rc_store[32];
static struct vp_mark mk_store[64];
static struct vp_rcache rcache;
static struct timer tick_timer;
static int online;
static uint32_t ticks_since_boot;

struct client_txn {
    uint8_t active, resolving;
    uint8_t start;                       /* VPF_START, its first PENDING not yet heard */
    uint32_t txid;
    v_pid_t client, server;
    uint32_t addr;
    uint16_t port, len;
    struct vp_retx retx;
    uint8_t pkt[V_PROTO_MAX_PKT];        /* the REQUEST, for retransmission */
};
static struct client_txn ctx[IPC_NET_SLOTS];

/* Requests passed on to another node: their retransmissions are passed on too. */
struct fwd {
    v_pid_t client, server;
    uint32_t txid, addr;
    uint16_t port, len;
    uint8_t resolving;
    uint64_t expires;
    struct vp_retx retx;
    uint8_t pkt[V_PROTO_MAX_PKT];
};
static struct fwd fwds[8];

uint64_t rp_now(void) { return time_now_ns(); }

void rp_send(uint32_t addr, uint16_t port, const struct v_proto_hdr *h, const void *pl,
             uint32_t plen)
{
    static uint8_t buf[V_PROTO_MAX_PKT];
    int n = vp_encode(h, pl, plen, buf, sizeof(buf));
    if (n > 0 && net_udp_send(V_PROTO_PORT, addr, port, buf, (uint32_t)n) == V_OK)
        rstats.tx++;
}

void rp_send_raw(uint32_t addr, uint16_t port, uint8_t *pkt, uint32_t len, int again)
{
    if (again) {
        pkt[5] |= VPF_RETRANSMIT;        /* flags, low byte: counters only */
        rstats.retransmits++;
    }
    if (net_udp_send(V_PROTO_PORT, addr, port, pkt, len) == V_OK)
        rstats.tx++;
}

void rp_nack(uint32_t addr, uint16_t port, const struct v_proto_hdr *about, int err)
{
    struct v_proto_hdr h = { .type = VP_NACK, .txid = about->txid, .client = about->client,
                             .server = about->server };
    uint8_t e[4];
    rp_put32(e, (uint32_t)err);
    rp_send(addr, port, &h, e, 4);
    rstats.nacks_sent++;
}

/* Ask every kernel, by multicast to the group all of them join, which node holds lhost.
 * (Host programs, which join nothing, ask by broadcast; kernels answer both.) */
static void send_where(uint32_t lhost)
{
    struct v_proto_hdr h = { .type = VP_WHERE, .flags = VPF_MULTICAST, .aux = lhost };
    rp_send(V_PROTO_KERNELS, V_PROTO_PORT, &h, 0, 0);
}

int rp_online(void) { return online && net_ipv4(); }
uint32_t rp_slots(void) { return v_proto_slots_for_mtu(net_mtu()); }
/* Bind lhost to where its packet came from. A binding that moves to another address is
 * news (V_EV_LHOST_MOVED, to this node's members): the node a logical host left is the
 * kernel at its old address, or, for a kernel's own logical host (n = 0, a node that
 * came back at another address), its home node. */
void rp_learn(uint32_t lhost, uint32_t addr, uint16_t port)
{
    if (lhost_learn(&lhosts, lhost, addr, port, rp_now()) != LHOST_MOVED)
        return;
    uint32_t from = lhost_node_at(&lhosts, lhosts.moved_from);
    if (!from && !(lhost & V_LHOST_N_MASK))
        from = v_lhost_home_node(lhost);
    ipc_net_event(V_EV_LHOST_MOVED, lhost, from, lhost_node_at(&lhosts, addr), addr);
}

int rp_stale(v_pid_t client, uint32_t txid)
{
    const struct vp_reply *r;
    return vp_rcache_check(&rcache, client, txid, rp_now(), &r) == VP_STALE;
}

/* ---- client half ---- */

int rp_client(v_pid_t client, uint32_t txid)
{
    for (int i = 0; i < IPC_NET_SLOTS; i++)
        if (ctx[i].active && ctx[i].txid == txid && ctx[i].client == client)
            return i;
    return -1;
}

/* Send (or, resolving, look for) the transaction's server. */
static void client_transmit(struct client_txn *t, int again)
{
    if (t->resolving)
        send_where(v_pid_lhost(t->server));
    else
        rp_send_raw(t->addr, t->port, t->pkt, t->len, again);
}

int rp_encode_request(struct v_proto_hdr *h, const struct v_msg *m, const void *data,
                      uint32_t n, uint8_t *pkt)
{
    uint8_t pl[V_MSG_SIZE + V_PROTO_MAX_DATA];
    if (n > V_PROTO_MAX_DATA)
        return V_ERANGE;
    vp_put_msg(m, pl);
    memcpy(pl + V_MSG_SIZE, data, n);
    return vp_encode(h, pl, V_MSG_SIZE + n, pkt, V_PROTO_MAX_PKT);
}

int net_send(uint32_t slot, v_pid_t client, v_pid_t to, const struct v_msg *m,
             const void *data, uint32_t n, int start)
{
    if (!rp_online() || slot >= IPC_NET_SLOTS)
        return V_ENOPROC;                /* no network: no other node is reachable */
    struct client_txn *t = &ctx[slot];
    struct v_proto_hdr h = { .type = VP_REQUEST, .flags = start ? VPF_START : 0,
                             .txid = ipc_net_txid(), .client = client, .server = to };
    int len = rp_encode_request(&h, m, data, n, t->pkt);
    if (len < 0)
        return len;
    t->len = (uint16_t)len;
    t->txid = h.txid;
    t->client = client;
    t->server = to;
    t->active = 1;
    t->start = (uint8_t)!!start;
    t->resolving = lhost_lookup(&lhosts, v_pid_lhost(to), &t->addr, &t->port) != V_OK;
    vp_retx_start(&t->retx, rp_now());
    client_transmit(t, 0);
    return V_OK;
}

static void on_reply(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t src, uint16_t sport)
{
    /* No ACK: the client's next request (a later txid) acknowledges this reply, and the
     * server keeps one reply per client, so the ACK would only cost a packet on the
     * critical path (VMTP's implicit acknowledgment). Servers still accept ACKs. */
    if (h->flags & VPF_MULTICAST) {      /* one member's reply to a group Send */
        rg_on_reply(h, pl, src, sport);
        return;
    }
    int s = rp_client(h->client, h->txid);
    if (s < 0)
        return;
    rp_learn(v_pid_lhost(h->aux), src, sport);
    struct v_msg m;
    vp_get_msg(pl, &m);
    uint32_t n = h->length - V_MSG_SIZE;
    if (n && ipc_net_write(h->client, h->offset, pl + V_MSG_SIZE, n, 1))
        rstats.malformed[VPD_PAYLOAD]++; /* its data does not fit the grant: dropped */
    ctx[s].active = 0;
    ipc_net_done(h->client, &m, V_OK, h->aux);
}

static void on_here(uint32_t lhost, uint32_t src, uint16_t sport)
{
    rp_learn(lhost, src, sport);
    for (uint32_t i = 0; i < IPC_NET_SLOTS; i++) {
        struct client_txn *t = &ctx[i];
        if (t->active && t->resolving && v_pid_lhost(t->server) == lhost) {
            t->addr = src;
            t->port = sport;
            t->resolving = 0;
            vp_retx_start(&t->retx, rp_now());
            client_transmit(t, 0);
        }
    }
    for (uint32_t i = 0; i < sizeof(fwds) / sizeof(fwds[0]); i++)
        if (fwds[i].resolving && v_pid_lhost(fwds[i].server) == lhost) {
            fwds[i].addr = src;
            fwds[i].port = sport;
            fwds[i].resolving = 0;
            rp_send_raw(src, sport, fwds[i].pkt, fwds[i].len, 0);
        }
}

/* ---- server half ---- */

static struct alien_info ainfo[IPC_NET_SLOTS];
struct alien_info *rp_info(uint32_t slot) { return &ainfo[slot]; }

int net_stage(uint32_t slot, uint32_t addr, const void *src, uint32_t len)
{
    struct alien_info *ai = &ainfo[slot];
    if (ai->reply_len && addr != ai->reply_addr + ai->reply_len)
        return V_EINVAL;                 /* one contiguous piece per reply */
    if (len > (uint32_t)V_PROTO_MAX_DATA - ai->reply_len)
        return V_ERANGE;
    if (!ai->reply_len)
        ai->reply_addr = addr;
    memcpy(ai->reply + ai->reply_len, src, len);
    ai->reply_len = (uint16_t)(ai->reply_len + len);
    return V_OK;
}

const uint8_t *net_request_data(uint32_t slot, uint32_t *n)
{
    *n = ainfo[slot].data_len;
    return ainfo[slot].data;
}

/* The REPLY (or NACK, status < 0) that answers unicast alien ai, from replier. */
static void reply_unicast(struct alien_info *ai, const struct v_msg *m, int status,
                          v_pid_t replier)
{
    struct v_proto_hdr about = { .txid = ai->txid, .client = ai->client, .server = replier };
    if (status < 0) {
        rp_nack(ai->addr, ai->port, &about, status);
        return;
    }
    static uint8_t pl[V_MSG_SIZE + V_PROTO_MAX_DATA], pkt[V_PROTO_MAX_PKT];
    vp_put_msg(m, pl);
    memcpy(pl + V_MSG_SIZE, ai->reply, ai->reply_len);
    struct v_proto_hdr h = { .type = VP_REPLY, .txid = ai->txid, .client = ai->client,
                             .server = replier, .aux = replier, .offset = ai->reply_addr };
    int n = vp_encode(&h, pl, V_MSG_SIZE + ai->reply_len, pkt, sizeof(pkt));
    if (n > 0) {
        rp_send_raw(ai->addr, ai->port, pkt, (uint32_t)n, 0);
        vp_rcache_put(&rcache, ai->client, ai->txid, ai->addr, pkt, (uint32_t)n, rp_now(),
                      REPLY_TTL_NS);
    }
}

void net_reply(uint32_t slot, const struct v_msg *m, int status, v_pid_t replier)
{
    struct alien_info *ai = &ainfo[slot];
    if (!ai->live)
        return;
    if (ai->kind == IPC_NET_GROUP)
        rg_member_reply(slot, m, status, replier);
    else
        reply_unicast(ai, m, status, replier);
    ai->live = 0;
}

static struct fwd *fwd_find(v_pid_t client, uint32_t txid)
{
    for (uint32_t i = 0; i < sizeof(fwds) / sizeof(fwds[0]); i++)
        if (fwds[i].client == client && fwds[i].txid == txid && fwds[i].expires > rp_now())
            return &fwds[i];
    return NULL;
}

int rp_aliens_full(uint32_t addr, int group)
{
    uint32_t n = 0, ng = 0;
    for (int i = 0; i < IPC_NET_SLOTS; i++)
        if (ainfo[i].live && ainfo[i].addr == addr) {
            n++;
            ng += ainfo[i].kind == IPC_NET_GROUP;
        }
    if (n < RP_ALIENS_PER_NODE && (!group || ng < RP_GROUP_ALIENS_PER_NODE))
        return 0;
    rstats.aliens_refused++;
    return 1;
}

void rp_aliens_heard(v_pid_t client, uint32_t txid)
{
    for (int i = 0; i < IPC_NET_SLOTS; i++)
        if (ainfo[i].live && ainfo[i].client == client && ainfo[i].txid == txid)
            ainfo[i].heard_ns = rp_now();
}

/* Forget the aliens whose clients stopped asking for them (RP_ALIEN_IDLE_NS). */
static void aliens_expire(uint64_t now)
{
    for (uint32_t i = 0; i < IPC_NET_SLOTS; i++)
        if (ainfo[i].live && now - ainfo[i].heard_ns > RP_ALIEN_IDLE_NS) {
            ainfo[i].live = 0;
            rstats.aliens_expired++;
            ipc_net_free(i);
        }
}

/* The slot of the unicast alien that stands for remote client `client`, or -1. */
static int alien_of(v_pid_t client)
{
    for (int i = 0; i < IPC_NET_SLOTS; i++)
        if (ainfo[i].live && ainfo[i].kind == IPC_NET_UNICAST && ainfo[i].client == client)
            return i;
    return -1;
}

/* Answer a request that is not new; returns 1 if it was one. */
static int duplicate(const struct v_proto_hdr *h, uint32_t caddr, uint16_t cport)
{
    int a = alien_of(h->client);
    if (a >= 0 && ainfo[a].txid == h->txid) {
        ainfo[a].heard_ns = rp_now();    /* its client still waits */
        struct v_proto_hdr p = { .type = VP_PENDING, .txid = h->txid, .client = h->client,
                                 .server = h->server };
        rp_send(caddr, cport, &p, 0, 0);
        rstats.duplicates++;
        return 1;
    }
    struct fwd *f = fwd_find(h->client, h->txid);
    if (f) {
        if (!f->resolving)
            rp_send_raw(f->addr, f->port, f->pkt, f->len, 1);
        return 1;
    }
    const struct vp_reply *r;
    int v = vp_rcache_check(&rcache, h->client, h->txid, rp_now(), &r);
    if (v == VP_CACHED) {
        rstats.duplicates++;
        rp_send_raw(caddr, cport, (uint8_t *)r->pkt, r->len, 1);
    } else if (v == VP_STALE) {
        rstats.stale++;
    }
    if (v == VP_NEW && a >= 0) {         /* its client gave up on the old one */
        ainfo[a].live = 0;
        ipc_net_free((uint32_t)a);
    }
    return v != VP_NEW;
}

static void on_request(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t src, uint16_t sport)
{
    uint32_t caddr = h->aux ? h->aux : src;
    uint16_t cport = h->offset ? (uint16_t)h->offset : sport;
    rp_learn(v_pid_lhost(h->client), caddr, cport);
    if (h->flags & VPF_MULTICAST) {      /* to a group: never NACKed (remote_group.c) */
        rg_on_request(h, pl, caddr, cport);
        return;
    }
    if (duplicate(h, caddr, cport))
        return;
    if (rp_aliens_full(caddr, 0)) {
        rp_nack(caddr, cport, h, V_ENOMEM);   /* that node holds its share already */
        return;
    }
    uint32_t slot;
    int start = !!(h->flags & VPF_START);
    int err = ipc_net_alien(h->client, h->server, start ? IPC_NET_START : IPC_NET_UNICAST,
                            &slot);
    if (err) {
        rp_nack(caddr, cport, h, err);
        return;
    }
    rstats.aliens++;
    struct alien_info *ai = &ainfo[slot];
    ai->live = 1;
    ai->kind = IPC_NET_UNICAST;
    ai->client = h->client;
    ai->txid = h->txid;
    ai->addr = caddr;
    ai->port = cport;
    ai->heard_ns = rp_now();
    ai->reply_len = 0;
    ai->reply_addr = 0;
    ai->data_len = (uint16_t)(h->length - V_MSG_SIZE);
    memcpy(ai->data, pl + V_MSG_SIZE, ai->data_len);
    struct v_msg m;
    vp_get_msg(pl, &m);
    ipc_net_deliver(slot, &m, ai->data_len);
    if (start) {                         /* held at once: say so now (its creator's reply waits on it) */
        struct v_proto_hdr p = { .type = VP_PENDING, .txid = h->txid, .client = h->client,
                                 .server = h->server };
        rp_send(caddr, cport, &p, 0, 0);
    }
}

int net_forward(uint32_t slot, v_pid_t to, const struct v_msg *m)
{
    struct alien_info *ai = &ainfo[slot];
    if (!ai->live || ai->kind != IPC_NET_UNICAST)
        return V_ENOACCESS;
    struct fwd *f = &fwds[0];
    for (uint32_t i = 0; i < sizeof(fwds) / sizeof(fwds[0]); i++)
        if (fwds[i].expires < f->expires)
            f = &fwds[i];
    struct v_proto_hdr h = { .type = VP_REQUEST, .txid = ai->txid, .client = ai->client,
                             .server = to, .aux = ai->addr, .offset = ai->port };
    int n = rp_encode_request(&h, m, ai->data, ai->data_len, f->pkt);
    if (n < 0)
        return n;
    f->len = (uint16_t)n;
    f->client = ai->client;
    f->server = to;
    f->txid = ai->txid;
    f->expires = rp_now() + FWD_TTL_NS;
    f->resolving = lhost_lookup(&lhosts, v_pid_lhost(to), &f->addr, &f->port) != V_OK;
    vp_retx_start(&f->retx, rp_now());
    if (f->resolving)
        send_where(v_pid_lhost(to));
    else
        rp_send_raw(f->addr, f->port, f->pkt, f->len, 0);
    ai->live = 0;
    return V_OK;
}

void net_forget(uint32_t slot, v_pid_t pid)
{
    if (slot >= IPC_NET_SLOTS)
        return;
    if (ctx[slot].client == pid)
        ctx[slot].active = 0;
    net_group_end(slot);                 /* its group Send ends */
    move_forget(slot, pid);
}

void net_stats(struct v_net_stats *out)
{
    *out = rstats;
    struct net_nic_stats n;
    for (uint32_t i = 0; net_nic_stats(i, &n) == V_OK; i++) {
        out->tx_inplace += n.tx_inplace;
        out->tx_gso += n.tx_gso;
        out->rx_gso += n.rx_gso;
    }
    out->pages_held = mem_pages_held();
}

/* ---- receipt ---- */

static void on_nack(const struct v_proto_hdr *h, const uint8_t *pl)
{
    int err = (int32_t)rp_get32(pl);
    if (v_pid_is_group(h->server))
        return;                          /* nobody NACKs a group Send; ignore a forged one */
    int s = rp_client(h->client, h->txid);
    if (s < 0) {
        move_on_nack(h, err);
        return;
    }
    ctx[s].active = 0;
    ipc_net_done(h->client, NULL, err, 0);
}

static void receive(void *arg, uint32_t src, uint16_t sport, const void *data, uint32_t len)
{
    (void)arg;
    struct v_proto_hdr h;
    const uint8_t *pl;
    rstats.rx++;
    int why = vp_decode(data, len, &h, &pl);
    if (why != VPD_OK) {
        rstats.malformed[why]++;
        return;
    }
    int s;
    switch (h.type) {
    case VP_REQUEST:  on_request(&h, pl, src, sport); break;
    case VP_REPLY:    on_reply(&h, pl, src, sport); break;
    case VP_PENDING:
        if (h.flags & VPF_MULTICAST)
            rg_on_pending(&h);
        else if ((s = rp_client(h.client, h.txid)) >= 0) {
            vp_retx_heard(&ctx[s].retx, rp_now(), 1);
            if (ctx[s].start) {          /* the creator's kernel holds the new process */
                ctx[s].start = 0;
                ipc_net_done(h.client, NULL, V_OK, 0);
            }
        }
        break;
    case VP_NACK:     on_nack(&h, pl); break;
    case VP_ACK:      vp_rcache_ack(&rcache, h.client, h.txid); break;
    case VP_DATA:     move_on_data(&h, pl, src, sport); break;
    case VP_DATA_ACK: move_on_ack(&h); break;
    case VP_MOVE_FROM: move_on_move_from(&h, src, sport); break;
    case VP_WHERE:
        if (h.aux == node_lhost) {
            struct v_proto_hdr r = { .type = VP_HERE, .aux = node_lhost };
            rp_send(src, sport, &r, 0, 0);
        }
        break;
    case VP_HERE:     on_here(h.aux, src, sport); break;
    }
}

/* Every 10 ms: retransmit what is due, give up on what is dead. */
static void tick(struct timer *tm)
{
    uint64_t now = rp_now();
    for (uint32_t i = 0; i < IPC_NET_SLOTS; i++) {
        struct client_txn *t = &ctx[i];
        if (!t->active)
            continue;
        enum vp_retx_action a = vp_retx_due(&t->retx, now);
        if (a == VP_RETX_SEND) {
            client_transmit(t, 1);
        } else if (a == VP_RETX_GIVE_UP) {
            t->active = 0;
            rstats.give_ups++;
            uint32_t node = v_lhost_home_node(v_pid_lhost(t->server));
            if (!t->resolving && node)   /* news for V_GROUP_EV_NODE's local members */
                ipc_net_event(V_EV_NODE_DOWN, node, t->addr, V_EV_DOWN_SILENT, 0);
            ipc_net_done(t->client, NULL, t->resolving ? V_ENOPROC : V_ETIMEOUT, 0);
        }
    }
    for (uint32_t i = 0; i < sizeof(fwds) / sizeof(fwds[0]); i++)
        if (fwds[i].resolving && fwds[i].expires > now &&
            vp_retx_due(&fwds[i].retx, now) == VP_RETX_SEND)
            send_where(v_pid_lhost(fwds[i].server));
    move_tick(now);
    rg_tick(now);
    if (ticks_since_boot % 100 == 0)
        aliens_expire(now);              /* once a second */
    if (++ticks_since_boot == 100 || ticks_since_boot == 500)
        net_mcast_report();              /* at 1 s and 5 s: in case the boot's reports were missed */
    time_arm(tm, now + TICK_NS);
}

void remote_init(void)
{
    lhost_init(&lhosts, lh_store, sizeof(lh_store) / sizeof(lh_store[0]));
    vp_rcache_init(&rcache, rc_store, sizeof(rc_store) / sizeof(rc_store[0]), mk_store,
                   sizeof(mk_store) / sizeof(mk_store[0]));
    if (net_udp_listen(V_PROTO_PORT, receive, 0) != V_OK) {
        kprintf("remote: cannot listen on UDP port %u; remote IPC is off\n", V_PROTO_PORT);
        return;
    }
    if (net_mcast(V_PROTO_KERNELS, 1) != V_OK)
        kprintf("remote: cannot join 239.86.0.1; logical hosts are learned from traffic only\n");
    online = 1;
    if (net_ipv4())
        ipc_net_event(V_EV_NODE_UP, node_id, net_ipv4(), node_lhost, 0);
    timer_init(&tick_timer, tick, 0);
    time_arm(&tick_timer, rp_now() + TICK_NS);
}
