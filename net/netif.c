/*
 * netif.c - the node's network interface: glue from the first NIC (nic.h) to an lwIP
 * netif, its IPv4 configuration (ip=/gw= from the command line, else DHCP) and MTU
 * (mtu=, read before any driver attaches: drivers size their buffers by it), and the
 * periodic poll that runs lwIP's timers and follows the link. Prints one line when the
 * interface has an address: `net: e1000 52:54:00:12:34:56 10.77.0.11/24 up ...`.
 *
 * Entry points: net_init, net_ipv4 (net.h); net_mtu, net_tx_hold, net_tx_release (udp.h);
 * nic_input, nic_input_gso, nic_frame_max (nic.h); net_netif, net_nic,
 * net_udp_csum_offload (netpriv.h).
 * Context: kernel with interrupts off: boot, the clock tick (poll), the NIC's
 * interrupt (nic_input), system calls (through udp.c). lwIP needs no more (NO_SYS).
 */
#include "net.h"
#include "udp.h"
#include "netcfg.h"
#include "netpriv.h"
#include "netprof.h"
#include "nic.h"
#include "remote.h"
#include "kernel.h"
#include "mem.h"
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
static uint32_t mtu = NETCFG_MTU_DEFAULT;    /* set by net_init, before the drivers */
static uint8_t flat[NIC_MAX_FRAME];
_Static_assert(NIC_MAX_FRAME == 14 + NETCFG_MTU_MAX, "nic.h's ceiling is mtu='s");

uint32_t net_mtu(void) { return mtu; }

uint32_t nic_frame_max(void) { return 14 + mtu; }

struct netif *net_netif(void) { return primary ? &nif : 0; }

struct nic *net_nic(void) { return primary; }

uint32_t net_ipv4(void) { return primary ? lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&nif))) : 0; }

int net_udp_csum_offload(void) { return primary && (primary->caps & NIC_CAP_TX_UDP_CSUM); }

/* lwIP's transmit: the pbuf chain goes to the driver as a gather list. */
static err_t linkoutput(struct netif *ni, struct pbuf *p)
{
    struct nic *n = ni->state;
    int csum = net_udp_offload(n, p->payload, p->len);
    struct nic_iov iov[NIOV];
    int k = 0, whole = 0;
    for (struct pbuf *q = p; q && k < NIOV && !whole; q = q->next) {
        iov[k++] = (struct nic_iov){ q->payload, q->len, 0 };
        whole = q->len == q->tot_len;      /* the chain's last piece */
    }
    if (!whole) {                          /* longer chain: copy it into one piece */
        if (p->tot_len > nic_frame_max()) {
            n->stats.tx_errors++;
            return ERR_BUF;
        }
        pbuf_copy_partial(p, flat, p->tot_len, 0);
        iov[0] = (struct nic_iov){ flat, p->tot_len, 0 };
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
    ni->mtu = (u16_t)mtu;                 /* lwIP fragments only what exceeds it */
    ni->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP;
    ni->output = etharp_output;
    ni->linkoutput = linkoutput;
    return ERR_OK;
}

void nic_input(struct nic *n, const void *frame, uint32_t len, int csum_ok)
{
    const uint8_t *f = frame;
    if (len < 14 || len > nic_frame_max()) {
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
    if (net_fast_input(n, f, len, csum_ok)) {
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
    if (csum_ok && !net_ip_fragment(f, len)) /* lwIP runs it through now, synchronously */
        ni->chksum_flags &= (u16_t)~NETIF_CHECKSUM_CHECK_UDP;
    if (ni->input(p, ni) != ERR_OK)
        pbuf_free(p);
    ni->chksum_flags |= NETIF_CHECKSUM_CHECK_UDP;
    NP_END(NP_RXFRAME, t0);
}

void nic_input_gso(struct nic *n, const void *frame, uint32_t len, uint32_t seg)
{
    const uint8_t *f = frame;
    if (len < 14 || memcmp(f + 6, n->mac, 6) == 0 || !n->netif) {
        n->stats.rx_dropped++;
        return;
    }
    n->stats.rx_packets++;
    n->stats.rx_bytes += len;
    n->stats.rx_gso++;
    if (!net_fast_input_gso(n, f, len, seg))
        n->stats.rx_errors++;           /* lwIP takes no such frame */
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
    netif_poll(&nif);                    /* datagrams this node sent to itself */
    nic_dma_busy();                      /* pages held for in-place sends go back */
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

/* mtu= from the command line; a bad one is said and 1500 kept. */
static void mtu_setup(void)
{
    int err = netcfg_mtu(kernel_cmdline, &mtu);
    if (err == V_EINVAL)
        kprintf("net: bad mtu= on the command line (want decimal %u..%u); using %u\n",
                NETCFG_MTU_MIN, NETCFG_MTU_MAX, mtu);
    else if (mtu != NETCFG_MTU_DEFAULT)
        kprintf("net: mtu %u: frames up to %u bytes\n", mtu, nic_frame_max());
}

/* Attach the first NIC to lwIP and start configuring its address. 0 if there is none. */
static int link_start(void)
{
    mtu_setup();
    uint32_t n = nic_probe_all();
    if (n == 0) {
        kprintf("net: no supported NIC (e1000, virtio-net); networking off\n");
        return 0;
    }
    for (uint32_t i = 1; i < n; i++)
        kprintf("net: %s not used: one interface per node\n", nic_get(i)->name);
    primary = nic_get(0);
    mem_set_dma_busy(nic_dma_busy);      /* team pages a NIC may still send from */
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
    return 1;
}

void net_init(void)
{
    if (link_start() && !net_ipv4())
        kprintf("net: no IPv4 address yet (DHCP)\n");
    remote_init();
}
