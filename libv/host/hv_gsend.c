/*
 * hv_gsend.c - group Send and GetReply for libv on Linux (docs/GROUPS.md, docs/HOST.md
 * "Process groups"), by the kernel's rules (net/remote_group.c):
 *   - one REQUEST flagged VPF_MULTICAST, server = the group, to the group's address on
 *     port 4377, resent at 100, 300, 700... ms (every 1 s after a PENDING) for as long
 *     as the reply window is open: until the Send fails, or V_GROUP_WINDOW_MS after the
 *     first reply. So a member that missed the first copy still hears one after another
 *     member has answered; members answer a repeat from their delivery record (the
 *     cached REPLY, or PENDING while busy) and never execute twice;
 *   - members answer unicast: REPLY flagged VPF_MULTICAST, server = the group, aux = the
 *     member. The first completes the Send; the others queue for GetReply until
 *     V_GROUP_WINDOW_MS after the first; a member's duplicate is dropped; no ACK (kernels
 *     send none for group replies, and their members keep no reply cache to clear);
 *   - nothing heard for V_GROUP_TIMEOUT_MS: V_ETIMEOUT; a PENDING before the first reply
 *     extends the wait to 6 s after the last one, as for a unicast Send;
 *   - V_MSG_NO_REPLY: the datagram goes once and the Send returns at once.
 * The repeats are a timer of hv_service (hv_gc_timers), so they go out in any wait of
 * the program's (the Send, GetReply, a unicast Send, Receive, Delay...), not only in
 * GetReply's; a program that does not call into libv sends none until it does. The
 * caller's next group Send closes the window (a unicast Send does not, as in the
 * kernel). Also the multicast interface: which local address sends (and joins).
 *
 * Entry points: v_get_reply (v/ipc.h); hv_mcast_setup, hv_mcast_if, hv_gsend,
 * hv_gc_packet, hv_gc_timers (hv.h).
 */
#include "hv.h"
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <v/group.h>

#define MS               1000000ull
#define PENDING_LIFE_NS  (6000ull * MS)   /* after a PENDING: wait this much more */

/* The one group transaction of this process (a Send blocks, so there is one at most). */
static struct {
    int used;                    /* made a group Send that waits: GetReply is allowed */
    int open;                    /* replies of txid are taken */
    int heard, pending;          /* a first reply came; a PENDING came (repeats slow) */
    v_pid_t group;
    uint32_t txid, retx_n;
    uint64_t deadline_ns;        /* nothing heard by then: V_ETIMEOUT */
    uint64_t window_end_ns;      /* replies kept until then (set by the first reply) */
    uint64_t next_retx_ns;       /* when the REQUEST goes again (while open) */
    uint32_t qhead, qlen, nseen;
    struct { struct v_msg m; v_pid_t from; } q[V_GROUP_REPLIES_MAX];
    v_pid_t seen[V_GROUP_REPLIES_MAX];
    uint8_t pl[V_MSG_SIZE + V_PROTO_MAX_DATA];  /* the REQUEST's payload, to resend */
    uint32_t plen;
} gc;

static uint32_t mcast_if;        /* the local IPv4 address group traffic uses */

/* ---- the multicast interface ---- */

/* The first IPv4 address of an interface that is up: in net (A.B.C.0/24) if net is not
 * 0, else the first that is not loopback. 0 if none. */
static uint32_t find_if(uint32_t net)
{
    struct ifaddrs *ifs, *i;
    uint32_t found = 0;

    if (getifaddrs(&ifs) < 0)
        return 0;
    for (i = ifs; i && !found; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP))
            continue;
        uint32_t a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
        if (net ? (a & 0xffffff00u) == net : !(i->ifa_flags & IFF_LOOPBACK))
            found = a;
    }
    freeifaddrs(ifs);
    return found;
}

/* Choose the interface group Sends go out of, and joins are made on: V_MCAST_IF
 * (A.B.C.D), else our address in the cluster's VSYS_NET (A.B.C, set by vcluster exec:
 * its namespace has no default route to pick one), else the first non-loopback IPv4
 * address, else 127.0.0.1. Called by hv_init once the socket exists. V_OK or V_EINVAL
 * (V_MCAST_IF malformed). */
int hv_mcast_setup(void)
{
    const char *s = getenv("V_MCAST_IF"), *net = getenv("VSYS_NET");
    char buf[32];
    uint32_t a = 0;

    if (s && *s) {
        if (hv_parse_addr(s, &a) < 0) {
            fprintf(stderr, "libv: V_MCAST_IF=%s: want an IPv4 address A.B.C.D\n", s);
            return V_EINVAL;
        }
    } else {
        if (net && *net && strlen(net) < sizeof buf - 2) {
            snprintf(buf, sizeof buf, "%s.0", net);
            if (hv_parse_addr(buf, &a) == 0)
                a = find_if(a);
        }
        if (!a)
            a = find_if(0);
        if (!a)
            a = INADDR_LOOPBACK;
    }
    mcast_if = a;
    struct in_addr ia = { htonl(a) };
    setsockopt(hv.fd, IPPROTO_IP, IP_MULTICAST_IF, &ia, sizeof ia);   /* best effort */
    return V_OK;
}

uint32_t hv_mcast_if(void) { return mcast_if; }

/* ---- the client ---- */

static void gc_close(void)
{
    gc.open = 0;
    gc.qhead = gc.qlen = gc.nseen = 0;
}

/* The window closes V_GROUP_WINDOW_MS after the first reply; its queue goes with it. */
static int gc_expired(uint64_t now)
{
    if (gc.open && gc.heard && now >= gc.window_end_ns)
        gc_close();
    return !gc.open;
}

static void send_request(int again)
{
    struct v_proto_hdr h = { .type = VP_REQUEST,
                             .flags = VPF_MULTICAST | (again ? VPF_RETRANSMIT : 0),
                             .txid = gc.txid, .client = hv.pid, .server = gc.group };
    struct hv_peer to = { v_group_mcast_addr(gc.group), V_PROTO_PORT };

    if (again)
        hv.st.retransmits++;
    hv_xmit(&to, &h, gc.pl, gc.plen);
}

/* The message and the first V_PROTO_MAX_DATA bytes of a READ grant, as for a unicast
 * REQUEST (the caller is blocked, so the grant cannot change before members see it). */
static void build_request(const struct v_msg *m)
{
    uint32_t n = 0;

    vp_put_msg(m, gc.pl);
    if ((m->flags & V_MSG_SEG_READ) && m->seg_len)
        n = m->seg_len < V_PROTO_MAX_DATA ? m->seg_len : V_PROTO_MAX_DATA;
    if (n)
        memcpy(gc.pl + V_MSG_SIZE, hv_seg_at(m->seg_ptr, n), n);
    gc.plen = V_MSG_SIZE + n;
}

/* Take the oldest queued reply into *m (and *from). 0 if the queue is empty. */
static int take(struct v_msg *m, v_pid_t *from)
{
    if (!gc.qlen)
        return 0;
    *m = gc.q[gc.qhead].m;
    if (from)
        *from = gc.q[gc.qhead].from;
    gc.qhead = (gc.qhead + 1) % V_GROUP_REPLIES_MAX;
    gc.qlen--;
    return 1;
}

/* The group transaction's timer, run by hv_service in every wait: resend the REQUEST
 * when due (100 ms, then 200 ms, then every 400 ms; every 1 s once a PENDING came, as
 * the kernel's rg_tick) while the window is open, and close the window when it ends.
 * Before the first reply the open window ends with the Send (wait_first closes it at
 * the no-answer bound); after it, V_GROUP_WINDOW_MS after that reply. Returns when it
 * is next due, HV_NEVER if not. */
uint64_t hv_gc_timers(uint64_t now)
{
    if (gc_expired(now))
        return HV_NEVER;
    if (!gc.heard && now >= gc.deadline_ns)
        return HV_NEVER;                 /* the Send is failing: nothing more goes */
    if (now >= gc.next_retx_ns) {
        send_request(1);
        gc.retx_n++;
        gc.next_retx_ns = now + (gc.retx_n == 1 ? 200 : gc.pending ? 1000 : 400) * MS;
    }
    return hv_min(gc.next_retx_ns, gc.heard ? gc.window_end_ns : gc.deadline_ns);
}

/* Wait for the Send's first reply (hv_service resends the REQUEST meanwhile), until the
 * no-answer bound or the caller's own bound (v_host_set_timeout). */
static int wait_first(struct v_msg *m, v_pid_t *replier, uint64_t user_deadline)
{
    for (;;) {
        uint64_t now = hv_now();
        if (take(m, replier))
            return V_OK;
        if (now >= gc.deadline_ns || now >= user_deadline) {
            gc_close();
            return V_ETIMEOUT;
        }
        hv_service(hv_min(gc.deadline_ns, user_deadline));
    }
}

/* Send m to group g (a v_send_r whose `to` has the G bit; m non-null and its grant
 * sound). Errors: V_EINVAL (not a group; a WRITE grant: replies to a group are messages
 * only; a grant with V_MSG_NO_REPLY), V_ETIMEOUT (no member answered or said PENDING
 * within V_GROUP_TIMEOUT_MS, or v_host_set_timeout's bound passed). */
int hv_gsend(struct v_msg *m, v_pid_t g, v_pid_t *replier)
{
    int noreply = m->flags & V_MSG_NO_REPLY;
    uint64_t now = hv_now();

    if (!v_group_is(g) || (m->flags & V_MSG_SEG_WRITE))
        return V_EINVAL;
    if (noreply && (m->flags & V_MSG_SEG_MASK))
        return V_EINVAL;                 /* nobody waits, so the grant would not last */
    gc_close();                          /* a group Send closes the last window */
    gc.group = g;
    gc.txid = hv.next_txid;
    hv.next_txid = hv_txid_next(hv.next_txid);
    hv.st.group_sends++;
    build_request(m);
    send_request(0);
    if (noreply)
        return V_OK;                     /* m unchanged; best effort, as in the kernel */
    gc.used = gc.open = 1;
    gc.heard = gc.pending = 0;
    gc.retx_n = 0;
    gc.deadline_ns = now + V_GROUP_TIMEOUT_MS * MS;
    gc.window_end_ns = gc.deadline_ns;
    gc.next_retx_ns = now + 100 * MS;
    return wait_first(m, replier, hv.timeout_ms ? now + hv.timeout_ms * MS : HV_NEVER);
}

/* The next further reply to our last group Send, waiting at most timeout_ms (and not
 * past the window; hv_service resends the REQUEST meanwhile). Errors: V_EBADADDR (m
 * null), V_EINVAL (no group Send that waits was made), V_ETIMEOUT (none came in time,
 * or the window has closed). */
int v_get_reply(struct v_msg *m, uint32_t timeout_ms, v_pid_t *from)
{
    int rc = hv_init();
    uint64_t until;

    if (from)
        *from = V_PID_NONE;
    if (rc < 0)
        return rc;
    if (!m)
        return V_EBADADDR;
    if (!gc.used)
        return V_EINVAL;
    until = hv_min(hv_now() + timeout_ms * MS, gc.window_end_ns);
    for (;;) {
        if (gc_expired(hv_now()))
            return V_ETIMEOUT;
        if (take(m, from))
            return V_OK;
        if (hv_now() >= until)
            return V_ETIMEOUT;
        hv_service(until);
    }
}

/* A REPLY for our group transaction: queued, unless late or a member's duplicate. */
static void take_reply(const struct v_proto_hdr *h, const uint8_t *pl, uint64_t now)
{
    if (gc_expired(now) || h->txid != gc.txid) {
        hv.st.group_late++;
        return;
    }
    for (uint32_t i = 0; i < gc.nseen; i++)
        if (gc.seen[i] == h->aux) {
            hv.st.group_late++;          /* a duplicate of a reply already taken */
            return;
        }
    if (gc.nseen < V_GROUP_REPLIES_MAX)
        gc.seen[gc.nseen++] = h->aux;
    if (!gc.heard) {
        gc.heard = 1;
        gc.window_end_ns = now + V_GROUP_WINDOW_MS * MS;
    }
    if (gc.qlen == V_GROUP_REPLIES_MAX) {
        hv.st.group_overflow++;
        return;
    }
    vp_get_msg(pl, &gc.q[(gc.qhead + gc.qlen) % V_GROUP_REPLIES_MAX].m);
    gc.q[(gc.qhead + gc.qlen++) % V_GROUP_REPLIES_MAX].from = h->aux;
    hv.st.group_replies++;
}

/* A packet of a group transaction of ours (client = us; flagged VPF_MULTICAST or naming
 * a group as server). REPLY is queued; PENDING slows the repeats to one a second (as in
 * the kernel) and, before the first reply, extends the wait; anything else (a NACK
 * nobody should send for a group) is ignored. */
void hv_gc_packet(const struct v_proto_hdr *h, const uint8_t *pl, const struct hv_peer *src)
{
    uint64_t now = hv_now();

    (void)src;
    switch (h->type) {
    case VP_REPLY:
        take_reply(h, pl, now);
        break;
    case VP_PENDING:
        if (gc_expired(now) || h->txid != gc.txid)
            break;
        gc.pending = 1;                  /* a member is busy: probe once a second */
        if (!gc.heard)
            gc.deadline_ns = now + PENDING_LIFE_NS;   /* and wait as for a unicast Send */
        break;
    default:
        hv.st.unmatched++;
    }
}
