/*
 * nic.h - what a NIC driver provides and what it may call (Plan 9's Ethernet device
 * table, reduced). A driver is one `struct nic_driver`: it recognises PCI functions and
 * attaches to one, filling a `struct nic` whose `ops` the rest of net/ uses. Drivers
 * know nothing of lwIP: frames go out as a gather list and come in through nic_input.
 *
 * Entry points: e1000_driver (net/e1000.c), virtio_net_driver (net/virtio_net.c); for
 * drivers, nic_frame_max, nic_input, nic_input_gso (net/netif.c) and nic_alloc_contig,
 * nic_alloc_bufs, nic_pci_enable, nic_pci_bar, nic_inplace_post, nic_inplace_done
 * (net/nic.c); for net/netif.c, nic_probe_all, nic_get, nic_dma_busy (net/nic.c).
 *
 * Context: everything runs in the kernel with interrupts off; a driver's interrupt
 * handler (registered with arch_irq_register) is where it calls nic_input.
 */
#ifndef NET_NIC_H
#define NET_NIC_H

#include <stdint.h>
#include "udp.h"

/* Frame sizes, without the FCS. The limit a driver checks is nic_frame_max() (14 +
 * net_mtu(): 1,514 unless the command line says mtu=N); NIC_MAX_FRAME, the limit with
 * mtu=9000, is only for sizing buffers at compile time. */
#define NIC_STD_FRAME 1514          /* 14 + the default MTU of 1,500 */
#define NIC_MAX_FRAME (14 + 9000)   /* 14 + NETCFG_MTU_MAX */
#define NET_MAX_NICS  4

struct v_dev_info;

/* What a NIC can do for the stack (struct nic's caps). */
#define NIC_CAP_TX_UDP_CSUM 1       /* computes the UDP checksum of an outgoing frame */
#define NIC_CAP_TX_USO      2       /* cuts one frame into UDP datagrams (udp_csum > 1) */

/* A piece of an outgoing frame; ref as in struct net_iov (udp.h). */
struct nic_iov {
    const void *base;
    uint32_t len;
    uint32_t ref;
};

struct nic;

struct nic_ops {
    /* Send one frame made of the pieces iov[0..n) (total <= nic_frame_max(); the
     * driver pads short frames). Copies it: the caller may reuse the pieces at once;
     * except that a driver may give the device the pieces marked ref in place (virtio-
     * net, with indirect descriptors): the frame is then counted with nic_inplace_post
     * until the device is done with it (nic_inplace_done), and freeing those pages
     * waits for that (kernel/mem.h, page_free_dma).
     * While n->tx_hold is set the frame only joins the ring (n->tx_pending = 1) and
     * flush tells the device later: under emulation every doorbell is an exit.
     * udp_csum (only with NIC_CAP_TX_UDP_CSUM): the frame is Ethernet, a 20-byte IPv4
     * header and a whole UDP datagram whose checksum field holds the pseudo-header's
     * sum; the device completes it. udp_csum > 1 (only with NIC_CAP_TX_USO): the same,
     * and the UDP payload is cut into datagrams of udp_csum bytes each (the last may be
     * shorter) by the device or the host: UDP segmentation offload; the frame may then
     * be up to 64 KiB, its ref pieces given in place.
     * Returns 0, or V_EBUSY when the transmit ring is full (frame dropped). */
    int (*transmit)(struct nic *n, const struct nic_iov *iov, int niov, int udp_csum);
    /* Tell the device about the frames queued while tx_hold was set. */
    void (*flush)(struct nic *n);
    /* Current link state: 1 up, 0 down. */
    int (*link)(struct nic *n);
    /* Take back what the device has finished sending (may be NULL: nothing is ever
     * left with the device after transmit returns). */
    void (*reclaim)(struct nic *n);
};

struct nic {
    const struct nic_ops *ops;
    const char *name;               /* driver name, for the console and the counters */
    uint8_t mac[6];
    uint8_t irq;
    uint8_t caps;                   /* NIC_CAP_* */
    void *priv;                     /* driver state */
    void *netif;                    /* the lwIP netif while this NIC is the node's */
    uint32_t tx_hold;               /* net_tx_hold depth: doorbells wait for flush */
    uint8_t tx_pending;             /* frames queued since the last doorbell */
    struct net_nic_stats stats;     /* counters, kept by the driver and nic_input */
};

struct nic_driver {
    const char *name;
    /* 1 if this driver handles the PCI function. */
    int (*match)(const struct v_dev_info *d);
    /* Reset the device, set up its rings, read its MAC, register and unmask its
     * interrupt, enable receive. 0, or V_ENOMEM / V_EINVAL (device not usable). */
    int (*attach)(const struct v_dev_info *d, struct nic *n);
};

extern const struct nic_driver e1000_driver;
extern const struct nic_driver virtio_net_driver;

/* The largest frame (without FCS) the node sends or takes: 14 + net_mtu(), so 1,514
 * unless mtu=N (net/netif.c). Fixed from net_init on, before any driver attaches:
 * drivers size their buffers by it. */
uint32_t nic_frame_max(void);

/* A driver received one frame (len bytes without FCS). Drops it (counted) if its
 * source is our own MAC (a segment that reflects our frames), it is malformed, or it
 * is longer than nic_frame_max(), else hands it to the stack (the fast path reads it
 * in place; anything else is copied into pbufs). csum_ok: the device vouches for the frame's UDP checksum
 * (virtio's DATA_VALID, or NEEDS_CSUM: it never left the host), which is then not
 * checked. The driver may reuse `frame` when this returns. */
void nic_input(struct nic *n, const void *frame, uint32_t len, int csum_ok);
/* A frame the host did not cut: UDP datagrams of seg bytes of payload each (the last may
 * be shorter) behind one set of headers, up to 64 KiB (virtio-net's GUEST_USO). */
void nic_input_gso(struct nic *n, const void *frame, uint32_t len, uint32_t seg);

/* For drivers (net/nic.c). Physically contiguous zeroed pages for a device's rings:
 * base address or 0. Frame buffers. PCI: set command bits (1 I/O, 2 memory, 4 bus master); read BAR i. */
uint32_t nic_alloc_contig(uint32_t pages);
/* n frame buffers of size bytes into bufs[]: two to a page when size is at most half a
 * page (n even), else each its own run of contiguous pages (a device sees physical
 * addresses, one descriptor a buffer). Boot time only: on V_ENOMEM what was taken
 * stays taken. */
int nic_alloc_bufs(uint8_t **bufs, uint32_t n, uint32_t size);
void nic_pci_enable(const struct v_dev_info *d, uint32_t bits);
uint32_t nic_pci_bar(const struct v_dev_info *d, int i);

/* For net/netif.c: attach drivers to the NICs found by pci_init (returns how many);
 * the i-th attached NIC or NULL. */
uint32_t nic_probe_all(void);
struct nic *nic_get(uint32_t i);

/* For drivers: a frame the device reads (partly) from process pages in place was
 * posted; the device is done with one. When none is left in flight, the pages freed
 * meanwhile go back to the allocator (mem_dma_done). */
void nic_inplace_post(void);
void nic_inplace_done(void);
/* Frames in flight from process pages, after asking every driver to reclaim: the test
 * kernel/mem.c makes before it frees such a page (mem_set_dma_busy; net/netif.c's poll
 * calls it too, so that held pages go back within a poll when traffic stops). */
int nic_dma_busy(void);

#endif
