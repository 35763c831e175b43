/*
 * nic.c - the NIC table: finds the PCI functions a driver recognises, attaches the
 * driver, and keeps each NIC's counters for the kernel's reports. Drivers come from the
 * `drivers` table below; nothing here knows lwIP.
 *
 * Entry points: nic_probe_all, nic_get, nic_dma_busy (nic.h, for net/netif.c);
 * net_nic_count, net_nic_stats (udp.h); nic_alloc_contig, nic_alloc_bufs, nic_pci_enable,
 * nic_pci_bar, nic_inplace_post, nic_inplace_done (nic.h, for drivers).
 * Context: kernel, interrupts off (boot for probing).
 */
#include "nic.h"
#include "arch.h"
#include "kernel.h"
#include "mem.h"
#include "dev/pci.h"
#include <string.h>
#include <v/err.h>

#define PCI_COMMAND 0x04

static const struct nic_driver *const drivers[] = { &e1000_driver, &virtio_net_driver };

static struct nic nics[NET_MAX_NICS];
static uint32_t nnics;

/* Pages [base, base + n*4K) back to the allocator. */
static void free_run(uint32_t base, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        page_free(base + i * ARCH_PAGE_SIZE);
}

/* The allocator hands out pages next-fit, so successive pages are almost always
 * adjacent; a run broken by a used page is given back and a new one started. */
uint32_t nic_alloc_contig(uint32_t pages)
{
    uint32_t base = 0, have = 0;
    for (uint32_t tries = 0; have < pages && tries < 4 * pages + 64; tries++) {
        uint32_t pa = page_alloc_zeroed();
        if (!pa)
            break;
        if (have && pa != base + have * ARCH_PAGE_SIZE) {
            free_run(base, have);
            have = 0;
        }
        if (!have)
            base = pa;
        have++;
    }
    if (have == pages)
        return base;
    if (have)
        free_run(base, have);
    return 0;
}

int nic_alloc_bufs(uint8_t **bufs, uint32_t n, uint32_t size)
{
    uint32_t half = size <= ARCH_PAGE_SIZE / 2;
    uint32_t pages = (size + ARCH_PAGE_SIZE - 1) / ARCH_PAGE_SIZE;
    for (uint32_t i = 0; i < n; i += half ? 2 : 1) {
        uint32_t pa = half ? page_alloc_zeroed() : nic_alloc_contig(pages);
        if (!pa)
            return V_ENOMEM;
        bufs[i] = (uint8_t *)pa;
        if (half)
            bufs[i + 1] = (uint8_t *)pa + ARCH_PAGE_SIZE / 2;
    }
    return V_OK;
}

/* Turn on the PCI command bits (I/O space 1, memory space 2, bus master 4). The status
 * half of the register is written as zeros: its bits are write-one-to-clear. */
void nic_pci_enable(const struct v_dev_info *d, uint32_t bits)
{
    uint32_t cmd = arch_pci_read32(d->bus, d->dev, d->fn, PCI_COMMAND) & 0xffffu;
    arch_pci_write32(d->bus, d->dev, d->fn, PCI_COMMAND, cmd | bits);
}

uint32_t nic_pci_bar(const struct v_dev_info *d, int i)
{
    return arch_pci_read32(d->bus, d->dev, d->fn, 0x10 + 4 * (uint32_t)i);
}

static const struct nic_driver *driver_for(const struct v_dev_info *d)
{
    for (uint32_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
        if (drivers[i]->match(d))
            return drivers[i];
    return 0;
}

/* Attach a driver to every NIC it recognises (at most NET_MAX_NICS), in PCI order,
 * and mark those functions as driven in the device list. Returns how many attached. */
uint32_t nic_probe_all(void)
{
    uint32_t ndev;
    const struct v_dev_info *devs = pci_devices(&ndev);
    for (uint32_t i = 0; i < ndev && nnics < NET_MAX_NICS; i++) {
        const struct nic_driver *drv = driver_for(&devs[i]);
        if (!drv)
            continue;
        struct nic *n = &nics[nnics];
        memset(n, 0, sizeof(*n));
        n->name = drv->name;
        int err = drv->attach(&devs[i], n);
        if (err) {
            kprintf("net: %s at pci %u:%u.%u not usable (error %d)\n", drv->name,
                    devs[i].bus, devs[i].dev, devs[i].fn, err);
            continue;
        }
        strlcpy(n->stats.name, drv->name, sizeof(n->stats.name));
        memcpy(n->stats.mac, n->mac, 6);
        pci_mark_driven(i);
        nnics++;
    }
    return nnics;
}

struct nic *nic_get(uint32_t i) { return i < nnics ? &nics[i] : 0; }

static uint32_t inplace;             /* frames in flight that read process pages */

void nic_inplace_post(void) { inplace++; }

void nic_inplace_done(void)
{
    if (inplace && --inplace == 0)
        mem_dma_done();
}

int nic_dma_busy(void)
{
    for (uint32_t i = 0; inplace && i < nnics; i++)
        if (nics[i].ops->reclaim)
            nics[i].ops->reclaim(&nics[i]);
    return inplace != 0;
}

uint32_t net_nic_count(void) { return nnics; }

int net_nic_stats(uint32_t i, struct net_nic_stats *out)
{
    if (i >= nnics)
        return V_ENOTFOUND;
    struct nic *n = &nics[i];
    n->stats.link = (uint8_t)n->ops->link(n);
    n->stats.up = n->netif != 0;
    *out = n->stats;
    return V_OK;
}
