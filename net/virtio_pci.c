/*
 * virtio_pci.c - virtio's PCI transport, modern (virtio 1.x capabilities in memory
 * BARs) or legacy (I/O BAR0): see virtio_pci.h. The modern structures are reached
 * through the identity-mapped uncached window the kernel keeps for device memory
 * (ARCH_DEVICE_WINDOW, arch.h); the legacy registers through port I/O.
 *
 * Entry points: vpci_* (virtio_pci.h). Context: kernel, interrupts off.
 */
#include "virtio_pci.h"
#include "nic.h"
#include "arch.h"
#include <v/err.h>
#include <v/ksrv.h>

/* Legacy register block (virtio 0.9.5; virtio 1.x section 4.1.4.8), MSI-X off. */
#define L_DEV_FEATURES   0x00
#define L_GUEST_FEATURES 0x04
#define L_QUEUE_PFN      0x08
#define L_QUEUE_NUM      0x0c
#define L_QUEUE_SEL      0x0e
#define L_QUEUE_NOTIFY   0x10
#define L_STATUS         0x12
#define L_ISR            0x13
#define L_CONFIG         0x14

/* The modern common configuration structure (virtio 1.x section 4.1.4.3). */
#define C_DFSELECT   0x00
#define C_DF         0x04
#define C_GFSELECT   0x08
#define C_GF         0x0c
#define C_STATUS     0x14
#define C_Q_SELECT   0x16
#define C_Q_SIZE     0x18
#define C_Q_ENABLE   0x1c
#define C_Q_NOFF     0x1e
#define C_Q_DESC     0x20
#define C_Q_AVAIL    0x28
#define C_Q_USED     0x30

/* Vendor capability cfg_type values. */
#define CAP_VENDOR   0x09
#define CAP_COMMON   1
#define CAP_NOTIFY   2
#define CAP_ISR      3
#define CAP_DEVICE   4

static uint32_t cfg32(const struct v_dev_info *d, uint32_t off)
{
    return arch_pci_read32(d->bus, d->dev, d->fn, off & ~3u);
}

static uint8_t cfg8(const struct v_dev_info *d, uint32_t off)
{
    return (uint8_t)(cfg32(d, off) >> ((off & 3) * 8));
}

/* The address of memory BAR `bar` (a 64-bit one's high half must be 0), or 0 if it is
 * not in the device window the kernel maps (arch.h). */
static uint32_t mem_bar(const struct v_dev_info *d, uint32_t bar)
{
    if (bar > 5)
        return 0;
    uint32_t lo = cfg32(d, 0x10 + 4 * bar);
    if (lo & 1)
        return 0;                        /* I/O space */
    if ((lo & 6) == 4 && (bar == 5 || cfg32(d, 0x10 + 4 * (bar + 1)) != 0))
        return 0;                        /* 64-bit, above 4 GiB */
    uint32_t a = lo & ~0xfu;
    return a >= ARCH_DEVICE_WINDOW ? a : 0;
}

/* Walk the capability list for the modern interface's four structures. */
static int find_modern(struct vpci *t, const struct v_dev_info *d)
{
    if (!(cfg32(d, 0x04) & (1u << 20)))  /* status: no capability list */
        return V_EINVAL;
    uint32_t at = cfg8(d, 0x34) & ~3u;
    for (int hops = 0; at >= 0x40 && hops < 48; hops++) {
        if (cfg8(d, at) == CAP_VENDOR) {
            uint8_t type = cfg8(d, at + 3);
            uint32_t base = mem_bar(d, cfg8(d, at + 4)), off = cfg32(d, at + 8);
            volatile uint8_t *p = base ? (volatile uint8_t *)(base + off) : 0;
            if (type == CAP_COMMON && p && !t->common)
                t->common = p;
            else if (type == CAP_NOTIFY && p && !t->notify) {
                t->notify = p;
                t->notify_mul = cfg32(d, at + 16);
            } else if (type == CAP_ISR && p && !t->isr)
                t->isr = p;
            else if (type == CAP_DEVICE && p && !t->dev)
                t->dev = p;
        }
        at = cfg8(d, at + 1) & ~3u;
    }
    return t->common && t->notify && t->isr && t->dev ? V_OK : V_EINVAL;
}

int vpci_open(struct vpci *t, const struct v_dev_info *d, int prefer_legacy)
{
    uint32_t bar0 = cfg32(d, 0x10);
    int legacy = (bar0 & 1) && (bar0 & ~3u) && (bar0 & ~3u) < 0x10000;
    *t = (struct vpci){ 0 };
    if (!(prefer_legacy && legacy) && find_modern(t, d) == V_OK) {
        t->modern = 1;
        nic_pci_enable(d, 2 | 4);        /* memory space, bus master */
        return V_OK;
    }
    if (!legacy)
        return V_EINVAL;
    *t = (struct vpci){ 0 };
    t->io = (uint16_t)(bar0 & ~3u);
    nic_pci_enable(d, 1 | 4);            /* I/O space, bus master */
    return V_OK;
}

static volatile uint16_t *c16(struct vpci *t, uint32_t off) { return (volatile uint16_t *)(t->common + off); }
static volatile uint32_t *c32(struct vpci *t, uint32_t off) { return (volatile uint32_t *)(t->common + off); }

uint8_t vpci_get_status(struct vpci *t)
{
    return t->modern ? t->common[C_STATUS] : arch_io_read8(t->io + L_STATUS);
}

static void put_status(struct vpci *t, uint8_t s)
{
    if (t->modern)
        t->common[C_STATUS] = s;
    else
        arch_io_write8(t->io + L_STATUS, s);
}

void vpci_reset(struct vpci *t)
{
    put_status(t, 0);
    for (int i = 0; i < 100000 && vpci_get_status(t); i++)
        ;                                /* the device may take its time (4.1.4.3.2) */
}

void vpci_status(struct vpci *t, uint8_t bits) { put_status(t, vpci_get_status(t) | bits); }

uint64_t vpci_features(struct vpci *t)
{
    if (!t->modern)
        return arch_io_read32(t->io + L_DEV_FEATURES);
    *c32(t, C_DFSELECT) = 0;
    uint64_t dev = *c32(t, C_DF);
    *c32(t, C_DFSELECT) = 1;
    return dev | (uint64_t)*c32(t, C_DF) << 32;
}

uint64_t vpci_negotiate(struct vpci *t, uint64_t want)
{
    if (!t->modern) {
        uint32_t f = arch_io_read32(t->io + L_DEV_FEATURES) & (uint32_t)want;
        arch_io_write32(t->io + L_GUEST_FEATURES, f);
        return f;
    }
    uint64_t f = vpci_features(t) & (want | VPCI_F_VERSION_1);
    if (!(f & VPCI_F_VERSION_1)) {
        vpci_status(t, VPCI_S_FAILED);
        return 0;
    }
    *c32(t, C_GFSELECT) = 0;
    *c32(t, C_GF) = (uint32_t)f;
    *c32(t, C_GFSELECT) = 1;
    *c32(t, C_GF) = (uint32_t)(f >> 32);
    vpci_status(t, VPCI_S_FEATURES_OK);
    if (!(vpci_get_status(t) & VPCI_S_FEATURES_OK)) {
        vpci_status(t, VPCI_S_FAILED);
        return 0;
    }
    return f;
}

uint16_t vpci_queue_size(struct vpci *t, uint16_t index)
{
    if (index >= VPCI_MAX_QUEUES)
        return 0;
    if (!t->modern) {
        arch_io_write16(t->io + L_QUEUE_SEL, index);
        return arch_io_read16(t->io + L_QUEUE_NUM);
    }
    *c16(t, C_Q_SELECT) = index;
    return *c16(t, C_Q_SIZE);
}

void vpci_queue_setup(struct vpci *t, uint16_t index, uint16_t size, uint32_t mem,
                      uint32_t avail, uint32_t used)
{
    if (!t->modern) {                    /* the legacy layout is implied by the base */
        arch_io_write16(t->io + L_QUEUE_SEL, index);
        arch_io_write32(t->io + L_QUEUE_PFN, mem / ARCH_PAGE_SIZE);
        return;
    }
    *c16(t, C_Q_SELECT) = index;
    *c16(t, C_Q_SIZE) = size;
    *c32(t, C_Q_DESC) = mem;
    *c32(t, C_Q_DESC + 4) = 0;
    *c32(t, C_Q_AVAIL) = avail;
    *c32(t, C_Q_AVAIL + 4) = 0;
    *c32(t, C_Q_USED) = used;
    *c32(t, C_Q_USED + 4) = 0;
    t->qnotify[index] = (volatile uint16_t *)(t->notify + *c16(t, C_Q_NOFF) * t->notify_mul);
    *c16(t, C_Q_ENABLE) = 1;
}

void vpci_notify(struct vpci *t, uint16_t index)
{
    if (!t->modern) {
        arch_io_write16(t->io + L_QUEUE_NOTIFY, index);
        return;
    }
    if (index < VPCI_MAX_QUEUES && t->qnotify[index])
        *t->qnotify[index] = index;
}

uint8_t vpci_isr(struct vpci *t)
{
    return t->modern ? *t->isr : arch_io_read8(t->io + L_ISR);
}

uint8_t vpci_config8(struct vpci *t, uint32_t off)
{
    return t->modern ? t->dev[off] : arch_io_read8((uint16_t)(t->io + L_CONFIG + off));
}

uint16_t vpci_config16(struct vpci *t, uint32_t off)
{
    return t->modern ? *(volatile uint16_t *)(t->dev + off)
                     : arch_io_read16((uint16_t)(t->io + L_CONFIG + off));
}
