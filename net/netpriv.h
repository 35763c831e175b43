/* netpriv.h - what the files of net/ share with each other and nobody else.
 * Entry points: net_netif, net_nic, net_udp_csum_offload (netif.c); net_udp_deliver
 * (udp.c); net_ip_fragment, net_udp_offload, net_fast_input, net_fast_input_gso,
 * net_fast_output (fastpath.c); nettest_init (nettest.c). */
#ifndef NET_NETPRIV_H
#define NET_NETPRIV_H

#include <stdint.h>

struct netif;
struct nic;
struct net_iov;

/* The node's lwIP interface, NULL when there is no NIC (net/netif.c). */
struct netif *net_netif(void);
/* 1 if the NIC computes the UDP checksums of whole datagrams: lwIP then leaves them
 * at 0 (NETIF_CHECKSUM_GEN_UDP off), and net_udp_send turns it on for the datagrams
 * lwIP fragments (net/netif.c). */
int net_udp_csum_offload(void);
/* Hand a checked unicast datagram for this node straight to the listener of `port`
 * (net/udp.c), bypassing lwIP (nic_input's fast path). 0 if nobody listens there. */
int net_udp_deliver(uint32_t src_ip, uint16_t src_port, uint16_t port, const void *data,
                    uint32_t len);
/* The node's NIC, NULL when there is none (net/netif.c). */
struct nic *net_nic(void);

/* net/fastpath.c. 1 if frame f (len bytes) is IPv4 and a piece of a fragmented
 * datagram; 0 if it is anything else, a whole datagram included. */
int net_ip_fragment(const uint8_t *f, uint32_t len);
/* Ready frame f for the NIC's UDP checksum offload if it has one and f is a whole UDP
 * datagram behind a 20-byte IPv4 header whose checksum lwIP left at 0 (it does when
 * NETIF_CHECKSUM_GEN_UDP is off): the field then holds the pseudo-header's sum, as both
 * devices want. Returns 1 if so (the frame goes with udp_csum set). */
int net_udp_offload(struct nic *n, uint8_t *f, uint32_t len);
/* The fast receive path: a whole UDP datagram for this node's address and MAC, with a
 * plain 20-byte IPv4 header and right checksums (the UDP one unless csum_ok: the device
 * vouches for it), goes from the driver's buffer straight to its port's listener (no
 * pbuf, no copy, no walk through lwIP's layers). Returns 1 if delivered; 0 for anything
 * else, which lwIP then takes (and counts and drops what is wrong). */
int net_fast_input(struct nic *n, const uint8_t *f, uint32_t len, int csum_ok);
/* The fast transmit path: datagram pieces iov[0..n) (total bytes, at most
 * one frame's worth) from local port sport to dst_ip:dport (host byte order), framed
 * here and gathered by the driver, when dst is unicast and its next hop's MAC is in
 * lwIP's ARP cache. Returns 1 if it went (*err = the driver's answer), 0 if lwIP must
 * send it (multicast, broadcast, no ARP entry yet, no address). */
/* A received UDP GSO frame (virtio's GSO_UDP_L4): its payload cut at seg bytes, each
 * piece delivered as the datagram it was sent as. 1 if it was ours, else 0. */
int net_fast_input_gso(struct nic *n, const uint8_t *f, uint32_t len, uint32_t seg);
int net_fast_output(uint16_t sport, uint32_t dst_ip, uint16_t dport, const struct net_iov *iov,
                    int n, uint32_t total, uint32_t gso, int *err);
/* Start the command-line network diagnostics, `udpecho` and `udpping=A.B.C.D`
 * (net/nettest.c). Called once by net_init when the interface exists. */
void nettest_init(void);

#endif
