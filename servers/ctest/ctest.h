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
    CT_RSEG,            /* w0 = checksum of the segment bytes the request carried;
                           ReplyWithSegment "pong" into the grant */
};

#define CT_BIG (1024u * 1024u)

v_pid_t ct_find(uint32_t node, const char *name, int tries);
uint32_t ct_sum(const uint8_t *p, uint32_t n);
int ct_server(uint32_t node);
int ct_client(uint32_t rounds);

#endif
