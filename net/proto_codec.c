/*
 * proto_codec.c - the inter-kernel protocol's packet codec. Entry points in
 * proto_codec.h. Decoding is decode-then-check: nothing is trusted until every field
 * has been checked against the rules of docs/PROTOCOL.md.
 */
#include "proto_codec.h"
#include <string.h>
#include <v/err.h>

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static uint16_t get16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static uint32_t get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

void vp_put_msg(const struct v_msg *m, uint8_t out[V_MSG_SIZE])
{
    put16(out, m->code);
    put16(out + 2, m->flags);
    for (int i = 0; i < 5; i++)
        put32(out + 4 + 4 * i, m->w[i]);
    put32(out + 24, m->seg_ptr);
    put32(out + 28, m->seg_len);
}

void vp_get_msg(const uint8_t in[V_MSG_SIZE], struct v_msg *m)
{
    m->code = get16(in);
    m->flags = get16(in + 2);
    for (int i = 0; i < 5; i++)
        m->w[i] = get32(in + 4 + 4 * i);
    m->seg_ptr = get32(in + 24);
    m->seg_len = get32(in + 28);
}

int vp_encode(const struct v_proto_hdr *h, const void *payload, uint32_t plen, uint8_t *buf,
              uint32_t cap)
{
    if (V_PROTO_HDR_SIZE + plen > cap || vp_encode_hdr(h, plen, buf) < 0)
        return V_EINVAL;
    if (plen)
        memcpy(buf + V_PROTO_HDR_SIZE, payload, plen);
    return (int)(V_PROTO_HDR_SIZE + plen);
}

int vp_encode_hdr(const struct v_proto_hdr *h, uint32_t plen, uint8_t buf[V_PROTO_HDR_SIZE])
{
    if (plen > (h->type == VP_DATA ? 4 + V_PROTO_DATA_MAX : V_MSG_SIZE + V_PROTO_MAX_DATA))
        return V_EINVAL;
    put16(buf, V_PROTO_MAGIC);
    buf[2] = V_PROTO_VERSION;
    buf[3] = h->type;
    put16(buf + 4, h->flags);
    put16(buf + 6, (uint16_t)plen);
    put32(buf + 8, h->txid);
    put32(buf + 12, h->client);
    put32(buf + 16, h->server);
    put32(buf + 20, h->offset);
    put32(buf + 24, h->aux);
    put32(buf + 28, h->seq);
    return V_PROTO_HDR_SIZE;
}

static int is_process(v_pid_t p) { return p != 0 && !v_pid_is_group(p); }

/* The per-type rules: payload size, pids and the fields each type gives meaning to. */
static int check_type(const struct v_proto_hdr *h, const uint8_t *payload)
{
    uint32_t n = h->length;
    switch (h->type) {
    case VP_REQUEST:
        if (n < V_MSG_SIZE || n > V_MSG_SIZE + V_PROTO_MAX_DATA)
            return VPD_LENGTH;
        if (!is_process(h->client) || !h->server)
            return VPD_PID;
        if (v_pid_is_group(h->server) != !!(h->flags & VPF_MULTICAST))
            return VPD_FLAGS;
        return VPD_OK;
    case VP_REPLY:
        if (n < V_MSG_SIZE || n > V_MSG_SIZE + V_PROTO_MAX_DATA)
            return VPD_LENGTH;
        return is_process(h->client) && is_process(h->aux) ? VPD_OK : VPD_PID;
    case VP_PENDING:
    case VP_ACK:
    case VP_DATA_ACK:
        if (n)
            return VPD_LENGTH;
        return is_process(h->client) ? VPD_OK : VPD_PID;
    case VP_NACK: {
        if (n != 4)
            return VPD_LENGTH;
        int32_t err = (int32_t)get32(payload);
        if (err >= 0 || err < V_ERR_MIN)
            return VPD_PAYLOAD;
        return is_process(h->client) ? VPD_OK : VPD_PID;
    }
    case VP_DATA:                               /* 4-byte client address, then bytes */
        if (n <= 4 || n > 4 + V_PROTO_DATA_MAX)   /* up to 6 slots (jumbo frames) */
            return VPD_LENGTH;
        if (h->offset > h->aux || n - 4 > h->aux - h->offset)
            return VPD_PAYLOAD;                 /* outside the transfer it belongs to */
        return is_process(h->client) && is_process(h->server) ? VPD_OK : VPD_PID;
    case VP_MOVE_FROM:
        if (n)
            return VPD_LENGTH;
        if (h->aux == 0 || h->offset + h->aux < h->offset)
            return VPD_PAYLOAD;
        return is_process(h->client) && is_process(h->server) ? VPD_OK : VPD_PID;
    case VP_WHERE:
    case VP_HERE:
        if (n)
            return VPD_LENGTH;
        return h->aux && h->aux <= V_PID_LHOST_MASK ? VPD_OK : VPD_PAYLOAD;
    default:
        return VPD_TYPE;
    }
}

int vp_decode(const uint8_t *buf, uint32_t len, struct v_proto_hdr *h, const uint8_t **payload)
{
    if (len < V_PROTO_HDR_SIZE)
        return VPD_SHORT;
    h->magic = get16(buf);
    h->version = buf[2];
    h->type = buf[3];
    h->flags = get16(buf + 4);
    h->length = get16(buf + 6);
    h->txid = get32(buf + 8);
    h->client = get32(buf + 12);
    h->server = get32(buf + 16);
    h->offset = get32(buf + 20);
    h->aux = get32(buf + 24);
    h->seq = get32(buf + 28);
    if (h->magic != V_PROTO_MAGIC)
        return VPD_MAGIC;
    if (h->version != V_PROTO_VERSION)
        return VPD_VERSION;
    if (h->type == 0 || h->type > VP_TYPE_MAX)
        return VPD_TYPE;
    if (h->flags & ~VPF_KNOWN)
        return VPD_FLAGS;
    if (V_PROTO_HDR_SIZE + (uint32_t)h->length > V_PROTO_MAX_DGRAM ||
        V_PROTO_HDR_SIZE + (uint32_t)h->length != len)
        return VPD_LENGTH;
    *payload = buf + V_PROTO_HDR_SIZE;
    int why = check_type(h, *payload);
    if (why == VPD_OK && (h->flags & VPF_LAST) && h->type != VP_DATA)
        return VPD_FLAGS;                /* "acknowledge now" means something only in DATA */
    if (why == VPD_OK && (h->flags & VPF_START) &&
        (h->type != VP_REQUEST || (h->flags & VPF_MULTICAST)))
        return VPD_FLAGS;                /* a start is one process's unicast Send */
    return why;
}

const char *vp_drop_name(int reason)
{
    static const char *const names[VPD_COUNT] = {
        "ok", "short", "magic", "version", "type", "flags", "length", "payload", "pid",
    };
    return reason >= 0 && reason < VPD_COUNT ? names[reason] : "unknown";
}
