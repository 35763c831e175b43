/* t_err.c - errors: nonexistent pids, partners destroyed while we wait, bad pointers. */
#include "utest.h"
#include <string.h>
#include <v/dev.h>

static volatile v_pid_t target;
static volatile int waiter_done, waiter_status;

static void waiter_thread(uint32_t unused)
{
    (void)unused;
    struct v_msg m = { .code = 0x99 };
    waiter_status = v_send(&m, target);
    waiter_done = 1;
}

/* Receives one message (if arg) and then sleeps without replying. */
static void sleeper_thread(uint32_t receive_first)
{
    struct v_msg m;
    v_pid_t from;
    if (receive_first)
        v_receive(&m, &from);
    v_delay(100000);
}

UTEST(send_to_nonexistent_pid)
{
    struct v_msg m = { .code = 1 };
    v_pid_t me = v_my_pid();
    CHECK_EQ(v_send(&m, v_pid_make(v_pid_lhost(me), 0x3f3f)), V_ENOPROC);   /* free slot */
    CHECK_EQ(v_send(&m, me + 0x0100), V_ENOPROC);       /* our slot, another generation */
    CHECK_EQ(v_send(&m, v_pid_make(v_pid_lhost(me), 0x00ff)), V_ENOPROC);  /* no such pseudo */
    CHECK_EQ(v_send(&m, 0), V_ENOPROC);
    CHECK_EQ(v_send(&m, me), V_EDEADLOCK);
    CHECK_EQ(v_reply(&m, 0x00800f0f), V_ENOPROC);
    CHECK_EQ(v_receive_from(&m, me + 0x0100), V_ENOPROC);
}

static int destroyed_while_waiting(int receive_first)
{
    waiter_done = 0;
    waiter_status = 12345;
    target = ut_thread(sleeper_thread, (uint32_t)receive_first);
    if (!target)
        return -100;
    ut_thread(waiter_thread, 0);
    v_delay(30);                      /* the waiter is queued on, or received by, target */
    if (waiter_done)
        return -101;
    int err = v_ks_destroy(target);
    if (err)
        return err;
    ut_wait_flag(&waiter_done, 2000);
    return waiter_done ? waiter_status : -102;
}

UTEST(receiver_destroyed_before_receiving)
{
    CHECK_EQ(destroyed_while_waiting(0), V_EDESTROYED);
}

UTEST(receiver_destroyed_after_receiving)
{
    CHECK_EQ(destroyed_while_waiting(1), V_EDESTROYED);
}

static volatile int recv_done, recv_status;
static void recv_thread(uint32_t from)
{
    struct v_msg m;
    recv_status = v_receive_from(&m, from);
    recv_done = 1;
}

/* Receive from oneself can never be satisfied: an error at once, as for Send (issue 12,
 * defect 5). */
UTEST(receive_from_itself_is_refused)
{
    struct v_msg m;
    CHECK_EQ(v_receive_from(&m, v_my_pid()), V_EDEADLOCK);
}

UTEST(receive_from_a_sender_that_dies)
{
    v_pid_t s = ut_thread(sleeper_thread, 0);
    CHECK(s);
    recv_done = 0;
    CHECK(ut_thread(recv_thread, s));
    v_delay(20);
    CHECK_EQ(recv_done, 0);                   /* blocked, waiting for s */
    CHECK_EQ(v_ks_destroy(s), V_OK);
    ut_wait_flag(&recv_done, 2000);
    CHECK_EQ(recv_done, 1);
    CHECK_EQ(recv_status, V_ENOPROC);
}

/* The idle process has no team and never receives: Send, Receive from it and Forward to
 * it are V_ENOPROC, as for a pid of nobody (issue 12: a group Send's proxy forwarded to
 * it held its process slot for good). Send and Receive run in a thread, bounded. */
static volatile int idle_op, idle_done, idle_status;
static void idle_thread(uint32_t idle)
{
    struct v_msg m = { .code = 1 };
    idle_status = idle_op ? v_receive_from(&m, idle) : v_send(&m, idle);
    idle_done = 1;
}

static int idle_call(int op, v_pid_t idle)
{
    idle_op = op;
    idle_done = 0;
    v_pid_t t = ut_thread(idle_thread, idle);
    if (!t)
        return -100;
    ut_wait_flag(&idle_done, 500);
    if (!idle_done)
        v_ks_destroy(t);                 /* blocked on the idle process for good */
    return idle_done ? idle_status : -101;
}

UTEST(the_idle_process_takes_no_messages)
{
    static struct v_proc_info recs[64];
    uint32_t total, n;
    v_pid_t idle = 0, from;
    CHECK_EQ(v_ks_process_list(v_kernel_server(), recs, 64, &total, &n), V_OK);
    for (uint32_t i = 0; i < n; i++)
        if (!recs[i].team && !strcmp(recs[i].name, "idle"))
            idle = recs[i].pid;
    CHECK(idle);
    CHECK_EQ(idle_call(0, idle), V_ENOPROC);
    CHECK_EQ(idle_call(1, idle), V_ENOPROC);
    struct v_msg m;
    target = v_my_pid();
    waiter_done = 0;
    CHECK(ut_thread(waiter_thread, 0));             /* sends to us */
    CHECK_EQ(v_receive(&m, &from), V_OK);
    CHECK_EQ(v_forward(&m, from, idle), V_ENOPROC);
    CHECK_EQ(v_reply(&m, from), V_OK);
    ut_wait_flag(&waiter_done, 1000);
    CHECK_EQ(waiter_done, 1);
}

UTEST(bad_pointers_are_errors_not_crashes)
{
    struct v_msg m = { .code = 1 };
    v_pid_t ks = v_kernel_server();
    uint32_t r1, r2;
    /* The message itself: null, kernel memory, unmapped user memory, straddling the end. */
    CHECK_EQ(v_syscall(V_SYS_SEND, 0, ks, 0, 0, 0, &r1, &r2), V_EBADADDR);
    CHECK_EQ(v_syscall(V_SYS_SEND, 0x00100000, ks, 0, 0, 0, &r1, &r2), V_EBADADDR);
    CHECK_EQ(v_syscall(V_SYS_SEND, 0x7ff00000, ks, 0, 0, 0, &r1, &r2), V_EBADADDR);
    CHECK_EQ(v_syscall(V_SYS_SEND, 0xfffffff0, ks, 0, 0, 0, &r1, &r2), V_EBADADDR);
    CHECK_EQ(v_syscall(V_SYS_RECEIVE, 0x00001000, 0, 0, 0, 0, &r1, &r2), V_EBADADDR);
    CHECK_EQ(v_syscall(V_SYS_REPLY, 0xc0000000, ks, 0, 0, 0, &r1, &r2), V_EBADADDR);
    CHECK_EQ(v_syscall(V_SYS_RECEIVE_SEG, (uint32_t)&m, 0, 0x00200000, 64, 0, &r1, &r2), V_EBADADDR);
    /* A granted segment outside user space. */
    struct v_msg g = { .code = KS_PROCESS_LIST, .flags = V_MSG_SEG_WRITE, .seg_ptr = 0x1000, .seg_len = 4096 };
    CHECK_EQ(v_send(&g, ks), V_EBADADDR);
    g.seg_ptr = 0x7fffff00;
    CHECK_EQ(v_send(&g, ks), V_EBADADDR);
    /* At or past the user limit, where limit - ptr would wrap (issue 12, defect 4). */
    static const uint32_t past[][2] = { { 0xfffffff0u, 0x20 }, { 0xc0000000u, 0x1000 },
                                        { 0x90000000u, 1 }, { 0x80000000u, 0 } };
    for (int i = 0; i < 4; i++) {
        g.seg_ptr = past[i][0];
        g.seg_len = past[i][1];
        CHECK_EQ(v_send(&g, ks), V_EBADADDR);
    }
    g.seg_len = 4096;
    /* A segment in user space but unmapped: the kernel server's copy fails cleanly. */
    g.seg_ptr = 0x7f000000;
    CHECK_EQ(v_send(&g, ks), V_OK);
    CHECK_EQ(v_msg_reply_code(&g), V_EBADADDR);
    struct v_msg w = { .code = DEV_WRITE, .flags = V_MSG_SEG_READ, .seg_ptr = 0x7f000000, .seg_len = 8 };
    CHECK_EQ(v_send(&w, v_device_server()), V_OK);
    CHECK_EQ(v_msg_reply_code(&w), V_EBADADDR);
    /* Unknown calls and requests. */
    CHECK_EQ(v_syscall(99, 0, 0, 0, 0, 0, &r1, &r2), V_EBADCALL);
    CHECK_EQ(v_syscall(0, 0, 0, 0, 0, 0, &r1, &r2), V_EBADCALL);
    struct v_msg u = { .code = 0x1ff };
    CHECK_EQ(v_send(&u, ks), V_OK);
    CHECK_EQ(v_msg_reply_code(&u), V_EBADCALL);
    /* And the kernel is unharmed. */
    struct v_proc_info me;
    CHECK_EQ(v_ks_process_info(ks, v_my_pid(), &me), V_OK);
    CHECK_EQ(me.pid, v_my_pid());
}

UTEST(segment_requests_need_the_right_grant)
{
    static struct v_proc_info recs[4];
    struct v_msg g = { .code = KS_PROCESS_LIST, .flags = V_MSG_SEG_READ,
                       .seg_ptr = (uint32_t)recs, .seg_len = sizeof(recs) };
    CHECK_EQ(v_send(&g, v_kernel_server()), V_OK);
    CHECK_EQ(v_msg_reply_code(&g), V_ENOACCESS);    /* a list is written: needs WRITE */
}
