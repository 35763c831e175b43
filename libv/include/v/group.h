/*
 * v/group.h - process group ids, the well-known groups, kernel event messages, and the
 * IPv4 multicast address of a group (shared by kernel, programs and host tools).
 * docs/GROUPS.md is the design these serve.
 *
 * A group id is a pid with the G bit set (v/pid.h):
 *     [ G=1 | logical host:15 | local:16 ]
 *   - well-known groups: logical host 0, local = the group's number (1..0xffff). No node
 *     has logical host 0 (node numbers start at 1, so v_lhost_make(node, n) >= 0x80),
 *     which keeps the two kinds apart by one field test.
 *   - created groups: logical host = the creator's logical host (nonzero), local = a
 *     serial number (1..0xffff) that the creator chooses. Logical hosts are already
 *     unique without coordination (v/pid.h), so any node or host program mints group ids
 *     on its own. The creator is only a name: members may live anywhere, and the group
 *     outlives its creator.
 *   - local 0 is never a group (so G|lhost<<16 alone is invalid, like pid 0).
 *
 * Multicast address (v_group_mcast_addr): every group maps to one address in our
 * 239.86.0.0/16 (organisation-local scope). Several groups may share an address: a
 * receiving kernel filters by the group id in the packet header, so a collision costs
 * only a datagram that some node's NIC takes in and then drops.
 *   239.86.0.0          never used
 *   239.86.0.1          V_PROTO_KERNELS (WHERE queries); also V_GROUP_KERNEL_SERVERS,
 *                       whose members are exactly the kernels that joined it at boot
 *   239.86.0.2-.0.255   the other well-known groups: number n -> 239.86.0.(2+(n-2)%254),
 *                       so the groups numbered 2..255 each get an address of their own;
 *                       the name-context groups (0x80..0xff) are 239.86.0.128-.0.255
 *   239.86.1.0-.255.255 created groups, spread by a 32-bit mix of the id (65,280
 *                       addresses), so that neither one creator's consecutive serials
 *                       nor equal serials of different creators pile onto one address
 */
#ifndef V_GROUP_H
#define V_GROUP_H

#include <stdint.h>
#include "pid.h"
#include "proto.h"

#define V_GROUP_WK(n)        ((v_pid_t)(V_PID_GROUP_BIT | (uint32_t)(n)))

/* Well-known groups: services (a group Send asks all of them) ... */
#define V_GROUP_KERNEL_SERVERS   V_GROUP_WK(1)  /* every node's kernel server (implicit) */
#define V_GROUP_PROGRAM_MANAGERS V_GROUP_WK(2)  /* every node's program manager */
#define V_GROUP_NAME_HANDLERS    V_GROUP_WK(3)  /* every name handler (v/name.h) */
/* ... the name handlers of one slice of the name space: a handler is a member of
 * V_GROUP_NAME_CONTEXT(h) while it holds a registration whose context hashes to h
 * (v_name_context_group, v/name.h), so a lookup reaches only the nodes that may own
 * the name. Well-known numbers 0x80..0xff, one multicast address each. */
#define V_GROUP_NAME_CONTEXTS    128u
#define V_GROUP_NAME_CONTEXT(h)  V_GROUP_WK(0x80u + ((uint32_t)(h) % V_GROUP_NAME_CONTEXTS))
/* ... and kernel event groups: the kernel sends to them without waiting for a reply
 * (V_MSG_NO_REPLY); any process may join to be told. Codes and words: enum v_event. */
#define V_GROUP_EV_PROCESS_DIED  V_GROUP_WK(0x10)
#define V_GROUP_EV_TEAM_DIED     V_GROUP_WK(0x11)
#define V_GROUP_EV_NODE          V_GROUP_WK(0x12)  /* a node joined or left */
#define V_GROUP_EV_LHOST_MOVED   V_GROUP_WK(0x13)

/* Group Send timing (docs/GROUPS.md): a group Send that hears nothing at all (no REPLY,
 * no PENDING) fails with V_ETIMEOUT after V_GROUP_TIMEOUT_MS; after its first reply,
 * further replies are kept for GetReply until V_GROUP_WINDOW_MS after the Send, at most
 * V_GROUP_REPLIES_MAX of them. */
#define V_GROUP_TIMEOUT_MS    1500u
#define V_GROUP_WINDOW_MS     1000u
#define V_GROUP_REPLIES_MAX   32u

#define V_GROUP_MCAST_NET     0xef560000u   /* 239.86.0.0/16 */
#define V_GROUP_MCAST_WK_LO   0x0002u       /* 239.86.0.2: first well-known address */
#define V_GROUP_MCAST_WK_N    254u          /* .0.2 .. .0.255 */
#define V_GROUP_MCAST_DYN_LO  0x0100u       /* 239.86.1.0: first created-group address */
#define V_GROUP_MCAST_DYN_N   0xff00u       /* .1.0 .. .255.255 */

/* Did a kernel send this event? Kernel events come from a node's kernel server (its pid
 * as the sender); a server ignores an event from anyone else (a process cannot take a
 * kernel server's pid on its own node). */
static inline int v_event_from_kernel(v_pid_t from)
{
    return !v_pid_is_group(from) && v_pid_lhost(from) != 0 &&
           v_pid_local(from) == V_LOCAL_KERNEL_SERVER;
}

/* Kernel event messages, sent to the V_GROUP_EV_* groups. */
enum v_event {
    V_EV_PROCESS_DIED = 0x600, /* w0=pid, w1=its team, w2=node, w3=cause (V_OK exit,
                                  V_EDESTROYED killed, V_EBADADDR etc. a fault)       */
    V_EV_TEAM_DIED,            /* w0=team (root pid), w1=node, w2=exit status         */
    V_EV_NODE_UP,              /* w0=node, w1=IPv4 (host order), w2=its logical host  */
    V_EV_NODE_DOWN,            /* w0=node, w1=IPv4, w2=V_EV_DOWN_* (how it was known) */
    V_EV_LHOST_MOVED,          /* w0=logical host, w1=old node, w2=new node,
                                  w3=new node's IPv4                                  */
};
#define V_EV_DOWN_HALTED   0u   /* the node said so before it halted */
#define V_EV_DOWN_SILENT   1u   /* this kernel gave up on it (4.7 s of silence) */

/* A group id (G set, local part nonzero). */
static inline int v_group_is(v_pid_t g)
{
    return v_pid_is_group(g) && v_pid_local(g) != 0;
}

/* A well-known group (logical host field 0). */
static inline int v_group_is_wellknown(v_pid_t g)
{
    return v_group_is(g) && v_pid_lhost(g) == 0;
}

/* Well-known group number n (1..0xffff); V_PID_NONE when n is out of range. */
static inline v_pid_t v_group_wellknown(uint32_t n)
{
    return (n == 0 || n > V_PID_LOCAL_MASK) ? V_PID_NONE : V_GROUP_WK(n);
}

/* The group a creator on logical host `lhost` (1..0x7fff) names with `serial`
 * (1..0xffff); V_PID_NONE when either is out of range. */
static inline v_pid_t v_group_make(uint32_t lhost, uint32_t serial)
{
    if (lhost == 0 || lhost > V_PID_LHOST_MASK || serial == 0 || serial > V_PID_LOCAL_MASK)
        return V_PID_NONE;
    return V_PID_GROUP_BIT | v_pid_make(lhost, serial);
}

/* The logical host that created group g (0 for a well-known group). */
static inline uint32_t v_group_creator(v_pid_t g) { return v_pid_lhost(g); }

/* A 32-bit mix (MurmurHash3's finalizer): every input bit moves about half the output
 * bits, so nearby ids land far apart. Fixed forever: every node must agree. */
static inline uint32_t v_group_mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    x ^= x >> 16;
    return x;
}

/* The IPv4 multicast address (host byte order) that carries group g's requests, or 0
 * when g is not a group. See the table at the top. */
static inline uint32_t v_group_mcast_addr(v_pid_t g)
{
    if (!v_group_is(g))
        return 0;
    if (g == V_GROUP_KERNEL_SERVERS)
        return V_PROTO_KERNELS;
    if (v_group_is_wellknown(g))
        return V_GROUP_MCAST_NET | (V_GROUP_MCAST_WK_LO + (v_pid_local(g) - 2) % V_GROUP_MCAST_WK_N);
    return V_GROUP_MCAST_NET | (V_GROUP_MCAST_DYN_LO + v_group_mix(g) % V_GROUP_MCAST_DYN_N);
}

#endif
