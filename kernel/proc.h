/*
 * proc.h - processes (threads of control) and teams (address spaces), the process
 * module's objects. Entry points: proc_init, proc_slot, proc_lookup, proc_lookup_alien,
 * proc_alien_awaiting, proc_create, proc_create_alien, proc_free_alien,
 * proc_create_kernel, proc_destroy, proc_destroy_for, team_create, team_lookup,
 * team_count. All of them run with interrupts off (the whole kernel does).
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <stdint.h>
#include "arch.h"
#include "list.h"
#include "timerq.h"
#include <v/msg.h>
#include <v/pid.h>
#include <v/ksrv.h>

#define NPROC      64           /* process slots on a node (the slot is 8 bits of a pid) */
#define NTEAM      32
#define KSTACK_SIZE 8192
/* Each team's share of the node's tables (docs/IPC.md, "Shares"): no one program can take
 * a whole table, so the node's own servers always have room. */
#define TEAM_PROCS (NPROC / 2)  /* processes of one team */
#define TEAM_TEAMS (NTEAM / 2)  /* teams that one team (or one remote logical host) created
                                   and that still live */

struct team {
    int used;
    v_pid_t root;               /* pid of its first process; the team's id */
    uint32_t pd;                /* page directory */
    uint32_t size;              /* bytes mapped from V_USER_BASE */
    v_pid_t exc_handler;        /* 0: the node's V_LOGICAL_EXCEPTION */
    uint32_t nproc;
    v_pid_t creator;            /* who created it: the creating team's root, or for a
                                   remote creator its logical host's pid 0; 0: the kernel */
    char name[V_NAME_LEN];
};

/* What an alien record stands for. Aliens are queued on receivers like local senders
 * and carry the client's pid; ipc_complete hands their replies back to net/. */
enum alien_kind {
    ALIEN_NONE = 0,
    ALIEN_REMOTE,               /* a remote client's unicast Send (net/remote.c) */
    ALIEN_GROUP,                /* a remote client's group Send, one per local member */
    ALIEN_PROXY,                /* a local client's group Send, one per other local member */
};

/* Why a process that awaits a reply is blocked, beyond an ordinary Send. */
enum await_kind { AWAIT_SEND = 0, AWAIT_START, AWAIT_EXCEPTION,
                  AWAIT_PROBE };        /* RECEIVE_BLOCKED on a remote pid, its probe out */

struct proc {
    v_pid_t pid;                /* 0 when the slot is free */
    uint32_t state;             /* enum v_proc_state */
    uint32_t prio;
    uint32_t slot_gen;          /* generation of the slot, bumped on each reuse */
    uint8_t alien;              /* enum alien_kind: stands for a client of a Send that is
                                   not this slot's process (net/remote*.c) */
    uint8_t doomed;             /* destroyed while running: dies at its trap exit */
    struct team *team;
    struct list qlink;          /* on a ready queue, or on a receiver's sender queue */
    struct arch_context ctx;
    uint32_t ticks;             /* timer ticks spent running */

    /* Communication (ipc.c). msg is the message sent, then the reply received. */
    struct v_msg msg;
    v_pid_t blocked_on;         /* receiver / replier / sender awaited, 0 = any */
    uint32_t await;             /* enum await_kind, when AWAITING_REPLY */
    uint32_t grant_flags, grant_ptr, grant_len;   /* segment granted with msg */
    struct list senders;        /* processes that sent to us, not yet received */
    int ipc_status;             /* result handed over by whoever woke us */
    v_pid_t ipc_pid;

    struct timer timer;         /* Delay */
    uint8_t kstack[KSTACK_SIZE] __attribute__((aligned(16)));
};

extern struct proc *current;

void proc_init(void);
struct proc *proc_lookup(v_pid_t pid);          /* processes of this node only */
struct proc *proc_lookup_alien(v_pid_t pid);    /* the ALIEN_REMOTE standing for remote pid */
/* The alien (any kind) of client pid that awaits a reply from `replier`, or NULL. */
struct proc *proc_alien_awaiting(v_pid_t pid, v_pid_t replier);
int proc_create_alien(v_pid_t pid, uint8_t kind, struct proc **out);
void proc_free_alien(struct proc *p);
struct proc *proc_slot(uint32_t i);     /* for table walks; NULL past the end */
int proc_create(struct team *t, uint32_t entry, uint32_t esp, uint32_t prio, uint32_t eax,
                struct proc **out);
int proc_create_kernel(void (*fn)(void), uint32_t prio, struct proc **out);
void proc_destroy(struct proc *p);
void proc_destroy_for(struct proc *p, int for_other);
static inline uint32_t proc_kstack_top(struct proc *p) { return (uint32_t)(p->kstack + KSTACK_SIZE); }
static inline uint32_t proc_index(const struct proc *p) { return (uint32_t)(p - proc_slot(0)); }

int team_create(uint32_t size, struct team **out);
struct team *team_lookup(v_pid_t any_pid_in_team);
uint32_t team_count(void);
/* Teams created by `creator` (struct team's key) that still live. */
uint32_t team_count_by(v_pid_t creator);
/* Process slots in use (aliens included). */
uint32_t proc_count(void);

#endif
