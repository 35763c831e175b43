/*
 * udp.h - UDP over the node's one Ethernet interface, as the files of net/ use it (the
 * kernel sees only net/net.h). IPv4 through lwIP; everything here runs in kernel
 * context with interrupts off (as the whole kernel does), including the receive
 * callbacks, which are called from the NIC's interrupt.
 *
 * Entry points: net_mtu (netif.c), net_udp_listen, net_udp_send, net_udp_sendv,
 * net_udp_gso_ok, net_udp_send_gso, net_mcast_report (udp.c), net_tx_hold,
 * net_tx_release (netif.c), net_nic_count, net_nic_stats (nic.c).
 */
#ifndef NET_UDP_H
#define NET_UDP_H

#include <stdint.h>

/* The link's IP MTU in bytes: the largest IPv4 datagram (header included) sent or taken
 * in one frame, so a UDP payload of net_mtu() - 28 bytes is never fragmented. 1500
 * unless the command line says mtu=N (576..9000; docs/NET.md, "Jumbo frames"); fixed
 * from net_init on. Every node of a segment must say the same. */
uint32_t net_mtu(void);

/* A UDP datagram arrived for a port registered with net_udp_listen; data is valid
 * only during the call. */
typedef void (*net_udp_fn)(void *arg, uint32_t src_ip, uint16_t src_port,
                           const void *data, uint32_t len);

/* Receive the datagrams sent to UDP `port` (unicast, broadcast, and multicast groups
 * the node joins) through fn. Returns 0, V_EBUSY (port taken), V_ENOMEM, or
 * V_ENOTFOUND (no interface). */
int net_udp_listen(uint16_t port, net_udp_fn fn, void *arg);

/* A piece of a datagram to send. ref: the bytes are a process's pages, which stay where
 * they are until the process lets them go, and whose freeing waits for the NIC
 * (page_free_dma, kernel/mem.h); a driver may then give them to the device in place
 * instead of copying them (nic.h). */
struct net_iov {
    const void *base;
    uint32_t len;
    uint32_t ref;
};

/* Send len bytes as one UDP datagram from local `port` (opened with net_udp_listen)
 * to dst_ip:dst_port (a multicast or broadcast address is fine). An
 * unresolved unicast neighbour is ARP'd first (the datagram waits in lwIP's queue).
 * Returns 0, V_ENOTFOUND (port not open, no interface, or no route), V_ENOMEM, or
 * V_EINVAL (longer than 65507 bytes, or lwIP refused it). */
int net_udp_send(uint16_t port, uint32_t dst_ip, uint16_t dst_port, const void *data,
                 uint32_t len);
/* The same with the datagram in n pieces (n <= NET_UDP_IOV), gathered without a copy
 * when it fits one frame and its next hop's MAC is known. */
#define NET_UDP_IOV 8
#define NET_GSO_IOV 72                   /* pieces of a segmented send (net_udp_send_gso) */
int net_udp_sendv(uint16_t port, uint32_t dst_ip, uint16_t dst_port,
                  const struct net_iov *iov, int n);
/* Send the pieces as UDP datagrams of seg bytes each (the last may be shorter), in one
 * frame that the NIC or host cuts (UDP segmentation offload), when the NIC can and the
 * next hop is known: 0; 1 when it cannot (send them one by one); or an error. */
int net_udp_gso_ok(void);
int net_udp_send_gso(uint16_t port, uint32_t dst_ip, uint16_t dst_port,
                     const struct net_iov *iov, int n, uint32_t seg);

/* Send a burst: between net_tx_hold and the matching net_tx_release, datagrams only
 * join the NIC's transmit ring, and the release tells the device once (one doorbell
 * instead of one per frame). Nests. */
void net_tx_hold(void);
void net_tx_release(void);

/* Report every joined group again (IGMP), as if answering a query: a snooping switch
 * that missed the reports sent at boot learns the memberships without waiting for its
 * next general query (125 s on a Linux bridge). */
void net_mcast_report(void);

/* Per-NIC counters. rx_dropped counts frames discarded before the stack: our own
 * frames reflected by the segment, no buffer, oversized. */
struct net_nic_stats {
    char name[12];                   /* driver: "e1000", "virtio-net" */
    uint8_t mac[6];
    uint8_t up;                      /* 1 if this NIC is the node's interface */
    uint8_t link;                    /* link is up */
    uint32_t rx_packets, rx_bytes, tx_packets, tx_bytes;
    uint32_t rx_dropped, tx_dropped, rx_errors, tx_errors, irqs;
    uint32_t tx_inplace;             /* datagrams the device read partly from process pages */
    uint32_t tx_gso, rx_gso;         /* frames cut into datagrams by the device or host;
                                        frames that came uncut (UDP segmentation offload) */
};

/* Number of NICs with a driver attached. */
uint32_t net_nic_count(void);
/* Counters of NIC i (0 .. count-1): 0 or V_ENOTFOUND. */
int net_nic_stats(uint32_t i, struct net_nic_stats *out);

#endif
