/*
 * cc.h - lwIP's compiler and platform glue for the vsys kernel: freestanding i386 with
 * GCC, no <inttypes.h>, <ctype.h> or <limits.h> (see PLATFORM-NOTES). The hooks named
 * here are defined in net/sys_arch.c.
 */
#ifndef VSYS_LWIP_ARCH_CC_H
#define VSYS_LWIP_ARCH_CC_H

#include <stdint.h>

#define LWIP_NO_INTTYPES_H  1
#define LWIP_NO_CTYPE_H     1
#define LWIP_NO_LIMITS_H    1
#define BYTE_ORDER          LITTLE_ENDIAN

/* printf formats for lwIP's types, as <inttypes.h> would give them on i386. */
#define X8_F   "02x"
#define U16_F  "u"
#define S16_F  "d"
#define X16_F  "x"
#define U32_F  "u"
#define S32_F  "d"
#define X32_F  "x"
#define SZT_F  "u"

int kprintf(const char *fmt, ...);
__attribute__((noreturn)) void net_lwip_assert(const char *msg, const char *file, int line);
uint32_t net_rand(void);

#define LWIP_PLATFORM_DIAG(x)   do { kprintf x; } while (0)
/* An lwIP assertion is a broken kernel invariant: net_lwip_assert panics. */
#define LWIP_PLATFORM_ASSERT(x) net_lwip_assert((x), __FILE__, __LINE__)
#define LWIP_RAND()             net_rand()

#endif
