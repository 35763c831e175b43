/*
 * calls.c - the abuse program's calls: call i of a run draws its kind and every argument
 * from a generator seeded by (seed, i), then makes one raw system call (v_syscall) or one
 * request to a server. Requests go to this node's and the remote node's kernel server,
 * program manager and name handler, to groups and to any pid at all.
 *
 * Hostile, not destructive. V lets any program halt a node, set its clock, destroy any
 * process and re-register its servers (docs/IPC.md); a program that does those proves
 * nothing about the kernel. So the calls never send KS_HALT, KS_SET_TIME or
 * KS_TEST_REPORT, never forge V_REQ_EXCEPTION (the program manager would end this team),
 * aim KS_DESTROY, KS_SET_PRIORITY, KS_SET_EXC_HANDLER, PM_KILL and NAME_(UN)REGISTER
 * only at what they made themselves or at pids nobody has, SetPid a registered logical
 * id only to what it already is, never shrink their own team, and never join the driver
 * to a group. Everything else is fair: bad pointers, lengths, flags, pids, codes.
 */
#include "abuse.h"
#include <stdio.h>
#include <string.h>
#include <v/group.h>
#include <v/ksrv.h>
#include <v/name.h>
#include <v/pm.h>
#include <v/startup.h>
#include <v/syscall.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What a process made by KS_CREATE_PROCESS runs if it is ever started: it exits, and
 * touches no stack (its esp is whatever the call made up). */
__asm__(".text\n.globl ab_exit_stub\nab_exit_stub:\n"
        "  movl $12, %eax\n  xorl %ebx, %ebx\n  int $0x30\n1: jmp 1b\n");
extern void ab_exit_stub(void);
_Static_assert(V_SYS_EXIT == 12, "ab_exit_stub's call number");

static const char *const kind_names[AB_KINDS] = {
    "send-ks", "send-rks", "send-pm", "send-rpm", "send-name", "send-any", "send-group",
    "receive", "reply", "forward", "move", "get-reply", "groups", "pids", "misc", "exit",
};
/* How often each kind is drawn, in 256ths. */
static const uint8_t weight[AB_KINDS] = { 42, 28, 16, 8, 12, 14, 10, 16, 18, 12, 24, 8,
                                          14, 10, 22, 2 };
_Static_assert(AB_KINDS == 16, "a weight for each kind, 256 in all");

const char *ab_kind_name(uint32_t k) { return k < AB_KINDS ? kind_names[k] : "?"; }

static int in_arena(const void *p)
{
    uint32_t a = (uint32_t)(uintptr_t)p;
    return a >= ab.arena && a - ab.arena <= AB_ARENA - sizeof(struct v_msg);
}

static int sys(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    uint32_t r1, r2;
    return v_syscall(nr, a, b, c, d, e, &r1, &r2);
}

/* A message with random words and grant, or a bad message pointer (then nothing is
 * written to it here: the kernel must refuse it). Returns it; *ok = it can be filled. */
static struct v_msg *fill(uint32_t *r, uint16_t code, int *ok)
{
    struct v_msg *m = ab_msg(r);
    *ok = in_arena(m);
    if (!*ok)
        return m;
    memset(m, 0, sizeof *m);
    m->code = code;
    for (uint32_t k = 0; k < 5; k++)
        m->w[k] = ab_word(r);
    if (ab_pick(r, 4))
        ab_grant(r, m);
    return m;
}

/* A junk request code: none that a server on the test nodes owns (docs/NUMBERS.md). */
static uint16_t junk_code(uint32_t *r)
{
    switch (ab_pick(r, 4)) {
    case 0:  return (uint16_t)ab_pick(r, 0x100);
    case 1:  return (uint16_t)(0x0800u + ab_pick(r, 0x6800));
    case 2:  return (uint16_t)(0x7200u + ab_pick(r, 0xe00));
    default: return (uint16_t)(0x8000u | ab_rand(r));   /* an error code as a request */
    }
}

static void send(struct v_msg *m, v_pid_t to, int ok, int slow)
{
    ab.limit_ms = slow || v_pid_is_group(to) || v_pid_lhost(to) != v_pid_lhost(ab.driver)
                      ? AB_SLOW_MS : AB_QUICK_MS;
    if (sys(V_SYS_SEND, (uint32_t)(uintptr_t)m, to, 0, 0, 0) < 0 || !ok)
        ab.errors++;
    else if (v_msg_reply_code(m) < 0)
        ab.errors++;
}

static const uint16_t ks_codes[] = {
    KS_PROCESS_INFO, KS_PROCESS_LIST, KS_MEMORY_STATS, KS_GET_TIME, KS_DEVICE_LIST,
    KS_CREATE_TEAM, KS_CREATE_PROCESS, KS_SET_TEAM_SIZE, KS_DESTROY, KS_SET_EXC_HANDLER,
    KS_MODULE_INFO, KS_MODULE_READ, KS_NODE_INFO, KS_SET_TEAM_NAME, KS_SET_PRIORITY,
    KS_STATS, KS_NET_STATS, KS_CREATE_GROUP, KS_GROUP_LIST, KS_LIMITS,
};

/* The words of a kernel server request, made safe where the code is destructive. */
static void ks_words(uint32_t *r, struct v_msg *m)
{
    static const uint32_t sizes[] = { 0, 1, 4096, 65536, 1u << 20, 0x3ff00000u,
                                      0x40000000u, 0xffffffffu };
    switch (m->code) {
    case KS_DESTROY: case KS_SET_PRIORITY:
        m->w[0] = ab_made_or_nobody(r);
        break;
    case KS_SET_EXC_HANDLER:
        m->w[0] = ab_kid_or_nobody(r);
        break;
    case KS_SET_TEAM_SIZE:
        m->w[0] = ab_pick(r, 2) ? ab_kid_or_nobody(r) : ab.driver;
        if (m->w[0] == ab.driver)   /* grow only: never below the scratch's end */
            m->w[1] = ab.size1 + (ab_pick(r, 2) ? ab_pick(r, 1u << 20) : ab_rand(r));
        else
            m->w[1] = sizes[ab_pick(r, N(sizes))];
        break;
    case KS_SET_TEAM_NAME:
        m->w[0] = ab_pick(r, 2) ? ab_kid_or_nobody(r) : v_my_pid();
        break;
    case KS_CREATE_TEAM:
        m->w[3] = ab_pick(r, 2) ? 4096u * (1 + ab_pick(r, 64)) : sizes[ab_pick(r, N(sizes))];
        m->w[0] = V_USER_BASE + ab_pick(r, m->w[3] ? m->w[3] : 1);
        m->w[1] = ab_pick(r, 8) ? V_USER_BASE + m->w[3] - 4 * ab_pick(r, 4) : ab_rand(r);
        m->w[2] = ab_pick(r, 10);
        break;
    case KS_CREATE_PROCESS:
        m->w[0] = ab_pick(r, 4) ? (uint32_t)(uintptr_t)ab_exit_stub : ab_word(r);
        m->w[1] = ab_pick(r, 4) ? ab.arena + ab_pick(r, AB_ARENA) : ab_word(r);
        m->w[2] = ab_pick(r, 10);
        break;
    case KS_MODULE_INFO: case KS_MODULE_READ:
        m->w[0] = ab_pick(r, 4) ? ab_pick(r, 12) : ab_rand(r);
        break;
    }
}

static void send_ks(uint32_t *r, v_pid_t ks)
{
    uint16_t code = ab_pick(r, 8) ? ks_codes[ab_pick(r, N(ks_codes))] : junk_code(r);
    int ok;
    struct v_msg *m = fill(r, code, &ok);
    if (ok)
        ks_words(r, m);
    send(m, ks, ok, 0);
    if (ok && v_msg_reply_code(m) == V_OK &&
        (code == KS_CREATE_TEAM || code == KS_CREATE_PROCESS))
        ab_kid(m->w[0], code == KS_CREATE_PROCESS);
}

/* A program name for PM_RUN, in the arena: mostly nonsense, sometimes "hello". */
static uint32_t prog_name(uint32_t *r, uint32_t *len)
{
    static const char *const names[] = { "hello", "hello a b c", "", " ", "nosuch",
                                         "hello\n", "/hello", "hello hello hello hello" };
    char *p = (char *)(uintptr_t)(ab.arena + AB_ARENA - 256);
    uint32_t n;
    if (ab_pick(r, 3)) {
        const char *s = names[ab_pick(r, N(names))];
        n = (uint32_t)strlen(s) + ab_pick(r, 2);   /* with or without its NUL */
        memcpy(p, s, n);
    } else {
        n = ab_pick(r, 256);
        for (uint32_t k = 0; k < n; k++)
            p[k] = (char)ab_rand(r);
    }
    *len = ab_pick(r, 8) ? n : ab_len(r);
    return (uint32_t)(uintptr_t)p;
}

static void send_pm(uint32_t *r, v_pid_t pm)
{
    static const uint16_t codes[] = { PM_RUN, PM_RUN, PM_WAIT, PM_KILL, PM_EXIT, PM_LIST };
    uint16_t code = ab_pick(r, 8) ? codes[ab_pick(r, N(codes))] : junk_code(r);
    int ok;
    struct v_msg *m = fill(r, code, &ok);
    if (ok && code == PM_RUN && ab_pick(r, 4)) {
        m->flags = V_MSG_SEG_READ;
        m->seg_ptr = prog_name(r, &m->seg_len);
        m->w[0] = ab_pick(r, 10);
    } else if (ok && (code == PM_WAIT || code == PM_KILL)) {
        m->w[0] = code == PM_WAIT && ab_pick(r, 2) ? ab_any_pid(r) : ab_kid_or_nobody(r);
    }
    send(m, pm, ok, 1);
    if (ok && code == PM_RUN && v_msg_reply_code(m) == V_OK)
        ab_kid(m->w[0], 0);
}

static void send_name(uint32_t *r)
{
    static const uint16_t codes[] = { NAME_LOOKUP, NAME_LOOKUP, NAME_REGISTER,
                                      NAME_UNREGISTER, NAME_LIST, 0x600, 0x601, 0x602,
                                      0x603, 0x604 };
    static const char *const names[] = { "[pm1]", "[pm2]", "[abuse]", "[a]/b", "x", "",
                                         "[", "[]", "[pm1]/../x" };
    uint16_t code = ab_pick(r, 8) ? codes[ab_pick(r, N(codes))] : junk_code(r);
    int ok;
    struct v_msg *m = fill(r, code, &ok);
    if (ok && code >= NAME_LOOKUP && code <= NAME_UNREGISTER && ab_pick(r, 2)) {
        char *p = (char *)(uintptr_t)(ab.arena + AB_ARENA - 512);
        const char *s = names[ab_pick(r, N(names))];
        m->flags = V_MSG_SEG_READ;
        m->seg_ptr = (uint32_t)(uintptr_t)p;
        m->seg_len = (uint32_t)strlen(s) + ab_pick(r, 2);
        memcpy(p, s, m->seg_len);
    }
    if (ok && (code == NAME_REGISTER || code == NAME_UNREGISTER)) {
        m->w[0] = ab_pick(r, 2) ? 0 : ab_kid_or_nobody(r);
        m->w[2] = ab_pick(r, 4);
    }
    send(m, ab.name, ok, 1);
}

static void send_group(uint32_t *r)
{
    v_pid_t g = ab_group_pid(r);
    uint16_t code = junk_code(r);
    if (g == V_GROUP_KERNEL_SERVERS && ab_pick(r, 2))
        code = ks_codes[ab_pick(r, N(ks_codes))];
    else if (g == V_GROUP_PROGRAM_MANAGERS && ab_pick(r, 2))
        code = PM_LIST;
    else if (ab_pick(r, 2))
        code = NAME_LOOKUP;
    int ok;
    struct v_msg *m = fill(r, code, &ok);
    if (ok) {
        ks_words(r, m);
        if (ab_pick(r, 4))
            m->flags |= V_MSG_NO_REPLY;
    }
    send(m, g, ok, 1);
}

/* Receive, or ReceiveWithSegment, from anyone or anything. */
static void receive(uint32_t *r)
{
    int ok;
    struct v_msg *m = fill(r, 0, &ok);
    v_pid_t from = ab_pick(r, 8) ? ab_any_pid(r) : 0;
    uint32_t len = ab_len(r);
    ab.limit_ms = AB_QUICK_MS;
    if (ab_pick(r, 2))
        ok = sys(V_SYS_RECEIVE, (uint32_t)(uintptr_t)m, from, 0, 0, 0) >= 0;
    else
        ok = sys(V_SYS_RECEIVE_SEG, (uint32_t)(uintptr_t)m, from, ab_wptr(r, len), len, 0) >= 0;
    ab.errors += !ok;
}

/* Reply, or ReplyWithSegment, to anyone: mostly nobody awaits it. A reply may start a
 * team or process the calls made (which then faults, or exits). */
static void reply(uint32_t *r)
{
    int ok;
    struct v_msg *m = fill(r, (uint16_t)ab_word(r), &ok);
    v_pid_t to = ab_pick(r, 2) ? ab_made_or_nobody(r) : ab_any_pid(r);
    uint32_t len = ab_len(r);
    ab.limit_ms = AB_SLOW_MS;
    if (ab_pick(r, 2))
        ok = sys(V_SYS_REPLY, (uint32_t)(uintptr_t)m, to, 0, 0, 0) >= 0;
    else
        ok = sys(V_SYS_REPLY_SEG, (uint32_t)(uintptr_t)m, to, ab_wptr(r, len), ab_rptr(r),
                 len) >= 0;
    ab.errors += !ok;
}

static void forward(uint32_t *r)
{
    int ok;
    struct v_msg *m = fill(r, junk_code(r), &ok);
    v_pid_t from = ab_pick(r, 2) ? ab_made_or_nobody(r) : ab_any_pid(r);
    ab.limit_ms = AB_SLOW_MS;
    ab.errors += sys(V_SYS_FORWARD, (uint32_t)(uintptr_t)m, from, ab_any_pid(r), 0, 0) < 0;
}

static int ours(v_pid_t pid)   /* a process the calls made in this team? */
{
    for (uint32_t k = 0; k < AB_KIDS && k < ab.nthreads; k++)
        if (ab.threads[k] == pid)
            return 1;
    return 0;
}

/* MoveTo or MoveFrom: this team's end of it is always where a write may go, and so is
 * the peer's end of a MoveTo when the peer is a process of this team. */
static void move(uint32_t *r)
{
    v_pid_t peer = ab_pick(r, 2) ? ab_made_or_nobody(r) : ab_any_pid(r);
    uint32_t len = ab_len(r), there = ab_pick(r, 2) ? V_USER_BASE + ab_pick(r, 1u << 16)
                                                    : ab_rand(r);
    ab.limit_ms = AB_SLOW_MS;
    if (ab_pick(r, 2))
        ab.errors += sys(V_SYS_MOVETO, peer, ours(peer) || ab_pick(r, 2) ? ab_wptr(r, len)
                                                                        : there,
                         ab_rptr(r), len, 0) < 0;
    else
        ab.errors += sys(V_SYS_MOVEFROM, peer, ab_wptr(r, len), there, len, 0) < 0;
}

static void get_reply(uint32_t *r)
{
    int ok;
    struct v_msg *m = fill(r, 0, &ok);
    ab.limit_ms = AB_SLOW_MS;
    ab.errors += sys(V_SYS_GET_REPLY, (uint32_t)(uintptr_t)m,
                     ab_pick(r, 8) ? ab_pick(r, 60) : ab_rand(r) % 2000, 0, 0, 0) < 0;
}

/* Join or leave a group: this worker, a process it made, or a pid of no process. */
static void groups(uint32_t *r)
{
    v_pid_t pid = ab_pick(r, 2) ? 0 : ab_pick(r, 2) ? v_my_pid() : ab_made_or_nobody(r);
    uint32_t nr = ab_pick(r, 3) ? V_SYS_JOIN_GROUP : V_SYS_LEAVE_GROUP;
    ab.limit_ms = AB_QUICK_MS;
    ab.errors += sys(nr, ab_pick(r, 8) ? ab_group_pid(r) : ab_any_pid(r), pid, 0, 0, 0) < 0;
}

/* GetPid of anything; SetPid of an id nobody may set, or of a registered one to itself. */
static void pids(uint32_t *r)
{
    uint32_t id = ab_pick(r, 4) ? ab_pick(r, V_LOGICAL_COUNT + 2) : ab_rand(r), now = 0;
    ab.limit_ms = AB_QUICK_MS;
    if (ab_pick(r, 2)) {
        ab.errors += v_syscall(V_SYS_GETPID, id, 0, 0, 0, 0, &now, 0) < 0;
        return;
    }
    if (id > V_LOGICAL_DEVICE_SERVER && id < V_LOGICAL_COUNT) {
        v_syscall(V_SYS_GETPID, id, 0, 0, 0, 0, &now, 0);
        ab.errors += sys(V_SYS_SETPID, id, now, 0, 0, 0) < 0;
    } else {
        ab.errors += sys(V_SYS_SETPID, id, ab_any_pid(r), 0, 0, 0) < 0;
    }
}

/* Delay (now and then for ever), Yield, Time, and call numbers that do not exist. */
static void misc(uint32_t *r)
{
    ab.limit_ms = AB_QUICK_MS;
    switch (ab_pick(r, 4)) {
    case 0:
        ab.errors += sys(V_SYS_DELAY, ab_pick(r, 16) ? ab_pick(r, 20) : ab_rand(r), 0, 0, 0,
                         0) < 0;
        break;
    case 1:  sys(V_SYS_YIELD, 0, 0, 0, 0, 0); break;
    case 2:  sys(V_SYS_TIME, ab_rand(r), 0, 0, 0, 0); break;
    default:
        ab.errors += sys(ab_pick(r, 2) ? V_SYS_COUNT + ab_pick(r, 8) : ab_rand(r), ab_rand(r),
                         ab_rand(r), ab_rand(r), ab_rand(r), ab_rand(r)) < 0;
    }
}

static uint32_t kind_of(uint32_t *r)
{
    uint32_t x = ab_pick(r, 256), k;
    for (k = 0; k + 1 < AB_KINDS && x >= weight[k]; k++)
        x -= weight[k];
    return k;
}

/* Make call i: its generator is seeded by the run's seed and i alone. */
void ab_call(uint32_t i)
{
    uint32_t r = (ab.seed * 0x9e3779b9u) ^ (i * 0x85ebca6bu) ^ 0x5bd1e995u;
    if (!r)
        r = 1;
    for (int k = 0; k < 4; k++)
        ab_rand(&r);
    uint32_t kind = kind_of(&r);
    ab.cur_kind = kind;
    if (ab.verbose > 1)
        printf("abuse: call %u: %s\n", i, kind_names[kind]);
    ab.by_kind[kind]++;
    switch (kind) {
    case AB_SEND_KS:    send_ks(&r, ab.ks); break;
    case AB_SEND_RKS:   send_ks(&r, ab.rks ? ab.rks : ab.ks); break;
    case AB_SEND_PM:    send_pm(&r, ab.pm); break;
    case AB_SEND_RPM:   send_pm(&r, ab.rpm ? ab.rpm : ab.pm); break;
    case AB_SEND_NAME:  send_name(&r); break;
    case AB_SEND_ANY: {
        int ok;
        struct v_msg *m = fill(&r, junk_code(&r), &ok);
        send(m, ab_any_pid(&r), ok, 0);
        break;
    }
    case AB_SEND_GROUP: send_group(&r); break;
    case AB_RECEIVE:    receive(&r); break;
    case AB_REPLY:      reply(&r); break;
    case AB_FORWARD:    forward(&r); break;
    case AB_MOVE:       move(&r); break;
    case AB_GET_REPLY:  get_reply(&r); break;
    case AB_GROUPS:     groups(&r); break;
    case AB_PIDS:       pids(&r); break;
    case AB_MISC:       misc(&r); break;
    default:            sys(V_SYS_EXIT, ab_rand(&r), 0, 0, 0, 0); break;
    }
}
