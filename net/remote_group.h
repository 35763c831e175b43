/*
 * remote_group.h - group Sends on the wire (remote_group.c; net_group_send and
 * net_group_end in net/net.h): what remote.c hands it from the wire and the tick.
 * Entry points: rg_on_request, rg_on_reply, rg_on_pending, rg_member_reply, rg_tick.
 * Interrupts off.
 */
#ifndef NET_REMOTE_GROUP_H
#define NET_REMOTE_GROUP_H

#include <stdint.h>
#include <v/msg.h>
#include <v/proto.h>

/* A REQUEST, REPLY or PENDING flagged VPF_MULTICAST. */
void rg_on_request(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t caddr,
                   uint16_t cport);
void rg_on_reply(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t src, uint16_t sport);
void rg_on_pending(const struct v_proto_hdr *h);
/* Group alien `slot` is answered (net_reply): REPLY its client, or decline. */
void rg_member_reply(uint32_t slot, const struct v_msg *m, int status, v_pid_t replier);
/* Every 10 ms: retransmit the open group Sends that are due. */
void rg_tick(uint64_t now);

#endif
