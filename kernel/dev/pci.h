/* pci.h - PCI enumeration (the device module lists what is there; NIC drivers come later). */
#ifndef KERNEL_DEV_PCI_H
#define KERNEL_DEV_PCI_H

#include <stdint.h>
#include <v/ksrv.h>

void pci_init(void);
const struct v_dev_info *pci_devices(uint32_t *count);

#endif
