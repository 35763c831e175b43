/*
 * chksum.c - the Internet checksum for lwIP, four bytes at a time. lwIP's own version
 * (LWIP_CHKSUM_ALGORITHM 2) adds 16-bit words one by one; under emulation every guest
 * instruction counts, and a 1,472-byte datagram is summed once when sent and once when
 * received, so this one adds 32-bit words into a 64-bit accumulator, 16 bytes a turn.
 * The one's complement sum does not care in what width it is taken (RFC 1071, 2.(B)).
 * Pure: tested on the host by tests/unit/test_chksum.c against the textbook loop.
 */
#include "chksum.h"
#include "netprof.h"

static uint16_t fold(uint64_t acc)
{
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    uint32_t s = (uint32_t)acc;
    s = (s & 0xffffu) + (s >> 16);
    s = (s & 0xffffu) + (s >> 16);
    return (uint16_t)s;
}

/* An unaligned load (the kernel is built -fno-builtin, so memcpy would be a call). */
typedef uint32_t __attribute__((may_alias, aligned(1))) u32_any;

static uint32_t load32(const uint8_t *p) { return *(const u32_any *)p; }

uint16_t net_chksum(const void *data, int len)
{
    NP_START(t0);
    const uint8_t *p = data;
    uint64_t acc = 0;
    for (; len >= 16; len -= 16, p += 16)
        acc += (uint64_t)load32(p) + load32(p + 4) + load32(p + 8) + load32(p + 12);
    for (; len >= 4; len -= 4, p += 4)
        acc += load32(p);
    if (len >= 2) {
        acc += (uint32_t)(p[0] | p[1] << 8);
        p += 2;
        len -= 2;
    }
    if (len)
        acc += p[0];
    NP_END(NP_CKSUM, t0);
    return fold(acc);
}
