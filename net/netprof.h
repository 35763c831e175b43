/*
 * netprof.h - a compile-time profiler of the network paths (docs/BENCH.md, "Profile").
 * Built only with -DNETPROF=1 (`make BUILD=build-prof NETPROF=1`); otherwise every macro
 * is empty and nothing is linked. Each probe counts events and, for timed ones, TSC
 * cycles; net/netif.c prints one `NETPROF` line a second with the deltas while there
 * is traffic.
 */
#ifndef NET_NETPROF_H
#define NET_NETPROF_H

#include <stdint.h>

#ifndef NETPROF
#define NETPROF 0
#endif

enum netprof_probe {
    NP_IRQ,        /* NIC interrupt handler, whole */
    NP_RXFRAME,    /* one received frame: nic_input through lwIP and the protocol */
    NP_PROTO,      /* the UDP listener's callback (decode, protocol, copy out) */
    NP_UDPSEND,    /* net_udp_send: pbuf, UDP/IP/ARP, the driver */
    NP_XMIT,       /* the driver's transmit */
    NP_KICK,       /* a doorbell: virtio notify, e1000 TDT write */
    NP_CKSUM,      /* lwIP's internet checksum */
    NP_MOVEPKT,    /* one DATA packet of a move sent: read, encode, net_udp_send */
    NP_N
};

struct netprof_slot {
    uint32_t n;
    uint64_t cycles;
};

#if NETPROF
#include "arch.h"
extern struct netprof_slot netprof[NP_N];
#define NP_START(v)      uint64_t v = arch_cycles()
#define NP_END(s, v)     do { netprof[s].n++; netprof[s].cycles += arch_cycles() - (v); } while (0)
#define NP_COUNT(s)      (netprof[s].n++)
void netprof_report(void);
#else
#define NP_START(v)      do { } while (0)
#define NP_END(s, v)     do { } while (0)
#define NP_COUNT(s)      do { } while (0)
#define netprof_report() do { } while (0)
#endif

#endif
