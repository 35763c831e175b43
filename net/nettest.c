/*
 * nettest.c - network diagnostics switched on from the kernel command line, so that
 * the cluster tests can check UDP end to end without any program:
 *   udpecho          answer every datagram to UDP port 7 with the same bytes;
 *   mcast=A.B.C.D    join that IPv4 multicast group (so `udpecho` answers it too);
 *   udpping=A.B.C.D  once the interface is up, send PINGS datagrams to A.B.C.D:7, one
 *                    per second, print each echo's round trip, then a summary line:
 *                    `net: udpping A.B.C.D: 5 sent, 5 received, rtt min/avg/max ... us`,
 *                    and each NIC's counters. With jumbo frames (mtu= above 1500) each
 *                    datagram is as long as one frame takes, net_mtu() - 28 bytes.
 *
 * Entry point: nettest_init (netpriv.h). Context: kernel, interrupts off; the timer
 * runs from the clock tick, the receive callbacks from the NIC's interrupt.
 */
#include "net.h"
#include "udp.h"
#include "netcfg.h"
#include "netpriv.h"
#include "kernel.h"
#include "cmdline.h"
#include "time.h"
#include <string.h>
#include <v/err.h>

#define ECHO_PORT  7
#define PING_PORT  40007
#define PINGS      5
#define PING_MAGIC 0x76737973u    /* "vsys" */
#define PING_MAX   (NETCFG_MTU_MAX - 28)  /* a ping's bytes with mtu=9000 */

struct ping {
    uint32_t magic, seq;
    uint64_t sent_ns;
};

static struct {
    uint32_t peer;
    uint32_t sent, received, wait_ticks;
    uint32_t len;                 /* bytes of each ping: sizeof(struct ping) or more */
    uint64_t min_ns, max_ns, sum_ns;
    struct timer timer;
} pg;

static void echo_in(void *arg, uint32_t src, uint16_t sport, const void *data, uint32_t len)
{
    (void)arg;
    net_udp_send(ECHO_PORT, src, sport, data, len);
}

static void print_ip(const char *what, uint32_t a)
{
    kprintf("%s%u.%u.%u.%u", what, a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static void ping_in(void *arg, uint32_t src, uint16_t sport, const void *data, uint32_t len)
{
    (void)arg; (void)sport;
    struct ping p;
    if (len != pg.len || src != pg.peer)
        return;
    memcpy(&p, data, sizeof(p));
    if (p.magic != PING_MAGIC || p.seq == 0 || p.seq > pg.sent)
        return;
    uint64_t rtt = time_now_ns() - p.sent_ns;
    pg.received++;
    pg.sum_ns += rtt;
    if (pg.received == 1 || rtt < pg.min_ns)
        pg.min_ns = rtt;
    if (rtt > pg.max_ns)
        pg.max_ns = rtt;
    print_ip("net: udp echo from ", src);
    kprintf(" seq %u rtt %u us\n", p.seq, (unsigned)(rtt / 1000u));
}

static void ping_summary(void)
{
    print_ip("net: udpping ", pg.peer);
    uint64_t avg = pg.received ? pg.sum_ns / pg.received : 0;
    kprintf(": %u sent, %u received, rtt min/avg/max %u/%u/%u us\n", pg.sent, pg.received,
            (unsigned)(pg.min_ns / 1000u), (unsigned)(avg / 1000u), (unsigned)(pg.max_ns / 1000u));
    struct net_nic_stats st;
    for (uint32_t i = 0; net_nic_stats(i, &st) == V_OK; i++)
        kprintf("net: %s counters: rx %u (%u bytes) tx %u (%u bytes) dropped rx %u tx %u "
                "errors rx %u tx %u irqs %u link %u\n", st.name, st.rx_packets, st.rx_bytes,
                st.tx_packets, st.tx_bytes, st.rx_dropped, st.tx_dropped, st.rx_errors,
                st.tx_errors, st.irqs, st.link);
}

/* Every 100 ms: wait for an address, then one ping per second, then the summary
 * (after a last second for the late echoes). */
static void ping_tick(struct timer *t)
{
    if (!net_ipv4()) {
        time_arm(t, time_now_ns() + 100000000ull);
        return;
    }
    if (pg.wait_ticks > 0) {
        pg.wait_ticks--;
    } else if (pg.sent < PINGS) {
        static uint8_t buf[PING_MAX];    /* the ping, then zeros */
        struct ping p = { PING_MAGIC, ++pg.sent, time_now_ns() };
        memcpy(buf, &p, sizeof(p));
        int err = net_udp_send(PING_PORT, pg.peer, ECHO_PORT, buf, pg.len);
        if (err)
            kprintf("net: udpping send failed (error %d)\n", err);
        pg.wait_ticks = 9;
    } else {
        ping_summary();
        return;
    }
    time_arm(t, time_now_ns() + 100000000ull);
}

void nettest_init(void)
{
    int err;
    if (cmdline_has(kernel_cmdline, "udpecho") &&
        (err = net_udp_listen(ECHO_PORT, echo_in, 0)))
        kprintf("net: udpecho: cannot open port %u (error %d)\n", ECHO_PORT, err);
    char val[20];
    uint32_t peer, group;
    if (cmdline_get(kernel_cmdline, "mcast", val, sizeof(val)) == V_OK &&
        (netcfg_parse_addr(val, &group) || net_mcast(group, 1) != V_OK))
        kprintf("net: mcast=%s: cannot join that group\n", val);
    if (cmdline_get(kernel_cmdline, "udpping", val, sizeof(val)) != V_OK)
        return;
    if (netcfg_parse_addr(val, &peer)) {
        kprintf("net: udpping=%s is not an address\n", val);
        return;
    }
    if ((err = net_udp_listen(PING_PORT, ping_in, 0))) {
        kprintf("net: udpping: cannot open port %u (error %d)\n", PING_PORT, err);
        return;
    }
    pg.peer = peer;
    pg.len = net_mtu() > NETCFG_MTU_DEFAULT ? net_mtu() - 28 : sizeof(struct ping);
    if (pg.len != sizeof(struct ping))
        kprintf("net: udpping: %u-byte datagrams (mtu %u)\n", pg.len, net_mtu());
    timer_init(&pg.timer, ping_tick, 0);
    time_arm(&pg.timer, time_now_ns() + 100000000ull);
}
