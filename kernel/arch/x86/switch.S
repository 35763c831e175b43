/*
 * switch.S - arch_switch(uint32_t *old_sp, uint32_t new_sp): save the callee-saved
 * registers on the current kernel stack, store esp in *old_sp, load new_sp and pop the
 * same registers from there. A new process's stack is prepared (context.c) so that this
 * "returns" into its start function.
 */
    .text
    .globl arch_switch
arch_switch:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl %edx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

    .section .note.GNU-stack,"",@progbits
