/*
 * abuse.h - the ring-3 abuse program (servers/abuse): state shared by its driver (main.c),
 * its hostile calls (calls.c, args.c) and its checks (check.c). docs/TESTING.md, "The
 * abuse program", says what it does and what it leaves out.
 */
#ifndef ABUSE_H
#define ABUSE_H

#include <stdint.h>
#include <v/ipc.h>
#include <v/kclient.h>

#define AB_ARENA      8192u   /* scratch at the top of the team: its end is unmapped */
#define AB_KIDS       256u    /* teams and processes the calls made, kept for clean-up */
#define AB_SLOW_MS    300u    /* a call to a server, another node or a group: blocked
                                 longer, its worker is ended (a group Send's window and a
                                 unique name registration take longer: they are cut) */
#define AB_QUICK_MS   50u     /* any other call */
#define AB_WORKER_PRIO 5u     /* below the driver (PM_DEFAULT_PRIO 4), which watches it */

enum ab_kind {
    AB_SEND_KS, AB_SEND_RKS, AB_SEND_PM, AB_SEND_RPM, AB_SEND_NAME, AB_SEND_ANY,
    AB_SEND_GROUP, AB_RECEIVE, AB_REPLY, AB_FORWARD, AB_MOVE, AB_GET_REPLY, AB_GROUPS,
    AB_PIDS, AB_MISC, AB_EXIT, AB_KINDS
};

struct ab_state {
    uint32_t seed, count;
    uint32_t verbose;          /* 1: say which calls blocked; 2: name every call too */
    v_pid_t driver;            /* the team's root: never the target of a destructive call */
    v_pid_t ks, pm, name;      /* this node's servers */
    v_pid_t rks, rpm;          /* the remote node's (0: none) */
    uint32_t arena;            /* address of the scratch (AB_ARENA bytes) */
    uint32_t size0;            /* the team's size before the scratch was added */
    uint32_t size1;            /* with it: the calls never shrink the team below this */
    volatile uint32_t cur;     /* the call the worker is making */
    volatile uint32_t cur_kind;/* its kind (enum ab_kind) */
    volatile uint64_t t_call;  /* when it began (ns) */
    volatile uint32_t done;    /* calls finished */
    volatile uint32_t limit_ms;/* how long the current call may block */
    v_pid_t kids[AB_KIDS];     /* teams the calls made (ring: the newest AB_KIDS) */
    uint32_t nkids;
    v_pid_t threads[AB_KIDS];  /* processes they made in this team (KS_CREATE_PROCESS) */
    uint32_t nthreads;
    uint32_t by_kind[AB_KINDS];
    uint32_t ms_by_kind[AB_KINDS];  /* time the calls of each kind took (ended ones too) */
    uint32_t errors;           /* calls that returned an error */
    uint32_t ended_blocked;    /* workers the driver ended because a call blocked */
    uint32_t ended_exit;       /* workers that ended themselves (AB_EXIT, a destroy) */
};
extern struct ab_state ab;

/* args.c: hostile arguments, all drawn from the call's own generator. */
uint32_t ab_rand(uint32_t *r);
uint32_t ab_pick(uint32_t *r, uint32_t n);
v_pid_t ab_any_pid(uint32_t *r);
v_pid_t ab_kid_or_nobody(uint32_t *r);
v_pid_t ab_made_or_nobody(uint32_t *r);
v_pid_t ab_group_pid(uint32_t *r);
uint32_t ab_wptr(uint32_t *r, uint32_t len);
uint32_t ab_rptr(uint32_t *r);
uint32_t ab_len(uint32_t *r);
uint32_t ab_word(uint32_t *r);
void ab_grant(uint32_t *r, struct v_msg *m);
struct v_msg *ab_msg(uint32_t *r);
void ab_kid(v_pid_t pid, int thread);

/* calls.c */
void ab_call(uint32_t i);
const char *ab_kind_name(uint32_t k);

/* check.c: what the node holds, before and after, and whether its servers answer. */
struct ab_census {
    uint32_t free_pages, teams, procs, memberships, names;
};
int ab_census(v_pid_t ks, v_pid_t name, struct ab_census *c);
uint32_t ab_census_settle(const struct ab_census *want, v_pid_t ks, v_pid_t name,
                          struct ab_census *got, uint32_t ms);
void ab_census_show(v_pid_t ks, v_pid_t name);
int ab_alive(v_pid_t pid);
void ab_check(const char *name, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ab_services(void);
v_pid_t ab_find(v_pid_t ks, const char *name);
extern uint32_t ab_passed, ab_failed;

#endif
