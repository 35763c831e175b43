/* t_ipc.c - Send, Receive (any and specific), Reply, Forward, within and across teams. */
#include "utest.h"
#include <string.h>
#include <v/pm.h>

/* An echo server thread: answers arg requests, each word plus 100, w4 = the sender. */
static volatile v_pid_t echo_saw_sender;
static void echo_thread(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        struct v_msg m;
        v_pid_t from;
        if (v_receive(&m, &from))
            return;
        echo_saw_sender = from;
        for (int k = 0; k < 4; k++)
            m.w[k] += 100;
        m.w[4] = from;
        m.code = V_OK;
        v_reply(&m, from);
    }
}

UTEST(send_receive_reply_same_team)
{
    v_pid_t e = ut_thread(echo_thread, 3);
    CHECK(e);
    for (uint32_t i = 0; i < 3; i++) {
        struct v_msg m = { .code = 1, .w = { i, 2, 3, 4, 0 } };
        v_pid_t replier;
        CHECK_EQ(v_send_r(&m, e, &replier), V_OK);
        CHECK_EQ(replier, e);
        CHECK_EQ(m.w[0], i + 100);
        CHECK_EQ(m.w[3], 104);
        CHECK_EQ(m.w[4], v_my_pid());
    }
}

UTEST(send_receive_reply_across_teams)
{
    v_pid_t peer = ut_spawn("peer");
    CHECK(peer);
    for (uint32_t i = 0; i < 20; i++) {
        struct v_msg m = { .code = PEER_ECHO, .w = { i, 10, 20, 30, 0 } };
        CHECK_EQ(v_send(&m, peer), V_OK);
        CHECK_EQ(v_msg_reply_code(&m), V_OK);
        CHECK_EQ(m.w[0], i + 1);
        CHECK_EQ(m.w[3], 31);
        CHECK_EQ(m.w[4], v_my_pid());
    }
    struct v_msg m = { .code = PEER_EXIT };
    CHECK_EQ(v_send(&m, peer), V_OK);
    int status = 0;
    CHECK_EQ(v_pm_wait(peer, &status), V_OK);
    CHECK_EQ(status, 7);
}

/* Two senders queue on us; Receive(specific) takes the second one first. */
static volatile int sent_done[2];
static volatile v_pid_t main_pid;
static void sender_thread(uint32_t which)
{
    struct v_msg m = { .code = 0x55, .w = { which } };
    v_send(&m, main_pid);
    sent_done[which] = (int)m.w[0] + 1;
}

UTEST(receive_specific_sender)
{
    sent_done[0] = sent_done[1] = 0;
    main_pid = v_my_pid();                    /* where the sender threads send */
    v_pid_t a = ut_thread(sender_thread, 0);
    v_delay(20);
    v_pid_t b = ut_thread(sender_thread, 1);
    CHECK(a && b);
    v_delay(30);                              /* both are queued on us now */
    struct v_msg m;
    CHECK_EQ(v_receive_from(&m, b), V_OK);
    CHECK_EQ(m.w[0], 1);
    m.w[0] = 41;
    CHECK_EQ(v_reply(&m, b), V_OK);
    v_pid_t from;
    CHECK_EQ(v_receive(&m, &from), V_OK);
    CHECK_EQ(from, a);
    m.w[0] = 40;
    CHECK_EQ(v_reply(&m, a), V_OK);
    ut_wait_flag(&sent_done[0], 1000);
    ut_wait_flag(&sent_done[1], 1000);
    CHECK_EQ(sent_done[0], 41);
    CHECK_EQ(sent_done[1], 42);
}

/* A forwarder thread passes each request on to the echo thread. */
static volatile v_pid_t fwd_target;
static void forward_thread(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        struct v_msg m;
        v_pid_t from;
        if (v_receive(&m, &from))
            return;
        m.w[1] = 7000;                        /* a forwarder may change the message */
        v_forward(&m, from, fwd_target);
    }
}

UTEST(forward_three_parties)
{
    v_pid_t e = ut_thread(echo_thread, 1);
    fwd_target = e;
    v_pid_t f = ut_thread(forward_thread, 1);
    CHECK(e && f);
    struct v_msg m = { .code = 1, .w = { 5, 6, 7, 8, 0 } };
    v_pid_t replier = 0;
    CHECK_EQ(v_send_r(&m, f, &replier), V_OK);
    CHECK_EQ(replier, e);                     /* the reply came from the final receiver */
    CHECK_EQ(echo_saw_sender, v_my_pid());    /* who saw us as the sender, not f */
    CHECK_EQ(m.w[0], 105);
    CHECK_EQ(m.w[1], 7100);
}

UTEST(forward_to_nonexistent_is_an_error_to_the_forwarder)
{
    v_pid_t dead = ut_thread(echo_thread, 0);  /* exits at once */
    v_delay(20);
    struct v_msg m = { .code = 1 };
    CHECK_EQ(v_forward(&m, v_my_pid(), dead), V_ENOTAWAITING);   /* we are not awaiting ourselves */
    CHECK_EQ(v_send(&m, dead), V_ENOPROC);
}
