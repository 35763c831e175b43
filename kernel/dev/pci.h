/* pci.h - PCI enumeration (the device module lists what is there; net/ drives the NICs). */
#ifndef KERNEL_DEV_PCI_H
#define KERNEL_DEV_PCI_H

#include <stdint.h>
#include <v/ksrv.h>

void pci_init(void);
const struct v_dev_info *pci_devices(uint32_t *count);
/* Mark device i (an index into pci_devices) as a NIC with a driver: kind 2. */
void pci_mark_driven(uint32_t i);

#endif
