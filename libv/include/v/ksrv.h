/*
 * v/ksrv.h - the kernel server protocol. The kernel server of logical host L is the
 * pid v_pid_make(L, V_LOCAL_KERNEL_SERVER); it is reached by an ordinary Send, so the
 * same request works for a remote node. Unless noted, the reply code is V_OK or an
 * error and results come back in w[]. Requests that return a table write it into the
 * segment the sender granted with V_MSG_SEG_WRITE.
 */
#ifndef V_KSRV_H
#define V_KSRV_H

#include <stdint.h>
#include "pid.h"

enum v_ks_req {
    KS_PROCESS_INFO = 0x100, /* w0=pid -> w0=state, w1=priority, w2=team, w3=blocked_on,
                                   w4=ticks (the full record: KS_PROCESS_LIST)              */
    KS_PROCESS_LIST,         /* seg W <- struct v_proc_info[];  -> w0=total, w1=written     */
    KS_MEMORY_STATS,         /* -> w0=total pages, w1=free pages, w2=page size,
                                   w3=pages used by teams, w4=number of teams              */
    KS_GET_TIME,             /* -> w0,w1=monotonic ns (lo,hi), w2,w3=time of day s (lo,hi) */
    KS_SET_TIME,             /* w0,w1=time of day in seconds since 1970 (lo,hi)             */
    KS_DEVICE_LIST,          /* seg W <- struct v_dev_info[];   -> w0=total, w1=written     */
    KS_CREATE_TEAM,          /* w0=entry, w1=initial esp, w2=priority, w3=size (bytes)
                                -> w0=pid of the new team's first process, which is blocked
                                   awaiting a reply from the requester (Reply starts it), and
                                   which granted the requester R/W access to its whole space */
    KS_CREATE_PROCESS,       /* w0=entry, w1=esp, w2=priority, w3=argument (in eax)
                                -> w0=new pid in the requester's team, awaiting its reply    */
    KS_SET_TEAM_SIZE,        /* w0=pid in the team, w1=bytes -> w0=new size                  */
    KS_DESTROY,              /* w0=pid: destroys it (its team if it is the team's root)      */
    KS_SET_EXC_HANDLER,      /* w0=pid in the team, w1=handler pid (0 = node default)        */
    KS_MODULE_INFO,          /* w0=index -> w0=size; seg W <- name (NUL-terminated)          */
    KS_MODULE_READ,          /* w0=index, w1=offset; seg W <- bytes -> w0=bytes written      */
    KS_NODE_INFO,            /* -> w0=node, w1=lhost, w2=IPv4 (0 none), w3=uptime ms,
                                   w4=test mode; seg W <- kernel command line               */
    KS_SET_TEAM_NAME,        /* w0=pid in the team; seg R -> name (at most 15 bytes used)    */
    KS_SET_PRIORITY,         /* w0=pid, w1=priority                                          */
    KS_HALT,                 /* w0=status: ends the node (QEMU exits with (status<<1)|1)     */
    KS_TEST_REPORT,          /* w0=passed, w1=failed: user-level test totals (test mode)     */
    KS_STATS,                /* -> w0=ipc sends, w1=context switches, w2=exceptions sent,
                                   w3=syscall errors, w4=timer ticks                          */
    KS_NET_STATS,            /* -> w0=packets in, w1=malformed dropped, w2=retransmissions,
                                   w3=duplicates answered, w4=transactions given up;
                                   seg W <- struct v_net_stats, or as much of it as the
                                   segment holds (new fields are only ever appended)          */
    KS_CREATE_GROUP,         /* -> w0 = a new group id of this node's logical host (v/group.h) */
    KS_GROUP_LIST,           /* w0 = first record; seg W <- struct v_group_info[] (the node's
                                   memberships) -> w0 = total, w1 = written                  */
    KS_LIMITS,               /* -> w0 = process slots used, w1 = teams used, w2 = group
                                   memberships used; seg W <- struct v_limits (the tables'
                                   sizes and each team's share), as much as it holds        */
};

/* KS_LIMITS: a node's tables and the share of each that one team may hold (docs/IPC.md,
 * "Shares"), so that no one program can fill a table. */
struct v_limits {
    uint32_t procs, procs_used;     /* process slots (aliens included) */
    uint32_t teams, teams_used;
    uint32_t groups, groups_used;   /* group memberships of local processes */
    uint32_t team_procs;            /* processes of one team */
    uint32_t team_teams;            /* live teams one team (or one remote logical host) made */
    uint32_t team_groups;           /* memberships of one team's processes */
    uint32_t node_aliens;           /* aliens of one client node's processes */
    uint32_t team_proxies;          /* group messages one team's members hold unread */
};
_Static_assert(sizeof(struct v_limits) == 44, "docs/NUMBERS.md gives its layout");

enum v_proc_state {
    V_PS_READY = 1, V_PS_RUNNING, V_PS_RECEIVE_BLOCKED, V_PS_AWAITING_REPLY,
    V_PS_SEND_BLOCKED, V_PS_DELAYED, V_PS_DEAD,
    V_PS_MOVE_BLOCKED      /* in a MoveTo/MoveFrom across the network */
};

/* KS_PROCESS_LIST takes w0 = the first record to return (0: from the start), so that a
 * remote client whose reply holds at most V_PROTO_MAX_DATA bytes of table can page through it. */

struct v_net_stats {
    uint32_t rx, tx, malformed[9];    /* malformed[] by enum v_proto_drop */
    uint32_t retransmits, duplicates, stale, give_ups, nacks_sent, aliens, moves;
    /* process groups (docs/GROUPS.md) */
    uint32_t group_sends;      /* group Sends made by this node's processes */
    uint32_t group_delivered;  /* deliveries to local members (local and from the wire) */
    uint32_t group_no_member;  /* multicast requests for groups with no member here */
    uint32_t group_replies;    /* replies taken by a group client (first + GetReply) */
    uint32_t group_late;       /* replies after the window closed, or duplicates: dropped */
    uint32_t group_overflow;   /* replies dropped because the client's queue was full;
                                  kernel events, because the event queue was; messages
                                  for a local member, because its team held 16 unread */
    /* sending from a process's pages in place (virtio-net; docs/NET.md) */
    uint32_t tx_inplace;       /* datagrams the NIC read partly from process pages */
    uint32_t pages_held;       /* freed pages held now until the NIC has read them */
    /* UDP segmentation offload (virtio-net on QEMU >= 8.2; docs/NET.md) */
    uint32_t tx_gso;           /* frames the NIC or host cut into datagrams */
    uint32_t rx_gso;           /* frames that came uncut: several datagrams each */
    /* group Sends on the wire (docs/GROUPS.md) */
    uint32_t group_mcasts;     /* group Sends handed to net/ for the wire (one multicast
                                  REQUEST each, repeats counted in retransmits); the kernel
                                  reaches local members without net/, and on a node with
                                  no address does not hand it any */
    /* alien records (docs/PROTOCOL.md, "Aliens") */
    uint32_t aliens_refused;   /* requests refused: their node held its share of slots */
    uint32_t aliens_expired;   /* aliens forgotten: their clients stopped asking */
};
_Static_assert(sizeof(struct v_net_stats) == 124, "docs/NUMBERS.md gives its layout");

/* One membership of a local process (KS_GROUP_LIST). */
struct v_group_info {
    v_pid_t group;
    v_pid_t member;
};

#define V_NAME_LEN 16
#define V_PRIO_MAX 7   /* priorities 0 (most urgent) .. 7; the idle process runs below */

struct v_proc_info {
    v_pid_t  pid;
    v_pid_t  team;          /* pid of the team's root process */
    uint32_t state;         /* enum v_proc_state */
    uint32_t priority;
    v_pid_t  blocked_on;    /* pid it sends to / receives from, 0 if none */
    uint32_t ticks;         /* timer ticks spent running */
    uint32_t team_size;     /* bytes of user memory */
    char     name[V_NAME_LEN];
};
_Static_assert(sizeof(struct v_proc_info) == 44, "process info record layout");

struct v_dev_info {
    uint8_t  bus, dev, fn, irq;
    uint16_t vendor, device;
    uint8_t  class_code, subclass, prog_if, kind; /* kind: 0 other, 1 NIC (driven later) */
};
_Static_assert(sizeof(struct v_dev_info) == 12, "device info record layout");

#endif
