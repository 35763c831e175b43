/*
 * tests/host/hkernel.c - a host V process against a real kernel: the requests of
 * servers/ctest (its server runs on a QEMU node; tests/host/run-kernel.sh sets it up).
 * Checks that libv on Linux and the kernel's side of the protocol agree: REPLY,
 * PENDING, NACK, the segment start in a REQUEST, REPLY data, the kernel's MoveTo into
 * our WRITE grant and its MoveFrom out of our READ grant (1 MiB each), at-most-once.
 * usage: hkernel CTEST_PID [COUNTED]   (COUNTED: only that many CT_COUNT requests, for
 *                                      runs under V_TEST_DUP / V_TEST_LOSS)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "../../servers/ctest/ctest.h"

#define MIB (1u << 20)

static uint8_t big[MIB];

static uint32_t ct_sum_here(const uint8_t *p, uint32_t n)
{
    uint32_t s = 0;

    for (uint32_t i = 0; i < n; i++)
        s = s * 31 + p[i];
    return s;
}

static void echo(v_pid_t srv)
{
    struct v_msg m = { .code = CT_ECHO, .w = { 1, 2, 3, 0xffffffffu } };
    v_pid_t replier = 0;
    int rc = v_send_r(&m, srv, &replier);

    t_check(rc == V_OK && m.code == V_OK && m.w[0] == 2 && m.w[1] == 3 && m.w[2] == 4 &&
            m.w[3] == 0 && m.w[4] == v_my_pid() && replier == srv, "kernel_echo",
            "rc %d code %d w 0x%x 0x%x 0x%x 0x%x sender 0x%08x replier 0x%08x", rc,
            v_msg_reply_code(&m), m.w[0], m.w[1], m.w[2], m.w[3], m.w[4], replier);
}

static void fill(v_pid_t srv)
{
    struct v_msg m = { .code = CT_FILL, .w = { 77 }, .flags = V_MSG_SEG_WRITE,
                       .seg_ptr = v_seg_addr(big, MIB), .seg_len = MIB };
    double t0 = t_secs();
    uint32_t bad = 0;
    int rc;

    memset(big, 0, MIB);
    rc = v_send(&m, srv);
    for (uint32_t i = 0; i < MIB; i++)
        bad += big[i] != (uint8_t)(77 + i * 13);
    t_check(rc == V_OK && m.code == V_OK && !bad, "kernel_moveto_1mib_into_host",
            "rc %d code %d, %u bytes wrong (%.2f s)", rc, v_msg_reply_code(&m), bad,
            t_secs() - t0);
}

static void sum(v_pid_t srv)
{
    struct v_msg m = { .code = CT_SUM, .flags = V_MSG_SEG_READ,
                       .seg_ptr = v_seg_addr(big, MIB), .seg_len = MIB };
    double t0 = t_secs();
    int rc;

    t_fill(big, MIB, 5);
    rc = v_send(&m, srv);
    t_check(rc == V_OK && m.code == V_OK && m.w[0] == ct_sum_here(big, MIB),
            "kernel_movefrom_1mib_out_of_host", "rc %d code %d sum 0x%08x/0x%08x (%.2f s)",
            rc, v_msg_reply_code(&m), m.w[0], ct_sum_here(big, MIB), t_secs() - t0);
}

/* The server's ReceiveWithSegment takes what fits its buffer (w1 bytes, from the
 * REQUEST), and its ReplyWithSegment puts "pong" at our grant's start (REPLY data). */
static void rseg(v_pid_t srv)
{
    static uint8_t seg[300], orig[300];
    struct v_msg m = { .code = CT_RSEG, .flags = V_MSG_SEG_READ | V_MSG_SEG_WRITE,
                       .seg_ptr = v_seg_addr(seg, sizeof seg), .seg_len = sizeof seg };
    int rc;

    t_fill(seg, sizeof seg, 3);
    memcpy(orig, seg, sizeof seg);
    rc = v_send(&m, srv);
    t_check(rc == V_OK && m.code == V_OK && m.w[1] > 0 && m.w[1] <= sizeof seg &&
            m.w[0] == ct_sum_here(orig, m.w[1]) && !memcmp(seg, "pong", 5) &&
            !memcmp(seg + 5, orig + 5, sizeof seg - 5), "kernel_segment_in_request_and_reply",
            "rc %d code %d sum 0x%08x of %u bytes, seg '%.4s'", rc, v_msg_reply_code(&m),
            m.w[0], m.w[1], (char *)seg);
}

static void slow(v_pid_t srv)
{
    struct v_msg m = { .code = CT_SLOW, .w = { 1500 } };
    double t0 = t_secs();
    int rc = v_send(&m, srv);
    double dt = t_secs() - t0;

    t_check(rc == V_OK && m.code == V_OK && dt > 1.4 && dt < 4, "kernel_slow_reply_pending",
            "rc %d code %d after %.2f s", rc, v_msg_reply_code(&m), dt);
}

static void nack(v_pid_t srv)
{
    struct v_msg m = { .code = CT_ECHO };
    int rc = v_send(&m, v_pid_make(v_pid_lhost(srv), 0x0909));

    t_check(rc == V_ENOPROC, "kernel_nack_for_nonexistent_pid", "rc %d", rc);
}

/* n CT_COUNT requests on a thread number of our own: each executed exactly once, and
 * the server saw no repeated execution. The counts are reset first: runs before this one
 * may have used the same thread number. */
static void counted(v_pid_t srv, uint32_t n)
{
    uint32_t thread = v_my_pid() % CT_COUNT_THREADS, i;
    struct v_msg m = { .code = CT_COUNT_STATS, .w = { 1 } };
    int rc = v_send(&m, srv);

    for (i = 0; i < n && rc == V_OK; i++) {
        m = (struct v_msg){ .code = CT_COUNT, .w = { thread, i, i * 7 } };
        rc = v_send(&m, srv);
        if (rc != V_OK || m.code != V_OK || m.w[2] != i * 7 + 1 || m.w[3] != 1)
            break;
    }
    t_check(i == n, "kernel_counted_requests_executed_once",
            "request %u: rc %d code %d check %u times %u", i, rc, v_msg_reply_code(&m),
            m.w[2], m.w[3]);
    m = (struct v_msg){ .code = CT_COUNT_STATS };
    rc = v_send(&m, srv);
    t_check(rc == V_OK && m.w[0] == n && m.w[1] == 0, "kernel_none_executed_twice",
            "rc %d: %u executions, %u repeated", rc, m.w[0], m.w[1]);
}

int main(int argc, char **argv)
{
    v_pid_t srv;

    if (argc < 2) {
        fprintf(stderr, "usage: hkernel CTEST_PID [COUNTED]\n");
        return 2;
    }
    srv = t_num(argv[1]);
    if (argc > 2) {
        counted(srv, t_num(argv[2]));
    } else {
        echo(srv);
        fill(srv);
        sum(srv);
        rseg(srv);
        slow(srv);
        nack(srv);
        counted(srv, 100);
    }
    fprintf(stderr, "hkernel: ");
    v_host_print_stats(stderr);
    return t_failures() ? 1 : 0;
}
