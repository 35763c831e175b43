/*
 * netprof.c - the profiler's counters and their report (netprof.h). Empty unless built
 * with -DNETPROF=1. Context: kernel, interrupts off.
 */
#include "netprof.h"

#if NETPROF
#include "kernel.h"
#include "nic.h"
#include "remote.h"
#include <string.h>

struct netprof_slot netprof[NP_N];
static struct netprof_slot last[NP_N];
static uint64_t last_report;
static const char *const names[NP_N] = { "irq", "rxframe", "proto", "udpsend", "xmit",
                                         "kick", "cksum", "movepkt" };

/* Print the events and cycles (in thousands) of each probe since the last report, if
 * any frame moved. */
void netprof_report(void)
{
    uint64_t now = arch_cycles(), span = now - last_report;
    last_report = now;
    if (netprof[NP_RXFRAME].n == last[NP_RXFRAME].n && netprof[NP_XMIT].n == last[NP_XMIT].n) {
        memcpy(last, netprof, sizeof(last));
        return;
    }
    kprintf("NETPROF span=%u", (unsigned)(span / 1000u));
    for (int i = 0; i < NP_N; i++)
        kprintf(" %s=%u/%u", names[i], netprof[i].n - last[i].n,
                (unsigned)((netprof[i].cycles - last[i].cycles) / 1000u));
    struct nic *n = nic_get(0);
    kprintf(" retx=%u give_ups=%u tx_dropped=%u rx_dropped=%u\n", rstats.retransmits,
            rstats.give_ups, n ? n->stats.tx_dropped : 0, n ? n->stats.rx_dropped : 0);
    memcpy(last, netprof, sizeof(last));
}
#endif
