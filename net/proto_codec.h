/*
 * proto_codec.h - encoding and checking inter-kernel protocol packets (v/proto.h).
 * Pure: no kernel headers, used by the kernel and by libv on Linux, tested on the host.
 */
#ifndef NET_PROTO_CODEC_H
#define NET_PROTO_CODEC_H

#include <stdint.h>
#include <v/msg.h>
#include <v/proto.h>

/* Write header h and plen payload bytes into buf (capacity cap). Returns the packet
 * length, or V_EINVAL if it does not fit or plen exceeds the largest payload. */
int vp_encode(const struct v_proto_hdr *h, const void *payload, uint32_t plen, uint8_t *buf,
              uint32_t cap);
/* Write only header h, for a payload of plen bytes that follows it elsewhere (a
 * gathered send). Returns V_PROTO_HDR_SIZE, or V_EINVAL if plen exceeds the largest. */
int vp_encode_hdr(const struct v_proto_hdr *h, uint32_t plen, uint8_t out[V_PROTO_HDR_SIZE]);
/* Check a received datagram of len bytes field by field. Returns VPD_OK with *h filled
 * and *payload pointing at h->length payload bytes inside buf, or the VPD_* reason it
 * must be dropped for. Never reads outside [buf, buf+len). Flags: bits outside
 * VPF_KNOWN, MULTICAST on a REQUEST unless its server is a group (and the reverse), and
 * LAST on any type but DATA (checked after every other rule) are VPD_FLAGS. */
int vp_decode(const uint8_t *buf, uint32_t len, struct v_proto_hdr *h, const uint8_t **payload);
/* A message travels as eight big-endian fields in 32 bytes. */
void vp_put_msg(const struct v_msg *m, uint8_t out[V_MSG_SIZE]);
void vp_get_msg(const uint8_t in[V_MSG_SIZE], struct v_msg *m);
const char *vp_drop_name(int reason);

#endif
