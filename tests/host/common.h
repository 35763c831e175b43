/*
 * tests/host/common.h - what the host test programs share: the test server's request
 * codes (hsrv.c), result lines, checksums and patterns.
 */
#ifndef HOST_TEST_COMMON_H
#define HOST_TEST_COMMON_H

#include <stdint.h>
#include <v/ipc.h>
#include "vhost.h"

/* Requests hsrv understands. */
enum t_req {
    T_ECHO = 0x7001,    /* -> w[i] ^ T_ECHO_XOR                                     */
    T_COUNT,            /* w0 = id: executes (counts) it -> w0 = id, w1 = times run  */
    T_MOVETO,           /* w0 = len, w1 = seed: MoveTo the pattern into the WRITE grant
                           -> w0 = MoveTo's result, w1 = checksum                       */
    T_MOVEFROM,         /* w0 = len: MoveFrom the READ grant -> w0 = result, w1 = sum   */
    T_SEGECHO,          /* READ|WRITE grant: ReceiveWithSegment takes up to 3000 bytes,
                           ReplyWithSegment writes them back, each byte + 1
                           -> w0 = bytes received, w1 = their checksum                   */
    T_HANG,             /* never replied to                                            */
    T_STATS,            /* -> w0 = malformed packets dropped, w1 = bitmask of reasons,
                              w2 = T_COUNT executions, w3 = executed twice (must be 0),
                              w4 = duplicates answered (PENDING, cached, stale)          */
    T_DELAY,            /* w0 = ms: Delay, then reply (the client sees PENDING)        */
    T_QUIT,             /* reply, then exit                                            */
    /* process groups (hsrv join=...; these come by group Send unless said otherwise) */
    T_GSTATS,           /* unicast -> w0 = group requests queued, w1 = group requests
                           dropped (not a member), w2 = declined, w3 = NACKs sent,
                           w4 = Replies to V_MSG_NO_REPLY requests refused (as they must) */
    T_JOIN,             /* unicast, w0 = group: JoinGroup -> w0 = its result           */
    T_LEAVE,            /* unicast, w0 = group: LeaveGroup -> w0 = its result,
                           w1 = the result of leaving again (V_ENOTFOUND)               */
    T_GSEG,             /* READ grant: ReceiveWithSegment takes up to 3000 bytes
                           -> w0 = bytes received, w1 = their checksum, w2 = what
                              ReplyWithSegment of them said, w3 = what MoveFrom past the
                              bytes that came said (both V_ENOACCESS to a group client) */
    T_EVENTS,           /* unicast -> w0 = kernel events heard (a member of a V_GROUP_EV_*
                           group), w1 = the last one's code, w2..w4 = its w0..w2         */
    T_TSTATS,           /* unicast -> w0 = test_lost, w1 = test_dups, w2 = test_missed
                           (the V_TEST_* modes at work, v_host_stats)                    */
};
#define T_ECHO_XOR   0xa5a5a5a5u
#define T_SEG_MAX    3000u
#define T_COUNT_MAX  4096u

void t_pass(const char *name);
void t_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* PASS or FAIL name, with the formatted reason for a failure. Returns cond. */
int t_check(int cond, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int t_failures(void);

uint32_t t_sum(const void *p, uint32_t n);                 /* FNV-1a */
void t_fill(void *p, uint32_t n, uint32_t seed);           /* a pattern that depends on seed */
double t_secs(void);                                       /* monotonic seconds */
/* A number argument (decimal or 0x hex); exits 2 if malformed. */
uint32_t t_num(const char *s);

#endif
