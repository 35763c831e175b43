/* misc.c - halting, idling, PCI configuration access and I/O ports. */
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

void arch_pci_write32(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t off, uint32_t v)
{
    outl(0xcf8, 0x80000000u | (bus << 16) | (dev << 11) | (fn << 8) | (off & 0xfc));
    outl(0xcfc, v);
}

uint8_t arch_io_read8(uint16_t port) { return inb(port); }
uint32_t arch_io_read32(uint16_t port) { return inl(port); }
void arch_io_write8(uint16_t port, uint8_t v) { outb(port, v); }
void arch_io_write32(uint16_t port, uint32_t v) { outl(port, v); }

uint16_t arch_io_read16(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

void arch_io_write16(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
