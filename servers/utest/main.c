/*
 * utest - user-level tests of the V primitives, run in ring 3 by `make test`
 * (kernel command line `test init=name,tmp,utest`: the RAM store tests need [tmp1]). With arguments it plays a part in a test:
 * `utest peer` is a server team, `utest fault KIND` a program that faults, `utest
 * uio-open` a program that dies with an instance of the RAM store open (t_uio2.c).
 * At the end it reports its totals to the kernel server, which prints the run's
 * `N passed, M failed` line and ends the node.
 */
#include "utest.h"
#include "t_uio.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <v/pm.h>

extern const struct utest __start_utests[], __stop_utests[];
static const char *fail_file, *fail_cond;
static int fail_line;

void utest_fail(const char *file, int line, const char *cond)
{
    if (!fail_file) {
        fail_file = file;
        fail_line = line;
        fail_cond = cond;
    }
}

int utest_failed(void) { return fail_file != 0; }

void utest_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("  note: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

v_pid_t ut_thread(void (*fn)(uint32_t), uint32_t arg)
{
    v_pid_t pid = 0;
    return v_thread_start(fn, arg, 4, 16384, &pid) ? 0 : pid;
}

void ut_wait_flag(volatile int *flag, uint32_t max_ms)
{
    for (uint32_t t = 0; !*flag && t < max_ms; t += 10)
        v_delay(10);
}

v_pid_t ut_spawn(const char *args)
{
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "utest %s", args);
    v_pid_t pid = 0;
    return v_pm_run(cmd, 4, &pid) ? 0 : pid;
}

int ut_fault_child(const char *kind)
{
    char args[32];
    snprintf(args, sizeof(args), "fault %s", kind);
    v_pid_t pid = ut_spawn(args);
    if (!pid)
        return 1;
    int status = 0;
    int err = v_pm_wait(pid, &status);
    return err ? err : status;
}

static void run_all(void)
{
    uint32_t passed = 0, failed = 0;
    for (const struct utest *t = __start_utests; t < __stop_utests; t++) {
        fail_file = 0;
        t->fn();
        if (fail_file) {
            printf("FAIL user/%s %s:%d (%s)\n", t->name, fail_file, fail_line, fail_cond);
            failed++;
        } else {
            printf("PASS user/%s\n", t->name);
            passed++;
        }
    }
    int err = v_ks_test_report(passed, failed);
    /* Not in test mode: the kernel refused to end the node; say it here. */
    printf("%u passed, %u failed (test report: %s)\n", passed, failed, v_strerror(err));
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "peer"))
        return peer_main();
    if (argc > 1 && !strcmp(argv[1], "uio-open"))
        return uio_child_main();
    if (argc > 2 && !strcmp(argv[1], "fault"))
        return fault_main(argv[2]);
    run_all();
    return 0;
}
