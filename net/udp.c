/*
 * udp.c - kernel-owned UDP ports and IPv4 multicast groups over lwIP's raw UDP API
 * (see udp.h). A port is opened once with net_udp_listen, which gives both receive
 * (through the callback) and a source port for net_udp_send.
 *
 * Entry points: net_mcast (net.h); net_udp_listen, net_udp_send, net_udp_sendv,
 * net_udp_gso_ok, net_udp_send_gso, net_mcast_report (udp.h); net_udp_deliver (netpriv.h).
 * Context: kernel, interrupts off; callbacks run from the NIC's interrupt.
 */
#include "net.h"
#include "udp.h"
#include "netpriv.h"
#include "netprof.h"
#include "nic.h"
#include <v/err.h>
#include "lwip/igmp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"

#define NET_UDP_PORTS 8
#define UDP_MAX_PAYLOAD 65507u

static struct listener {
    struct udp_pcb *pcb;          /* NULL: slot free */
    uint16_t port;
    net_udp_fn fn;
    void *arg;
} ports[NET_UDP_PORTS];

static struct listener *find(uint16_t port)
{
    for (int i = 0; i < NET_UDP_PORTS; i++)
        if (ports[i].pcb && ports[i].port == port)
            return &ports[i];
    return 0;
}

int net_udp_deliver(uint32_t src_ip, uint16_t src_port, uint16_t port, const void *data,
                    uint32_t len)
{
    struct listener *l = find(port);
    if (!l)
        return 0;
    NP_START(t0);
    l->fn(l->arg, src_ip, src_port, data, len);
    NP_END(NP_PROTO, t0);
    return 1;
}

/* lwIP's receive callback: give the listener the payload in one piece. A datagram
 * comes in pieces after IP reassembly, or when it came in a jumbo frame (a chain of
 * pool pbufs); it is then copied into the heap. */
static void udp_in(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                   u16_t port)
{
    (void)pcb;
    struct listener *l = arg;
    struct pbuf *whole = p->next ? pbuf_clone(PBUF_RAW, PBUF_RAM, p) : p;
    NP_START(t0);
    if (whole)
        l->fn(l->arg, lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(addr))), port, whole->payload,
              whole->len);
    if (whole && whole != p)
        pbuf_free(whole);
    pbuf_free(p);
    NP_END(NP_PROTO, t0);
}

int net_udp_listen(uint16_t port, net_udp_fn fn, void *arg)
{
    if (!net_netif())
        return V_ENOTFOUND;
    if (!fn || port == 0)
        return V_EINVAL;
    if (find(port))
        return V_EBUSY;
    struct listener *l = 0;
    for (int i = 0; i < NET_UDP_PORTS && !l; i++)
        if (!ports[i].pcb)
            l = &ports[i];
    if (!l)
        return V_ENOMEM;
    struct udp_pcb *pcb = udp_new();
    if (!pcb)
        return V_ENOMEM;
    if (udp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
        udp_remove(pcb);
        return V_EBUSY;
    }
    *l = (struct listener){ pcb, port, fn, arg };
    udp_recv(pcb, udp_in, l);
    return V_OK;
}

int net_udp_send(uint16_t port, uint32_t dst_ip, uint16_t dst_port, const void *data,
                 uint32_t len)
{
    struct net_iov v = { data, len, 0 };
    return net_udp_sendv(port, dst_ip, dst_port, &v, 1);
}

/* Through lwIP: the pieces copied into one pbuf. */
static int lwip_send(struct listener *l, uint32_t dst_ip, uint16_t dst_port,
                     const struct net_iov *iov, int n, uint32_t len)
{
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    if (!p)
        return V_ENOMEM;
    for (int i = 0, off = 0; i < n; off += (int)iov[i].len, i++)
        pbuf_take_at(p, iov[i].base, (u16_t)iov[i].len, (u16_t)off);
    ip_addr_t dst;
    ip_addr_set_ip4_u32(&dst, lwip_htonl(dst_ip));
    struct netif *ni = net_netif();
    int soft = len > net_mtu() - 28 && net_udp_csum_offload();   /* more than one packet */
    if (soft)                            /* fragments: no NIC sums the whole datagram */
        ni->chksum_flags |= NETIF_CHECKSUM_GEN_UDP;
    err_t err = udp_sendto(l->pcb, p, &dst, dst_port);
    if (soft)
        ni->chksum_flags &= (u16_t)~NETIF_CHECKSUM_GEN_UDP;
    pbuf_free(p);
    switch (err) {
    case ERR_OK:  return V_OK;
    case ERR_MEM:
    case ERR_BUF: return V_ENOMEM;
    case ERR_RTE: return V_ENOTFOUND;
    default:      return V_EINVAL;
    }
}

/* The port's listener (NULL: not open, or no interface) and the pieces' total. */
static struct listener *sending(uint16_t port, const struct net_iov *iov, int n, uint32_t *len)
{
    *len = 0;
    for (int i = 0; i < n; i++)
        *len += iov[i].len;
    return net_netif() ? find(port) : 0;
}

int net_udp_sendv(uint16_t port, uint32_t dst_ip, uint16_t dst_port,
                  const struct net_iov *iov, int n)
{
    uint32_t len;
    struct listener *l = sending(port, iov, n, &len);
    if (!l)
        return V_ENOTFOUND;
    if (len > UDP_MAX_PAYLOAD || n < 1 || n > NET_UDP_IOV)
        return V_EINVAL;
    NP_START(t0);
    int err;
    if (!net_fast_output(port, dst_ip, dst_port, iov, n, len, 0, &err))
        err = lwip_send(l, dst_ip, dst_port, iov, n, len);
    NP_END(NP_UDPSEND, t0);
    return err;
}

int net_udp_gso_ok(void)
{
    struct nic *nic = net_nic();
    return nic && (nic->caps & NIC_CAP_TX_USO);
}

int net_udp_send_gso(uint16_t port, uint32_t dst_ip, uint16_t dst_port,
                     const struct net_iov *iov, int n, uint32_t seg)
{
    uint32_t len;
    if (!sending(port, iov, n, &len))
        return V_ENOTFOUND;
    if (n < 1 || n > NET_GSO_IOV || !seg)
        return V_EINVAL;
    int err;
    if (!net_fast_output(port, dst_ip, dst_port, iov, n, len, seg, &err))
        return 1;
    return err;
}

/* Join or leave (join = 0) the IPv4 group; lwIP sends the IGMP reports (net.h). */
int net_mcast(uint32_t group, int join)
{
    struct netif *ni = net_netif();
    if (!ni)
        return V_ENOTFOUND;
    ip4_addr_t g;
    ip4_addr_set_u32(&g, lwip_htonl(group));
    if (!ip4_addr_ismulticast(&g))
        return V_EINVAL;
    if (!join) {
        /* Always say we leave: IGMPv2 lets a host that was not the last to report skip
         * the leave, but then a snooping bridge keeps forwarding the group to this port
         * until its membership times out (260 s). RFC 2236 6: the skip is a MAY. */
        struct igmp_group *ig = igmp_lookfor_group(ni, &g);
        if (ig)
            ig->last_reporter_flag = 1;
    }
    err_t err = join ? igmp_joingroup_netif(ni, &g) : igmp_leavegroup_netif(ni, &g);
    if (err == ERR_OK)
        return V_OK;
    return err == ERR_MEM ? V_ENOMEM : V_ENOTFOUND;
}

void net_mcast_report(void)
{
    struct netif *ni = net_netif();
    if (ni)
        igmp_report_groups(ni);
}
