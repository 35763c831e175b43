/*
 * servers/bench/main.c - the IPC benchmark program.
 *
 *   bench [SET [N]]... [rounds=R] [halt|nohalt]   (init=bench+rtt+10000 on the kernel
 *   bench peer                                    command line; '+' stands for a blank)
 *   bench remote=N [SET [N]]...   the peer is the `bench peer` already running on node N
 *   bench naming nodes=N [ops=K] [members=M]   name lookups and group Sends (naming.c)
 *   bench peer slot=S max=M       a peer that is also a member of groups G_S..G_M
 *
 * SET is null, rtt, move4k, move64k or all (the default); a number after a SET gives
 * its iterations per round (SET=N works too). The client starts its peer as a second
 * team (`bench peer`, through the program manager), checks the data path, then runs
 * each benchmark: a warm-up, then R timed rounds of N operations. It prints one line
 *
 *   BENCH name=rtt32 set=rtt bytes=32 iters=N rounds=R cycles_per_op=.. ns_per_op=..
 *         [mb_per_s=..] round_cycles=c1,c2,.. round_ns=n1,n2,..
 *
 * per benchmark (per-op figures come from the median round), `BENCH-DONE ...` at the
 * end. Started from init= (by the program manager) or with `halt`, it then halts the
 * node: status 0 if every benchmark ran, 1 otherwise; else (`run bench` in the shell,
 * or `nohalt`) it exits with that status. Under -icount shift=0 cycles are guest
 * instructions. docs/BENCH.md has the details.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <v/kclient.h>
#include "bench.h"

#define ROUNDS_MAX 16

struct bench {
    const char *set;    /* the name that selects it on the command line */
    const char *name;   /* the name in its BENCH line */
    bench_fn fn;
    uint32_t bytes;
    uint32_t iters;     /* per round; a command-line number replaces it */
    int selected;
};

static struct bench benches[] = {
    { "null",    "null_syscall", bench_null,      0,     20000, 0 },
    { "rtt",     "rtt32",        bench_rtt,       32,    10000, 0 },
    { "move4k",  "movefrom_4k",  bench_move_from, 4096,  2000,  0 },
    { "move4k",  "moveto_4k",    bench_move_to,   4096,  2000,  0 },
    { "move64k", "movefrom_64k", bench_move_from, 65536, 200,   0 },
    { "move64k", "moveto_64k",   bench_move_to,   65536, 200,   0 },
    { "move1m",  "movefrom_1m",  bench_move_from, 1u << 20, 10, 0 },
    { "move1m",  "moveto_1m",    bench_move_to,   1u << 20, 10, 0 },
};
#define NBENCHES (sizeof benches / sizeof benches[0])

static uint32_t rounds = 7;
static uint32_t remote_node;   /* remote=N: the peer runs on node N */
static int halt_mode = -1;   /* 1 halt, 0 exit, -1 halt only when started as init */

/* Select every benchmark of set `set` ("all": every one); with iters != 0 set their
 * count. Returns how many it matched. */
static int select_set(const char *set, uint32_t iters)
{
    uint32_t i;
    int n = 0;

    for (i = 0; i < NBENCHES; i++)
        if (!strcmp(set, "all") || !strcmp(set, benches[i].set)) {
            benches[i].selected = 1;
            if (iters)
                benches[i].iters = iters;
            n++;
        }
    return n;
}

static int parse_number(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v;

    if (!s || *s < '0' || *s > '9')
        return -1;
    v = strtoul(s, &end, 0);
    if (*end || v == 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* Parse the arguments into benches[], rounds, halt_mode. 0, or -1 after a message. */
static int parse_args(int argc, char **argv)
{
    const char *last = 0;
    char word[32], *eq;
    uint32_t n;
    int i;

    for (i = 1; i < argc; i++) {
        snprintf(word, sizeof word, "%s", argv[i]);
        n = 0;
        if ((eq = strchr(word, '=')) && (*eq++ = 0, parse_number(eq, &n) < 0))
            goto bad;
        if (!strcmp(word, "rounds")) {
            if (!eq || n > ROUNDS_MAX)
                goto bad;
            rounds = n;
        } else if (!strcmp(word, "remote")) {
            if (!eq || n < 1 || n > V_NODE_MAX)
                goto bad;
            remote_node = n;
        } else if ((!strcmp(word, "nohalt") || !strcmp(word, "halt")) && !eq) {
            halt_mode = word[0] == 'h';
        } else if (!eq && last && parse_number(word, &n) == 0) {
            select_set(last, n);
        } else if (select_set(word, n) > 0) {
            last = argv[i];
        } else {
            goto bad;
        }
    }
    if (!last)
        select_set("all", 0);
    return 0;
bad:
    printf("bench: bad argument '%s'\nusage: bench [remote=NODE] [null|rtt|move4k|move64k|move1m|all [N]]... "
           "[rounds=R (<= %d)] [halt|nohalt]\n", argv[i], ROUNDS_MAX);
    return -1;
}

/* "num/den" with two decimals into buf. */
static const char *fixed2(char *buf, uint32_t len, uint64_t num, uint64_t den)
{
    uint64_t v = den ? (num * 100u + den / 2) / den : 0;

    snprintf(buf, len, "%llu.%02llu", (unsigned long long)(v / 100),
             (unsigned long long)(v % 100));
    return buf;
}

/* The round whose cycle count is the median (ties: the lower one). */
static uint32_t median_round(const struct bench_sample *s, uint32_t n)
{
    uint32_t i, j, below;

    for (i = 0; i < n; i++) {
        for (below = 0, j = 0; j < n; j++)
            if (s[j].cycles < s[i].cycles || (s[j].cycles == s[i].cycles && j < i))
                below++;
        if (below == (n - 1) / 2)
            return i;
    }
    return 0;
}

/* Print a comma-separated list of the rounds' cycles (ns if use_ns) after `key=`. */
static int print_rounds(char *buf, uint32_t len, const char *key,
                        const struct bench_sample *s, int use_ns)
{
    uint32_t i;
    int n = snprintf(buf, len, " %s=", key);

    for (i = 0; i < rounds && n < (int)len; i++)
        n += snprintf(buf + n, len - n, "%s%llu", i ? "," : "",
                      (unsigned long long)(use_ns ? s[i].ns : s[i].cycles));
    return n;
}

static void report(const struct bench *b, const struct bench_sample *s)
{
    const struct bench_sample *m = &s[median_round(s, rounds)];
    char line[512], c[32], t[32], mb[32];
    int n;

    n = snprintf(line, sizeof line, "BENCH name=%s set=%s bytes=%u iters=%u rounds=%u "
                 "cycles_per_op=%s ns_per_op=%s", b->name, b->set, b->bytes, b->iters,
                 rounds, fixed2(c, sizeof c, m->cycles, b->iters),
                 fixed2(t, sizeof t, m->ns, b->iters));
    /* bytes per ns * 1000 = MB/s (10^6 bytes) */
    if (b->bytes > 32 && n < (int)sizeof line)
        n += snprintf(line + n, sizeof line - n, " mb_per_s=%s",
                      fixed2(mb, sizeof mb, (uint64_t)b->bytes * b->iters * 1000u, m->ns));
    if (n < (int)sizeof line)
        n += print_rounds(line + n, sizeof line - n, "round_cycles", s, 0);
    if (n < (int)sizeof line)
        print_rounds(line + n, sizeof line - n, "round_ns", s, 1);
    printf("%s\n", line);
}

/* Warm up (a tenth of a round, at least 10 ops), run the rounds, report. */
static int run_one(const struct bench *b, v_pid_t peer)
{
    struct bench_sample s[ROUNDS_MAX], w;
    uint32_t r, warm = b->iters / 10 < 10 ? 10 : b->iters / 10;
    int rc;

    if ((rc = b->fn(peer, b->bytes, warm, &w)) < 0)
        goto fail;
    for (r = 0; r < rounds; r++)
        if ((rc = b->fn(peer, b->bytes, b->iters, &s[r])) < 0)
            goto fail;
    report(b, s);
    return 0;
fail:
    printf("BENCH-ERROR name=%s error=%d (%s)\n", b->name, rc, v_strerror(rc));
    return -1;
}

/* Check the data path for both segment sizes before timing anything. */
static int check_peer(v_pid_t peer)
{
    static const uint32_t sizes[] = { 4096, BENCH_BUF_MAX };
    uint32_t i;
    int rc;

    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        if ((rc = bench_check(peer, sizes[i])) < 0) {
            printf("BENCH-ERROR name=check_%u error=%d (%s)\n", sizes[i], rc,
                   v_strerror(rc));
            return -1;
        }
    return 0;
}

/* Stop the peer team and wait for its end; 0 if it exited with status 0. */
static int stop_peer(v_pid_t peer)
{
    struct v_msg m;
    int status = -1, rc;

    memset(&m, 0, sizeof m);
    m.code = BENCH_QUIT;
    if ((rc = v_call(peer, &m)) < 0 || (rc = v_pm_wait(peer, &status)) < 0) {
        printf("BENCH-ERROR name=peer_stop error=%d (%s)\n", rc, v_strerror(rc));
        return -1;
    }
    return status == 0 ? 0 : -1;
}

/* The root of the team named "bench" on node `node` (its `bench peer`), or 0 after 10 s
 * of retrying while the node boots (bench.h). */
v_pid_t bench_find_peer(uint32_t node)
{
    static struct v_proc_info recs[64];
    v_pid_t ks = v_pid_make(v_lhost_make(node, 0), V_LOCAL_KERNEL_SERVER);
    for (int tries = 0; tries < 100; tries++) {
        uint32_t total = 0, got = 0;
        if (v_ks_process_list(ks, recs, 64, &total, &got) == V_OK)
            for (uint32_t i = 0; i < got; i++)
                if (!strcmp(recs[i].name, "bench") && recs[i].pid == recs[i].team)
                    return recs[i].pid;
        v_delay(100);
    }
    return 0;
}

static int start_peer(v_pid_t *peer)
{
    int rc;
    if (remote_node) {
        *peer = bench_find_peer(remote_node);
        rc = *peer ? V_OK : V_ENOPROC;
    } else {
        rc = v_pm_run("bench peer", 0, peer);
    }
    return rc;
}

static int run_all(void)
{
    v_pid_t peer;
    uint32_t i;
    int rc, failed = 0, done = 0;

    if ((rc = start_peer(&peer)) < 0) {
        printf("BENCH-ERROR name=peer_start error=%d (%s)\n", rc, v_strerror(rc));
        return -1;
    }
    printf("BENCH-START client=0x%08x peer=0x%08x rounds=%u\n", v_my_pid(), peer, rounds);
    if (check_peer(peer) < 0) {
        v_pm_kill(peer);
        return -1;
    }
    for (i = 0; i < NBENCHES; i++)
        if (benches[i].selected) {
            if (run_one(&benches[i], peer) < 0)
                failed++;
            else
                done++;
        }
    if (!remote_node && stop_peer(peer) < 0)
        failed++;
    printf("BENCH-DONE results=%d errors=%d\n", done, failed);
    return failed ? -1 : 0;
}

/* Started by the program manager itself, i.e. from init= on the kernel command line? */
static int started_as_init(void)
{
    const struct v_startup *su = v_startup_info();
    v_pid_t pm;

    return su && v_get_pid(V_LOGICAL_PM, &pm) == 0 && pm != V_PID_NONE && su->parent == pm;
}

int main(int argc, char **argv)
{
    int rc;

    if (argc == 2 && !strcmp(argv[1], "peer"))
        return bench_peer_main();
    if (argc > 2 && !strcmp(argv[1], "peer"))
        return bench_member_main(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "naming")) {
        halt_mode = argc > 2 && !strcmp(argv[argc - 1], "nohalt") ? 0 : halt_mode;
        rc = bench_naming_main(argc, argv);
    } else if (parse_args(argc, argv) < 0)
        rc = -1;
    else
        rc = run_all();
    if (halt_mode == 1 || (halt_mode < 0 && started_as_init()))
        v_ks_halt(rc < 0 ? 1 : 0);
    return rc < 0 ? 1 : 0;
}
