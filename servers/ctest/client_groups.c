/* client_groups.c - the ctest client's tests of process groups across nodes
 * (ct_test_groups): group Sends with GetReply, joins and leaves, Sends without reply,
 * the kernel servers' well-known group, and a group without members. */
#include "client.h"
#include <v/group.h>

/* ---- process groups across nodes ---- */

/* A local member of CT_GROUP on node 1 (a thread of ours): answers CT_GECHO. */
static volatile int lm_ready;
static void local_member(uint32_t unused)
{
    (void)unused;
    if (v_join_group(CT_GROUP, 0) != V_OK)
        return;
    lm_ready = 1;
    for (;;) {
        struct v_msg m;
        v_pid_t from;
        if (v_receive(&m, &from))
            continue;
        if (m.flags & V_MSG_NO_REPLY)
            continue;
        for (int i = 0; i < 4; i++)
            m.w[i]++;
        m.w[4] = from;
        m.code = V_OK;
        v_reply(&m, from);
    }
}

/* One group Send of CT_GECHO, then GetReply until the repliers in `want` all answered
 * (or none comes for 2 s): the repliers in *got (bit 0 = the local member, bit N = node
 * N's server). Returns how many replies were wrong, or -1 if the Send failed. */
static int group_round(v_pid_t local, uint32_t i, uint32_t *got, uint32_t *dups, uint32_t want)
{
    struct v_msg m = { .code = CT_GECHO, .w = { i, 7 } };
    v_pid_t from;
    int bad = 0;
    *got = 0;
    if (v_send_r(&m, CT_GROUP, &from))
        return -1;
    do {
        uint32_t bit = from == local ? 1u : from == ct_s2 ? 4u : from == ct_s3 ? 8u : 0x100u;
        if (m.w[0] != i + 1 || m.w[1] != 8 || m.w[4] != v_my_pid() || bit == 0x100u)
            bad++;
        if (*got & bit)
            (*dups)++;
        *got |= bit;
    } while ((*got & want) != want && v_get_reply(&m, 2000, &from) == V_OK);
    return bad;
}

static volatile int toggles_done, toggle_err, toggle_at;
static void toggler(uint32_t unused)
{
    (void)unused;
    int ok = 1;
    for (int i = 0; i < 20; i++) {
        struct v_msg j = { .code = CT_JOIN, .w = { (uint32_t)(i & 1) } };   /* leave, join, ... */
        int err = v_send(&j, ct_s3);
        if ((err || j.code) && ok) {
            ok = 0;
            toggle_err = err ? err : v_msg_reply_code(&j);
            toggle_at = i;
        }
        v_delay(30);
    }
    toggles_done = ok ? 1 : -1;
}

/* Start the local member and wait until it has joined; its pid (0 if it did not start). */
static v_pid_t groups_start_local(void)
{
    v_pid_t local = 0;
    lm_ready = 0;
    if (v_thread_start(local_member, 0, 4, 8192, &local) == V_OK)
        for (int t = 0; !lm_ready && t < 100; t++)
            v_delay(10);
    CHECK("group_local_member_joins", lm_ready, "no local member");
    return local;
}

/* Node 2's and node 3's servers' CT_GROUP_STATS word `word` into counts (0 if one does
 * not answer); the request resets their counts, so each check starts from 0. */
static void groups_stats(int word, uint32_t counts[2])
{
    for (int k = 0; k < 2; k++) {
        struct v_msg m = { .code = CT_GROUP_STATS, .w = { 1 } };
        counts[k] = 0;
        if (v_send(&m, k ? ct_s3 : ct_s2) == V_OK)
            counts[k] = m.w[word];
    }
}

/* Every member on every node answers each of 50 group Sends, once, and each server
 * executes each request once. */
static void groups_every_member_answers(v_pid_t local)
{
    uint32_t got = 0, dups = 0, ok = 0;
    int bad = 0;
    struct v_net_stats a, b;
    int e1 = ct_net_stats(&a);
    uint64_t t0 = v_time_ns();
    for (uint32_t i = 0; i < 50; i++) {
        int b = group_round(local, i, &got, &dups, 0xd);
        bad += b < 0 ? 1 : b;
        ok += b == 0 && got == 0xd;
    }
    uint32_t us = (uint32_t)((v_time_ns() - t0) / 50 / 1000);
    struct v_msg extra;
    int more = v_get_reply(&extra, 300, 0);
    CHECK("group_send_reaches_members_on_three_nodes",
          ok == 50 && !bad && !dups && more == V_ETIMEOUT,
          "%u of 50 rounds had all 3 replies (last 0x%x), %d wrong, %u duplicates, then %d",
          ok, got, bad, dups, more);
    printf("  group Send + GetReply of 3 replies (1 local, 2 remote): %u us each\n", us);
    int e2 = ct_net_stats(&b);
    uint32_t sends = b.group_sends - a.group_sends, mc = b.group_mcasts - a.group_mcasts;
    CHECK("group_send_one_multicast_each", !e1 && !e2 && sends == 50 && mc >= 50 && mc <= 60,
          "stats %d/%d: %u group Sends, %u handed to net/ (want 50, and 50..60 with events)",
          e1, e2, sends, mc);

    uint32_t execs[2];
    groups_stats(0, execs);
    CHECK("group_members_execute_each_request_once", execs[0] == 50 && execs[1] == 50,
          "node 2 ran %u, node 3 ran %u of 50", execs[0], execs[1]);
}

/* Node 3 leaves: only node 1's and node 2's members answer; then it joins again. */
static void groups_leave_and_join(v_pid_t local)
{
    uint32_t got = 0, dups = 0;
    struct v_msg j = { .code = CT_JOIN, .w = { 0 } };
    int err = v_send(&j, ct_s3);
    int b = group_round(local, 100, &got, &dups, 0x5);
    CHECK("group_leave_on_another_node", !err && !j.code && b == 0 && got == 0x5,
          "leave %d/%d, round %d, repliers 0x%x", err, j.code, b, got);
    j = (struct v_msg){ .code = CT_JOIN, .w = { 1 } };
    err = v_send(&j, ct_s3);
    b = group_round(local, 101, &got, &dups, 0xd);
    CHECK("group_join_on_another_node", !err && !j.code && b == 0 && got == 0xd,
          "join %d/%d, round %d, repliers 0x%x", err, j.code, b, got);
}

/* Node 3 leaves and joins 10 times while we keep sending: every Send completes, no
 * reply is wrong or twice, node 3 answers only some of them. */
static void groups_churn(v_pid_t local)
{
    uint32_t got = 0, dups = 0, rounds = 0, with3 = 0;
    int bad = 0;
    toggles_done = 0;
    v_thread_start(toggler, 0, 4, 4096, 0);
    uint64_t tstart = v_time_ns();
    while (!toggles_done && v_time_ns() - tstart < 5000000000ull) {
        int b2 = group_round(local, 200 + rounds, &got, &dups, 0x5);
        bad += b2 < 0 ? 1 : b2;
        bad += (got & 0x5) != 0x5;
        with3 += (got >> 3) & 1;
        rounds++;
    }
    CHECK("group_join_and_leave_while_sending", toggles_done == 1 && rounds > 0 && !bad && !dups,
          "%u rounds (toggler %d: error %d at step %d), %d bad, %u duplicates, node 3 in %u",
          rounds, toggles_done, toggle_err, toggle_at, bad, dups, with3);
    printf("  %u group Sends while node 3 left and joined 10 times; node 3 answered %u\n",
           rounds, with3);
}

/* Without reply: the Send returns at once, every member still gets it. */
static void groups_no_reply(void)
{
    struct v_msg m = { .code = CT_GECHO, .flags = V_MSG_NO_REPLY };
    int err = v_send(&m, CT_GROUP);
    v_delay(300);
    uint32_t nr[2];
    groups_stats(1, nr);
    CHECK("group_send_without_reply_reaches_remote_members", !err && nr[0] == 1 && nr[1] == 1,
          "err %d, node 2 saw %u, node 3 saw %u", err, nr[0], nr[1]);
}

/* Every node's kernel server answers the well-known group. */
static void groups_kernel_servers(void)
{
    struct v_msg m = { .code = KS_NODE_INFO };
    v_pid_t from;
    uint32_t nodes = 0;
    int err = v_send_r(&m, V_GROUP_KERNEL_SERVERS, &from);
    while (!err) {
        if (!m.code && from == v_pid_make(v_lhost_make(m.w[0], 0), V_LOCAL_KERNEL_SERVER))
            nodes |= 1u << m.w[0];
        err = v_get_reply(&m, 2000, &from);
    }
    CHECK("group_kernel_servers_every_node_answers", nodes == 0xe, "nodes answering 0x%x", nodes);
}

/* A group nobody joined, anywhere: an error in bounded time, not a hang. */
static void groups_without_members(void)
{
    struct v_msg m = { .code = CT_GECHO };
    uint64_t t0 = v_time_ns();
    int err = v_send(&m, V_PID_GROUP_BIT | v_pid_make(v_lhost_make(1, 0), 99));
    uint32_t ms = (uint32_t)((v_time_ns() - t0) / 1000000);
    CHECK("group_without_members_times_out", err == V_ETIMEOUT && ms < 3000,
          "err %d after %u ms", err, ms);
}

/* The group tests, in order (client.h); node 1's local member ends with them. */
void ct_test_groups(void)
{
    v_pid_t local = groups_start_local();
    groups_every_member_answers(local);
    groups_leave_and_join(local);
    groups_churn(local);
    groups_no_reply();
    groups_kernel_servers();
    groups_without_members();
    v_ks_destroy(local);
}
