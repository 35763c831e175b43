/*
 * hv_move.c - MoveTo and MoveFrom for a host server working on the segment of a remote
 * client that awaits its reply. MoveTo sends DATA groups (hv_group.c) and takes the
 * client node's DATA_ACKs; MoveFrom sends MOVE_FROM (resent while no DATA comes, given
 * up on as a request would be) and acknowledges the DATA groups that answer it. A range
 * inside the segment's start, which came with the request, needs no traffic at all.
 * A refusal from the client's node comes back as NACK and is the call's error.
 *
 * Entry points: v_move_to, v_move_from (v/ipc.h); hv_mv_packet, hv_mv_timers (hv.h).
 */
#include "hv.h"
#include <string.h>

static int mv_checks(v_pid_t pid, uint32_t addr, uint32_t len, uint32_t access,
                     const void *buf, struct hv_alien **out)
{
    int rc = hv_init();

    if (rc < 0)
        return rc;
    if (!(*out = hv_alien_awaiting(pid)))
        return V_ENOTAWAITING;
    if ((*out)->group)
        return V_ENOACCESS;         /* no moves on a group's client (docs/GROUPS.md) */
    if ((rc = v_msg_seg_check(&(*out)->msg, addr, len, access)))
        return rc;
    if (len && !buf)
        return V_EBADADDR;
    return hv.mv.active ? V_EBUSY : V_OK;
}

static void mv_begin(struct hv_move *mv, int kind, const struct hv_alien *a)
{
    mv->active = kind;
    mv->result = 1;
    mv->client = a->client;
    mv->txid = a->txid;
    mv->to = a->from;
}

/* Copy len bytes from src here to dest in the WRITE grant of `to`, which awaits our
 * reply. Errors: V_ENOTAWAITING, V_ENOACCESS, V_ERANGE, V_EBADADDR (src null), a NACK's
 * error (the client's node refused), V_ETIMEOUT (its node went silent). */
int v_move_to(v_pid_t to, uint32_t dest, const void *src, uint32_t len)
{
    struct hv_move *mv = &hv.mv;
    struct hv_out *o = &mv->out;
    struct hv_alien *a;
    int rc = mv_checks(to, dest, len, V_MSG_SEG_WRITE, src, &a);

    if (rc < 0 || !len)
        return rc;
    mv_begin(mv, HV_MV_TO, a);
    o->txid = a->txid;
    o->client = a->client;
    o->server = hv.pid;
    o->to = a->from;
    o->addr0 = dest;
    o->src = src;
    o->total = len;
    o->seq0 = hv_move_seq0();
    a->seq += len / V_PROTO_MAX_DATA + 1;
    hv_out_start(o, hv_now());
    while (o->state == HV_OUT_RUN && mv->result == 1)
        hv_service(HV_NEVER);
    rc = mv->result != 1 ? mv->result : o->state == HV_OUT_DONE ? V_OK : o->state;
    o->state = HV_OUT_IDLE;
    mv->active = 0;
    return rc;
}

static void send_move_from(struct hv_move *mv, int again)
{
    struct v_proto_hdr h = { .type = VP_MOVE_FROM, .flags = again ? VPF_RETRANSMIT : 0,
                             .txid = mv->txid, .client = mv->client, .server = hv.pid,
                             .offset = mv->src, .aux = mv->len, .seq = mv->seq };

    if (again)
        hv.st.retransmits++;
    hv_xmit(&mv->to, &h, 0, 0);
}

/* Copy len bytes at src in the READ grant of `from`, which awaits our reply, to dest
 * here. Errors as v_move_to. */
int v_move_from(v_pid_t from, void *dest, uint32_t src, uint32_t len)
{
    struct hv_move *mv = &hv.mv;
    struct hv_alien *a;
    int rc = mv_checks(from, src, len, V_MSG_SEG_READ, dest, &a);

    if (rc < 0 || !len)
        return rc;
    if (src - a->msg.seg_ptr < a->plen && len <= a->plen - (src - a->msg.seg_ptr)) {
        memcpy(dest, a->prefix + (src - a->msg.seg_ptr), len);
        return V_OK;
    }
    mv_begin(mv, HV_MV_FROM, a);
    mv->dest = dest;
    mv->src = src;
    mv->len = len;
    mv->grp.live = 0;
    mv->seq = a->seq;
    a->seq += len / V_PROTO_MAX_DATA + 2;
    send_move_from(mv, 0);
    vp_retx_start(&mv->retx, hv_now());
    while (mv->result == 1)
        hv_service(HV_NEVER);
    mv->last_live = mv->result == V_OK;
    mv->last_client = mv->client;
    mv->last_txid = mv->txid;
    mv->last_src = mv->src;
    mv->last_len = mv->len;
    mv->active = 0;
    return mv->result;
}

/* DATA answering our MOVE_FROM: it must be of that move (same total, same client
 * address for offset 0). The move is complete when every packet has come. A probe of
 * the move we finished last is answered: everything of it arrived. */
static void mv_data(const struct v_proto_hdr *h, const uint8_t *pl, const struct hv_peer *src)
{
    struct hv_move *mv = &hv.mv;
    uint32_t addr = hv_get32(pl);

    if (mv->active == HV_MV_FROM && mv->result == 1 && h->client == mv->client &&
        h->txid == mv->txid && h->aux == mv->len && addr - h->offset == mv->src) {
        vp_retx_start(&mv->retx, hv_now());
        if (hv_grp_data(&mv->grp, h, addr, src) == VP_RX_NEW)
            memcpy(mv->dest + h->offset, pl + 4, h->length - 4u);
        if (vp_rxwin_done(&mv->grp.win))
            mv->result = V_OK;
        return;
    }
    if (mv->last_live && h->client == mv->last_client && h->txid == mv->last_txid &&
        h->aux == mv->last_len && addr - h->offset == mv->last_src) {
        if (h->flags & VPF_LAST) {
            uint32_t g = h->offset / V_PROTO_GROUP_BYTES;
            struct v_proto_hdr a = { .type = VP_DATA_ACK, .txid = h->txid,
                                     .client = h->client, .server = h->server,
                                     .offset = g * V_PROTO_GROUP_BYTES,
                                     .aux = vp_win_mask(h->aux, g), .seq = h->seq };
            hv_xmit(src, &a, 0, 0);
        }
        return;
    }
    hv.st.unmatched++;
}

/* A packet of a transaction whose server we are (h->client is a remote client): the
 * client node's side of a move of ours. */
void hv_mv_packet(const struct v_proto_hdr *h, const uint8_t *pl, const struct hv_peer *src)
{
    struct hv_move *mv = &hv.mv;
    int mine = mv->active && mv->result == 1 && h->client == mv->client &&
               h->txid == mv->txid;

    switch (h->type) {
    case VP_DATA:
        mv_data(h, pl, src);
        return;
    case VP_NACK:
        if (mine) {
            mv->result = (int32_t)hv_get32(pl);
            return;
        }
        break;
    case VP_DATA_ACK:
        if (mine && mv->active == HV_MV_TO) {
            hv_out_ack(&mv->out, h, hv_now());
            return;
        }
        break;
    default:
        break;
    }
    hv.st.unmatched++;
}

/* The running move's timer: MoveTo's probes, MoveFrom's MOVE_FROM resends. */
uint64_t hv_mv_timers(uint64_t now)
{
    struct hv_move *mv = &hv.mv;

    if (mv->active == HV_MV_TO)
        return hv_out_tick(&mv->out, now);
    if (mv->active != HV_MV_FROM || mv->result != 1)
        return HV_NEVER;
    switch (vp_retx_due(&mv->retx, now)) {
    case VP_RETX_SEND:
        send_move_from(mv, 1);
        break;
    case VP_RETX_GIVE_UP:
        mv->result = V_ETIMEOUT;
        return HV_NEVER;
    default:
        break;
    }
    return mv->retx.deadline_ns;
}
