/*
 * mem.h - the memory module: physical pages from the Multiboot memory map.
 * Entry points: mem_init, page_alloc_zeroed, page_free (arch.h), mem_stats.
 */
#ifndef KERNEL_MEM_H
#define KERNEL_MEM_H

#include <stdint.h>

#define MEM_PHYS_LIMIT 0x40000000u   /* only the identity-mapped first GiB is used */

struct multiboot_info;
void mem_init(const struct multiboot_info *mb);
void mem_stats(uint32_t *total_pages, uint32_t *free_pages);

#endif
