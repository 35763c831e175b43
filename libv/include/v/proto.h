/*
 * v/proto.h - the inter-kernel protocol on the wire (docs/PROTOCOL.md, byte by byte).
 * Kernels and Linux host programs (libv on Linux) both speak it over UDP/IPv4, port
 * V_PROTO_PORT. Request/response transactions in the spirit of VMTP (RFC 1045).
 *
 * Every packet is a 32-byte header, all fields big-endian, then `length` bytes of
 * payload whose layout depends on the type. The codec (net/proto_codec.c) checks every
 * field on receipt; a packet that fails a check is counted by reason and dropped.
 */
#ifndef V_PROTO_H
#define V_PROTO_H

#include <stdint.h>
#include "msg.h"
#include "pid.h"

#define V_PROTO_PORT      4377
#define V_PROTO_KERNELS   0xef560001u  /* 239.86.0.1: every kernel joins it (WHERE queries) */
#define V_PROTO_MAGIC     0x5653u      /* "VS" */
#define V_PROTO_VERSION   1
#define V_PROTO_HDR_SIZE  32
/* Data bytes of one DATA packet, and the most a REQUEST or REPLY carries besides its
 * message: 1,408 makes the largest packet exactly one 1,514-byte Ethernet frame
 * (14 + 20 IP + 8 UDP + 32 header + 32 message + 1,408), never fragmented. */
#define V_PROTO_MAX_DATA  1408
#define V_PROTO_GROUP_MAX 32           /* slots in one packet group (a 32-bit bitmap) */
#define V_PROTO_MAX_PKT   (V_PROTO_HDR_SIZE + V_MSG_SIZE + V_PROTO_MAX_DATA)
#define V_PROTO_GROUP_BYTES (V_PROTO_GROUP_MAX * V_PROTO_MAX_DATA)
/* A move's bytes are counted in slots of V_PROTO_MAX_DATA; one DATA packet carries 1 to
 * V_PROTO_SLOTS_MAX whole slots of one group (the last slot of a move may be short).
 * Every receiver takes up to V_PROTO_SLOTS_MAX; a sender sends more than one only on
 * links whose MTU carries it (jumbo frames, kernel option mtu=; docs/PROTOCOL.md):
 * 6 slots are a 32 + 4 + 8,448-byte packet, an 8,512-byte IP datagram. */
#define V_PROTO_SLOTS_MAX 6
#define V_PROTO_DATA_MAX  (V_PROTO_SLOTS_MAX * V_PROTO_MAX_DATA)
#define V_PROTO_MAX_DGRAM (V_PROTO_HDR_SIZE + 4 + V_PROTO_DATA_MAX)
/* Slots per DATA packet a link of IP MTU mtu carries (1..V_PROTO_SLOTS_MAX). */
static inline uint32_t v_proto_slots_for_mtu(uint32_t mtu)
{
    uint32_t room = mtu > 20 + 8 + V_PROTO_HDR_SIZE + 4 ? mtu - (20 + 8 + V_PROTO_HDR_SIZE + 4) : 0;
    uint32_t k = room / V_PROTO_MAX_DATA;
    return k < 1 ? 1 : k > V_PROTO_SLOTS_MAX ? V_PROTO_SLOTS_MAX : k;
}

/* The DATA_ACK bitmap of a complete group of n packets (1..V_PROTO_GROUP_MAX). */
static inline uint32_t v_proto_group_mask(uint32_t n)
{
    return n >= 32 ? 0xffffffffu : (1u << n) - 1;
}

enum v_proto_type {
    VP_REQUEST = 1,     /* client kernel -> server kernel: a Send. payload: message */
    VP_REPLY,           /* server -> client: the Reply. payload: message [+ data]   */
    VP_PENDING,         /* server -> client: received, reply not ready (keep-alive)  */
    VP_NACK,            /* server -> client: no such process etc. payload: 4-byte error */
    VP_ACK,             /* client -> server: reply received; drop it from the cache   */
    VP_DATA,            /* either way: part of a MoveTo / MoveFrom packet group        */
    VP_DATA_ACK,        /* receiver of DATA: which packets of the group arrived        */
    VP_MOVE_FROM,       /* mover -> owner of a segment: send me [offset, offset+len)  */
    VP_WHERE,           /* multicast: which node holds logical host `aux`?            */
    VP_HERE,            /* answer to VP_WHERE                                          */
    VP_TYPE_MAX = VP_HERE
};

#define VPF_RETRANSMIT 0x0001u  /* a resend by its sender; kernels ignore it (traces; a host
                                   member in test mode V_TEST_MISS_FIRST drops copies without it) */
#define VPF_MULTICAST  0x0002u  /* sent to a group address */
#define VPF_LAST       0x0004u  /* DATA only: acknowledge now (last packet of a group, or a
                                   probe); on any other type the packet is malformed */
#define VPF_START      0x0008u  /* REQUEST only (unicast): the client is a process just created
                                   for the server (KS_CREATE_TEAM from another node) and
                                   awaits its start: the server's kernel holds it as awaiting
                                   the server's reply at once and answers PENDING at once */
#define VPF_KNOWN      0x000fu  /* every flag bit a receiver accepts; others: malformed */

/* The header, host byte order after decoding. */
struct v_proto_hdr {
    uint16_t magic;      /*  0: V_PROTO_MAGIC */
    uint8_t  version;    /*  2: V_PROTO_VERSION */
    uint8_t  type;       /*  3: enum v_proto_type */
    uint16_t flags;      /*  4: VPF_* */
    uint16_t length;     /*  6: payload bytes after the header */
    uint32_t txid;       /*  8: transaction id, chosen by the client kernel */
    v_pid_t  client;     /* 12: the process that sent (or moves) */
    v_pid_t  server;     /* 16: the process it was sent to (or the segment owner) */
    uint32_t offset;     /* 20: REQUEST: client's UDP port (0 = the source's); DATA: offset
                                in the move; DATA_ACK: the group's first offset; MOVE_FROM:
                                address in the client's space */
    uint32_t aux;        /* 24: REQUEST: client node's IPv4 (0 = the source's); REPLY:
                                replier pid; DATA: bytes in the move; DATA_ACK: bitmap;
                                MOVE_FROM: length; WHERE/HERE: logical host */
    uint32_t seq;        /* 28: packet number within the transaction (retransmissions reuse it) */
};

/* Why a received packet was dropped (counters in the kernel and in host tools). */
enum v_proto_drop {
    VPD_OK = 0, VPD_SHORT, VPD_MAGIC, VPD_VERSION, VPD_TYPE, VPD_FLAGS, VPD_LENGTH,
    VPD_PAYLOAD, VPD_PID, VPD_COUNT
};

#endif
