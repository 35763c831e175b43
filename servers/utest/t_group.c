/* t_group.c - process groups on one node (docs/GROUPS.md): JoinGroup, LeaveGroup, group
 * Send to local members, GetReply, Send without reply, declining, dying members, the
 * kernel-server group, and every error. The node has no network in these tests, so a
 * group Send reaches local members only. */
#include "utest.h"
#include <string.h>
#include <v/group.h>
#include <v/ksrv.h>

static uint32_t serial = 0x100;
static void grant(struct v_msg *m, const void *p, uint32_t len, uint32_t access)
{
    m->flags = (uint16_t)((m->flags & ~V_MSG_SEG_MASK) | access);
    m->seg_ptr = (uint32_t)p;
    m->seg_len = len;
}
static v_pid_t new_group(void) { return v_group_make(v_pid_lhost(v_my_pid()), ++serial); }

/* A member thread: joins the group in gm_group, counts itself ready, answers gm_rounds
 * requests: w0 = its index, w1 = the request's w0 + 1, w2 = bytes of the segment it
 * received; index 9 declines (replies with V_MSG_NO_REPLY). */
static volatile v_pid_t gm_group;
static volatile int gm_ready, gm_rounds, gm_seen_noreply, gm_reply_status;
static volatile char gm_seg[32];
static void member_thread(uint32_t index)
{
    if (v_join_group(gm_group, 0) != V_OK)
        return;
    gm_ready++;
    for (int r = 0; r < gm_rounds; r++) {
        struct v_msg m;
        v_pid_t from;
        char buf[32];
        uint32_t len = sizeof(buf) - 1;
        if (v_receive_with_segment(&m, 0, &from, buf, &len))
            return;
        buf[len] = 0;
        if (len)
            memcpy((char *)gm_seg, buf, len + 1);
        if (m.flags & V_MSG_NO_REPLY)
            gm_seen_noreply++;
        uint32_t w0 = m.w[0];
        m = (struct v_msg){ .code = V_OK, .w = { index, w0 + 1, len } };
        if (index == 9)
            m.flags = V_MSG_NO_REPLY;
        gm_reply_status = v_reply(&m, from);
    }
}

static int start_members(v_pid_t g, int n, int rounds, v_pid_t *pids, uint32_t first)
{
    gm_group = g;
    gm_ready = 0;
    gm_rounds = rounds;
    for (int i = 0; i < n; i++)
        if (!(pids[i] = ut_thread(member_thread, first + (uint32_t)i)))
            return 0;
    for (int t = 0; gm_ready < n && t < 200; t++)
        v_delay(10);
    return gm_ready == n;
}

/* Wait (up to 2 s) until the n members in pids have ended, so that their
 * V_EV_PROCESS_DIED events (delivered to the name handler and the RAM store) fall
 * in no later test's counting window. */
static void members_ended(const v_pid_t *pids, int n)
{
    struct v_proc_info pi;
    for (int i = 0; i < n; i++)
        for (int t = 0; t < 200; t++) {
            if (v_ks_process_info(v_kernel_server(), pids[i], &pi) || pi.state == V_PS_DEAD)
                break;
            v_delay(10);
        }
}

static volatile int gr_result;
static void fresh_get_reply(uint32_t unused)
{
    (void)unused;
    struct v_msg m;
    gr_result = v_get_reply(&m, 10, 0);
}

UTEST(group_join_leave_errors)
{
    v_pid_t g = new_group();
    CHECK_EQ(v_join_group(v_my_pid(), 0), V_EINVAL);               /* not a group */
    CHECK_EQ(v_join_group(V_PID_GROUP_BIT | 0x00800000u, 0), V_EINVAL); /* local part 0 */
    CHECK_EQ(v_join_group(V_GROUP_KERNEL_SERVERS, 0), V_EINVAL);   /* implicit */
    CHECK_EQ(v_join_group(g, g), V_EINVAL);                         /* a group as member */
    CHECK_EQ(v_join_group(g, v_my_pid() + 0x40), V_ENOPROC);        /* no such process */
    CHECK_EQ(v_join_group(g, v_kernel_server()), V_ENOPROC);        /* a pseudo-process */
    CHECK_EQ(v_leave_group(g, 0), V_ENOTFOUND);
    CHECK_EQ(v_leave_group(V_GROUP_KERNEL_SERVERS, 0), V_EINVAL);  /* implicit, as join */
    CHECK_EQ(v_join_group(g, 0), V_OK);
    CHECK_EQ(v_join_group(g, 0), V_OK);                             /* twice: harmless */
    CHECK_EQ(v_leave_group(g, 0), V_OK);
    CHECK_EQ(v_leave_group(g, 0), V_ENOTFOUND);
    gr_result = 1;
    CHECK(ut_thread(fresh_get_reply, 0));
    for (int t = 0; gr_result == 1 && t < 100; t++)
        v_delay(10);
    CHECK_EQ(gr_result, V_EINVAL);                    /* it never made a group Send */
}

UTEST(group_send_three_members_get_reply)
{
    v_pid_t g = new_group(), pids[3];
    CHECK(start_members(g, 3, 1, pids, 1));
    const char seg[] = "hello group";
    struct v_msg m = { .code = 0x42, .w = { 41 } };
    grant(&m, seg, sizeof(seg) - 1, V_MSG_SEG_READ);
    v_pid_t from = 0;
    uint32_t got = 0;
    CHECK_EQ(v_send_r(&m, g, &from), V_OK);
    CHECK_EQ(m.code, V_OK);
    CHECK_EQ(m.w[1], 42);
    CHECK_EQ(m.w[2], sizeof(seg) - 1);
    CHECK(m.w[0] >= 1 && m.w[0] <= 3);
    CHECK_EQ(from, pids[m.w[0] - 1]);
    got |= 1u << m.w[0];
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(v_get_reply(&m, 1000, &from), V_OK);
        CHECK(m.w[0] >= 1 && m.w[0] <= 3);
        CHECK_EQ(from, pids[m.w[0] - 1]);
        CHECK_EQ(m.w[1], 42);
        got |= 1u << m.w[0];
    }
    CHECK_EQ(got, 0xe);                                            /* each member once */
    CHECK(!strcmp((const char *)gm_seg, "hello group"));
    uint64_t t0 = v_time_ns();
    CHECK_EQ(v_get_reply(&m, 200, &from), V_ETIMEOUT);
    uint64_t ms = (v_time_ns() - t0) / 1000000u;
    CHECK(ms >= 150 && ms < 1000);
    CHECK_EQ(v_get_reply(&m, 0, &from), V_ETIMEOUT);               /* no wait at all */
    CHECK_EQ(v_get_reply((struct v_msg *)8, 10, &from), V_EBADADDR);
}

UTEST(group_send_no_members_times_out)
{
    struct v_msg m = { .code = 1 };
    uint64_t t0 = v_time_ns();
    CHECK_EQ(v_send(&m, new_group()), V_ETIMEOUT);
    uint64_t ms = (v_time_ns() - t0) / 1000000u;
    CHECK(ms >= V_GROUP_TIMEOUT_MS - 50 && ms < V_GROUP_TIMEOUT_MS + 1000);
    CHECK_EQ(v_get_reply(&m, 10, 0), V_ETIMEOUT);                  /* window closed */
}

UTEST(group_send_without_reply)
{
    v_pid_t g = new_group(), pids[2];
    CHECK(start_members(g, 2, 1, pids, 1));
    gm_seen_noreply = 0;
    gm_reply_status = 1;
    struct v_msg m = { .code = 0x43, .flags = V_MSG_NO_REPLY, .w = { 5 } };
    uint64_t t0 = v_time_ns();
    CHECK_EQ(v_send(&m, g), V_OK);
    CHECK((v_time_ns() - t0) / 1000000u < 100);                    /* did not wait */
    CHECK_EQ(m.code, 0x43);                                        /* unchanged */
    CHECK_EQ(m.w[0], 5);
    for (int t = 0; gm_seen_noreply < 2 && t < 100; t++)
        v_delay(10);
    CHECK_EQ(gm_seen_noreply, 2);
    CHECK_EQ(gm_reply_status, V_ENOTAWAITING);                     /* nothing to reply to */
    CHECK_EQ(v_get_reply(&m, 10, 0), V_ETIMEOUT);                  /* nothing to take */
    /* and a segment cannot go with it: nobody waits, so the grant would not last */
    char seg[4];
    grant(&m, seg, sizeof(seg), V_MSG_SEG_READ);
    CHECK_EQ(v_send(&m, g), V_EINVAL);
}

UTEST(group_send_checks_grants)
{
    v_pid_t g = new_group(), pids[1];
    CHECK(start_members(g, 1, 1, pids, 1));
    char buf[8];
    struct v_msg m = { .code = 1 };
    grant(&m, buf, sizeof(buf), V_MSG_SEG_WRITE);
    CHECK_EQ(v_send(&m, g), V_EINVAL);                             /* no WRITE to a group */
    m = (struct v_msg){ .code = 1 };
    CHECK_EQ(v_send(&m, g), V_OK);                                 /* the member is still there */
    CHECK_EQ(m.w[0], 1);
}

UTEST(group_member_declines)
{
    v_pid_t g = new_group(), pids[2];
    CHECK(start_members(g, 1, 1, pids, 9));                         /* declines */
    CHECK(start_members(g, 1, 1, pids + 1, 2));
    struct v_msg m = { .code = 1, .w = { 7 } };
    v_pid_t from;
    CHECK_EQ(v_send_r(&m, g, &from), V_OK);
    CHECK_EQ(from, pids[1]);
    CHECK_EQ(m.w[0], 2);
    CHECK_EQ(v_get_reply(&m, 300, &from), V_ETIMEOUT);             /* the decliner: nothing */
    /* a group whose only member declines fails like an empty one */
    v_pid_t g2 = new_group(), p2;
    CHECK(start_members(g2, 1, 1, &p2, 9));
    m = (struct v_msg){ .code = 1 };
    CHECK_EQ(v_send(&m, g2), V_ETIMEOUT);
}

/* A member that never receives: it is killed while our message is queued on it. */
static volatile int sleeper_ready;
static void sleeper_thread(uint32_t g)
{
    if (v_join_group(g, 0) == V_OK)
        sleeper_ready = 1;
    v_delay(60000);
}

UTEST(group_member_dies_while_queued)
{
    v_pid_t g = new_group(), pids[1];
    sleeper_ready = 0;
    v_pid_t sleeper = ut_thread(sleeper_thread, g);
    CHECK(sleeper);
    ut_wait_flag(&sleeper_ready, 2000);
    CHECK(sleeper_ready);
    CHECK(start_members(g, 1, 1, pids, 3));
    struct v_msg m = { .code = 1 };
    v_pid_t from;
    CHECK_EQ(v_send_r(&m, g, &from), V_OK);                        /* the live one answers */
    CHECK_EQ(from, pids[0]);
    CHECK_EQ(v_ks_destroy(sleeper), V_OK);                         /* its proxy is dropped */
    CHECK_EQ(v_get_reply(&m, 300, &from), V_ETIMEOUT);
    CHECK_EQ(v_leave_group(g, sleeper), V_ENOTFOUND);              /* gone with it */
    /* the proxies were freed: a process list shows no record left with our pid but ours */
    struct v_proc_info info[64];
    uint32_t total = 0, n = 0;
    CHECK_EQ(v_ks_process_list(v_kernel_server(), info, 64, &total, &n), V_OK);
    int mine = 0;
    for (uint32_t i = 0; i < n; i++)
        mine += info[i].pid == v_my_pid();
    CHECK_EQ(mine, 1);
}

UTEST(group_kernel_servers)
{
    struct v_msg m = { .code = KS_NODE_INFO };
    v_pid_t from;
    CHECK_EQ(v_send_r(&m, V_GROUP_KERNEL_SERVERS, &from), V_OK);
    CHECK_EQ(from, v_kernel_server());
    CHECK_EQ(m.code, V_OK);
    CHECK_EQ(m.w[1], v_pid_lhost(v_my_pid()) & ~0x7fu);            /* the node's logical host */
    /* only read-only requests are answered: a halt to every kernel is declined */
    m = (struct v_msg){ .code = KS_HALT, .w = { 3 } };
    CHECK_EQ(v_send(&m, V_GROUP_KERNEL_SERVERS), V_ETIMEOUT);
}

/* Forwarding a group request elsewhere than a local process, and moves, are refused. */
static volatile int fw_result = 1, mv_result = 1;
static void refuser_thread(uint32_t g)
{
    if (v_join_group(g, 0) != V_OK)
        return;
    gm_ready++;
    struct v_msg m;
    v_pid_t from;
    char buf[4];
    if (v_receive(&m, &from))
        return;
    mv_result = v_move_from(from, buf, m.seg_ptr, 4);
    fw_result = v_forward(&m, from, v_kernel_server());
    m.code = V_OK;
    m.w[0] = 77;
    v_reply(&m, from);
}

UTEST(group_refuses_moves_and_remote_forward)
{
    v_pid_t g = new_group();
    gm_ready = 0;
    CHECK(ut_thread(refuser_thread, g));
    for (int t = 0; !gm_ready && t < 200; t++)
        v_delay(10);
    char seg[4] = "abc";
    struct v_msg m = { .code = 1 };
    grant(&m, seg, sizeof(seg), V_MSG_SEG_READ);
    CHECK_EQ(v_send(&m, g), V_OK);
    CHECK_EQ(m.w[0], 77);
    CHECK_EQ(mv_result, V_ENOACCESS);
    CHECK_EQ(fw_result, V_ENOACCESS);
}

/* Kernel events: a listener joined to V_GROUP_EV_PROCESS_DIED hears of each death. */
static volatile int ev_ready, ev_count, ev_stop;
static struct v_msg ev_log[32];
static v_pid_t ev_from[32];
static void event_listener(uint32_t unused)
{
    (void)unused;
    if (v_join_group(V_GROUP_EV_PROCESS_DIED, 0) != V_OK)
        return;
    ev_ready = 1;
    while (!ev_stop && ev_count < 32) {
        struct v_msg m;
        v_pid_t from;
        if (v_receive(&m, &from))
            return;
        ev_from[ev_count] = from;
        ev_log[ev_count++] = m;
    }
}

/* The index of the logged death of pid, waiting up to 2 s; -1 if none. */
static int ev_find(v_pid_t pid)
{
    for (int t = 0; t < 200; t++, v_delay(10))
        for (int i = 0; i < ev_count; i++)
            if (ev_log[i].code == V_EV_PROCESS_DIED && ev_log[i].w[0] == pid)
                return i;
    return -1;
}

static void short_thread(uint32_t unused) { (void)unused; }
static void long_thread(uint32_t unused) { (void)unused; v_delay(60000); }

UTEST(group_event_process_died)
{
    ev_ready = ev_count = ev_stop = 0;
    v_pid_t l = ut_thread(event_listener, 0);
    CHECK(l);
    ut_wait_flag(&ev_ready, 2000);
    CHECK(ev_ready);
    v_pid_t a = ut_thread(short_thread, 0);          /* ends by itself */
    int i = ev_find(a);
    CHECK(i >= 0);
    CHECK_EQ(ev_log[i].w[1], v_my_pid());            /* its team: ours */
    CHECK_EQ(ev_log[i].w[3], V_OK);
    CHECK(ev_log[i].flags & V_MSG_NO_REPLY);
    CHECK_EQ(ev_from[i], v_kernel_server());         /* the kernel tells */
    v_pid_t b = ut_thread(long_thread, 0);
    CHECK(b);
    CHECK_EQ(v_ks_destroy(b), V_OK);                  /* destroyed by someone else */
    i = ev_find(b);
    CHECK(i >= 0);
    CHECK_EQ(ev_log[i].w[3], V_EDESTROYED);
    ev_stop = 1;
    v_ks_destroy(l);
}

/* A kernel event's sender is the kernel server: Receive from that pid takes it, as
 * Receive from anyone does (issue 12: it was V_ENOPROC, and the event held its process
 * slot until a Receive from anyone came). With none queued it is V_ENOPROC. */
UTEST(receive_from_the_kernel_server_takes_its_event)
{
    struct v_msg m;
    v_pid_t ks = v_kernel_server();
    CHECK_EQ(v_join_group(V_GROUP_EV_PROCESS_DIED, 0), V_OK);
    v_pid_t a = ut_thread(short_thread, 0);          /* ends by itself */
    CHECK(a);
    v_delay(50);                                     /* events go out on the next tick */
    int found = 0, rc;
    CHECK_EQ(v_leave_group(V_GROUP_EV_PROCESS_DIED, 0), V_OK);
    while ((rc = v_receive_from(&m, ks)) == V_OK)    /* ours, and any other death's */
        found |= m.code == V_EV_PROCESS_DIED && m.w[0] == a;
    CHECK_EQ(rc, V_ENOPROC);
    CHECK(found);
}

UTEST(group_create_and_list)
{
    struct v_msg m = { .code = KS_CREATE_GROUP };
    CHECK_EQ(v_send(&m, v_kernel_server()), V_OK);
    CHECK_EQ(m.code, V_OK);
    v_pid_t g1 = m.w[0];
    m = (struct v_msg){ .code = KS_CREATE_GROUP };
    CHECK_EQ(v_send(&m, v_kernel_server()), V_OK);
    v_pid_t g2 = m.w[0];
    CHECK(v_group_is(g1) && v_group_is(g2) && g1 != g2);
    CHECK_EQ(v_group_creator(g1), v_pid_lhost(v_kernel_server()));
    CHECK_EQ(v_join_group(g2, 0), V_OK);
    static struct v_group_info recs[64];
    m = (struct v_msg){ .code = KS_GROUP_LIST, .flags = V_MSG_SEG_WRITE,
                        .seg_ptr = (uint32_t)recs, .seg_len = sizeof(recs) };
    CHECK_EQ(v_send(&m, v_kernel_server()), V_OK);
    CHECK_EQ(m.code, V_OK);
    int found = 0;
    for (uint32_t i = 0; i < m.w[1]; i++)
        found += recs[i].group == g2 && recs[i].member == v_my_pid();
    CHECK_EQ(found, 1);
    CHECK_EQ(v_leave_group(g2, 0), V_OK);
}

/* Process slots in use on this node, aliens and proxies included (KS_LIMITS w0). */
static uint32_t slots_used(void)
{
    struct v_msg m = { .code = KS_LIMITS };
    return v_call(v_kernel_server(), &m) == V_OK ? m.w[0] : 0;
}

static int group_stats_now(struct v_net_stats *st);

/* A member that never receives holds at most TEAM_PROXIES (16: a quarter of the process
 * table) of our group messages, each a proxy in a process slot; the rest are dropped
 * and counted (group_overflow), and its death frees them. (Before, every message took
 * a slot until the table was full.) */
UTEST(a_member_that_never_receives_holds_at_most_16_messages)
{
    v_pid_t g = new_group();
    struct v_net_stats a, b;
    sleeper_ready = 0;
    v_pid_t sleeper = ut_thread(sleeper_thread, g);
    CHECK(sleeper);
    ut_wait_flag(&sleeper_ready, 2000);
    CHECK(sleeper_ready);
    uint32_t before = slots_used();
    CHECK_EQ(group_stats_now(&a), V_OK);
    for (uint32_t i = 0; i < 40; i++) {
        struct v_msg m = { .code = 0x44, .flags = V_MSG_NO_REPLY, .w = { i } };
        CHECK_EQ(v_send(&m, g), V_OK);
    }
    CHECK_EQ(group_stats_now(&b), V_OK);
    CHECK_EQ(slots_used() - before, 16);
    CHECK_EQ(b.group_delivered - a.group_delivered, 16);
    CHECK_EQ(b.group_overflow - a.group_overflow, 24);
    CHECK_EQ(v_ks_destroy(sleeper), V_OK);
    CHECK_EQ(slots_used(), before - 1);              /* its proxies went with it */
}

/* This node's group counters (KS_NET_STATS). */
static int group_stats_now(struct v_net_stats *st)
{
    memset(st, 0, sizeof(*st));
    struct v_msg m = { .code = KS_NET_STATS };
    grant(&m, st, sizeof(*st), V_MSG_SEG_WRITE);
    int err = v_send(&m, v_kernel_server());
    return err ? err : v_msg_reply_code(&m);
}

/* Group Sends whose members are all on this node (3 members, the kernel servers'
 * group, one without reply) are the kernel's alone: its counters move, net/'s never do
 * (no multicast REQUEST is made, no packet goes out). The members take a third message
 * only after the counters are read, and the window opens when earlier deaths' events
 * are delivered: a V_EV_PROCESS_DIED in it would count once for every member of that
 * group (the name handler, the RAM store). */
UTEST(group_send_local_members_stays_out_of_net)
{
    v_pid_t g = new_group(), pids[3];
    struct v_net_stats a, b;
    CHECK_EQ(group_stats_now(&a), V_OK);
    for (int t = 0; t < 50; t++) {                    /* earlier deaths' events settle */
        v_delay(20);
        CHECK_EQ(group_stats_now(&b), V_OK);
        if (b.group_delivered == a.group_delivered)
            break;
        a = b;
    }
    CHECK(start_members(g, 3, 3, pids, 1));
    struct v_msg m = { .code = 0x42, .w = { 7 } };
    v_pid_t from;
    CHECK_EQ(v_send_r(&m, g, &from), V_OK);
    CHECK_EQ(m.w[1], 8);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(v_get_reply(&m, 1000, &from), V_OK);
    m = (struct v_msg){ .code = KS_NODE_INFO };
    CHECK_EQ(v_send_r(&m, V_GROUP_KERNEL_SERVERS, &from), V_OK);
    CHECK_EQ(from, v_kernel_server());
    m = (struct v_msg){ .code = 0x43, .flags = V_MSG_NO_REPLY };
    CHECK_EQ(v_send(&m, g), V_OK);
    CHECK_EQ(group_stats_now(&b), V_OK);
    m = (struct v_msg){ .code = 0x44, .flags = V_MSG_NO_REPLY };
    CHECK_EQ(v_send(&m, g), V_OK);                    /* the members may end now */
    members_ended(pids, 3);
    CHECK_EQ(b.group_sends - a.group_sends, 3);       /* the kernel's counters moved */
    CHECK_EQ(b.group_delivered - a.group_delivered, 6);
    CHECK_EQ(b.group_replies - a.group_replies, 4);
    CHECK_EQ(b.group_mcasts, 0);                      /* net/'s did not */
    CHECK_EQ(b.tx, 0);
    CHECK_EQ(b.aliens, 0);
}

/* A group Send that fails its checks changes nothing: the previous Send's window stays
 * open and its replies can still be had. */
UTEST(group_send_error_keeps_previous_window)
{
    v_pid_t g = new_group(), pids[2];
    CHECK(start_members(g, 2, 1, pids, 1));
    struct v_msg m = { .code = 0x42, .w = { 1 } };
    v_pid_t from;
    CHECK_EQ(v_send_r(&m, g, &from), V_OK);
    m = (struct v_msg){ .code = 0x42 };
    grant(&m, (void *)0x7ffff000u, 8, V_MSG_SEG_READ);  /* unmapped: V_EBADADDR */
    CHECK_EQ(v_send(&m, g), V_EBADADDR);
    CHECK_EQ(v_get_reply(&m, 1000, &from), V_OK);   /* the second member's reply */
    CHECK_EQ(m.w[1], 2);
    members_ended(pids, 2);
}
