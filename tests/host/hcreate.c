/*
 * tests/host/hcreate.c - a host V process creates a team on a node (docs/IPC.md,
 * "KS_CREATE_TEAM from another node"; docs/HOST.md, "The host as creator"): the node's
 * new process Sends us a REQUEST flagged VPF_START, which libv answers PENDING at once
 * and holds as awaiting our reply; we MoveTo and MoveFrom its space without a Receive,
 * load a tiny program and start it with Reply, take the message it Sends us and see its
 * team go. tests/host/run-kernel.sh runs it against a QEMU node.
 * usage: hcreate NODE            the whole round
 *        hcreate NODE orphan     a creator (a child process, V_LHOST + 1) that dies
 *                                without starting its team: the node reclaims the team
 *                                (its Send to the silent creator gives up, 6 s after the
 *                                last PENDING), checked with a bounded wait
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <v/kclient.h>
#include <v/ksrv.h>
#include <v/startup.h>
#include <v/syscall.h>
#include "common.h"

#define TEAM_SIZE (128u * 1024u)
#define PATTERN   100000u                /* 72 DATA packets, 3 packet groups, each way */
#define HELLO_AT  (V_USER_BASE + 0x100)  /* where the loaded program's message lies */

static uint8_t pat[PATTERN], back[PATTERN];

static void too_long(int sig)
{
    static const char msg[] = "FAIL hcreate: timed out (alarm)\n";

    (void)sig;
    (void)!write(1, msg, sizeof msg - 1);
    _exit(1);
}

/* The node's team count (KS_MEMORY_STATS w4), or ~0 on error. */
static uint32_t teams_on(v_pid_t ks)
{
    struct v_msg m = { .code = KS_MEMORY_STATS };

    return v_send(&m, ks) || m.code ? ~0u : m.w[4];
}

/* Wait up to ms for the node's team count to be `want`; returns the last count seen. */
static uint32_t teams_wait(v_pid_t ks, uint32_t want, uint32_t ms)
{
    uint32_t n = teams_on(ks);

    for (uint32_t t = 0; n != want && t < ms; t += 100) {
        v_delay(100);
        n = teams_on(ks);
    }
    return n;
}

/* KS_CREATE_TEAM on ks: a team of TEAM_SIZE bytes that starts at its base. */
static int create_on(v_pid_t ks, v_pid_t *pid)
{
    struct v_msg m = { .code = KS_CREATE_TEAM,
                       .w = { V_USER_BASE, V_USER_BASE + TEAM_SIZE, V_PRIO_MAX, TEAM_SIZE } };
    int err = v_send(&m, ks);

    *pid = err || m.code ? 0 : m.w[0];
    return err ? err : v_msg_reply_code(&m);
}

/* 1 if p, on ks's node, awaits our reply (KS_PROCESS_INFO); *pi says what it is. */
static int awaits_us(v_pid_t ks, v_pid_t p, struct v_proc_info *pi, int *err)
{
    memset(pi, 0, sizeof *pi);
    *err = v_ks_process_info(ks, p, pi);
    return !*err && pi->state == V_PS_AWAITING_REPLY && pi->blocked_on == v_my_pid();
}

/* Create a team and check it awaits us: its start REQUEST was answered at once and
 * held, not queued for Receive; node 2 probes it while we hold it (PENDING again, no
 * second record). Returns its pid, or 0 if there is nothing to go on with. */
static v_pid_t create_step(v_pid_t ks, uint32_t teams0)
{
    const struct v_host_stats *st = v_host_stats();
    uint32_t req0 = st->requests, pend0 = st->pending_sent, pend1;
    struct v_proc_info pi;
    double t0 = t_secs();
    v_pid_t p = 0;
    int err = create_on(ks, &p), e2, ok;
    uint32_t teams;

    if (!t_check(!err && p && v_pid_lhost(p) == v_pid_lhost(ks), "host_creates_team_on_node",
                 "err %d pid 0x%08x after %.2f s", err, p, t_secs() - t0))
        return 0;
    printf("# KS_CREATE_TEAM answered in %.1f ms\n", (t_secs() - t0) * 1e3);
    pend1 = st->pending_sent;
    ok = awaits_us(ks, p, &pi, &e2);
    teams = teams_on(ks);
    t_check(ok && teams == teams0 + 1 && st->requests == req0 && pend1 > pend0,
            "host_new_team_awaits_host_at_once", "info %d state %u blocked_on 0x%08x (we "
            "are 0x%08x) teams %u (were %u), requests queued %u, PENDING sent %u", e2,
            pi.state, pi.blocked_on, v_my_pid(), teams, teams0, st->requests - req0,
            pend1 - pend0);
    v_delay(1500);
    ok = awaits_us(ks, p, &pi, &e2);
    t_check(ok && st->requests == req0 && st->pending_sent > pend1,
            "host_new_team_held_through_probes", "info %d state %u, requests queued %u, "
            "PENDING to probes %u", e2, pi.state, st->requests - req0, st->pending_sent - pend1);
    return p;
}

/* A pattern into the new team and back; its grant ends with its space; no Forward. */
static void move_step(v_pid_t p)
{
    struct v_msg f = { 0 };
    double t0 = t_secs();
    int e1, e2;

    t_fill(pat, PATTERN, 11);
    memset(back, 0, PATTERN);
    e1 = v_move_to(p, V_USER_BASE + 0x1000, pat, PATTERN);
    e2 = v_move_from(p, back, V_USER_BASE + 0x1000, PATTERN);
    t_check(!e1 && !e2 && !memcmp(pat, back, PATTERN), "host_moves_to_and_from_new_team",
            "MoveTo %d MoveFrom %d, %s (%.2f s)", e1, e2,
            memcmp(pat, back, PATTERN) ? "differ" : "same", t_secs() - t0);
    e1 = v_move_to(p, V_USER_LIMIT - 16, pat, 32);
    e2 = v_forward(&f, p, v_my_pid());
    t_check(e1 == V_ERANGE && e2 == V_ENOTAWAITING, "host_new_team_grant_and_forward",
            "MoveTo past its space %d, Forward %d", e1, e2);
}

/* The program: Send the message at HELLO_AT to `to`, then exit (i386 machine code). */
static uint32_t tiny_program(uint8_t *code, v_pid_t to)
{
    uint8_t *c = code;
    uint32_t words[4] = { V_SYS_SEND, HELLO_AT, to, V_SYS_EXIT };
    static const uint8_t ops[3] = { 0xb8, 0xbb, 0xb9 };   /* mov eax/ebx/ecx, imm32 */

    for (int i = 0; i < 3; i++) {
        *c++ = ops[i];
        memcpy(c, &words[i], 4);
        c += 4;
    }
    *c++ = 0xcd; *c++ = 0x30;                              /* int $0x30 */
    *c++ = 0xb8; memcpy(c, &words[3], 4); c += 4;          /* mov eax, V_SYS_EXIT */
    *c++ = 0x31; *c++ = 0xdb;                              /* xor ebx, ebx */
    *c++ = 0xcd; *c++ = 0x30;
    *c++ = 0xeb; *c++ = 0xfe;                              /* jmp . */
    return (uint32_t)(c - code);
}

/* Load the program, start it with Reply, take its message (its own Send: the first
 * request it makes of us) and answer it; then its team goes. */
static void start_step(v_pid_t ks, v_pid_t p, uint32_t teams0)
{
    struct v_msg hello = { .code = 0x77, .w = { 0x5eed, 1, 2, 3, 4 } }, r = { 0 }, got = { 0 };
    uint8_t code[32];
    uint32_t n = tiny_program(code, v_my_pid()), teams;
    uint32_t req0 = v_host_stats()->requests;
    v_pid_t from = 0;
    int e1 = v_move_to(p, V_USER_BASE, code, n), e2, e3 = -1;

    if (!e1)
        e1 = v_move_to(p, HELLO_AT, &hello, sizeof hello);
    e2 = v_reply(&r, p);
    if (!e1 && !e2 && (e3 = v_receive(&got, &from)) == V_OK)
        e3 = v_reply(&r, from);
    t_check(!e1 && !e2 && !e3 && from == p && got.code == 0x77 && got.w[0] == 0x5eed &&
            got.w[4] == 4 && v_host_stats()->requests == req0 + 1,
            "host_new_team_starts_on_reply", "MoveTo %d Reply %d Receive/Reply %d from "
            "0x%08x code 0x%x w0 0x%x, requests queued %u", e1, e2, e3, from, got.code,
            got.w[0], v_host_stats()->requests - req0);
    teams = teams_wait(ks, teams0, 3000);
    t_check(teams == teams0, "host_new_team_exits", "teams %u (were %u)", teams, teams0);
}

static void round_trip(v_pid_t ks)
{
    uint32_t teams0 = teams_on(ks);
    v_pid_t p;

    if (!t_check(teams0 != ~0u, "host_node_memory_stats", "KS_MEMORY_STATS failed"))
        return;
    if (!(p = create_step(ks, teams0)))
        return;
    move_step(p);
    start_step(ks, p, teams0);
}

/* What the dying creator tells its parent before it dies. */
struct orphan_note {
    int err;
    uint32_t teams0;
    v_pid_t pid;
};

/* The child: a V process of its own (libv is set up only after the fork). It creates a
 * team, says so, and dies without starting it. */
static void orphan_child(v_pid_t ks, int fd)
{
    struct orphan_note n = { 0 };

    n.teams0 = teams_on(ks);
    n.err = create_on(ks, &n.pid);
    (void)!write(fd, &n, sizeof n);
    raise(SIGKILL);
}

/* A creator that dies before starting its team: the node gives its start Send up and
 * destroys the team. Our own libv is set up after the fork, as logical host V_LHOST + 1. */
static void orphan(v_pid_t ks)
{
    struct orphan_note n = { .err = 1 };
    struct v_proc_info pi;
    const char *lh = getenv("V_LHOST");
    char buf[16];
    int fds[2], st = 0, err;
    uint32_t teams;
    double t0;
    pid_t kid;

    if (pipe(fds) < 0 || (kid = fork()) < 0) {
        t_fail("host_orphan_creator", "pipe/fork failed");
        return;
    }
    if (kid == 0)
        orphan_child(ks, fds[1]);
    snprintf(buf, sizeof buf, "%u", (lh ? (unsigned)atoi(lh) : 40u) + 1);
    setenv("V_LHOST", buf, 1);
    if (read(fds[0], &n, sizeof n) != (ssize_t)sizeof n)
        n.err = 1;
    waitpid(kid, &st, 0);
    t0 = t_secs();
    if (!t_check(!n.err && n.pid && n.teams0 != ~0u, "host_orphan_creator_created",
                 "err %d pid 0x%08x teams %u", n.err, n.pid, n.teams0))
        return;
    /* Until its team is gone and the count is back: at most what it was before (an
     * unstarted team of an earlier creator may go meanwhile too). */
    do {
        err = v_ks_process_info(ks, n.pid, &pi);
        teams = teams_on(ks);
    } while ((err != V_ENOPROC || teams > n.teams0) && t_secs() - t0 < 12 && !v_delay(100));
    if (t_check(teams <= n.teams0 && err == V_ENOPROC && t_secs() - t0 < 12,
                "host_orphan_team_reclaimed", "teams %u (were %u), info of 0x%08x %d, "
                "after %.1f s", teams, n.teams0, n.pid, err, t_secs() - t0))
        printf("# reclaimed %.1f s after its creator died\n", t_secs() - t0);
}

int main(int argc, char **argv)
{
    v_pid_t ks;

    if (argc < 2 || (argc > 2 && strcmp(argv[2], "orphan"))) {
        fprintf(stderr, "usage: hcreate NODE [orphan]\n");
        return 2;
    }
    ks = v_pid_make(v_lhost_make(t_num(argv[1]), 0), V_LOCAL_KERNEL_SERVER);
    signal(SIGALRM, too_long);
    alarm(40);
    if (argc > 2)
        orphan(ks);
    else
        round_trip(ks);
    fprintf(stderr, "hcreate: ");
    v_host_print_stats(stderr);
    return t_failures() ? 1 : 0;
}
