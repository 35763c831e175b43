/*
 * fuzz_proto_codec.c - net/proto_codec.c against the rules of docs/PROTOCOL.md.
 *
 * Input: one mode byte, then
 *   even: a datagram. vp_decode's verdict must be the one an independent reading of
 *         the protocol's rules gives (model_decode, in the documented order); an accepted
 *         packet's fields must be its bytes, and re-encoding it must give them back.
 *   odd:  a header's fields, a payload length and a buffer capacity. vp_encode must
 *         refuse exactly what does not fit, write the documented big-endian layout, and
 *         vp_decode of what it wrote must agree with the model; a message must survive
 *         vp_put_msg / vp_get_msg.
 * The datagram is copied to a buffer of exactly its size, so ASan sees any overread.
 */
#include <string.h>
#include <v/err.h>
#include "fuzz.h"
#include "proto_codec.h"

void *malloc(size_t n);
void free(void *p);

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p) { return be16(p) << 16 | be16(p + 2); }

/* A process: nonzero and not a group id (the G bit, 0x80000000). */
static int proc(uint32_t pid) { return pid != 0 && pid < 0x80000000u; }

/* Rule 3 of the documented order: the type's payload size, its values, its pids. */
static int model_type(const uint8_t *b, uint32_t type, uint32_t n)
{
    uint32_t flags = be16(b + 4), client = be32(b + 12), server = be32(b + 16);
    uint64_t offset = be32(b + 20), aux = be32(b + 24);
    switch (type) {
    case 1:                                                         /* REQUEST */
        if (n < 32 || n > 32 + 1408)
            return VPD_LENGTH;
        if (!proc(client) || server == 0)
            return VPD_PID;
        return (server >= 0x80000000u) == ((flags & 2) != 0) ? VPD_OK : VPD_FLAGS;
    case 2:                                                         /* REPLY */
        if (n < 32 || n > 32 + 1408)
            return VPD_LENGTH;
        return proc(client) && proc((uint32_t)aux) ? VPD_OK : VPD_PID;
    case 3: case 5: case 7:                                         /* PENDING ACK DATA_ACK */
        return n ? VPD_LENGTH : proc(client) ? VPD_OK : VPD_PID;
    case 4: {                                                       /* NACK */
        if (n != 4)
            return VPD_LENGTH;
        int64_t code = (int32_t)be32(b + 32);
        if (code < -20 || code > -1)
            return VPD_PAYLOAD;
        return proc(client) ? VPD_OK : VPD_PID;
    }
    case 6:                                                         /* DATA */
        if (n < 5 || n > 4 + 6 * 1408)
            return VPD_LENGTH;
        if (offset + (n - 4) > aux)
            return VPD_PAYLOAD;
        return proc(client) && proc(server) ? VPD_OK : VPD_PID;
    case 8:                                                         /* MOVE_FROM */
        if (n)
            return VPD_LENGTH;
        if (aux == 0 || offset + aux > 0xffffffffu)
            return VPD_PAYLOAD;
        return proc(client) && proc(server) ? VPD_OK : VPD_PID;
    default:                                                        /* WHERE HERE */
        if (n)
            return VPD_LENGTH;
        return aux >= 1 && aux <= 0x7fff ? VPD_OK : VPD_PAYLOAD;
    }
}

/* The verdict docs/PROTOCOL.md gives datagram b of len bytes, rule by rule. */
static int model_decode(const uint8_t *b, uint32_t len)
{
    if (len < 32)
        return VPD_SHORT;
    if (be16(b) != 0x5653)
        return VPD_MAGIC;
    if (b[2] != 1)
        return VPD_VERSION;
    if (b[3] == 0 || b[3] > 10)
        return VPD_TYPE;
    uint32_t flags = be16(b + 4), n = be16(b + 6);
    if (flags & ~0xfu)
        return VPD_FLAGS;
    if (32 + n != len || 32 + n > 32 + 4 + 6 * 1408)
        return VPD_LENGTH;
    int why = model_type(b, b[3], n);
    if (why != VPD_OK)
        return why;
    if ((flags & 4) && b[3] != 6)
        return VPD_FLAGS;                                   /* LAST: DATA only */
    if ((flags & 8) && (b[3] != 1 || (flags & 2)))
        return VPD_FLAGS;                                   /* START: unicast REQUEST */
    return VPD_OK;
}

/* Decode a copy of b (exactly len bytes) and check everything about the result. */
static int check_decode(const uint8_t *b, uint32_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, b, len);
    struct v_proto_hdr h;
    const uint8_t *payload = 0;
    int why = vp_decode(copy, len, &h, &payload);
    FZ_EQ(why, model_decode(b, len));
    FZ_CHECK(vp_drop_name(why) != 0);
    if (why == VPD_OK) {
        FZ_EQ(h.type, b[3]);
        FZ_EQ(h.flags, be16(b + 4));
        FZ_EQ(h.length, len - 32);
        FZ_EQ(h.txid, be32(b + 8));
        FZ_EQ(h.client, be32(b + 12));
        FZ_EQ(h.server, be32(b + 16));
        FZ_EQ(h.offset, be32(b + 20));
        FZ_EQ(h.aux, be32(b + 24));
        FZ_EQ(h.seq, be32(b + 28));
        FZ_CHECK(payload == copy + 32);
        uint8_t again[V_PROTO_MAX_DGRAM];
        FZ_EQ(vp_encode(&h, payload, h.length, again, sizeof(again)), len);
        FZ_CHECK(memcmp(again, b, len) == 0);
    }
    free(copy);
    return why;
}

/* The largest payload vp_encode takes for a type (REQUEST/REPLY size for all but DATA). */
static uint32_t max_payload(uint8_t type)
{
    return type == 6 ? 4 + 6 * 1408 : 32 + 1408;
}

static void check_msg(struct fz *f)
{
    struct v_msg m, back;
    uint8_t w[V_MSG_SIZE];
    m.code = fz_u16(f);
    m.flags = fz_u16(f);
    for (int i = 0; i < 5; i++)
        m.w[i] = fz_u32(f);
    m.seg_ptr = fz_u32(f);
    m.seg_len = fz_u32(f);
    vp_put_msg(&m, w);
    FZ_EQ(be16(w), m.code);
    FZ_EQ(be16(w + 2), m.flags);
    for (int i = 0; i < 5; i++)
        FZ_EQ(be32(w + 4 + 4 * i), m.w[i]);
    FZ_EQ(be32(w + 24), m.seg_ptr);
    FZ_EQ(be32(w + 28), m.seg_len);
    vp_get_msg(w, &back);
    FZ_CHECK(memcmp(&m, &back, sizeof(m)) == 0);
}

static void check_encode(struct fz *f)
{
    static uint8_t payload[V_PROTO_MAX_DGRAM + 16], buf[V_PROTO_MAX_DGRAM + 64];
    struct v_proto_hdr h = { 0 };
    h.type = fz_u8(f);
    h.flags = fz_u16(f);
    h.txid = fz_u32(f);
    h.client = fz_u32(f);
    h.server = fz_u32(f);
    h.offset = fz_u32(f);
    h.aux = fz_u32(f);
    h.seq = fz_u32(f);
    uint32_t plen = fz_u16(f) % (V_PROTO_MAX_DGRAM + 16);
    uint32_t cap = fz_u16(f) % (uint32_t)sizeof(buf);
    for (uint32_t i = 0; i < plen; i++)
        payload[i] = (uint8_t)(i * 7 + h.seq);
    memset(buf, 0xa5, sizeof(buf));
    int n = vp_encode(&h, payload, plen, buf, cap);
    if (plen > max_payload(h.type) || 32 + plen > cap) {
        FZ_EQ(n, V_EINVAL);
        check_msg(f);
        return;
    }
    FZ_EQ(n, 32 + plen);
    FZ_EQ(buf[n], 0xa5);                                    /* nothing past the packet */
    uint8_t want[32] = { 0x56, 0x53, 1, h.type, (uint8_t)(h.flags >> 8), (uint8_t)h.flags,
                         (uint8_t)(plen >> 8), (uint8_t)plen };
    FZ_CHECK(memcmp(buf, want, 8) == 0);
    FZ_EQ(be32(buf + 8), h.txid);
    FZ_EQ(be32(buf + 12), h.client);
    FZ_EQ(be32(buf + 16), h.server);
    FZ_EQ(be32(buf + 20), h.offset);
    FZ_EQ(be32(buf + 24), h.aux);
    FZ_EQ(be32(buf + 28), h.seq);
    FZ_CHECK(memcmp(buf + 32, payload, plen) == 0);
    uint8_t hdr[V_PROTO_HDR_SIZE];
    FZ_EQ(vp_encode_hdr(&h, plen, hdr), V_PROTO_HDR_SIZE);
    FZ_CHECK(memcmp(hdr, buf, sizeof(hdr)) == 0);
    check_decode(buf, (uint32_t)n);
    check_msg(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    if (size > V_PROTO_MAX_DGRAM + 64)
        return 0;
    if (fz_u8(&f) & 1)
        check_encode(&f);
    else
        check_decode(f.p, (uint32_t)f.n);
    return 0;
}
