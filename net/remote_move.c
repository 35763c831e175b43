/*
 * remote_move.c - MoveTo and MoveFrom across the network: DATA packets in groups of 16
 * (32 KiB), a DATA_ACK bitmap per group, selective retransmission of what is missing
 * (docs/PROTOCOL.md, "Bulk data"). A move op is either the sending side (it reads the
 * local process's memory and sends DATA) or the receiving side of a MoveFrom (it sent
 * MOVE_FROM and writes the DATA that comes back). DATA for a MoveTo into a local client
 * needs no op: it is checked against the client's grant and written at once.
 */
#include "remote_priv.h"
#include "ipc.h"
#include "kernel.h"
#include "proto_retx.h"
#include "sched.h"
#include "vm.h"
#include <string.h>
#include <v/err.h>

#define GROUP  V_PROTO_GROUP_BYTES
#define PKT    V_PROTO_MAX_DATA
#define NMOVES 8

struct move_op {
    uint8_t used, sender;
    uint32_t txid;
    v_pid_t client, server;
    struct proc *local;              /* whose memory: the mover, or the client */
    v_pid_t local_pid;
    int wake;                        /* local is blocked until the move ends */
    uint32_t local_base, client_base, total;
    uint32_t group, bits;            /* current group and its acked/received packets */
    uint32_t id;                     /* this move's number: DATA's seq = id << 16 | packet */
    uint32_t addr;                   /* the other kernel */
    uint16_t port;
    struct vp_retx retx;
};
static struct move_op moves[NMOVES];
static uint32_t next_move_id;

static uint32_t packets_in(uint32_t total, uint32_t group)
{
    uint32_t left = total - group * GROUP;
    uint32_t n = (left + PKT - 1) / PKT;
    return n > V_PROTO_GROUP_MAX ? V_PROTO_GROUP_MAX : n;
}

static uint32_t full_mask(uint32_t total, uint32_t group)
{
    return v_proto_group_mask(packets_in(total, group));
}

static void finish(struct move_op *op, int status)
{
    struct proc *p = op->local;
    if (op->wake && p->pid == op->local_pid && p->state == V_PS_MOVE_BLOCKED) {
        p->ipc_status = status;
        sched_ready(p);
    }
    op->used = 0;
}

/* Send the packets of the current group not yet acknowledged; LAST on the final one. */
static void send_group(struct move_op *op, int again)
{
    uint32_t n = packets_in(op->total, op->group), last = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!(op->bits & (1u << i)))
            last = i;
    for (uint32_t i = 0; i < n; i++) {
        if (op->bits & (1u << i))
            continue;
        uint32_t off = op->group * GROUP + i * PKT;
        uint32_t len = op->total - off < PKT ? op->total - off : PKT;
        uint8_t pl[4 + PKT];
        rp_put32(pl, op->client_base + off);
        if (vm_copy_in(op->local->team, pl + 4, op->local_base + off, len)) {
            finish(op, V_EBADADDR);
            return;
        }
        struct v_proto_hdr h = { .type = VP_DATA, .flags = (uint16_t)(i == last ? VPF_LAST : 0),
                                 .txid = op->txid, .client = op->client, .server = op->server,
                                 .offset = off, .aux = op->total,
                                 .seq = (op->id << 16) | (off / PKT) };
        if (again)
            h.flags |= VPF_RETRANSMIT;
        rp_send(op->addr, op->port, &h, pl, 4 + len);
    }
    if (again)
        rstats.retransmits++;
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

/* The mover (a local server) starts a move with a remote client. */
int move_start(struct proc *mover, struct proc *alien, uint32_t addr, uint16_t port,
               uint32_t txid, uint32_t client_addr, uint32_t local_addr, uint32_t len, int write)
{
    int err = vm_check(mover->team, local_addr, len, !write);
    if (err)
        return err;
    struct move_op *op = alloc();
    if (!op)
        return V_ENOMEM;
    rstats.moves++;
    op->sender = (uint8_t)write;
    op->txid = txid;
    op->client = alien->pid;
    op->server = mover->pid;
    op->local = mover;
    op->local_pid = mover->pid;
    op->wake = 1;
    op->local_base = local_addr;
    op->client_base = client_addr;
    op->total = len;
    op->addr = addr;
    op->port = port;
    vp_retx_start(&op->retx, rp_now());
    if (write) {
        send_group(op, 0);
    } else {
        struct v_proto_hdr h = { .type = VP_MOVE_FROM, .txid = txid, .client = op->client,
                                 .server = op->server, .offset = client_addr, .aux = len };
        rp_send(addr, port, &h, 0, 0);
    }
    return V_OK;
}

/* DATA for a MoveTo into a local client: check it against the grant and write it. */
static void data_for_client(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t src, uint16_t sport)
{
    struct proc *p = rp_client(h->client, h->txid);
    if (!p)
        return;
    uint32_t addr = rp_get32(pl), n = h->length - 4, group = h->offset / GROUP;
    uint32_t *bits = rp_client_rx(p, h->server, h->seq >> 16, &group);
    if (!bits) {                         /* an earlier move's straggler: acknowledge only */
        if (h->flags & VPF_LAST)
            send_ack(src, sport, h, h->offset / GROUP, full_mask(h->aux, h->offset / GROUP));
        return;
    }
    if (group == h->offset / GROUP) {
        int err = ipc_grant_check(p, addr, n, V_MSG_SEG_WRITE);
        if (!err)
            err = vm_copy_out(p->team, addr, pl + 4, n);
        if (err) {
            rp_nack(src, sport, h, err);
            return;
        }
        *bits |= 1u << ((h->offset % GROUP) / PKT);
    }
    if (h->flags & VPF_LAST)
        send_ack(src, sport, h, h->offset / GROUP,
                 group == h->offset / GROUP ? *bits : full_mask(h->aux, h->offset / GROUP));
}

void move_on_data(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t src, uint16_t sport)
{
    struct move_op *op = find(h, 0);
    if (!op) {
        if (rp_client(h->client, h->txid))
            data_for_client(h, pl, src, sport);
        else if (h->flags & VPF_LAST)    /* a move that ended here already: all arrived */
            send_ack(src, sport, h, h->offset / GROUP, full_mask(h->aux, h->offset / GROUP));
        return;
    }
    uint32_t group = h->offset / GROUP, n = h->length - 4;
    if (rp_get32(pl) != op->client_base + h->offset || h->aux != op->total)
        return;                          /* not the move we asked for */
    vp_retx_heard(&op->retx, rp_now(), 0);
    if (group == op->group) {
        if (vm_copy_out(op->local->team, op->local_base + h->offset, pl + 4, n)) {
            finish(op, V_EBADADDR);
            return;
        }
        op->bits |= 1u << ((h->offset % GROUP) / PKT);
    }
    if (h->flags & VPF_LAST)
        send_ack(src, sport, h, group, group == op->group ? op->bits : full_mask(op->total, group));
    if (op->bits == full_mask(op->total, op->group)) {
        op->group++;
        op->bits = 0;
        if (op->group * GROUP >= op->total)
            finish(op, V_OK);
    }
}

void move_on_ack(const struct v_proto_hdr *h)
{
    struct move_op *op = find(h, 1);
    if (!op || h->offset != op->group * GROUP || ((h->seq >> 16) & 0xffffu) != op->id)
        return;                          /* not this move's current group (a late copy) */
    vp_retx_heard(&op->retx, rp_now(), 0);
    op->bits |= h->aux & full_mask(op->total, op->group);
    if (op->bits == full_mask(op->total, op->group)) {
        op->group++;
        op->bits = 0;
        if (op->group * GROUP >= op->total) {
            finish(op, V_OK);
            return;
        }
        vp_retx_start(&op->retx, rp_now());
    }
    send_group(op, 0);
}

/* A server's kernel asks for a local client's bytes: check, then send them. */
void move_on_move_from(const struct v_proto_hdr *h, uint32_t src, uint16_t sport)
{
    struct proc *p = rp_client(h->client, h->txid);
    if (!p) {
        rp_nack(src, sport, h, V_ENOTAWAITING);
        return;
    }
    struct move_op *op = find(h, 1);
    if (op) {                            /* a repeated request: resend what is missing */
        send_group(op, 1);
        return;
    }
    int err = ipc_grant_check(p, h->offset, h->aux, V_MSG_SEG_READ);
    if (!err)
        err = vm_check(p->team, h->offset, h->aux, 0);
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
    op->local = p;
    op->local_pid = p->pid;
    op->local_base = op->client_base = h->offset;
    op->total = h->aux;
    op->addr = src;
    op->port = sport;
    vp_retx_start(&op->retx, rp_now());
    send_group(op, 0);
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
            send_group(op, 1);
        } else if (a == VP_RETX_SEND) {  /* nothing came: ask again */
            struct v_proto_hdr h = { .type = VP_MOVE_FROM, .flags = VPF_RETRANSMIT, .txid = op->txid,
                                     .client = op->client, .server = op->server,
                                     .offset = op->client_base, .aux = op->total };
            rp_send(op->addr, op->port, &h, 0, 0);
            rstats.retransmits++;
        }
    }
}

void move_forget(struct proc *p)
{
    for (int i = 0; i < NMOVES; i++)
        if (moves[i].used && moves[i].local == p)
            moves[i].used = 0;
}
