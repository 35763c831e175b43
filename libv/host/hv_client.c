/*
 * hv_client.c - Send, for libv on Linux. The REQUEST carries the message and the first
 * V_PROTO_MAX_DATA bytes of a READ grant; it is resent and given up on as net/proto_retx.c says.
 * While we wait, the server side may answer PENDING (keep-alive), NACK (the Send fails),
 * REPLY (with data for our WRITE grant; we ACK it), write our WRITE grant with DATA
 * (MoveTo: we DATA_ACK each group) or ask for our READ grant with MOVE_FROM (MoveFrom:
 * we send the DATA groups). Every one of those is checked against the grant we sent.
 *
 * Entry points: v_send, v_send_r (v/ipc.h); hv_cli_packet, hv_cli_timers (hv.h).
 */
#include "hv.h"
#include <string.h>

/* Our client space (hv_seg.c): every range used below is inside the grant, which
 * grant_ok found whole in one window when the Send began. */
static inline void *at(uint32_t addr, uint32_t len) { return hv_seg_at(addr, len); }

/* A grant must name memory that v_seg_addr mapped: not null, inside one window. */
static int grant_ok(const struct v_msg *m)
{
    if (!(m->flags & V_MSG_SEG_MASK) || !m->seg_len)
        return 1;
    return m->seg_ptr && hv_seg_at(m->seg_ptr, m->seg_len);
}

static void send_request(int again)
{
    struct hv_tx *t = &hv.tx;
    struct v_proto_hdr h = { .type = VP_REQUEST, .flags = again ? VPF_RETRANSMIT : 0,
                             .txid = t->txid, .client = hv.pid, .server = t->to };

    if (again)
        hv.st.retransmits++;
    hv_xmit(&t->peer, &h, t->pl, t->plen);
}

/* The message, then the start of a READ grant (read now: the client is blocked, so it
 * cannot change before the server could have seen it). */
static void build_request(struct hv_tx *t)
{
    uint32_t n = 0;

    vp_put_msg(&t->req, t->pl);
    if (t->req.flags & V_MSG_SEG_READ)
        n = t->req.seg_len < V_PROTO_MAX_DATA ? t->req.seg_len : V_PROTO_MAX_DATA;
    if (n)
        memcpy(t->pl + V_MSG_SIZE, at(t->req.seg_ptr, n), n);
    t->plen = V_MSG_SIZE + n;
}

static int send_checks(const struct v_msg *m, v_pid_t to)
{
    if (!m)
        return V_EBADADDR;
    if (to == hv.pid)
        return V_EDEADLOCK;
    if (!grant_ok(m))
        return V_EBADADDR;
    if (v_pid_is_group(to))
        return 1;                   /* a group Send (hv_gsend.c) */
    if (!to || v_pid_lhost(to) == hv.lhost)
        return V_ENOPROC;           /* our logical host holds only us */
    return hv.tx.active ? V_EBUSY : V_OK;
}

/* Send m to `to` and wait for the reply (docs/IPC.md, docs/HOST.md); `to` may be a
 * group (hv_gsend.c has its rules and errors). Errors before
 * anything is sent: V_EBADADDR, V_EDEADLOCK, V_ENOPROC (also: no node answered WHERE
 * for to's logical host), V_EBUSY (a Send is in progress: libv is single-threaded).
 * After: V_ENOPROC and other errors from a NACK, V_ETIMEOUT (the server's node stayed
 * silent past the retransmission bound, or v_host_set_timeout's bound passed). */
int v_send_r(struct v_msg *m, v_pid_t to, v_pid_t *replier)
{
    struct hv_tx *t = &hv.tx;
    uint64_t now;
    int rc = hv_init();

    if (replier)
        *replier = V_PID_NONE;
    if (rc < 0 || (rc = send_checks(m, to)) < 0)
        return rc;
    if (rc == 1)
        return hv_gsend(m, to, replier);
    now = hv_now();
    memset(t, 0, sizeof *t);
    t->deadline_ns = hv.timeout_ms ? now + hv.timeout_ms * 1000000ull : HV_NEVER;
    if ((rc = hv_resolve(v_pid_lhost(to), &t->peer, t->deadline_ns)) < 0)
        return rc;
    t->txid = hv.next_txid;
    hv.next_txid = hv_txid_next(hv.next_txid);
    t->to = to;
    t->m = m;
    t->req = *m;
    t->result = 1;
    t->active = 1;
    build_request(t);
    send_request(0);
    vp_retx_start(&t->retx, hv_now());
    while (t->result == 1)
        hv_service(HV_NEVER);
    t->active = 0;
    if (t->result == V_OK && replier)
        *replier = t->replier;
    return t->result;
}

int v_send(struct v_msg *m, v_pid_t to)
{
    return v_send_r(m, to, 0);
}

/* Run the Send's timers: the overall bound, the request's retransmission, the DATA
 * answering a MOVE_FROM. Returns when they next need running. */
uint64_t hv_cli_timers(uint64_t now)
{
    struct hv_tx *t = &hv.tx;

    if (!t->active || t->result != 1)
        return HV_NEVER;
    if (now >= t->deadline_ns) {
        t->result = V_ETIMEOUT;
        return HV_NEVER;
    }
    switch (vp_retx_due(&t->retx, now)) {
    case VP_RETX_SEND:
        send_request(1);
        break;
    case VP_RETX_GIVE_UP:
        t->result = V_ETIMEOUT;
        hv_lhost_silent(v_pid_lhost(t->to));
        return HV_NEVER;
    default:
        break;
    }
    return hv_min(hv_min(t->retx.deadline_ns, t->deadline_ns), hv_out_tick(&t->out, now));
}

static void send_ack(const struct v_proto_hdr *h, const struct hv_peer *to)
{
    struct v_proto_hdr a = { .type = VP_ACK, .txid = h->txid, .client = hv.pid,
                             .server = h->server, .seq = ++hv.tx.seq };

    hv_xmit(to, &a, 0, 0);
}

/* The reply: its data goes to `offset` in our space (0: the grant's start), and only
 * inside our WRITE grant; data outside it is refused, the reply still taken. */
static void take_reply(const struct v_proto_hdr *h, const uint8_t *pl, const struct hv_peer *src)
{
    struct hv_tx *t = &hv.tx;
    uint32_t n = h->length - V_MSG_SIZE, dest = h->offset ? h->offset : t->req.seg_ptr;

    if (n && v_msg_seg_check(&t->req, dest, n, V_MSG_SEG_WRITE) == 0)
        memcpy(at(dest, n), pl + V_MSG_SIZE, n);
    else if (n)
        hv.st.refused++;
    vp_get_msg(pl, t->m);
    t->replier = h->aux;
    t->result = V_OK;
    send_ack(h, src);
}

/* MoveTo into our WRITE grant: check, copy in place, acknowledge groups. */
static void take_data(const struct v_proto_hdr *h, const uint8_t *pl, const struct hv_peer *src)
{
    struct hv_tx *t = &hv.tx;
    uint32_t addr = hv_get32(pl), n = h->length - 4u;
    int rc = v_msg_seg_check(&t->req, addr, n, V_MSG_SEG_WRITE);

    if (rc) {
        hv.st.refused++;
        hv_nack(src, h, rc, ++t->seq);
        return;
    }
    vp_retx_heard(&t->retx, hv_now(), 1);       /* the server has our request */
    if (hv_grp_data(&t->in, h, addr, src) == VP_RX_NEW)
        memcpy(at(addr, n), pl + 4, n);
}

/* MoveFrom out of our READ grant. A MOVE_FROM for the range of the move we are sending
 * is the mover's retransmission (it heard nothing for a while): answered with a probe,
 * whose DATA_ACK says what is missing. Any other starts a move, in place of one still
 * running (a mover asks for one move at a time); so does the same range once its move
 * is done, since kernels send every MOVE_FROM with the same seq. */
static void take_move_from(const struct v_proto_hdr *h, const struct hv_peer *src)
{
    struct hv_tx *t = &hv.tx;
    struct hv_out *o = &t->out;
    uint64_t now = hv_now();
    int rc;

    vp_retx_heard(&t->retx, now, 1);
    if (o->state == HV_OUT_RUN && h->offset == o->addr0 && h->aux == o->total) {
        hv_out_probe(o);
        return;
    }
    if ((rc = v_msg_seg_check(&t->req, h->offset, h->aux, V_MSG_SEG_READ))) {
        hv_nack(src, h, rc, ++t->seq);
        return;
    }
    o->txid = t->txid;
    o->client = hv.pid;
    o->server = h->server;
    o->to = *src;
    o->addr0 = h->offset;
    o->src = at(h->offset, h->aux);
    o->total = h->aux;
    o->seq0 = hv_move_seq0();
    hv_out_start(o, now);
}

/* A packet of a transaction whose client we are (h->client is our pid). Packets of an
 * earlier transaction are not ours any more: a REPLY is ACKed again (its first ACK may
 * have been lost), DATA and MOVE_FROM are refused with V_ENOTAWAITING. */
void hv_cli_packet(const struct v_proto_hdr *h, const uint8_t *pl, const struct hv_peer *src)
{
    struct hv_tx *t = &hv.tx;
    int mine = t->active && t->result == 1 && h->txid == t->txid;

    if (!mine) {
        hv.st.unmatched++;
        if (h->type == VP_REPLY)
            send_ack(h, src);
        else if (h->type == VP_DATA || h->type == VP_MOVE_FROM)
            hv_nack(src, h, V_ENOTAWAITING, 0);
        return;
    }
    switch (h->type) {
    case VP_REPLY:     take_reply(h, pl, src); break;
    case VP_PENDING:   vp_retx_heard(&t->retx, hv_now(), 1); break;
    case VP_NACK:      t->result = (int32_t)hv_get32(pl); break;
    case VP_DATA:      take_data(h, pl, src); break;
    case VP_DATA_ACK:
        vp_retx_heard(&t->retx, hv_now(), 1);
        hv_out_ack(&t->out, h, hv_now());
        break;
    case VP_MOVE_FROM: take_move_from(h, src); break;
    default:           hv.st.unmatched++; break;
    }
}
