/*
 * paging.c - two-level i386 page tables. Every address space shares the kernel's
 * mappings: physical memory identity-mapped with 4 MiB supervisor pages below 1 GiB,
 * and device memory (PCI BARs) identity-mapped uncached from ARCH_DEVICE_WINDOW (3 GiB,
 * arch.h) up. User pages are 4 KiB, U/S=1, in [V_USER_BASE, V_USER_LIMIT) only.
 * Physical == virtual in the kernel, so a page table's physical address is also a
 * pointer to it.
 */
#include "arch.h"
#include "cpu.h"
#include <string.h>
#include <v/err.h>
#include <v/startup.h>

#define PTE_P   0x001u
#define PTE_W   0x002u
#define PTE_U   0x004u
#define PTE_PWT 0x008u
#define PTE_PCD 0x010u
#define PTE_PS  0x080u
#define PTE_G   0x100u
#define PDX(va) ((va) >> 22)
#define PTX(va) (((va) >> 12) & 0x3ffu)
#define USER_PDX_FIRST PDX(V_USER_BASE)
#define USER_PDX_END   PDX(V_USER_LIMIT)

_Static_assert(ARCH_DEVICE_WINDOW % (4u << 20) == 0 && ARCH_DEVICE_WINDOW >= V_USER_LIMIT,
               "the device window is whole 4 MiB pages above user space");

static uint32_t kernel_pd[1024] __attribute__((aligned(4096)));

/* Build the kernel's mappings and turn paging on. */
void arch_paging_init(uint32_t phys_limit)
{
    (void)phys_limit;
    for (uint32_t i = 0; i < USER_PDX_FIRST; i++)
        kernel_pd[i] = (i << 22) | PTE_P | PTE_W | PTE_PS | PTE_G;
    for (uint32_t i = PDX(ARCH_DEVICE_WINDOW); i < 1024; i++)
        kernel_pd[i] = (i << 22) | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT;
    uint32_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= 0x10 | 0x80;                             /* PSE, PGE */
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    write_cr3((uint32_t)kernel_pd);
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 |= 0x80010000u;                             /* PG, WP */
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
}

uint32_t arch_kernel_pd(void) { return (uint32_t)kernel_pd; }

uint32_t arch_pd_create(void)
{
    uint32_t pd = page_alloc_zeroed();
    if (!pd)
        return 0;
    uint32_t *d = (uint32_t *)pd;
    for (uint32_t i = 0; i < 1024; i++)
        if (i < USER_PDX_FIRST || i >= USER_PDX_END)
            d[i] = kernel_pd[i];
    return pd;
}

void arch_pd_destroy(uint32_t pd)
{
    uint32_t *d = (uint32_t *)pd;
    if (read_cr3() == pd)                /* a kernel thread may still run on it (lazily) */
        write_cr3((uint32_t)kernel_pd);
    for (uint32_t i = USER_PDX_FIRST; i < USER_PDX_END; i++)
        if (d[i] & PTE_P)
            page_free(d[i] & ~0xfffu);
    page_free(pd);
}

static int user_va(uint32_t va) { return va >= V_USER_BASE && va < V_USER_LIMIT; }

static uint32_t *pte_of(uint32_t pd, uint32_t va, int create)
{
    uint32_t *d = (uint32_t *)pd;
    if (!(d[PDX(va)] & PTE_P)) {
        if (!create)
            return 0;
        uint32_t pt = page_alloc_zeroed();
        if (!pt)
            return 0;
        d[PDX(va)] = pt | PTE_P | PTE_W | PTE_U;
    }
    return (uint32_t *)(d[PDX(va)] & ~0xfffu) + PTX(va);
}

int arch_map(uint32_t pd, uint32_t va, uint32_t pa)
{
    if (!user_va(va))
        return V_EBADADDR;
    uint32_t *pte = pte_of(pd, va, 1);
    if (!pte)
        return V_ENOMEM;
    *pte = (pa & ~0xfffu) | PTE_P | PTE_W | PTE_U;
    if (read_cr3() == pd)
        invlpg(va);
    return V_OK;
}

uint32_t arch_unmap(uint32_t pd, uint32_t va)
{
    if (!user_va(va))
        return 0;
    uint32_t *pte = pte_of(pd, va, 0);
    if (!pte || !(*pte & PTE_P))
        return 0;
    uint32_t pa = *pte & ~0xfffu;
    *pte = 0;
    if (read_cr3() == pd)
        invlpg(va);
    return pa;
}

/* 1 if page table pt has no entry. */
static int table_empty(const uint32_t *pt)
{
    for (int i = 0; i < 1024; i++)
        if (pt[i])
            return 0;
    return 1;
}

uint32_t arch_unmap_tables(uint32_t pd, uint32_t from, uint32_t to)
{
    uint32_t *d = (uint32_t *)pd, freed = 0;
    if (from < V_USER_BASE)
        from = V_USER_BASE;
    if (to > V_USER_LIMIT || to < from)
        to = V_USER_LIMIT;
    for (uint32_t i = PDX(from); i < USER_PDX_END && (i << 22) < to; i++) {
        if (!(d[i] & PTE_P) || !table_empty((const uint32_t *)(d[i] & ~0xfffu)))
            continue;
        page_free(d[i] & ~0xfffu);
        d[i] = 0;
        freed++;
    }
    if (freed && read_cr3() == pd)
        write_cr3(pd);                   /* drop any cached walk through the freed tables */
    return freed;
}

uint32_t arch_translate(uint32_t pd, uint32_t va, int write)
{
    if (!user_va(va))
        return 0;
    uint32_t *pte = pte_of(pd, va, 0);
    if (!pte)
        return 0;
    uint32_t need = PTE_P | PTE_U | (write ? PTE_W : 0);
    if ((*pte & need) != need)
        return 0;
    return (*pte & ~0xfffu) | (va & 0xfffu);
}
