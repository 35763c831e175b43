/*
 * libv/pmclient.c - client stubs of the program manager protocol (v/pm.h): v_pm_run,
 * v_pm_wait, v_pm_kill, v_pm_list. They reach this node's program manager, registered as
 * V_LOGICAL_PM; without one they return V_ENOTFOUND.
 */
#include <v/ipc.h>
#include <v/kclient.h>
#include <v/pm.h>
#include <string.h>

static int pm_call(struct v_msg *m)
{
    v_pid_t pm;
    int rc;

    if ((rc = v_get_pid(V_LOGICAL_PM, &pm)) < 0)
        return rc;
    if (pm == V_PID_NONE)
        return V_ENOTFOUND;
    return v_call(pm, m);
}

/* Run "name arg1 arg2 ..." from the boot bundle at priority prio (0 = the PM's
 * default); *pid = the new team's root. Errors: V_ENOTFOUND (no such program),
 * V_EINVAL (not a valid program), V_ENOMEM. */
int v_pm_run(const char *cmdline, uint32_t prio, v_pid_t *pid)
{
    struct v_msg m;
    int rc;

    memset(&m, 0, sizeof m);
    m.code = PM_RUN;
    m.w[0] = prio;
    m.flags = V_MSG_SEG_READ;
    m.seg_ptr = (uint32_t)(uintptr_t)cmdline;
    m.seg_len = strlen(cmdline) + 1;
    rc = pm_call(&m);
    if (pid)
        *pid = rc < 0 ? V_PID_NONE : m.w[0];
    return rc;
}

/* Block until the team of pid ends; *status = its exit status, or V_PM_KILLED /
 * V_PM_FAULTED. Errors: V_ENOPROC (the PM does not know that team). */
int v_pm_wait(v_pid_t pid, int *status)
{
    struct v_msg m;
    int rc;

    memset(&m, 0, sizeof m);
    m.code = PM_WAIT;
    m.w[0] = pid;
    rc = pm_call(&m);
    if (status)
        *status = rc < 0 ? 0 : (int)m.w[0];
    return rc;
}

/* Destroy the team pid belongs to. Errors: V_ENOPROC, V_EPERM (the PM itself). */
int v_pm_kill(v_pid_t pid)
{
    struct v_msg m;

    memset(&m, 0, sizeof m);
    m.code = PM_KILL;
    m.w[0] = pid;
    return pm_call(&m);
}

/* The programs the PM can run, one name per line (see v/pm.h PM_LIST). */
int v_pm_list(char *buf, uint32_t len, uint32_t *got)
{
    struct v_msg m;
    int rc;

    if (!buf || len == 0)
        return V_EINVAL;
    memset(buf, 0, len);
    memset(&m, 0, sizeof m);
    m.code = PM_LIST;
    m.flags = V_MSG_SEG_WRITE;
    m.seg_ptr = (uint32_t)(uintptr_t)buf;
    m.seg_len = len - 1;
    rc = pm_call(&m);
    if (got)
        *got = rc < 0 ? 0 : m.w[0];
    return rc;
}
