/* remote_priv.h - what net/remote.c and net/remote_move.c share; nothing else sees it. */
#ifndef NET_REMOTE_PRIV_H
#define NET_REMOTE_PRIV_H

#include <stdint.h>
#include "proc.h"
#include <v/ksrv.h>
#include <v/proto.h>

extern struct v_net_stats rstats;

/* What an alien (any kind, proc.h) carries besides its process record, by slot. */
struct alien_info {
    uint32_t txid, addr;                 /* the transaction, the client's node (0: local) */
    uint16_t port, data_len, reply_len;
    uint32_t reply_addr;
    v_pid_t group;                       /* ALIEN_GROUP, ALIEN_PROXY: the group sent to */
    uint8_t data[V_PROTO_MAX_DATA];      /* segment bytes the REQUEST carried */
    uint8_t reply[V_PROTO_MAX_DATA];     /* staged for the REPLY */
};
struct alien_info *rp_info(struct proc *a);
int rp_online(void);
/* Slots per DATA packet this node sends: 1, more with jumbo frames (mtu=). */
uint32_t rp_slots(void);
uint32_t rp_new_txid(void);
/* Encode p's message and up to V_PROTO_MAX_DATA bytes of its READ grant after header h
 * into pkt (V_PROTO_MAX_PKT bytes). Returns the length or an error. */
int rp_encode_request(struct proc *p, struct v_proto_hdr *h, uint8_t *pkt);
void rp_send_raw(uint32_t addr, uint16_t port, uint8_t *pkt, uint32_t len, int again);
/* Learn where logical host lhost lives (traffic from it). */
void rp_learn(uint32_t lhost, uint32_t addr, uint16_t port);
/* Is (client, txid) older than what this node already answered for client? */
int rp_stale(v_pid_t client, uint32_t txid);

uint64_t rp_now(void);
/* Encode and send one packet to addr:port. */
void rp_send(uint32_t addr, uint16_t port, const struct v_proto_hdr *h, const void *pl,
             uint32_t plen);
void rp_nack(uint32_t addr, uint16_t port, const struct v_proto_hdr *about, int err);
/* The local client whose Send transaction txid is in progress, or NULL. */
struct proc *rp_client(v_pid_t client, uint32_t txid);

/* Group traffic (remote_group.c): a REQUEST, REPLY or PENDING flagged VPF_MULTICAST. */
void group_on_request(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t caddr,
                      uint16_t cport);
void group_on_reply(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t src, uint16_t sport);
void group_on_pending(const struct v_proto_hdr *h);

void move_on_data(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t src, uint16_t sport);
void move_on_ack(const struct v_proto_hdr *h);
void move_on_move_from(const struct v_proto_hdr *h, uint32_t src, uint16_t sport);
void move_on_nack(const struct v_proto_hdr *h, int err);
void move_tick(uint64_t now);
void move_forget(struct proc *p);
int move_start(struct proc *mover, struct proc *alien, uint32_t addr, uint16_t port,
               uint32_t txid, uint32_t client_addr, uint32_t local_addr, uint32_t len, int write);

static inline uint32_t rp_get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void rp_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

#endif
