/*
 * group.c - process groups, the kernel's half (docs/GROUPS.md): membership, group Send
 * to local members, the reply window and GetReply. Entry points in group.h.
 *
 * A group Send is one transaction (txid) of the client's slot, gc[]. Local members get
 * a proxy each (an ALIEN_PROXY record queued like any sender, carrying the client's pid
 * and a copy of its segment data); other nodes get one multicast REQUEST from net/
 * (net_group_send), repeated while the window is open. The first reply completes the
 * Send; later ones queue for GetReply until the window closes (V_GROUP_WINDOW_MS after
 * the first), and a Send that hears nothing fails after V_GROUP_TIMEOUT_MS (longer
 * after a PENDING). Replies from the wire come by ipc_net_group_reply, from local
 * members by group_proxy_reply; both end in group_client_reply, which drops repeats.
 * All run with interrupts off (system calls, the NIC interrupt, the timer).
 */
#include "group.h"
#include "group_event.h"
#include "group_table.h"
#include "ipc.h"
#include "ipc_net.h"
#include "kernel.h"
#include "ksrv.h"
#include "net.h"
#include "sched.h"
#include "time.h"
#include "vm.h"
#include <string.h>
#include <v/err.h>
#include <v/group.h>
#include <v/proto.h>

#define MS              1000000ull
#define TICK_NS         (10u * MS)
#define PENDING_LIFE_NS (6000u * MS)     /* after a PENDING: wait this much more */
#define SEEN_MAX        V_GROUP_REPLIES_MAX

static struct group_entry gt_store[NGROUP];
static struct group_table groups;
static uint32_t group_serial;

/* ---- client side, by the client's slot ---- */
struct greply { struct v_msg m; v_pid_t from; };
struct gclient {
    uint8_t used;                        /* it made a group Send that waits for replies */
    uint8_t open;                        /* a group transaction whose replies we take */
    uint8_t blocked;                     /* 1: in the Send; 2: in GetReply */
    uint8_t heard;                       /* a first reply came */
    v_pid_t group;
    uint32_t txid;
    uint64_t deadline, window_end, get_deadline;
    uint32_t qhead, qlen, nseen;
    struct greply q[V_GROUP_REPLIES_MAX];
    v_pid_t seen[SEEN_MAX];              /* repliers so far: duplicates are dropped */
};
static struct gclient gc[NPROC];

/* What a proxy carries besides its record, by slot. */
struct proxy {
    const struct team *team;             /* the member's team, for its share */
    uint32_t txid;
    uint16_t len;
    uint8_t data[V_PROTO_MAX_DATA];      /* the client's segment, copied at its Send */
};
static struct proxy px[NPROC];

static struct { uint32_t sends, delivered, replies, late, overflow; } gs;
static struct timer gtimer;
static int gtimer_armed;

static void gtick(struct timer *t);

static void arm(void)
{
    if (!gtimer_armed) {
        gtimer_armed = 1;
        time_arm(&gtimer, time_now_ns() + TICK_NS);
    }
}

void group_init(void)
{
    group_table_init(&groups, gt_store, sizeof(gt_store) / sizeof(gt_store[0]));
    timer_init(&gtimer, gtick, 0);
    group_event_init();
    /* Serials start where a previous boot of this node is unlikely to have been. */
    group_serial = (uint32_t)((time_tod() ^ (arch_cycles() >> 10)) & 0x7fffu);
}

v_pid_t group_create(void)
{
    group_serial = group_serial % V_PID_LOCAL_MASK + 1;      /* 1..0xffff */
    return v_group_make(node_lhost, group_serial);
}

void group_stats(struct v_net_stats *st)
{
    st->group_sends += gs.sends;
    st->group_delivered += gs.delivered;
    st->group_replies += gs.replies;
    st->group_late += gs.late;
    st->group_overflow += gs.overflow + group_event_dropped();
}

/* ---- membership ---- */

static int member_pid(v_pid_t pid, struct proc **out)
{
    struct proc *p = pid ? proc_lookup(pid) : current;
    if (!p || p->alien || !p->team || p->state == V_PS_DEAD)
        return V_ENOPROC;
    *out = p;
    return V_OK;
}

/* Memberships held by the processes of team t. */
static uint32_t team_memberships(const struct team *t)
{
    struct group_entry e;
    uint32_t n = 0;
    for (uint32_t i = 0; group_table_entry(&groups, i, &e) == V_OK; i++) {
        struct proc *q = proc_lookup(e.pid);
        n += q && q->team == t;
    }
    return n;
}

uint32_t group_memberships(void) { return groups.used; }

int group_join(v_pid_t g, v_pid_t pid)
{
    struct proc *p;
    if (!v_group_is(g) || g == V_GROUP_KERNEL_SERVERS)
        return V_EINVAL;                 /* the kernel servers' membership is implicit */
    if (pid && v_pid_is_group(pid))
        return V_EINVAL;
    int err = member_pid(pid, &p);
    uint32_t addr = 0;
    if (!err && !group_table_is_member(&groups, g, p->pid) &&
        team_memberships(p->team) >= TEAM_GROUPS)
        err = V_ENOMEM;                  /* the team's share of the table */
    if (!err)
        err = group_table_join(&groups, g, p->pid, &addr);
    if (!err && addr)
        net_mcast(addr, 1);              /* no network: local members only */
    return err;
}

int group_leave(v_pid_t g, v_pid_t pid)
{
    if (!v_group_is(g) || g == V_GROUP_KERNEL_SERVERS || (pid && v_pid_is_group(pid)))
        return V_EINVAL;                 /* as for join: the implicit group is nobody's */
    uint32_t addr = 0;
    int err = group_table_leave(&groups, g, pid ? pid : current->pid, &addr);
    if (!err && addr)
        net_mcast(addr, 0);
    return err;
}

static void leave_addr(void *arg, uint32_t addr)
{
    (void)arg;
    net_mcast(addr, 0);
}

int group_entry(uint32_t i, v_pid_t *group, v_pid_t *member)
{
    struct group_entry e;
    int err = group_table_entry(&groups, i, &e);
    if (!err) {
        *group = e.group;
        *member = e.pid;
    }
    return err;
}

uint32_t group_members(v_pid_t g, v_pid_t *out, uint32_t max)
{
    if (g != V_GROUP_KERNEL_SERVERS)
        return group_table_members(&groups, g, out, max);
    if (max)
        out[0] = v_pid_make(node_lhost, V_LOCAL_KERNEL_SERVER);
    return 1;
}

/* ---- client side ---- */

static void gc_close(struct gclient *c)
{
    if (c->open)
        net_group_end((uint32_t)(c - gc));
    c->open = c->blocked = 0;
    c->qlen = c->qhead = c->nseen = 0;
}

void group_forget(struct proc *p)
{
    group_event_died(p, p == current && !p->doomed ? V_OK : V_EDESTROYED);
    gc_close(&gc[proc_index(p)]);
    gc[proc_index(p)].used = 0;
    group_table_remove_pid(&groups, p->pid, leave_addr, 0);
}

static void wake(struct proc *p, const struct v_msg *m, int status, v_pid_t from)
{
    gc[proc_index(p)].blocked = 0;
    ipc_complete(p, m, status, from);
}

/* A PENDING for c's open Send: a member is busy, wait for it as for a unicast Send. */
static void client_pending(struct gclient *c)
{
    if (!c->heard)
        c->deadline = time_now_ns() + PENDING_LIFE_NS;
}

/* Take reply m from `from` for c (client p): it completes the Send or a GetReply, or
 * waits in the queue. */
static void client_take(struct proc *p, struct gclient *c, const struct v_msg *m, v_pid_t from)
{
    for (uint32_t i = 0; i < c->nseen; i++)
        if (c->seen[i] == from) {
            gs.late++;                   /* a repeat of a reply already taken */
            return;
        }
    if (c->nseen < SEEN_MAX)
        c->seen[c->nseen++] = from;
    gs.replies++;
    if (!c->heard) {
        c->heard = 1;
        c->window_end = time_now_ns() + V_GROUP_WINDOW_MS * MS;
    }
    if (c->blocked) {                    /* in the Send (first reply) or in GetReply */
        wake(p, m, V_OK, from);
        return;
    }
    if (c->qlen == V_GROUP_REPLIES_MAX) {
        gs.overflow++;
        return;
    }
    struct greply *r = &c->q[(c->qhead + c->qlen++) % V_GROUP_REPLIES_MAX];
    r->m = *m;
    r->from = from;
}

void group_client_reply(v_pid_t client, uint32_t txid, const struct v_msg *m, v_pid_t from)
{
    struct proc *p = proc_lookup(client);
    struct gclient *c = p && !p->alien ? &gc[proc_index(p)] : NULL;
    if (!c || !c->open || c->txid != txid) {
        if (m)
            gs.late++;
        return;
    }
    if (m)
        client_take(p, c, m, from);
    else
        client_pending(c);
}

/* Proxies waiting for members of team t: a team that does not receive holds at most
 * TEAM_PROXIES slots with them, whatever it joined and whoever sends. */
static uint32_t proxies_of(const struct team *t)
{
    uint32_t n = 0;
    for (uint32_t i = 0; proc_slot(i); i++)
        n += proc_slot(i)->alien == ALIEN_PROXY && px[i].team == t;
    return n;
}

/* A proxy for local member `member`, carrying client's message m and segment data. */
static void make_proxy(v_pid_t client, const struct v_msg *m, struct proc *member,
                       uint32_t txid, const uint8_t *data, uint32_t n)
{
    struct proc *a;
    if (proxies_of(member->team) >= TEAM_PROXIES) {
        gs.overflow++;                   /* its team is not receiving: not reached */
        return;
    }
    if (proc_create_alien(client, ALIEN_PROXY, &a))
        return;                          /* no slot: this member is not reached */
    struct proxy *x = &px[proc_index(a)];
    x->team = member->team;
    x->txid = txid;
    x->len = (uint16_t)n;
    memcpy(x->data, data, n);
    a->msg = *m;
    a->grant_flags = n ? V_MSG_SEG_READ : 0;
    a->grant_ptr = n ? m->seg_ptr : 0;
    a->grant_len = n;
    a->await = AWAIT_SEND;
    gs.delivered++;
    ipc_enqueue_sender(member, a);
}

void group_deliver_local(v_pid_t client, v_pid_t g, uint32_t txid, const struct v_msg *m,
                         const void *data, uint32_t n, struct proc *except)
{
    v_pid_t mem[64];
    uint32_t k = group_table_members(&groups, g, mem, 64);
    for (uint32_t i = 0; i < k && i < 64; i++) {
        struct proc *q = proc_lookup(mem[i]);
        if (q && q != except)            /* proc_lookup skips the dead */
            make_proxy(client, m, q, txid, data, n);
    }
}

const uint8_t *group_proxy_data(struct proc *a, uint32_t *n)
{
    *n = px[proc_index(a)].len;
    return px[proc_index(a)].data;
}

void group_proxy_reply(struct proc *a, const struct v_msg *m, int status, v_pid_t replier)
{
    int decline = status < 0 || (m->flags & V_MSG_NO_REPLY) || (a->msg.flags & V_MSG_NO_REPLY);
    if (!decline)
        group_client_reply(a->pid, px[proc_index(a)].txid, m, replier);
}

/* Open p's reply window for group Send txid to g. */
static void client_open(struct gclient *c, v_pid_t g, uint32_t txid)
{
    uint64_t now = time_now_ns();
    c->used = c->open = 1;
    c->heard = 0;
    c->group = g;
    c->txid = txid;
    c->deadline = now + V_GROUP_TIMEOUT_MS * MS;
    c->window_end = c->deadline;
}

/* The checks of a group Send, before anything changes; the segment's bytes into data. */
static int send_check(struct proc *p, v_pid_t g, uint8_t *data, uint32_t *n)
{
    if (!v_group_is(g))
        return V_EINVAL;
    if (p->grant_flags & V_MSG_SEG_WRITE)
        return V_EINVAL;                 /* replies to a group are messages only */
    if ((p->msg.flags & V_MSG_NO_REPLY) && p->grant_flags)
        return V_EINVAL;                 /* nobody waits, so the grant would not last */
    *n = 0;
    if (p->grant_flags & V_MSG_SEG_READ) {
        *n = p->grant_len < V_PROTO_MAX_DATA ? p->grant_len : V_PROTO_MAX_DATA;
        if (vm_copy_in(p->team, data, p->grant_ptr, *n))
            return V_EBADADDR;
    }
    return V_OK;
}

/* The first reply, if one is queued already (the local kernel server's): into p. */
static int first_queued(struct proc *p, struct gclient *c)
{
    if (!c->qlen)
        return 0;
    struct greply *r = &c->q[c->qhead];
    c->qhead = (c->qhead + 1) % V_GROUP_REPLIES_MAX;
    c->qlen--;
    p->msg = r->m;
    p->ipc_status = V_OK;
    p->ipc_pid = r->from;
    return 1;
}

int group_send(struct proc *p, v_pid_t g)
{
    static uint8_t data[V_PROTO_MAX_DATA];
    uint32_t n;
    int err = send_check(p, g, data, &n);
    if (err)
        return err;
    int wait = !(p->msg.flags & V_MSG_NO_REPLY);
    struct gclient *c = &gc[proc_index(p)];
    gc_close(c);                         /* the next Send closes the last window */
    uint32_t txid = ipc_net_txid();
    gs.sends++;
    if (wait)
        client_open(c, g, txid);
    if (net_ipv4())                      /* other nodes, by one multicast datagram */
        net_group_send(proc_index(p), p->pid, g, txid, &p->msg, data, n, wait);
    if (g != V_GROUP_KERNEL_SERVERS) {
        group_deliver_local(p->pid, g, txid, &p->msg, data, n, p);
    } else if (wait && ksrv_group_ok(p->msg.code)) {
        struct v_msg m = p->msg;         /* the local kernel server answers at once */
        v_pid_t ks = v_pid_make(node_lhost, V_LOCAL_KERNEL_SERVER);
        if (ksrv_request(p, &m, ks) != IPC_DEFERRED)
            client_take(p, c, &m, ks);
    }
    p->grant_flags = 0;                  /* what members read was copied */
    if (!wait) {
        p->ipc_status = V_OK;
        p->ipc_pid = 0;
        return 1;                        /* msg unchanged */
    }
    if (first_queued(p, c))
        return 1;
    c->blocked = 1;
    p->blocked_on = g;
    arm();
    return 0;
}

int group_get_reply(struct proc *p, uint32_t timeout_ms)
{
    struct gclient *c = &gc[proc_index(p)];
    if (!c->used)
        return V_EINVAL;                 /* it never made a group Send that waits */
    if (first_queued(p, c))
        return V_OK;
    uint64_t now = time_now_ns();
    if (!c->open || now >= c->window_end || !timeout_ms)
        return V_ETIMEOUT;
    c->get_deadline = now + (uint64_t)timeout_ms * MS;
    if (c->get_deadline > c->window_end)
        c->get_deadline = c->window_end;
    c->blocked = 2;
    p->blocked_on = c->group;
    p->await = AWAIT_SEND;
    arm();
    sched_block(V_PS_AWAITING_REPLY);
    return p->ipc_status;
}

/* Every 10 ms while a group transaction is open: fail a Send that heard nothing, end
 * GetReply waits and close windows. Returns 1 if c stays open. */
static int client_due(struct gclient *c, uint64_t now)
{
    struct proc *p = proc_slot((uint32_t)(c - gc));
    struct v_msg m = { .code = (uint16_t)V_ETIMEOUT };
    if (!c->heard) {
        if (now < c->deadline)
            return 1;
        int blocked = c->blocked;
        gc_close(c);
        if (blocked)
            ipc_complete(p, &m, V_ETIMEOUT, 0);
        return 0;
    }
    if (c->blocked == 2 && now >= c->get_deadline)
        wake(p, &m, V_ETIMEOUT, 0);
    if (now >= c->window_end && !c->blocked) {
        gc_close(c);
        return 0;
    }
    return 1;
}

static void gtick(struct timer *t)
{
    uint64_t now = time_now_ns();
    int any = 0;
    for (uint32_t i = 0; i < NPROC; i++)
        if (gc[i].open)
            any |= client_due(&gc[i], now);
    if (any)
        time_arm(t, now + TICK_NS);
    else
        gtimer_armed = 0;
}
