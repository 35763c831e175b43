/*
 * sys_arch.c - what lwIP asks of its platform under NO_SYS=1 (see lwip/arch/cc.h):
 * sys_now (milliseconds, from the kernel clock), LWIP_RAND (xorshift seeded from the
 * cycle counter), and LWIP_PLATFORM_ASSERT (a panic: an lwIP invariant is a kernel one).
 */
#include <stdint.h>
#include "arch.h"
#include "kernel.h"
#include "time.h"
#include "lwip/sys.h"

/* Milliseconds since boot; lwIP's timers compare these with wrap-around. */
u32_t sys_now(void)
{
    return (u32_t)(time_now_ns() / 1000000u);
}

/* A random 32-bit number for lwIP (DHCP transaction ids, IGMP report delays, the
 * first local port). Not cryptographic: xorshift32 stirred with the cycle counter. */
uint32_t net_rand(void)
{
    static uint32_t x;
    uint64_t c = arch_cycles();
    x ^= (uint32_t)c ^ (uint32_t)(c >> 32);
    if (x == 0)
        x = 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* LWIP_PLATFORM_ASSERT: lwIP found its own state broken. Never returns. */
void net_lwip_assert(const char *msg, const char *file, int line)
{
    panic("lwIP assertion '%s' failed at %s:%d", msg, file, line);
}
