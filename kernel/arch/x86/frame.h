/*
 * frame.h - the trap frame: what the entry stubs (vectors.S) push on the kernel stack
 * when a program traps, faults or is interrupted. Portable code touches it only through
 * the accessors declared in kernel/arch.h.
 */
#ifndef ARCH_X86_FRAME_H
#define ARCH_X86_FRAME_H
#include <stdint.h>

struct trapframe {
    /* pushed by pushal in vectors.S */
    uint32_t edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax;
    uint32_t gs, fs, es, ds;
    uint32_t vector, error;
    /* pushed by the CPU */
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;          /* only when the trap came from ring 3 */
};

#define SEG_KCODE 0x08
#define SEG_KDATA 0x10
#define SEG_UCODE (0x18 | 3)
#define SEG_UDATA (0x20 | 3)
#define SEG_TSS   0x28

static inline int tf_from_user(const struct trapframe *tf) { return (tf->cs & 3) == 3; }

#endif
