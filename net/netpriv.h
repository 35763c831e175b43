/* netpriv.h - what the files of net/ share with each other and nobody else. */
#ifndef NET_NETPRIV_H
#define NET_NETPRIV_H

struct netif;

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
/* The fast transmit path (net/netif.c): datagram pieces iov[0..n) (total bytes, at most
 * one frame's worth) from local port sport to dst_ip:dport (host byte order), framed
 * here and gathered by the driver, when dst is unicast and its next hop's MAC is in
 * lwIP's ARP cache. Returns 1 if it went (*err = the driver's answer), 0 if lwIP must
 * send it (multicast, broadcast, no ARP entry yet, no address). */
int net_fast_output(uint16_t sport, uint32_t dst_ip, uint16_t dport, const struct net_iov *iov,
                    int n, uint32_t total, int *err);
/* Start the command-line network diagnostics, `udpecho` and `udpping=A.B.C.D`
 * (net/nettest.c). Called once by net_init when the interface exists. */
void nettest_init(void);

#endif
