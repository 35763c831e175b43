/*
 * context.c - preparing and switching process contexts. A process's kernel stack holds,
 * when it is not running, the registers arch_switch saved; a new one is given a frame
 * that "returns" into start_user (which leaves through trapret into ring 3) or into a
 * kernel function.
 */
#include "arch.h"
#include "cpu.h"
#include "frame.h"
#include "x86.h"
#include <string.h>

extern void trapret(void);
void arch_switch(uint32_t *old_sp, uint32_t new_sp);

struct switch_frame {
    uint32_t edi, esi, ebx, ebp, ret;
};

struct trapframe *arch_user_frame(uint32_t kstack_top)
{
    return (struct trapframe *)(kstack_top - sizeof(struct trapframe));
}

void arch_context_user(struct arch_context *c, uint32_t kstack_top, uint32_t entry,
                       uint32_t esp, uint32_t eax)
{
    struct trapframe *tf = arch_user_frame(kstack_top);
    memset(tf, 0, sizeof(*tf));
    tf->ds = tf->es = tf->fs = tf->gs = tf->ss = SEG_UDATA;
    tf->cs = SEG_UCODE;
    tf->eip = entry;
    tf->esp = esp;
    tf->eax = eax;
    tf->eflags = 0x202;                       /* IF on in ring 3 */
    struct switch_frame *sf = (struct switch_frame *)tf - 1;
    memset(sf, 0, sizeof(*sf));
    sf->ret = (uint32_t)trapret;
    c->sp = (uint32_t)sf;
}

void arch_context_kernel(struct arch_context *c, uint32_t kstack_top, void (*fn)(void))
{
    struct switch_frame *sf = (struct switch_frame *)(kstack_top - 16) - 1;
    memset(sf, 0, sizeof(*sf));
    sf->ret = (uint32_t)fn;
    c->sp = (uint32_t)sf;
}

/* Switch from the running process to another; returns when `old` runs again. */
void arch_switch_to(struct arch_context *old, struct arch_context *new, uint32_t pd,
                    uint32_t kstack_top)
{
    gdt_set_kstack(kstack_top);
    if (pd && read_cr3() != pd)
        write_cr3(pd);
    arch_switch(&old->sp, new->sp);
}

void arch_activate_pd(uint32_t pd)
{
    if (read_cr3() != pd)
        write_cr3(pd);
}
