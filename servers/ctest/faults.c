/*
 * faults.c - the client half of the fault tests (tests/cluster/faults.sh), run on node 1
 * as `ctest faults`. The host drives it: it injects the faults (a lossy, duplicating,
 * reordering VDE wire in front of node 2; killing node 2's QEMU) and tells this program
 * when to run each phase with a CT_GO message (the host speaks the protocol over UDP).
 * Worker threads report to the main thread with CT_DONE; only the main thread prints.
 *
 *   CT_GO w0=1 (w1=transactions, w2=threads, w3=slow ms): start the 30 s slow Send to
 *        node 3 (test 3, runs alongside), then the at-most-once run against node 2 under
 *        loss (test 1); prints `faults: loss phase done` when it is over.
 *   CT_GO w0=2 (w1=senders): block that many Sends on node 2's server (CT_SLOW, 120 s);
 *        prints `faults: N senders blocked on node 2` once they are waiting.
 *   CT_GO w0=3: node 2 was killed just now; each blocked sender must fail with
 *        V_ETIMEOUT within the documented bound, and node 3 must still answer.
 *   CT_GO w0=4 (w1=IPv4): node 2 is about to boot again at that address (test 5). Node 1
 *        must tell its members V_EV_LHOST_MOVED when it hears from node 2's logical host
 *        there, and then reach node 2's kernel server at the new address; prints
 *        `faults: move phase done` (or fails after MOVE_WAIT_MS).
 * When all four tests are over it prints `ctest: N passed, M failed` and halts the node.
 */
#include "ctest.h"
#include <v/group.h>
#include <stdio.h>
#include <string.h>

#define KILL_BOUND_MS 6100u    /* docs/PROTOCOL.md: 6 s after the last PENDING, + a tick */
#define MAX_BLOCKED   8
#define MOVE_WAIT_MS  40000u   /* node 2's boot (under load) and its first NODE_UP */

enum { K_LOSS = 1, K_BLOCK, K_SLOW, K_MOVE };

static uint32_t passed, failed;
static v_pid_t me, s2, s3;

#define CHECK(name, cond, ...) do {                                                  \
        if (cond) { passed++; printf("PASS faults/%s\n", name); }                      \
        else { failed++; printf("FAIL faults/%s: ", name); printf(__VA_ARGS__); printf("\n"); } \
    } while (0)

static uint32_t now_ms(void) { return (uint32_t)(v_time_ns() / 1000000u); }

static v_pid_t ks_of(uint32_t node) { return v_pid_make(v_lhost_make(node, 0), V_LOCAL_KERNEL_SERVER); }

static int net_stats(uint32_t node, struct v_net_stats *st)
{
    struct v_msg m = { .code = KS_NET_STATS, .flags = V_MSG_SEG_WRITE, .seg_ptr = (uint32_t)st,
                       .seg_len = sizeof(*st) };
    memset(st, 0, sizeof(*st));
    int err = v_send(&m, ks_of(node));
    return err ? err : v_msg_reply_code(&m);
}

static uint32_t malformed(const struct v_net_stats *st)
{
    uint32_t n = 0;
    for (int i = 0; i < 9; i++)
        n += st->malformed[i];
    return n;
}

/* A worker's result to the main thread. */
static void report(uint32_t kind, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    struct v_msg m = { .code = CT_DONE, .w = { kind, a, b, c, d } };
    v_send(&m, me);
}

static void start(void (*fn)(uint32_t), uint32_t arg)
{
    if (v_thread_start(fn, arg, 4, 8192, 0) != V_OK) {
        failed++;
        printf("FAIL faults/thread_start: cannot start a thread\n");
    }
}

/* ---- test 1: at most once under loss, duplication and reordering ---- */

static uint32_t loss_n, loss_threads;

/* Thread id's share of the run: n spread over the threads, the first ones one more. */
static uint32_t share(uint32_t id) { return loss_n / loss_threads + (id < loss_n % loss_threads); }

static uint32_t check_word(uint32_t id, uint32_t seq) { return (id * 0x9e3779b9u) ^ (seq * 2654435761u) ^ 0x5a5a; }

/* Two MoveTos into one grant in one transaction (CT_FILL2), 100 KiB each: three packet
 * groups, in flight together (the move's window). Under loss the second move must not
 * be taken for the first: every byte must be the second pattern's. Returns 0 if right. */
#define FILL2_BYTES (100u * 1024u)
static uint8_t fill2_buf[CT_COUNT_THREADS][FILL2_BYTES];
static int fill2_check(uint32_t id, uint32_t seq)
{
    uint8_t *b = fill2_buf[id];
    memset(b, 0, FILL2_BYTES);
    struct v_msg m = { .code = CT_FILL2, .flags = V_MSG_SEG_WRITE, .seg_ptr = (uint32_t)b,
                       .seg_len = FILL2_BYTES, .w = { seq } };
    if (v_send(&m, s2) || v_msg_reply_code(&m))
        return 1;
    for (uint32_t i = 0; i < FILL2_BYTES; i++)
        if (b[i] != (uint8_t)(seq + 1 + i * 13))
            return 1;
    return 0;
}

static void loss_thread(uint32_t id)
{
    uint32_t ok = 0, bad = 0, errs = 0;
    int first = 0;
    for (uint32_t seq = 0, n = share(id); seq < n; seq++) {
        if (seq % 200 == 199 && fill2_check(id, seq))
            bad++;
        struct v_msg m = { .code = CT_COUNT, .w = { id, seq, check_word(id, seq), 0, 0 } };
        int err = v_send(&m, s2);
        if (err) {
            errs++;                          /* never retried: it may have been executed */
            if (!first)
                first = err;
        } else if (v_msg_reply_code(&m) || m.w[0] != id || m.w[1] != seq ||
                   m.w[2] != check_word(id, seq) + 1 || m.w[3] != 1) {
            bad++;
        } else {
            ok++;
        }
    }
    report(K_LOSS, ok, bad, errs, (uint32_t)first);
}

static struct {
    uint32_t n, threads, left, t0, ok, bad, errs;
    int first_err;
    struct v_net_stats n1, n2;
} loss;

static void loss_start(uint32_t n, uint32_t threads)
{
    if (threads < 1 || threads > CT_COUNT_THREADS)
        threads = 16;
    if (n < threads || n / threads >= CT_COUNT_SEQS)
        n = 10000;
    loss_n = n;
    loss_threads = threads;
    memset(&loss, 0, sizeof(loss));
    loss.n = n;
    loss.threads = threads;
    loss.left = threads;
    struct v_msg m = { .code = CT_COUNT_STATS, .w = { 1 } };   /* reset the server's counts */
    int err = v_send(&m, s2);
    int e1 = net_stats(1, &loss.n1), e2 = net_stats(2, &loss.n2);
    CHECK("loss_setup", !err && !e1 && !e2, "reset %d, stats of node 1 %d, node 2 %d", err, e1, e2);
    printf("  test 1: %u transactions node 1 -> node 2 in %u threads, through the lossy wire\n",
           loss.n, threads);
    loss.t0 = now_ms();
    for (uint32_t i = 0; i < threads; i++)
        start(loss_thread, i);
}

/* Group Sends through the same lossy wire: CT_GROUP has members on node 2 (lossy) and
 * node 3 (clean). Each member executes each request at most once; the first reply always
 * comes; the request is repeated while the reply window is open, so node 2 answers
 * nearly every Send (it misses one only if every copy or its reply is lost). */
#define GROUP_ROUNDS 200
static void loss_group(void)
{
    const uint32_t thread = CT_COUNT_THREADS - 1;        /* not used by the loss threads */
    uint32_t firsts = 0, from2 = 0, from3 = 0, bad = 0, errs = 0;
    for (int k = 0; k < 2; k++) {
        struct v_msg m = { .code = CT_COUNT_STATS, .w = { 1 } };
        v_send(&m, k ? s3 : s2);
    }
    for (uint32_t seq = 0; seq < GROUP_ROUNDS; seq++) {
        struct v_msg m = { .code = CT_COUNT, .w = { thread, seq, check_word(thread, seq) } };
        v_pid_t from;
        int got = 0;
        if (v_send_r(&m, CT_GROUP, &from)) {
            errs++;
            continue;
        }
        firsts++;
        do {
            int bit = from == s2 ? 1 : 2;
            if (v_msg_reply_code(&m) || m.w[1] != seq || m.w[3] != 1 ||
                (from != s2 && from != s3) || (got & bit))
                bad++;                   /* wrong, or the same member twice */
            got |= bit;
        } while (got != 3 && v_get_reply(&m, V_GROUP_WINDOW_MS, &from) == V_OK);
        from2 += got & 1;
        from3 += (got >> 1) & 1;
    }
    struct v_msg st[2];
    int e[2];
    for (int k = 0; k < 2; k++) {
        st[k] = (struct v_msg){ .code = CT_COUNT_STATS };
        e[k] = v_send(&st[k], k ? s3 : s2);
    }
    printf("  group: %u sends, %u first replies, node 2 answered %u, node 3 %u; node 2 ran %u "
           "(%u twice), node 3 ran %u (%u twice)\n", GROUP_ROUNDS, firsts, from2, from3,
           st[0].w[0], st[0].w[1], st[1].w[0], st[1].w[1]);
    CHECK("loss_group_send_always_gets_a_first_reply", firsts == GROUP_ROUNDS && !bad && !errs,
          "%u of %u, %u wrong, %u failed", firsts, GROUP_ROUNDS, bad, errs);
    CHECK("loss_group_members_never_execute_twice",
          !e[0] && !e[1] && st[0].w[1] == 0 && st[1].w[1] == 0 && st[1].w[0] == GROUP_ROUNDS &&
          st[0].w[0] <= GROUP_ROUNDS, "node 2: %u runs %u twice; node 3: %u runs %u twice",
          st[0].w[0], st[0].w[1], st[1].w[0], st[1].w[1]);
    CHECK("loss_group_replies_from_every_member", from3 == GROUP_ROUNDS &&
          from2 >= GROUP_ROUNDS * 99 / 100, "node 2 answered %u, node 3 %u of %u", from2,
          from3, GROUP_ROUNDS);
}

/* 100 group Sends to the kernel servers of the 3 nodes (node 2's behind the lossy wire):
 * at least 99 collect all 3 replies within the window, each node's exactly once. */
#define KS_ROUNDS 100
static void loss_group_kernels(void)
{
    uint32_t all3 = 0, twice = 0, errs = 0, heard[4] = { 0 };
    for (uint32_t r = 0; r < KS_ROUNDS; r++) {
        struct v_msg m = { .code = KS_NODE_INFO };
        v_pid_t from;
        uint32_t got = 0;
        if (v_send_r(&m, V_GROUP_KERNEL_SERVERS, &from)) {
            errs++;
            continue;
        }
        do {
            uint32_t node = v_lhost_home_node(v_pid_lhost(from));
            uint32_t bit = node >= 1 && node <= 3 && from == ks_of(node) ? 1u << node : 1u;
            twice += (got & bit) != 0;
            got |= bit;
        } while (got != 0xe && v_get_reply(&m, V_GROUP_WINDOW_MS, &from) == V_OK);
        all3 += got == 0xe;
        for (uint32_t k = 1; k <= 3; k++)
            heard[k] += (got >> k) & 1;
    }
    printf("  group Sends to the kernel servers: %u of %u heard all 3 nodes (node 1 %u, 2 %u, "
           "3 %u)\n", all3, KS_ROUNDS, heard[1], heard[2], heard[3]);
    CHECK("loss_group_kernel_servers_all_reply", all3 >= KS_ROUNDS * 99 / 100 && !twice && !errs,
          "%u of %u with 3 replies, %u repeats, %u failed", all3, KS_ROUNDS, twice, errs);
}

static void loss_done(const struct v_msg *r)
{
    loss.ok += r->w[1];
    loss.bad += r->w[2];
    loss.errs += r->w[3];
    if (!loss.first_err)
        loss.first_err = (int)r->w[4];
    if (--loss.left)
        return;
    uint32_t ms = now_ms() - loss.t0;
    struct v_msg m = { .code = CT_COUNT_STATS };
    int err = v_send(&m, s2);
    struct v_net_stats a1, a2;
    int e1 = net_stats(1, &a1), e2 = net_stats(2, &a2);
    printf("  %u transactions in %u ms (%u per second); %u answered right, %u wrong, %u failed "
           "(first error %d)\n", loss.n, ms, ms ? loss.n * 1000u / ms : 0, loss.ok, loss.bad,
           loss.errs, loss.first_err);
    printf("  server executions %u, repeated %u, distinct %u, refused %u\n",
           m.w[0], m.w[1], m.w[2], m.w[3]);
    printf("  node 1 (client): %u retransmissions, %u given up, %u packets out, %u in\n",
           a1.retransmits - loss.n1.retransmits, a1.give_ups - loss.n1.give_ups,
           a1.tx - loss.n1.tx, a1.rx - loss.n1.rx);
    printf("  node 2 (server): %u duplicates answered (PENDING or cached reply), %u stale "
           "dropped, %u retransmissions, %u malformed, %u packets in\n",
           a2.duplicates - loss.n2.duplicates, a2.stale - loss.n2.stale,
           a2.retransmits - loss.n2.retransmits, malformed(&a2) - malformed(&loss.n2),
           a2.rx - loss.n2.rx);
    CHECK("loss_every_transaction_completes_with_the_right_reply",
          loss.ok == loss.n && !loss.bad && !loss.errs,
          "%u of %u right, %u wrong, %u failed (first error %d)", loss.ok, loss.n, loss.bad,
          loss.errs, loss.first_err);
    CHECK("loss_no_transaction_executed_twice",
          !err && !v_msg_reply_code(&m) && m.w[0] == loss.n && m.w[1] == 0 && m.w[2] == loss.n,
          "err %d: %u executions, %u repeated, %u distinct of %u", err, m.w[0], m.w[1], m.w[2],
          loss.n);
    CHECK("loss_faults_were_injected_and_recovered",
          !e1 && !e2 && a1.retransmits - loss.n1.retransmits > 0 &&
          a2.duplicates - loss.n2.duplicates > 0,
          "stats %d/%d: %u retransmissions, %u duplicates", e1, e2,
          a1.retransmits - loss.n1.retransmits, a2.duplicates - loss.n2.duplicates);
    loss_group();
    loss_group_kernels();
    printf("faults: loss phase done\n");
}

/* ---- test 2: the server's node dies while senders wait on it ---- */

static struct {
    uint32_t n, left, t_kill, t_blocked, worst, best, etimeout;
    int other;
    struct v_net_stats n1;
} blk;

static void block_thread(uint32_t i)
{
    (void)i;
    struct v_msg m = { .code = CT_SLOW, .w = { 120000 } };
    uint32_t t0 = now_ms();
    int err = v_send(&m, s2);
    report(K_BLOCK, (uint32_t)err, now_ms(), t0, 0);
}

static void block_start(uint32_t n)
{
    if (n < 1 || n > MAX_BLOCKED)
        n = 4;
    memset(&blk, 0, sizeof(blk));
    blk.n = blk.left = n;
    blk.best = ~0u;
    net_stats(1, &blk.n1);
    for (uint32_t i = 0; i < n; i++)
        start(block_thread, i);
    v_delay(1500);                       /* every one has been answered PENDING by now */
    blk.t_blocked = now_ms();
    printf("faults: %u senders blocked on node 2\n", n);
}

static void block_done(const struct v_msg *r)
{
    int err = (int)r->w[1];
    if (err == V_ETIMEOUT)
        blk.etimeout++;
    else if (!blk.other)
        blk.other = err ? err : 1;
    if (blk.t_kill) {
        uint32_t d = r->w[2] - blk.t_kill;
        if (d > blk.worst)
            blk.worst = d;
        if (d < blk.best)
            blk.best = d;
    } else {
        blk.other = blk.other ? blk.other : 2;   /* ended before node 2 was killed */
    }
    if (--blk.left)
        return;
    printf("faults: all %u senders failed\n", blk.n);   /* the host times this line */
    struct v_net_stats a1;
    net_stats(1, &a1);
    printf("  test 2: %u senders failed %u..%u ms after node 2 was killed (bound %u ms); "
           "node 1 gave up %u transactions\n", blk.n, blk.best, blk.worst, KILL_BOUND_MS,
           a1.give_ups - blk.n1.give_ups);
    CHECK("kill_every_blocked_sender_gets_etimeout", blk.etimeout == blk.n,
          "%u of %u got V_ETIMEOUT (another result: %d)", blk.etimeout, blk.n, blk.other);
    CHECK("kill_senders_fail_within_the_documented_bound", blk.t_kill && blk.worst <= KILL_BOUND_MS,
          "worst %u ms after the kill (bound %u)", blk.worst, KILL_BOUND_MS);
    struct v_node_info ni = { 0 };
    uint32_t t0 = now_ms();
    int e = v_ks_node_info(ks_of(3), &ni, 0, 0);
    CHECK("kill_node1_still_talks_to_node3", !e && ni.node == 3,
          "kernel server of node 3: err %d node %u after %u ms", e, ni.node, now_ms() - t0);
    /* a group with a member on the dead node: the live member answers, the dead one is
     * simply not heard from (there is no cluster-wide member list to clean up) */
    struct v_msg g = { .code = CT_GECHO, .w = { 41 } };
    v_pid_t from = 0, more = 0;
    t0 = now_ms();
    e = v_send_r(&g, CT_GROUP, &from);
    uint32_t first_ms = now_ms() - t0;
    int again = v_get_reply(&g, 500, &more);
    CHECK("kill_group_send_answered_by_the_live_member",
          !e && from == s3 && g.w[0] == 42 && again == V_ETIMEOUT && first_ms < 1000,
          "err %d from 0x%08x (node 3 is 0x%08x) after %u ms; GetReply %d from 0x%08x", e, from,
          s3, first_ms, again, more);
    printf("faults: kill phase done\n");
}

/* ---- test 3: a receiver that takes 30 s to reply ---- */

static struct {
    uint32_t ms;
    struct v_net_stats n3;
} slow;

static void slow_thread(uint32_t ms)
{
    struct v_msg m = { .code = CT_SLOW, .w = { ms } };
    uint32_t t0 = now_ms();
    int err = v_send(&m, s3);
    report(K_SLOW, (uint32_t)(err ? err : v_msg_reply_code(&m)), now_ms() - t0, 0, 0);
}

static void slow_start(uint32_t ms)
{
    slow.ms = ms ? ms : 30000;
    net_stats(3, &slow.n3);
    printf("  test 3: a Send to node 3 whose receiver replies after %u ms (alongside)\n", slow.ms);
    start(slow_thread, slow.ms);
}

static void slow_done(const struct v_msg *r)
{
    int err = (int)r->w[1];
    uint32_t ms = r->w[2];
    struct v_net_stats a3;
    int e3 = net_stats(3, &a3);
    uint32_t pend = a3.duplicates - slow.n3.duplicates;
    printf("  test 3: the reply came after %u ms (receiver's delay %u ms); node 3 answered %u "
           "probes with PENDING\n", ms, slow.ms, pend);
    /* Node 3 times the delay and node 1 the wait: allow 1% between their clocks. */
    CHECK("slow_receiver_is_waited_for", !err && ms + slow.ms / 100 >= slow.ms &&
          ms < slow.ms + 2000, "err %d after %u ms", err, ms);
    CHECK("slow_receiver_kept_alive_by_pending", !e3 && pend + 3 >= slow.ms / 1000,
          "stats %d: %u PENDING answers in %u ms", e3, pend, ms);
}

/* ---- test 5: a logical host that moves ---- */

static struct {
    uint32_t ipv4, t0;
    int watching;
} mv;

static void move_watchdog(uint32_t ms)
{
    v_delay(ms);
    report(K_MOVE, 0, 0, 0, 0);
}

/* Node 1 takes both event groups: EV_NODE, so that the bridge brings it node 2's
 * multicast NODE_UP (the first thing node 2 sends, from its kernel server), and
 * EV_LHOST_MOVED, which node 1's kernel then sends to its members. */
static void move_start(uint32_t ipv4)
{
    mv.ipv4 = ipv4;
    mv.t0 = now_ms();
    int e1 = v_join_group(V_GROUP_EV_LHOST_MOVED, 0), e2 = v_join_group(V_GROUP_EV_NODE, 0);
    CHECK("move_joined_event_groups", !e1 && !e2, "EV_LHOST_MOVED %d, EV_NODE %d", e1, e2);
    mv.watching = 1;
    start(move_watchdog, MOVE_WAIT_MS);
    printf("faults: watching for node 2 at %u.%u.%u.%u\n", ipv4 >> 24, (ipv4 >> 16) & 255,
           (ipv4 >> 8) & 255, ipv4 & 255);
}

/* The event (m), or the watchdog's word that none came (m = 0). */
static void move_done(const struct v_msg *m)
{
    mv.watching = 0;
    if (!m) {
        CHECK("move_event_lhost_moved", 0, "no V_EV_LHOST_MOVED for node 2 in %u ms",
              MOVE_WAIT_MS);
        printf("faults: move phase done\n");
        return;
    }
    uint32_t ms = now_ms() - mv.t0;
    printf("  test 5: V_EV_LHOST_MOVED lhost 0x%03x from node %u to node %u at 0x%08x, "
           "%u ms after the go\n", m->w[0], m->w[1], m->w[2], m->w[3], ms);
    CHECK("move_event_lhost_moved", m->w[0] == v_lhost_make(2, 0) && m->w[1] == 2 &&
          m->w[2] == 2 && m->w[3] == mv.ipv4, "w0 0x%x w1 %u w2 %u w3 0x%08x (want 0x%x 2 2 0x%08x)",
          m->w[0], m->w[1], m->w[2], m->w[3], v_lhost_make(2, 0), mv.ipv4);
    struct v_node_info ni = { 0 };
    int e = v_ks_node_info(ks_of(2), &ni, 0, 0);
    CHECK("move_node2_reached_at_its_new_address", !e && ni.node == 2 && ni.ipv4 == mv.ipv4,
          "err %d node %u at 0x%08x", e, ni.node, ni.ipv4);
    v_leave_group(V_GROUP_EV_NODE, 0);
    v_leave_group(V_GROUP_EV_LHOST_MOVED, 0);
    printf("faults: move phase done\n");
}

/* Which tests are over, by kind (K_*): faults_run goes on until all four are. */
static int over[K_MOVE + 1];

/* A kernel event (no reply): node 2's logical host moved ends the move test. */
static void faults_event(const struct v_msg *m)
{
    if (m->code == V_EV_LHOST_MOVED && mv.watching && m->w[0] == v_lhost_make(2, 0)) {
        move_done(m);
        over[K_MOVE] = 1;
    }
}

/* A worker's CT_DONE (replied to already): its test's result, and whether it is over. */
static void faults_done(const struct v_msg *m)
{
    switch (m->w[0]) {
    case K_LOSS:  loss_done(m); over[K_LOSS] = !loss.left; break;
    case K_BLOCK: block_done(m); over[K_BLOCK] = !blk.left; break;
    case K_SLOW:  slow_done(m); over[K_SLOW] = 1; break;
    case K_MOVE:
        if (mv.watching) {
            move_done(0);
            over[K_MOVE] = 1;
        }
        break;
    }
}

/* The host's CT_GO (replied to already): start phase w0. t is when it came, taken
 * before the reply, since for phase 3 the kill came first. */
static void faults_go(const struct v_msg *m, uint32_t t)
{
    switch (m->w[0]) {
    case 1:
        slow_start(m->w[3]);
        loss_start(m->w[1], m->w[2]);
        break;
    case 2:
        block_start(m->w[1]);
        break;
    case 3:
        blk.t_kill = t;
        printf("  node 2 killed %u ms after the senders were blocked\n", t - blk.t_blocked);
        break;
    case 4:
        move_start(m->w[1]);
        break;
    }
}

/* The main thread's receive loop: the host's CT_GOs, the workers' CT_DONEs and node
 * events, until all four tests are over. */
static void faults_run(void)
{
    while (!(over[K_LOSS] && over[K_BLOCK] && over[K_SLOW] && over[K_MOVE])) {
        struct v_msg m;
        v_pid_t from;
        if (v_receive(&m, &from))
            continue;
        if (m.code == V_EV_LHOST_MOVED || m.code == V_EV_NODE_UP || m.code == V_EV_NODE_DOWN) {
            faults_event(&m);
            continue;                    /* events need no reply */
        }
        struct v_msg r = m;
        r.code = V_OK;
        if (m.code == CT_DONE) {
            v_reply(&r, from);
            faults_done(&m);
            continue;
        }
        if (m.code != CT_GO) {
            r.code = (uint16_t)V_EBADCALL;
            v_reply(&r, from);
            continue;
        }
        uint32_t t = now_ms();                   /* before the reply: the kill came first */
        v_reply(&r, from);
        faults_go(&m, t);
    }
}

int ct_faults(void)
{
    me = v_my_pid();
    s2 = ct_find(2, "ctest", 100);
    s3 = ct_find(3, "ctest", 100);
    CHECK("servers_found", s2 && s3, "node 2: 0x%08x node 3: 0x%08x", s2, s3);
    if (!s2 || !s3) {
        printf("ctest: %u passed, %u failed\n", passed, failed);
        v_ks_halt(1);
        return 1;
    }
    printf("faults: client ready pid 0x%08x\n", me);
    faults_run();
    struct v_msg e = { .code = CT_ECHO, .w = { 41, 1, 2, 3, 0 } };
    int err = v_send(&e, s3);
    CHECK("node3_server_answers_after_the_faults", !err && e.w[0] == 42 && e.w[4] == me,
          "err %d w0 %u", err, e.w[0]);
    printf("ctest: %u passed, %u failed\n", passed, failed);
    v_ks_halt(failed ? 1 : 0);
    return 0;
}
