/*
 * hv_core.c - libv on Linux: set-up from the environment, the socket and the clock,
 * sending (where the test modes act), and the service loop that hands each received
 * datagram to the state machine it belongs to.
 *
 * Entry points: v_host_init, v_host_port, v_host_set_timeout, v_host_bind,
 * v_host_stats, v_host_print_stats (vhost.h); hv_init, hv_now, hv_xmit, hv_xmit_raw,
 * hv_nack, hv_service, hv_trace (hv.h).
 */
#include "hv.h"
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct hv hv;

static const char *const type_names[] = {
    "?", "REQUEST", "REPLY", "PENDING", "NACK", "ACK", "DATA", "DATA_ACK", "MOVE_FROM",
    "WHERE", "HERE",
};

uint64_t hv_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Environment variable `name` as a number in lo..hi, dflt when unset or empty. */
static int env_u32(const char *name, uint32_t lo, uint32_t hi, uint32_t dflt, uint32_t *out)
{
    const char *s = getenv(name);

    *out = dflt;
    if (!s || !*s)
        return V_OK;
    if (hv_parse_u32(s, out) < 0 || *out < lo || *out > hi) {
        fprintf(stderr, "libv: %s=%s: want a number in %u..%u (0x hex allowed)\n", name, s,
                lo, hi);
        return V_EINVAL;
    }
    return V_OK;
}

/* A host program on the protocol's own port stands in for a kernel: like a kernel, it
 * joins the group that WHERE queries are multicast to, on every IPv4 interface (a
 * cluster's namespace has no route to choose one by). Best effort: without it, kernels
 * find this program only after it has sent them something. */
static void join_kernels_group(int fd)
{
    struct ifaddrs *ifs, *i;
    if (getifaddrs(&ifs) < 0)
        return;
    for (i = ifs; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
            continue;
        struct ip_mreq mr;
        mr.imr_multiaddr.s_addr = htonl(V_PROTO_KERNELS);
        mr.imr_interface = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
        setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr);
    }
    freeifaddrs(ifs);
}

/* Our logical host (V_LHOST: n on node 254, or a whole logical host) and local id. */
static int setup_identity(void)
{
    uint32_t lh, local;
    int rc = env_u32("V_LHOST", 1, V_PID_LHOST_MASK, (uint32_t)getpid() % 127 + 1, &lh);

    if (rc == V_OK)
        rc = env_u32("V_LOCAL", 1, V_PID_LOCAL_MASK, V_HOST_LOCAL, &local);
    if (rc < 0)
        return rc;
    hv.lhost = lh <= V_LHOST_N_MASK ? v_lhost_make(V_HOST_NODE, lh) : lh;
    hv.pid = v_pid_make(hv.lhost, local);
    return V_OK;
}

/* Port 4377 is shared: group members' sockets listen there too (hv_gmember.c, with
 * SO_REUSEADDR), so our bind must allow them, and no longer says by itself whether
 * another host V process has the port. An abstract Unix socket named after it (one name
 * per network namespace, gone when the process ends) does. V_OK or V_EBUSY. */
static int claim_port(uint16_t port)
{
    struct sockaddr_un su = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int n = snprintf(su.sun_path + 1, sizeof su.sun_path - 1, "vsys-udp-port-%u", port);

    if (fd < 0)
        return V_EBUSY;
    if (bind(fd, (struct sockaddr *)&su, (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
                                                      1 + (size_t)n)) < 0) {
        fprintf(stderr, "libv: UDP port %u: another host V process has it\n", port);
        close(fd);
        return V_EBUSY;
    }
    return V_OK;                    /* fd stays open: the claim lasts as long as we do */
}

static int setup_socket(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t sl = sizeof sa;
    uint32_t port;
    int one = 1, rcvbuf = 1 << 20;

    if (env_u32("V_PORT", 0, 65535, 0, &port) < 0)
        return V_EINVAL;
    hv.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (hv.fd < 0) {
        perror("libv: socket");
        return V_EBUSY;
    }
    setsockopt(hv.fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    if (port == V_PROTO_PORT) {
        if (claim_port((uint16_t)port) < 0) {
            close(hv.fd);
            hv.fd = -1;
            return V_EBUSY;
        }
        setsockopt(hv.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    }
    setsockopt(hv.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    sa.sin_port = htons((uint16_t)port);
    if (bind(hv.fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        getsockname(hv.fd, (struct sockaddr *)&sa, &sl) < 0) {
        fprintf(stderr, "libv: UDP port %u: %s\n", port, strerror(errno));
        close(hv.fd);
        hv.fd = -1;
        return V_EBUSY;
    }
    hv.port = ntohs(sa.sin_port);
    if (hv.port == V_PROTO_PORT)
        join_kernels_group(hv.fd);
    return V_OK;
}

/* Where WHERE goes: V_BCAST, else the broadcast address of the cluster's /24 when run
 * by `vcluster exec` (VSYS_NET=A.B.C: its namespace has no route for 255.255.255.255),
 * else 255.255.255.255; port V_WHERE_PORT, else 4377. */
static int setup_where(void)
{
    const char *b = getenv("V_BCAST"), *net = getenv("VSYS_NET");
    char buf[32];
    uint32_t port;

    hv.where.addr = 0xffffffffu;
    if ((!b || !*b) && net && strlen(net) < sizeof buf - 4) {
        snprintf(buf, sizeof buf, "%s.255", net);
        if (hv_parse_addr(buf, &hv.where.addr) < 0)
            hv.where.addr = 0xffffffffu;
    }
    if (b && *b && hv_parse_addr(b, &hv.where.addr) < 0) {
        fprintf(stderr, "libv: V_BCAST=%s: want an IPv4 address A.B.C.D\n", b);
        return V_EINVAL;
    }
    if (env_u32("V_WHERE_PORT", 1, 65535, V_PROTO_PORT, &port) < 0)
        return V_EINVAL;
    hv.where.port = (uint16_t)port;
    return V_OK;
}

static int setup_modes(void)
{
    uint32_t seed, dbg;

    if (env_u32("V_TEST_LOSS", 0, 100, 0, &hv.loss_pct) < 0 ||
        env_u32("V_TEST_DUP", 0, 1, 0, &hv.dup) < 0 ||
        env_u32("V_TEST_MISS_FIRST", 0, 1, 0, &hv.miss_first) < 0 ||
        env_u32("V_TEST_SEED", 0, UINT32_MAX, (uint32_t)getpid() * 2654435761u, &seed) < 0 ||
        env_u32("V_DEBUG", 0, 1, 0, &dbg) < 0)
        return V_EINVAL;
    hv.rng = 0x9e3779b97f4a7c15ull ^ seed;
    hv.debug = (int)dbg;
    return V_OK;
}

static int pin_peer(void *arg, uint32_t lhost, uint32_t addr, uint16_t port)
{
    (void)arg;
    return lhost_pin(&hv.lt, lhost, addr, port, hv_now());
}

static int setup_peers(void)
{
    const char *p = getenv("V_PEERS");

    if (p && *p && hv_parse_peers(p, 0, pin_peer) < 0) {
        fprintf(stderr, "libv: V_PEERS=%s: want LHOST=A.B.C.D[:PORT],... (LHOST or @NODE)\n",
                p);
        return V_EINVAL;
    }
    return V_OK;
}

/* Transaction ids start from the time of day in microseconds (hv_txid_first): a later
 * incarnation of the same pid then starts after every txid an earlier one used (no host
 * process completes a transaction in 2 microseconds), so a server's watermark never
 * takes it for a stale one. */
static uint32_t first_txid(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return hv_txid_first((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
}

/* Set up once, from the environment; every entry point calls this first. Returns the
 * first attempt's result for good (V_OK, V_EINVAL, V_EBUSY). */
int hv_init(void)
{
    int rc;

    if (hv.ready)
        return hv.init_err;
    hv.ready = 1;
    hv.fd = -1;
    lhost_init(&hv.lt, hv.lte, HV_LHOSTS);
    vp_rcache_init(&hv.rc, hv.rc_r, HV_RCACHE, hv.rc_m, HV_MARKS);
    hv.next_txid = first_txid();
    if ((rc = setup_identity()) == V_OK && (rc = setup_where()) == V_OK &&
        (rc = setup_modes()) == V_OK && (rc = setup_peers()) == V_OK)
        rc = setup_socket();
    if (rc == V_OK)
        rc = hv_mcast_setup();
    if (rc == V_OK)
        rc = hv_names_setup();
    hv.init_err = rc;
    if (hv.debug && rc == V_OK)
        fprintf(stderr, "libv: pid 0x%08x, UDP port %u\n", hv.pid, hv.port);
    return rc;
}

int v_host_init(void) { return hv_init(); }
uint16_t v_host_port(void) { return hv_init() == V_OK ? hv.port : 0; }
void v_host_set_timeout(uint32_t ms) { hv.timeout_ms = ms; }
const struct v_host_stats *v_host_stats(void) { return &hv.st; }

int v_host_bind(uint32_t lhost, uint32_t addr, uint16_t port)
{
    int rc = hv_init();

    return rc < 0 ? rc : lhost_pin(&hv.lt, lhost, addr, port, hv_now());
}

void hv_trace(const char *dir, const struct v_proto_hdr *h, const struct hv_peer *p)
{
    if (!hv.debug)
        return;
    fprintf(stderr, "libv %08x %s %-9s tx %u c %08x s %08x off 0x%x aux 0x%x seq %u f %x len %u "
            "%u.%u.%u.%u:%u\n", hv.pid, dir, type_names[h->type <= VP_TYPE_MAX ? h->type : 0],
            h->txid, h->client, h->server, h->offset, h->aux, h->seq, h->flags, h->length,
            p->addr >> 24, p->addr >> 16 & 255, p->addr >> 8 & 255, p->addr & 255, p->port);
}

/* xorshift64: the test modes' dice. */
static uint32_t dice(void)
{
    hv.rng ^= hv.rng << 13;
    hv.rng ^= hv.rng >> 7;
    hv.rng ^= hv.rng << 17;
    return (uint32_t)(hv.rng >> 32);
}

/* Send one datagram, unless V_TEST_LOSS throws it away. Errors of sendto are ignored:
 * the datagram is as good as lost, and retransmission deals with loss. */
void hv_xmit_raw(const struct hv_peer *to, const uint8_t *pkt, uint32_t len)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };

    hv.st.tx++;
    if (hv.loss_pct && dice() % 100 < hv.loss_pct) {
        hv.st.test_lost++;
        return;
    }
    sa.sin_addr.s_addr = htonl(to->addr);
    sa.sin_port = htons(to->port);
    (void)sendto(hv.fd, pkt, len, 0, (struct sockaddr *)&sa, sizeof sa);
}

/* Encode and send; V_TEST_DUP sends every REQUEST twice. */
void hv_xmit(const struct hv_peer *to, const struct v_proto_hdr *h, const void *pl,
             uint32_t plen)
{
    uint8_t pkt[V_PROTO_MAX_PKT];
    int n = vp_encode(h, pl, plen, pkt, sizeof pkt);

    if (n < 0)
        return;
    if (hv.debug) {
        struct v_proto_hdr t = *h;
        t.length = (uint16_t)plen;
        hv_trace("out", &t, to);
    }
    hv_xmit_raw(to, pkt, (uint32_t)n);
    if (hv.dup && h->type == VP_REQUEST) {
        hv.st.test_dups++;
        hv_xmit_raw(to, pkt, (uint32_t)n);
    }
}

/* Refuse the transaction of h with err: NACK to its other end. */
void hv_nack(const struct hv_peer *to, const struct v_proto_hdr *h, int err, uint32_t seq)
{
    struct v_proto_hdr n = { .type = VP_NACK, .txid = h->txid, .client = h->client,
                             .server = h->server, .seq = seq };
    uint8_t pl[4];

    hv_put32(pl, (uint32_t)err);
    hv.st.nacks_sent++;
    hv_xmit(to, &n, pl, sizeof pl);
}

/* Check a datagram, count and drop it if malformed, else hand it on by type and role:
 * packets of our own Send carry our pid as `client`; the rest concern our requests
 * (queued, being served, being moved) or logical hosts. */
static void dispatch(const uint8_t *buf, uint32_t n, const struct hv_peer *src)
{
    struct v_proto_hdr h;
    const uint8_t *pl = 0;
    int why = vp_decode(buf, n, &h, &pl);

    if (why != VPD_OK) {
        hv.st.drops[why]++;
        return;
    }
    hv_trace("in ", &h, src);
    if (h.type == VP_REQUEST && h.offset > 65535) {
        hv.st.bad_port++;
        return;
    }
    hv_learn(&h, src);
    switch (h.type) {
    case VP_REQUEST: hv_srv_request(&h, pl, src); break;
    case VP_ACK:     hv_srv_ack(&h); break;
    case VP_WHERE:
    case VP_HERE:    hv_where_packet(&h, src); break;
    default:
        if (h.client == hv.pid && ((h.flags & VPF_MULTICAST) || v_pid_is_group(h.server)))
            hv_gc_packet(&h, pl, src);      /* of our group Send (hv_gsend.c) */
        else if (h.client == hv.pid)
            hv_cli_packet(&h, pl, src);
        else
            hv_mv_packet(&h, pl, src);
    }
}

/* Everything that has arrived on socket fd (ours, or a group address's), without
 * waiting. */
static void drain(int fd)
{
    uint8_t buf[V_PROTO_MAX_DGRAM + 1];     /* the largest packet, jumbo DATA included */

    for (int i = 0; i < 256; i++) {
        struct sockaddr_in sa;
        socklen_t sl = sizeof sa;
        ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC,
                             (struct sockaddr *)&sa, &sl);
        if (n < 0)
            return;
        struct hv_peer src = { ntohl(sa.sin_addr.s_addr), ntohs(sa.sin_port) };
        hv.st.rx++;
        if ((size_t)n > sizeof buf) {
            hv.st.drops[VPD_LENGTH]++;      /* longer than any packet can be */
            continue;
        }
        dispatch(buf, (uint32_t)n, &src);
    }
}

/* Wait until a datagram arrives, a timer of ours is due, or until_ns (HV_NEVER: no
 * limit of the caller's own); handle what came and run due timers. Returns early on a
 * signal. The caller loops, checking its own condition. */
void hv_service(uint64_t until_ns)
{
    uint64_t now = hv_now();
    uint64_t next = hv_min(hv_min(until_ns, hv_gc_timers(now)),
                           hv_min(hv_cli_timers(now), hv_mv_timers(now)));
    struct pollfd p[1 + HV_GROUPS];
    int fds[HV_GROUPS], n = hv_gm_fds(fds, HV_GROUPS), ms = 60000;

    if (next <= now)
        ms = 0;
    else if (next - now < 60000ull * 1000000ull)
        ms = (int)((next - now + 999999) / 1000000);
    p[0] = (struct pollfd){ .fd = hv.fd, .events = POLLIN };
    for (int i = 0; i < n; i++)
        p[1 + i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
    if (poll(p, (nfds_t)(1 + n), ms) > 0)
        for (int i = 0; i <= n; i++)
            if (p[i].revents)
                drain(p[i].fd);
    now = hv_now();
    hv_cli_timers(now);
    hv_mv_timers(now);
    hv_gc_timers(now);
}

void v_host_print_stats(FILE *f)
{
    const struct v_host_stats *s = &hv.st;

    fprintf(f, "pid 0x%08x rx %u tx %u", hv.pid, s->rx, s->tx);
    for (int i = 1; i < VPD_COUNT; i++)
        if (s->drops[i])
            fprintf(f, " drop-%s %u", vp_drop_name(i), s->drops[i]);
#define C(x) if (s->x) fprintf(f, " " #x " %u", s->x)
    C(bad_port); C(unmatched); C(retransmits); C(requests); C(starts); C(pending_sent);
    C(cached_resent); C(stale); C(full); C(nacks_sent); C(where_sent);
    C(here_sent); C(test_lost); C(test_dups); C(test_missed); C(group_sends);
    C(group_replies); C(group_late); C(group_overflow); C(group_requests);
    C(group_not_member); C(group_declined);
#undef C
    fprintf(f, "\n");
}
