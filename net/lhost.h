/*
 * lhost.h - the table binding logical hosts to node addresses. Learned from the source
 * of every valid packet, answered by a multicast VP_WHERE query when unknown, rebound
 * when a logical host moves (migration), pinned for the node's own logical hosts.
 * Pure; the caller supplies the storage.
 */
#ifndef NET_LHOST_H
#define NET_LHOST_H

#include <stdint.h>

struct lhost_entry {
    uint16_t lhost;         /* 0: free */
    uint8_t pinned;         /* never evicted or relearned (our own) */
    uint16_t port;          /* its UDP port: V_PROTO_PORT for kernels */
    uint32_t addr;          /* IPv4 address of the node, host byte order */
    uint64_t seen_ns;       /* last learned or confirmed */
};

struct lhost_table {
    struct lhost_entry *e;
    uint32_t n;
    uint32_t evictions, rebinds;
};

void lhost_init(struct lhost_table *t, struct lhost_entry *storage, uint32_t n);
/* Bind lhost to addr (learned from traffic). A pinned binding is left alone. Evicts the
 * least recently seen unpinned entry when full. Returns V_OK, V_EINVAL (lhost 0 or
 * addr 0), V_ENOMEM (every entry pinned). */
int lhost_learn(struct lhost_table *t, uint32_t lhost, uint32_t addr, uint16_t port,
                uint64_t now_ns);
/* Bind and pin (the node's own logical hosts). */
int lhost_pin(struct lhost_table *t, uint32_t lhost, uint32_t addr, uint16_t port,
              uint64_t now_ns);
/* V_OK with *addr and *port, or V_ENOTFOUND. */
int lhost_lookup(const struct lhost_table *t, uint32_t lhost, uint32_t *addr, uint16_t *port);
/* Drop a binding (the node stopped answering for it, or it moved). Pinned ones too. */
void lhost_forget(struct lhost_table *t, uint32_t lhost);

#endif
