/*
 * remote_move.h - MoveTo and MoveFrom across the network (remote_move.c; net_move in
 * net/net.h starts one): what remote.c hands it from the wire and the tick.
 * Entry points: move_on_data, move_on_ack, move_on_move_from, move_on_nack, move_tick,
 * move_forget. Interrupts off.
 */
#ifndef NET_REMOTE_MOVE_H
#define NET_REMOTE_MOVE_H

#include <stdint.h>
#include <v/proto.h>

void move_on_data(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t src, uint16_t sport);
void move_on_ack(const struct v_proto_hdr *h);
void move_on_move_from(const struct v_proto_hdr *h, uint32_t src, uint16_t sport);
/* A NACK about a move's transaction: the move ends with err. */
void move_on_nack(const struct v_proto_hdr *h, int err);
/* Every 10 ms: probe or ask again what is overdue, give up on what is dead. */
void move_tick(uint64_t now);
/* Local process pid (slot `slot`) is gone: its moves end without a word. */
void move_forget(uint32_t slot, v_pid_t pid);

#endif
