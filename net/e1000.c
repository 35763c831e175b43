/*
 * e1000.c - driver for the Intel 82540EM (QEMU's `-device e1000`; lab PCs' 8254x are
 * close relatives). Registers through BAR0 (memory, which must lie in the uncached
 * device window the kernel maps: ARCH_DEVICE_WINDOW, arch.h); a receive and a transmit
 * ring of legacy descriptors, each buffer a fixed 2 KiB half page, so frames are copied
 * in and out (no buffer ever changes hands with lwIP).
 * Jumbo frames (mtu= above 1500, see rx_size): long packets enabled (RCTL.LPE), receive
 * buffers of the next size up the device offers (16 KiB for mtu=9000, fewer of them:
 * NRX_JUMBO), transmit buffers of whole contiguous pages.
 * Receive is interrupt-driven; transmit completions are reaped lazily when a slot is
 * needed. The device completes the UDP checksum of outgoing whole datagrams (one
 * checksum context, loaded at attach); it checks nothing coming in. Broadcast (RCTL.BAM) and all multicast (RCTL.MPE) are accepted: lwIP
 * filters the groups the node has not joined.
 *
 * Entry point: e1000_driver (nic.h). Context: kernel, interrupts off.
 */
#include "nic.h"
#include "arch.h"
#include "kernel.h"
#include "netprof.h"
#include <string.h>
#include <v/err.h>
#include <v/ksrv.h>

/* Registers (82540EM manual, section 13). */
#define REG_CTRL    0x0000
#define REG_STATUS  0x0008
#define REG_EERD    0x0014
#define REG_ICR     0x00c0
#define REG_IMS     0x00d0
#define REG_IMC     0x00d8
#define REG_RCTL    0x0100
#define REG_TCTL    0x0400
#define REG_TIPG    0x0410
#define REG_RDBAL   0x2800
#define REG_RDBAH   0x2804
#define REG_RDLEN   0x2808
#define REG_RDH     0x2810
#define REG_RDT     0x2818
#define REG_RDTR    0x2820
#define REG_TDBAL   0x3800
#define REG_TDBAH   0x3804
#define REG_TDLEN   0x3808
#define REG_TDH     0x3810
#define REG_TDT     0x3818
#define REG_MTA     0x5200
#define REG_RAL0    0x5400
#define REG_RAH0    0x5404

#define CTRL_LRST   (1u << 3)
#define CTRL_ASDE   (1u << 5)
#define CTRL_SLU    (1u << 6)
#define CTRL_ILOS   (1u << 7)
#define CTRL_RST    (1u << 26)
#define CTRL_PHYRST (1u << 31)
#define STATUS_LU   (1u << 1)
#define EERD_START  1u
#define EERD_DONE   (1u << 4)
#define ICR_LSC     (1u << 2)
#define ICR_RXDMT0  (1u << 4)
#define ICR_RXO     (1u << 6)
#define ICR_RXT0    (1u << 7)
#define RCTL_EN     (1u << 1)
#define RCTL_MPE    (1u << 4)
#define RCTL_LPE    (1u << 5)    /* long packets: frames over 1,522 bytes (with FCS) */
#define RCTL_BAM    (1u << 15)
#define RCTL_BSIZE(x) ((uint32_t)(x) << 16)  /* receive buffer size: 2048 is 0 ... */
#define RCTL_BSEX   (1u << 25)   /* ... and with BSEX, 1 16384, 2 8192, 3 4096 bytes */
#define RCTL_SECRC  (1u << 26)   /* strip the FCS */
#define TCTL_EN     (1u << 1)
#define TCTL_PSP    (1u << 3)
#define TCTL_CT     (0x0fu << 4)
#define TCTL_COLD   (0x40u << 12)
#define RAH_AV      (1u << 31)

#define TXD_EOP     0x01
#define TXD_IFCS    0x02
#define TXD_RS      0x08
#define TXD_DEXT    0x20         /* extended: a context or a data descriptor */
#define TXD_IP      0x02         /* context (TUCMD): IPv4; TCP bit (0x01) clear: UDP */
#define TXD_DTYP_D  0x10         /* in the `cso` byte (bits 20-23 of the command word) */
#define TXD_TXSM    0x02         /* data descriptor's POPTS (the `css` byte): insert the
                                    TCP/UDP checksum as the context describes */
#define DESC_DD     0x01         /* descriptor done, in both rings' status */
#define RXD_EOP     0x02
#define RXD_ERRORS  0x97         /* CE SE SEQ CXE RXE; checksum bits are not errors */

#define RX_RETURN 32             /* receive descriptors given back at once (see rx_drain) */
#define NRX 256                  /* ring lengths: multiples of 8; a page each. A move's */
#define NTX 256                  /* window of packet groups fits the transmit ring */
#define NRX_JUMBO 128            /* receive descriptors used with jumbo frames */
#define BUFSZ 2048
#define MIN_FRAME 60

struct rx_desc {
    uint64_t addr;
    uint16_t len, csum;
    uint8_t status, errors;
    uint16_t special;
};

struct tx_desc {
    uint64_t addr;
    uint16_t len;
    uint8_t cso, cmd, status, css;
    uint16_t special;
};
_Static_assert(sizeof(struct rx_desc) == 16 && sizeof(struct tx_desc) == 16, "descriptor");

struct e1000 {
    volatile uint32_t *regs;
    volatile struct rx_desc *rx;  /* NRX descriptors, one page */
    volatile struct tx_desc *tx;  /* NTX descriptors, another */
    uint8_t *rxbuf[NRX], *txbuf[NTX];
    uint32_t nrx;                 /* receive descriptors in the ring: NRX or NRX_JUMBO */
    uint32_t rctl_size;           /* RCTL's buffer size bits for the receive buffers */
    uint32_t rx_next;             /* next descriptor the device will fill */
    uint8_t rx_skip;              /* dropping the rest of a frame too long for a buffer */
    uint32_t rx_held;             /* taken and emptied, not yet given back (RDT) */
    uint32_t tx_next;             /* next descriptor we fill */
};

static uint32_t rd(struct e1000 *e, uint32_t reg) { return e->regs[reg / 4]; }
static void wr(struct e1000 *e, uint32_t reg, uint32_t v) { e->regs[reg / 4] = v; }

static int e1000_match(const struct v_dev_info *d)
{
    return d->vendor == 0x8086 && (d->device == 0x100e || d->device == 0x100f);
}

/* One EEPROM word through EERD; -1 if the EEPROM does not answer. */
static int eeprom_read(struct e1000 *e, uint32_t addr)
{
    wr(e, REG_EERD, (addr << 8) | EERD_START);
    for (int i = 0; i < 100000; i++) {
        uint32_t v = rd(e, REG_EERD);
        if (v & EERD_DONE)
            return (int)(v >> 16);
    }
    return -1;
}

/* The MAC from the EEPROM (words 0-2), else what the device loaded into RAL0/RAH0. */
static void read_mac(struct e1000 *e, uint8_t mac[6])
{
    int ok = 1;
    for (uint32_t i = 0; i < 3 && ok; i++) {
        int w = eeprom_read(e, i);
        ok = w >= 0;
        mac[2 * i] = (uint8_t)w;
        mac[2 * i + 1] = (uint8_t)(w >> 8);
    }
    if (!ok) {
        uint32_t lo = rd(e, REG_RAL0), hi = rd(e, REG_RAH0);
        for (int i = 0; i < 4; i++)
            mac[i] = (uint8_t)(lo >> (8 * i));
        mac[4] = (uint8_t)hi;
        mac[5] = (uint8_t)(hi >> 8);
    }
    wr(e, REG_RAL0, mac[0] | mac[1] << 8 | mac[2] << 16 | (uint32_t)mac[3] << 24);
    wr(e, REG_RAH0, mac[4] | mac[5] << 8 | RAH_AV);
}

/* The receive buffer size for frames of up to `frame` bytes: the least the device
 * offers that holds one (RCTL's BSIZE and BSEX bits in *rctl). A longer frame than the
 * segment's MTU would spill into the next descriptors; rx_drain drops those. */
static uint32_t rx_size(uint32_t frame, uint32_t *rctl)
{
    static const struct { uint32_t size, bits; } sizes[] = {
        { 2048, RCTL_BSIZE(0) },
        { 4096, RCTL_BSEX | RCTL_BSIZE(3) },
        { 8192, RCTL_BSEX | RCTL_BSIZE(2) },
        { 16384, RCTL_BSEX | RCTL_BSIZE(1) },
    };
    uint32_t i = 0;
    while (i < 3 && sizes[i].size < frame)
        i++;
    *rctl = sizes[i].bits;
    return sizes[i].size;
}

/* Rings and buffers: a page of descriptors per ring; buffers for frames of
 * nic_frame_max() bytes (2 KiB, two to a page, with the default MTU). */
static int alloc_rings(struct e1000 *e)
{
    _Static_assert(NRX * sizeof(struct rx_desc) <= ARCH_PAGE_SIZE &&
                   NTX * sizeof(struct tx_desc) <= ARCH_PAGE_SIZE, "a ring in a page");
    _Static_assert(NRX_JUMBO % 8 == 0 && NRX_JUMBO <= NRX, "RDLEN: 128-byte multiple");
    uint32_t frame = nic_frame_max();
    uint32_t rxr = page_alloc_zeroed(), txr = page_alloc_zeroed();
    if (!rxr || !txr)
        return V_ENOMEM;
    e->rx = (volatile struct rx_desc *)rxr;
    e->tx = (volatile struct tx_desc *)txr;
    uint32_t rxsz = rx_size(frame, &e->rctl_size);
    e->nrx = rxsz > BUFSZ ? NRX_JUMBO : NRX;
    int err = nic_alloc_bufs(e->rxbuf, e->nrx, rxsz);
    if (!err)
        err = nic_alloc_bufs(e->txbuf, NTX, frame <= BUFSZ ? BUFSZ : frame);
    if (err)
        return err;
    for (uint32_t i = 0; i < e->nrx; i++)
        e->rx[i].addr = (uint32_t)e->rxbuf[i];
    for (int i = 0; i < NTX; i++) {
        e->tx[i].addr = (uint32_t)e->txbuf[i];
        e->tx[i].status = DESC_DD;      /* free */
    }
    return V_OK;
}

static void start_rings(struct e1000 *e)
{
    wr(e, REG_RDBAL, (uint32_t)e->rx);
    wr(e, REG_RDBAH, 0);
    wr(e, REG_RDLEN, e->nrx * sizeof(struct rx_desc));
    wr(e, REG_RDH, 0);
    wr(e, REG_RDT, e->nrx - 1);         /* head == tail means the device owns none */
    wr(e, REG_RDTR, 0);
    wr(e, REG_TDBAL, (uint32_t)e->tx);
    wr(e, REG_TDBAH, 0);
    wr(e, REG_TDLEN, NTX * sizeof(struct tx_desc));
    wr(e, REG_TDH, 0);
    wr(e, REG_TDT, 0);
    for (uint32_t i = 0; i < 128; i++)
        wr(e, REG_MTA + 4 * i, 0);
    uint32_t lpe = nic_frame_max() > NIC_STD_FRAME ? RCTL_LPE : 0;
    wr(e, REG_RCTL, RCTL_EN | RCTL_BAM | RCTL_MPE | RCTL_SECRC | lpe | e->rctl_size);
    wr(e, REG_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
    wr(e, REG_TIPG, 10 | (8u << 10) | (6u << 20));
}

/* Hand every completed receive descriptor's frame to the stack, and the descriptors
 * back to the device RX_RETURN at a time, with one write of the tail: each register
 * write is an exit, and the device still holds most of the ring meanwhile. A frame
 * longer than a buffer (possible with LPE) spans descriptors, all but the last without
 * EOP: it is counted once and dropped whole. */
static void rx_drain(struct nic *n, struct e1000 *e)
{
    for (uint32_t budget = e->nrx; budget > 0; budget--) {
        volatile struct rx_desc *d = &e->rx[e->rx_next];
        if (!(d->status & DESC_DD))
            break;
        __sync_synchronize();            /* read the frame only after seeing DD */
        int eop = (d->status & RXD_EOP) != 0;
        if (eop && !e->rx_skip && !(d->errors & RXD_ERRORS) && d->len <= nic_frame_max())
            nic_input(n, e->rxbuf[e->rx_next], d->len, 0);
        else if (!e->rx_skip)
            n->stats.rx_errors++;
        e->rx_skip = !eop;
        d->status = 0;
        e->rx_held++;
        e->rx_next = (e->rx_next + 1) % e->nrx;
    }
    if (e->rx_held >= RX_RETURN) {
        e->rx_held = 0;
        __sync_synchronize();
        wr(e, REG_RDT, (e->rx_next + e->nrx - 1) % e->nrx);  /* the last one taken, as at start */
    }
}

static void e1000_irq(void *arg)
{
    struct nic *n = arg;
    struct e1000 *e = n->priv;
    uint32_t icr = rd(e, REG_ICR);      /* reading clears it and drops the line */
    if (!icr)
        return;                          /* another device on a shared line */
    NP_START(t0);
    n->stats.irqs++;
    if (icr & ICR_LSC)
        wr(e, REG_CTRL, rd(e, REG_CTRL) | CTRL_SLU);
    if (icr & ICR_RXO)
        n->stats.rx_dropped++;           /* the device ran out of descriptors */
    rx_drain(n, e);
    NP_END(NP_IRQ, t0);
}

static int e1000_transmit(struct nic *n, const struct nic_iov *iov, int niov, int udp_csum)
{
    struct e1000 *e = n->priv;
    volatile struct tx_desc *d = &e->tx[e->tx_next];
    NP_START(t0);
    if (!(d->status & DESC_DD) && n->tx_pending) {
        n->tx_pending = 0;               /* a held burst filled the ring: send it */
        wr(e, REG_TDT, e->tx_next);
    }
    if (!(d->status & DESC_DD)) {
        n->stats.tx_dropped++;
        return V_EBUSY;
    }
    uint8_t *buf = e->txbuf[e->tx_next];
    uint32_t len = 0;
    for (int i = 0; i < niov; i++) {
        if (len + iov[i].len > nic_frame_max()) {
            n->stats.tx_errors++;
            return V_EINVAL;
        }
        memcpy(buf + len, iov[i].base, iov[i].len);
        len += iov[i].len;
    }
    if (len < MIN_FRAME) {
        memset(buf + len, 0, MIN_FRAME - len);
        len = MIN_FRAME;
    }
    d->addr = (uint32_t)buf;             /* the slot may have held the context */
    d->len = (uint16_t)len;
    d->cmd = TXD_EOP | TXD_IFCS | TXD_RS | (udp_csum ? TXD_DEXT : 0);
    d->cso = udp_csum ? TXD_DTYP_D : 0;  /* a data descriptor, else a legacy one */
    d->css = udp_csum ? TXD_TXSM : 0;
    d->status = 0;
    __sync_synchronize();                /* descriptor before the tail moves */
    e->tx_next = (e->tx_next + 1) % NTX;
    if (n->tx_hold) {
        n->tx_pending = 1;
    } else {
        NP_START(t1);
        wr(e, REG_TDT, e->tx_next);
        NP_END(NP_KICK, t1);
    }
    n->stats.tx_packets++;
    n->stats.tx_bytes += len;
    NP_END(NP_XMIT, t0);
    return V_OK;
}

static int e1000_link(struct nic *n)
{
    struct e1000 *e = n->priv;
    return (rd(e, REG_STATUS) & STATUS_LU) != 0;
}

static void e1000_flush(struct nic *n)
{
    struct e1000 *e = n->priv;
    NP_START(t0);
    wr(e, REG_TDT, e->tx_next);
    NP_END(NP_KICK, t0);
}

static const struct nic_ops e1000_ops = { e1000_transmit, e1000_flush, e1000_link, NULL };

/* Load the checksum context every offloaded frame uses: the UDP checksum from the UDP
 * header (14 + 20 bytes in) to the end, into its field (6 bytes further). Taken once,
 * it stays until another context descriptor. */
static void load_udp_context(struct e1000 *e)
{
    volatile struct tx_desc *d = &e->tx[e->tx_next];
    d->addr = 14u | 24u << 8 | 33u << 16 |                      /* IP: start, sum, end */
              (uint64_t)34 << 32 | (uint64_t)40 << 40;          /* UDP: start, sum, end 0 */
    d->len = 0;
    d->cso = 0;                          /* DTYP 0: context */
    d->cmd = TXD_DEXT | TXD_IP | TXD_RS;
    d->status = 0;
    d->css = 0;
    d->special = 0;
    __sync_synchronize();
    e->tx_next = (e->tx_next + 1) % NTX;
    wr(e, REG_TDT, e->tx_next);
}

/* Reset, read the MAC, set up the rings, take the interrupt, receive. */
static int e1000_attach(const struct v_dev_info *d, struct nic *n)
{
    uint32_t bar = nic_pci_bar(d, 0);
    if ((bar & 1) || (bar & ~0xfu) < ARCH_DEVICE_WINDOW || d->irq == 0 || d->irq > 15)
        return V_EINVAL;                 /* not in the uncached device window, or no line */
    struct e1000 *e = (struct e1000 *)page_alloc_zeroed();
    if (!e)
        return V_ENOMEM;
    e->regs = (volatile uint32_t *)(bar & ~0xfu);
    nic_pci_enable(d, 2 | 4);            /* memory space, bus master */
    wr(e, REG_IMC, 0xffffffffu);
    wr(e, REG_CTRL, rd(e, REG_CTRL) | CTRL_RST);
    for (int i = 0; i < 100000 && (rd(e, REG_CTRL) & CTRL_RST); i++)
        ;
    wr(e, REG_IMC, 0xffffffffu);
    (void)rd(e, REG_ICR);
    wr(e, REG_CTRL, (rd(e, REG_CTRL) | CTRL_SLU | CTRL_ASDE) & ~(CTRL_LRST | CTRL_ILOS | CTRL_PHYRST));
    read_mac(e, n->mac);
    int err = alloc_rings(e);
    if (err)
        return err;
    n->ops = &e1000_ops;
    n->priv = e;
    n->irq = d->irq;
    start_rings(e);
    err = arch_irq_register(d->irq, e1000_irq, n);
    if (err)
        return err;
    load_udp_context(e);
    n->caps |= NIC_CAP_TX_UDP_CSUM;
    wr(e, REG_IMS, ICR_RXT0 | ICR_RXO | ICR_RXDMT0 | ICR_LSC);
    return V_OK;
}

const struct nic_driver e1000_driver = { "e1000", e1000_match, e1000_attach };
