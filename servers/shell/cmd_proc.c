/*
 * servers/shell/cmd_proc.c - shell commands about processes and programs:
 * ps, run, kill, programs, send.
 */
#include <stdio.h>
#include <string.h>
#include <v/group.h>
#include <v/kclient.h>
#include <v/ksrv.h>
#include <v/pm.h>
#include "shell.h"

#define PS_MAX 128

static void ps_print(uint32_t node, const struct v_proc_info *tab, uint32_t n)
{
    for (uint32_t i = 0; i < n && i < PS_MAX; i++) {
        const struct v_proc_info *p = &tab[i];
        char name[V_NAME_LEN + 1];
        memcpy(name, p->name, V_NAME_LEN);
        name[V_NAME_LEN] = 0;
        if (node)
            printf("%4u ", node);
        printf("0x%08x 0x%08x %-11s %4u %8u %7uK %s\n", p->pid, p->team,
               v_proc_state_name(p->state), p->priority, p->ticks, p->team_size / 1024, name);
    }
}

/* ps @*: every node that answers the kernel-server group, in node order. */
static int ps_cluster(void)
{
    static struct v_proc_info tab[PS_MAX];
    uint32_t bits[8], total, n, nodes = 0;
    int rc = v_ks_cluster_nodes(bits, 0), bad = 0;
    if (rc < 0) {
        printf("ps: no kernel server answered: %s\n", v_strerror(rc));
        return -1;
    }
    printf("%4s %-10s %-10s %-11s %4s %8s %8s %s\n", "NODE", "PID", "TEAM", "STATE", "PRIO",
           "TICKS", "SIZE", "NAME");
    for (uint32_t node = 1; node <= V_NODE_MAX; node++) {
        if (!(bits[node / 32] & (1u << (node % 32))))
            continue;
        nodes++;
        v_pid_t ks = v_pid_make(v_lhost_make(node, 0), V_LOCAL_KERNEL_SERVER);
        if ((rc = v_ks_process_list(ks, tab, PS_MAX, &total, &n)) < 0) {
            printf("node %u: error: %s\n", node, v_strerror(rc));
            bad++;
            continue;
        }
        ps_print(node, tab, n);
    }
    printf("(%u nodes)\n", nodes);
    return bad ? -1 : 0;
}

/* ps [@NODE | @*]: the process table of this node's kernel server, of node NODE's, or of
 * every node's. */
int cmd_ps(int argc, char **argv)
{
    static struct v_proc_info tab[PS_MAX];
    v_pid_t ks = v_kernel_server();
    uint32_t node, total, n;
    int rc;

    if (argc > 2)
        return sh_usage("ps");
    if (argc == 2 && !strcmp(argv[1], "@*"))
        return ps_cluster();
    if (argc == 2) {
        const char *s = argv[1][0] == '@' ? argv[1] + 1 : argv[1];
        if (sh_number(s, &node) < 0 || node > V_NODE_MAX)
            return sh_usage("ps");
        ks = v_pid_make(v_lhost_make(node, 0), V_LOCAL_KERNEL_SERVER);
    }
    if ((rc = v_ks_process_list(ks, tab, PS_MAX, &total, &n)) < 0) {
        printf("ps: kernel server 0x%08x: %s\n", ks, v_strerror(rc));
        return -1;
    }
    printf("%-10s %-10s %-11s %4s %8s %8s %s\n", "PID", "TEAM", "STATE", "PRIO", "TICKS",
           "SIZE", "NAME");
    ps_print(0, tab, n);
    if (total > n)
        printf("(%u more not shown)\n", total - n);
    return 0;
}

/* run @* NAME [ARGS...]: one group Send of PM_RUN to every node's program manager. */
static int run_everywhere(int argc, char **argv)
{
    char cmd[SH_LINE_MAX];
    sh_join(cmd, sizeof cmd, argc, argv);
    struct v_msg m = { .code = PM_RUN, .flags = V_MSG_SEG_READ, .seg_ptr = (uint32_t)cmd,
                       .seg_len = (uint32_t)strlen(cmd) + 1 };
    v_pid_t from;
    uint32_t started = 0, failed = 0;
    int rc = v_send_r(&m, V_GROUP_PROGRAM_MANAGERS, &from);
    if (rc < 0) {
        printf("run: no program manager answered: %s\n", v_strerror(rc));
        return -1;
    }
    do {
        uint32_t node = v_lhost_home_node(v_pid_lhost(from));
        if (v_msg_reply_code(&m) < 0) {
            printf("node %u: %s: %s\n", node, argv[0], v_strerror(v_msg_reply_code(&m)));
            failed++;
        } else {
            printf("node %u: started 0x%08x\n", node, m.w[0]);
            started++;
        }
    } while (v_get_reply(&m, V_GROUP_WINDOW_MS, &from) == V_OK);
    printf("(started on %u nodes, failed on %u)\n", started, failed);
    return failed ? -1 : 0;
}

/* run NAME [ARGS...] [&]: start a program through the PM; wait for it unless '&'.
 * run @* NAME [ARGS...]: start it on every node. */
int cmd_run(int argc, char **argv)
{
    char cmd[SH_LINE_MAX], buf[32];
    int bg = 0, rc, status;
    v_pid_t pid;

    if (argc > 2 && !strcmp(argv[1], "@*"))
        return run_everywhere(argc - 2, argv + 2);

    if (argc > 1 && !strcmp(argv[argc - 1], "&")) {
        bg = 1;
        argc--;
    }
    if (argc < 2)
        return sh_usage("run");
    sh_join(cmd, sizeof cmd, argc - 1, argv + 1);
    if ((rc = v_pm_run(cmd, 0, &pid)) < 0) {
        printf("run: %s: %s\n", argv[1], v_strerror(rc));
        return -1;
    }
    if (bg) {
        printf("[0x%08x] %s started\n", pid, argv[1]);
        return 0;
    }
    if ((rc = v_pm_wait(pid, &status)) < 0) {
        printf("run: waiting for 0x%08x: %s\n", pid, v_strerror(rc));
        return -1;
    }
    printf("[0x%08x] %s: %s\n", pid, argv[1], sh_status_text(status, buf, sizeof buf));
    return 0;
}

/* kill PID: the PM destroys the team of PID. */
int cmd_kill(int argc, char **argv)
{
    uint32_t pid;
    int rc;

    if (argc != 2 || sh_number(argv[1], &pid) < 0)
        return sh_usage("kill");
    if ((rc = v_pm_kill(pid)) < 0) {
        printf("kill: 0x%08x: %s\n", pid, v_strerror(rc));
        return -1;
    }
    printf("killed 0x%08x\n", pid);
    return 0;
}

/* programs: what the PM can run. */
int cmd_programs(int argc, char **argv)
{
    static char buf[1024];
    uint32_t got;
    int rc;

    (void)argv;
    if (argc != 1)
        return sh_usage("programs");
    if ((rc = v_pm_list(buf, sizeof buf, &got)) < 0) {
        printf("programs: %s\n", v_strerror(rc));
        return -1;
    }
    printf("%s", buf);
    return 0;
}

/* send PID CODE [W0..W4]: one raw Send; shows the reply as it came. */
int cmd_send(int argc, char **argv)
{
    struct v_msg m;
    uint32_t to, code, i;
    v_pid_t replier;
    int rc;

    if (argc < 3 || argc > 8 || sh_number(argv[1], &to) < 0 ||
        sh_number(argv[2], &code) < 0 || code > 0xffff)
        return sh_usage("send");
    memset(&m, 0, sizeof m);
    m.code = (uint16_t)code;
    for (i = 3; i < (uint32_t)argc; i++)
        if (sh_number(argv[i], &m.w[i - 3]) < 0)
            return sh_usage("send");
    if ((rc = v_send_r(&m, to, &replier)) < 0) {
        printf("send: 0x%08x: %s\n", to, v_strerror(rc));
        return -1;
    }
    rc = v_msg_reply_code(&m);
    printf("reply %d (%s) from 0x%08x: 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x\n", rc,
           rc <= 0 ? v_strerror(rc) : "not an error code", replier, m.w[0], m.w[1],
           m.w[2], m.w[3], m.w[4]);
    return 0;
}
