/*
 * t_exc.c - exceptions as messages: faulting programs are ended by the program manager;
 * a handler of our own repairs a fault and resumes the process; the node survives.
 */
#include "utest.h"
#include <string.h>
#include <v/exc.h>
#include <v/pm.h>

UTEST(faulting_programs_are_ended_and_the_node_survives)
{
    static const char *const kinds[] = { "null", "kwrite", "illegal", "divide", "gpf", "breakpoint", "io" };
    for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        int status = ut_fault_child(kinds[i]);
        if (status != V_PM_FAULTED)
            utest_note("fault kind %s: status %d", kinds[i], status);
        CHECK_EQ(status, V_PM_FAULTED);
    }
    struct v_proc_info me;
    CHECK_EQ(v_ks_process_info(v_kernel_server(), v_my_pid(), &me), V_OK);
}

UTEST(fault_without_a_handler_ends_the_program)
{
    CHECK_EQ(ut_fault_child("nohandler"), V_PM_KILLED);
}

UTEST(fault_whose_handler_dies_ends_the_program)
{
    CHECK_EQ(ut_fault_child("handlerdies"), V_PM_KILLED);
}

/* Our own handler: grows the team over a page fault, skips a ud2. */
static volatile uint32_t seen_vector, seen_addr, handled;
static void handler_thread(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        struct v_msg m;
        v_pid_t from;
        if (v_receive(&m, &from) || m.code != V_REQ_EXCEPTION)
            return;
        seen_vector = m.w[0];
        seen_addr = m.w[3];
        struct v_msg r = { .code = V_OK };
        if (m.w[0] == V_EXC_PAGE_FAULT) {
            uint32_t size;
            v_ks_set_team_size(from, m.w[3] - 0x40000000u + 4096, &size);
        } else {
            r.w[0] = V_EXC_SET_EIP;
            r.w[2] = m.w[2] + 2;                 /* ud2 is two bytes */
        }
        handled++;
        v_reply(&r, from);
    }
}

UTEST(a_handler_repairs_a_fault_and_resumes_the_process)
{
    handled = 0;
    v_pid_t h = ut_thread(handler_thread, 2);
    CHECK(h);
    CHECK_EQ(v_ks_set_exc_handler(v_my_pid(), h), V_OK);
    struct v_proc_info me;
    CHECK_EQ(v_ks_process_info(v_kernel_server(), v_my_pid(), &me), V_OK);
    volatile uint32_t *beyond = (uint32_t *)(0x40000000u + me.team_size + 8 * 4096);
    uint32_t v = *beyond;                        /* faults; the handler maps it; resumes */
    CHECK_EQ(v, 0);
    CHECK_EQ(seen_vector, V_EXC_PAGE_FAULT);
    CHECK_EQ(seen_addr, (uint32_t)beyond);
    *beyond = 1234;
    CHECK_EQ(*beyond, 1234);
    volatile int after = 0;
    __asm__ volatile("ud2");                     /* the handler skips it */
    after = 1;
    CHECK_EQ(after, 1);
    CHECK_EQ(seen_vector, V_EXC_INVALID_OP);
    CHECK_EQ(handled, 2);
    CHECK_EQ(v_ks_set_exc_handler(v_my_pid(), 0), V_OK);
    uint32_t size;
    CHECK_EQ(v_ks_set_team_size(v_my_pid(), me.team_size, &size), V_OK);
}
