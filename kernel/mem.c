/*
 * mem.c - physical memory: a frame bitmap (frames.c) over the RAM the Multiboot memory
 * map reports, minus the kernel image, the boot information and the modules. And the
 * pages a device may still be reading: a NIC driver may give the device a process's
 * pages in place (net/: a move's DATA), so a team page freed while such a read is in
 * flight is held on a list, threaded through the pages themselves, until the network
 * module says its devices are done (mem_dma_done).
 */
#include "mem.h"
#include "arch.h"
#include "frames.h"
#include "kernel.h"
#include "multiboot.h"
#include <string.h>

#define MAX_FRAMES (MEM_PHYS_LIMIT / ARCH_PAGE_SIZE)

extern char __kernel_end[];
static uint32_t bitmap[MAX_FRAMES / 32];
static struct frames frames;
static uint32_t total_pages;
static mem_dma_busy_fn dma_busy;    /* the network module's: 1 while a device may read */
static uint32_t held_head, held;     /* pages held for it: a list through their first word */

static void release_ram(uint64_t addr, uint64_t len)
{
    if (addr >= MEM_PHYS_LIMIT)
        return;
    if (addr + len > MEM_PHYS_LIMIT)
        len = MEM_PHYS_LIMIT - addr;
    uint32_t first = (uint32_t)((addr + ARCH_PAGE_SIZE - 1) / ARCH_PAGE_SIZE);
    uint32_t end = (uint32_t)((addr + len) / ARCH_PAGE_SIZE);
    if (end > first) {
        frames_release_range(&frames, first, end - first);
        total_pages += end - first;
    }
}

static void reserve(uint32_t start, uint32_t end)
{
    uint32_t first = start / ARCH_PAGE_SIZE;
    uint32_t last = (end + ARCH_PAGE_SIZE - 1) / ARCH_PAGE_SIZE;
    frames_reserve_range(&frames, first, last - first);
}

/* Build the free-frame map. Called once, before paging is on. */
void mem_init(const struct multiboot_info *mb)
{
    frames_init(&frames, bitmap, 0, MAX_FRAMES);
    if (mb->flags & MB_INFO_MMAP) {
        uint32_t p = mb->mmap_addr, end = mb->mmap_addr + mb->mmap_length;
        while (p < end) {
            const struct multiboot_mmap *m = (const struct multiboot_mmap *)p;
            if (m->type == 1)
                release_ram(m->addr, m->len);
            p += m->size + 4;
        }
    } else if (mb->flags & MB_INFO_MEM) {
        release_ram(0x100000, (uint64_t)mb->mem_upper * 1024);
    }
    reserve(0, 0x100000);                            /* BIOS, VGA, real-mode data */
    reserve(0x100000, (uint32_t)__kernel_end);
    reserve((uint32_t)mb, (uint32_t)mb + sizeof(*mb));
    if (mb->flags & MB_INFO_MMAP)
        reserve(mb->mmap_addr, mb->mmap_addr + mb->mmap_length);
    if (mb->flags & MB_INFO_CMDLINE)
        reserve(mb->cmdline, mb->cmdline + 4096);
    if (mb->flags & MB_INFO_MODS) {
        const struct multiboot_mod *mods = (const struct multiboot_mod *)mb->mods_addr;
        reserve(mb->mods_addr, mb->mods_addr + mb->mods_count * sizeof(*mods));
        for (uint32_t i = 0; i < mb->mods_count; i++) {
            reserve(mods[i].start, mods[i].end);
            reserve(mods[i].string, mods[i].string + 256);
        }
    }
}

uint32_t page_alloc_zeroed(void)
{
    uint32_t f;
    if (frames_alloc(&frames, &f)) {
        if (!held || (dma_busy && dma_busy()))
            return 0;                    /* out, or what is held is still being read */
        mem_dma_done();
        if (frames_alloc(&frames, &f))
            return 0;
    }
    uint32_t pa = f * ARCH_PAGE_SIZE;
    memset((void *)pa, 0, ARCH_PAGE_SIZE);
    return pa;
}

void page_free(uint32_t pa)
{
    if (frames_free(&frames, pa / ARCH_PAGE_SIZE))
        panic("page_free: frame 0x%08x was not allocated", pa);
}

mem_dma_busy_fn mem_set_dma_busy(mem_dma_busy_fn busy)
{
    mem_dma_busy_fn old = dma_busy;
    dma_busy = busy;
    return old;
}

void page_free_dma(uint32_t pa)
{
    if (dma_busy && dma_busy()) {
        *(volatile uint32_t *)pa = held_head;
        held_head = pa;
        held++;
        return;
    }
    page_free(pa);
}

void mem_dma_done(void)
{
    while (held_head) {
        uint32_t pa = held_head;
        held_head = *(volatile uint32_t *)pa;
        held--;
        page_free(pa);
    }
}

uint32_t mem_pages_held(void) { return held; }

void mem_stats(uint32_t *total, uint32_t *free)
{
    *total = total_pages;
    *free = frames.nfree;
}
