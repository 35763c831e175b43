/*
 * hv_env.h - parsing libv-on-Linux's environment variables and vctl's arguments, and
 * its transaction ids (pure: no sockets, no state; tests/unit/test_host_env.c). Numbers
 * are decimal or 0x hex.
 */
#ifndef HV_ENV_H
#define HV_ENV_H

#include <stdint.h>

/* A whole string as a 32-bit number: decimal, or hex after 0x. 0 or -1. */
int hv_parse_u32(const char *s, uint32_t *out);
/* Dotted quad A.B.C.D -> host byte order. 0 or -1. */
int hv_parse_addr(const char *s, uint32_t *addr);
/* A node argument, "N" or "@N" with N in 0..255. 0 or -1. */
int hv_parse_node(const char *s, uint32_t *node);
/* V_PEERS: "LHOST=A.B.C.D[:PORT]" entries separated by commas; LHOST is a logical host
 * (1..0x7fff) or "@N", node N's own logical host; PORT defaults to 4377. At most 32.
 * All entries are parsed before bind is called for each. Returns 0, or -1: an entry is
 * malformed (nothing is bound) or a bind failed. */
int hv_parse_peers(const char *s, void *arg,
                   int (*bind)(void *arg, uint32_t lhost, uint32_t addr, uint16_t port));

/* Transaction ids take the kernels' form, epoch:8 | count:24, which is how every reply
 * cache compares them (net/proto_rcache.c: another epoch is newer; the same one compares
 * its counts by 24-bit serial arithmetic, a window of 2^23). A host process's first
 * txid, from the time of day `us` in microseconds: the epoch is us >> 24 (it changes
 * every 16.8 s), the count the position within that epoch, halved (below 2^23), so that
 * a later process of the same pid starts after every txid an earlier one used. Never 0. */
uint32_t hv_txid_first(uint64_t us);
/* The next txid: the count + 1 within its 24 bits (never 0), the epoch kept. */
uint32_t hv_txid_next(uint32_t txid);

#endif
