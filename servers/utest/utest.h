/*
 * utest.h - in-guest user-level tests. UTEST(name) { ... CHECK(cond); ... } registers a
 * test in the .utests section (libv/user.ld); main.c runs them all and prints one line
 * each: `PASS user/name` or `FAIL user/name file:line (cond)`.
 */
#ifndef UTEST_H
#define UTEST_H

#include <stdint.h>
#include <v/ipc.h>
#include <v/kclient.h>

struct utest {
    const char *name;
    void (*fn)(void);
};

#define UTEST(fn)                                                                   \
    static void fn(void);                                                           \
    static const struct utest utest_##fn                                            \
        __attribute__((section(".utests"), used, aligned(8))) = { #fn, fn };       \
    static void fn(void)

void utest_fail(const char *file, int line, const char *cond);
int utest_failed(void);
#define CHECK(c) do { if (!(c)) { utest_fail(__FILE__, __LINE__, #c); return; } } while (0)
#define CHECK_EQ(a, b) do { long _a = (long)(a), _b = (long)(b); if (_a != _b) {             \
        utest_note("%s = %ld, expected %ld", #a, _a, _b); utest_fail(__FILE__, __LINE__, #a " == " #b); \
        return; } } while (0)
void utest_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Helpers shared by the test files (main.c). */
v_pid_t ut_thread(void (*fn)(uint32_t), uint32_t arg);     /* 0 on failure */
void ut_wait_flag(volatile int *flag, uint32_t max_ms);      /* poll until *flag != 0 */
/* Start this program again as a separate team, with argument string `args`. */
v_pid_t ut_spawn(const char *args);
/* Run `utest fault KIND` as its own team and return its PM_WAIT status. */
int ut_fault_child(const char *kind);

/* Requests a peer team (utest peer) answers. */
enum { PEER_ECHO = 0x7001, PEER_SUM, PEER_FILL, PEER_EXIT };
int peer_main(void);
int fault_main(const char *kind);

#endif
