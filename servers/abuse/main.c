/*
 * abuse - random system calls with hostile arguments, from ring 3, and then the checks
 * that the node is none the worse: what it holds is back where it was, and its servers
 * answer, here and across the network. docs/TESTING.md, "The abuse program".
 *
 *   abuse SEED COUNT [remote=N] [from=I] [verbose|trace] [halt]
 *
 * Makes calls I .. COUNT-1 (from=0 by default) of seed SEED; call i is the same on every
 * run (calls.c), so `from=i trace` replays a run from a call that misbehaved, naming each
 * call as it goes; verbose names only the calls whose worker had to be ended.
 * remote=N also aims the calls at node N's servers and checks that node afterwards.
 * halt ends the node when done: QEMU exits 33 when every check passed (the test mode's
 * verdict, tests/cluster/abuse.sh), 35 when one failed.
 *
 * The calls run in a worker thread of this team; this thread (the driver) watches it.
 * A call that blocks longer than it may (AB_QUICK_MS, or AB_SLOW_MS for one that waits
 * on the network or a group) has its worker destroyed, and a new worker goes on with the
 * next call; so does one whose worker ended itself. Destroying a blocked process is
 * itself one of the things tried.
 */
#include "abuse.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <v/ksrv.h>
#include <v/startup.h>

struct ab_state ab;
extern void v_thread_entry(void);   /* libv/crt0.S */

static uint32_t worker_stack[4096] __attribute__((aligned(16)));

static void worker(uint32_t first)
{
    for (uint32_t i = first; i < ab.count; i++) {
        ab.cur = i;
        ab.t_call = v_time_ns();
        ab_call(i);
        ab.ms_by_kind[ab.cur_kind] += (uint32_t)((v_time_ns() - ab.t_call) / 1000000u);
        ab.done = i + 1;
    }
}

/* Start a worker at call `first`, on the one stack (the last worker has ended). */
static v_pid_t start_worker(uint32_t first)
{
    uint32_t *top = &worker_stack[4096 - 5];       /* 12 mod 16, as v_thread_entry wants */
    v_pid_t p;
    top[0] = (uint32_t)(uintptr_t)worker;          /* v_thread_entry pops it */
    ab.cur = first;
    ab.done = first;
    ab.limit_ms = AB_QUICK_MS;
    if (v_ks_create_process((void (*)(uint32_t))v_thread_entry, top, AB_WORKER_PRIO, first,
                            &p) < 0 || v_ks_start(p) < 0) {
        printf("abuse: cannot start a worker at call %u\n", first);
        return 0;
    }
    return p;
}

/* The worker's state (enum v_proc_state), or 0 if it is gone. */
static uint32_t state_of(v_pid_t p)
{
    struct v_msg m = { .code = KS_PROCESS_INFO, .w = { p } };
    return v_call(ab.ks, &m) == V_OK ? m.w[0] : 0;
}

static int blocked(uint32_t st)
{
    return st == V_PS_RECEIVE_BLOCKED || st == V_PS_AWAITING_REPLY ||
           st == V_PS_SEND_BLOCKED || st == V_PS_DELAYED || st == V_PS_MOVE_BLOCKED;
}

/* Make every call, replacing the worker whenever it blocks too long or ends. */
static void run(void)
{
    v_pid_t w = start_worker(ab.done);
    uint32_t last = ab.cur;
    uint64_t since = v_time_ns();
    while (w && ab.done < ab.count) {
        v_delay(10);
        uint32_t st = state_of(w), now_cur = ab.cur;
        if (now_cur != last) {
            last = now_cur;
            since = v_time_ns();
        }
        if (ab.done >= ab.count)
            break;
        if (st && !(blocked(st) && v_time_ns() - since > ab.limit_ms * 1000000ull))
            continue;
        ab.ms_by_kind[ab.cur_kind] += (uint32_t)((v_time_ns() - ab.t_call) / 1000000u);
        if (st) {
            v_ks_destroy(w);
            ab.ended_blocked++;
        } else {
            ab.ended_exit++;
        }
        if (ab.verbose)
            printf("abuse: worker 0x%08x %s in call %u (%s, state %u)\n", w,
                   st ? "ended" : "gone", now_cur, ab_kind_name(ab.cur_kind), st);
        if (now_cur + 1 >= ab.count)
            break;
        w = start_worker(now_cur + 1);
        last = ab.cur;
        since = v_time_ns();
    }
    for (int t = 0; w && state_of(w) && t < 100; t++)
        v_delay(10);
    if (w && state_of(w))
        v_ks_destroy(w);
}

/* End what the calls made and give back the scratch. */
static void clean_up(void)
{
    for (uint32_t k = 0; k < AB_KIDS && k < ab.nthreads; k++)
        v_ks_destroy(ab.threads[k]);
    for (uint32_t k = 0; k < AB_KIDS && k < ab.nkids; k++)
        v_ks_destroy(ab.kids[k]);
    uint32_t size;
    int rc = v_ks_set_team_size(ab.driver, ab.size0, &size);
    if (rc < 0)
        printf("abuse: cannot give back the scratch: %s\n", v_strerror(rc));
}

static int setup(void)
{
    struct v_proc_info pi;
    int rc;
    ab.driver = v_my_pid();
    ab.ks = v_kernel_server();
    v_get_pid(V_LOGICAL_PM, &ab.pm);
    for (int t = 0; t < 50 && (v_get_pid(V_LOGICAL_NAME, &ab.name) < 0 || !ab.name); t++)
        v_delay(100);
    if ((rc = v_ks_process_info(ab.ks, ab.driver, &pi)) < 0) {
        printf("abuse: cannot read its own team's size: %s\n", v_strerror(rc));
        return rc;
    }
    ab.size0 = pi.team_size;
    if (ab.rks)   /* the remote node may still be booting */
        for (int t = 0; t < 100 && !(ab.rpm = ab_find(ab.rks, "pm")); t++)
            v_delay(100);
    if (ab.rks && !ab.rpm) {
        printf("abuse: no program manager on the remote node (0x%08x)\n", ab.rks);
        return V_ENOPROC;
    }
    return V_OK;
}

static int grow(void)
{
    uint32_t size;
    int rc = v_ks_set_team_size(ab.driver, ab.size0 + AB_ARENA, &size);
    if (rc < 0) {
        printf("abuse: cannot add its scratch: %s\n", v_strerror(rc));
        return rc;
    }
    ab.arena = V_USER_BASE + ab.size0;
    ab.size1 = ab.size0 + AB_ARENA;
    return V_OK;
}

static void report(uint64_t ns)
{
    char line[768];
    int n = snprintf(line, sizeof line, "abuse: %u calls in %u ms: %u errors; workers ended "
                     "%u blocked, %u by themselves; by kind:", ab.count,
                     (uint32_t)(ns / 1000000u), ab.errors, ab.ended_blocked, ab.ended_exit);
    for (uint32_t k = 0; k < AB_KINDS && n < (int)sizeof line; k++)
        n += snprintf(line + n, sizeof line - n, " %s %u (%u ms)", ab_kind_name(k),
                      ab.by_kind[k], ab.ms_by_kind[k]);
    printf("%s\n", line);
}

static void census_check(const char *where, v_pid_t ks, v_pid_t name,
                         const struct ab_census *b)
{
    struct ab_census a;
    char check[64];
    uint32_t ms = ab_census_settle(b, ks, name, &a, 20000);
    snprintf(check, sizeof check, "%s_holds_what_it_held", where);
    ab_check(check, ms < 20000,
             "after %u ms: free pages %u (before %u), teams %u (%u), process slots %u (%u), "
             "memberships %u (%u), names %u (%u)", ms, a.free_pages, b->free_pages, a.teams,
             b->teams, a.procs, b->procs, a.memberships, b->memberships, a.names, b->names);
    if (ms >= 20000)
        ab_census_show(ks, name);
}

int main(int argc, char **argv)
{
    int halt = 0;
    struct ab_census before, rbefore;
    if (argc < 3) {
        printf("usage: abuse SEED COUNT [remote=N] [from=I] [verbose|trace] [halt]\n");
        return 2;
    }
    ab.seed = (uint32_t)strtoul(argv[1], 0, 0);
    ab.count = (uint32_t)strtoul(argv[2], 0, 0);
    for (int i = 3; i < argc; i++) {
        if (!strncmp(argv[i], "remote=", 7))
            ab.rks = v_pid_make(v_lhost_make((uint32_t)atoi(argv[i] + 7), 0),
                                V_LOCAL_KERNEL_SERVER);
        else if (!strncmp(argv[i], "from=", 5))
            ab.done = (uint32_t)strtoul(argv[i] + 5, 0, 0);
        else if (!strcmp(argv[i], "verbose"))
            ab.verbose = 1;
        else if (!strcmp(argv[i], "trace"))
            ab.verbose = 2;
        else if (!strcmp(argv[i], "halt"))
            halt = 1;
        else {
            printf("abuse: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (setup() < 0 || ab_census(ab.ks, ab.name, &before) < 0 ||
        (ab.rks && ab_census(ab.rks, 0, &rbefore) < 0) || grow() < 0) {
        ab_failed++;
    } else {
        printf("abuse: seed %u, calls %u..%u%s\n", ab.seed, ab.done, ab.count,
               ab.rks ? ", and at the remote node's servers" : "");
        uint64_t t0 = v_time_ns();
        run();
        report(v_time_ns() - t0);
        clean_up();
        census_check("node", ab.ks, ab.name, &before);
        if (ab.rks)
            census_check("remote_node", ab.rks, 0, &rbefore);
        ab_services();
    }
    printf("abuse: %u passed, %u failed\n", ab_passed, ab_failed);
    if (halt)
        v_ks_halt(ab_failed ? 1 : 0);
    return ab_failed ? 1 : 0;
}
