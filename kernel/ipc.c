/*
 * ipc.c - Send, Receive, Reply, Forward, MoveTo, MoveFrom and the segment variants, to
 * processes of this node and, through net/'s door (net/net.h), of any other. Entry
 * points in ipc.h. This file owns every IPC field of struct proc: net/ reaches them
 * only through ipc_net.c, and a process on another node is stood for here by an alien
 * record (proc.h) queued and replied to like a local sender.
 *
 * States (v/ksrv.h): a sender is SEND_BLOCKED while queued on the receiver's `senders`
 * list, then AWAITING_REPLY once received; in both, blocked_on is the receiver. A
 * receiver waits RECEIVE_BLOCKED with blocked_on = the sender it wants (0 = any).
 * The sender's segment grant is kept apart from the message (grant_*), so that no
 * forwarder can widen it. All functions run with interrupts off.
 */
#include "ipc.h"
#include "group.h"
#include "kernel.h"
#include "ksrv.h"
#include "net.h"
#include "sched.h"
#include "time.h"
#include "timerq.h"
#include "vm.h"
#include <string.h>
#include <v/err.h>
#include <v/proto.h>
#include <v/startup.h>

int ipc_is_pseudo(v_pid_t pid)
{
    uint32_t local = v_pid_local(pid);
    return !v_pid_is_group(pid) && v_pid_lhost(pid) == node_lhost &&
           (local == V_LOCAL_KERNEL_SERVER || local == V_LOCAL_DEVICE_SERVER);
}

/* Is pid a process on another node (or a Linux host process)? */
static int is_remote(v_pid_t pid)
{
    return !v_pid_is_group(pid) && v_pid_lhost(pid) != node_lhost && v_pid_lhost(pid) != 0;
}

/* The local process pid names if it can take part in a message: not the idle process,
 * which has no team and never receives (Send, Forward and Receive from it are
 * V_ENOPROC, as for a pid of nobody). */
static struct proc *ipc_process(v_pid_t pid)
{
    struct proc *p = proc_lookup(pid);
    return p && p->team ? p : NULL;
}

int ipc_grant_check(const struct proc *p, uint32_t addr, uint32_t len, uint32_t access)
{
    struct v_msg g = { .flags = (uint16_t)p->grant_flags, .seg_ptr = p->grant_ptr, .seg_len = p->grant_len };
    return v_msg_seg_check(&g, addr, len, access);
}

static void set_grant(struct proc *p, const struct v_msg *m)
{
    p->grant_flags = m->flags & V_MSG_SEG_MASK;
    p->grant_ptr = p->grant_flags ? m->seg_ptr : 0;
    p->grant_len = p->grant_flags ? m->seg_len : 0;
}

void ipc_enqueue_sender(struct proc *dst, struct proc *p)
{
    p->state = V_PS_SEND_BLOCKED;
    p->blocked_on = dst->pid;
    list_push_back(&dst->senders, &p->qlink);
    if (dst->state == V_PS_RECEIVE_BLOCKED && (!dst->blocked_on || dst->blocked_on == p->pid))
        sched_ready(dst);
}

/* Alien a is answered (status < 0: refused): its client hears through net/, or, for a
 * proxy, through the group's reply window. The record is freed. */
static void alien_complete(struct proc *a, const struct v_msg *m, int status, v_pid_t replier)
{
    if (a->alien == ALIEN_PROXY) {
        group_proxy_reply(a, m, status, replier);
    } else {
        struct v_msg r = *m;
        if (a->alien == ALIEN_GROUP && (a->msg.flags & V_MSG_NO_REPLY))
            r.flags |= V_MSG_NO_REPLY;   /* nobody waits: the member declines */
        net_reply(proc_index(a), &r, status, replier);
    }
    proc_free_alien(a);
}

void ipc_complete(struct proc *p, const struct v_msg *m, int status, v_pid_t replier)
{
    if (__builtin_expect(p->alien, 0)) { /* the client is on another node, or in a group */
        alien_complete(p, m, status, replier);
        return;
    }
    p->msg = *m;
    p->ipc_status = status;
    p->ipc_pid = replier;
    p->grant_flags = p->grant_ptr = p->grant_len = 0;
    p->blocked_on = 0;
    sched_ready(p);
}

void ipc_fail(struct proc *p, int err)
{
    struct v_msg m = { .code = (uint16_t)err };
    if (p->state == V_PS_SEND_BLOCKED)
        list_remove(&p->qlink);
    ipc_complete(p, &m, err, 0);
}

/* Send to a kernel pseudo-process on behalf of client (current or a forwarded sender). */
static int pseudo_send(struct proc *client, struct v_msg *m, v_pid_t to)
{
    int r = ksrv_request(client, m, to);
    if (r == IPC_DEFERRED) {
        client->state = V_PS_AWAITING_REPLY;
        client->blocked_on = to;
    }
    return r;
}

void ipc_alien_deliver(struct proc *a, const struct v_msg *m, uint32_t data_len)
{
    v_pid_t to = a->blocked_on;
    a->msg = *m;
    if (a->alien == ALIEN_GROUP) {       /* a READ of what the REQUEST carried, no more */
        a->grant_flags = data_len ? V_MSG_SEG_READ : 0;
        a->grant_ptr = data_len ? m->seg_ptr : 0;
        a->grant_len = data_len;
    } else {
        set_grant(a, m);
    }
    if (a->await == AWAIT_START) {       /* created for its receiver: awaits it at once */
        a->state = V_PS_AWAITING_REPLY;
        return;
    }
    a->await = AWAIT_SEND;
    struct proc *dst = proc_lookup(to);
    if (dst) {
        ipc_enqueue_sender(dst, a);
        return;
    }
    a->state = V_PS_AWAITING_REPLY;      /* the kernel server answers now or later */
    if (a->alien == ALIEN_GROUP && (!ksrv_group_ok(m->code) || (m->flags & V_MSG_NO_REPLY))) {
        struct v_msg none = { .flags = V_MSG_NO_REPLY };
        ipc_complete(a, &none, V_OK, to);   /* declined: no whole cluster halts by accident */
    } else if (pseudo_send(a, &a->msg, to) != IPC_DEFERRED) {
        ipc_complete(a, &a->msg, V_OK, to);
    }
}

const uint8_t *ipc_alien_data(struct proc *a, uint32_t *n)
{
    if (a->alien == ALIEN_PROXY)
        return group_proxy_data(a, n);
    return net_request_data(proc_index(a), n);
}

/* Start local process p's Send of p->msg to remote `to` through net/, with the first
 * V_PROTO_MAX_DATA bytes of its READ segment. */
static int send_remote(struct proc *p, v_pid_t to)
{
    uint8_t data[V_PROTO_MAX_DATA];
    uint32_t n = 0;
    if (p->grant_flags & V_MSG_SEG_READ) {
        n = p->grant_len < V_PROTO_MAX_DATA ? p->grant_len : V_PROTO_MAX_DATA;
        if (vm_copy_in(p->team, data, p->grant_ptr, n))
            n = 0;                       /* unmapped: the server sees no data */
    }
    p->blocked_on = to;
    return net_send(proc_index(p), p->pid, to, &p->msg, data, n, 0);
}

/* Segments granted with a Send must lie inside user space. */
static int grant_valid(const struct v_msg *m)
{
    if (!(m->flags & V_MSG_SEG_MASK))
        return V_OK;
    if (m->seg_ptr < V_USER_BASE || m->seg_ptr >= V_USER_LIMIT ||
        m->seg_len > V_USER_LIMIT - m->seg_ptr)   /* (the limit test first: no wrap) */
        return V_EBADADDR;
    return V_OK;
}

int ipc_send(struct v_msg *m, v_pid_t to, v_pid_t *replier)
{
    struct proc *me = current;
    int err = grant_valid(m);
    if (err)
        return err;
    if (to == me->pid)
        return V_EDEADLOCK;
    kstats.sends++;
    me->msg = *m;
    set_grant(me, m);
    me->await = AWAIT_SEND;
    struct proc *dst = ipc_process(to);
    if (dst) {                           /* the fast path: a process of this node */
        ipc_enqueue_sender(dst, me);
        sched_block(V_PS_SEND_BLOCKED);
    } else if (ipc_is_pseudo(to)) {
        err = pseudo_send(me, &me->msg, to);
        if (err != IPC_DEFERRED) {          /* answered at once; the code is in the reply */
            *m = me->msg;
            *replier = to;
            me->grant_flags = 0;
            return V_OK;
        }
        sched_block(V_PS_AWAITING_REPLY);
    } else if (is_remote(to)) {          /* through net/'s door */
        if ((err = send_remote(me, to)))
            return err;
        sched_block(V_PS_AWAITING_REPLY);
    } else if (v_pid_is_group(to)) {     /* local members and one multicast datagram */
        if ((err = group_send(me, to)) < 0) {
            me->grant_flags = 0;
            return err;
        }
        if (!err)
            sched_block(V_PS_AWAITING_REPLY);
    } else {
        return V_ENOPROC;
    }
    *m = me->msg;
    *replier = me->ipc_pid;
    return me->ipc_status;
}

static struct proc *take_sender(struct proc *me, v_pid_t from)
{
    struct list *e;
    list_for_each(e, &me->senders) {
        struct proc *s = list_entry(e, struct proc, qlink);
        if (!from || s->pid == from) {
            list_remove(e);
            s->state = V_PS_AWAITING_REPLY;
            return s;
        }
    }
    return NULL;
}

/* A Receive from a process of another kernel is kept bounded by a probe: every
 * RECV_PROBE_MS the receiver asks that pid's kernel server whether it still exists
 * (KS_PROCESS_INFO, as the receiver's own Send: its transaction slot is idle while it
 * receives). V_ENOPROC in reply, or a node that has gone silent, ends the Receive with
 * V_ENOPROC, as the death of a local sender would (docs/IPC.md). */
#define RECV_PROBE_MS 2000u

static void probe_fire(struct timer *t)
{
    struct proc *p = t->arg;
    if (p->state != V_PS_RECEIVE_BLOCKED || !p->blocked_on || !is_remote(p->blocked_on))
        return;
    struct v_msg m = { .code = KS_PROCESS_INFO, .w = { p->blocked_on } };
    p->await = AWAIT_PROBE;
    if (net_send(proc_index(p), p->pid, v_kernel_server_of(p->blocked_on), &m, 0, 0, 0)) {
        p->ipc_status = V_ENOPROC;       /* no network: it cannot send to us */
        sched_ready(p);
    }
}

/* Arm p's probe of the remote pid it receives from; only a kernel's own logical host
 * (n = 0) has a kernel server to ask. */
static void probe_arm(struct proc *p)
{
    if (v_pid_lhost(p->blocked_on) & V_LHOST_N_MASK)
        return;
    p->timer.fn = probe_fire;
    p->timer.arg = p;
    time_arm(&p->timer, time_now_ns() + RECV_PROBE_MS * 1000000ull);
}

void ipc_probe_done(struct proc *p, const struct v_msg *m, int status)
{
    p->await = AWAIT_SEND;
    if (status < 0 || (m && (int16_t)m->code == V_ENOPROC)) {
        p->ipc_status = V_ENOPROC;       /* gone, or its node is */
        sched_ready(p);
    } else {
        probe_arm(p);                    /* alive: ask again later */
    }
}

/* Is a message from `from` queued on me? A sender's pid need not name a live process of
 * this node: a kernel event's is the kernel server's, a group proxy's its client's. */
static int sender_queued(struct proc *me, v_pid_t from)
{
    struct list *e;
    list_for_each(e, &me->senders)
        if (list_entry(e, struct proc, qlink)->pid == from)
            return 1;
    return 0;
}

int ipc_receive(v_pid_t from, struct proc **sender)
{
    struct proc *me = current;
    if (from == me->pid)
        return V_EDEADLOCK;              /* as for Send: nobody else can be it */
    if (from && !ipc_process(from) && !is_remote(from) && !sender_queued(me, from))
        return V_ENOPROC;
    for (;;) {
        struct proc *s = take_sender(me, from);
        if (s) {
            *sender = s;
            return V_OK;
        }
        me->blocked_on = from;
        me->ipc_status = V_OK;
        me->await = AWAIT_SEND;
        if (from && is_remote(from))
            probe_arm(me);
        sched_block(V_PS_RECEIVE_BLOCKED);
        timerq_cancel(&me->timer);
        me->blocked_on = 0;
        me->await = AWAIT_SEND;
        if (me->ipc_status)
            return me->ipc_status;
    }
}

void ipc_receive_segment(struct proc *s, uint32_t buf, uint32_t *len)
{
    uint32_t n = *len;
    if (!(s->grant_flags & V_MSG_SEG_READ))
        n = 0;
    if (s->alien) {                      /* what its REQUEST carried */
        uint32_t have;
        const uint8_t *d = ipc_alien_data(s, &have);
        if (n > have)
            n = have;
        if (n && vm_copy_out(current->team, buf, d, n))
            n = 0;
        *len = n;
        return;
    }
    if (n > s->grant_len)
        n = s->grant_len;
    if (n && vm_copy(current->team, buf, s->team, s->grant_ptr, n))
        n = 0;               /* the sender's segment is unmapped: its problem, not ours */
    *len = n;
}

/* The process `pid` (local, or the alien of a remote one) if it awaits a reply from the
 * caller, else an error. */
static int awaiting_me(v_pid_t pid, struct proc **out)
{
    struct proc *p = proc_lookup(pid);
    if (__builtin_expect(!p || p->state != V_PS_AWAITING_REPLY || p->blocked_on != current->pid, 0)) {
        struct proc *a = proc_alien_awaiting(pid, current->pid);   /* remote or group */
        if (!a)
            return p ? V_ENOTAWAITING : V_ENOPROC;
        p = a;
    }
    *out = p;
    return V_OK;
}

int ipc_reply(const struct v_msg *m, v_pid_t to)
{
    struct proc *p;
    int err = awaiting_me(to, &p);
    if (!err)
        ipc_complete(p, m, V_OK, current->pid);
    return err;
}

/* MoveTo (write) or MoveFrom between the caller's local_addr and remote alien a's
 * client_addr: net/ moves it while the caller blocks. */
static int move_remote(struct proc *a, uint32_t client_addr, uint32_t local_addr, uint32_t len,
                       int write)
{
    if (a->alien != ALIEN_REMOTE)
        return V_ENOACCESS;              /* a group Send's client grants no moves */
    if (!len)
        return V_OK;
    int err = vm_check(current->team, local_addr, len, !write);
    if (!err)
        err = net_move(proc_index(a), current->pid, client_addr, local_addr, len, write);
    if (err)
        return err;
    current->ipc_status = V_OK;
    sched_block(V_PS_MOVE_BLOCKED);
    return current->ipc_status;
}

/* ReplyWithSegment to a remote client: small data rides in the REPLY, more is moved. */
static int reply_data_remote(struct proc *p, uint32_t dest, uint32_t src, uint32_t len)
{
    uint8_t buf[256];
    if (len > V_PROTO_MAX_DATA)
        return move_remote(p, dest, src, len, 1);
    int err = vm_check(current->team, src, len, 0);
    for (uint32_t off = 0; !err && off < len; off += sizeof(buf)) {
        uint32_t n = len - off < sizeof(buf) ? len - off : sizeof(buf);
        err = vm_copy_in(current->team, buf, src + off, n);
        if (!err)
            err = net_stage(proc_index(p), dest + off, buf, n);
    }
    return err;
}

int ipc_reply_with_segment(const struct v_msg *m, v_pid_t to, uint32_t dest, uint32_t src,
                           uint32_t len)
{
    struct proc *p;
    int err = awaiting_me(to, &p);
    if (!err)
        err = ipc_grant_check(p, dest, len, V_MSG_SEG_WRITE);
    if (!err && p->alien)
        err = reply_data_remote(p, dest, src, len);
    else if (!err)
        err = vm_copy(p->team, dest, current->team, src, len);
    if (!err)
        ipc_complete(p, m, V_OK, current->pid);
    return err;
}

/* Pass s on to remote `to`: an alien's request goes on as its client sent it, a local
 * sender's becomes its own Send to `to`. */
static int forward_remote(struct proc *s, v_pid_t to)
{
    if (!s->alien)
        return send_remote(s, to);
    int err = net_forward(proc_index(s), to, &s->msg);
    if (!err)
        proc_free_alien(s);              /* no longer ours to serve */
    return err;
}

int ipc_forward(const struct v_msg *m, v_pid_t from, v_pid_t to)
{
    struct proc *s;
    int err = awaiting_me(from, &s);
    if (err)
        return err;
    if (s->await != AWAIT_SEND)
        return V_ENOTAWAITING;     /* an exception or a new process is not a message */
    if (to == from)
        return V_EDEADLOCK;
    struct proc *dst = NULL;
    if (!ipc_is_pseudo(to) && !is_remote(to) && !(dst = ipc_process(to)))
        return V_ENOPROC;
    if (s->alien > ALIEN_REMOTE && !dst)
        return V_ENOACCESS;        /* a group Send is passed on only to local processes */
    s->msg = *m;
    s->msg.flags = (uint16_t)((m->flags & ~V_MSG_SEG_MASK) | s->grant_flags);
    s->msg.seg_ptr = s->grant_ptr;
    s->msg.seg_len = s->grant_len;
    if (dst) {
        ipc_enqueue_sender(dst, s);
        return V_OK;
    }
    if (is_remote(to))
        return forward_remote(s, to);
    if (pseudo_send(s, &s->msg, to) != IPC_DEFERRED)
        ipc_complete(s, &s->msg, V_OK, to);
    return V_OK;
}

int ipc_move_to(v_pid_t to, uint32_t dest, uint32_t src, uint32_t len)
{
    struct proc *p;
    int err = awaiting_me(to, &p);
    if (!err)
        err = ipc_grant_check(p, dest, len, V_MSG_SEG_WRITE);
    if (!err && p->alien)
        return move_remote(p, dest, src, len, 1);
    if (!err)
        err = vm_copy(p->team, dest, current->team, src, len);
    return err;
}

int ipc_move_from(v_pid_t from, uint32_t dest, uint32_t src, uint32_t len)
{
    struct proc *p;
    int err = awaiting_me(from, &p);
    if (!err)
        err = ipc_grant_check(p, src, len, V_MSG_SEG_READ);
    if (!err && p->alien)
        return move_remote(p, src, dest, len, 0);
    if (!err)
        err = vm_copy(current->team, dest, p->team, src, len);
    return err;
}

/* p is going away: whoever is blocked on it learns so now rather than never. */
void ipc_abandon(struct proc *p)
{
    if (!p->alien) {
        group_forget(p);
        net_forget(proc_index(p), p->pid);
        if (p->state == V_PS_AWAITING_REPLY && p->await == AWAIT_START)
            ksrv_start_heard(p, V_EDESTROYED);   /* a remote creator still waits for it */
    }
    if (p->state == V_PS_SEND_BLOCKED)
        list_remove(&p->qlink);
    struct list *e;
    while ((e = list_pop_front(&p->senders)))
        ipc_fail(list_entry(e, struct proc, qlink), V_EDESTROYED);
    for (uint32_t i = 0; proc_slot(i); i++) {
        struct proc *q = proc_slot(i);
        if (!q->pid || q == p || q->state == V_PS_DEAD)
            continue;
        if (q->state == V_PS_AWAITING_REPLY && q->blocked_on == p->pid) {
            if (q->await == AWAIT_START && !q->alien)
                proc_destroy(q);           /* its creator is gone: it can never start */
            else if (q->await == AWAIT_START)
                ipc_fail(q, V_EDESTROYED); /* its own kernel destroys it on the NACK */
            else
                ipc_fail(q, V_EDESTROYED);
        } else if (q->state == V_PS_RECEIVE_BLOCKED && q->blocked_on == p->pid) {
            q->ipc_status = V_ENOPROC;
            sched_ready(q);
        }
    }
}
