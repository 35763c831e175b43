/* t_ks.c - the kernel server, logical pids, the clock and Delay, as a program sees them. */
#include "utest.h"
#include <string.h>
#include <v/group.h>
#include <v/syscall.h>

UTEST(kernel_server_describes_the_caller)
{
    struct v_msg m = { .code = KS_PROCESS_INFO, .w = { v_my_pid() } };
    CHECK_EQ(v_send(&m, v_kernel_server()), V_OK);
    CHECK_EQ(v_msg_reply_code(&m), V_OK);
    CHECK_EQ(m.w[0], V_PS_RUNNING);
    CHECK_EQ(m.w[2], v_my_pid());                 /* we are our team's root */
    static struct v_proc_info recs[64];
    uint32_t total = 0, written = 0;
    CHECK_EQ(v_ks_process_list(v_kernel_server(), recs, 64, &total, &written), V_OK);
    CHECK(written >= 3 && written == total);
    int found_pm = 0, found_me = 0;
    for (uint32_t i = 0; i < written; i++) {
        found_me |= recs[i].pid == v_my_pid() && !strcmp(recs[i].name, "utest");
        found_pm |= !strcmp(recs[i].name, "pm");
    }
    CHECK(found_me && found_pm);
    /* A table that does not fit is cut, and the total says so. */
    CHECK_EQ(v_ks_process_list(v_kernel_server(), recs, 1, &total, &written), V_OK);
    CHECK_EQ(written, 1);
    CHECK(total >= 3);
}

UTEST(memory_stats_track_team_growth)
{
    struct v_msg m = { .code = KS_MEMORY_STATS };
    CHECK_EQ(v_send(&m, v_kernel_server()), V_OK);
    uint32_t free_before = m.w[1], pagesize = m.w[2];
    CHECK_EQ(pagesize, 4096);
    CHECK(m.w[0] > free_before && free_before > 0);
    struct v_proc_info me;
    CHECK_EQ(v_ks_process_info(v_kernel_server(), v_my_pid(), &me), V_OK);
    uint32_t size = me.team_size, newsize = 0;
    CHECK_EQ(v_ks_set_team_size(v_my_pid(), size + 16 * 4096, &newsize), V_OK);
    CHECK_EQ(newsize, size + 16 * 4096);
    volatile uint32_t *p = (uint32_t *)(0x40000000u + size + 15 * 4096);
    *p = 0xfeedface;                               /* the new memory is ours */
    CHECK_EQ(*p, 0xfeedface);
    struct v_msg n = { .code = KS_MEMORY_STATS };
    CHECK_EQ(v_send(&n, v_kernel_server()), V_OK);
    CHECK_EQ(free_before - n.w[1], 16);
    CHECK_EQ(v_ks_set_team_size(v_my_pid(), size, &newsize), V_OK);
    CHECK_EQ(v_ks_set_team_size(v_my_pid(), 0x80000000u, &newsize), V_EINVAL);
}

/* A grow that runs out of memory changes nothing: no page, and no page table, stays
 * taken (issue 12, defect 6: 29 page-table pages did). */
UTEST(failed_grow_gives_every_page_back)
{
    struct v_proc_info me;
    CHECK_EQ(v_ks_process_info(v_kernel_server(), v_my_pid(), &me), V_OK);
    struct v_msg m = { .code = KS_MEMORY_STATS };
    CHECK_EQ(v_send(&m, v_kernel_server()), V_OK);
    uint32_t newsize = 0;
    CHECK_EQ(v_ks_set_team_size(v_my_pid(), 0x3ff00000u, &newsize), V_ENOMEM);
    struct v_msg n = { .code = KS_MEMORY_STATS };
    CHECK_EQ(v_send(&n, v_kernel_server()), V_OK);
    CHECK_EQ(n.w[1], m.w[1]);                      /* free pages: as before */
    CHECK_EQ(n.w[3], m.w[3]);                      /* team pages in use: as before */
    CHECK_EQ(v_ks_set_team_size(v_my_pid(), me.team_size + 4096, &newsize), V_OK);
    CHECK_EQ(v_ks_set_team_size(v_my_pid(), me.team_size, &newsize), V_OK);
}

UTEST(clock_delay_and_time_of_day)
{
    uint64_t t0 = v_time_ns();
    CHECK_EQ(v_delay(50), V_OK);
    uint64_t t1 = v_time_ns();
    CHECK(t1 - t0 >= 50000000ull);
    CHECK(t1 - t0 < 5000000000ull);
    struct v_msg s = { .code = KS_SET_TIME, .w = { 1000000000u, 0 } };
    CHECK_EQ(v_send(&s, v_kernel_server()), V_OK);
    struct v_msg g = { .code = KS_GET_TIME };
    CHECK_EQ(v_send(&g, v_kernel_server()), V_OK);
    CHECK(g.w[2] >= 1000000000u && g.w[2] <= 1000000002u);
    uint64_t mono = ((uint64_t)g.w[1] << 32) | g.w[0];
    CHECK(mono >= t1);
}

UTEST(logical_pids_register_and_expire)
{
    v_pid_t pid = 0;
    CHECK_EQ(v_get_pid(V_LOGICAL_KERNEL_SERVER, &pid), V_OK);
    CHECK_EQ(pid, v_kernel_server());
    CHECK_EQ(v_get_pid(V_LOGICAL_PM, &pid), V_OK);
    CHECK(pid != 0);
    CHECK_EQ(v_set_pid(V_LOGICAL_NAME, v_my_pid()), V_OK);
    CHECK_EQ(v_get_pid(V_LOGICAL_NAME, &pid), V_OK);
    CHECK_EQ(pid, v_my_pid());
    CHECK_EQ(v_set_pid(V_LOGICAL_NAME, 0), V_OK);
    CHECK_EQ(v_get_pid(V_LOGICAL_NAME, &pid), V_ENOTFOUND);
    CHECK_EQ(v_set_pid(V_LOGICAL_KERNEL_SERVER, v_my_pid()), V_EINVAL);
    CHECK_EQ(v_set_pid(99, v_my_pid()), V_EINVAL);
    CHECK_EQ(v_set_pid(V_LOGICAL_NAME, v_my_pid() + 0x0100), V_ENOPROC);
    CHECK_EQ(v_get_pid(99, &pid), V_EINVAL);
}

UTEST(kernel_server_refuses_bad_requests)
{
    struct v_msg m = { .code = KS_DESTROY, .w = { v_kernel_server() } };
    CHECK_EQ(v_send(&m, v_kernel_server()), V_OK);
    CHECK_EQ(v_msg_reply_code(&m), V_EPERM);
    struct v_msg c = { .code = KS_CREATE_TEAM, .w = { 0x1000, 0x2000, 4, 4096 } };
    CHECK_EQ(v_send(&c, v_kernel_server()), V_OK);
    CHECK_EQ(v_msg_reply_code(&c), V_EINVAL);     /* entry outside the team */
    struct v_msg r = { .code = KS_MODULE_INFO, .w = { 999 } };
    CHECK_EQ(v_send(&r, v_kernel_server()), V_OK);
    CHECK_EQ(v_msg_reply_code(&r), V_ENOTFOUND);
    struct v_msg p = { .code = KS_SET_PRIORITY, .w = { v_my_pid(), 99 } };
    CHECK_EQ(v_send(&p, v_kernel_server()), V_OK);
    CHECK_EQ(v_msg_reply_code(&p), V_EINVAL);
}

static volatile int thread_ran;
static void short_thread(uint32_t arg) { thread_ran = (int)arg; }

UTEST(destroying_a_team_ends_its_threads)
{
    thread_ran = 0;
    CHECK(ut_thread(short_thread, 77));
    ut_wait_flag(&thread_ran, 1000);
    CHECK_EQ(thread_ran, 77);
    v_pid_t peer = ut_spawn("peer");
    CHECK(peer);
    struct v_msg m = { .code = PEER_ECHO };
    CHECK_EQ(v_send(&m, peer), V_OK);
    CHECK_EQ(v_ks_destroy(peer), V_OK);
    CHECK_EQ(v_send(&m, peer), V_ENOPROC);
    struct v_proc_info info;
    CHECK(v_ks_process_info(v_kernel_server(), peer, &info) != V_OK);
}

/* This node's tables and shares (KS_LIMITS). */
static int limits(struct v_limits *l)
{
    struct v_msg q = { .code = KS_LIMITS };
    v_msg_grant(&q, V_MSG_SEG_WRITE, l, sizeof(*l));
    int err = v_send(&q, v_kernel_server());
    return err ? err : v_msg_reply_code(&q);
}

/* Processes of this team now. */
static uint32_t my_team_procs(void)
{
    static struct v_proc_info recs[64];
    uint32_t total = 0, got = 0, n = 0;
    if (v_ks_process_list(v_kernel_server(), recs, 64, &total, &got))
        return 0;
    for (uint32_t i = 0; i < got; i++)
        n += recs[i].team == v_my_pid();
    return n;
}

static volatile int share_hold;
static void share_holder(uint32_t unused)
{
    (void)unused;
    for (int t = 0; share_hold && t < 3000; t++)
        v_delay(10);
}

/* One team holds at most its share of each node table (issue 12, defect 9): of the
 * process table, of the teams it creates, of the group memberships; the rest stay for
 * others, and KS_LIMITS says so. */
UTEST(one_team_holds_at_most_its_share)
{
    struct v_limits l;
    CHECK_EQ(limits(&l), V_OK);
    CHECK(l.procs == 64 && l.team_procs == 32 && l.teams == 32 && l.team_teams == 16 &&
          l.groups == 64 && l.team_groups == 32 && l.node_aliens == 32 && l.team_proxies == 16);
    share_hold = 1;
    v_pid_t t = 0;
    int n = 0, err = V_OK;
    while (n < 64 && (err = v_thread_start(share_holder, 0, 4, 1024, &t)) == V_OK)
        n++;
    uint32_t procs = my_team_procs();
    share_hold = 0;
    CHECK_EQ(err, V_ENOMEM);
    CHECK_EQ(procs, l.team_procs);
    v_pid_t teams[32];
    int k = 0;
    while (k < 32 && (err = v_ks_create_team(V_USER_BASE, V_USER_BASE + 4096, 7, 4096, &teams[k])) == V_OK)
        k++;
    struct v_limits mid;
    CHECK_EQ(limits(&mid), V_OK);
    for (int i = 0; i < k; i++)
        v_ks_destroy(teams[i]);
    CHECK_EQ(err, V_ENOMEM);
    CHECK_EQ(k, (int)l.team_teams);
    CHECK(mid.teams_used < mid.teams);              /* room left for everyone else */
    uint32_t serial = 0x7000;
    int j = 0;
    while (j < 64 && (err = v_join_group(v_group_make(v_pid_lhost(v_my_pid()), serial + (uint32_t)j), 0)) == V_OK)
        j++;
    for (int i = 0; i < j; i++)
        v_leave_group(v_group_make(v_pid_lhost(v_my_pid()), serial + (uint32_t)i), 0);
    CHECK_EQ(err, V_ENOMEM);
    CHECK(j <= (int)l.team_groups && j > 0);
    v_delay(100);                                   /* the holders notice and end */
}
