/*
 * servers/shell/cmd_node.c - shell commands about this node: mem, time, settime,
 * devices, info, stats, halt. Each asks this node's kernel server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <v/kclient.h>
#include "shell.h"

uint32_t sh_node;               /* this node's number, for the prompt */

/* A request with no arguments to our kernel server; prints the error. */
static int ks_ask(const char *cmd, uint16_t code, struct v_msg *m)
{
    int rc;

    memset(m, 0, sizeof *m);
    m->code = code;
    if ((rc = v_call(v_kernel_server(), m)) < 0)
        printf("%s: %s\n", cmd, v_strerror(rc));
    return rc;
}

int cmd_mem(int argc, char **argv)
{
    struct v_msg m;
    uint32_t kib;

    (void)argv;
    if (argc != 1)
        return sh_usage("mem");
    if (ks_ask("mem", KS_MEMORY_STATS, &m) < 0)
        return -1;
    kib = m.w[2] / 1024;
    printf("total %u KiB, free %u KiB, used by teams %u KiB (%u teams), page %u bytes\n",
           m.w[0] * kib, m.w[1] * kib, m.w[3] * kib, m.w[4], m.w[2]);
    struct v_limits l;
    struct v_msg q = { .code = KS_LIMITS };
    v_msg_grant(&q, V_MSG_SEG_WRITE, &l, sizeof l);
    if (v_send(&q, v_kernel_server()) == V_OK && !v_msg_reply_code(&q))
        printf("tables: processes %u of %u (%u a team), teams %u of %u (%u made by one team), group memberships %u of %u (%u a team); one node's aliens at most %u; unread group messages at most %u a team\n",
           l.procs_used, l.procs, l.team_procs, l.teams_used, l.teams, l.team_teams,
           l.groups_used, l.groups, l.team_groups, l.node_aliens, l.team_proxies);
    return 0;
}

/* Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted). */
static void civil(uint32_t days, uint32_t *y, uint32_t *mo, uint32_t *d)
{
    uint32_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *mo = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*mo <= 2);
}

int cmd_time(int argc, char **argv)
{
    uint64_t ns, tod;
    uint32_t up, secs, y, mo, d;
    int rc;

    (void)argv;
    if (argc != 1)
        return sh_usage("time");
    if ((rc = v_ks_get_time(v_kernel_server(), &ns, &tod)) < 0) {
        printf("time: %s\n", v_strerror(rc));
        return -1;
    }
    up = (uint32_t)(ns / 1000000u);
    printf("up %u.%03u s\n", up / 1000, up % 1000);
    civil((uint32_t)(tod / 86400), &y, &mo, &d);
    secs = (uint32_t)(tod % 86400);
    printf("%04u-%02u-%02u %02u:%02u:%02u UTC\n", y, mo, d, secs / 3600, secs / 60 % 60,
           secs % 60);
    return 0;
}

int cmd_settime(int argc, char **argv)
{
    uint32_t s;
    int rc;

    if (argc != 2 || sh_number(argv[1], &s) < 0)
        return sh_usage("settime");
    if ((rc = v_ks_set_time(v_kernel_server(), s)) < 0) {
        printf("settime: %s\n", v_strerror(rc));
        return -1;
    }
    return cmd_time(1, argv);
}

int cmd_devices(int argc, char **argv)
{
    static struct v_dev_info tab[64];
    uint32_t total, n, i;
    int rc;

    (void)argv;
    if (argc != 1)
        return sh_usage("devices");
    if ((rc = v_ks_device_list(v_kernel_server(), tab, 64, &total, &n)) < 0) {
        printf("devices: %s\n", v_strerror(rc));
        return -1;
    }
    for (i = 0; i < n && i < 64; i++) {
        const struct v_dev_info *d = &tab[i];
        printf("%02x:%02x.%x %04x:%04x class %02x%02x%02x irq %u%s\n", d->bus, d->dev,
               d->fn, d->vendor, d->device, d->class_code, d->subclass, d->prog_if,
               d->irq, d->kind == 1 ? " [nic]" : "");
    }
    if (n == 0)
        printf("no devices\n");
    if (total > n)
        printf("(%u more not shown)\n", total - n);
    return 0;
}

int cmd_info(int argc, char **argv)
{
    static char cmdline[512];
    struct v_node_info ni;
    v_pid_t pm = V_PID_NONE;
    int rc;

    (void)argv;
    if (argc != 1)
        return sh_usage("info");
    if ((rc = v_ks_node_info(v_kernel_server(), &ni, cmdline, sizeof cmdline)) < 0) {
        printf("info: %s\n", v_strerror(rc));
        return -1;
    }
    v_get_pid(V_LOGICAL_PM, &pm);
    printf("node %u, logical host 0x%04x, ip %u.%u.%u.%u, up %u ms%s\n", ni.node, ni.lhost,
           ni.ipv4 >> 24, ni.ipv4 >> 16 & 0xff, ni.ipv4 >> 8 & 0xff, ni.ipv4 & 0xff,
           ni.uptime_ms, ni.test_mode ? ", test mode" : "");
    printf("kernel server 0x%08x, device server 0x%08x, program manager 0x%08x, "
           "shell 0x%08x\n", v_kernel_server(), v_device_server(), pm, v_my_pid());
    printf("cmdline: %s\n", cmdline);
    return 0;
}

int cmd_stats(int argc, char **argv)
{
    struct v_msg m;

    (void)argv;
    if (argc != 1)
        return sh_usage("stats");
    if (ks_ask("stats", KS_STATS, &m) < 0)
        return -1;
    printf("ipc sends %u, context switches %u, exceptions %u, syscall errors %u, "
           "timer ticks %u\n", m.w[0], m.w[1], m.w[2], m.w[3], m.w[4]);
    return 0;
}

int cmd_halt(int argc, char **argv)
{
    long status = 0;
    char *end;
    int rc;

    if (argc > 2)
        return sh_usage("halt");
    if (argc == 2) {
        status = strtol(argv[1], &end, 0);
        if (!*argv[1] || *end)
            return sh_usage("halt");
    }
    if ((rc = v_ks_halt((int)status)) < 0) {
        printf("halt: %s\n", v_strerror(rc));
        return -1;
    }
    return 0;
}
