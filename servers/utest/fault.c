/*
 * fault.c - `utest fault KIND`: a program that faults on purpose, for t_exc.c.
 * With the program manager as its handler it is reported and ended; `nohandler` and
 * `handlerdies` leave it with no live handler, so the kernel itself ends it.
 */
#include "utest.h"
#include <string.h>

/* A thread that lives until told to go (so that it is alive when it is made the
 * handler, whatever the scheduler does first), then exits. */
static volatile int die_go;
static void die_thread(uint32_t unused)
{
    (void)unused;
    for (int t = 0; !die_go && t < 500; t++)
        v_delay(10);
}

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
        int none = !strcmp(kind, "nohandler");
        die_go = 0;
        v_pid_t h = ut_thread(none ? die_thread : dying_handler, 0);
        v_ks_set_exc_handler(v_my_pid(), h);
        die_go = 1;
        struct v_proc_info pi;
        for (int t = 0; none && t < 200 && !v_ks_process_info(v_kernel_server(), h, &pi); t++)
            v_delay(10);                           /* until die_thread is gone */
        return (int)*(volatile uint32_t *)0;
    }
    return 99;                                     /* not reached for a real fault */
}
