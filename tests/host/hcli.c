/*
 * tests/host/hcli.c - the host tests' client: one host V process that runs one case
 * against an hsrv (tests/host/run-host.sh starts both). Prints PASS/FAIL lines; exits 1
 * if any failed, 2 on a usage error.
 * usage: hcli CASE SERVER_PID [ARGS]
 *   basic SRV             echo, reply codes, segments in REQUEST/REPLY and by move,
 *                         a long wait answered PENDING, local argument errors
 *   nack SRV              NACK for a nonexistent pid; WHERE nobody answers
 *   move SRV              1 MiB MoveTo and MoveFrom with checksums; refused moves
 *   amo SRV BASE N        N counted requests (run with V_TEST_DUP=1): each executed once
 *   loss SRV BASE N       the same plus moves, under V_TEST_LOSS
 *   garbage SRV PORT      malformed datagrams at the server: counted, dropped, harmless
 *   dead SRV LINUX_PID PORT  the server dies while we wait; then Sends to the dead one
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "proto_codec.h"

#define MIB (1u << 20)

static uint8_t buf[MIB];

/* One request: code and w0, w1; returns the Send's result, the reply in *r. */
static int call(v_pid_t srv, uint16_t code, uint32_t w0, uint32_t w1, struct v_msg *r)
{
    memset(r, 0, sizeof *r);
    r->code = code;
    r->w[0] = w0;
    r->w[1] = w1;
    return v_send(r, srv);
}

static void grant(struct v_msg *m, uint16_t access, void *p, uint32_t len)
{
    m->flags = 0;
    v_msg_grant(m, access, p, len);
}

static void case_echo(v_pid_t srv)
{
    struct v_msg m, want;
    v_pid_t replier = 0;
    uint32_t i;
    int rc = V_OK;

    for (i = 0; i < 20; i++) {
        m = (struct v_msg){ .code = T_ECHO, .w = { i, ~i, i * 77, 0xffffffffu, 0x80000000u } };
        want = m;
        for (int k = 0; k < 5; k++)
            want.w[k] ^= T_ECHO_XOR;
        rc = v_send_r(&m, srv, &replier);
        if (rc != V_OK || m.code != V_OK || replier != srv || memcmp(m.w, want.w, sizeof m.w))
            break;
    }
    t_check(i == 20, "send_receive_reply", "round %u: rc %d code %d replier 0x%08x w0 0x%08x",
            i, rc, v_msg_reply_code(&m), replier, m.w[0]);
    rc = call(srv, 0x7fff, 0, 0, &m);
    t_check(rc == V_OK && v_msg_reply_code(&m) == V_EBADCALL, "server_error_is_the_reply_code",
            "rc %d code %d", rc, v_msg_reply_code(&m));
}

/* T_SEGECHO over a READ|WRITE grant of `grant_len` bytes: the server takes up to 3000,
 * writes them back + 1. */
static void case_segecho(v_pid_t srv, uint32_t grant_len, const char *name)
{
    static uint8_t seg[8192], want[8192];
    uint32_t n = grant_len < T_SEG_MAX ? grant_len : T_SEG_MAX;
    struct v_msg m = { .code = T_SEGECHO };
    int rc;

    t_fill(seg, grant_len, grant_len);
    memcpy(want, seg, grant_len);
    uint32_t sum0 = t_sum(seg, n);
    for (uint32_t i = 0; i < n; i++)
        want[i]++;
    grant(&m, V_MSG_SEG_READ | V_MSG_SEG_WRITE, seg, grant_len);
    rc = v_send(&m, srv);
    t_check(rc == V_OK && m.code == V_OK && m.w[0] == n && m.w[1] == sum0 &&
            !memcmp(seg, want, grant_len), name, "rc %d code %d got %u (want %u) same %d",
            rc, v_msg_reply_code(&m), m.w[0], n, !memcmp(seg, want, grant_len));
}

static void case_local_errors(v_pid_t srv)
{
    struct v_msg m = { .code = T_ECHO };
    int a = v_send(&m, v_my_pid()), b = v_send(&m, 0), c, d = v_send(0, srv);

    grant(&m, V_MSG_SEG_READ, 0, 16);
    c = v_send(&m, srv);
    t_check(a == V_EDEADLOCK && b == V_ENOPROC && c == V_EBADADDR && d == V_EBADADDR,
            "local_argument_errors", "self %d, pid 0 %d, null grant %d, null msg %d", a, b, c, d);

    /* Client-space addresses only come from v_seg_addr (libv/host/hv_seg.c): an address
     * in no window, a range past a mapped grant, or a grant larger than a window are
     * refused before anything is sent. */
    static uint8_t buf[64];
    int e[3];
    m = (struct v_msg){ .code = T_ECHO, .flags = V_MSG_SEG_READ,
                        .seg_ptr = 0xfc000010u, .seg_len = sizeof buf };
    e[0] = v_send(&m, srv);
    grant(&m, V_MSG_SEG_READ, buf, sizeof buf);
    m.seg_len = sizeof buf + 1;
    e[1] = v_send(&m, srv);
    grant(&m, V_MSG_SEG_READ, buf, 0xffffffffu);
    e[2] = v_send(&m, srv);
    t_check(e[0] == V_EBADADDR && e[1] == V_EBADADDR && e[2] == V_EBADADDR,
            "unmapped_grant_refused", "no window %d, past the grant %d, too large %d",
            e[0], e[1], e[2]);
}

static void case_pending(v_pid_t srv)
{
    struct v_msg m;
    uint32_t before = v_host_stats()->retransmits;
    double t0 = t_secs();
    int rc = call(srv, T_DELAY, 1500, 0, &m);
    double dt = t_secs() - t0;

    t_check(rc == V_OK && m.code == V_OK && dt >= 1.45 && dt < 4.0 &&
            v_host_stats()->retransmits > before, "long_reply_wait_kept_alive_by_pending",
            "rc %d after %.2f s, %u retransmissions", rc, dt,
            v_host_stats()->retransmits - before);
}

static void run_basic(v_pid_t srv)
{
    case_echo(srv);
    case_segecho(srv, 100, "segment_in_request_and_reply");
    case_segecho(srv, 5000, "segment_beyond_1k_by_movefrom_and_moveto");
    case_pending(srv);
    case_local_errors(srv);
}

static void run_nack(v_pid_t srv)
{
    struct v_msg m;
    double t0 = t_secs();
    int a = call(v_pid_make(v_pid_lhost(srv), 0x0202), T_ECHO, 0, 0, &m);
    int b = call(v_pid_make(v_pid_lhost(srv), V_LOCAL_KERNEL_SERVER), T_ECHO, 0, 0, &m);
    double dt = t_secs() - t0;

    t_check(a == V_ENOPROC && b == V_ENOPROC && dt < 0.5, "nack_for_nonexistent_pid",
            "got %d and %d after %.3f s", a, b, dt);
    t0 = t_secs();
    a = call(v_pid_make(v_lhost_make(V_HOST_NODE, 126), 0x0101), T_ECHO, 0, 0, &m);
    dt = t_secs() - t0;
    t_check(a == V_ENOPROC && dt > 1.0 && dt < 3.0, "unanswered_where_is_no_such_process",
            "got %d after %.2f s", a, dt);
}

static void run_move(v_pid_t srv)
{
    static uint8_t want[MIB];
    struct v_msg m = { .code = T_MOVETO, .w = { MIB, 7 } };
    double t0 = t_secs();
    int rc;

    memset(buf, 0, MIB);
    t_fill(want, MIB, 7);
    grant(&m, V_MSG_SEG_WRITE, buf, MIB);
    rc = v_send(&m, srv);
    t_check(rc == V_OK && m.w[0] == 0 && m.w[1] == t_sum(want, MIB) && !memcmp(buf, want, MIB),
            "moveto_1mib_checksum", "rc %d move %d sum 0x%08x/0x%08x (%.3f s)", rc,
            (int)m.w[0], m.w[1], t_sum(buf, MIB), t_secs() - t0);
    t_fill(buf, MIB, 9);
    m = (struct v_msg){ .code = T_MOVEFROM, .w = { MIB } };
    grant(&m, V_MSG_SEG_READ, buf, MIB);
    t0 = t_secs();
    rc = v_send(&m, srv);
    t_check(rc == V_OK && m.w[0] == 0 && m.w[1] == t_sum(buf, MIB), "movefrom_1mib_checksum",
            "rc %d move %d sum 0x%08x/0x%08x (%.3f s)", rc, (int)m.w[0], m.w[1],
            t_sum(buf, MIB), t_secs() - t0);
    m = (struct v_msg){ .code = T_MOVETO, .w = { 8192, 1 } };
    grant(&m, V_MSG_SEG_WRITE, buf, 4096);
    int a = v_send(&m, srv), ra = (int)m.w[0];
    m = (struct v_msg){ .code = T_MOVEFROM, .w = { 4096 } };
    grant(&m, V_MSG_SEG_WRITE, buf, 4096);
    int b = v_send(&m, srv), rb = (int)m.w[0];
    t_check(a == V_OK && ra == V_ERANGE && b == V_OK && rb == V_ENOACCESS,
            "moves_outside_the_grant_refused", "moveto %d/%d movefrom %d/%d", a, ra, b, rb);
}

/* n counted requests from id base: each must come back executed exactly once. */
static int counted(v_pid_t srv, uint32_t base, uint32_t n, const char *name)
{
    struct v_msg m;

    for (uint32_t i = 0; i < n; i++) {
        int rc = call(srv, T_COUNT, base + i, 0, &m);
        if (rc != V_OK || m.w[0] != base + i || m.w[1] != 1) {
            t_fail(name, "request %u: rc %d id %u executed %u times", base + i, rc, m.w[0],
                   m.w[1]);
            return 0;
        }
    }
    t_pass(name);
    return 1;
}

static void server_clean(v_pid_t srv, const char *name)
{
    struct v_msg m;
    int rc = call(srv, T_STATS, 0, 0, &m);

    t_check(rc == V_OK && m.w[3] == 0, name, "rc %d, %u executed twice of %u", rc, m.w[3],
            m.w[2]);
}

static void run_amo(v_pid_t srv, uint32_t base, uint32_t n)
{
    struct v_msg m;

    counted(srv, base, n, "duplicated_requests_complete");
    int rc = call(srv, T_STATS, 0, 0, &m);
    t_check(rc == V_OK && m.w[3] == 0 && m.w[4] > 0 && v_host_stats()->test_dups >= n,
            "duplicates_never_executed_twice", "rc %d twice %u dups answered %u sent %u", rc,
            m.w[3], m.w[4], v_host_stats()->test_dups);
}

static void run_loss(v_pid_t srv, uint32_t base, uint32_t n)
{
    static uint8_t want[MIB / 4];
    const uint32_t len = MIB / 4;
    struct v_msg m = { .code = T_MOVETO, .w = { len, base } };
    int rc;

    counted(srv, base, n, "requests_complete_under_loss");
    t_fill(want, len, base);
    grant(&m, V_MSG_SEG_WRITE, buf, len);
    rc = v_send(&m, srv);
    t_check(rc == V_OK && m.w[0] == 0 && !memcmp(buf, want, len), "moveto_256k_under_loss",
            "rc %d move %d", rc, (int)m.w[0]);
    m = (struct v_msg){ .code = T_MOVEFROM, .w = { len } };
    grant(&m, V_MSG_SEG_READ, buf, len);
    rc = v_send(&m, srv);
    t_check(rc == V_OK && m.w[0] == 0 && m.w[1] == t_sum(want, len), "movefrom_256k_under_loss",
            "rc %d move %d", rc, (int)m.w[0]);
    case_segecho(srv, 5000, "segments_under_loss");
    server_clean(srv, "none_executed_twice_under_loss");
    t_check(v_host_stats()->test_lost > 0 && v_host_stats()->retransmits > 0,
            "loss_really_happened", "lost %u, retransmitted %u", v_host_stats()->test_lost,
            v_host_stats()->retransmits);
}

/* ---- malformed datagrams, straight from a plain UDP socket ---- */

static int raw_fd = -1;
static struct sockaddr_in raw_to;
static uint32_t raw_sent;

static void raw(const void *p, size_t n)
{
    sendto(raw_fd, p, n, 0, (struct sockaddr *)&raw_to, sizeof raw_to);
    raw_sent++;
}

/* A header as the codec would write it, then payload bytes of zeros up to len. */
static size_t pkt(uint8_t *b, uint8_t type, uint16_t flags, uint32_t plen, v_pid_t client,
                  v_pid_t server, uint32_t offset, uint32_t aux)
{
    static const uint8_t zeros[V_MSG_SIZE + V_PROTO_MAX_DATA];
    struct v_proto_hdr h = { .type = type, .flags = flags, .txid = 1, .client = client,
                             .server = server, .offset = offset, .aux = aux };

    return (size_t)vp_encode(&h, zeros, plen, b, V_PROTO_MAX_PKT);
}

/* Every kind of malformed packet at the server: each is counted by reason and dropped;
 * the server answers normally afterwards. The counts are exact: loopback keeps order. */
static void run_garbage(v_pid_t srv, uint16_t port)
{
    static uint8_t b[3000];
    const v_pid_t me = v_my_pid();
    struct v_msg m;
    uint32_t before;
    size_t n;
    int rc = call(srv, T_STATS, 0, 0, &m);

    before = rc == V_OK ? m.w[0] : 0;
    raw_fd = socket(AF_INET, SOCK_DGRAM, 0);
    raw_to = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port),
                                   .sin_addr.s_addr = htonl(0x7f000001u) };
    for (int i = 0; i < 10; i++)
        raw(b, (size_t)i * 3);                                         /* short */
    n = pkt(b, VP_REQUEST, 0, 32, me, srv, 0, 0);
    b[0] = 0x12; raw(b, n); b[0] = 0x56;                               /* magic */
    b[2] = 2; raw(b, n); b[2] = 0; raw(b, n); b[2] = 1;                /* version */
    b[3] = 0; raw(b, n); b[3] = 11; raw(b, n); b[3] = 200; raw(b, n);  /* type */
    b[3] = VP_REQUEST;
    b[5] = 0x10; raw(b, n); b[4] = 0x80; b[5] = 0; raw(b, n); b[4] = 0; /* flags */
    raw(b, n - 16);                                        /* length: truncated request */
    raw(b, n + 8);                                         /* length: trailing bytes */
    raw(b, V_PROTO_HDR_SIZE + 1100);                       /* length: larger than any */
    raw(b, sizeof b);                                      /* length: oversize datagram */
    raw(b, pkt(b, VP_REQUEST, 0, 16, me, srv, 0, 0));      /* length: no whole message */
    raw(b, pkt(b, VP_ACK, 0, 4, me, srv, 0, 0));           /* length: ACK with payload */
    n = pkt(b, VP_NACK, 0, 4, me, srv, 0, 0);
    b[V_PROTO_HDR_SIZE + 3] = 5; raw(b, n);                /* payload: positive error */
    raw(b, pkt(b, VP_DATA, 0, 104, me, srv, 50, 80));      /* payload: past the move */
    raw(b, pkt(b, VP_MOVE_FROM, 0, 0, me, srv, 0, 0));     /* payload: empty range */
    raw(b, pkt(b, VP_WHERE, 0, 0, me, 0, 0, 0));           /* payload: logical host 0 */
    raw(b, pkt(b, VP_REQUEST, 0, 32, 0, srv, 0, 0));       /* pid: client 0 */
    raw(b, pkt(b, VP_REQUEST, 0, 32, 0x80000001u, srv, 0, 0)); /* pid: a group sends */
    raw(b, pkt(b, VP_REPLY, 0, 32, me, srv, 0, 0));        /* pid: no replier */
    raw(b, pkt(b, VP_REQUEST, 0, 32, me, 0x80000005u, 0, 0)); /* flags: group, no flag */
    raw(b, pkt(b, VP_PENDING, VPF_LAST, 0, me, srv, 0, 0)); /* flags: LAST is DATA's only */
    for (int i = 0; i < 200; i++) {                        /* noise; never "VS" first */
        size_t len = (size_t)(rand() % 1200);
        for (size_t k = 0; k < len; k++)
            b[k] = (uint8_t)rand();
        if (len)
            b[0] &= 0x3f;
        raw(b, len);
    }
    rc = call(srv, T_STATS, 0, 0, &m);
    t_check(rc == V_OK && m.w[0] - before == raw_sent, "malformed_packets_counted_and_dropped",
            "rc %d: %u dropped of %u sent", rc, m.w[0] - before, raw_sent);
    t_check(m.w[1] == ((1u << VPD_COUNT) - 2), "every_drop_reason_seen",
            "reasons seen 0x%x, want 0x%x", m.w[1], (1u << VPD_COUNT) - 2);
    rc = call(srv, T_ECHO, 42, 0, &m);
    t_check(rc == V_OK && m.w[0] == (42 ^ T_ECHO_XOR), "server_answers_after_garbage",
            "rc %d w0 0x%08x", rc, m.w[0]);
}

/* ---- a dead peer ---- */

static void __attribute__((noreturn)) sleep_then_kill(pid_t victim, int fd)
{
    struct timespec ts = { 1, 0 };
    double t;

    nanosleep(&ts, 0);
    t = t_secs();
    kill(victim, SIGKILL);
    if (write(fd, &t, sizeof t) != sizeof t)
        _exit(1);
    _exit(0);
}

/* The server receives our request, never replies, and is killed 1 s later: the Send
 * fails with V_ETIMEOUT at most 6 s after the last PENDING (docs/PROTOCOL.md). The
 * binding was forgotten, so the next Send asks WHERE in vain (V_ENOPROC); with the
 * binding pinned, it is plain silence: V_ETIMEOUT 4.7 s after the REQUEST. */
static void run_dead(v_pid_t srv, pid_t victim, uint16_t port)
{
    struct v_msg m;
    double t0 = t_secs(), t1, tk = 0;
    int p[2], rc;
    pid_t child;

    if (pipe(p) < 0 || (child = fork()) < 0) {
        t_fail("dead_server_while_waiting", "no pipe or fork");
        return;
    }
    if (child == 0)
        sleep_then_kill(victim, p[1]);
    rc = call(srv, T_HANG, 0, 0, &m);
    t1 = t_secs();
    if (read(p[0], &tk, sizeof tk) != sizeof tk)
        tk = 0;
    waitpid(child, 0, 0);
    t_check(rc == V_ETIMEOUT && tk > 0 && t1 > tk && t1 - tk < 6.5,
            "dead_server_while_waiting", "rc %d, %.2f s after the kill, %.2f s in all", rc,
            t1 - tk, t1 - t0);
    t0 = t_secs();
    rc = call(srv, T_ECHO, 0, 0, &m);
    t1 = t_secs() - t0;
    t_check(rc == V_ENOPROC && t1 < 3.0, "dead_binding_forgotten", "rc %d after %.2f s", rc, t1);
    v_host_bind(v_pid_lhost(srv), 0x7f000001u, port);
    t0 = t_secs();
    rc = call(srv, T_ECHO, 0, 0, &m);
    t1 = t_secs() - t0;
    t_check(rc == V_ETIMEOUT && t1 > 4.6 && t1 < 5.4, "dead_server_silent_past_the_bound",
            "rc %d after %.2f s (bound 4.7 s)", rc, t1);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: hcli CASE SERVER_PID [ARGS] (see hcli.c)\n");
        return 2;
    }
    v_pid_t srv = t_num(argv[2]);
    const char *c = argv[1];
    int rc = v_host_init();

    if (rc < 0) {
        fprintf(stderr, "hcli: %s\n", v_strerror(rc));
        return 1;
    }
    if (!strcmp(c, "basic"))
        run_basic(srv);
    else if (!strcmp(c, "nack"))
        run_nack(srv);
    else if (!strcmp(c, "move"))
        run_move(srv);
    else if (!strcmp(c, "amo") && argc == 5)
        run_amo(srv, t_num(argv[3]), t_num(argv[4]));
    else if (!strcmp(c, "loss") && argc == 5)
        run_loss(srv, t_num(argv[3]), t_num(argv[4]));
    else if (!strcmp(c, "garbage") && argc == 4)
        run_garbage(srv, (uint16_t)t_num(argv[3]));
    else if (!strcmp(c, "dead") && argc == 5)
        run_dead(srv, (pid_t)t_num(argv[3]), (uint16_t)t_num(argv[4]));
    else {
        fprintf(stderr, "hcli: bad case '%s' or arguments\n", c);
        return 2;
    }
    fprintf(stderr, "hcli %s: ", c);
    v_host_print_stats(stderr);
    return t_failures() ? 1 : 0;
}
