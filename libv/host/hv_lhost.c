/*
 * hv_lhost.c - where a logical host lives, for libv on Linux: learned from the source of
 * every valid packet (a REQUEST's aux/offset when it names the client's node), asked for
 * by broadcasting WHERE when unknown, and answered with HERE for our own logical host.
 * Bindings from V_PEERS / v_host_bind are pinned. The table is net/lhost.c's.
 *
 * Entry points: hv_learn, hv_resolve, hv_where_packet, hv_lhost_silent (hv.h).
 */
#include "hv.h"

#define WHERE_TRIES 4             /* asked after 0, 100, 300 and 700 ms: 1.5 s in all */
#define WHERE_FIRST_NS (100ull * 1000000ull)

/* Which logical host sent h, and from where it wants answers: the REQUEST's client (at
 * aux:offset when set), the REPLY's replier, HERE's answer, else the other end of the
 * transaction from our point of view. */
void hv_learn(const struct v_proto_hdr *h, const struct hv_peer *src)
{
    struct hv_peer at = *src;
    v_pid_t who;
    uint32_t lh;

    switch (h->type) {
    case VP_WHERE:
        return;
    case VP_HERE:
        lh = h->aux;
        break;
    case VP_REQUEST:
        lh = v_pid_lhost(h->client);
        if (h->aux)
            at.addr = h->aux;
        if (h->offset)
            at.port = (uint16_t)h->offset;
        break;
    case VP_REPLY:
        lh = v_pid_lhost(h->aux);
        break;
    default:
        who = h->client == hv.pid ? h->server : h->client;
        if (v_pid_is_group(who))
            return;
        lh = v_pid_lhost(who);
    }
    if (lh && lh != hv.lhost)
        lhost_learn(&hv.lt, lh, at.addr, at.port, hv_now());
}

static int lookup(uint32_t lhost, struct hv_peer *out)
{
    uint32_t a;
    uint16_t p;

    if (lhost_lookup(&hv.lt, lhost, &a, &p) < 0)
        return V_ENOTFOUND;
    out->addr = a;
    out->port = p;
    return V_OK;
}

static void send_where(uint32_t lhost)
{
    struct v_proto_hdr h = { .type = VP_WHERE, .client = hv.pid, .aux = lhost };

    hv.st.where_sent++;
    hv_xmit(&hv.where, &h, 0, 0);
}

/* The endpoint of logical host lhost: from the table, else by broadcasting WHERE to
 * V_BCAST:V_WHERE_PORT a few times with back-off until a HERE comes. Returns V_OK,
 * V_ENOPROC (nobody answered: no such logical host within reach), V_ETIMEOUT
 * (deadline_ns passed first). Runs the service loop while it waits. */
int hv_resolve(uint32_t lhost, struct hv_peer *out, uint64_t deadline_ns)
{
    uint64_t wait = WHERE_FIRST_NS;

    for (int i = 0; i < WHERE_TRIES; i++, wait *= 2) {
        if (lookup(lhost, out) == V_OK)
            return V_OK;
        send_where(lhost);
        uint64_t until = hv_min(hv_now() + wait, deadline_ns);
        while (hv_now() < until && lookup(lhost, out) < 0)
            hv_service(until);
        if (hv_now() >= deadline_ns && lookup(lhost, out) < 0)
            return V_ETIMEOUT;
    }
    return lookup(lhost, out) == V_OK ? V_OK : V_ENOPROC;
}

/* WHERE for our logical host: answer HERE to the asker. HERE was learned already. */
void hv_where_packet(const struct v_proto_hdr *h, const struct hv_peer *src)
{
    struct v_proto_hdr here = { .type = VP_HERE, .client = hv.pid, .aux = hv.lhost };

    if (h->type != VP_WHERE || h->aux != hv.lhost)
        return;
    hv.st.here_sent++;
    hv_xmit(src, &here, 0, 0);
}

/* The node bound to lhost stopped answering: forget a learned binding, so that the
 * next Send asks WHERE again (it may have moved). Pinned bindings stay. */
void hv_lhost_silent(uint32_t lhost)
{
    for (uint32_t i = 0; i < hv.lt.n; i++)
        if (hv.lt.e[i].lhost == lhost && !hv.lt.e[i].pinned)
            lhost_forget(&hv.lt, lhost);
}
