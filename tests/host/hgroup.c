/*
 * tests/host/hgroup.c - the host tests' group client: a host V process that makes group
 * Sends to hsrv members (hsrv join=G; tests/host/run-host.sh starts them) over loopback
 * multicast. Prints PASS/FAIL lines; exits 1 if any failed, 2 on a usage error.
 * usage: hgroup CASE ARGS
 *   basic G GNONE M1 M2 M3 M4   M1, M2 answer, M3 declines, M4 is in another group at
 *                               G's address; nobody is in GNONE. Errors, first reply,
 *                               GetReply and the window, the READ grant, NO_REPLY,
 *                               PENDING past the no-answer bound, no members
 *   amo G BASE N M1 M2 M3       N counted group Sends (run under V_TEST_DUP or
 *                               V_TEST_LOSS): all answered, each executed once per member
 *   leave G M1 M2               M2 leaves (and cannot twice), is not asked, joins again
 *   miss G BASE N M1 M2 M3      M2 and M3 run with V_TEST_MISS_FIRST=1 (they drop the
 *                               first copy of every group request): N counted group
 *                               Sends, each still answered by all three within the window
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <v/group.h>
#include "common.h"

static v_pid_t G, GNONE, M[4];

static int call(v_pid_t to, uint16_t code, uint32_t w0, struct v_msg *r)
{
    memset(r, 0, sizeof *r);
    r->code = code;
    r->w[0] = w0;
    return v_send(r, to);
}

/* A member's counters: T_STATS (w2 executions, w3 twice, w4 duplicates answered) or
 * T_GSTATS (see common.h). Exits on failure: nothing after it would mean anything. */
static struct v_msg stats_of(v_pid_t m, uint16_t code)
{
    struct v_msg r;
    int rc = call(m, code, 0, &r);

    if (rc != V_OK || r.code != V_OK) {
        t_fail("member_stats", "0x%08x: rc %d code %d", m, rc, v_msg_reply_code(&r));
        exit(1);
    }
    return r;
}

/* Every reply of a group Send of m (its first already in *m from `first`), by GetReply
 * until V_ETIMEOUT: a bitmap of which of M[0..3] answered (bit 4: someone else), how many
 * replies had the wrong words (want(w) = what a reply of member i should say). */
static uint32_t collect(struct v_msg *m, v_pid_t first, int (*ok)(const struct v_msg *),
                        uint32_t *bad, int *last_rc)
{
    uint32_t who = 0;
    v_pid_t from = first;
    int rc = V_OK;

    *bad = 0;
    while (rc == V_OK) {
        int i = 0;
        while (i < 4 && M[i] != from)
            i++;
        who |= 1u << i;
        if (!ok(m))
            (*bad)++;
        rc = v_get_reply(m, 3000, &from);
    }
    *last_rc = rc;
    return who;
}

static int echo_ok(const struct v_msg *m)
{
    return m->code == V_OK && m->w[0] == (1 ^ T_ECHO_XOR) && m->w[4] == (5 ^ T_ECHO_XOR);
}

static void local_errors(void)
{
    struct v_msg m = { .code = T_ECHO };
    uint8_t b[8];
    v_pid_t from;
    int e1 = v_get_reply(&m, 100, &from), e2 = v_get_reply(0, 100, &from);

    t_check(e1 == V_EINVAL && e2 == V_EBADADDR && from == V_PID_NONE,
            "get_reply_without_group_send", "%d %d (want %d %d)", e1, e2, V_EINVAL, V_EBADADDR);
    double t0 = t_secs();
    m = (struct v_msg){ .code = T_ECHO, .flags = V_MSG_SEG_WRITE,
                        .seg_ptr = v_seg_addr(b, 8), .seg_len = 8 };
    int w = v_send(&m, G);
    m = (struct v_msg){ .code = T_ECHO, .flags = V_MSG_SEG_READ | V_MSG_NO_REPLY,
                        .seg_ptr = v_seg_addr(b, 8), .seg_len = 8 };
    int nr = v_send(&m, G);
    m = (struct v_msg){ .code = T_ECHO };
    int ng = v_send(&m, V_PID_GROUP_BIT | 0x00120000u);     /* local part 0: no group */
    t_check(w == V_EINVAL && nr == V_EINVAL && ng == V_EINVAL && t_secs() - t0 < 0.1,
            "group_send_refuses_write_grant_and_noreply_grant", "write %d, no-reply with "
            "grant %d, not a group %d, in %.3f s", w, nr, ng, t_secs() - t0);
    int j1 = v_join_group(0x80000000u, 0), j2 = v_join_group(V_GROUP_KERNEL_SERVERS, 0);
    int j3 = v_join_group(G, v_my_pid() + 1), j4 = v_join_group(G, G);
    int l1 = v_leave_group(GNONE, 0), l2 = v_leave_group(0x12345, 0);
    t_check(j1 == V_EINVAL && j2 == V_EINVAL && j3 == V_ENOPROC && j4 == V_EINVAL &&
            l1 == V_ENOTFOUND && l2 == V_EINVAL, "join_leave_errors",
            "join: %d %d %d %d, leave: %d %d", j1, j2, j3, j4, l1, l2);
    /* We join G too: our own Sends to G loop back to us and must not be delivered. */
    int a = v_join_group(G, 0), b2 = v_join_group(G, v_my_pid());
    t_check(a == V_OK && b2 == V_OK, "join_twice_is_harmless", "%d %d", a, b2);
}

/* The first reply completes the Send; GetReply takes the other, then V_ETIMEOUT once
 * the window (1 s after the first reply) has closed; the declining member and the
 * member of another group never answer. */
static void first_and_rest(void)
{
    struct v_msg m = { .code = T_ECHO, .w = { 1, 2, 3, 4, 5 } };
    v_pid_t first = 0;
    uint32_t bad;
    int last;
    double t0 = t_secs();
    int rc = v_send_r(&m, G, &first);
    double t1 = t_secs();

    t_check(rc == V_OK && (first == M[0] || first == M[1]) && echo_ok(&m) && t1 - t0 < 1,
            "group_send_first_reply", "rc %d replier 0x%08x in %.3f s", rc, first, t1 - t0);
    if (rc != V_OK)
        return;
    uint32_t who = collect(&m, first, echo_ok, &bad, &last);
    double t2 = t_secs();
    t_check(who == 3 && !bad && last == V_ETIMEOUT, "get_reply_takes_every_other_reply",
            "repliers 0x%x (want 0x3: M1 and M2 only), %u bad, ended %d", who, bad, last);
    t_check(t2 - t1 > 0.85 && t2 - t1 < 1.6, "get_reply_window_closes_after_1s",
            "V_ETIMEOUT %.3f s after the first reply", t2 - t1);
    t0 = t_secs();
    rc = v_get_reply(&m, 0, &first);
    t_check(rc == V_ETIMEOUT && t_secs() - t0 < 0.05, "get_reply_after_window",
            "%d in %.3f s", rc, t_secs() - t0);
}

static int gseg_ok(const struct v_msg *m)
{
    static uint8_t want[2000];

    t_fill(want, sizeof want, 7);
    return m->code == V_OK && m->w[0] == V_PROTO_MAX_DATA &&
           m->w[1] == t_sum(want, V_PROTO_MAX_DATA) && (int32_t)m->w[2] == V_ENOACCESS &&
           (int32_t)m->w[3] == V_ENOACCESS;
}

/* A READ grant's first 1,408 bytes travel with the request; the member can neither
 * reply with a segment nor MoveFrom the rest. */
static void read_grant(void)
{
    static uint8_t seg[2000];
    struct v_msg m = { .code = T_GSEG, .flags = V_MSG_SEG_READ,
                       .seg_ptr = v_seg_addr(seg, sizeof seg), .seg_len = sizeof seg };
    v_pid_t first = 0;
    uint32_t bad;
    int last;

    t_fill(seg, sizeof seg, 7);
    int rc = v_send_r(&m, G, &first);
    uint32_t who = rc == V_OK ? collect(&m, first, gseg_ok, &bad, &last) : 0;
    t_check(rc == V_OK && who == 3 && !bad, "group_read_grant_first_1408_bytes",
            "rc %d repliers 0x%x bad %u; last: got %u bytes, sum ok %d, reply-seg %d, "
            "move-from %d", rc, who, bad, m.w[0], gseg_ok(&m), (int32_t)m.w[2],
            (int32_t)m.w[3]);
}

/* V_MSG_NO_REPLY: back at once, m unchanged; every member executes it once, and a
 * Reply to it is refused. */
static void no_reply(void)
{
    struct v_msg before[4], after[4], gb[4], ga[4];
    struct v_msg m = { .code = T_COUNT, .flags = V_MSG_NO_REPLY, .w = { 100, 9, 9, 9, 9 } };
    struct v_msg copy = m;
    v_pid_t from = 1;

    for (int i = 0; i < 4; i++) {
        before[i] = stats_of(M[i], T_STATS);
        gb[i] = stats_of(M[i], T_GSTATS);
    }
    double t0 = t_secs();
    int rc = v_send_r(&m, G, &from);
    double dt = t_secs() - t0;
    t_check(rc == V_OK && !memcmp(&m, &copy, sizeof m) && from == V_PID_NONE && dt < 0.1,
            "group_send_without_reply_returns_at_once", "rc %d, unchanged %d, replier "
            "0x%08x, %.3f s", rc, !memcmp(&m, &copy, sizeof m), from, dt);
    v_delay(300);
    int ok = 1;
    for (int i = 0; i < 4; i++) {
        after[i] = stats_of(M[i], T_STATS);
        ga[i] = stats_of(M[i], T_GSTATS);
        uint32_t ex = after[i].w[2] - before[i].w[2], ref = ga[i].w[4] - gb[i].w[4];
        if (ex != (i < 3) || ref != (i < 3) || after[i].w[3]) {
            ok = 0;
            printf("# member %d: executed %u, reply refused %u, twice %u\n", i + 1, ex, ref,
                   after[i].w[3]);
        }
    }
    t_check(ok, "group_send_without_reply_reaches_members_once", "see the # lines");
    rc = v_get_reply(&m, 100, &from);
    t_check(rc == V_ETIMEOUT, "get_reply_after_send_without_reply", "%d", rc);
}

/* Members that take 2 s answer PENDING to the retransmissions, so the Send outlives the
 * 1.5 s no-answer bound and completes. */
static void pending(void)
{
    struct v_msg m = { .code = T_DELAY, .w = { 2000 } };
    v_pid_t first = 0;
    double t0 = t_secs();
    int rc = v_send_r(&m, G, &first);
    double dt = t_secs() - t0;

    t_check(rc == V_OK && m.code == V_OK && dt > 1.9 && dt < 3.5 &&
            (first == M[0] || first == M[1]), "group_send_waits_for_pending_members",
            "rc %d code %d replier 0x%08x after %.3f s", rc, v_msg_reply_code(&m), first, dt);
}

static void no_members(void)
{
    struct v_msg m = { .code = T_ECHO };
    double t0 = t_secs();
    int rc = v_send(&m, GNONE);
    double dt = t_secs() - t0;

    t_check(rc == V_ETIMEOUT && dt > 1.4 && dt < 2.5, "group_without_members_times_out",
            "rc %d after %.3f s (want V_ETIMEOUT after 1.5 s)", rc, dt);
}

/* Who got what: the declining member got requests and declined them; the member of the
 * other group got them at its address and dropped them, with no NACK; we, a member of
 * G, never had our own requests delivered. */
static void who_got_what(void)
{
    struct v_msg d = stats_of(M[2], T_GSTATS), o = stats_of(M[3], T_GSTATS);
    const struct v_host_stats *me = v_host_stats();

    t_check(d.w[0] >= 4 && d.w[2] >= 3 && d.w[3] == 0, "declining_member_got_and_declined",
            "queued %u, declined %u, nacks %u", d.w[0], d.w[2], d.w[3]);
    t_check(o.w[0] == 0 && o.w[1] >= 4 && o.w[3] == 0, "other_group_at_same_address_drops",
            "queued %u, dropped %u, nacks %u", o.w[0], o.w[1], o.w[3]);
    t_check(me->group_requests == 0 && me->group_not_member >= 4 && me->nacks_sent == 0,
            "own_group_send_not_delivered_to_self", "queued %u, dropped %u, nacks %u",
            me->group_requests, me->group_not_member, me->nacks_sent);
}

static void case_basic(void)
{
    local_errors();
    first_and_rest();
    read_grant();
    no_reply();
    pending();
    no_members();
    who_got_what();
}

/* N counted group Sends: every one answered with a first execution, each member ran
 * each exactly once (the duplicates and retransmissions were answered, not run). Under
 * V_TEST_LOSS a Send may fail when all its copies are lost (5 in 1.5 s: 0.3^5 = 0.24 %
 * at 30 %): up to 2 of them may, and no member may have run those. */
static void case_amo(uint32_t base, uint32_t n)
{
    struct v_msg before[3], after[3], m;
    uint32_t ok = 0, firsts = 0, i, lossy = v_host_stats()->test_lost || getenv("V_TEST_LOSS");

    for (i = 0; i < 3; i++)
        before[i] = stats_of(M[i], T_STATS);
    for (i = 0; i < n; i++) {
        v_pid_t from;
        int rc = call(G, T_COUNT, base + i, &m);
        firsts += rc == V_OK && m.w[0] == base + i && m.w[1] == 1;
        ok += rc == V_OK;
        while (rc == V_OK)
            rc = v_get_reply(&m, 0, &from);
    }
    v_delay(300);
    int once = 1;
    for (i = 0; i < 3; i++) {
        after[i] = stats_of(M[i], T_STATS);
        if (after[i].w[2] - before[i].w[2] != ok || after[i].w[3]) {
            once = 0;
            printf("# member %u: executed %u, %u answered, twice %u\n", i + 1,
                   after[i].w[2] - before[i].w[2], ok, after[i].w[3]);
        }
    }
    t_check(ok + (lossy ? 2 : 0) >= n && firsts == ok, "group_sends_all_answered",
            "%u of %u answered, %u first executions", ok, n, firsts);
    t_check(once, "group_each_member_executes_each_once", "see the # lines");
    const struct v_host_stats *st = v_host_stats();
    uint32_t dups = 0;
    for (i = 0; i < 3; i++)
        dups += after[i].w[4] - before[i].w[4];
    if (st->test_dups)
        t_check(dups > 0, "group_duplicates_answered_by_members", "%u answered", dups);
    if (st->test_lost)
        t_check(st->retransmits > 0, "group_requests_retransmitted_after_loss",
                "%u lost, %u resent", st->test_lost, st->retransmits);
}

/* The set of repliers to one T_ECHO (bitmap over M[]). */
static uint32_t repliers(void)
{
    struct v_msg m = { .code = T_ECHO, .w = { 1, 2, 3, 4, 5 } };
    v_pid_t first;
    uint32_t bad;
    int last;

    if (v_send_r(&m, G, &first) != V_OK)
        return 0;
    return collect(&m, first, echo_ok, &bad, &last);
}

static void case_leave(void)
{
    struct v_msg r;
    uint32_t w0 = repliers();
    int rc = call(M[1], T_LEAVE, G, &r);

    t_check(rc == V_OK && r.w[0] == V_OK && (int32_t)r.w[1] == V_ENOTFOUND,
            "member_leaves_once", "rc %d leave %d again %d", rc, (int32_t)r.w[0],
            (int32_t)r.w[1]);
    uint32_t w1 = repliers();
    rc = call(M[1], T_JOIN, G, &r);
    uint32_t w2 = repliers();
    t_check(w0 == 3 && w1 == 1 && rc == V_OK && r.w[0] == V_OK && w2 == 3,
            "left_member_is_not_asked_and_joins_again", "repliers before 0x%x, after "
            "leaving 0x%x, after joining again 0x%x (join %d)", w0, w1, w2, (int32_t)r.w[0]);
}

static uint32_t miss_id;           /* the T_COUNT id case_miss's replies must carry */

static int miss_ok(const struct v_msg *m)
{
    return m->code == V_OK && m->w[0] == miss_id && m->w[1] == 1;
}

/* Members M2 and M3 drop the first copy of every group request (V_TEST_MISS_FIRST), so
 * M1 answers first and they hear only the client's repeats, sent while the reply window
 * is open. N counted group Sends: GetReply collects all three members' replies each
 * time, half of them only after a 400 ms Delay (repeats go out in any wait, not just
 * GetReply's); every member executed each Send once; the members' answers to repeats
 * (M1's cached reply) were dropped as duplicates; M2 and M3 really missed N first
 * copies each. Fails with a sender that stops repeating at the first reply. */
static void case_miss(uint32_t base, uint32_t n)
{
    struct v_msg before[3], after[3], tb[3], ta[3], m;
    uint32_t all = 0, answered = 0, by_m1 = 0, bad_total = 0, got[3] = { 0 }, i, k;
    const struct v_host_stats *st = v_host_stats();
    uint32_t replies0 = st->group_replies, late0 = st->group_late;

    for (k = 0; k < 3; k++) {
        before[k] = stats_of(M[k], T_STATS);
        tb[k] = stats_of(M[k], T_TSTATS);
    }
    for (i = 0; i < n; i++) {
        v_pid_t first = 0;
        uint32_t bad, who;
        int last, rc;

        miss_id = base + i;
        m = (struct v_msg){ .code = T_COUNT, .w = { miss_id } };
        if ((rc = v_send_r(&m, G, &first)) != V_OK) {
            printf("# send %u: %s\n", i, v_strerror(rc));
            continue;
        }
        answered++;
        by_m1 += first == M[0];
        if (i % 2)
            v_delay(400);
        who = collect(&m, first, miss_ok, &bad, &last);
        bad_total += bad;
        all += who == 7 && last == V_ETIMEOUT;
        for (k = 0; k < 3; k++)
            got[k] += (who >> k) & 1;
        if (who != 7)
            printf("# send %u: repliers 0x%x (want 0x7), first 0x%08x\n", i, who, first);
    }
    printf("# miss: %u of %u Sends got all 3 replies (M1 %u, M2 %u, M3 %u); M1 first in "
           "%u\n", all, n, got[0], got[1], got[2], by_m1);
    t_check(answered == n && all == n && !bad_total, "group_member_missing_first_copy_answers",
            "%u of %u Sends answered, %u got all 3 replies in the window (M1 %u, M2 %u, "
            "M3 %u), %u bad", answered, n, all, got[0], got[1], got[2], bad_total);
    v_delay(300);
    int once = 1, missed = 1;
    for (k = 0; k < 3; k++) {
        after[k] = stats_of(M[k], T_STATS);
        ta[k] = stats_of(M[k], T_TSTATS);
        uint32_t ex = after[k].w[2] - before[k].w[2], ms = ta[k].w[2] - tb[k].w[2];
        if (ex != answered || after[k].w[3]) {
            once = 0;
            printf("# member %u: executed %u, %u answered, twice %u\n", k + 1, ex,
                   answered, after[k].w[3]);
        }
        if (ms != (k ? n : 0)) {
            missed = 0;
            printf("# member %u: missed %u first copies (want %u)\n", k + 1, ms, k ? n : 0);
        }
    }
    t_check(once, "group_missing_members_execute_each_once", "see the # lines");
    t_check(missed, "group_members_missed_every_first_copy", "see the # lines");
    t_check(st->group_replies - replies0 == 3 * answered && st->group_late - late0 > 0 &&
            st->retransmits > 0, "group_repeat_answers_dropped_as_duplicates",
            "%u replies taken (want %u), %u duplicates dropped, %u resent",
            st->group_replies - replies0, 3 * answered, st->group_late - late0,
            st->retransmits);
}

int main(int argc, char **argv)
{
    const char *c = argc > 1 ? argv[1] : "";
    int rc;

    if ((rc = v_host_init()) < 0) {
        fprintf(stderr, "hgroup: %s\n", v_strerror(rc));
        return 1;
    }
    if (!strcmp(c, "basic") && argc == 8) {
        G = t_num(argv[2]);
        GNONE = t_num(argv[3]);
        for (int i = 0; i < 4; i++)
            M[i] = t_num(argv[4 + i]);
        case_basic();
    } else if (!strcmp(c, "amo") && argc == 8) {
        G = t_num(argv[2]);
        for (int i = 0; i < 3; i++)
            M[i] = t_num(argv[5 + i]);
        case_amo(t_num(argv[3]), t_num(argv[4]));
    } else if (!strcmp(c, "miss") && argc == 8) {
        G = t_num(argv[2]);
        for (int i = 0; i < 3; i++)
            M[i] = t_num(argv[5 + i]);
        case_miss(t_num(argv[3]), t_num(argv[4]));
    } else if (!strcmp(c, "leave") && argc == 5) {
        G = t_num(argv[2]);
        M[0] = t_num(argv[3]);
        M[1] = t_num(argv[4]);
        case_leave();
    } else {
        fprintf(stderr, "hgroup: bad case '%s' or arguments\n", c);
        return 2;
    }
    return t_failures() ? 1 : 0;
}
