/*
 * group_event.c - kernel events (v/group.h, enum v_event) as group Sends without reply
 * from the node's kernel server: local members get a proxy each (group.c), other nodes
 * one multicast REQUEST (net_group_send). Entry points in group_event.h.
 * Events wait in a small queue for the next 10 ms tick, so that none is sent from deep
 * inside proc_destroy or the NIC interrupt; when the queue is full, an event is dropped
 * and counted (group_overflow). Interrupts off.
 */
#include "group_event.h"
#include "group.h"
#include "ipc_net.h"
#include "kernel.h"
#include "net.h"
#include "time.h"
#include <v/err.h>
#include <v/group.h>

#define TICK_NS (10u * 1000000u)
#define EVQ     16

struct gevent { v_pid_t group; struct v_msg m; uint8_t local_only; };
static struct gevent evq[EVQ];
static uint32_t ev_head, ev_len, ev_dropped;
static struct timer ev_timer;
static int ev_armed;

static void ev_tick(struct timer *t);

void group_event_init(void)
{
    timer_init(&ev_timer, ev_tick, 0);
}

static void event_send(const struct gevent *e)
{
    v_pid_t ks = v_pid_make(node_lhost, V_LOCAL_KERNEL_SERVER);
    uint32_t txid = ipc_net_txid();
    group_deliver_local(ks, e->group, txid, &e->m, 0, 0, NULL);
    if (!e->local_only && net_ipv4())
        net_group_send(NPROC, ks, e->group, txid, &e->m, 0, 0, 0);
}

static void event_queue(v_pid_t g, uint16_t code, uint32_t w0, uint32_t w1, uint32_t w2,
                        uint32_t w3, int local_only)
{
    if (ev_len == EVQ) {
        ev_dropped++;
        return;
    }
    struct gevent *e = &evq[(ev_head + ev_len++) % EVQ];
    e->group = g;
    e->local_only = (uint8_t)local_only;
    e->m = (struct v_msg){ .code = code, .flags = V_MSG_NO_REPLY, .w = { w0, w1, w2, w3 } };
    if (!ev_armed) {
        ev_armed = 1;
        time_arm(&ev_timer, time_now_ns() + TICK_NS);
    }
}

static void events_flush(void)
{
    while (ev_len) {
        struct gevent e = evq[ev_head];
        ev_head = (ev_head + 1) % EVQ;
        ev_len--;
        event_send(&e);
    }
}

static void ev_tick(struct timer *t)
{
    (void)t;
    ev_armed = 0;
    events_flush();
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

void group_event_post(uint16_t code, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3)
{
    if (code == V_EV_NODE_UP)
        event_queue(V_GROUP_EV_NODE, code, w0, w1, w2, w3, 0);
    else if (code == V_EV_NODE_DOWN)
        event_queue(V_GROUP_EV_NODE, code, w0, w1, w2, w3, 1);
    else if (code == V_EV_LHOST_MOVED)
        event_queue(V_GROUP_EV_LHOST_MOVED, code, w0, w1, w2, w3, 1);
}

uint32_t group_event_dropped(void) { return ev_dropped; }

void group_event_halting(void)
{
    struct gevent e = { .group = V_GROUP_EV_NODE,
                        .m = { .code = V_EV_NODE_DOWN, .flags = V_MSG_NO_REPLY,
                               .w = { node_id, net_ipv4(), V_EV_DOWN_HALTED } } };
    events_flush();
    event_send(&e);                      /* now: the node halts right after */
}
