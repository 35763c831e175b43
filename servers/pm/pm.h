/*
 * servers/pm/pm.h - the program manager's internal interfaces.
 *   team.c  the table of teams the PM started, their exit status and who waits on them.
 *   load.c  finding a program in the boot bundle and starting it as a new team.
 *   req.c   the request handlers main.c's dispatch table names.
 * The PM is one receive loop (main.c) plus a ticker thread; only the loop touches
 * these tables, so nothing here locks.
 */
#ifndef PM_PM_H
#define PM_PM_H

#include <stdint.h>
#include <v/ipc.h>
#include <v/ksrv.h>

#define PM_TEAMS       64          /* teams remembered, running or ended */
#define PM_WAITERS     64          /* deferred PM_WAIT replies */
#define PM_CMD_MAX     512         /* a PM_RUN command line, NUL included */
#define PM_ARGS        32          /* argv entries, the name included */
#define PM_HEAP        (1024u * 1024u)   /* heap given to every program */
#define PM_DEFAULT_PRIO 4
#define PM_TICK_MS     200
#define PM_TICK        0x4ff       /* private: the ticker thread's request */
#define PM_NOREPLY     1           /* a handler's answer: do not reply now */

enum pm_team_state { T_FREE, T_RUNNING, T_ENDED };

struct pm_team {
    int state;                  /* enum pm_team_state */
    v_pid_t root;               /* the team's root process: the team's id */
    v_pid_t parent;             /* who asked for it */
    int status;                 /* exit status once T_ENDED */
    uint32_t ended_seq;         /* order of ending: the oldest ended entry is reused first */
    char name[V_NAME_LEN];
};

/* One request as the loop received it, and the reply the handler builds. */
struct pm_req {
    struct v_msg msg;
    v_pid_t from;
    char seg[PM_CMD_MAX];       /* what the sender's read segment held, NUL-terminated */
    uint32_t seg_got;
    struct v_msg reply;         /* w[] of the reply; the handler's result is its code */
};

/* team.c */
struct pm_team *team_alloc(void);
void team_release(struct pm_team *t);
struct pm_team *team_find(v_pid_t root);
struct pm_team *team_slot(uint32_t i);
void team_end(struct pm_team *t, int status);
int team_wait(struct pm_team *t, v_pid_t waiter);
void team_check_gone(void);

/* load.c */
int pm_load(const char *cmdline, uint32_t prio, v_pid_t parent, v_pid_t *pid);
int pm_module_find(const char *name, uint32_t *index, uint32_t *size);
int pm_module_list(char *buf, uint32_t len, uint32_t *used);
void pm_program_name(const char *module, char *out, uint32_t len);

/* req.c */
extern v_pid_t pm_ticker;
int req_run(struct pm_req *r);
int req_wait(struct pm_req *r);
int req_kill(struct pm_req *r);
int req_exit(struct pm_req *r);
int req_list(struct pm_req *r);
int req_exception(struct pm_req *r);
int req_tick(struct pm_req *r);

#endif
