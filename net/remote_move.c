/*
 * remote_move.c - MoveTo and MoveFrom across the network: DATA packets in groups of 32
 * slots (44 KiB; a packet carries one slot, or up to 6 with jumbo frames), up to
 * VP_WINDOW groups in flight, a DATA_ACK bitmap per group, selective
 * retransmission of what is missing (docs/PROTOCOL.md, "Bulk data"; the windows are
 * net/proto_window.c). A move op is either the sending side (it reads the local
 * process's memory and sends DATA) or the receiving side of a MoveFrom (it sent
 * MOVE_FROM and writes the DATA that comes back). DATA for a MoveTo into a local client
 * needs no op: it is checked against the client's grant and written at once, and a
 * receive window per client process (crx) says which packets it holds.
 * Entry points: net_move (net.h); the move_* functions of remote_move.h. Processes'
 * memory is reached only through kernel/ipc_net.h (ipc_net_pieces, ipc_net_write).
 */
#include "net.h"
#include "remote.h"
#include "remote_move.h"
#include "ipc_net.h"
#include "kernel.h"
#include "udp.h"
#include "netprof.h"
#include "proto_codec.h"
#include "proto_retx.h"
#include "proto_window.h"
#include <string.h>
#include <v/err.h>

#define GROUP  V_PROTO_GROUP_BYTES
#define PKT    V_PROTO_MAX_DATA
#define NMOVES 8

struct move_op {
    uint8_t used, sender;
    uint32_t txid;
    v_pid_t client, server;
    v_pid_t local;                   /* whose memory: the mover, or the client */
    uint8_t granted;                 /* local is the client: only inside its grant */
    int wake;                        /* local is blocked until the move ends */
    uint32_t local_base, client_base, total;
    uint32_t id;                     /* this move's number: DATA's seq = id << 16 | packet */
    uint32_t addr;                   /* the other kernel */
    uint16_t port;
    struct vp_txwin tx;              /* sender: the groups in flight and their acks */
    struct vp_rxwin rx;              /* receiver of a MoveFrom: the packets that came */
    struct vp_retx retx;
};
static struct move_op moves[NMOVES];
static uint32_t next_move_id;

/* What arrived of the move that DATA for a local client's transaction belongs to. */
struct client_rx {
    uint8_t live;
    v_pid_t client, mover;
    uint32_t txid, move;             /* the transaction, the mover's number of the move */
    struct vp_rxwin win;
};
static struct client_rx crx[IPC_NET_SLOTS];

static void finish(struct move_op *op, int status)
{
    op->used = 0;
    if (op->wake)
        ipc_net_move_done(op->local, status);
}

/* The packets of a burst being gathered, each its header and the mover's pieces: one
 * GSO frame when the NIC has the host cut frames (net_udp_gso_ok), else one datagram
 * each. */
#define GSO_MOST 32                      /* packets in one frame: a group's slots */
#define GSO_BYTES 65000                  /* and its payload, under IPv4's 64 KiB */
struct gso_batch {
    uint8_t hdr[GSO_MOST][V_PROTO_HDR_SIZE + 4];
    struct net_iov v[NET_GSO_IOV];
    int first[GSO_MOST + 1];         /* packet p is v[first[p] .. first[p + 1]) */
    int npk, nv;
    uint32_t seg;                    /* every packet's length but the last's */
};

/* Send what the batch holds: one frame cut into its packets by the NIC or host when it
 * can, else one datagram each. */
static void gso_flush(struct move_op *op, struct gso_batch *b)
{
    if (!b->npk)
        return;
    b->first[b->npk] = b->nv;
    int err = b->npk > 1 && net_udp_gso_ok()
                  ? net_udp_send_gso(V_PROTO_PORT, op->addr, op->port, b->v, b->nv, b->seg)
                  : 1;
    if (err == 1) {
        for (int p = 0; p < b->npk; p++)
            if (net_udp_sendv(V_PROTO_PORT, op->addr, op->port, b->v + b->first[p],
                              b->first[p + 1] - b->first[p]) == V_OK)
                rstats.tx++;
    } else if (err == V_OK) {
        rstats.tx += (uint32_t)b->npk;
    }
    b->npk = b->nv = 0;
}

/* Send the slots of group g named by mask, as packets of up to rp_slots() slots each
 * (more than one only with jumbo frames), LAST on the one holding the highest, in one
 * burst for the NIC. The bytes are gathered from the local process's pages straight into
 * the NIC's buffer (no copy of our own). A page gone from under the move ends it. */
static void send_packets(struct move_op *op, uint32_t g, uint32_t mask, int again)
{
    uint32_t i, n, k = rp_slots();
    static struct gso_batch batch;       /* interrupts are off: one sender at a time */
    struct gso_batch *b = &batch;
    net_tx_hold();
    while (op->used && (n = vp_win_run(&mask, k, &i))) {
        NP_START(t0);
        uint32_t off = g * GROUP + i * PKT;
        uint32_t len = op->total - off < n * PKT ? op->total - off : n * PKT;
        const uint8_t *piece[NET_UDP_IOV - 1];
        uint32_t plen[NET_UDP_IOV - 1];
        int np = ipc_net_pieces(op->local, op->local_base + off, len, op->granted, piece,
                                plen, NET_UDP_IOV - 1);
        if (np < 0) {                    /* its team shrank, or it died, mid-move */
            if (!op->wake) {             /* our client's bytes for a remote MoveFrom: say so */
                struct v_proto_hdr about = { .txid = op->txid, .client = op->client,
                                             .server = op->server };
                rp_nack(op->addr, op->port, &about, V_EBADADDR);
            }
            finish(op, V_EBADADDR);
            break;
        }
        struct v_proto_hdr h = { .type = VP_DATA, .flags = (uint16_t)(!mask ? VPF_LAST : 0),
                                 .txid = op->txid, .client = op->client, .server = op->server,
                                 .offset = off, .aux = op->total,
                                 .seq = (op->id << 16) | (off / PKT) };
        if (again)
            h.flags |= VPF_RETRANSMIT;
        uint32_t plen_all = V_PROTO_HDR_SIZE + 4 + len;   /* the header, the client address */
        if (b->npk && (plen_all > b->seg || b->npk == GSO_MOST ||
                       (b->npk + 1) * b->seg > GSO_BYTES || b->nv + 1 + np > NET_GSO_IOV))
            gso_flush(op, b);
        if (!b->npk)
            b->seg = plen_all;
        uint8_t *hdr = b->hdr[b->npk];
        vp_encode_hdr(&h, 4 + len, hdr);
        rp_put32(hdr + V_PROTO_HDR_SIZE, op->client_base + off);
        b->first[b->npk++] = b->nv;
        b->v[b->nv++] = (struct net_iov){ hdr, V_PROTO_HDR_SIZE + 4, 0 };
        for (int j = 0; j < np; j++)
            b->v[b->nv++] = (struct net_iov){ piece[j], plen[j], 1 };   /* the mover's pages */
        if (plen_all < b->seg)
            gso_flush(op, b);            /* a shorter packet can only be the last */
        NP_END(NP_MOVEPKT, t0);
    }
    gso_flush(op, b);
    net_tx_release();
    if (again)
        rstats.retransmits++;
}

/* Send every group the window lets out for the first time. */
static void send_new(struct move_op *op)
{
    uint32_t g;
    while (op->used && vp_txwin_next(&op->tx, &g))
        send_packets(op, g, vp_win_mask(op->total, g), 0);
}

/* A timeout, or the other side's repeated MOVE_FROM: probe every group in flight that
 * is not wholly acknowledged with its last unacknowledged packet (LAST set), whose
 * DATA_ACK will name what is missing. Resending all of it would put up to a window of
 * packets more on a network (or a host) that is slow already. */
static void probe(struct move_op *op)
{
    for (uint32_t g = op->tx.una; g < op->tx.next && op->used; g++) {
        uint32_t m = vp_txwin_missing(&op->tx, g);
        if (m)
            send_packets(op, g, 1u << (31 - __builtin_clz(m)), 1);
    }
}

static struct move_op *find(const struct v_proto_hdr *h, int sender)
{
    for (int i = 0; i < NMOVES; i++) {
        struct move_op *op = &moves[i];
        if (op->used && op->sender == sender && op->txid == h->txid &&
            op->client == h->client && op->server == h->server)
            return op;
    }
    return NULL;
}

static struct move_op *alloc(void)
{
    for (int i = 0; i < NMOVES; i++)
        if (!moves[i].used) {
            memset(&moves[i], 0, sizeof(moves[i]));
            moves[i].used = 1;
            next_move_id = (next_move_id + 1) & 0xffffu;
            moves[i].id = next_move_id;
            return &moves[i];
        }
    return NULL;
}

static void send_ack(uint32_t addr, uint16_t port, const struct v_proto_hdr *d, uint32_t group,
                     uint32_t bits)
{
    struct v_proto_hdr h = { .type = VP_DATA_ACK, .txid = d->txid, .client = d->client,
                             .server = d->server, .offset = group * GROUP, .aux = bits,
                             .seq = d->seq };   /* echoed: it names the move */
    rp_send(addr, port, &h, 0, 0);
}

int net_move(uint32_t slot, v_pid_t mover, uint32_t client_addr, uint32_t local_addr,
             uint32_t len, int write)
{
    struct alien_info *ai = rp_info(slot);
    if (!ai->live || ai->kind != IPC_NET_UNICAST)
        return V_ENOACCESS;              /* a group Send's client grants no moves */
    struct move_op *op = alloc();
    if (!op)
        return V_ENOMEM;
    rstats.moves++;
    op->sender = (uint8_t)write;
    op->txid = ai->txid;
    op->client = ai->client;
    op->server = mover;
    op->local = mover;
    op->wake = 1;
    op->local_base = local_addr;
    op->client_base = client_addr;
    op->total = len;
    op->addr = ai->addr;
    op->port = ai->port;
    vp_retx_start(&op->retx, rp_now());
    if (write) {
        vp_txwin_start(&op->tx, len);
        send_new(op);
    } else {
        vp_rxwin_start(&op->rx, len);
        struct v_proto_hdr h = { .type = VP_MOVE_FROM, .txid = op->txid, .client = op->client,
                                 .server = op->server, .offset = client_addr, .aux = len };
        rp_send(op->addr, op->port, &h, 0, 0);
    }
    return V_OK;
}

/* The receive window of the move DATA h (for the local client in slot s) belongs to: a
 * new one for a new transaction, mover or move; NULL for a late copy of an earlier move
 * of the same mover, which must never be written over what a later move wrote. */
static struct vp_rxwin *client_window(int s, const struct v_proto_hdr *h)
{
    struct client_rx *r = &crx[s];
    uint32_t move = h->seq >> 16;
    if (r->live && r->client == h->client && r->txid == h->txid && r->mover == h->server) {
        if (move == r->move)
            return r->win.total == h->aux ? &r->win : NULL;
        if ((int16_t)(uint16_t)(move - r->move) < 0)
            return NULL;
    }
    r->live = 1;
    r->client = h->client;
    r->txid = h->txid;
    r->mover = h->server;
    r->move = move;
    vp_rxwin_start(&r->win, h->aux);
    return &r->win;
}

/* DATA for a MoveTo into a local client: check it against the grant and write it. */
static void data_for_client(int s, const struct v_proto_hdr *h, const uint8_t *pl,
                            uint32_t src, uint16_t sport)
{
    uint32_t group = h->offset / GROUP;
    struct vp_rxwin *w = client_window(s, h);
    if (!w) {                            /* an earlier move's straggler: acknowledge only */
        if (h->flags & VPF_LAST)
            send_ack(src, sport, h, group, vp_win_mask(h->aux, group));
        return;
    }
    enum vp_rx_verdict v = vp_rxwin_data(w, h->offset, h->length - 4u);
    if (v == VP_RX_AHEAD || v == VP_RX_BAD)
        return;
    if (v == VP_RX_NEW) {
        int err = ipc_net_write(h->client, rp_get32(pl), pl + 4, h->length - 4, 1);
        if (err) {
            rp_nack(src, sport, h, err);
            return;
        }
    }
    if (h->flags & VPF_LAST)
        send_ack(src, sport, h, group, vp_rxwin_bitmap(w, group));
}

void move_on_data(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t src, uint16_t sport)
{
    uint32_t group = h->offset / GROUP;
    struct move_op *op = find(h, 0);
    if (!op) {
        int s = rp_client(h->client, h->txid);
        if (s >= 0)
            data_for_client(s, h, pl, src, sport);
        else if (ipc_net_pieces(h->client, 0, 0, 0, NULL, NULL, 0) == V_ENOPROC)
            rp_nack(src, sport, h, V_ENOPROC);   /* its client is gone: the move fails */
        else if (h->flags & VPF_LAST)    /* a move that ended here already: all arrived */
            send_ack(src, sport, h, group, vp_win_mask(h->aux, group));
        return;
    }
    if (rp_get32(pl) != op->client_base + h->offset || h->aux != op->total)
        return;                          /* not the move we asked for */
    vp_retx_heard(&op->retx, rp_now(), 0);
    enum vp_rx_verdict v = vp_rxwin_data(&op->rx, h->offset, h->length - 4u);
    if (v == VP_RX_AHEAD || v == VP_RX_BAD)
        return;
    if (v == VP_RX_NEW &&
        ipc_net_write(op->local, op->local_base + h->offset, pl + 4, h->length - 4, 0)) {
        finish(op, V_EBADADDR);
        return;
    }
    if (h->flags & VPF_LAST)
        send_ack(src, sport, h, group, vp_rxwin_bitmap(&op->rx, group));
    if (vp_rxwin_done(&op->rx))
        finish(op, V_OK);
}

void move_on_ack(const struct v_proto_hdr *h)
{
    struct move_op *op = find(h, 1);
    if (!op || h->offset % GROUP || ((h->seq >> 16) & 0xffffu) != op->id)
        return;                          /* not this move's (a late copy of another's) */
    uint32_t g = h->offset / GROUP;
    int moved;
    vp_retx_heard(&op->retx, rp_now(), 0);
    uint32_t missing = vp_txwin_ack(&op->tx, g, h->aux, &moved);
    if (vp_txwin_done(&op->tx)) {
        finish(op, V_OK);
        return;
    }
    if (missing)
        send_packets(op, g, missing, 1);
    if (moved) {
        vp_retx_start(&op->retx, rp_now());
        send_new(op);
    }
}

/* A server's kernel asks for a local client's bytes: check, then send them. */
void move_on_move_from(const struct v_proto_hdr *h, uint32_t src, uint16_t sport)
{
    if (rp_client(h->client, h->txid) < 0) {
        rp_nack(src, sport, h, V_ENOTAWAITING);
        return;
    }
    struct move_op *op = find(h, 1);
    if (op) {                            /* a repeated request: what is missing? */
        probe(op);
        return;
    }
    int err = ipc_net_pieces(h->client, h->offset, h->aux, 1, NULL, NULL, 0);
    if (!err && !(op = alloc()))
        err = V_ENOMEM;
    if (err) {
        rp_nack(src, sport, h, err);
        return;
    }
    op->sender = 1;
    op->txid = h->txid;
    op->client = h->client;
    op->server = h->server;
    op->local = h->client;
    op->granted = 1;
    op->local_base = op->client_base = h->offset;
    op->total = h->aux;
    op->addr = src;
    op->port = sport;
    vp_retx_start(&op->retx, rp_now());
    vp_txwin_start(&op->tx, op->total);
    send_new(op);
}

void move_on_nack(const struct v_proto_hdr *h, int err)
{
    struct move_op *op = find(h, 1);
    if (!op)
        op = find(h, 0);
    if (op)
        finish(op, err);
}

void move_tick(uint64_t now)
{
    for (int i = 0; i < NMOVES; i++) {
        struct move_op *op = &moves[i];
        if (!op->used)
            continue;
        enum vp_retx_action a = vp_retx_due(&op->retx, now);
        if (a == VP_RETX_GIVE_UP) {
            rstats.give_ups++;
            finish(op, V_ETIMEOUT);
        } else if (a == VP_RETX_SEND && op->sender) {
            probe(op);
        } else if (a == VP_RETX_SEND) {  /* nothing came: ask again */
            struct v_proto_hdr h = { .type = VP_MOVE_FROM, .flags = VPF_RETRANSMIT, .txid = op->txid,
                                     .client = op->client, .server = op->server,
                                     .offset = op->client_base, .aux = op->total };
            rp_send(op->addr, op->port, &h, 0, 0);
            rstats.retransmits++;
        }
    }
}

void move_forget(uint32_t slot, v_pid_t pid)
{
    for (int i = 0; i < NMOVES; i++)
        if (moves[i].used && moves[i].local == pid)
            moves[i].used = 0;
    crx[slot].live = 0;
}
