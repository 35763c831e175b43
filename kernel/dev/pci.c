/* pci.c - walk PCI configuration space once at boot and keep what is found. */
#include "dev/pci.h"
#include "arch.h"
#include "kernel.h"

#define MAX_PCI 32

static struct v_dev_info devs[MAX_PCI];
static uint32_t ndevs;

static void add(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t id)
{
    if (ndevs == MAX_PCI)
        return;
    uint32_t class = arch_pci_read32(bus, dev, fn, 0x08);
    uint32_t irq = arch_pci_read32(bus, dev, fn, 0x3c) & 0xff;
    struct v_dev_info *d = &devs[ndevs++];
    d->bus = (uint8_t)bus; d->dev = (uint8_t)dev; d->fn = (uint8_t)fn; d->irq = (uint8_t)irq;
    d->vendor = id & 0xffff; d->device = id >> 16;
    d->class_code = class >> 24; d->subclass = (class >> 16) & 0xff; d->prog_if = (class >> 8) & 0xff;
    d->kind = d->class_code == 0x02 ? 1 : 0;
}

void pci_init(void)
{
    for (uint32_t bus = 0; bus < 256; bus++)
        for (uint32_t dev = 0; dev < 32; dev++) {
            uint32_t id = arch_pci_read32(bus, dev, 0, 0);
            if ((id & 0xffff) == 0xffff)
                continue;
            add(bus, dev, 0, id);
            uint32_t hdr = (arch_pci_read32(bus, dev, 0, 0x0c) >> 16) & 0xff;
            for (uint32_t fn = 1; (hdr & 0x80) && fn < 8; fn++) {
                id = arch_pci_read32(bus, dev, fn, 0);
                if ((id & 0xffff) != 0xffff)
                    add(bus, dev, fn, id);
            }
        }
}

/* A NIC driver attached to devs[i] (net/nic.c): report it as driven. */
void pci_mark_driven(uint32_t i)
{
    if (i < ndevs)
        devs[i].kind = 2;
}

const struct v_dev_info *pci_devices(uint32_t *count)
{
    *count = ndevs;
    return devs;
}
