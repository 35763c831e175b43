/* misc.c - halting, idling and PCI configuration access. */
#include "arch.h"
#include "cpu.h"

void arch_halt(uint32_t code)
{
    outl(0xf4, code);          /* isa-debug-exit: QEMU exits with (code << 1) | 1 */
    for (;;) {
        cli();
        __asm__ volatile("hlt");
    }
}

void arch_idle(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

uint32_t arch_pci_read32(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t off)
{
    outl(0xcf8, 0x80000000u | (bus << 16) | (dev << 11) | (fn << 8) | (off & 0xfc));
    return inl(0xcfc);
}
