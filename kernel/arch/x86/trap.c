/*
 * trap.c - the interrupt descriptor table and the one C entry point of every trap:
 * system calls go to syscall_dispatch, faults in ring 3 to exc_user_fault (they become
 * messages), faults in ring 0 panic, IRQs to their drivers. Interrupts are off for the
 * whole time the kernel runs (interrupt gates), so kernel code never races with them.
 */
#include <stdint.h>
#include "arch.h"
#include "cpu.h"
#include "frame.h"
#include "x86.h"
#include <v/err.h>
#include <v/syscall.h>

extern uint32_t trap_vectors[];
static uint64_t idt[256];

/* Drivers' interrupt handlers (arch_irq_register), called in registration order. */
#define IRQ_HANDLERS 16
static struct irq_handler {
    int irq;
    void (*fn)(void *);
    void *arg;
} irq_handlers[IRQ_HANDLERS];
static int nirq_handlers;

static void set_gate(int n, uint32_t handler, int dpl)
{
    idt[n] = (handler & 0xffffu) | ((uint64_t)SEG_KCODE << 16) |
             ((uint64_t)(0x8e | (dpl << 5)) << 40) | ((uint64_t)(handler >> 16) << 48);
}

/* Fill and load the IDT: vectors 0-47 for ring 0, the system call gate for ring 3. */
void idt_init(void)
{
    for (int i = 0; i < 48; i++)
        set_gate(i, trap_vectors[i], 0);
    set_gate(V_SYSCALL_VECTOR, trap_vectors[48], 3);
    set_gate(3, trap_vectors[3], 3);          /* int3 from ring 3 is a breakpoint, not a GPF */
    struct { uint16_t len; uint32_t base; } __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

static const char *const exc_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound", "invalid opcode",
    "no FPU", "double fault", "coprocessor overrun", "bad TSS", "segment not present",
    "stack fault", "general protection", "page fault", "reserved", "FPU error",
    "alignment check", "machine check", "SIMD error",
};

static void kernel_fault(struct trapframe *tf)
{
    const char *name = tf->vector < 32 && exc_names[tf->vector] ? exc_names[tf->vector] : "exception";
    panic("%s (vector %u, error 0x%x) in the kernel at eip 0x%08x, cr2 0x%08x, esp 0x%08x",
          name, tf->vector, tf->error, tf->eip, read_cr2(), (uint32_t)(tf + 1));
}

int arch_irq_register(int irq, void (*fn)(void *), void *arg)
{
    if (irq < 1 || irq > 15 || irq == 2 || !fn)
        return V_EINVAL;
    if (nirq_handlers == IRQ_HANDLERS)
        return V_ENOMEM;
    irq_handlers[nirq_handlers++] = (struct irq_handler){ irq, fn, arg };
    arch_irq_enable(irq);
    return V_OK;
}

/* Every handler of a shared line runs: a level-triggered line stays asserted until
 * each device that raised it has been served. */
static void irq_dispatch(int irq)
{
    for (int i = 0; i < nirq_handlers; i++)
        if (irq_handlers[i].irq == irq)
            irq_handlers[i].fn(irq_handlers[i].arg);
}

/* Called from vectors.S with interrupts off. */
void trap(struct trapframe *tf)
{
    uint32_t v = tf->vector;
    if (v == V_SYSCALL_VECTOR) {
        syscall_dispatch(tf);
    } else if (v < 32) {
        if (!tf_from_user(tf))
            kernel_fault(tf);
        exc_user_fault(tf, v, tf->error, v == 14 ? read_cr2() : 0);
    } else if (v < 48) {
        int irq = (int)v - 32;
        if (irq == 0)
            time_tick();
        else if (irq == 4)
            serial_irq();
        irq_dispatch(irq);
    }
    if (tf_from_user(tf))
        sched_trap_exit();
}

uint32_t arch_tf_call(const struct trapframe *tf) { return tf->eax; }

uint32_t arch_tf_arg(const struct trapframe *tf, int i)
{
    switch (i) {
    case 0: return tf->ebx;
    case 1: return tf->ecx;
    case 2: return tf->edx;
    case 3: return tf->esi;
    default: return tf->edi;
    }
}

void arch_tf_args(const struct trapframe *tf, uint32_t a[5])
{
    a[0] = tf->ebx;
    a[1] = tf->ecx;
    a[2] = tf->edx;
    a[3] = tf->esi;
    a[4] = tf->edi;
}

void arch_tf_result(struct trapframe *tf, int status, uint32_t r1, uint32_t r2)
{
    tf->eax = (uint32_t)status;
    tf->edx = r1;
    tf->ecx = r2;
}

uint32_t arch_tf_pc(const struct trapframe *tf) { return tf->eip; }
uint32_t arch_tf_sp(const struct trapframe *tf) { return tf->esp; }
void arch_tf_set_pc(struct trapframe *tf, uint32_t pc) { tf->eip = pc; }
