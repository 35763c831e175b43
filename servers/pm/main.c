/*
 * servers/pm/main.c - the program manager: the first program the kernel starts.
 *
 * It registers itself as V_LOGICAL_PM and as the node's default exception handler,
 * starts the programs named on the kernel command line (init=...), then serves
 * requests (v/pm.h, V_REQ_EXCEPTION) in one receive loop through a dispatch table.
 * It blocks only in Receive: its other calls go to the kernel server, which answers at
 * once, and PM_WAIT replies are deferred in team.c. A ticker thread sends PM_TICK every
 * PM_TICK_MS so that teams which vanish without PM_EXIT still release their waiters.
 *
 * Command line: `init=a,b+x+y,c` starts a, then "b x y", then c ('+' stands for a
 * blank inside one program's command line). Without init= it starts "name,shell,tmp":
 * the node's name handler, the shell, then the RAM store [tmpN] (last, so that the
 * shell's pid is the same as before the store existed).
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <v/group.h>
#include <v/kclient.h>
#include <v/pm.h>
#include <v/exc.h>
#include "pm.h"

#define CMDLINE_MAX 512

static const struct {
    uint16_t code;
    int (*fn)(struct pm_req *r);
} dispatch[] = {
    { PM_RUN,          req_run },
    { PM_WAIT,         req_wait },
    { PM_KILL,         req_kill },
    { PM_EXIT,         req_exit },
    { PM_LIST,         req_list },
    { V_REQ_EXCEPTION, req_exception },
    { PM_TICK,         req_tick },
};

static void ticker(uint32_t pm)
{
    struct v_msg m;

    for (;;) {
        v_delay(PM_TICK_MS);
        memset(&m, 0, sizeof m);
        m.code = PM_TICK;
        v_send(&m, pm);
    }
}

/* Start one init= item: '+' becomes a blank. */
static void init_one(char *item)
{
    v_pid_t pid;
    char *p;
    int rc;

    for (p = item; *p; p++)
        if (*p == '+')
            *p = ' ';
    if (!*item)
        return;
    if ((rc = pm_load(item, 0, v_my_pid(), &pid)) < 0)
        printf("pm: cannot start '%s': %s\n", item, v_strerror(rc));
}

/* Start what the command line's init= names (its last init= counts), else name,shell,tmp. */
static void init_programs(void)
{
    static char cmdline[CMDLINE_MAX];
    char list[CMDLINE_MAX] = "name,shell,tmp", *p, *item;
    int rc;

    if ((rc = v_ks_node_info(v_kernel_server(), 0, cmdline, sizeof cmdline)) < 0)
        printf("pm: no command line (%s), starting the shell\n", v_strerror(rc));
    for (p = cmdline; (p = strchr(p, 'i')); p++)
        if ((p == cmdline || p[-1] == ' ') && !strncmp(p, "init=", 5)) {
            uint32_t n = 0;
            for (p += 5; p[n] && p[n] != ' ' && n < sizeof list - 1; n++)
                list[n] = p[n];
            list[n] = 0;
        }
    for (item = list; item; item = p) {
        if ((p = strchr(item, ',')))
            *p++ = 0;
        init_one(item);
    }
}

/* Is a program manager already serving this node? Then a second one must not start
 * (it would take over V_LOGICAL_PM and start another shell). */
static int another_pm(void)
{
    struct v_msg m;
    v_pid_t pm;

    if (v_get_pid(V_LOGICAL_PM, &pm) < 0 || pm == V_PID_NONE || pm == v_my_pid())
        return 0;
    memset(&m, 0, sizeof m);
    m.code = KS_PROCESS_INFO;
    m.w[0] = pm;
    if (v_call(v_kernel_server(), &m) < 0)
        return 0;
    printf("pm: program manager 0x%08x already runs on this node\n", pm);
    return 1;
}

static int handle(struct pm_req *r)
{
    uint32_t i;

    for (i = 0; i < sizeof dispatch / sizeof dispatch[0]; i++)
        if (dispatch[i].code == r->msg.code)
            return dispatch[i].fn(r);
    return V_EBADCALL;
}

int main(int argc, char **argv)
{
    static struct pm_req r;
    struct v_proc_info self;
    uint32_t prio = 1;
    v_pid_t me = v_my_pid();
    int rc;

    (void)argc;
    (void)argv;
    if (another_pm())
        exit(1);
    if ((rc = v_set_pid(V_LOGICAL_PM, me)) < 0 ||
        (rc = v_set_pid(V_LOGICAL_EXCEPTION, me)) < 0)
        printf("pm: cannot register (%s)\n", v_strerror(rc));
    if ((rc = v_join_group(V_GROUP_PROGRAM_MANAGERS, 0)) < 0)   /* `run @*` reaches us */
        printf("pm: cannot join the program managers' group (%s)\n", v_strerror(rc));
    if (v_ks_process_info(v_kernel_server(), me, &self) == 0)
        prio = self.priority;
    if ((rc = v_thread_start(ticker, me, prio, 4096, &pm_ticker)) < 0)
        printf("pm: no ticker thread (%s): vanished teams will not be noticed\n",
               v_strerror(rc));
    init_programs();

    for (;;) {
        memset(&r.msg, 0, sizeof r.msg);
        r.seg_got = sizeof r.seg - 1;
        if (v_receive_with_segment(&r.msg, 0, &r.from, r.seg, &r.seg_got) < 0)
            continue;
        memset(&r.reply, 0, sizeof r.reply);
        if ((rc = handle(&r)) == PM_NOREPLY)
            continue;
        r.reply.code = (uint16_t)rc;
        v_reply(&r.reply, r.from);
    }
}
