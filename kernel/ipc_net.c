/*
 * ipc_net.c - the kernel's side of the door to net/ (ipc_net.h): every request the
 * inter-kernel protocol makes of the communication module, checked here and carried
 * out by ipc.c, group.c, proc.c and vm.c. net/ names local processes by pid and its
 * alien records by slot; only this file turns them into struct proc.
 * Entry points in ipc_net.h. Interrupts off.
 */
#include "ipc_net.h"
#include "group.h"
#include "group_event.h"
#include "ipc.h"
#include "kernel.h"
#include "ksrv.h"
#include "sched.h"
#include "time.h"
#include "timerq.h"
#include "vm.h"
#include <v/err.h>

_Static_assert(IPC_NET_SLOTS == NPROC, "net/ keeps its state per process slot");

uint32_t ipc_net_txid(void)
{
    static uint32_t epoch, count;
    static int started;
    if (!started) {
        /* A txid's top byte is this boot's epoch, so that a rebooted node's new
         * transactions are never mistaken for old duplicates by a server's watermark. */
        epoch = (uint32_t)(time_tod() ^ (arch_cycles() >> 8) ^ node_id) & 0xffu;
        started = 1;
    }
    count = (count + 1) & 0xffffffu;
    if (!count)
        count = 1;                       /* 0 means "no transaction" to a reply cache */
    return (epoch << 24) | count;
}

int ipc_net_alien(v_pid_t client, v_pid_t to, int kind, uint32_t *slot)
{
    int pseudo = ipc_is_pseudo(to);
    struct proc *dst = pseudo ? NULL : proc_lookup(to);
    if ((!pseudo && (!dst || !dst->team)) ||   /* not idle; proc_lookup skips the dead */
        (kind == IPC_NET_START && !dst))
        return V_ENOPROC;
    struct proc *a;
    if (proc_create_alien(client, kind == IPC_NET_GROUP ? ALIEN_GROUP : ALIEN_REMOTE, &a))
        return V_ENOMEM;
    a->blocked_on = to;
    if (kind == IPC_NET_START)
        a->await = AWAIT_START;          /* ipc_alien_deliver holds it for its creator */
    *slot = proc_index(a);
    return V_OK;
}

void ipc_net_deliver(uint32_t slot, const struct v_msg *m, uint32_t data_len)
{
    struct proc *a = proc_slot(slot);
    KASSERT(a && a->alien && a->alien != ALIEN_PROXY);
    ipc_alien_deliver(a, m, data_len);
}

void ipc_net_free(uint32_t slot)
{
    struct proc *a = proc_slot(slot);
    if (a && a->alien)
        proc_free_alien(a);
}

void ipc_net_done(v_pid_t client, const struct v_msg *m, int status, v_pid_t replier)
{
    struct proc *p = proc_lookup(client);
    if (p && !p->alien && p->state == V_PS_RECEIVE_BLOCKED && p->await == AWAIT_PROBE) {
        ipc_probe_done(p, m, status);    /* its Receive's probe of a remote sender */
        return;
    }
    if (!p || p->alien || p->state != V_PS_AWAITING_REPLY)
        return;
    if (p->await == AWAIT_START && m && status >= 0)
        timerq_cancel(&p->timer);        /* started: its start limit (ksrv.c) is over */
    if (p->await == AWAIT_START) {       /* a new process's start Send (ksrv.c) */
        ksrv_start_heard(p, status < 0 ? status : V_OK);
        if (status < 0)
            proc_destroy(p);             /* its creator never held it: it can never start */
        if (status < 0 || !m)
            return;
    } else if (!m && status >= 0) {
        return;
    }
    if (status < 0)
        ipc_fail(p, status);
    else
        ipc_complete(p, m, status, replier);
}

/* The local process pid with a team, checked against its grant if granted. */
static int space_of(v_pid_t pid, uint32_t addr, uint32_t n, int granted, uint32_t access,
                    struct proc **out)
{
    struct proc *p = proc_lookup(pid);
    if (!p || !p->team)                  /* proc_lookup skips the dead */
        return V_ENOPROC;
    *out = p;
    return granted ? ipc_grant_check(p, addr, n, access) : V_OK;
}

int ipc_net_write(v_pid_t pid, uint32_t addr, const void *src, uint32_t n, int granted)
{
    struct proc *p;
    int err = space_of(pid, addr, n, granted, V_MSG_SEG_WRITE, &p);
    return err ? err : vm_copy_out(p->team, addr, src, n);
}

int ipc_net_pieces(v_pid_t pid, uint32_t addr, uint32_t len, int granted,
                   const uint8_t **piece, uint32_t *plen, int max)
{
    struct proc *p;
    int err = space_of(pid, addr, len, granted, V_MSG_SEG_READ, &p);
    if (err)
        return err;
    if (!max)
        return vm_check(p->team, addr, len, 0);
    return vm_pieces(p->team, addr, len, piece, plen, max);
}

void ipc_net_move_done(v_pid_t mover, int status)
{
    struct proc *p = proc_lookup(mover);
    if (p && p->state == V_PS_MOVE_BLOCKED) {
        p->ipc_status = status;
        sched_ready(p);
    }
}

void ipc_net_group_reply(v_pid_t client, uint32_t txid, const struct v_msg *m, v_pid_t from)
{
    group_client_reply(client, txid, m, from);
}

uint32_t ipc_net_members(v_pid_t g, v_pid_t *out, uint32_t max)
{
    return group_members(g, out, max);
}

void ipc_net_event(uint16_t code, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3)
{
    group_event_post(code, w0, w1, w2, w3);
}
