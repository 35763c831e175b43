/* boot.S - Multiboot v1 entry: a stack, then kmain(magic, info). */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003   /* modules page-aligned, memory map wanted */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .bss
    .align 16
boot_stack:
    .skip 16384
boot_stack_top:

    .section .text
    .globl _start
_start:
    cli
    mov $boot_stack_top, %esp
    xor %ebp, %ebp
    push %ebx              /* multiboot info (physical == virtual) */
    push %eax              /* magic */
    call kmain
1:  cli
    hlt
    jmp 1b

    .section .note.GNU-stack,"",@progbits
