/*
 * lhost.h - the table binding logical hosts to node addresses. Learned from the source
 * of every valid packet, answered by a multicast VP_WHERE query when unknown, rebound
 * when a logical host moves (migration), pinned for the node's own logical hosts.
 * Pure; the caller supplies the storage.
 */
#ifndef NET_LHOST_H
#define NET_LHOST_H

#include <stdint.h>
#include <v/pid.h>

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
    uint32_t moves;         /* rebinds to another address (LHOST_MOVED) */
    uint32_t moved_from;    /* the address the last move left */
};

#define LHOST_MOVED 1       /* lhost_learn: the binding moved to another address */

void lhost_init(struct lhost_table *t, struct lhost_entry *storage, uint32_t n);
/* Bind lhost to addr (learned from traffic). A pinned binding is left alone. Evicts the
 * least recently seen unpinned entry when full. Returns V_OK; LHOST_MOVED when lhost was
 * bound to another IPv4 address, which t->moved_from then holds (a new port on the same
 * address is no move: a host tool's next run); V_EINVAL (lhost 0 or addr 0), V_ENOMEM
 * (every entry pinned). */
int lhost_learn(struct lhost_table *t, uint32_t lhost, uint32_t addr, uint16_t port,
                uint64_t now_ns);
/* Bind and pin (the node's own logical hosts). */
int lhost_pin(struct lhost_table *t, uint32_t lhost, uint32_t addr, uint16_t port,
              uint64_t now_ns);
/* V_OK with *addr and *port, or V_ENOTFOUND. */
int lhost_lookup(const struct lhost_table *t, uint32_t lhost, uint32_t *addr, uint16_t *port);
/* The node at addr: the home node of the logical host n = 0 (a kernel's own) bound to
 * it, or 0 when no kernel is known there. */
uint32_t lhost_node_at(const struct lhost_table *t, uint32_t addr);
/* Drop a binding (the node stopped answering for it, or it moved). Pinned ones too. */
void lhost_forget(struct lhost_table *t, uint32_t lhost);

#endif
