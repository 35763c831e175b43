/*
 * vhost.h - what libv on Linux offers beyond v/ipc.h (docs/HOST.md).
 *
 * A Linux process linked with build/host/libvhost.a is one V process: its own logical
 * host on home node 254, one UDP socket, and the calls of v/ipc.h carried over
 * docs/PROTOCOL.md. Everything here is optional: the first call of v/ipc.h sets the
 * process up from the environment by itself. Single-threaded: one thread may call libv.
 */
#ifndef V_HOST_H
#define V_HOST_H

#include <stdint.h>
#include <stdio.h>
#include <v/ipc.h>
#include <v/proto.h>

#define V_HOST_NODE 254u          /* home node of every host logical host */
#define V_HOST_LOCAL 0x0101u      /* default local id: generation 1, slot 1 */

/* Counters of one host process. drops[] is indexed by enum v_proto_drop (vp_drop_name). */
struct v_host_stats {
    uint32_t rx, tx;              /* datagrams received and sent (test-lost ones included) */
    uint32_t drops[VPD_COUNT];    /* malformed packets, by reason; drops[0] stays 0 */
    uint32_t bad_port;            /* REQUEST naming a UDP port > 65535 (counted, dropped) */
    uint32_t unmatched;           /* well formed, but for no transaction of ours */
    uint32_t refused;             /* DATA / REPLY data outside our WRITE grant (NACKed) */
    uint32_t retransmits;         /* REQUEST, MOVE_FROM and DATA packets sent again */
    uint32_t requests;            /* new requests queued for Receive */
    uint32_t starts;              /* new VPF_START requests: processes we created on a node,
                                     held as awaiting our reply (not queued), PENDING at once */
    uint32_t pending_sent;        /* PENDING answers: to copies of requests we hold, and to
                                     each new VPF_START request at once */
    uint32_t cached_resent;       /* duplicates answered from the reply cache */
    uint32_t stale;               /* old duplicates dropped (at or below the watermark) */
    uint32_t full;                /* new requests dropped: no free request slot */
    uint32_t nacks_sent;          /* NACKs sent (no such process, refused moves) */
    uint32_t where_sent, here_sent;
    uint32_t test_lost, test_dups; /* V_TEST_LOSS / V_TEST_DUP at work */
    uint32_t test_missed;         /* V_TEST_MISS_FIRST: first copies of group requests dropped */
    uint32_t group_sends;         /* group Sends made (one REQUEST datagram each, plus resends) */
    uint32_t group_replies;       /* members' replies taken (the first and GetReply's) */
    uint32_t group_late;          /* members' replies after the window, or duplicates */
    uint32_t group_overflow;      /* replies beyond V_GROUP_REPLIES_MAX, dropped */
    uint32_t group_requests;      /* group requests queued for Receive (we are a member) */
    uint32_t group_not_member;    /* group requests for groups we are not in: dropped */
    uint32_t group_declined;      /* group requests we replied to with V_MSG_NO_REPLY */
};

/* Set the process up now (it is done by the first call otherwise). Returns V_OK or
 * V_EINVAL (a malformed environment variable: stderr says which), V_EBUSY (the port is
 * taken or no socket). The result sticks: later calls return it again. */
int v_host_init(void);
/* The UDP port we are bound to (0 if set-up failed). */
uint16_t v_host_port(void);
/* Bound every later Send to ms milliseconds in all (V_ETIMEOUT); 0: only the protocol's
 * own bound on silence (a server answering PENDING is waited for indefinitely). */
void v_host_set_timeout(uint32_t ms);
/* Bind logical host lhost to addr:port (host byte order) for good, as V_PEERS does. */
int v_host_bind(uint32_t lhost, uint32_t addr, uint16_t port);
const struct v_host_stats *v_host_stats(void);
/* One line of the non-zero counters, for logs. */
void v_host_print_stats(FILE *f);

#endif
