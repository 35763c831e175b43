/*
 * virtio_pci.h - virtio's PCI transport (virtio 1.x, section 4.1) for a device driver
 * (net/virtio_net.c). A function that has the vendor capabilities of the modern
 * interface (common configuration, notification, ISR and device configuration, each in
 * a memory BAR) is driven through them; one that has not, through the legacy I/O
 * registers of BAR0 (virtio 0.9.5). Everything a driver does to its device's transport
 * goes through here: reset and status, feature negotiation (64 bits; the modern
 * interface requires VIRTIO_F_VERSION_1), queue set-up, notification, the ISR, and the
 * device's configuration bytes. Interrupts stay INTx: no MSI-X vectors are assigned.
 *
 * Context: kernel, interrupts off.
 */
#ifndef NET_VIRTIO_PCI_H
#define NET_VIRTIO_PCI_H

#include <stdint.h>

struct v_dev_info;

#define VPCI_F_VERSION_1 (1ull << 32)   /* the modern interface: little-endian, 12-byte
                                           net header, FEATURES_OK */
#define VPCI_S_ACK         1
#define VPCI_S_DRIVER      2
#define VPCI_S_DRIVER_OK   4
#define VPCI_S_FEATURES_OK 8
#define VPCI_S_FAILED      0x80
#define VPCI_MAX_QUEUES    4          /* queues a driver may set up (index < this) */

struct vpci {
    int modern;                      /* 1: the capabilities' interface; 0: legacy I/O */
    uint16_t io;                     /* legacy: BAR0's I/O base */
    volatile uint8_t *common, *isr, *dev, *notify;   /* modern: where each structure is */
    uint32_t notify_mul;             /* modern: queue_notify_off's multiplier */
    volatile uint16_t *qnotify[VPCI_MAX_QUEUES];   /* modern: each queue's doorbell */
};

/* Find the function's interface: modern if it has the capabilities (and their BARs lie
 * in the uncached device window the kernel maps, ARCH_DEVICE_WINDOW in arch.h), else
 * legacy if BAR0 is I/O space; enables memory or I/O decoding and bus mastering.
 * prefer_legacy: take the legacy registers when a transitional function offers both.
 * 0, or V_EINVAL. */
int vpci_open(struct vpci *t, const struct v_dev_info *d, int prefer_legacy);

/* Device status: reset (0, and waits for the device to show it), or set bits. */
void vpci_reset(struct vpci *t);
void vpci_status(struct vpci *t, uint8_t bits);   /* sets bits (ORs with what is set) */
uint8_t vpci_get_status(struct vpci *t);

/* The device's features (legacy: the low 32 only); accept `want` of them, with
 * VERSION_1 added on the modern interface, then FEATURES_OK there. Returns what was
 * negotiated, or 0 with the device marked FAILED if it refused. */
uint64_t vpci_negotiate(struct vpci *t, uint64_t want);
/* What the device offers (legacy: the low 32 bits), before negotiating. */
uint64_t vpci_features(struct vpci *t);

/* Queue `index`'s size (0: no such queue, or index >= VPCI_MAX_QUEUES), and its set-up: the descriptor table, the
 * available ring and the used ring at mem in the legacy layout (descriptors, available
 * ring, then the used ring at the next page boundary), which both interfaces accept. */
uint16_t vpci_queue_size(struct vpci *t, uint16_t index);
void vpci_queue_setup(struct vpci *t, uint16_t index, uint16_t size, uint32_t mem,
                      uint32_t avail, uint32_t used);

/* Tell the device about queue `index`; read (and so clear) the ISR. */
void vpci_notify(struct vpci *t, uint16_t index);
uint8_t vpci_isr(struct vpci *t);

/* The device's configuration space (net: MAC at 0, status at 6). */
uint8_t vpci_config8(struct vpci *t, uint32_t off);
uint16_t vpci_config16(struct vpci *t, uint32_t off);

#endif
