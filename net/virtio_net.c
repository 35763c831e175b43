/*
 * virtio_net.c - driver for virtio-net on PCI: QEMU's `-device virtio-net-pci` (vendor
 * 0x1af4; device 0x1000 transitional, 0x1041 modern only), through the modern interface
 * when the device has it, else the legacy one (net/virtio_pci.c; `virtio=legacy` on the
 * command line picks legacy on a transitional device). Two virtqueues (0 receive, 1
 * transmit), each with a fixed buffer per descriptor. Every buffer starts with the
 * virtio_net_hdr (10 bytes legacy, 12 modern: num_buffers too) and holds a whole
 * frame of nic_frame_max() bytes: with the default MTU a 2 KiB half page; with jumbo
 * frames (mtu=) its own run of contiguous pages (three for mtu=9000), one descriptor
 * per buffer (no mergeable buffers), and fewer of them on the receive queue (RX_JUMBO).
 * Frames are copied in and out of the buffers, but for the pieces of an outgoing frame
 * that are a process's pages (a move's DATA, nic_iov.ref): with INDIRECT_DESC the
 * frame's descriptor points at a table, kept at the end of its buffer, of the buffer's
 * copied bytes and those pages in place, which the device reads when it gets to the
 * frame (the pages' freeing waits for that: kernel/mem.h, page_free_dma). Offloads
 * negotiated: the checksum (CSUM, GUEST_CSUM): going out, the device completes the UDP
 * checksum of whole datagrams; coming in, a frame the header marks NEEDS_CSUM or
 * DATA_VALID needs no check (net/netif.c); and, on the modern interface (QEMU >= 8.2),
 * UDP segmentation both ways (HOST_USO, GUEST_USO4/6; docs/NET.md).
 *
 * Receive filter: without the control queue the device keeps its reset state, which in
 * QEMU is promiscuous (virtio_net_reset sets promisc=1), so broadcast and every
 * multicast reach us; lwIP drops the groups the node has not joined.
 *
 * Entry point: virtio_net_driver (nic.h). Context: kernel, interrupts off.
 */
#include "nic.h"
#include "virtio_pci.h"
#include "arch.h"
#include "cmdline.h"
#include "kernel.h"
#include "netprof.h"
#include <string.h>
#include <v/err.h>
#include <v/ksrv.h>

#define CFG_MAC       0          /* the device configuration: MAC, then status */
#define CFG_STATUS    6
#define F_CSUM        (1u << 0)  /* we may hand it frames whose UDP checksum it completes */
#define F_GUEST_CSUM  (1u << 1)  /* it may hand us such frames (they never left the host) */
#define F_MAC         (1u << 5)
#define F_STATUS      (1u << 16)
#define F_INDIRECT    (1u << 28) /* VIRTIO_RING_F_INDIRECT_DESC */
#define F_HOST_USO    (1ull << 56) /* it cuts a frame into UDP datagrams (modern only) */
#define F_GUEST_USO4  (1ull << 54) /* it may hand us such uncut frames (IPv4) */
#define F_GUEST_USO6  (1ull << 55) /* the same for IPv6: tun takes USO only with both */
#define RX_USO        64           /* receive buffers of 64 KiB + 4: 4.25 MiB */
#define USO_FRAME     65550
#define NET_S_LINK_UP 1
#define DESC_F_NEXT   1
#define DESC_F_WRITE  2
#define DESC_F_INDIRECT 4
#define AVAIL_F_NO_INTERRUPT 1

#define HDR_MAX   12             /* struct virtio_net_hdr: 10 bytes legacy, 12 modern */
#define HDR_F_NEEDS_CSUM 1       /* its flags: checksum to complete from csum_start */
#define HDR_F_DATA_VALID 2       /* the checksum was checked */
#define BUFSZ     2048           /* a buffer with the default MTU, two to a page */
#define MAXBUF    256            /* buffers per queue (fewer if the queue is shorter): a
                                    move's window of packet groups fits the transmit ring */
#define RX_JUMBO  128            /* receive buffers with jumbo frames: 1.5 MiB at 9000 */
#define MIN_FRAME 60
#define IND_MAX   (NET_GSO_IOV + 4)   /* an indirect table: every piece, the copied runs */
#define IND_BYTES (IND_MAX * 16)      /* at the end of each buffer */
#define GSO_UDP_L4 5                  /* virtio_net_hdr.gso_type: UDP segmentation */
#define INPLACE_MIN 256          /* a shorter page piece is copied: a descriptor costs too */
#define RXQ 0
#define TXQ 1

struct vq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
struct vq_avail {
    uint16_t flags, idx, ring[];
};
struct vq_used_elem {
    uint32_t id, len;
};
struct vq_used {
    uint16_t flags, idx;
    struct vq_used_elem ring[];
};

struct vq {
    uint16_t num;                 /* the device's queue size (legacy: not ours to pick) */
    uint16_t nbuf;                /* descriptors in use, each with buf[id] */
    uint16_t last_used;           /* used->idx we have consumed up to */
    uint32_t bufsz;               /* bytes of each buf[id]: header and a whole frame */
    volatile struct vq_desc *desc;
    volatile struct vq_avail *avail;
    volatile struct vq_used *used;
    uint8_t *buf[MAXBUF];
};

struct vnet {
    struct vpci t;                /* the transport: modern or legacy */
    uint32_t hdr_len;             /* the virtio_net_hdr's length: 10 legacy, 12 modern */
    uint64_t features;            /* negotiated */
    struct vq rx, tx;
    uint16_t tx_free[MAXBUF];     /* transmit descriptors not in flight */
    uint16_t ntx_free;
    uint8_t tx_inplace[MAXBUF];   /* 1: its frame reads process pages (nic_inplace_post) */
};

static int vnet_match(const struct v_dev_info *d)
{
    return d->vendor == 0x1af4 && (d->device == 0x1000 || d->device == 0x1041);
}

static uint32_t align_page(uint32_t x) { return (x + ARCH_PAGE_SIZE - 1) & ~(ARCH_PAGE_SIZE - 1); }

/* Buffers for the first nbuf descriptors of q: two to a page when a frame fits 2 KiB
 * (the default MTU), else each its own run of contiguous pages (the device reads and
 * writes physical addresses, and one descriptor covers one buffer). */
static int vq_buffers(struct vq *q, uint32_t frame, uint32_t least)
{
    uint32_t need = HDR_MAX + frame + IND_BYTES;
    if (need < least)
        need = least;
    q->bufsz = need <= BUFSZ ? BUFSZ : align_page(need);
    return nic_alloc_bufs(q->buf, q->nbuf, q->bufsz);
}

/* Lay out queue `index` (legacy vring: descriptors, available ring, then the used ring
 * on the next page boundary) in contiguous pages, give it to the device, and give each
 * of its first nbuf descriptors a buffer (at most `most`). */
static int vq_setup(struct vnet *v, struct vq *q, uint16_t index, uint16_t most, uint32_t frame,
                    uint32_t least)
{
    q->num = vpci_queue_size(&v->t, index);
    if (q->num == 0 || q->num > 32768)
        return V_EINVAL;
    q->nbuf = q->num < most ? q->num : most;
    uint32_t used_off = align_page(16u * q->num + 6 + 2u * q->num);
    uint32_t size = used_off + align_page(6 + 8u * q->num);
    uint32_t mem = nic_alloc_contig(size / ARCH_PAGE_SIZE);
    if (!mem)
        return V_ENOMEM;
    q->desc = (volatile struct vq_desc *)mem;
    q->avail = (volatile struct vq_avail *)(mem + 16u * q->num);
    q->used = (volatile struct vq_used *)(mem + used_off);
    int err = vq_buffers(q, frame, least);
    if (err)
        return err;
    for (uint32_t i = 0; i < q->nbuf; i++)
        q->desc[i].addr = (uint32_t)q->buf[i];
    vpci_queue_setup(&v->t, index, q->num, mem, mem + 16u * q->num, mem + used_off);
    return V_OK;
}

/* Offer receive descriptor id to the device (the caller notifies). */
static void rx_post(struct vq *q, uint16_t id)
{
    q->desc[id].len = q->bufsz;
    q->desc[id].flags = DESC_F_WRITE;
    q->avail->ring[q->avail->idx % q->num] = id;
    __sync_synchronize();                /* ring entry before the index that shows it */
    q->avail->idx++;
}

/* Tell the device about new buffers, unless it said it needs no telling: while it is
 * working through a queue it sets VRING_USED_F_NO_NOTIFY, and every notification is an
 * I/O exit (dear under emulation). */
static void kick(struct vnet *v, struct vq *q, uint16_t index)
{
    if (!(q->used->flags & 1)) {
        NP_START(t0);
        vpci_notify(&v->t, index);
        NP_END(NP_KICK, t0);
    }
}

/* Hand every filled receive buffer to the stack and offer it again. */
static void rx_drain(struct nic *n, struct vnet *v)
{
    struct vq *q = &v->rx;
    int posted = 0;
    while (q->last_used != q->used->idx) {
        __sync_synchronize();            /* the entry only after seeing the index */
        volatile struct vq_used_elem *u = &q->used->ring[q->last_used % q->num];
        uint32_t id = u->id, len = u->len;
        q->last_used++;
        if (id >= q->nbuf) {
            n->stats.rx_errors++;        /* a device bug: never reuse an unknown id */
            continue;
        }
        uint8_t *b = q->buf[id];
        if (b[1] == GSO_UDP_L4 && (v->features & F_GUEST_USO4) && len > v->hdr_len &&
            len <= q->bufsz)
            nic_input_gso(n, b + v->hdr_len, len - v->hdr_len, (uint32_t)(b[4] | b[5] << 8));
        else if (len > v->hdr_len && len - v->hdr_len <= nic_frame_max())
            nic_input(n, q->buf[id] + v->hdr_len, len - v->hdr_len,
                      q->buf[id][0] & (HDR_F_NEEDS_CSUM | HDR_F_DATA_VALID));
        else
            n->stats.rx_errors++;
        rx_post(q, (uint16_t)id);
        posted = 1;
    }
    if (posted) {
        __sync_synchronize();
        kick(v, q, RXQ);
    }
}

/* Take back the transmit descriptors the device has finished with. */
static void tx_reclaim(struct vnet *v)
{
    struct vq *q = &v->tx;
    while (q->last_used != q->used->idx) {
        __sync_synchronize();
        uint32_t id = q->used->ring[q->last_used % q->num].id;
        q->last_used++;
        if (id < q->nbuf && v->ntx_free < q->nbuf) {
            v->tx_free[v->ntx_free++] = (uint16_t)id;
            if (v->tx_inplace[id]) {
                v->tx_inplace[id] = 0;
                nic_inplace_done();
            }
        }
    }
}

static void vnet_reclaim(struct nic *n) { tx_reclaim(n->priv); }

static void vnet_irq(void *arg)
{
    struct nic *n = arg;
    struct vnet *v = n->priv;
    uint8_t isr = vpci_isr(&v->t);      /* reading clears it, drops the line */
    if (!isr)
        return;                          /* another device on a shared line */
    NP_START(t0);
    n->stats.irqs++;
    rx_drain(n, v);
    tx_reclaim(v);
    NP_END(NP_IRQ, t0);
}

/* A frame on its way to the transmit queue (vnet_transmit and its steps). */
struct tx_frame {
    uint16_t id;                  /* its descriptor, and buf's index */
    uint8_t *buf;                 /* the descriptor's buffer: header, then copied bytes */
    volatile struct vq_desc *t;   /* the indirect table, at the end of buf */
    uint32_t nd;                  /* entries of t in use (inplace only) */
    uint32_t total;               /* bytes of the pieces */
    uint32_t len;                 /* bytes of the frame as sent (padded) */
    uint32_t gso;                 /* bytes of UDP payload per datagram to cut, or 0 */
    int inplace;                  /* 1: by t, with the page pieces read in place */
};

/* 1 if a transmit descriptor is free after reclaiming; a held burst that filled the ring
 * is let go first, as the device can finish nothing it has not been told of. */
static inline int tx_room(struct nic *n, struct vnet *v)
{
    tx_reclaim(v);
    if (v->ntx_free == 0 && n->tx_pending) {
        n->tx_pending = 0;               /* a held burst filled the ring: let it go */
        kick(v, &v->tx, TXQ);
        tx_reclaim(v);
    }
    return v->ntx_free != 0;
}

/* A piece the device reads in place: process pages, too long to be worth copying. */
static inline int tx_piece_inplace(const struct nic_iov *p)
{
    return p->ref && p->len >= INPLACE_MIN;
}

/* Decode step, before anything is written: size, pieces, USO, and that the copied bytes
 * fit the buffer; sets f->total, f->gso (from udp_csum) and f->inplace (a GSO frame must
 * be in place). 0, or V_EINVAL. */
static inline int tx_check(const struct vnet *v, const struct nic_iov *iov, int niov,
                           int udp_csum, struct tx_frame *f)
{
    uint32_t total = 0, paged = 0;
    for (int i = 0; i < niov; i++) {
        total += iov[i].len;
        if (tx_piece_inplace(&iov[i]))
            paged += iov[i].len;
    }
    f->total = total;
    f->gso = udp_csum > 1 ? (uint32_t)udp_csum : 0;
    if (total > (f->gso ? 65535u : nic_frame_max()) || niov > IND_MAX - 2 ||
        (f->gso && !(v->features & F_HOST_USO)))
        return V_EINVAL;
    f->inplace = paged && (v->features & F_INDIRECT) && total >= MIN_FRAME;
    if (f->gso && !f->inplace)
        return V_EINVAL;                 /* its payload lives in process pages only */
    if (f->inplace && v->hdr_len + total - paged > v->tx.bufsz - IND_BYTES)
        return V_EINVAL;                 /* more copied bytes than the buffer holds */
    return V_OK;
}

/* Copy the pieces behind the header, and for an in-place frame list its runs in order in
 * f->t: the header with the copied run after it, each page piece where it is, each later
 * copied run. Pads a short frame; sets f->t, f->len, f->nd. Cannot fail (tx_check). */
static inline void tx_gather(const struct vnet *v, const struct nic_iov *iov, int niov,
                             struct tx_frame *f)
{
    uint8_t *end = f->buf + v->tx.bufsz;
    volatile struct vq_desc *t = (volatile struct vq_desc *)(end - IND_BYTES);
    uint32_t nd = 1, copied = 0, len = 0;
    int inplace = f->inplace;
    int open = 1;                        /* t[nd - 1] is a copied run that may grow */
    if (inplace) {
        t[0].addr = (uint32_t)f->buf;
        t[0].len = v->hdr_len;
    }
    for (int i = 0; i < niov; i++) {
        if (inplace && tx_piece_inplace(&iov[i])) {
            t[nd].addr = (uint32_t)iov[i].base;   /* identity-mapped: its physical address */
            t[nd++].len = iov[i].len;
            open = 0;
        } else {
            memcpy(f->buf + v->hdr_len + copied, iov[i].base, iov[i].len);
            if (inplace && open) {
                t[nd - 1].len += iov[i].len;
            } else if (inplace) {
                t[nd].addr = (uint32_t)f->buf + v->hdr_len + copied;
                t[nd++].len = iov[i].len;
                open = 1;
            }
            copied += iov[i].len;
        }
        len += iov[i].len;
    }
    if (len < MIN_FRAME) {               /* only when all was copied: copied == len */
        memset(f->buf + v->hdr_len + len, 0, MIN_FRAME - len);
        len = MIN_FRAME;
    }
    f->t = t;
    f->len = len;
    f->nd = nd;
}

/* The virtio_net_hdr leading buf: the offloads the device applies (checksum, USO). */
static inline void tx_header(uint8_t *buf, uint32_t hdr_len, int udp_csum, uint32_t gso)
{
    memset(buf, 0, hdr_len);
    if (udp_csum) {                      /* from the UDP header (14 + 20) to the end, */
        buf[0] = HDR_F_NEEDS_CSUM;       /* into its checksum field (6 bytes in) */
        buf[6] = 34;
        buf[8] = 6;
    }
    if (gso) {                           /* cut into datagrams of gso bytes of payload */
        buf[1] = GSO_UDP_L4;
        buf[2] = 42;                     /* hdr_len: Ethernet, IPv4, UDP headers */
        buf[4] = (uint8_t)gso;
        buf[5] = (uint8_t)(gso >> 8);
    }
}

/* Point the descriptor at the buffer or the chained indirect table (the frame then counts
 * as reading process pages until tx_reclaim), and make it available. */
static inline void tx_post(struct nic *n, struct vnet *v, const struct tx_frame *f)
{
    struct vq *q = &v->tx;
    if (f->inplace) {
        for (uint32_t k = 0; k < f->nd; k++) {
            f->t[k].flags = k + 1 < f->nd ? DESC_F_NEXT : 0;
            f->t[k].next = (uint16_t)(k + 1);
        }
        q->desc[f->id].addr = (uint32_t)f->t;
        q->desc[f->id].len = f->nd * 16;
        q->desc[f->id].flags = DESC_F_INDIRECT;
        v->tx_inplace[f->id] = 1;
        nic_inplace_post();
        uint32_t segs = f->gso ? (f->total - 42 + f->gso - 1) / f->gso : 1;   /* it makes */
        n->stats.tx_inplace += segs;
        n->stats.tx_gso += f->gso != 0;
    } else {
        q->desc[f->id].addr = (uint32_t)f->buf;
        q->desc[f->id].len = v->hdr_len + f->len;
        q->desc[f->id].flags = 0;
    }
    q->avail->ring[q->avail->idx % q->num] = f->id;
    __sync_synchronize();
    q->avail->idx++;
    __sync_synchronize();
}

/* nic_ops.transmit (nic.h): fill the last free descriptor, ring unless tx_hold is set. */
static int vnet_transmit(struct nic *n, const struct nic_iov *iov, int niov, int udp_csum)
{
    struct vnet *v = n->priv;
    NP_START(t0);
    if (!tx_room(n, v)) {
        n->stats.tx_dropped++;
        return V_EBUSY;
    }
    struct tx_frame f;
    f.id = v->tx_free[v->ntx_free - 1];
    f.buf = v->tx.buf[f.id];
    if (tx_check(v, iov, niov, udp_csum, &f)) {
        n->stats.tx_errors++;
        return V_EINVAL;
    }
    tx_gather(v, iov, niov, &f);
    tx_header(f.buf, v->hdr_len, udp_csum, f.gso);
    v->ntx_free--;
    tx_post(n, v, &f);
    if (n->tx_hold)
        n->tx_pending = 1;
    else
        kick(v, &v->tx, TXQ);
    n->stats.tx_packets++;
    n->stats.tx_bytes += f.len;
    NP_END(NP_XMIT, t0);
    return V_OK;
}

static int vnet_link(struct nic *n)
{
    struct vnet *v = n->priv;
    if (!(v->features & F_STATUS))
        return 1;
    return (vpci_config16(&v->t, CFG_STATUS) & NET_S_LINK_UP) != 0;
}

static void vnet_flush(struct nic *n)
{
    struct vnet *v = n->priv;
    __sync_synchronize();
    kick(v, &v->tx, TXQ);
}

static const struct nic_ops vnet_ops = { vnet_transmit, vnet_flush, vnet_link, vnet_reclaim };

/* Negotiate what we use, less USO with virtio=nouso or when tun cannot take it; returns
 * the features agreed (0 if the device refused). */
static uint64_t vnet_negotiate(struct vnet *v, const char *how)
{
    uint64_t want = F_MAC | F_STATUS | F_CSUM | F_GUEST_CSUM | F_INDIRECT | F_HOST_USO |
                    F_GUEST_USO4 | F_GUEST_USO6;
    uint64_t both = F_GUEST_USO4 | F_GUEST_USO6;
    if ((vpci_features(&v->t) & both) != both || !strcmp(how, "nouso"))
        want &= ~both;                   /* both or neither (tun's rule, above) */
    if (!strcmp(how, "nouso"))
        want &= ~F_HOST_USO;
    return vpci_negotiate(&v->t, want);
}

/* Both queues, buffers sized by the features (an uncut 64 KiB frame with GUEST_USO), all
 * transmit descriptors free. 0, or vq_setup's error. */
static int vnet_queues(struct vnet *v)
{
    int err;
    if (v->features & F_GUEST_USO4)
        err = vq_setup(v, &v->rx, RXQ, RX_USO, USO_FRAME, 0);
    else
        err = vq_setup(v, &v->rx, RXQ, HDR_MAX + nic_frame_max() > BUFSZ ? RX_JUMBO : MAXBUF,
                       nic_frame_max(), 0);
    if (!err)                            /* with USO a transmit buffer is at least a page:
                                            a group's 32 headers and its indirect table */
        err = vq_setup(v, &v->tx, TXQ, MAXBUF, nic_frame_max(),
                       (v->features & F_HOST_USO) ? BUFSZ + 1 : 0);
    if (err)
        return err;
    for (uint16_t i = 0; i < v->tx.nbuf; i++)
        v->tx_free[v->ntx_free++] = i;
    v->tx.avail->flags = AVAIL_F_NO_INTERRUPT;   /* completions are reaped on transmit */
    return V_OK;
}

/* The NIC_CAP_* the features allow: USO needs CSUM and INDIRECT (its payload is in place). */
static uint8_t vnet_caps(uint64_t f)
{
    uint8_t caps = 0;
    if (f & F_CSUM)
        caps |= NIC_CAP_TX_UDP_CSUM;
    if ((f & (F_CSUM | F_INDIRECT | F_HOST_USO)) == (F_CSUM | F_INDIRECT | F_HOST_USO))
        caps |= NIC_CAP_TX_USO;
    return caps;
}

/* Initialisation (virtio 1.x section 3.1): reset, ACKNOWLEDGE and DRIVER, features
 * (vnet_negotiate; VERSION_1 on the modern interface, then FEATURES_OK), both queues,
 * DRIVER_OK, then the receive buffers. */
static int vnet_attach(const struct v_dev_info *d, struct nic *n)
{
    char how[8] = "";
    cmdline_get(kernel_cmdline, "virtio", how, sizeof(how));
    if (d->irq == 0 || d->irq > 15)
        return V_EINVAL;                 /* INTx only: need a line */
    struct vnet *v = (struct vnet *)page_alloc_zeroed();
    if (!v)
        return V_ENOMEM;
    int err = vpci_open(&v->t, d, !strcmp(how, "legacy"));
    if (err) {
        page_free((uint32_t)v);
        return err;                      /* neither interface usable */
    }
    v->hdr_len = v->t.modern ? 12 : 10;
    vpci_reset(&v->t);
    vpci_status(&v->t, VPCI_S_ACK | VPCI_S_DRIVER);
    v->features = vnet_negotiate(v, how);
    if (!(v->features & F_MAC)) {
        vpci_status(&v->t, VPCI_S_FAILED);
        page_free((uint32_t)v);
        return V_EINVAL;                 /* no address of its own: not usable here */
    }
    for (uint32_t i = 0; i < 6; i++)
        n->mac[i] = vpci_config8(&v->t, CFG_MAC + i);
    err = vnet_queues(v);
    if (err) {
        vpci_status(&v->t, VPCI_S_FAILED);
        return err;
    }
    n->ops = &vnet_ops;
    n->priv = v;
    n->caps |= vnet_caps(v->features);
    n->irq = d->irq;
    err = arch_irq_register(d->irq, vnet_irq, n);
    if (err)
        return err;
    vpci_status(&v->t, VPCI_S_DRIVER_OK);
    for (uint16_t i = 0; i < v->rx.nbuf; i++)
        rx_post(&v->rx, i);
    vpci_notify(&v->t, RXQ);
    kprintf("net: virtio-net at pci %u:%u.%u: %s interface%s\n", d->bus, d->dev, d->fn,
            v->t.modern ? "virtio 1.0 (modern)" : "legacy",
            (n->caps & NIC_CAP_TX_USO) && (v->features & F_GUEST_USO4)
                ? ", UDP segmentation offload" : "");
    return V_OK;
}

const struct nic_driver virtio_net_driver = { "virtio-net", vnet_match, vnet_attach };
