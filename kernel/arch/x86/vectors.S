/*
 * vectors.S - entry stubs for exceptions 0-31, IRQs 32-47 and the system call 0x30.
 * Each pushes an error code (0 if the CPU pushed none) and its vector, then the common
 * path saves registers into a struct trapframe and calls trap(tf). trapret restores.
 */
#define NOERR(n) .globl vec##n; vec##n: pushl $0; pushl $n; jmp alltraps
#define ERR(n)   .globl vec##n; vec##n: pushl $n; jmp alltraps

    .text
NOERR(0)
NOERR(1)
NOERR(2)
NOERR(3)
NOERR(4)
NOERR(5)
NOERR(6)
NOERR(7)
ERR(8)
NOERR(9)
ERR(10)
ERR(11)
ERR(12)
ERR(13)
ERR(14)
NOERR(15)
NOERR(16)
ERR(17)
NOERR(18)
NOERR(19)
NOERR(20)
NOERR(21)
NOERR(22)
NOERR(23)
NOERR(24)
NOERR(25)
NOERR(26)
NOERR(27)
NOERR(28)
NOERR(29)
NOERR(30)
NOERR(31)
NOERR(32)
NOERR(33)
NOERR(34)
NOERR(35)
NOERR(36)
NOERR(37)
NOERR(38)
NOERR(39)
NOERR(40)
NOERR(41)
NOERR(42)
NOERR(43)
NOERR(44)
NOERR(45)
NOERR(46)
NOERR(47)
NOERR(48)

alltraps:
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    pushal
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    pushl %esp            /* struct trapframe * */
    call trap
    addl $4, %esp

    .globl trapret
trapret:
    popal
    popl %gs
    popl %fs
    popl %es
    popl %ds
    addl $8, %esp         /* vector, error */
    iret

    /* The table of stub addresses, for idt_init. */
    .section .rodata
    .globl trap_vectors
trap_vectors:
    .long vec0, vec1, vec2, vec3, vec4, vec5, vec6, vec7, vec8, vec9
    .long vec10, vec11, vec12, vec13, vec14, vec15, vec16, vec17, vec18, vec19
    .long vec20, vec21, vec22, vec23, vec24, vec25, vec26, vec27, vec28, vec29
    .long vec30, vec31, vec32, vec33, vec34, vec35, vec36, vec37, vec38, vec39
    .long vec40, vec41, vec42, vec43, vec44, vec45, vec46, vec47, vec48

    .section .note.GNU-stack,"",@progbits
