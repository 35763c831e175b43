/* multiboot.h - the parts of the Multiboot v1 information structure the kernel reads. */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u
#define MB_INFO_MEM     0x001u
#define MB_INFO_CMDLINE 0x004u
#define MB_INFO_MODS    0x008u
#define MB_INFO_MMAP    0x040u

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct multiboot_mod {
    uint32_t start, end, string, reserved;
} __attribute__((packed));

struct multiboot_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;      /* 1 = available RAM */
} __attribute__((packed));

#endif
