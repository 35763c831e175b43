/*
 * servers/bench/bench.h - shared between the parts of the bench program: the requests
 * the client sends its peer team, the clock, and the entry points of each part.
 *
 *   main.c     argument parsing, peer start-up, the BENCH output lines, halt
 *   measure.c  the timed loops (round trip, MoveFrom, MoveTo, null system call)
 *   peer.c     the peer team: a receive loop answering the requests below
 *   naming.c   `bench naming`: name lookups and group Sends across nodes
 *
 * docs/BENCH.md describes each benchmark and the output format.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <v/ipc.h>

/* Requests the client sends to the peer (codes outside every protocol in libv). */
enum bench_req {
    BENCH_ECHO = 0x7e00, /* 32-byte message; reply w0 = w0 + 1, the other words kept  */
    BENCH_MOVE_FROM,     /* seg R: peer MoveFroms the whole segment; reply w0 = bytes */
    BENCH_MOVE_TO,       /* seg W: peer MoveTos the whole segment;   reply w0 = bytes */
    BENCH_SUM,           /* seg R: peer MoveFroms it, reply w0 = byte sum (checking)  */
    BENCH_QUIT,          /* peer replies, then exits                                  */
};

#define BENCH_BUF_MAX (1024u * 1024u) /* largest segment a benchmark moves */
#define BENCH_PATTERN(i) ((uint8_t)((i) * 7u + 3u))  /* what MoveTo writes at byte i */

/* The time-stamp counter: guest instructions under QEMU -icount shift=0, host-clocked
 * cycles under plain TCG. Ring 3 may read it (the kernel leaves CR4.TSD clear). */
static inline uint64_t bench_rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* One timed round: cycles (rdtsc) and nanoseconds (v_time_ns) across `iters` ops. */
struct bench_sample {
    uint64_t cycles;
    uint64_t ns;
};

/* A benchmark: runs `iters` operations against peer, fills *s; 0 or a V_E* error. */
typedef int (*bench_fn)(v_pid_t peer, uint32_t bytes, uint32_t iters,
                        struct bench_sample *s);

int bench_null(v_pid_t peer, uint32_t bytes, uint32_t iters, struct bench_sample *s);
int bench_rtt(v_pid_t peer, uint32_t bytes, uint32_t iters, struct bench_sample *s);
int bench_move_from(v_pid_t peer, uint32_t bytes, uint32_t iters, struct bench_sample *s);
int bench_move_to(v_pid_t peer, uint32_t bytes, uint32_t iters, struct bench_sample *s);

/* Checks the data path once (untimed): the peer sees what we grant, and what it moves
 * to us arrives intact. 0 or V_EINVAL / the IPC error. */
int bench_check(v_pid_t peer, uint32_t bytes);

/* The peer team's main loop (`bench peer`); returns its exit status. */
int bench_peer_main(void);
/* The root of the team named "bench" on node `node`, or 0 (retried while it boots). */
v_pid_t bench_find_peer(uint32_t node);

/* `bench naming nodes=N [ops=K] [members=M]` (naming.c): 0, or -1 after a BENCH-ERROR. */
int bench_naming_main(int argc, char **argv);
/* `bench peer slot=S max=M`: a peer that is also a member of the groups G_S..G_M. */
int bench_member_main(int argc, char **argv);

#endif
