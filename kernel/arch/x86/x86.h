/* x86.h - functions shared between the files of kernel/arch/x86/. */
#ifndef ARCH_X86_X86_H
#define ARCH_X86_X86_H
#include <stdint.h>
void gdt_init(void);
void gdt_set_kstack(uint32_t top);
void idt_init(void);
void pic_init(void);
void serial_irq(void);
extern volatile uint64_t pit_ticks;
#endif
