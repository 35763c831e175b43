/*
 * ctest - cross-node IPC tests, run on every node of a test cluster as `init=ctest`.
 * Node 1 is the client; the other nodes serve. Servers are found through the remote
 * kernel servers' process lists, so nothing but pids is configured. The client prints
 * PASS/FAIL lines and `N passed, M failed`, then ends the node with its verdict.
 *   ctest [ROUNDS]     (ROUNDS of the plain Send test, default 200)
 *   ctest faults       node 1 runs the fault tests' client instead (faults.c, driven by
 *                      tests/cluster/faults.sh); the servers are the same
 */
#include "ctest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The pid of the process named `name` on node `node`, or 0 after `tries` attempts. */
v_pid_t ct_find(uint32_t node, const char *name, int tries)
{
    static struct v_proc_info recs[20];
    v_pid_t ks = v_pid_make(v_lhost_make(node, 0), V_LOCAL_KERNEL_SERVER);
    for (int t = 0; t < tries; t++) {
        for (uint32_t first = 0;;) {
            struct v_msg m = { .code = KS_PROCESS_LIST, .flags = V_MSG_SEG_WRITE,
                               .seg_ptr = (uint32_t)recs, .seg_len = sizeof(recs), .w = { first } };
            if (v_send(&m, ks) || v_msg_reply_code(&m))
                break;
            for (uint32_t i = 0; i < m.w[1]; i++)
                if (!strcmp(recs[i].name, name) && recs[i].pid == recs[i].team)
                    return recs[i].pid;
            first += m.w[1];
            if (!m.w[1] || first >= m.w[0])
                break;
        }
        v_delay(100);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct v_node_info ni;
    if (v_ks_node_info(v_kernel_server(), &ni, 0, 0) != V_OK) {
        printf("ctest: no node info\n");
        return 1;
    }
    if (ni.node != 1)
        return ct_server((uint32_t)ni.node);
    if (argc > 1 && !strcmp(argv[1], "faults"))
        return ct_faults();
    return ct_client(argc > 1 ? (uint32_t)atoi(argv[1]) : 200);
}
