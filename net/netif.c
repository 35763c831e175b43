/*
 * netif.c - the node's network interface: glue from the first NIC (nic.h) to an lwIP
 * netif, its IPv4 configuration (ip=/gw= from the command line, else DHCP), and the
 * periodic poll that runs lwIP's timers and follows the link. Prints one line when the
 * interface has an address: `net: e1000 52:54:00:12:34:56 10.77.0.11/24 up ...`.
 *
 * Entry points: net_init, net_ipv4, net_tx_hold, net_tx_release (net.h); nic_input (nic.h); net_netif (netpriv.h).
 * Context: kernel with interrupts off: boot, the clock tick (poll), the NIC's
 * interrupt (nic_input), system calls (through udp.c). lwIP needs no more (NO_SYS).
 */
#include "net.h"
#include "netcfg.h"
#include "netpriv.h"
#include "chksum.h"
#include "netprof.h"
#include "nic.h"
#include "kernel.h"
#include "time.h"
#include <string.h>
#include <v/err.h>
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define POLL_MS       10          /* lwIP's shortest timer is 100 ms (IGMP); ARP 1 s */
#define LINK_EVERY    10          /* polls between link checks */
#define DHCP_WARN_MS  10000
#define NIOV          8           /* pbuf pieces sent as a gather list, else flattened */

static struct netif nif;
static struct nic *primary;
static struct netcfg cfg;
static struct timer poll_timer;
static uint32_t polls;
static uint32_t reported;         /* address last announced (network order), 0 none */
static int dhcp_warned;
static uint8_t flat[NIC_MTU_FRAME];

struct netif *net_netif(void) { return primary ? &nif : 0; }

uint32_t net_ipv4(void) { return primary ? lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&nif))) : 0; }

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

/* 1 if frame f (len bytes) is IPv4 with a 20-byte header and a piece of a fragmented
 * datagram; 0 if it is anything else, a whole datagram included. */
static int ip_fragment(const uint8_t *f, uint32_t len)
{
    return len >= 34 && f[F_TYPE] == 0x08 && f[F_TYPE + 1] == 0 &&
           ((f[F_FRAG] & 0x3f) || f[F_FRAG + 1]);
}

/* Let the NIC compute the UDP checksum of frame p, if it can and p is a whole UDP
 * datagram behind a 20-byte IPv4 header whose checksum lwIP left at 0 (it leaves it
 * so when NETIF_CHECKSUM_GEN_UDP is off: see net_udp_send). The field then holds the
 * pseudo-header's sum, as both devices want. Returns 1 if so. */
static int udp_offload(struct nic *n, struct pbuf *p)
{
    uint8_t *f = p->payload;
    if (!(n->caps & NIC_CAP_TX_UDP_CSUM) || p->len < F_USUM + 2 || f[F_TYPE] != 0x08 ||
        f[F_TYPE + 1] != 0 || f[F_VHL] != 0x45 || f[F_PROTO] != 17 ||
        ip_fragment(f, p->len) || f[F_USUM] || f[F_USUM + 1])
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

/* The fast path: a whole UDP datagram for this node's address and MAC, with a plain
 * 20-byte IPv4 header whose checksums are right (the UDP one unless the device vouches
 * for it), goes straight to its port's listener from the driver's buffer: no pbuf, no
 * copy, no walk through lwIP's layers (each a few hundred emulated instructions).
 * Returns 1 if delivered; anything else (ARP, IGMP, ICMP, fragments, multicast,
 * broadcast, options, bad checksums, no listener) takes lwIP's path, which also counts
 * and drops what is wrong. */
static int fast_input(struct nic *n, const uint8_t *f, uint32_t len, int csum_ok)
{
    uint32_t me = ip4_addr_get_u32(netif_ip4_addr(&nif));
    if (len < F_DATA || f[F_TYPE] != 0x08 || f[F_TYPE + 1] != 0 || f[F_VHL] != 0x45 ||
        f[F_PROTO] != 17 || ip_fragment(f, len) || !me || memcmp(f, n->mac, 6) ||
        memcmp(f + F_DST, &me, 4))
        return 0;
    uint32_t tot = get16(f + 16), ulen = get16(f + F_UDP + 4);
    if (tot > len - 14 || tot < 28 || ulen != tot - 20 || net_chksum(f + F_VHL, 20) != 0xffff)
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

int net_fast_output(uint16_t sport, uint32_t dst_ip, uint16_t dport, const struct net_iov *iov,
                    int n, uint32_t total, int *err)
{
    struct nic *nic = primary;
    ip4_addr_t dst;
    ip4_addr_set_u32(&dst, lwip_htonl(dst_ip));
    uint32_t me = ip4_addr_get_u32(netif_ip4_addr(&nif));
    if (!nic || !me || n >= NIOV || total > NIC_MTU_FRAME - F_DATA || !netif_is_up(&nif) ||
        !netif_is_link_up(&nif) || ip4_addr_ismulticast(&dst) || ip4_addr_isbroadcast(&dst, &nif))
        return 0;
    const ip4_addr_t *hop = ip4_addr_netcmp(&dst, netif_ip4_addr(&nif), netif_ip4_netmask(&nif))
                                ? &dst : netif_ip4_gw(&nif);
    struct eth_addr *mac;
    const ip4_addr_t *found;
    if (ip4_addr_isany(hop) || etharp_find_addr(&nif, hop, &mac, &found) < 0)
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
    uint8_t ph[4] = { 0, 17, h[F_ULEN], h[F_ULEN + 1] };
    uint32_t s = (uint32_t)net_chksum(h + F_SRC, 8) + net_chksum(ph, 4);
    int offload = (nic->caps & NIC_CAP_TX_UDP_CSUM) != 0;
    uint16_t sum;
    if (offload) {
        sum = fold(s);                   /* the pseudo-header's: the NIC adds the rest */
    } else {
        sum = (uint16_t)~fold(s + net_chksum(h + F_UDP, 8) + pieces_sum(iov, n));
        if (!sum)
            sum = 0xffff;                /* 0 would say "no checksum" */
    }
    memcpy(h + F_USUM, &sum, 2);
    struct nic_iov v[NIOV];
    v[0] = (struct nic_iov){ h, F_DATA };
    for (int i = 0; i < n; i++)
        v[i + 1] = (struct nic_iov){ iov[i].base, iov[i].len };
    *err = nic->ops->transmit(nic, v, n + 1, offload);
    return 1;
}

int net_udp_csum_offload(void) { return primary && (primary->caps & NIC_CAP_TX_UDP_CSUM); }

/* lwIP's transmit: the pbuf chain goes to the driver as a gather list. */
static err_t linkoutput(struct netif *ni, struct pbuf *p)
{
    struct nic *n = ni->state;
    int csum = udp_offload(n, p);
    struct nic_iov iov[NIOV];
    int k = 0, whole = 0;
    for (struct pbuf *q = p; q && k < NIOV && !whole; q = q->next) {
        iov[k++] = (struct nic_iov){ q->payload, q->len };
        whole = q->len == q->tot_len;      /* the chain's last piece */
    }
    if (!whole) {                          /* longer chain: copy it into one piece */
        if (p->tot_len > sizeof(flat)) {
            n->stats.tx_errors++;
            return ERR_BUF;
        }
        pbuf_copy_partial(p, flat, p->tot_len, 0);
        iov[0] = (struct nic_iov){ flat, p->tot_len };
        k = 1;
    }
    return n->ops->transmit(n, iov, k, csum) == V_OK ? ERR_OK : ERR_IF;
}

void net_tx_hold(void)
{
    if (primary)
        primary->tx_hold++;
}

void net_tx_release(void)
{
    if (!primary || !primary->tx_hold || --primary->tx_hold)
        return;
    if (primary->tx_pending) {
        primary->tx_pending = 0;
        primary->ops->flush(primary);
    }
}

/* netif_add's init callback: an Ethernet interface with ARP, broadcast and IGMP. */
static err_t netif_setup(struct netif *ni)
{
    struct nic *n = ni->state;
    ni->name[0] = 'e';
    ni->name[1] = 'n';
    ni->hwaddr_len = 6;
    memcpy(ni->hwaddr, n->mac, 6);
    ni->mtu = 1500;
    ni->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP;
    ni->output = etharp_output;
    ni->linkoutput = linkoutput;
    return ERR_OK;
}

void nic_input(struct nic *n, const void *frame, uint32_t len, int csum_ok)
{
    const uint8_t *f = frame;
    if (len < 14 || len > NIC_MTU_FRAME) {
        n->stats.rx_errors++;
        return;
    }
    if (memcmp(f + 6, n->mac, 6) == 0 || !n->netif) {
        n->stats.rx_dropped++;              /* our own frame reflected, or NIC unused */
        return;
    }
    NP_START(t0);
    n->stats.rx_packets++;
    n->stats.rx_bytes += len;
    if (fast_input(n, f, len, csum_ok)) {
        NP_END(NP_RXFRAME, t0);
        return;
    }
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (!p) {
        n->stats.rx_dropped++;
        return;
    }
    pbuf_take(p, frame, (u16_t)len);
    struct netif *ni = n->netif;
    if (csum_ok && !ip_fragment(f, len))    /* lwIP runs it through now, synchronously */
        ni->chksum_flags &= (u16_t)~NETIF_CHECKSUM_CHECK_UDP;
    if (ni->input(p, ni) != ERR_OK)
        pbuf_free(p);
    ni->chksum_flags |= NETIF_CHECKSUM_CHECK_UDP;
    NP_END(NP_RXFRAME, t0);
}

static uint32_t prefix_of(uint32_t mask_net)
{
    uint32_t m = lwip_ntohl(mask_net), bits = 0;
    while (m & 0x80000000u) {
        bits++;
        m <<= 1;
    }
    return bits;
}

/* lwIP's status callback: announce each new address once. */
static void status_changed(struct netif *ni)
{
    uint32_t a = ip4_addr_get_u32(netif_ip4_addr(ni));
    if (!netif_is_up(ni) || a == 0 || a == reported)
        return;
    reported = a;
    const uint8_t *m = primary->mac, *b = (const uint8_t *)&a;
    kprintf("net: %s %02x:%02x:%02x:%02x:%02x:%02x %u.%u.%u.%u/%u up (%s, %u ms after boot)\n",
            primary->name, m[0], m[1], m[2], m[3], m[4], m[5], b[0], b[1], b[2], b[3],
            prefix_of(ip4_addr_get_u32(netif_ip4_netmask(ni))), cfg.dhcp ? "dhcp" : "static",
            (unsigned)(time_now_ns() / 1000000u));
}

/* The clock's callback every POLL_MS: lwIP's timers, the link, DHCP's progress. */
static void poll(struct timer *t)
{
    sys_check_timeouts();
    if (NETPROF && polls % 100 == 0)
        netprof_report();
    if (++polls % LINK_EVERY == 0) {
        int up = primary->ops->link(primary);
        if (up && !netif_is_link_up(&nif))
            netif_set_link_up(&nif);
        else if (!up && netif_is_link_up(&nif))
            netif_set_link_down(&nif);
    }
    if (cfg.dhcp && !reported && !dhcp_warned && sys_now() > DHCP_WARN_MS) {
        dhcp_warned = 1;
        kprintf("net: %s: no DHCP lease after %u s; still trying\n", primary->name,
                DHCP_WARN_MS / 1000);
    }
    time_arm(t, time_now_ns() + POLL_MS * 1000000ull);
}

/* Address, netmask and gateway from the command line (or zeros for DHCP). */
static void static_addrs(ip4_addr_t *a, ip4_addr_t *m, ip4_addr_t *g)
{
    if (netcfg_from_cmdline(kernel_cmdline, &cfg))
        kprintf("net: malformed ip= or gw= on the command line (ip=A.B.C.D/NN gw=A.B.C.D)%s\n",
                cfg.dhcp ? "; using DHCP" : "");
    ip4_addr_set_u32(a, cfg.dhcp ? 0 : lwip_htonl(cfg.addr));
    ip4_addr_set_u32(m, cfg.dhcp ? 0 : lwip_htonl(cfg.mask));
    ip4_addr_set_u32(g, cfg.dhcp ? 0 : lwip_htonl(cfg.gw));
}

void net_init(void)
{
    uint32_t n = nic_probe_all();
    if (n == 0) {
        kprintf("net: no supported NIC (e1000, virtio-net); networking off\n");
        return;
    }
    for (uint32_t i = 1; i < n; i++)
        kprintf("net: %s not used: one interface per node\n", nic_get(i)->name);
    primary = nic_get(0);
    lwip_init();
    ip4_addr_t a, m, g;
    static_addrs(&a, &m, &g);
    if (!netif_add(&nif, &a, &m, &g, primary, netif_setup, ethernet_input))
        panic("net: lwIP refused the interface");
    primary->netif = &nif;
    netif_set_default(&nif);
    if (primary->caps & NIC_CAP_TX_UDP_CSUM)   /* the NIC sums whole datagrams */
        NETIF_SET_CHECKSUM_CTRL(&nif, NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_UDP);
    netif_set_status_callback(&nif, status_changed);
    if (primary->ops->link(primary))
        netif_set_link_up(&nif);
    netif_set_up(&nif);
    if (cfg.dhcp && dhcp_start(&nif) != ERR_OK)
        kprintf("net: DHCP did not start\n");
    timer_init(&poll_timer, poll, 0);
    time_arm(&poll_timer, time_now_ns() + POLL_MS * 1000000ull);
    nettest_init();
}
