/* ktest.c - runs the tests registered with KTEST (see ktest.h). */
#include "ktest.h"
#include "kernel.h"

extern const struct ktest __start_ktests[], __stop_ktests[];
static const char *fail_file, *fail_cond;
static int fail_line;

void ktest_fail(const char *file, int line, const char *cond)
{
    if (!fail_file) {
        fail_file = file;
        fail_line = line;
        fail_cond = cond;
    }
}

void ktest_run_all(unsigned *passed, unsigned *failed)
{
    *passed = *failed = 0;
    for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++) {
        fail_file = 0;
        t->fn();
        if (fail_file) {
            kprintf("FAIL kernel/%s %s:%d (%s)\n", t->name, fail_file, fail_line, fail_cond);
            (*failed)++;
        } else {
            kprintf("PASS kernel/%s\n", t->name);
            (*passed)++;
        }
    }
}
