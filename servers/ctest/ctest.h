/* ctest.h - requests between the cross-node test client and servers (servers/ctest). */
#ifndef CTEST_H
#define CTEST_H

#include <stdint.h>
#include <v/ipc.h>
#include <v/kclient.h>

enum {
    CT_ECHO = 0x7101,   /* each word + 1; w4 = the sender the server saw */
    CT_SUM,             /* MoveFrom the whole READ grant; w0 = checksum */
    CT_FILL,            /* MoveTo the whole WRITE grant with pattern seed w0 */
    CT_FWD,             /* Forward to the server of node w0 as CT_ECHO */
    CT_SLOW,            /* reply after w0 ms */
    CT_FILL2,           /* two MoveTos of the whole WRITE grant, seeds w0 then w0 + 1 */
    CT_RSEG,            /* w0 = checksum of the segment bytes the request carried;
                           ReplyWithSegment "pong" into the grant */
    CT_COUNT,           /* at-most-once check: w0 = client thread, w1 = its sequence number,
                           w2 = check word -> w0, w1 as sent, w2 = check + 1, w3 = how many
                           times (w0, w1) has now been executed (1 unless executed twice) */
    CT_COUNT_STATS,     /* -> w0 = CT_COUNT executions, w1 = repeated executions, w2 = distinct
                           (thread, seq) pairs, w3 = requests refused (out of range);
                           w0 = 1 in the request also resets the counts */
    CT_GECHO,           /* sent to CT_GROUP: as CT_ECHO, counted (CT_GROUP_STATS); w4 = sender */
    CT_JOIN,            /* join (w0 = 1) or leave (w0 = 0) CT_GROUP -> V_OK or the error */
    CT_GROUP_STATS,     /* -> w0 = requests this server received through CT_GROUP,
                           w1 = of them flagged V_MSG_NO_REPLY; w0 = 1 in the request
                           also resets both after reading them */
    CT_REG,             /* register (w0 = 1, V_NAME_REG_UNIQUE) or unregister (w0 = 0) the
                           name [svc] for this server -> V_OK or the error */
    CT_SPAWN,           /* start a thread that ends at once -> w0 = its pid */
    CT_HALT,            /* halt this node (no reply: the node is gone) */
    CT_FWDK,            /* Forward to the kernel server of node w0 as KS_NODE_INFO (new
                           codes go last: host tests name the others by number) */
    CT_GO = 0x7180,     /* from the host to the faults client: run phase w0 (faults.c) */
    CT_DONE,            /* a faults client thread reports its result to the main thread */
};

#define CT_COUNT_THREADS 32      /* CT_COUNT's w0 range */
#define CT_COUNT_SEQS    4096    /* CT_COUNT's w1 range */

#define CT_BIG (1024u * 1024u)
/* The group every ctest server joins: created by node 1's logical host, serial 1. */
#define CT_GROUP (V_PID_GROUP_BIT | v_pid_make(v_lhost_make(1, 0), 1))

v_pid_t ct_find(uint32_t node, const char *name, int tries);
uint32_t ct_sum(const uint8_t *p, uint32_t n);
int ct_server(uint32_t node);
int ct_client(uint32_t rounds);
int ct_faults(void);

#endif
