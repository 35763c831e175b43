/*
 * proc.c - the process table: creating, finding and destroying processes and teams.
 * Entry points in proc.h. A pid's slot byte indexes the table and its generation byte
 * must match, so a stale pid never reaches a new process in the same slot.
 */
#include "proc.h"
#include "ipc.h"
#include "kernel.h"
#include "sched.h"
#include "vm.h"
#include "dev/console.h"
#include <string.h>
#include <v/err.h>

static struct proc procs[NPROC];
static struct team teams[NTEAM];

void proc_init(void)
{
    for (int i = 0; i < NPROC; i++)
        procs[i].slot_gen = 1;
}

struct proc *proc_slot(uint32_t i) { return i < NPROC ? &procs[i] : NULL; }

/* The process named by pid if it lives on this node, else NULL. */
struct proc *proc_lookup(v_pid_t pid)
{
    if (v_pid_is_group(pid) || v_pid_lhost(pid) != node_lhost)
        return NULL;
    uint32_t local = v_pid_local(pid);
    if (v_local_is_wellknown(local) || local == 0)
        return NULL;
    uint32_t slot = local & 0xffu;
    if (slot >= NPROC || procs[slot].pid != pid)   /* an alien's pid is never ours */
        return NULL;
    if (__builtin_expect(procs[slot].state == V_PS_DEAD, 0))
        return NULL;                     /* destroyed, still on its stack (doomed) */
    return &procs[slot];
}

struct proc *proc_lookup_alien(v_pid_t pid)
{
    for (int i = 0; pid && i < NPROC; i++)
        if (procs[i].alien == ALIEN_REMOTE && procs[i].pid == pid)
            return &procs[i];
    return NULL;
}

struct proc *proc_alien_awaiting(v_pid_t pid, v_pid_t replier)
{
    for (int i = 0; pid && i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->alien && p->pid == pid && p->state == V_PS_AWAITING_REPLY &&
            p->blocked_on == replier)
            return p;
    }
    return NULL;
}

static struct proc *slot_alloc(void)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->pid)
            continue;
        uint32_t pid_local = (p->slot_gen << 8) | (uint32_t)i;
        memset(&p->msg, 0, sizeof(p->msg));
        p->pid = v_pid_make(node_lhost, pid_local);
        p->slot_gen = p->slot_gen == 0xff ? 1 : p->slot_gen + 1;
        list_init(&p->qlink);
        list_init(&p->senders);
        timer_init(&p->timer, 0, p);
        p->ticks = 0;
        p->blocked_on = 0;
        p->grant_flags = p->grant_ptr = p->grant_len = 0;
        p->ipc_status = 0;
        p->ipc_pid = 0;
        p->doomed = 0;
        return p;
    }
    return NULL;
}

/* A new process in team t, not yet runnable: the caller sets its state. V_ENOMEM. */
int proc_create(struct team *t, uint32_t entry, uint32_t esp, uint32_t prio, uint32_t eax,
                struct proc **out)
{
    if (t->nproc >= TEAM_PROCS)
        return V_ENOMEM;                 /* the team's share of the table */
    struct proc *p = slot_alloc();
    if (!p)
        return V_ENOMEM;
    p->team = t;
    p->prio = prio > V_PRIO_MAX ? V_PRIO_MAX : prio;
    p->state = V_PS_AWAITING_REPLY;
    arch_context_user(&p->ctx, proc_kstack_top(p), entry, esp, eax);
    t->nproc++;
    if (!t->root)
        t->root = p->pid;
    *out = p;
    return V_OK;
}

/* A record standing for remote process `pid` while its Send is served here. It is
 * queued and replied to like a local sender, never scheduled. V_ENOMEM. */
int proc_create_alien(v_pid_t pid, uint8_t kind, struct proc **out)
{
    struct proc *p = slot_alloc();
    if (!p)
        return V_ENOMEM;
    p->pid = pid;
    p->alien = kind;
    p->await = AWAIT_SEND;
    p->team = NULL;
    p->prio = V_PRIO_MAX;
    p->state = V_PS_SEND_BLOCKED;
    *out = p;
    return V_OK;
}

void proc_free_alien(struct proc *p)
{
    if (list_linked(&p->qlink))
        list_remove(&p->qlink);
    p->alien = 0;
    p->pid = 0;
}

/* A kernel thread (the idle process): no team, runs fn on its own stack. */
int proc_create_kernel(void (*fn)(void), uint32_t prio, struct proc **out)
{
    struct proc *p = slot_alloc();
    if (!p)
        return V_ENOMEM;
    p->team = NULL;
    p->prio = prio;
    arch_context_kernel(&p->ctx, proc_kstack_top(p), fn);
    *out = p;
    return V_OK;
}

static void team_free(struct team *t)
{
    if (current->team == t)
        arch_activate_pd(arch_kernel_pd());
    vm_destroy(t);
    t->used = 0;
}

/* Unlink one process from everything and free its slot (not if it is current). */
static void destroy_one(struct proc *p)
{
    struct team *t = p->team;
    ipc_abandon(p);
    console_abandon(p);
    timerq_cancel(&p->timer);
    sched_unready(p);
    p->state = V_PS_DEAD;
    if (t && --t->nproc == 0)
        team_free(t);
    if (p != current)
        p->pid = 0;
}

/* Destroy p; if it is its team's root, the whole team. Does not return if that
 * includes the caller. */
void proc_destroy(struct proc *p) { proc_destroy_for(p, 0); }

/* As proc_destroy, on behalf of another (for_other): if current is among the dying it is
 * destroyed at once but for its slot and stack, which it still runs on: it is marked
 * doomed, no lookup finds it, and it leaves for good at its trap exit (sched_trap_exit),
 * so that whatever runs now (the NIC interrupt serving a remote KS_DESTROY and any
 * requests after it, a forwarded request) finishes and its reply goes out. */
void proc_destroy_for(struct proc *p, int for_other)
{
    struct team *t = p->team;
    int self = 0;
    if (t && t->root == p->pid) {
        for (int i = 0; i < NPROC; i++) {
            struct proc *q = &procs[i];
            if (q->pid && q->team == t && q != p) {
                if (q == current)
                    self = 1;
                else
                    destroy_one(q);
            }
        }
    }
    if (p == current)
        self = 1;
    else
        destroy_one(p);
    if (self && for_other) {
        current->doomed = 1;
        destroy_one(current);            /* DEAD, team gone; its pid keeps the slot */
        return;
    }
    if (self) {
        destroy_one(current);
        current->pid = 0;
        sched_exit();
    }
}

/* A team with `size` bytes of zeroed user memory. V_ENOMEM. */
int team_create(uint32_t size, struct team **out)
{
    for (int i = 0; i < NTEAM; i++) {
        struct team *t = &teams[i];
        if (t->used)
            continue;
        memset(t, 0, sizeof(*t));
        int err = vm_create(t);
        if (err)
            return err;
        err = vm_resize(t, size);
        if (err) {
            vm_destroy(t);
            return err;
        }
        t->used = 1;
        *out = t;
        return V_OK;
    }
    return V_ENOMEM;
}

struct team *team_lookup(v_pid_t pid)
{
    struct proc *p = proc_lookup(pid);
    return p ? p->team : NULL;
}

uint32_t team_count_by(v_pid_t creator)
{
    uint32_t n = 0;
    for (int i = 0; i < NTEAM; i++)
        n += teams[i].used && teams[i].creator == creator;
    return n;
}

uint32_t proc_count(void)
{
    uint32_t n = 0;
    for (int i = 0; i < NPROC; i++)
        n += procs[i].pid != 0;
    return n;
}

uint32_t team_count(void)
{
    uint32_t n = 0;
    for (int i = 0; i < NTEAM; i++)
        n += teams[i].used != 0;
    return n;
}
