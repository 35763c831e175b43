/* test_name_cache.c - name syntax and the prefix cache (v/name.h, libv/name_cache.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <v/err.h>
#include <v/group.h>
#include <v/name.h>

#define MS 1000000ull

static void test_name_syntax(void **state)
{
    (void)state;
    const char *good[] = { "[pm2]", "[storage]/usr/bin/ls", "[a]x", "[A-z_0.9]",
                           "[fifteen_chars__]", "[s]/!~#", "[pm2]ps" };
    const char *bad[] = { "", "pm2", "[]", "[pm2", "pm2]", "[p m]", "[sixteen_chars___]",
                          "[pm2]a b", "[pm2]\t", "[[x]]", "[x/y]", "/pm2", "[pm2]\x7f" };
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
        assert_int_equal(v_name_check(good[i]), V_OK);
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        assert_int_equal(v_name_check(bad[i]), V_EINVAL);
    /* the whole name: at most V_NAME_MAX bytes */
    char n[V_NAME_MAX + 2];
    memset(n, 'x', sizeof(n));
    memcpy(n, "[c]", 3);
    n[V_NAME_MAX] = 0;
    assert_int_equal(v_name_check(n), V_OK);
    n[V_NAME_MAX] = 'x';
    n[V_NAME_MAX + 1] = 0;
    assert_int_equal(v_name_check(n), V_EINVAL);

    const char *gp[] = { "[pm2]", "[storage]/usr", "[storage]/usr/local", "[s]/a.b/c-d/e_f" };
    const char *bp[] = { "[pm2]x", "[storage]/", "[storage]//usr", "[storage]/usr/",
                         "[s]/a!", "/pm2", "[s]/a b", "[storage]/0123456789/0123456789a" };
    for (size_t i = 0; i < sizeof(gp) / sizeof(*gp); i++)
        assert_int_equal(v_name_prefix_check(gp[i]), V_OK);
    for (size_t i = 0; i < sizeof(bp) / sizeof(*bp); i++)
        assert_int_equal(v_name_prefix_check(bp[i]), V_EINVAL);
    /* 31 bytes fit, 32 do not */
    assert_int_equal(v_name_prefix_check("[storage]/0123456789/0123456789"), V_OK);
    assert_int_equal(v_name_prefix_check("[storage]/0123456789/0123456789a"), V_EINVAL);
}

static void test_path_form_is_made_canonical(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(v_name_canon("/storage/usr/bin", out, sizeof(out)), V_OK);
    assert_string_equal(out, "[storage]/usr/bin");
    assert_int_equal(v_name_canon("/pm2", out, sizeof(out)), V_OK);
    assert_string_equal(out, "[pm2]");
    assert_int_equal(v_name_canon("[pm2]ps", out, sizeof(out)), V_OK);
    assert_string_equal(out, "[pm2]ps");
    const char *bad[] = { "", "pm2", "/", "//x", "/p m/x", "/a]/b", "[x", "/sixteen_chars___" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        assert_int_equal(v_name_canon(bad[i], out, sizeof(out)), V_EINVAL);
    /* the output must fit with its NUL: "/pm2" needs 6 bytes, "[pm2]" needs 6 */
    assert_int_equal(v_name_canon("/pm2", out, 5), V_EINVAL);
    assert_int_equal(v_name_canon("/pm2", out, 6), V_OK);
    assert_int_equal(v_name_canon("[pm2]", out, 5), V_EINVAL);
    assert_int_equal(v_name_canon("[pm2]", out, 6), V_OK);
    /* too long in either form, without reading past the input's NUL (ASan) */
    char big[V_NAME_MAX + 8], res[V_NAME_MAX + 8];
    memset(big, 'a', sizeof(big));
    big[0] = '/';
    big[sizeof(big) - 1] = 0;
    assert_int_equal(v_name_canon(big, res, sizeof(res)), V_EINVAL);
    big[V_NAME_MAX - 1] = 0;                 /* 254 bytes: canonical is 255, fits */
    big[5] = '/';
    assert_int_equal(v_name_canon(big, res, sizeof(res)), V_OK);
    assert_int_equal(strlen(res), V_NAME_MAX);
    big[V_NAME_MAX - 1] = 'a';
    big[V_NAME_MAX] = 0;                     /* 255 bytes: canonical would be 256 */
    assert_int_equal(v_name_canon(big, res, sizeof(res)), V_EINVAL);
}

static void test_prefixes_match_at_boundaries(void **state)
{
    (void)state;
    assert_int_equal(v_name_match("[pm2]", "[pm2]"), 5);
    assert_int_equal(v_name_match("[pm2]", "[pm2]ps"), 5);
    assert_int_equal(v_name_match("[pm2]", "[pm2]/x"), 5);
    assert_int_equal(v_name_match("[pm]", "[pm2]"), 0);
    assert_int_equal(v_name_match("[storage]/usr", "[storage]/usr"), 13);
    assert_int_equal(v_name_match("[storage]/usr", "[storage]/usr/bin"), 13);
    assert_int_equal(v_name_match("[storage]/usr", "[storage]/usrx"), 0);
    assert_int_equal(v_name_match("[storage]/usr", "[storage]/us"), 0);
    assert_int_equal(v_name_match("[storage]/usr", "[store]/usr"), 0);
    assert_int_equal(v_name_match("", "[x]"), 0);
    assert_string_equal(v_name_source_name(V_NAME_SRC_MULTICAST), "multicast");
    assert_string_equal(v_name_source_name(V_NAME_SRC_UNICAST), "unicast");
    assert_string_equal(v_name_source_name(V_NAME_SRC_STATIC), "static");
    assert_string_equal(v_name_source_name(0), "?");
}

static struct v_name_entry st[4];

static void test_longest_prefix_wins(void **state)
{
    (void)state;
    struct v_name_cache c;
    v_name_cache_init(&c, st, 4);
    v_pid_t s1 = v_pid_make(0x100, 0x0103), s2 = v_pid_make(0x180, 0x0104);
    struct v_name_entry e;
    uint32_t rest = 0;
    assert_int_equal(v_name_cache_lookup(&c, "[storage]/usr/bin", 0, &e, &rest), V_ENOTFOUND);
    assert_int_equal(c.misses, 1);
    assert_int_equal(v_name_cache_insert(&c, "[storage]", s1, 1, V_NAME_SRC_MULTICAST, 10 * MS), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[storage]/usr", s2, 7, V_NAME_SRC_UNICAST, 20 * MS), V_OK);

    assert_int_equal(v_name_cache_lookup(&c, "[storage]/usr/bin", 30 * MS, &e, &rest), V_OK);
    assert_int_equal(e.server, s2);
    assert_int_equal(e.context, 7);
    assert_int_equal(e.source, V_NAME_SRC_UNICAST);
    assert_int_equal(rest, 13);
    assert_int_equal(e.hits, 1);
    assert_int_equal(e.learned_ns, 20 * MS);
    assert_int_equal(e.used_ns, 30 * MS);

    assert_int_equal(v_name_cache_lookup(&c, "[storage]/usrx", 31 * MS, &e, &rest), V_OK);
    assert_int_equal(e.server, s1);
    assert_int_equal(rest, 9);
    assert_int_equal(v_name_cache_lookup(&c, "[storage]", 32 * MS, 0, 0), V_OK);
    assert_int_equal(v_name_cache_lookup(&c, "[stor]", 33 * MS, &e, &rest), V_ENOTFOUND);
    assert_int_equal(v_name_cache_lookup(&c, "storage", 33 * MS, &e, &rest), V_EINVAL);
    assert_int_equal(c.hits, 3);
    assert_int_equal(c.misses, 2);
}

static void test_insert_replaces_and_checks(void **state)
{
    (void)state;
    struct v_name_cache c;
    v_name_cache_init(&c, st, 4);
    v_pid_t s1 = v_pid_make(0x100, 0x0103), s2 = v_pid_make(0x100, 0x0203);
    struct v_name_entry e;
    assert_int_equal(v_name_cache_insert(&c, "[pm2]", s1, 0, V_NAME_SRC_MULTICAST, 1), V_OK);
    assert_int_equal(v_name_cache_lookup(&c, "[pm2]", 2, &e, 0), V_OK);
    assert_int_equal(v_name_cache_lookup(&c, "[pm2]", 3, &e, 0), V_OK);
    assert_int_equal(e.hits, 2);
    /* the same answer again: hits kept; a new server: hits restart */
    assert_int_equal(v_name_cache_insert(&c, "[pm2]", s1, 0, V_NAME_SRC_UNICAST, 4), V_OK);
    assert_int_equal(v_name_cache_lookup(&c, "[pm2]", 5, &e, 0), V_OK);
    assert_int_equal(e.hits, 3);
    assert_int_equal(e.source, V_NAME_SRC_UNICAST);
    assert_int_equal(v_name_cache_insert(&c, "[pm2]", s2, 4, V_NAME_SRC_MULTICAST, 6), V_OK);
    assert_int_equal(v_name_cache_lookup(&c, "[pm2]", 7, &e, 0), V_OK);
    assert_int_equal(e.hits, 1);
    assert_int_equal(e.server, s2);
    assert_int_equal(e.context, 4);
    assert_int_equal(v_name_cache_list(&c, 0, 0), 1);              /* replaced, not added */

    assert_int_equal(v_name_cache_insert(&c, "pm2", s1, 0, V_NAME_SRC_STATIC, 1), V_EINVAL);
    assert_int_equal(v_name_cache_insert(&c, "[pm2]x", s1, 0, V_NAME_SRC_STATIC, 1), V_EINVAL);
    assert_int_equal(v_name_cache_insert(&c, "[pm3]", 0, 0, V_NAME_SRC_STATIC, 1), V_EINVAL);
    assert_int_equal(v_name_cache_insert(&c, "[pm3]", s1, 0, 0, 1), V_EINVAL);
    assert_int_equal(v_name_cache_insert(&c, "[pm3]", s1, 0, 4, 1), V_EINVAL);
    assert_int_equal(v_name_cache_list(&c, 0, 0), 1);
}

static void test_lru_eviction_spares_static_entries(void **state)
{
    (void)state;
    struct v_name_cache c;
    v_name_cache_init(&c, st, 4);
    v_pid_t s = v_pid_make(0x100, 0x0103);
    assert_int_equal(v_name_cache_insert(&c, "[sys]", s, 0, V_NAME_SRC_STATIC, 0), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[a]", s, 0, V_NAME_SRC_MULTICAST, 1 * MS), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[b]", s, 0, V_NAME_SRC_MULTICAST, 2 * MS), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[c]", s, 0, V_NAME_SRC_MULTICAST, 3 * MS), V_OK);
    /* [a] is used most recently, then [c]; [b] is the least recently used */
    assert_int_equal(v_name_cache_lookup(&c, "[a]", 10 * MS, 0, 0), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[d]", s, 0, V_NAME_SRC_MULTICAST, 11 * MS), V_OK);
    assert_int_equal(c.evictions, 1);
    assert_int_equal(v_name_cache_lookup(&c, "[b]", 12 * MS, 0, 0), V_ENOTFOUND);
    assert_int_equal(v_name_cache_lookup(&c, "[a]", 12 * MS, 0, 0), V_OK);
    assert_int_equal(v_name_cache_lookup(&c, "[d]", 12 * MS, 0, 0), V_OK);
    /* next victim: [c] (3 ms), never [sys] (time 0, oldest of all but static) */
    assert_int_equal(v_name_cache_insert(&c, "[e]", s, 0, V_NAME_SRC_UNICAST, 13 * MS), V_OK);
    assert_int_equal(v_name_cache_lookup(&c, "[c]", 14 * MS, 0, 0), V_ENOTFOUND);
    assert_int_equal(v_name_cache_lookup(&c, "[sys]/x", 14 * MS, 0, 0), V_OK);

    /* a cache full of static entries refuses */
    v_name_cache_init(&c, st, 4);
    const char *p[] = { "[w]", "[x]", "[y]", "[z]" };
    for (int i = 0; i < 4; i++)
        assert_int_equal(v_name_cache_insert(&c, p[i], s, 0, V_NAME_SRC_STATIC, 0), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[q]", s, 0, V_NAME_SRC_MULTICAST, 1), V_ENOMEM);
    assert_int_equal(c.evictions, 0);
    /* ...but still replaces one of its own prefixes */
    assert_int_equal(v_name_cache_insert(&c, "[x]", s + 1, 0, V_NAME_SRC_MULTICAST, 1), V_OK);
}

static void test_invalidation(void **state)
{
    (void)state;
    struct v_name_cache c;
    v_name_cache_init(&c, st, 4);
    v_pid_t old = v_pid_make(0x100, 0x0103), fresh = v_pid_make(0x180, 0x0103);
    v_pid_t other = v_pid_make(0x100, 0x0104);
    assert_int_equal(v_name_cache_insert(&c, "[pm2]", old, 0, V_NAME_SRC_MULTICAST, 1), V_OK);
    /* a client finds `old` gone, but another has already refreshed the entry */
    assert_int_equal(v_name_cache_insert(&c, "[pm2]", fresh, 0, V_NAME_SRC_MULTICAST, 2), V_OK);
    assert_int_equal(v_name_cache_invalidate(&c, "[pm2]", old), V_ENOTFOUND);
    assert_int_equal(v_name_cache_lookup(&c, "[pm2]", 3, 0, 0), V_OK);
    assert_int_equal(v_name_cache_invalidate(&c, "[pm2]", fresh), V_OK);
    assert_int_equal(v_name_cache_lookup(&c, "[pm2]", 4, 0, 0), V_ENOTFOUND);
    assert_int_equal(v_name_cache_invalidate(&c, "[pm2]", 0), V_ENOTFOUND);
    assert_int_equal(c.invalidations, 1);

    /* a server's death drops all its prefixes; a node's end drops its logical host's */
    assert_int_equal(v_name_cache_insert(&c, "[a]", old, 0, V_NAME_SRC_MULTICAST, 5), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[a]/b", old, 0, V_NAME_SRC_MULTICAST, 5), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[c]", other, 0, V_NAME_SRC_STATIC, 5), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[d]", fresh, 0, V_NAME_SRC_MULTICAST, 5), V_OK);
    assert_int_equal(v_name_cache_invalidate_server(&c, old), 2);
    assert_int_equal(v_name_cache_invalidate_server(&c, old), 0);
    assert_int_equal(v_name_cache_lookup(&c, "[a]/b", 6, 0, 0), V_ENOTFOUND);
    assert_int_equal(v_name_cache_invalidate_lhost(&c, 0x100), 1);   /* [c], static too */
    assert_int_equal(v_name_cache_lookup(&c, "[d]", 6, 0, 0), V_OK);
    assert_int_equal(v_name_cache_list(&c, 0, 0), 1);
    /* a group as server is never taken for a process of logical host 0x100 */
    v_pid_t grp = v_group_make(0x100, 5);
    assert_int_equal(v_name_cache_insert(&c, "[rep]", grp, 0, V_NAME_SRC_STATIC, 7), V_OK);
    assert_int_equal(v_name_cache_invalidate_lhost(&c, 0x100), 0);
    assert_int_equal(c.invalidations, 4);
}

static void test_listing_is_sorted(void **state)
{
    (void)state;
    struct v_name_cache c;
    v_name_cache_init(&c, st, 4);
    v_pid_t s = v_pid_make(0x100, 0x0103);
    assert_int_equal(v_name_cache_insert(&c, "[pm3]", s, 0, V_NAME_SRC_MULTICAST, 1), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[pm1]", s, 0, V_NAME_SRC_MULTICAST, 1), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[pm2]/x", s, 0, V_NAME_SRC_STATIC, 1), V_OK);
    assert_int_equal(v_name_cache_insert(&c, "[pm2]", s, 0, V_NAME_SRC_UNICAST, 1), V_OK);
    assert_int_equal(v_name_cache_invalidate(&c, "[pm1]", 0), V_OK);
    struct v_name_entry out[4];
    memset(out, 0, sizeof(out));
    assert_int_equal(v_name_cache_list(&c, out, 4), 3);
    assert_string_equal(out[0].prefix, "[pm2]");
    assert_string_equal(out[1].prefix, "[pm2]/x");
    assert_string_equal(out[2].prefix, "[pm3]");
    assert_int_equal(out[1].source, V_NAME_SRC_STATIC);
    assert_int_equal(out[3].prefix[0], 0);
    memset(out, 0, sizeof(out));
    assert_int_equal(v_name_cache_list(&c, out, 2), 3);
    assert_string_equal(out[1].prefix, "[pm2]/x");
    assert_int_equal(out[2].prefix[0], 0);
}

/* "[" kind n "]" for n < 100 */
static void ctx_name(char *out, const char *kind, uint32_t n)
{
    uint32_t i = 0;
    out[i++] = '[';
    while (*kind)
        out[i++] = *kind++;
    if (n >= 10)
        out[i++] = (char)('0' + n / 10);
    out[i++] = (char)('0' + n % 10);
    out[i++] = ']';
    out[i] = 0;
}

/* A miss is sent to the name's context group: it depends on the context alone, lies in
 * the well-known range 0x80..0xff with an address of its own, and is fixed forever
 * (every node and host tool must compute the same one). */
static void test_context_groups(void **state)
{
    (void)state;
    v_pid_t g = v_name_context_group("[pm2]");
    assert_int_equal(g, V_GROUP_NAME_CONTEXT(122));          /* pinned: FNV-1a, mix, % 128 */
    assert_int_equal(g, V_GROUP_WK(0x80 + 122));
    assert_int_equal(v_group_mcast_addr(g), 0xef5600fau);     /* 239.86.0.250 */
    assert_int_equal(v_name_context_group("[pm2]/usr/bin"), g);
    assert_int_equal(v_name_context_group("[pm2]x"), g);
    assert_int_not_equal(v_name_context_group("[pm3]"), g);
    assert_int_equal(v_name_context_group("pm2"), V_PID_NONE);
    assert_int_equal(v_name_context_group("[]"), V_PID_NONE);
    assert_int_equal(v_name_context_group("[pm2"), V_PID_NONE);
    assert_int_equal(v_name_context_group("[0123456789abcdef]"), V_PID_NONE);

    /* every context group is well-known, distinct from the services, one address each */
    uint32_t seen_addr[V_GROUP_NAME_CONTEXTS];
    for (uint32_t h = 0; h < V_GROUP_NAME_CONTEXTS; h++) {
        v_pid_t c = V_GROUP_NAME_CONTEXT(h);
        assert_true(v_group_is_wellknown(c));
        assert_int_not_equal(c, V_GROUP_NAME_HANDLERS);
        assert_int_not_equal(c, V_GROUP_EV_PROCESS_DIED);
        seen_addr[h] = v_group_mcast_addr(c);
        assert_int_equal(seen_addr[h], 0xef560080u + h);      /* 239.86.0.128 + h */
    }

    /* the 48 contexts of a 16-node cluster ([nameN] [pmN] [ksN]) spread out: a miss for
     * one of them reaches at most 2 other nodes' handlers */
    uint32_t count[V_GROUP_NAME_CONTEXTS] = { 0 }, used = 0, most = 0;
    static const char *const kind[] = { "name", "pm", "ks" };
    for (uint32_t n = 1; n <= 16; n++)
        for (uint32_t k = 0; k < 3; k++) {
            char ctx[16];
            ctx_name(ctx, kind[k], n);
            uint32_t h = v_pid_local(v_name_context_group(ctx)) - 0x80;
            assert_true(h < V_GROUP_NAME_CONTEXTS);
            used += count[h]++ == 0;
            if (count[h] > most)
                most = count[h];
        }
    assert_true(used >= 30);
    assert_true(most <= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_syntax),
        cmocka_unit_test(test_path_form_is_made_canonical),
        cmocka_unit_test(test_prefixes_match_at_boundaries),
        cmocka_unit_test(test_longest_prefix_wins),
        cmocka_unit_test(test_insert_replaces_and_checks),
        cmocka_unit_test(test_lru_eviction_spares_static_entries),
        cmocka_unit_test(test_invalidation),
        cmocka_unit_test(test_listing_is_sorted),
        cmocka_unit_test(test_context_groups),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
