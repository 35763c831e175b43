/*
 * hv_group.c - moves in packet groups (docs/PROTOCOL.md, "Bulk data"), both ends, with
 * the windows of net/proto_window.c.
 *
 * Sender (struct hv_out): up to VP_WINDOW groups of 32 packets in flight, LAST on the
 * last packet of each as sent; on a DATA_ACK, the group's missing packets again (LAST on
 * the last), and the groups the window lets out once it slides; without an ack, the
 * last packet of each group in flight as a probe, with net/proto_retx.c's back-off and
 * give-up (V_ETIMEOUT).
 * Receiver (struct hv_grp): which packets of the move have arrived; every packet with
 * LAST is answered with a DATA_ACK of its group. A new transaction, destination or move
 * number (DATA's seq >> 16) starts an empty window.
 *
 * Entry points: hv_move_seq0, hv_grp_data, hv_out_start, hv_out_ack, hv_out_probe,
 * hv_out_tick (hv.h).
 */
#include "hv.h"
#include <string.h>

uint32_t hv_move_seq0(void)
{
    static uint32_t moves;
    moves = (moves + 1) & 0xffffu;
    return moves << 16;
}

/* Note DATA packet h, whose first byte is at client address addr, and answer its LAST
 * with a DATA_ACK to `to`, echoing h's seq (which names the move: docs/PROTOCOL.md).
 * Returns the window's verdict: VP_RX_NEW or VP_RX_DUP for bytes of the move in
 * progress, VP_RX_OLD for a group complete already, VP_RX_AHEAD or VP_RX_BAD for a
 * packet no sender sends (dropped, unanswered). */
enum vp_rx_verdict hv_grp_data(struct hv_grp *g, const struct v_proto_hdr *h, uint32_t addr,
                               const struct hv_peer *to)
{
    uint32_t addr0 = addr - h->offset, grp = h->offset / V_PROTO_GROUP_BYTES;

    if (!g->live || g->txid != h->txid || g->addr0 != addr0 || g->win.total != h->aux ||
        g->move != h->seq >> 16) {
        g->live = 1;
        g->txid = h->txid;
        g->addr0 = addr0;
        g->move = h->seq >> 16;
        vp_rxwin_start(&g->win, h->aux);
    }
    enum vp_rx_verdict v = vp_rxwin_data(&g->win, h->offset, h->length - 4u);
    if (v == VP_RX_AHEAD || v == VP_RX_BAD)
        return v;
    if (h->flags & VPF_LAST) {
        struct v_proto_hdr a = { .type = VP_DATA_ACK, .txid = h->txid, .client = h->client,
                                 .server = h->server, .offset = grp * V_PROTO_GROUP_BYTES,
                                 .aux = vp_rxwin_bitmap(&g->win, grp), .seq = h->seq };
        hv_xmit(to, &a, 0, 0);
    }
    return v;
}

/* Send the packets of group g named by mask; LAST on the highest. */
static void out_send(struct hv_out *o, uint32_t g, uint32_t mask, int again)
{
    uint8_t pl[4 + V_PROTO_MAX_DATA];
    int last = 31 - __builtin_clz(mask);

    for (int i = 0; i <= last; i++) {
        if (!(mask & (1u << i)))
            continue;
        uint32_t off = g * V_PROTO_GROUP_BYTES + (uint32_t)i * V_PROTO_MAX_DATA;
        uint32_t n = o->total - off < V_PROTO_MAX_DATA ? o->total - off : V_PROTO_MAX_DATA;
        struct v_proto_hdr h = {
            .type = VP_DATA, .txid = o->txid, .client = o->client, .server = o->server,
            .flags = (uint16_t)((i == last ? VPF_LAST : 0) | (again ? VPF_RETRANSMIT : 0)),
            .offset = off, .aux = o->total, .seq = o->seq0 + off / V_PROTO_MAX_DATA,
        };
        hv_put32(pl, o->addr0 + off);
        memcpy(pl + 4, o->src + off, n);
        if (again)
            hv.st.retransmits++;
        hv_xmit(&o->to, &h, pl, 4 + n);
    }
}

/* Send every group the window lets out for the first time. */
static void out_send_new(struct hv_out *o)
{
    uint32_t g;

    while (vp_txwin_next(&o->win, &g))
        out_send(o, g, vp_win_mask(o->total, g), 0);
}

/* Start sending o's move (its fields set by the caller): its first groups. */
void hv_out_start(struct hv_out *o, uint64_t now)
{
    if (!o->total) {
        o->state = HV_OUT_DONE;
        return;
    }
    o->state = HV_OUT_RUN;
    vp_txwin_start(&o->win, o->total);
    out_send_new(o);
    vp_retx_start(&o->retx, now);
}

/* A DATA_ACK for o (matched to its transaction by the caller). Acks of groups not in
 * flight are old news and ignored. */
void hv_out_ack(struct hv_out *o, const struct v_proto_hdr *h, uint64_t now)
{
    uint32_t g = h->offset / V_PROTO_GROUP_BYTES, missing;
    int moved;

    if (o->state != HV_OUT_RUN || h->offset % V_PROTO_GROUP_BYTES)
        return;
    missing = vp_txwin_ack(&o->win, g, h->aux, &moved);
    if (vp_txwin_done(&o->win)) {
        o->state = HV_OUT_DONE;
        return;
    }
    if (missing)
        out_send(o, g, missing, 1);
    if (moved)
        out_send_new(o);
    vp_retx_start(&o->retx, now);
}

/* Resend the last packet of each group in flight, with LAST: the receiver's DATA_ACKs
 * will say what is missing. For the other side's retransmitted request; the timer stays
 * as it is. */
void hv_out_probe(struct hv_out *o)
{
    if (o->state != HV_OUT_RUN)
        return;
    for (uint32_t g = o->win.una; g < o->win.next; g++)
        if (vp_txwin_missing(&o->win, g)) {
            uint32_t mask = vp_win_mask(o->total, g);
            out_send(o, g, 1u << (31 - __builtin_clz(mask)), 1);
        }
}

/* o's timer: probe, or give up. Returns the next due time. */
uint64_t hv_out_tick(struct hv_out *o, uint64_t now)
{
    if (o->state != HV_OUT_RUN)
        return HV_NEVER;
    switch (vp_retx_due(&o->retx, now)) {
    case VP_RETX_SEND:
        hv_out_probe(o);
        break;
    case VP_RETX_GIVE_UP:
        o->state = V_ETIMEOUT;
        return HV_NEVER;
    default:
        break;
    }
    return o->retx.deadline_ns;
}
