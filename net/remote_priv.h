/* remote_priv.h - what net/remote.c and net/remote_move.c share; nothing else sees it. */
#ifndef NET_REMOTE_PRIV_H
#define NET_REMOTE_PRIV_H

#include <stdint.h>
#include "proc.h"
#include <v/ksrv.h>
#include <v/proto.h>

extern struct v_net_stats rstats;

uint64_t rp_now(void);
/* Encode and send one packet to addr:port. */
void rp_send(uint32_t addr, uint16_t port, const struct v_proto_hdr *h, const void *pl,
             uint32_t plen);
void rp_nack(uint32_t addr, uint16_t port, const struct v_proto_hdr *about, int err);
/* The local client whose Send transaction txid is in progress, or NULL. */
struct proc *rp_client(v_pid_t client, uint32_t txid);

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
