/*
 * remote_group.c - process groups (docs/GROUPS.md): membership, group Send to local and
 * remote members, GetReply, and the member side of a multicast REQUEST. Entry points in
 * remote.h ("Process groups") and remote_priv.h (group_on_*).
 *
 * Client side: a group Send is one transaction (txid) of the client's slot, gc[]. Local
 * members get an ALIEN_PROXY each (queued like any sender, carrying the client's pid);
 * other nodes get one multicast REQUEST, retransmitted until the first reply. The first
 * reply completes the Send; later ones queue for GetReply until the window closes.
 * Member side: a multicast REQUEST for a group with local members becomes one
 * ALIEN_GROUP per member; a node without members stays silent (never a NACK). A
 * delivery record per (client, txid) answers retransmissions without redelivering:
 * PENDING for members still busy, the cached reply for members that replied.
 * All run with interrupts off (system calls, the NIC interrupt, the timer).
 */
#include "remote.h"
#include "remote_priv.h"
#include "group_table.h"
#include "ipc.h"
#include "kernel.h"
#include "ksrv.h"
#include "net.h"
#include "proto_codec.h"
#include "sched.h"
#include "time.h"
#include "vm.h"
#include <string.h>
#include <v/err.h>
#include <v/group.h>

#define MS              1000000ull
#define TICK_NS         (10u * MS)
#define PENDING_LIFE_NS (6000u * MS)     /* after a PENDING: wait this much more */
#define DELIV_TTL_NS    (10000u * MS)    /* a delivery record outlives every retransmission */
#define DELIV_MEMBERS   16
#define SEEN_MAX        V_GROUP_REPLIES_MAX

/* ---- membership ---- */
static struct group_entry gt_store[64];
static struct group_table groups;

/* ---- client side, by the client's slot ---- */
struct greply { struct v_msg m; v_pid_t from; };
struct gclient {
    uint8_t used;                        /* it made a group Send that waits for replies */
    uint8_t open;                        /* a group transaction whose replies we take */
    uint8_t blocked;                     /* 1: in the Send; 2: in GetReply */
    uint8_t heard, pending;              /* a first reply came; a PENDING came */
    v_pid_t group;
    uint32_t txid, retx_n;
    uint64_t sent_ns, deadline, window_end, next_retx, get_deadline;
    uint32_t qhead, qlen, nseen;
    struct greply q[V_GROUP_REPLIES_MAX];
    v_pid_t seen[SEEN_MAX];              /* repliers so far: duplicates are dropped */
    uint16_t pkt_len;
    uint8_t pkt[V_PROTO_MAX_PKT];        /* the multicast REQUEST, until the first reply */
};
static struct gclient gc[NPROC];

/* ---- member side ---- */
enum { DM_QUEUED = 1, DM_REPLIED, DM_DECLINED };
struct deliv {
    v_pid_t client, group;               /* client 0: free */
    uint32_t txid, addr;
    uint16_t port;
    uint8_t n;
    uint64_t expires;
    struct { v_pid_t member; uint8_t state; struct v_msg reply; } m[DELIV_MEMBERS];
};
static struct deliv dl[16];

static struct timer gtimer;
static int gtimer_armed;

/* Kernel events waiting for the next tick (never sent from deep inside proc_destroy). */
struct gevent { v_pid_t group; struct v_msg m; uint8_t local_only; };
static struct gevent evq[16];
static uint32_t ev_head, ev_len;
static uint32_t group_serial;

static void gtick(struct timer *t);
void group_event_died(struct proc *p, int cause);
static void make_proxy(v_pid_t client, const struct v_msg *m, uint32_t grant_ptr,
                       struct proc *member, uint32_t txid, v_pid_t g, const uint8_t *data,
                       uint32_t n);

static void arm(void)
{
    if (!gtimer_armed) {
        gtimer_armed = 1;
        time_arm(&gtimer, rp_now() + TICK_NS);
    }
}

void group_init(void)
{
    group_table_init(&groups, gt_store, sizeof(gt_store) / sizeof(gt_store[0]));
    timer_init(&gtimer, gtick, 0);
    /* Serials start where a previous boot of this node is unlikely to have been. */
    group_serial = (uint32_t)((time_tod() ^ (arch_cycles() >> 10)) & 0x7fffu);
}

v_pid_t group_create(void)
{
    group_serial = group_serial % V_PID_LOCAL_MASK + 1;      /* 1..0xffff */
    return v_group_make(node_lhost, group_serial);
}

/* ---- kernel events (v/group.h, enum v_event) ---- */

static void event_send(const struct gevent *e)
{
    v_pid_t ks = v_pid_make(node_lhost, V_LOCAL_KERNEL_SERVER);
    uint32_t txid = rp_new_txid();
    v_pid_t mem[64];
    uint32_t k = group_table_members(&groups, e->group, mem, 64);
    for (uint32_t i = 0; i < k && i < 64; i++) {
        struct proc *q = proc_lookup(mem[i]);
        if (q && q->state != V_PS_DEAD)
            make_proxy(ks, &e->m, 0, q, txid, e->group, 0, 0);
    }
    if (e->local_only || !rp_online())
        return;
    uint8_t pl[V_MSG_SIZE], pkt[V_PROTO_HDR_SIZE + V_MSG_SIZE];
    vp_put_msg(&e->m, pl);
    struct v_proto_hdr h = { .type = VP_REQUEST, .flags = VPF_MULTICAST, .txid = txid,
                             .client = ks, .server = e->group };
    int n = vp_encode(&h, pl, V_MSG_SIZE, pkt, sizeof(pkt));
    if (n > 0)
        rp_send_raw(v_group_mcast_addr(e->group), V_PROTO_PORT, pkt, (uint32_t)n, 0);
}

static void event_queue(v_pid_t g, uint16_t code, uint32_t w0, uint32_t w1, uint32_t w2,
                        uint32_t w3, int local_only)
{
    if (ev_len == sizeof(evq) / sizeof(evq[0])) {
        rstats.group_overflow++;
        return;
    }
    struct gevent *e = &evq[(ev_head + ev_len++) % (sizeof(evq) / sizeof(evq[0]))];
    e->group = g;
    e->local_only = (uint8_t)local_only;
    e->m = (struct v_msg){ .code = code, .flags = V_MSG_NO_REPLY, .w = { w0, w1, w2, w3 } };
    arm();
}

static void events_flush(void)
{
    while (ev_len) {
        struct gevent e = evq[ev_head];
        ev_head = (ev_head + 1) % (sizeof(evq) / sizeof(evq[0]));
        ev_len--;
        event_send(&e);
    }
}

void group_event_died(struct proc *p, int cause)
{
    if (!p->team || p->alien)
        return;                          /* kernel processes and aliens are not news */
    event_queue(V_GROUP_EV_PROCESS_DIED, V_EV_PROCESS_DIED, p->pid, p->team->root, node_id,
                (uint32_t)cause, 0);
    if (p->team->root == p->pid)
        event_queue(V_GROUP_EV_TEAM_DIED, V_EV_TEAM_DIED, p->pid, node_id, (uint32_t)cause, 0, 0);
}

void group_node_up(void)
{
    event_queue(V_GROUP_EV_NODE, V_EV_NODE_UP, node_id, net_ipv4(), node_lhost, 0, 0);
}

void group_node_silent(uint32_t lhost, uint32_t addr)
{
    uint32_t node = v_lhost_home_node(lhost);
    if (node)
        event_queue(V_GROUP_EV_NODE, V_EV_NODE_DOWN, node, addr, V_EV_DOWN_SILENT, 0, 1);
}

void group_lhost_moved(uint32_t lhost, uint32_t from, uint32_t to, uint32_t addr)
{
    event_queue(V_GROUP_EV_LHOST_MOVED, V_EV_LHOST_MOVED, lhost, from, to, addr, 1);
}

void group_node_down_now(void)
{
    struct gevent e = { .group = V_GROUP_EV_NODE,
                        .m = { .code = V_EV_NODE_DOWN, .flags = V_MSG_NO_REPLY,
                               .w = { node_id, net_ipv4(), V_EV_DOWN_HALTED } } };
    events_flush();
    event_send(&e);                      /* now: the node halts right after */
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

int group_join(v_pid_t g, v_pid_t pid)
{
    struct proc *p;
    if (!v_group_is(g) || g == V_GROUP_KERNEL_SERVERS)
        return V_EINVAL;                 /* the kernel servers' membership is implicit */
    if (pid && v_pid_is_group(pid))
        return V_EINVAL;
    int err = member_pid(pid, &p);
    uint32_t addr = 0;
    if (!err)
        err = group_table_join(&groups, g, p->pid, &addr);
    if (!err && addr)
        net_mcast_join(addr);            /* no network: local members only */
    return err;
}

int group_leave(v_pid_t g, v_pid_t pid)
{
    if (!v_group_is(g) || (pid && v_pid_is_group(pid)))
        return V_EINVAL;
    uint32_t addr = 0;
    int err = group_table_leave(&groups, g, pid ? pid : current->pid, &addr);
    if (!err && addr)
        net_mcast_leave(addr);
    return err;
}

static void leave_addr(void *arg, uint32_t addr)
{
    (void)arg;
    net_mcast_leave(addr);
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

/* ---- client side ---- */

static void gc_close(struct gclient *c)
{
    c->open = c->blocked = 0;
    c->qlen = c->qhead = c->nseen = 0;
}

void group_forget(struct proc *p)
{
    group_event_died(p, p == current ? V_OK : V_EDESTROYED);
    gc_close(&gc[proc_index(p)]);
    gc[proc_index(p)].used = 0;
    group_table_remove_pid(&groups, p->pid, leave_addr, 0);
}

/* The kernel server answers these for a group Send; the rest it declines (no one halts
 * or reconfigures a whole cluster by accident). None uses a segment. */
static int ks_group_ok(uint16_t code)
{
    return code == KS_NODE_INFO || code == KS_MEMORY_STATS || code == KS_STATS ||
           code == KS_GET_TIME || code == KS_PROCESS_INFO;
}

static void wake(struct proc *p, const struct v_msg *m, int status, v_pid_t from)
{
    gc[proc_index(p)].blocked = 0;
    ipc_complete(p, m, status, from);
}

/* A reply to client p's group transaction txid, from member `from`. */
static void client_reply(struct proc *p, uint32_t txid, const struct v_msg *m, v_pid_t from)
{
    struct gclient *c = &gc[proc_index(p)];
    if (!c->open || c->txid != txid) {
        rstats.group_late++;
        return;
    }
    for (uint32_t i = 0; i < c->nseen; i++)
        if (c->seen[i] == from) {
            rstats.group_late++;         /* a duplicate of a reply already taken */
            return;
        }
    if (c->nseen < SEEN_MAX)
        c->seen[c->nseen++] = from;
    rstats.group_replies++;
    if (!c->heard) {
        c->heard = 1;
        c->window_end = rp_now() + V_GROUP_WINDOW_MS * MS;
    }
    if (c->blocked) {                    /* in the Send (first reply) or in GetReply */
        wake(p, m, V_OK, from);
        return;
    }
    if (c->qlen == V_GROUP_REPLIES_MAX) {
        rstats.group_overflow++;
        return;
    }
    struct greply *r = &c->q[(c->qhead + c->qlen++) % V_GROUP_REPLIES_MAX];
    r->m = *m;
    r->from = from;
}

/* A proxy for local member `member`, carrying client's message m and segment data. */
static void make_proxy(v_pid_t client, const struct v_msg *m, uint32_t grant_ptr,
                       struct proc *member, uint32_t txid, v_pid_t g, const uint8_t *data,
                       uint32_t n)
{
    struct proc *a;
    if (proc_create_alien(client, ALIEN_PROXY, &a))
        return;                          /* no slot: this member is not reached */
    struct alien_info *ai = rp_info(a);
    ai->txid = txid;
    ai->addr = 0;
    ai->port = 0;
    ai->group = g;
    ai->reply_len = 0;
    ai->data_len = (uint16_t)n;
    memcpy(ai->data, data, n);
    a->msg = *m;
    a->grant_flags = n ? V_MSG_SEG_READ : 0;
    a->grant_ptr = n ? grant_ptr : 0;
    a->grant_len = n;
    a->await = AWAIT_SEND;
    rstats.group_delivered++;
    ipc_enqueue_sender(member, a);
}

int group_send(struct proc *p, v_pid_t g)
{
    if (!v_group_is(g))
        return V_EINVAL;
    if (p->grant_flags & V_MSG_SEG_WRITE)
        return V_EINVAL;                 /* replies to a group are messages only */
    int noreply = p->msg.flags & V_MSG_NO_REPLY;
    if (noreply && p->grant_flags)
        return V_EINVAL;                 /* nobody waits, so the grant would not last */
    struct gclient *c = &gc[proc_index(p)];
    gc_close(c);                         /* the next Send closes the last window */
    uint32_t txid = rp_new_txid();
    rstats.group_sends++;
    static uint8_t data[V_PROTO_MAX_DATA];
    uint32_t n = 0;
    if (p->grant_flags & V_MSG_SEG_READ) {
        n = p->grant_len < V_PROTO_MAX_DATA ? p->grant_len : V_PROTO_MAX_DATA;
        if (vm_copy_in(p->team, data, p->grant_ptr, n))
            return V_EBADADDR;
    }
    if (!noreply) {
        c->used = c->open = 1;
        c->heard = c->pending = 0;
        c->group = g;
        c->txid = txid;
        c->sent_ns = rp_now();
        c->deadline = c->sent_ns + V_GROUP_TIMEOUT_MS * MS;
        c->window_end = c->deadline;
        c->retx_n = 0;
        c->next_retx = c->sent_ns + 100 * MS;
        c->pkt_len = 0;
    }
    /* Remote members: one datagram to the group's address, whoever listens. */
    if (rp_online()) {
        struct v_proto_hdr h = { .type = VP_REQUEST, .flags = VPF_MULTICAST, .txid = txid,
                                 .client = p->pid, .server = g };
        int len = rp_encode_request(p, &h, c->pkt);
        if (len > 0) {
            rp_send_raw(v_group_mcast_addr(g), V_PROTO_PORT, c->pkt, (uint32_t)len, 0);
            c->pkt_len = noreply ? 0 : (uint16_t)len;
        }
    }
    /* Local members, without the network. */
    if (g == V_GROUP_KERNEL_SERVERS) {
        v_pid_t ks = v_pid_make(node_lhost, V_LOCAL_KERNEL_SERVER);
        struct v_msg m = p->msg;
        if (!noreply && ks_group_ok(m.code) && ksrv_request(p, &m, ks) != IPC_DEFERRED) {
            p->grant_flags = 0;          /* the local answer is the first reply */
            c->blocked = 0;
            client_reply(p, txid, &m, ks);
        }
    } else {
        v_pid_t mem[64];
        uint32_t k = group_table_members(&groups, g, mem, 64);
        for (uint32_t i = 0; i < k && i < 64; i++) {
            struct proc *q = proc_lookup(mem[i]);
            if (q && q != p && q->state != V_PS_DEAD)
                make_proxy(p->pid, &p->msg, p->grant_ptr, q, txid, g, data, n);
        }
    }
    if (noreply) {
        p->ipc_status = V_OK;
        p->ipc_pid = 0;
        p->grant_flags = 0;
        return 1;                        /* msg unchanged */
    }
    if (c->qlen) {                       /* answered already (the local kernel server) */
        struct greply *r = &c->q[c->qhead];
        c->qhead = (c->qhead + 1) % V_GROUP_REPLIES_MAX;
        c->qlen--;
        p->msg = r->m;
        p->ipc_status = V_OK;
        p->ipc_pid = r->from;
        return 1;
    }
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
    if (c->qlen) {
        struct greply *r = &c->q[c->qhead];
        c->qhead = (c->qhead + 1) % V_GROUP_REPLIES_MAX;
        c->qlen--;
        p->msg = r->m;
        p->ipc_pid = r->from;
        return V_OK;
    }
    uint64_t now = rp_now();
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

/* Every 10 ms while a group transaction is open: retransmit until the first reply, fail
 * a Send that heard nothing, end GetReply waits and close windows. */
static void gtick(struct timer *t)
{
    uint64_t now = rp_now();
    int any = 0;
    events_flush();
    for (uint32_t i = 0; i < NPROC; i++) {
        struct gclient *c = &gc[i];
        if (!c->open)
            continue;
        struct proc *p = proc_slot(i);
        struct v_msg m = { .code = (uint16_t)V_ETIMEOUT };
        if (!c->heard) {
            if (now >= c->deadline) {
                int blocked = c->blocked;
                gc_close(c);
                if (blocked)
                    ipc_complete(p, &m, V_ETIMEOUT, 0);
                continue;
            }
            if (c->pkt_len && now >= c->next_retx) {
                rp_send_raw(v_group_mcast_addr(c->group), V_PROTO_PORT, c->pkt, c->pkt_len, 1);
                c->retx_n++;
                c->next_retx = now + (c->retx_n == 1 ? 200 : c->pending ? 1000 : 400) * MS;
            }
        } else {
            if (c->blocked == 2 && now >= c->get_deadline)
                wake(p, &m, V_ETIMEOUT, 0);
            if (now >= c->window_end && !c->blocked) {
                gc_close(c);
                continue;
            }
        }
        any = 1;
    }
    if (any)
        time_arm(t, now + TICK_NS);
    else
        gtimer_armed = 0;
}

void group_on_reply(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t src, uint16_t sport)
{
    struct proc *p = proc_lookup(h->client);
    if (!p || p->alien) {
        rstats.group_late++;
        return;
    }
    rp_learn(v_pid_lhost(h->aux), src, sport);
    struct v_msg m;
    vp_get_msg(pl, &m);
    client_reply(p, h->txid, &m, h->aux);
}

void group_on_pending(const struct v_proto_hdr *h)
{
    struct proc *p = proc_lookup(h->client);
    if (!p)
        return;
    struct gclient *c = &gc[proc_index(p)];
    if (c->open && c->txid == h->txid && !c->heard) {
        c->pending = 1;                  /* a member is busy: wait as for a unicast Send */
        c->deadline = rp_now() + PENDING_LIFE_NS;
    }
}

/* ---- member side ---- */

static struct deliv *deliv_find(v_pid_t client, uint32_t txid)
{
    uint64_t now = rp_now();
    for (uint32_t i = 0; i < sizeof(dl) / sizeof(dl[0]); i++)
        if (dl[i].client == client && dl[i].txid == txid && dl[i].expires > now)
            return &dl[i];
    return NULL;
}

static struct deliv *deliv_new(const struct v_proto_hdr *h, uint32_t addr, uint16_t port)
{
    struct deliv *d = &dl[0];
    for (uint32_t i = 1; i < sizeof(dl) / sizeof(dl[0]); i++)
        if (dl[i].expires < d->expires)
            d = &dl[i];
    memset(d, 0, sizeof(*d));
    d->client = h->client;
    d->group = h->server;
    d->txid = h->txid;
    d->addr = addr;
    d->port = port;
    d->expires = rp_now() + DELIV_TTL_NS;
    return d;
}

static void send_reply(const struct deliv *d, const struct v_msg *m, v_pid_t member, int again)
{
    uint8_t pl[V_MSG_SIZE], pkt[V_PROTO_HDR_SIZE + V_MSG_SIZE];
    vp_put_msg(m, pl);
    struct v_proto_hdr h = { .type = VP_REPLY, .flags = VPF_MULTICAST, .txid = d->txid,
                             .client = d->client, .server = d->group, .aux = member };
    int n = vp_encode(&h, pl, V_MSG_SIZE, pkt, sizeof(pkt));
    if (n > 0)
        rp_send_raw(d->addr, d->port, pkt, (uint32_t)n, again);
}

/* A retransmitted REQUEST: PENDING for members still busy, the reply for those done. */
static void deliv_again(struct deliv *d)
{
    d->expires = rp_now() + DELIV_TTL_NS;    /* a slow member is still being waited for */
    int busy = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        if (d->m[i].state == DM_REPLIED)
            send_reply(d, &d->m[i].reply, d->m[i].member, 1);
        busy |= d->m[i].state == DM_QUEUED;
    }
    if (busy) {
        struct v_proto_hdr p = { .type = VP_PENDING, .flags = VPF_MULTICAST, .txid = d->txid,
                                 .client = d->client, .server = d->group };
        rp_send(d->addr, d->port, &p, 0, 0);
    }
    rstats.duplicates++;
}

static struct proc *group_alien(const struct v_proto_hdr *h, const uint8_t *pl,
                                uint32_t caddr, uint16_t cport)
{
    struct proc *a;
    if (proc_create_alien(h->client, ALIEN_GROUP, &a))
        return NULL;
    struct alien_info *ai = rp_info(a);
    ai->txid = h->txid;
    ai->addr = caddr;
    ai->port = cport;
    ai->group = h->server;
    ai->reply_len = 0;
    ai->data_len = (uint16_t)(h->length - V_MSG_SIZE);
    memcpy(ai->data, pl + V_MSG_SIZE, ai->data_len);
    vp_get_msg(pl, &a->msg);
    a->grant_flags = ai->data_len ? V_MSG_SEG_READ : 0;   /* never more, whatever it says */
    a->grant_ptr = a->grant_flags ? a->msg.seg_ptr : 0;
    a->grant_len = ai->data_len;
    a->await = AWAIT_SEND;
    rstats.aliens++;
    return a;
}

void group_on_request(const struct v_proto_hdr *h, const uint8_t *pl, uint32_t caddr,
                      uint16_t cport)
{
    struct deliv *d = deliv_find(h->client, h->txid);
    if (d) {
        deliv_again(d);
        return;
    }
    if (rp_stale(h->client, h->txid)) {
        rstats.stale++;                  /* the client has moved on */
        return;
    }
    v_pid_t mem[DELIV_MEMBERS];
    uint32_t k;
    if (h->server == V_GROUP_KERNEL_SERVERS) {
        mem[0] = v_pid_make(node_lhost, V_LOCAL_KERNEL_SERVER);
        k = 1;
    } else {
        k = group_table_members(&groups, h->server, mem, DELIV_MEMBERS);
        if (k > DELIV_MEMBERS)
            k = DELIV_MEMBERS;
    }
    if (!k) {
        rstats.group_no_member++;        /* silence is how a group says "not here" */
        return;
    }
    d = deliv_new(h, caddr, cport);
    for (uint32_t i = 0; i < k; i++) {
        struct proc *q = h->server == V_GROUP_KERNEL_SERVERS ? NULL : proc_lookup(mem[i]);
        if (h->server != V_GROUP_KERNEL_SERVERS && !q)
            continue;
        struct proc *a = group_alien(h, pl, caddr, cport);
        if (!a)
            break;                       /* no slot: the rest are not reached */
        d->m[d->n].member = mem[i];
        d->m[d->n].state = DM_QUEUED;
        d->n++;
        rstats.group_delivered++;
        if (q) {
            ipc_enqueue_sender(q, a);
            continue;
        }
        a->state = V_PS_AWAITING_REPLY;  /* the kernel server answers at once */
        a->blocked_on = mem[i];
        if (!ks_group_ok(a->msg.code) || a->msg.flags & V_MSG_NO_REPLY) {
            struct v_msg none = { .flags = V_MSG_NO_REPLY };
            group_member_reply(a, &none, V_OK, mem[i]);
        } else if (ksrv_request(a, &a->msg, mem[i]) != IPC_DEFERRED) {
            group_member_reply(a, &a->msg, V_OK, mem[i]);
        }
    }
}

void group_member_reply(struct proc *a, const struct v_msg *m, int status, v_pid_t replier)
{
    struct alien_info *ai = rp_info(a);
    int decline = status < 0 || (m->flags & V_MSG_NO_REPLY) || (a->msg.flags & V_MSG_NO_REPLY);
    if (a->alien == ALIEN_PROXY) {
        struct proc *client = proc_lookup(a->pid);
        if (!decline && client && !client->alien)
            client_reply(client, ai->txid, m, replier);
    } else {
        struct deliv *d = deliv_find(a->pid, ai->txid);
        uint32_t i = 0;
        while (d && i < d->n && d->m[i].member != replier)
            i++;
        if (d && i < d->n) {
            d->m[i].state = decline ? DM_DECLINED : DM_REPLIED;
            d->m[i].reply = *m;
        }
        if (!decline) {
            struct deliv one = { .client = a->pid, .group = ai->group, .txid = ai->txid,
                                 .addr = ai->addr, .port = ai->port };
            send_reply(&one, m, replier, 0);
        }
    }
    proc_free_alien(a);
}
