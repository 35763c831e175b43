/*
 * client.h - what the files of the ctest client on node 1 share: the servers it tests,
 * its tally and the CHECK that keeps it, and the tests each file holds.
 *   client.c         the client's run (ct_client); plain IPC, moves, segments, errors,
 *                    kernel events
 *   client_groups.c  process groups across nodes (ct_test_groups)
 *   client_naming.c  naming by multicast (ct_test_naming)
 *   client_create.c  remote team creation (ct_test_create)
 *   client_uio.c     a file in node 2's RAM store, from node 1 (ct_test_uio)
 */
#ifndef CTEST_CLIENT_H
#define CTEST_CLIENT_H

#include "ctest.h"
#include <stdio.h>
#include <v/ksrv.h>

extern v_pid_t ct_s2, ct_s3;            /* the ctest servers of nodes 2 and 3 */
extern uint32_t ct_passed, ct_failed;   /* the checks so far, counted by CHECK */

/* One check: `PASS cluster/name`, or `FAIL cluster/name: ` and the printf-style reason. */
#define CHECK(name, cond, ...) do {                                                  \
        if (cond) { ct_passed++; printf("PASS cluster/%s\n", name); }                  \
        else { ct_failed++; printf("FAIL cluster/%s: ", name); printf(__VA_ARGS__); printf("\n"); } \
    } while (0)

/* This node's protocol counters (KS_NET_STATS) into *st; V_OK or an error. */
int ct_net_stats(struct v_net_stats *st);

void ct_test_groups(void);
void ct_test_naming(void);
void ct_test_create(void);
void ct_test_uio(void);

#endif
