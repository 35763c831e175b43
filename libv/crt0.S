/*
 * libv/crt0.S - where every program starts: _start.
 *
 * The program manager starts a team's root process at _start with esp pointing at a
 * struct v_startup (v/startup.h) it wrote at the top of the stack. _start passes that
 * pointer to v_start_main (libv/exit.c), which sets up malloc, calls main and exit; it
 * never returns. The stack is realigned to 16 bytes first, as gcc assumes at a call.
 */
    .section .text.start, "ax", @progbits
    .global _start
    .type _start, @function
_start:
    xorl    %ebp, %ebp          /* end of the frame chain for debuggers */
    movl    %esp, %eax          /* struct v_startup * */
    andl    $-16, %esp
    subl    $12, %esp
    pushl   %eax
    call    v_start_main
1:  ud2                         /* not reached: v_start_main does not return */
    jmp     1b
    .size _start, . - _start

/*
 * v_thread_entry - where every thread made by v_thread_start (libv/kclient.c) starts.
 * The kernel starts it with eax = the thread's argument and esp at a 16-byte aligned
 * word holding the thread function. It calls fn(arg) and ends the thread when fn
 * returns (a thread that returns from its function exits with status 0).
 */
    .text
    .global v_thread_entry
    .type v_thread_entry, @function
v_thread_entry:
    xorl    %ebp, %ebp
    popl    %ecx                /* fn */
    subl    $12, %esp           /* keep esp 16-byte aligned at the call */
    pushl   %eax                /* arg: fn's first argument */
    call    *%ecx
    addl    $16, %esp
    subl    $12, %esp
    pushl   $0
    call    v_exit_process
2:  ud2
    jmp     2b
    .size v_thread_entry, . - v_thread_entry

    .section .note.GNU-stack,"",@progbits
