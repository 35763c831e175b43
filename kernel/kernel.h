/* kernel.h - console output, panic, assertions and counters for the whole kernel. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdint.h>
#include <stddef.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A broken kernel invariant: never a program's fault. */
#define KASSERT(c) do { if (!(c)) panic("assertion '%s' failed at %s:%d", #c, __FILE__, __LINE__); } while (0)

/* Counters reported by KS_STATS. */
struct kstats {
    uint32_t sends, switches, exceptions, syscall_errors, ticks;
};
extern struct kstats kstats;

/* Node identity, from the command line. */
extern uint32_t node_id;          /* node=N, default 1 */
extern uint32_t node_lhost;       /* the node's own logical host */
extern const char *kernel_cmdline;
extern int test_mode;             /* the word `test` on the command line */

#endif
