/*
 * t_pm.c - the program manager's tables: a waiter that dies waiting gives its slot back.
 */
#include "utest.h"
#include <v/pm.h>

static v_pid_t my_root;
static volatile int wait_rc;

static void wait_for_ever(uint32_t unused)
{
    int status;
    (void)unused;
    wait_rc = v_pm_wait(my_root, &status);   /* this team: it outlives the thread */
}

/* PM_WAITERS (64, servers/pm/pm.h) waits, and more, each from a thread destroyed while
 * it waits; then one more wait is still taken: its thread stays blocked in it. (Before,
 * the dead waiters kept their slots and that wait came back at once with V_ENOMEM.) */
UTEST(pm_forgets_waiters_that_died_waiting)
{
    struct v_proc_info me;
    v_pid_t t[24], last = 0;
    int rounds = 3, made = 0;
    CHECK_EQ(v_ks_process_info(v_kernel_server(), v_my_pid(), &me), V_OK);
    my_root = me.team;
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < 24; i++)
            made += v_thread_start(wait_for_ever, 0, 4, 1024, &t[i]) == V_OK;
        v_delay(30);                       /* each is in PM_WAIT now */
        for (int i = 0; i < 24; i++)
            v_ks_destroy(t[i]);
    }
    CHECK_EQ(made, rounds * 24);
    wait_rc = 1;
    CHECK_EQ(v_thread_start(wait_for_ever, 0, 4, 1024, &last), V_OK);
    v_delay(50);
    CHECK_EQ(wait_rc, 1);                  /* still waiting: the PM took it */
    struct v_proc_info pi;
    CHECK_EQ(v_ks_process_info(v_kernel_server(), last, &pi), V_OK);
    CHECK_EQ(pi.state, V_PS_AWAITING_REPLY);
    v_ks_destroy(last);
}
