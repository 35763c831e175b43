/*
 * servers/pm/req.c - the program manager's request handlers (v/pm.h, v/exc.h), one per
 * request code, named by main.c's dispatch table. Each returns the reply code (the
 * loop replies with it and r->reply's words) or PM_NOREPLY when it has replied itself
 * or deferred the reply (PM_WAIT).
 */
#include <string.h>
#include <stdio.h>
#include <v/kclient.h>
#include <v/pm.h>
#include <v/exc.h>
#include "pm.h"

v_pid_t pm_ticker;              /* the ticker thread, the only sender of PM_TICK */

/* PM_RUN: seg R = "name args..." ; w0 = priority -> w0 = the new team's root. */
int req_run(struct pm_req *r)
{
    v_pid_t pid;
    int rc;

    if (!(r->msg.flags & V_MSG_SEG_READ) || r->seg_got == 0)
        return V_EINVAL;
    /* the loop takes at most sizeof seg - 1 bytes: a longer line has no NUL in them */
    if (r->msg.seg_len > r->seg_got && strnlen(r->seg, r->seg_got) == r->seg_got)
        return V_EINVAL;
    r->seg[r->seg_got] = 0;
    if ((rc = pm_load(r->seg, r->msg.w[0], r->from, &pid)) < 0)
        return rc;
    r->reply.w[0] = pid;
    return V_OK;
}

/* PM_WAIT: w0 = pid of a team's root; answered when it ends (w0 = status). */
int req_wait(struct pm_req *r)
{
    struct pm_team *t = team_find(r->msg.w[0]);

    if (!t)
        return V_ENOPROC;
    if (r->msg.w[0] == r->from)
        return V_EDEADLOCK;
    return team_wait(t, r->from);
}

/* The root of the team `pid` is in: pid itself for the teams we started. */
static int team_root_of(v_pid_t pid, v_pid_t *root)
{
    struct v_proc_info pi;
    int rc;

    if (team_find(pid)) {
        *root = pid;
        return V_OK;
    }
    if ((rc = v_ks_process_info(v_kernel_server_of(pid), pid, &pi)) < 0)
        return rc;
    *root = pi.team ? pi.team : pid;
    return V_OK;
}

/* PM_KILL: w0 = any pid of a team: destroys the team. Not the PM's own. */
int req_kill(struct pm_req *r)
{
    struct pm_team *t;
    v_pid_t root;
    int rc;

    if ((rc = team_root_of(r->msg.w[0], &root)) < 0)
        return rc;
    if (root == v_my_pid())
        return V_EPERM;
    if ((rc = v_ks_destroy(root)) < 0 && rc != V_ENOPROC)
        return rc;
    t = team_find(root);
    if (t)
        team_end(t, V_PM_KILLED);
    else if (rc == V_ENOPROC)
        return rc;
    return V_OK;
}

/* PM_EXIT: w0 = status, from a team's root on its way out. */
int req_exit(struct pm_req *r)
{
    struct pm_team *t = team_find(r->from);

    if (t)
        team_end(t, (int)r->msg.w[0]);
    return V_OK;
}

/* PM_LIST: seg W <- the bundle's program names -> w0 = bytes. */
int req_list(struct pm_req *r)
{
    static char buf[1024];
    uint32_t n, len;
    int rc;

    if (!(r->msg.flags & V_MSG_SEG_WRITE))
        return V_ENOACCESS;
    if ((rc = pm_module_list(buf, sizeof buf, &n)) < 0)
        return rc;
    len = n + 1 < r->msg.seg_len ? n + 1 : r->msg.seg_len;
    r->reply.code = (uint16_t)V_OK;
    r->reply.w[0] = len;
    if ((rc = v_reply_with_segment(&r->reply, r->from, r->msg.seg_ptr, buf, len)) < 0)
        return rc;
    return PM_NOREPLY;
}

static const char *exc_name(uint32_t vector)
{
    switch (vector) {
    case V_EXC_DIVIDE:     return "divide error";
    case V_EXC_BREAKPOINT: return "breakpoint";
    case V_EXC_INVALID_OP: return "invalid opcode";
    case V_EXC_GPF:        return "general protection fault";
    case V_EXC_PAGE_FAULT: return "page fault";
    default:               return "exception";
    }
}

/* V_REQ_EXCEPTION, sent by the kernel on behalf of a faulting process: report it in
 * one line and destroy its team (nothing here repairs programs). */
int req_exception(struct pm_req *r)
{
    const uint32_t *w = r->msg.w;
    char name[V_NAME_LEN] = "?";
    struct v_proc_info pi;
    struct pm_team *t;
    v_pid_t root = r->from;

    if (v_ks_process_info(v_kernel_server(), r->from, &pi) == 0) {
        root = pi.team ? pi.team : r->from;
        strlcpy(name, pi.name, sizeof name);
    }
    if ((t = team_find(root)))
        strlcpy(name, t->name, sizeof name);
    if (w[0] == V_EXC_PAGE_FAULT)
        printf("pm: fault in '%s' pid 0x%08x: page fault at eip 0x%08x addr 0x%08x "
               "(error 0x%x); team destroyed\n", name, r->from, w[2], w[3], w[1]);
    else
        printf("pm: fault in '%s' pid 0x%08x: %s (vector %u) at eip 0x%08x (error 0x%x); "
               "team destroyed\n", name, r->from, exc_name(w[0]), w[0], w[2], w[1]);
    if (root == v_my_pid()) {
        if (r->from != root)      /* one of our own threads: end just that one */
            v_ks_destroy(r->from);
        return PM_NOREPLY;
    }
    v_ks_destroy(root);
    if (t)
        team_end(t, V_PM_FAULTED);
    return PM_NOREPLY;
}

/* PM_TICK from our ticker thread: notice teams that ended without telling us. */
int req_tick(struct pm_req *r)
{
    struct v_msg m;

    if (r->from != pm_ticker)
        return V_EBADCALL;
    memset(&m, 0, sizeof m);
    v_reply(&m, r->from);
    team_check_gone();
    return PM_NOREPLY;
}
