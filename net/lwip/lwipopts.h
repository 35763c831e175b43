/*
 * lwipopts.h - lwIP's configuration for the vsys kernel (lwIP 2.1.3, fetched by
 * tools/fetch-lwip.sh). No operating system under it (NO_SYS=1): lwIP is called only
 * from kernel context, where interrupts are always off, so it needs no locks. IPv4
 * only, with ARP, ICMP, UDP, IGMP and DHCP; no TCP, no sockets or netconn. All of its
 * memory is static (the pools below live in the kernel's .bss).
 */
#ifndef VSYS_LWIPOPTS_H
#define VSYS_LWIPOPTS_H

/* lwIP's heap has a mem_init, and so does the kernel's memory module: lwIP's is
 * renamed everywhere lwIP's headers are seen. Net files must not call the kernel's. */
#define mem_init lwip_mem_init

/* Platform. */
#define NO_SYS                      1
#define SYS_LIGHTWEIGHT_PROT        0     /* interrupts are off whenever lwIP runs */
#define LWIP_TIMERS                 1     /* sys_check_timeouts, polled by net/netif.c */
#define MEM_ALIGNMENT               4
#define LWIP_NETCONN                0
#define LWIP_SOCKET                 0
#define LWIP_STATS                  0

/* Memory: the heap holds transmitted pbufs (PBUF_RAM); received frames use the pool.
 * Sized for jumbo frames (mtu=9000, docs/NET.md): the heap holds a dozen 8.5 KiB
 * datagrams waiting for ARP (ARP_QUEUE_LEN, 3 per neighbour) or copied whole for a
 * listener (net/udp.c), and the pool a burst of ~20 jumbo frames held at once (six
 * chained pool pbufs each) by IP reassembly or the ARP queue. About 320 KiB of .bss. */
#define MEM_SIZE                    (128 * 1024)
#define MEMP_NUM_PBUF               32
#define MEMP_NUM_UDP_PCB            8
#define MEMP_NUM_IGMP_GROUP         32    /* process groups map to IPv4 groups */
#define MEMP_NUM_ARP_QUEUE          32
#define MEMP_NUM_REASSDATA          8
#define MEMP_NUM_FRAG_PBUF          32
#define PBUF_POOL_SIZE              128
#define PBUF_POOL_BUFSIZE           1536  /* a standard frame in one pool pbuf (a jumbo
                                             frame is a chain of them) */

/* Protocols. */
#define LWIP_IPV4                   1
#define LWIP_IPV6                   0
#define LWIP_ARP                    1
#define LWIP_ETHERNET               1
#define ARP_TABLE_SIZE              32    /* a cluster's nodes on one segment */
#define ARP_QUEUEING                1
#define ETHARP_TRUST_IP_MAC         0
#define LWIP_ICMP                   1
#define LWIP_RAW                    0
#define LWIP_UDP                    1
#define LWIP_TCP                    0
#define LWIP_IGMP                   1
#define LWIP_DHCP                   1
#define LWIP_AUTOIP                 0
#define LWIP_DNS                    0
#define IP_FORWARD                  0
#define IP_REASSEMBLY               1
#define IP_FRAG                     1
#define IP_REASS_MAX_PBUFS          32

/* Interfaces: a status callback reports DHCP's lease; link state is set by the driver. */
#define LWIP_NETIF_STATUS_CALLBACK  1
#define LWIP_NETIF_LINK_CALLBACK    0
#define LWIP_NETIF_HOSTNAME         0
/* A datagram to the node's own address (a Forward that brings a client back to its own
 * node: the reply goes to the client's kernel, this one) is queued by lwIP and taken in
 * by netif_poll on the next 10 ms poll (net/netif.c), there being no wire to echo it. */
#define LWIP_NETIF_LOOPBACK         1
#define LWIP_LOOPBACK_MAX_PBUFS     16
#define LWIP_HAVE_LOOPIF            0

/* Checksums are computed and checked by net/chksum.c (four bytes a turn rather than
 * lwIP's two), except the UDP checksum where the NIC offloads it (net/netif.c turns
 * NETIF_CHECKSUM_GEN_UDP and _CHECK_UDP off for those frames: per netif control). */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define LWIP_CHKSUM                 net_chksum
unsigned short net_chksum(const void *data, int len);
#define CHECKSUM_GEN_IP             1
#define CHECKSUM_GEN_UDP            1
#define CHECKSUM_GEN_ICMP           1
#define CHECKSUM_CHECK_IP           1
#define CHECKSUM_CHECK_UDP          1
#define CHECKSUM_CHECK_ICMP         1

#endif
