/*
 * arch.h - everything portable kernel code may ask of the machine. The x86
 * implementation lives in kernel/arch/x86/; nothing else includes its headers.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <stdint.h>

struct trapframe;

/* Saved kernel context of a process that is not running. */
struct arch_context {
    uint32_t sp;
};

/* Descriptor tables, interrupt controller, exception vectors. */
void arch_init(void);
/* Serial console: polled output, interrupt-driven input (console_rx_irq is called). */
void arch_console_init(void);
void arch_console_putc(char c);
int arch_console_getc(void);            /* -1 when nothing is waiting */
/* Periodic timer at hz, calls time_tick(); cycle counter calibrated against it. */
void arch_timer_init(uint32_t hz);
uint64_t arch_cycles(void);
uint32_t arch_cycles_khz(void);
uint64_t arch_rtc_epoch_seconds(void);  /* battery clock, seconds since 1970 */
/* Stop the node: QEMU exits with status (code<<1)|1 through isa-debug-exit; on real
 * hardware the CPU halts. */
__attribute__((noreturn)) void arch_halt(uint32_t code);
/* Wait for the next interrupt with interrupts enabled, then disable them again. */
void arch_idle(void);
void arch_irq_enable(int irq);
/* Call fn(arg) on every interrupt of line irq (1..15, not 2), from the trap with
 * interrupts off and after the EOI (automatic: pic.c), then unmask the line. A line may
 * be shared (PCI lines are level-triggered and shared): every handler of it is called
 * each time, so each must ask its own device and return quickly if it did not interrupt.
 * Returns 0, V_EINVAL (bad line or fn), or V_ENOMEM (table full). */
int arch_irq_register(int irq, void (*fn)(void *), void *arg);

/* Page tables. A page directory is one physical page; kernel mappings are shared. */
#define ARCH_PAGE_SIZE 4096u
uint32_t arch_pd_create(void);               /* 0 when out of memory */
void arch_pd_destroy(uint32_t pd);           /* frees its user page tables, not the pages */
int arch_map(uint32_t pd, uint32_t va, uint32_t pa);   /* user RW page; V_ENOMEM */
uint32_t arch_unmap(uint32_t pd, uint32_t va);          /* returns the frame or 0 */
/* Free the page tables of [from, to) that map nothing any more; returns how many. */
uint32_t arch_unmap_tables(uint32_t pd, uint32_t from, uint32_t to);
/* Physical address of a user page mapped at va (writable if `write`), or 0. */
uint32_t arch_translate(uint32_t pd, uint32_t va, int write);
void arch_paging_init(uint32_t phys_limit);
uint32_t arch_kernel_pd(void);
void arch_activate_pd(uint32_t pd);          /* load it now (before freeing the old one) */
/* Device memory: physical [ARCH_DEVICE_WINDOW, 4 GiB), where the firmware puts PCI
 * memory BARs, is identity-mapped uncached in every address space (kernel only), so a
 * driver reaches a memory BAR there through its address; one below is not mapped. */
#define ARCH_DEVICE_WINDOW 0xc0000000u

/* Process contexts. */
void arch_context_user(struct arch_context *c, uint32_t kstack_top, uint32_t entry,
                       uint32_t esp, uint32_t eax);
void arch_context_kernel(struct arch_context *c, uint32_t kstack_top, void (*fn)(void));
/* pd 0: keep the address space that is loaded (a kernel thread's switch); freeing a
 * page directory that is still loaded switches to the kernel's first (arch_pd_destroy). */
void arch_switch_to(struct arch_context *old, struct arch_context *new, uint32_t pd,
                    uint32_t kstack_top);
struct trapframe *arch_user_frame(uint32_t kstack_top);

/* Trap frame accessors for system calls and exceptions. */
uint32_t arch_tf_call(const struct trapframe *tf);
uint32_t arch_tf_arg(const struct trapframe *tf, int i);   /* i = 0..4 */
void arch_tf_args(const struct trapframe *tf, uint32_t a[5]);
void arch_tf_result(struct trapframe *tf, int status, uint32_t r1, uint32_t r2);
uint32_t arch_tf_pc(const struct trapframe *tf);
uint32_t arch_tf_sp(const struct trapframe *tf);
void arch_tf_set_pc(struct trapframe *tf, uint32_t pc);

/* PCI configuration space. */
uint32_t arch_pci_read32(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t off);
void arch_pci_write32(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t off, uint32_t v);
/* I/O ports, for devices with an I/O-space BAR (legacy virtio). */
uint8_t arch_io_read8(uint16_t port);
uint16_t arch_io_read16(uint16_t port);
uint32_t arch_io_read32(uint16_t port);
void arch_io_write8(uint16_t port, uint8_t v);
void arch_io_write16(uint16_t port, uint16_t v);
void arch_io_write32(uint16_t port, uint32_t v);

/* Called by the arch layer (defined in portable code). */
uint32_t page_alloc_zeroed(void);      /* physical page, 0 when none is left */
void page_free(uint32_t pa);
void syscall_dispatch(struct trapframe *tf);
void exc_user_fault(struct trapframe *tf, uint32_t vector, uint32_t error, uint32_t addr);
void time_tick(void);
void console_rx_irq(void);
void sched_trap_exit(void);
__attribute__((noreturn)) void panic(const char *fmt, ...);

#endif
