/* kprintf.c - the kernel's formatted console output, and panic. */
#include "arch.h"
#include "kernel.h"
#include <stdarg.h>
#include <stdio.h>

int kprintf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = v_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (char *p = buf; *p; p++)
        arch_console_putc(*p);
    return n;
}

/* A broken kernel invariant: say what, then stop the node (QEMU exits with 65). */
void panic(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    v_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    kprintf("\nPANIC: %s\n", buf);
    arch_halt(0x20);
}
