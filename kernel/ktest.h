/*
 * ktest.h - in-kernel tests. KTEST(name) { ... KT_CHECK(cond); ... } registers a test in
 * the .ktests section; ktest_run_all() runs them at boot in test mode, printing one
 * `PASS name` or `FAIL name file:line (cond)` line each.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

struct ktest {
    const char *name;
    void (*fn)(void);
};

#define KTEST(fn)                                                                   \
    static void fn(void);                                                           \
    static const struct ktest ktest_##fn                                            \
        __attribute__((section(".ktests"), used, aligned(8))) = { #fn, fn };       \
    static void fn(void)

void ktest_fail(const char *file, int line, const char *cond);
#define KT_CHECK(c) do { if (!(c)) { ktest_fail(__FILE__, __LINE__, #c); return; } } while (0)

void ktest_run_all(unsigned *passed, unsigned *failed);

#endif
