/*
 * gdt.c - segments (flat kernel and user code/data) and the TSS whose esp0 is the
 * kernel stack a trap from ring 3 lands on. Entry points: gdt_init, gdt_set_kstack.
 */
#include <stdint.h>
#include "frame.h"
#include "x86.h"

struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap;
} __attribute__((packed));

static uint64_t gdt[6];
static struct tss tss;

static uint64_t seg(uint32_t base, uint32_t limit, uint32_t access, uint32_t flags)
{
    uint64_t d = (limit & 0xffffu) | ((uint64_t)(base & 0xffffffu) << 16);
    d |= (uint64_t)access << 40;
    d |= (uint64_t)((limit >> 16) & 0xf) << 48;
    d |= (uint64_t)(flags & 0xf) << 52;
    d |= (uint64_t)(base >> 24) << 56;
    return d;
}

/* Load the GDT and TSS; called once at boot with interrupts off. */
void gdt_init(void)
{
    gdt[0] = 0;
    gdt[1] = seg(0, 0xfffff, 0x9a, 0xc);   /* kernel code */
    gdt[2] = seg(0, 0xfffff, 0x92, 0xc);   /* kernel data */
    gdt[3] = seg(0, 0xfffff, 0xfa, 0xc);   /* user code, DPL 3 */
    gdt[4] = seg(0, 0xfffff, 0xf2, 0xc);   /* user data, DPL 3 */
    tss.ss0 = SEG_KDATA;
    tss.iomap = sizeof(tss);               /* no I/O permission bitmap: user I/O faults */
    gdt[5] = seg((uint32_t)&tss, sizeof(tss) - 1, 0x89, 0x0);
    struct { uint16_t len; uint32_t base; } __attribute__((packed)) gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };
    __asm__ volatile("lgdt %0\n"
                     "ljmp $0x08, $1f\n"
                     "1: movw $0x10, %%ax\n"
                     "movw %%ax, %%ds; movw %%ax, %%es; movw %%ax, %%ss\n"
                     "xorw %%ax, %%ax; movw %%ax, %%fs; movw %%ax, %%gs\n"
                     "movw $0x28, %%ax; ltr %%ax" : : "m"(gdtr) : "eax", "memory");
}

/* The kernel stack the next trap from ring 3 will use. */
void gdt_set_kstack(uint32_t top) { tss.esp0 = top; }
