/*
 * fastpath.c - the protocol's short cuts through the IP stack (docs/NET.md). Coming in,
 * a whole unicast UDP datagram for this node with right checksums goes from the driver's
 * buffer straight to its port's listener; going out, a unicast datagram whose next hop
 * lwIP's ARP cache knows is framed here and gathered by the driver. Everything else
 * (ARP, IGMP, ICMP, DHCP, broadcast, multicast, fragments, options, bad checksums) goes
 * through lwIP, which is also what keeps the ARP cache. And the UDP checksum offload's
 * part of framing: the pseudo-header's sum in the checksum field.
 *
 * Entry points: net_fast_input, net_fast_input_gso, net_fast_output, net_udp_offload,
 * net_ip_fragment (netpriv.h). Context: kernel, interrupts off.
 */
#include "netpriv.h"
#include "chksum.h"
#include "udp.h"
#include "nic.h"
#include <string.h>
#include <v/err.h>
#include "lwip/etharp.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"

/* Offsets in an Ethernet frame carrying IPv4 with a 20-byte header, and UDP. */
#define F_TYPE   12
#define F_VHL    14
#define F_FRAG   20
#define F_PROTO  23
#define F_SRC    26
#define F_DST    30
#define F_UDP    34
#define F_ULEN   38
#define F_USUM   40
#define F_DATA   42

#define IOV_MAX_OUT (NET_GSO_IOV + 1)    /* the datagram's pieces and the headers */

int net_ip_fragment(const uint8_t *f, uint32_t len)
{
    return len >= 34 && f[F_TYPE] == 0x08 && f[F_TYPE + 1] == 0 &&
           ((f[F_FRAG] & 0x3f) || f[F_FRAG + 1]);
}

int net_udp_offload(struct nic *n, uint8_t *f, uint32_t len)
{
    if (!(n->caps & NIC_CAP_TX_UDP_CSUM) || len < F_DATA || f[F_TYPE] != 0x08 ||
        f[F_TYPE + 1] != 0 || f[F_VHL] != 0x45 || f[F_PROTO] != 17 ||
        net_ip_fragment(f, len) || f[F_USUM] || f[F_USUM + 1])
        return 0;
    uint8_t ph[12];
    memcpy(ph, f + F_SRC, 8);            /* source and destination addresses */
    ph[8] = 0;
    ph[9] = 17;
    memcpy(ph + 10, f + F_ULEN, 2);
    uint16_t sum = net_chksum(ph, sizeof(ph));
    memcpy(f + F_USUM, &sum, 2);         /* as summed: byte order is kept (RFC 1071) */
    return 1;
}


static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* A frame that is Ethernet, a plain IPv4 header (right checksum, no fragment, no
 * options) and UDP, unicast to this node: its UDP length, else 0. */
static uint32_t udp_for_us(struct nic *n, const uint8_t *f, uint32_t len)
{
    struct netif *ni = net_netif();
    uint32_t me = ni ? ip4_addr_get_u32(netif_ip4_addr(ni)) : 0;
    if (len < F_DATA || f[F_TYPE] != 0x08 || f[F_TYPE + 1] != 0 || f[F_VHL] != 0x45 ||
        f[F_PROTO] != 17 || net_ip_fragment(f, len) || !me || memcmp(f, n->mac, 6) ||
        memcmp(f + F_DST, &me, 4))
        return 0;
    uint32_t tot = get16(f + 16), ulen = get16(f + F_UDP + 4);
    if (tot > len - 14 || tot < 28 || ulen != tot - 20 || net_chksum(f + F_VHL, 20) != 0xffff)
        return 0;
    return ulen;
}

int net_fast_input(struct nic *n, const uint8_t *f, uint32_t len, int csum_ok)
{
    uint32_t ulen = udp_for_us(n, f, len);
    if (!ulen)
        return 0;
    if (!csum_ok && (f[F_USUM] || f[F_USUM + 1])) {
        uint8_t ph[4] = { 0, 17, f[F_UDP + 4], f[F_UDP + 5] };
        uint32_t s = (uint32_t)net_chksum(f + F_SRC, 8) + net_chksum(ph, 4) +
                     net_chksum(f + F_UDP, (int)ulen);
        s = (s & 0xffffu) + (s >> 16);
        s = (s & 0xffffu) + (s >> 16);
        if (s != 0xffff)
            return 0;
    }
    uint32_t src = (uint32_t)get16(f + F_SRC) << 16 | get16(f + F_SRC + 2);
    return net_udp_deliver(src, get16(f + F_UDP), get16(f + F_UDP + 2), f + F_DATA, ulen - 8);
}

int net_fast_input_gso(struct nic *n, const uint8_t *f, uint32_t len, uint32_t seg)
{
    uint32_t ulen = seg ? udp_for_us(n, f, len) : 0;
    if (!ulen || ulen != len - 34)       /* an uncut frame is never padded */
        return 0;
    uint32_t src = (uint32_t)get16(f + F_SRC) << 16 | get16(f + F_SRC + 2);
    const uint8_t *p = f + F_DATA;
    for (uint32_t rem = ulen - 8; rem;) {     /* the datagrams the sender's host would cut */
        uint32_t c = rem < seg ? rem : seg;
        net_udp_deliver(src, get16(f + F_UDP), get16(f + F_UDP + 2), p, c);
        p += c;
        rem -= c;
    }
    return 1;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t fold(uint32_t s)
{
    s = (s & 0xffffu) + (s >> 16);
    return (uint16_t)((s & 0xffffu) + (s >> 16));
}

/* The UDP checksum's sum over the pieces (RFC 1071: a piece that starts at an odd
 * offset of the datagram adds its sum byte-swapped). */
static uint32_t pieces_sum(const struct net_iov *iov, int n)
{
    uint32_t s = 0, off = 0;
    for (int i = 0; i < n; i++) {
        uint16_t p = net_chksum(iov[i].base, (int)iov[i].len);
        s += off & 1 ? (uint16_t)(p << 8 | p >> 8) : p;
        off += iov[i].len;
    }
    return s;
}

static uint16_t ip_id;
/* lwIP keeps an ARP entry fresh only while its own etharp_output uses it (it asks again
 * in the last 30 s of the entry's 300), so one datagram every ARP_VIA_LWIP_MS per entry
 * takes lwIP's path: a neighbour is never forgotten in the middle of a move. */
#define ARP_VIA_LWIP_MS 10000u
static uint32_t via_lwip_ms[ARP_TABLE_SIZE];

/* 1 if the datagram may be framed here: interface up with an address, dst unicast, and
 * it fits one frame (gso: one USO frame the NIC can cut into datagrams within the MTU). */
static inline int fast_ok(const struct nic *nic, struct netif *ni, uint32_t me,
                          const ip4_addr_t *dst, int n, uint32_t total, uint32_t gso)
{
    uint32_t most = gso ? 65507u : nic_frame_max() - F_DATA;
    if (gso && (!(nic->caps & NIC_CAP_TX_USO) || gso > net_mtu() - 28))
        return 0;
    if (!me || n < 1 || n >= IOV_MAX_OUT || total > most || !netif_is_up(ni) ||
        !netif_is_link_up(ni) || ip4_addr_ismulticast(dst) || ip4_addr_isbroadcast(dst, ni))
        return 0;
    return 1;
}

/* 1 with *mac, the MAC of dst's next hop, if lwIP's ARP cache has it; 0 if not, or if
 * this datagram is to go through lwIP to keep the entry fresh (ARP_VIA_LWIP_MS). */
static inline int next_hop_mac(struct netif *ni, const ip4_addr_t *dst, struct eth_addr **mac)
{
    const ip4_addr_t *hop = ip4_addr_netcmp(dst, netif_ip4_addr(ni), netif_ip4_netmask(ni))
                                ? dst : netif_ip4_gw(ni);
    const ip4_addr_t *found;
    ssize_t arp = ip4_addr_isany(hop) ? -1 : etharp_find_addr(ni, hop, mac, &found);
    if (arp < 0 || arp >= ARP_TABLE_SIZE)
        return 0;
    uint32_t now = sys_now();
    if (now - via_lwip_ms[arp] >= ARP_VIA_LWIP_MS) {
        via_lwip_ms[arp] = now;
        return 0;
    }
    return 1;
}

/* The UDP checksum field's value for headers h: the pseudo-header's sum alone if the NIC
 * completes it (offload), else the whole datagram's (never 0, which says "none"). */
static inline uint16_t udp_sum(const uint8_t *h, const struct net_iov *iov, int n, int offload)
{
    uint8_t ph[4] = { 0, 17, h[F_ULEN], h[F_ULEN + 1] };
    uint32_t s = (uint32_t)net_chksum(h + F_SRC, 8) + net_chksum(ph, 4);
    if (offload)
        return fold(s);                  /* the pseudo-header's: the NIC adds the rest */
    uint16_t sum = (uint16_t)~fold(s + net_chksum(h + F_UDP, 8) + pieces_sum(iov, n));
    return sum ? sum : 0xffff;
}

/* netpriv.h. Framed here (the headers in h, the NIC gathering h and the pieces) only when
 * fast_ok and next_hop_mac allow; else 0 and lwIP's path. */
int net_fast_output(uint16_t sport, uint32_t dst_ip, uint16_t dport, const struct net_iov *iov,
                    int n, uint32_t total, uint32_t gso, int *err)
{
    struct nic *nic = net_nic();
    struct netif *ni = net_netif();
    ip4_addr_t dst;
    ip4_addr_set_u32(&dst, lwip_htonl(dst_ip));
    uint32_t me = ni ? ip4_addr_get_u32(netif_ip4_addr(ni)) : 0;
    struct eth_addr *mac;
    if (!fast_ok(nic, ni, me, &dst, n, total, gso) || !next_hop_mac(ni, &dst, &mac))
        return 0;
    uint8_t h[F_DATA];
    memcpy(h, mac->addr, 6);
    memcpy(h + 6, nic->mac, 6);
    h[F_TYPE] = 0x08;
    h[F_TYPE + 1] = 0;
    h[F_VHL] = 0x45;
    h[F_VHL + 1] = 0;
    put16(h + 16, 28 + total);
    put16(h + 18, ip_id++);
    h[F_FRAG] = h[F_FRAG + 1] = 0;
    h[22] = UDP_TTL;
    h[F_PROTO] = 17;
    h[24] = h[25] = 0;
    memcpy(h + F_SRC, &me, 4);
    memcpy(h + F_DST, &dst.addr, 4);
    uint16_t ipsum = (uint16_t)~net_chksum(h + F_VHL, 20);
    memcpy(h + 24, &ipsum, 2);
    put16(h + F_UDP, sport);
    put16(h + F_UDP + 2, dport);
    put16(h + F_ULEN, 8 + total);
    h[F_USUM] = h[F_USUM + 1] = 0;
    int offload = (nic->caps & NIC_CAP_TX_UDP_CSUM) != 0;
    uint16_t sum = udp_sum(h, iov, n, offload);
    memcpy(h + F_USUM, &sum, 2);
    struct nic_iov v[IOV_MAX_OUT];
    v[0] = (struct nic_iov){ h, F_DATA, 0 };
    for (int i = 0; i < n; i++)
        v[i + 1] = (struct nic_iov){ iov[i].base, iov[i].len, iov[i].ref };
    *err = nic->ops->transmit(nic, v, n + 1, gso ? (int)gso : offload);
    return 1;
}
