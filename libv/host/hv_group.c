/*
 * hv_group.c - moves in packet groups (docs/PROTOCOL.md, "Bulk data"), both ends.
 *
 * Sender (struct hv_out): the packets of one group of 16 (16 KiB), LAST on the last one
 * sent; on a DATA_ACK, the missing ones again (LAST on the last), or the next group when
 * the bitmap is full; without an ack, the group's last packet as a probe, with
 * net/proto_retx.c's back-off and give-up (V_ETIMEOUT).
 * Receiver (struct hv_grp): the bitmap of the group in progress; every packet with LAST
 * is answered with a DATA_ACK. A full group is forgotten once acknowledged, so the next
 * move over the same range starts from an empty bitmap.
 *
 * Entry points: hv_grp_mask, hv_grp_data, hv_out_start, hv_out_ack, hv_out_probe,
 * hv_out_tick (hv.h).
 */
#include "hv.h"
#include <string.h>

/* The bits of group `base` that a move of `total` bytes fills (base < total). */
uint32_t hv_grp_mask(uint32_t total, uint32_t base)
{
    uint32_t left = total - base;
    uint32_t n = left >= V_PROTO_GROUP_BYTES ? V_PROTO_GROUP_MAX
                                             : (left + V_PROTO_MAX_DATA - 1) / V_PROTO_MAX_DATA;
    return v_proto_group_mask(n);
}

uint32_t hv_move_seq0(void)
{
    static uint32_t moves;
    moves = (moves + 1) & 0xffffu;
    return moves << 16;
}

/* Note DATA packet h, whose first byte is at client address addr, and answer its LAST
 * with a DATA_ACK to `to`, echoing h's seq (which names the move: docs/PROTOCOL.md).
 * Returns 1 if its group is complete (*base = the group's first offset), else 0. */
int hv_grp_data(struct hv_grp *g, const struct v_proto_hdr *h, uint32_t addr,
                const struct hv_peer *to, uint32_t *base)
{
    uint32_t addr0 = addr - h->offset, b = h->offset - h->offset % V_PROTO_GROUP_BYTES;
    uint32_t mask;
    int full;

    if (!g->live || g->addr0 != addr0 || g->total != h->aux || g->base != b) {
        g->live = 1;
        g->addr0 = addr0;
        g->total = h->aux;
        g->base = b;
        g->bitmap = 0;
    }
    g->bitmap |= 1u << ((h->offset - b) / V_PROTO_MAX_DATA);
    mask = hv_grp_mask(g->total, b);
    full = (g->bitmap & mask) == mask;
    if (h->flags & VPF_LAST) {
        struct v_proto_hdr a = { .type = VP_DATA_ACK, .txid = h->txid, .client = h->client,
                                 .server = h->server, .offset = b, .aux = g->bitmap,
                                 .seq = h->seq };
        hv_xmit(to, &a, 0, 0);
        if (full)
            g->live = 0;
    }
    *base = b;
    return full;
}

/* Send the packets of the group in flight named by mask; LAST on the highest. */
static void out_send(struct hv_out *o, uint32_t mask, int again)
{
    uint8_t pl[4 + V_PROTO_MAX_DATA];
    int last = 31 - __builtin_clz(mask);

    for (int i = 0; i <= last; i++) {
        if (!(mask & (1u << i)))
            continue;
        uint32_t off = o->base + (uint32_t)i * V_PROTO_MAX_DATA;
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

/* Start sending o's move (its fields set by the caller) from its first group. */
void hv_out_start(struct hv_out *o, uint64_t now)
{
    o->base = 0;
    if (!o->total) {
        o->state = HV_OUT_DONE;
        return;
    }
    o->state = HV_OUT_RUN;
    out_send(o, hv_grp_mask(o->total, 0), 0);
    vp_retx_start(&o->retx, now);
}

/* A DATA_ACK for o (matched to its transaction by the caller). Acks of other groups
 * are old news and ignored. */
void hv_out_ack(struct hv_out *o, const struct v_proto_hdr *h, uint64_t now)
{
    uint32_t need;

    if (o->state != HV_OUT_RUN || h->offset != o->base)
        return;
    need = hv_grp_mask(o->total, o->base) & ~h->aux;
    if (!need) {
        if ((uint64_t)o->base + V_PROTO_GROUP_BYTES >= o->total) {
            o->state = HV_OUT_DONE;
            return;
        }
        o->base += V_PROTO_GROUP_BYTES;
        need = hv_grp_mask(o->total, o->base);
        out_send(o, need, 0);
    } else {
        out_send(o, need, 1);
    }
    vp_retx_start(&o->retx, now);
}

/* Resend the group's last packet, with LAST: the receiver's DATA_ACK will say what is
 * missing. For the other side's retransmitted request; the timer stays as it is. */
void hv_out_probe(struct hv_out *o)
{
    uint32_t mask = hv_grp_mask(o->total, o->base);

    if (o->state == HV_OUT_RUN)
        out_send(o, 1u << (31 - __builtin_clz(mask)), 1);
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
