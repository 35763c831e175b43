/* client_naming.c - the ctest client's tests of naming by multicast (ct_test_naming):
 * misses, cache hits, context groups, registration, stale names and their successors,
 * and many clients resolving at once. */
#include "client.h"
#include <string.h>
#include <v/group.h>
#include <v/name.h>

/* ---- naming by multicast ---- */

static uint32_t net_tx(void)
{
    struct v_net_stats st;
    return ct_net_stats(&st) ? 0 : st.tx;
}

static volatile int svc_ready;
static void svc_thread(uint32_t unused)
{
    (void)unused;
    svc_ready = v_name_register("[svc]", 0, 3, V_NAME_REG_UNIQUE) == V_OK ? 1 : -1;
    v_delay(60000);
}

static void svc_thread_idle(uint32_t unused)
{
    (void)unused;
    v_delay(60000);
}

/* How many of this node's name handler's registrations are exactly prefix (-1: error). */
static int listed_here(const char *prefix)
{
    static struct v_name_record recs[16];
    v_pid_t h = 0;
    struct v_msg q = { .code = NAME_LIST, .flags = V_MSG_SEG_WRITE,
                       .seg_ptr = (uint32_t)recs, .seg_len = sizeof(recs) };
    if (v_get_pid(V_LOGICAL_NAME, &h) || v_send(&q, h) || v_msg_reply_code(&q))
        return -1;
    int n = 0;
    for (uint32_t k = 0; k < q.w[1]; k++)
        n += !strcmp(recs[k].prefix, prefix);
    return n;
}

static volatile int nl_done, nl_bad;
static void lookup_thread(uint32_t which)
{
    char name[8];
    uint32_t node = 2 + which % 2;
    snprintf(name, sizeof(name), "[pm%u]", node);
    v_pid_t want = v_pid_make(v_lhost_make(node, 0), 0x101);
    for (int i = 0; i < 10; i++) {
        struct v_msg m = { .code = NAME_LOOKUP, .flags = V_MSG_SEG_READ, .seg_ptr = (uint32_t)name,
                           .seg_len = (uint32_t)strlen(name), .w = { V_NAME_LK_GROUP } };
        v_pid_t g = which & 2 ? V_GROUP_NAME_HANDLERS : v_name_context_group(name);
        if (v_send(&m, g) || v_msg_reply_code(&m) || m.w[0] != want ||
            m.w[3] != node)
            nl_bad++;
    }
    nl_done++;
}

/* Node `node`'s name handler's NAME_LOOKUP counters (NAME_LIST w2, w3). */
static int handler_counts(uint32_t node, uint32_t *lookups, uint32_t *declined)
{
    static struct v_name_record recs[16];
    char hn[16];
    struct v_name_entry he;
    snprintf(hn, sizeof(hn), "[name%u]", node);
    int rc = v_name_resolve(hn, &he, 0, 0);
    struct v_msg q = { .code = NAME_LIST, .flags = V_MSG_SEG_WRITE,
                       .seg_ptr = (uint32_t)recs, .seg_len = sizeof(recs) };
    if (!rc && !(rc = v_send(&q, he.server)))
        rc = v_msg_reply_code(&q);
    *lookups = q.w[2];
    *declined = q.w[3];
    return rc;
}

/* A miss asks only the handlers of its name's context group: node 2's handler gets each
 * of 20 misses for [pm2], node 3's none of them (none of its registrations is in that
 * group); one lookup sent to every handler reaches node 3's, which declines it. */
static void naming_context_group(void)
{
    static const char *const node3[] = { "[name3]", "[pm3]", "[ks3]", "[tmp3]", "[svc]" };
    v_pid_t g = v_name_context_group("[pm2]");
    int apart = g != V_PID_NONE && g == v_name_context_group("[pm2]/x/y");
    for (uint32_t i = 0; i < sizeof(node3) / sizeof(node3[0]); i++)
        apart &= v_name_context_group(node3[i]) != g;
    uint32_t l2a, d2a, l3a, d3a, l2b, d2b, l3b, d3b, l3c, d3c, ok = 0;
    struct v_name_entry e;
    uint32_t src;
    /* Learn [name2] and [name3] first: their misses go to their context groups, of
     * which node 2's handler may be a member for another of its names ([tmp2]). */
    int rc = handler_counts(2, &l2a, &d2a) | handler_counts(3, &l3a, &d3a);
    rc |= handler_counts(2, &l2a, &d2a) | handler_counts(3, &l3a, &d3a);
    for (int i = 0; i < 20; i++) {
        v_name_cache_invalidate(v_name_cache_self(), "[pm2]", 0);
        ok += v_name_resolve("[pm2]", &e, 0, &src) == V_OK && src == V_NAME_SRC_MULTICAST;
    }
    rc |= handler_counts(2, &l2b, &d2b) | handler_counts(3, &l3b, &d3b);
    rc |= v_name_resolve_at(V_GROUP_NAME_HANDLERS, "[pm2]", &e, 0);
    rc |= handler_counts(3, &l3c, &d3c);
    CHECK("name_miss_asks_only_its_context_group", apart && !rc && ok == 20 &&
          l2b - l2a >= 20 && d2b == d2a && l3b == l3a && l3c - l3b == 1 && d3c - d3b == 1,
          "context groups apart %d, rc %d, %u/20 resolved; node 2 saw %u (declined %u), "
          "node 3 saw %u, then %u of 1 sent to all (declined %u)", apart, rc, ok, l2b - l2a,
          d2b - d2a, l3b - l3a, l3c - l3b, d3c - d3b);
}

/* A miss resolves by multicast; then 100 hits come from the cache and send nothing. */
static void naming_miss_then_hits(void)
{
    struct v_name_entry e;
    uint32_t src = 99, off = 0;
    v_pid_t pm2 = ct_find(2, "pm", 10);
    int rc = v_name_resolve("[pm2]", &e, &off, &src);
    CHECK("name_miss_resolves_by_multicast", !rc && e.server == pm2 && pm2 &&
          src == V_NAME_SRC_MULTICAST && off == 5, "rc %d server 0x%08x (pm2 0x%08x) source %u",
          rc, e.server, pm2, src);
    /* The lookup's group Send repeats its request until its reply window closes
     * (V_GROUP_WINDOW_MS after the first reply): let it close, then count. */
    v_delay(V_GROUP_WINDOW_MS + 200);
    uint32_t tx0 = net_tx();
    int hits = 0;
    uint64_t t0 = v_time_ns();
    for (int i = 0; i < 100; i++)
        hits += v_name_resolve("/pm2/x", &e, &off, &src) == V_OK && src == 0 && e.server == pm2 &&
                off == 5;
    uint32_t hit_ns = (uint32_t)((v_time_ns() - t0) / 100);
    uint32_t tx1 = net_tx();
    CHECK("name_hit_from_cache_sends_nothing", hits == 100 && tx1 == tx0 && tx0,
          "%d hits of 100, %u datagrams sent (0 expected; counter %u)", hits, tx1 - tx0, tx0);
    printf("  name cache hit: %u ns\n", hit_ns);
}

/* An unknown name is not found in bounded time; a malformed one is refused. */
static void naming_not_found(void)
{
    struct v_name_entry e;
    uint64_t t0 = v_time_ns();
    int rc = v_name_resolve("[nosuch]/x", &e, 0, 0);
    uint32_t ms = (uint32_t)((v_time_ns() - t0) / 1000000);
    CHECK("unknown_name_is_not_found_in_bounded_time", rc == V_ENOTFOUND && ms < 2500,
          "rc %d after %u ms", rc, ms);
    CHECK("malformed_name_is_refused", v_name_resolve("pm2", &e, 0, 0) == V_EINVAL, "accepted");
}

/* A server registers [svc] and is resolved; node 2's server cannot take the name while
 * it lives; it dies and the local handler drops [svc]. Our cache still names the dead
 * server (naming_successor relies on that). */
static void naming_server_dies(void)
{
    struct v_name_entry e;
    uint32_t src;
    v_pid_t svc = 0;
    svc_ready = 0;
    v_thread_start(svc_thread, 0, 4, 8192, &svc);
    for (int t = 0; !svc_ready && t < 300; t++)
        v_delay(10);
    int rc = v_name_resolve("[svc]", &e, 0, &src);
    CHECK("name_registered_and_resolved", svc_ready == 1 && !rc && e.server == svc && e.context == 3,
          "ready %d rc %d server 0x%08x (thread 0x%08x)", svc_ready, rc, e.server, svc);
    struct v_msg r = { .code = CT_REG, .w = { 1 } };
    int err = v_send(&r, ct_s2);
    CHECK("name_owned_by_a_live_server_is_busy", !err && v_msg_reply_code(&r) == V_EBUSY,
          "err %d code %d", err, v_msg_reply_code(&r));
    /* A forged death (from us, not a kernel), sent to the handler and to the event
     * group: ignored (issue 12, defect 7). */
    v_pid_t h = 0;
    struct v_msg ev = { .code = V_EV_PROCESS_DIED, .w = { svc, svc } };
    int e1 = v_get_pid(V_LOGICAL_NAME, &h) ? -1 : v_send(&ev, h);
    int refused = v_msg_reply_code(&ev);
    ev = (struct v_msg){ .code = V_EV_PROCESS_DIED, .flags = V_MSG_NO_REPLY, .w = { svc, svc } };
    int e2 = v_send(&ev, V_GROUP_EV_PROCESS_DIED);
    v_delay(200);
    int still = listed_here("[svc]");
    CHECK("forged_death_event_is_ignored", !e1 && refused == V_EPERM && !e2 && still == 1,
          "sends %d (code %d)/%d, [svc] listed %d", e1, refused, e2, still);
    v_ks_destroy(svc);
    /* the local handler hears of the death (V_EV_PROCESS_DIED) and drops [svc] */
    int listed = 1;
    for (int t = 0; t < 50 && listed; t++) {
        v_delay(20);
        listed = listed_here("[svc]");
    }
    CHECK("name_dropped_when_its_server_dies", listed == 0, "[svc] still listed (%d)", listed);
}

/* A registration for a server that is dead already (no death event would ever drop it)
 * is refused, and nothing is listed. */
static void naming_stale_registration(void)
{
    v_pid_t ghost = 0;
    v_thread_start(svc_thread_idle, 0, 4, 8192, &ghost);
    v_ks_destroy(ghost);
    v_delay(50);                         /* its death event has come and gone */
    int reg = v_name_register("[ghost]", ghost, 9, 0);
    int listed = listed_here("[ghost]");
    CHECK("registration_for_a_dead_server_is_refused", ghost && reg == V_ENOPROC &&
          listed == 0, "register %d (ghost 0x%08x), listed %d", reg, ghost, listed);
}

/* Node 2's server registers [svc]: a Send by name, through our cache's stale entry for
 * the dead one, is re-resolved to it. */
static void naming_successor(void)
{
    struct v_msg r = { .code = CT_REG, .w = { 1 } };
    int err = v_send(&r, ct_s2);
    struct v_msg m = { .code = CT_ECHO, .w = { 1 } };
    v_pid_t replier = 0;
    int rc = v_name_send("[svc]", &m, &replier);
    CHECK("stale_name_re_resolved_to_its_successor", !err && !r.code && !rc && replier == ct_s2 &&
          m.w[0] == 2, "register %d/%d, send %d, replier 0x%08x (node 2 0x%08x)", err, r.code,
          rc, replier, ct_s2);
}

/* Many clients resolving at once. */
static void naming_many_clients(void)
{
    nl_done = nl_bad = 0;
    for (uint32_t i = 0; i < 8; i++)
        v_thread_start(lookup_thread, i, 4, 8192, 0);
    for (int t = 0; nl_done < 8 && t < 1000; t++)
        v_delay(10);
    CHECK("eight_clients_resolving_at_once", nl_done == 8 && !nl_bad, "%d done, %d wrong",
          nl_done, nl_bad);
}

/* The naming tests, in order (client.h): each step leaves the names and the cache as the
 * next one expects. */
void ct_test_naming(void)
{
    naming_miss_then_hits();
    naming_context_group();
    naming_not_found();
    naming_server_dies();
    naming_stale_registration();
    naming_successor();
    naming_many_clients();
}
