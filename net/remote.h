/*
 * remote.h - what net/remote.c shares with the other files of the inter-kernel protocol
 * (remote_move.c, remote_group.c, netprof.c, netif.c); the kernel sees none of it (its
 * door is net/net.h). Transactions, the reply cache, logical-host bindings, the alien
 * records' wire state, and the packet helpers.
 *
 * Entry points: remote_init, rp_info, rp_online, rp_slots, rp_client, rp_encode_request,
 * rp_send, rp_send_raw, rp_nack, rp_learn, rp_stale, rp_now, rp_get32, rp_put32.
 * All run with interrupts off, from system calls, the NIC interrupt or the 10 ms tick.
 */
#ifndef NET_REMOTE_H
#define NET_REMOTE_H

#include <stdint.h>
#include <v/ksrv.h>
#include <v/msg.h>
#include <v/proto.h>
#include "ipc_net.h"             /* IPC_NET_SLOTS: net/ keeps its state per process slot */

extern struct v_net_stats rstats;

/* Open the protocol's port, join the kernels' group, start the 10 ms tick, and tell
 * V_GROUP_EV_NODE that this node is up. Called by net_init, with or without a NIC. */
void remote_init(void);

/* What net/ keeps of an alien record (kernel/ipc_net.h), by its slot: the transaction
 * it answers and what its REQUEST carried. */
struct alien_info {
    uint8_t live, kind;                  /* kind: IPC_NET_UNICAST or IPC_NET_GROUP */
    v_pid_t client;                      /* the remote client */
    uint64_t heard_ns;                   /* its client last asked for it (REQUEST, repeat) */
    uint32_t txid, addr;                 /* the transaction, the client's node */
    uint16_t port, data_len, reply_len;
    uint32_t reply_addr;
    v_pid_t group;                       /* IPC_NET_GROUP: the group sent to */
    uint8_t data[V_PROTO_MAX_DATA];      /* segment bytes the REQUEST carried */
    uint8_t reply[V_PROTO_MAX_DATA];     /* staged for the REPLY */
};
struct alien_info *rp_info(uint32_t slot);
/* An alien's client may hold at most this many of a node's process slots at once (per
 * client node address): the rest of its requests are refused with V_ENOMEM (unicast) or
 * not delivered (group), so that no one node can use up another's process table. */
#define RP_ALIENS_PER_NODE IPC_NET_ALIENS_PER_NODE
/* An alien whose client has not asked for it (its REQUEST, a retransmission, a probe)
 * for this long is forgotten: its client has died or given up (clients probe every
 * second while they wait; docs/PROTOCOL.md). */
#define RP_ALIEN_IDLE_NS (10ull * 1000000000u)
/* Of that share, group deliveries may take at most this many, so that a node's burst of
 * group Sends to a slow member never leaves its own unicast requests without room. */
#define RP_GROUP_ALIENS_PER_NODE (RP_ALIENS_PER_NODE / 2)
/* 1 if client node addr holds its share of aliens already, for a unicast request or
 * (group) a group delivery (counted refused). */
int rp_aliens_full(uint32_t addr, int group);
/* Client `client`'s transaction txid was asked for again: its aliens are alive. */
void rp_aliens_heard(v_pid_t client, uint32_t txid);
int rp_online(void);
/* Slots per DATA packet this node sends: 1, more with jumbo frames (mtu=). */
uint32_t rp_slots(void);
/* The process slot of local client `client` whose unicast Send txid is in progress,
 * or -1. */
int rp_client(v_pid_t client, uint32_t txid);
/* Encode message m and n bytes of segment after header h into pkt (V_PROTO_MAX_PKT
 * bytes). Returns the length or an error. */
int rp_encode_request(struct v_proto_hdr *h, const struct v_msg *m, const void *data,
                      uint32_t n, uint8_t *pkt);
/* Send an encoded packet to addr:port; again: a retransmission (flag and counter). */
void rp_send_raw(uint32_t addr, uint16_t port, uint8_t *pkt, uint32_t len, int again);
/* Encode and send one packet to addr:port. */
void rp_send(uint32_t addr, uint16_t port, const struct v_proto_hdr *h, const void *pl,
             uint32_t plen);
void rp_nack(uint32_t addr, uint16_t port, const struct v_proto_hdr *about, int err);
/* Learn where logical host lhost lives (traffic from it). */
void rp_learn(uint32_t lhost, uint32_t addr, uint16_t port);
/* Is (client, txid) older than what this node already answered for client? */
int rp_stale(v_pid_t client, uint32_t txid);
uint64_t rp_now(void);

static inline uint32_t rp_get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void rp_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

#endif
