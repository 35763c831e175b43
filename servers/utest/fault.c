/*
 * fault.c - `utest fault KIND`: a program that faults on purpose, for t_exc.c.
 * With the program manager as its handler it is reported and ended; `nohandler` and
 * `handlerdies` leave it with no live handler, so the kernel itself ends it.
 */
#include "utest.h"
#include <string.h>

static void die_thread(uint32_t unused) { (void)unused; }

/* A handler that receives the fault and exits without replying. */
static void dying_handler(uint32_t unused)
{
    (void)unused;
    struct v_msg m;
    v_pid_t from;
    v_receive(&m, &from);
}

int fault_main(const char *kind)
{
    volatile uint32_t zero = 0;
    if (!strcmp(kind, "null"))
        return (int)*(volatile uint32_t *)0;
    if (!strcmp(kind, "kwrite"))
        *(volatile uint32_t *)0x00100000 = 1;      /* kernel memory: supervisor-only */
    else if (!strcmp(kind, "illegal"))
        __asm__ volatile("ud2");
    else if (!strcmp(kind, "divide"))
        return (int)(10 / zero);
    else if (!strcmp(kind, "gpf"))
        __asm__ volatile("cli");                   /* privileged in ring 3 */
    else if (!strcmp(kind, "breakpoint"))
        __asm__ volatile("int3");
    else if (!strcmp(kind, "io"))
        __asm__ volatile("outb %%al, $0xf4" : : "a"(0));   /* must not end the node! */
    else if (!strcmp(kind, "nohandler") || !strcmp(kind, "handlerdies")) {
        v_pid_t h = ut_thread(!strcmp(kind, "nohandler") ? die_thread : dying_handler, 0);
        v_ks_set_exc_handler(v_my_pid(), h);
        v_delay(20);                               /* die_thread is gone by now */
        return (int)*(volatile uint32_t *)0;
    }
    return 99;                                     /* not reached for a real fault */
}
