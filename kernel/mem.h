/*
 * mem.h - the memory module: physical pages from the Multiboot memory map.
 * Entry points: mem_init, page_alloc_zeroed, page_free (arch.h), mem_stats, and for
 * pages a device may still read page_free_dma, mem_dma_done, mem_set_dma_busy.
 */
#ifndef KERNEL_MEM_H
#define KERNEL_MEM_H

#include <stdint.h>

#define MEM_PHYS_LIMIT 0x40000000u   /* only the identity-mapped first GiB is used */

struct multiboot_info;
void mem_init(const struct multiboot_info *mb);
void mem_stats(uint32_t *total_pages, uint32_t *free_pages);

/* Pages a device may still read. A NIC driver may hand a device a process's pages in
 * place (net/: a move's DATA); the device reads them later, when it gets to the frame.
 * page_free_dma frees a team's page at once unless busy() (set by the network module)
 * says such a read may be in flight; then the page is held, neither free nor reused,
 * until mem_dma_done, which the network module calls when its devices have finished
 * every in-place read. page_alloc_zeroed asks busy() again before it gives up. */
typedef int (*mem_dma_busy_fn)(void);
mem_dma_busy_fn mem_set_dma_busy(mem_dma_busy_fn busy);   /* returns the one before */
void page_free_dma(uint32_t pa);
void mem_dma_done(void);
uint32_t mem_pages_held(void);       /* held now */

#endif
