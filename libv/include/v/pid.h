/*
 * v/pid.h - process ids, group ids and logical hosts (shared by kernel and programs).
 *
 * A pid is 32 bits:   [ G:1 | logical host:15 | local:16 ]
 *   G = 0 for a process, 1 for a group id (issue 4), so the two never collide.
 *   The logical host names where the process lives; a logical host is bound to a node
 *   by a table, so a pid survives migration (only the binding changes).
 *   A logical host id is [ home node:8 | n:7 ]: node k creates logical hosts k<<7 | n
 *   without asking anybody; n = 0 is the node's own logical host (its kernel and
 *   servers), n > 0 are logical hosts made for programs that may migrate.
 *   The local part is [ generation:8 | slot:8 ]. Generation 0 is reserved for
 *   well-known kernel pseudo-processes (the kernel server, the device server), so
 *   the request "kernel server of logical host L" is a pid anyone can compute.
 */
#ifndef V_PID_H
#define V_PID_H

#include <stdint.h>

typedef uint32_t v_pid_t;

#define V_PID_NONE          0u
#define V_PID_GROUP_BIT     0x80000000u
#define V_PID_LHOST_SHIFT   16
#define V_PID_LHOST_MASK    0x7fffu
#define V_PID_LOCAL_MASK    0xffffu
#define V_LHOST_N_BITS      7
#define V_LHOST_N_MASK      0x7fu
#define V_NODE_MAX          255u

/* Well-known local ids (generation 0): kernel pseudo-processes on every logical host. */
#define V_LOCAL_KERNEL_SERVER 1u
#define V_LOCAL_DEVICE_SERVER 2u

static inline uint32_t v_pid_lhost(v_pid_t p) { return (p >> V_PID_LHOST_SHIFT) & V_PID_LHOST_MASK; }
static inline uint32_t v_pid_local(v_pid_t p) { return p & V_PID_LOCAL_MASK; }
static inline int v_pid_is_group(v_pid_t p) { return (p & V_PID_GROUP_BIT) != 0; }
static inline v_pid_t v_pid_make(uint32_t lhost, uint32_t local)
{
    return ((lhost & V_PID_LHOST_MASK) << V_PID_LHOST_SHIFT) | (local & V_PID_LOCAL_MASK);
}
/* A local id names a kernel pseudo-process when its generation byte is 0. */
static inline int v_local_is_wellknown(uint32_t local) { return local != 0 && local < 0x100u; }

static inline uint32_t v_lhost_make(uint32_t node, uint32_t n)
{
    return ((node & 0xffu) << V_LHOST_N_BITS) | (n & V_LHOST_N_MASK);
}
static inline uint32_t v_lhost_home_node(uint32_t lhost) { return (lhost >> V_LHOST_N_BITS) & 0xffu; }

static inline v_pid_t v_kernel_server_of(v_pid_t any) { return v_pid_make(v_pid_lhost(any), V_LOCAL_KERNEL_SERVER); }
static inline v_pid_t v_device_server_of(v_pid_t any) { return v_pid_make(v_pid_lhost(any), V_LOCAL_DEVICE_SERVER); }

#endif
