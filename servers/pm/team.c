/*
 * servers/pm/team.c - the teams this program manager started: running ones, and ended
 * ones kept with their exit status (so a PM_WAIT that comes after the end still gets
 * it), and the PM_WAIT requests deferred until a team ends.
 * Entry points: team_alloc, team_release, team_find, team_slot, team_end, team_wait,
 * team_check_gone. Called only from the PM's receive loop.
 */
#include <string.h>
#include <v/kclient.h>
#include <v/pm.h>
#include "pm.h"

static struct pm_team teams[PM_TEAMS];
static uint32_t end_seq;

struct pm_waiter {
    v_pid_t waiter;             /* 0: free slot */
    v_pid_t team;
};
static struct pm_waiter waiters[PM_WAITERS];

/* A slot for a new team: a free one, else the one that ended first. NULL if every
 * slot holds a running team. The caller fills it and sets T_RUNNING. */
struct pm_team *team_alloc(void)
{
    struct pm_team *best = 0;
    uint32_t i;

    for (i = 0; i < PM_TEAMS; i++) {
        struct pm_team *t = &teams[i];
        if (t->state == T_FREE)
            return memset(t, 0, sizeof *t);
        if (t->state == T_ENDED && (!best || t->ended_seq < best->ended_seq))
            best = t;
    }
    return best ? memset(best, 0, sizeof *best) : 0;
}

void team_release(struct pm_team *t)
{
    memset(t, 0, sizeof *t);
}

/* The entry (running or ended) whose root is `root`, or NULL. */
struct pm_team *team_find(v_pid_t root)
{
    uint32_t i;

    if (root == V_PID_NONE)
        return 0;
    for (i = 0; i < PM_TEAMS; i++)
        if (teams[i].state != T_FREE && teams[i].root == root)
            return &teams[i];
    return 0;
}

/* For walks over the table: slot i (possibly free), NULL past the end. */
struct pm_team *team_slot(uint32_t i)
{
    return i < PM_TEAMS ? &teams[i] : 0;
}

static void wait_reply(v_pid_t waiter, int status)
{
    struct v_msg m;

    memset(&m, 0, sizeof m);
    m.code = (uint16_t)V_OK;
    m.w[0] = (uint32_t)status;
    v_reply(&m, waiter);   /* a waiter that died meanwhile is no concern of ours */
}

/* Record that t ended with `status` and answer everyone waiting on it. */
void team_end(struct pm_team *t, int status)
{
    uint32_t i;

    if (t->state != T_RUNNING)
        return;
    t->state = T_ENDED;
    t->status = status;
    t->ended_seq = ++end_seq;
    for (i = 0; i < PM_WAITERS; i++)
        if (waiters[i].waiter && waiters[i].team == t->root) {
            wait_reply(waiters[i].waiter, status);
            waiters[i].waiter = V_PID_NONE;
        }
}

/* Free the slots of this node's waiters that died waiting (destroyed, or their team
 * ended). A remote waiter is kept: asking its node could hold the PM for seconds. */
static void waiters_forget_dead(void)
{
    struct v_msg m;
    uint32_t i;

    for (i = 0; i < PM_WAITERS; i++) {
        if (!waiters[i].waiter || v_pid_lhost(waiters[i].waiter) != v_pid_lhost(v_my_pid()))
            continue;
        memset(&m, 0, sizeof m);
        m.code = KS_PROCESS_INFO;
        m.w[0] = waiters[i].waiter;
        if (v_call(v_kernel_server(), &m) == V_ENOPROC)
            waiters[i].waiter = V_PID_NONE;
    }
}

static int waiter_add(v_pid_t waiter, v_pid_t root)
{
    uint32_t i;

    for (i = 0; i < PM_WAITERS; i++)
        if (!waiters[i].waiter) {
            waiters[i].waiter = waiter;
            waiters[i].team = root;
            return PM_NOREPLY;
        }
    return V_ENOMEM;
}

/* Answer waiter when t ends (now if it has). Returns PM_NOREPLY once answered or
 * queued, V_ENOMEM if PM_WAITERS live waits are pending (the dead are forgotten
 * first, when the table is full). */
int team_wait(struct pm_team *t, v_pid_t waiter)
{
    if (t->state == T_ENDED) {
        wait_reply(waiter, t->status);
        return PM_NOREPLY;
    }
    if (waiter_add(waiter, t->root) == PM_NOREPLY)
        return PM_NOREPLY;
    waiters_forget_dead();
    return waiter_add(waiter, t->root);
}

/* Teams can end without telling us (destroyed by someone else, or a root that called
 * v_exit_process): ask the kernel about every running team and end the vanished ones. */
void team_check_gone(void)
{
    struct v_msg m;
    uint32_t i;
    int rc;

    for (i = 0; i < PM_TEAMS; i++) {
        if (teams[i].state != T_RUNNING)
            continue;
        memset(&m, 0, sizeof m);
        m.code = KS_PROCESS_INFO;
        m.w[0] = teams[i].root;
        rc = v_call(v_kernel_server(), &m);
        if (rc == V_ENOPROC || rc == V_EDESTROYED)
            team_end(&teams[i], V_PM_KILLED);
    }
}
