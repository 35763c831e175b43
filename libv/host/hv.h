/*
 * hv.h - libv on Linux, private: the state of the one V process this Linux process is,
 * and the entry points the hv_*.c files share (docs/HOST.md).
 *
 * Everything runs in the caller's thread. A blocking call (Send, Receive, MoveTo,
 * MoveFrom, Delay) loops on hv_service(), which waits for one datagram or timer, hands
 * the datagram to the state machine it belongs to, and runs due timers. Handlers never
 * block and never call hv_service, so no state changes under a handler's feet.
 *
 * The address space: the V ABI's addresses are 32 bits (seg_ptr) and host programs are
 * 64-bit, so the buffers a program grants are mapped into a client space of 32-bit
 * windows (hv_seg.c).
 */
#ifndef HV_H
#define HV_H

#include <stdint.h>
#include <v/ipc.h>
#include <v/proto.h>
#include "hv_env.h"
#include "hv_seg.h"
#include "lhost.h"
#include "proto_codec.h"
#include "proto_rcache.h"
#include "proto_retx.h"
#include "proto_window.h"
#include "vhost.h"


#define HV_ALIENS     64          /* requests queued or being served at once */
#define HV_LHOSTS     64
#define HV_RCACHE     64          /* cached replies */
#define HV_MARKS      256         /* per-client watermarks */
#define HV_GROUPS     32          /* groups joined at once (hv_gmember.c) */
#define HV_REPLY_TTL_NS (10000ull * 1000000ull)  /* > a client's 6 s give-up bound */
#define HV_NEVER      UINT64_MAX

/* A UDP endpoint, host byte order. */
struct hv_peer {
    uint32_t addr;
    uint16_t port;
};

/* Receiver of a move's packet groups: which packets of the move (number `move` in the
 * transaction txid, putting byte 0 at client address addr0) have arrived. */
struct hv_grp {
    int live;
    uint32_t txid, addr0, move;
    struct vp_rxwin win;
};

enum { HV_OUT_IDLE = 0, HV_OUT_RUN, HV_OUT_DONE };  /* or a negative error */

/* Sender of a move in packet groups (MoveTo, or the answer to a MOVE_FROM). */
struct hv_out {
    int state;
    uint32_t txid;
    v_pid_t client, server;
    struct hv_peer to;
    uint32_t addr0;               /* client-space address of byte 0 */
    const uint8_t *src;           /* the bytes, here */
    uint32_t total;               /* move size */
    struct vp_txwin win;          /* the groups in flight and their acks */
    uint32_t seq0;                /* seq of the move's first packet */
    struct vp_retx retx;
};

enum { HV_ALIEN_FREE = 0, HV_ALIEN_QUEUED, HV_ALIEN_RECEIVED };

/* A remote client's request, from arrival until our Reply. A VPF_START request (a
 * process we created on a node with KS_CREATE_TEAM) is RECEIVED from its arrival on:
 * it awaits our reply as its start, and is never queued for Receive. */
struct hv_alien {
    int state;
    int start;                    /* of a VPF_START request: Forward refuses it */
    v_pid_t client;
    uint32_t txid;
    v_pid_t group;                /* 0, or the group a multicast request was sent to */
    struct hv_peer from;          /* where its node wants answers */
    uint64_t order;               /* arrival order, for first come first served */
    uint32_t seq;                 /* next seq of our packets in this transaction */
    struct v_msg msg;
    uint32_t plen;                /* bytes of the segment's start that came along */
    uint8_t prefix[V_PROTO_MAX_DATA];
};

/* The client side: at most one Send at a time (Send blocks). */
struct hv_tx {
    int active;
    int result;                   /* 1 while waiting, then V_OK or an error */
    uint32_t txid, seq;
    v_pid_t to, replier;
    struct v_msg *m;              /* the caller's: request in, reply out */
    struct v_msg req;             /* the request as sent: its grant */
    struct hv_peer peer;
    uint8_t pl[V_MSG_SIZE + V_PROTO_MAX_DATA];  /* the REQUEST's payload, to resend */
    uint32_t plen;
    struct vp_retx retx;
    uint64_t deadline_ns;         /* v_host_set_timeout's bound, HV_NEVER if none */
    struct hv_grp in;             /* DATA into our WRITE grant */
    struct hv_out out;            /* DATA answering a MOVE_FROM */
};

/* The server side's move in progress, done for a v_move_to / v_move_from caller. */
struct hv_move {
    int active;                   /* 0, HV_MV_TO or HV_MV_FROM */
    int result;                   /* 1 while running, then V_OK or an error */
    v_pid_t client;
    uint32_t txid;
    struct hv_peer to;
    struct hv_out out;            /* MoveTo */
    uint8_t *dest;                /* MoveFrom: our buffer */
    uint32_t src, len;            /* client address, size */
    uint32_t seq;                 /* the MOVE_FROM's seq */
    struct hv_grp grp;
    struct vp_retx retx;
    int last_live;                /* the last finished MoveFrom, for late probes */
    v_pid_t last_client;
    uint32_t last_txid, last_src, last_len;
};
enum { HV_MV_TO = 1, HV_MV_FROM };

struct hv {
    int ready, init_err;
    int fd;
    v_pid_t pid;
    uint32_t lhost;
    uint16_t port;
    struct hv_peer where;         /* where WHERE goes: V_BCAST, V_WHERE_PORT */
    uint32_t next_txid;
    uint32_t timeout_ms;
    int debug;
    uint32_t loss_pct, dup;       /* test modes */
    uint32_t miss_first;          /* V_TEST_MISS_FIRST: drop first copies of group requests */
    uint64_t rng;
    struct lhost_table lt;
    struct lhost_entry lte[HV_LHOSTS];
    struct hv_tx tx;
    struct hv_move mv;
    struct hv_alien aliens[HV_ALIENS];
    uint64_t order;
    struct vp_rcache rc;
    struct vp_reply rc_r[HV_RCACHE];
    struct vp_mark rc_m[HV_MARKS];
    struct v_host_stats st;
};

extern struct hv hv;

static inline void hv_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline uint32_t hv_get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
/* txid a is after b, as the reply cache compares them (net/proto_rcache.c): another
 * epoch (top byte) is newer, the same one compares counts by 24-bit serial arithmetic. */
static inline int hv_after(uint32_t a, uint32_t b)
{
    return ((a ^ b) >> 24) || (int32_t)((a - b) << 8) > 0;
}
static inline uint64_t hv_min(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* hv_core.c */
int hv_init(void);
uint64_t hv_now(void);
void hv_xmit(const struct hv_peer *to, const struct v_proto_hdr *h, const void *pl,
             uint32_t plen);
void hv_xmit_raw(const struct hv_peer *to, const uint8_t *pkt, uint32_t len);
void hv_nack(const struct hv_peer *to, const struct v_proto_hdr *h, int err, uint32_t seq);
void hv_service(uint64_t until_ns);
void hv_trace(const char *dir, const struct v_proto_hdr *h, const struct hv_peer *p);

/* hv_lhost.c */
void hv_learn(const struct v_proto_hdr *h, const struct hv_peer *src);
int hv_resolve(uint32_t lhost, struct hv_peer *out, uint64_t deadline_ns);
void hv_where_packet(const struct v_proto_hdr *h, const struct hv_peer *src);
void hv_lhost_silent(uint32_t lhost);

/* hv_client.c */
void hv_cli_packet(const struct v_proto_hdr *h, const uint8_t *pl, const struct hv_peer *src);
uint64_t hv_cli_timers(uint64_t now);

/* hv_server.c */
void hv_srv_request(const struct v_proto_hdr *h, const uint8_t *pl, const struct hv_peer *src);
void hv_srv_ack(const struct v_proto_hdr *h);
struct hv_alien *hv_alien_awaiting(v_pid_t client);

/* hv_gsend.c: group Send (process groups, docs/GROUPS.md) */
int hv_mcast_setup(void);
uint32_t hv_mcast_if(void);
int hv_gsend(struct v_msg *m, v_pid_t g, v_pid_t *replier);
void hv_gc_packet(const struct v_proto_hdr *h, const uint8_t *pl, const struct hv_peer *src);
uint64_t hv_gc_timers(uint64_t now);     /* resend while the window is open; next due */

/* hv_names.c: V_NAMES */
int hv_names_setup(void);

/* hv_gmember.c: group membership */
int hv_gm_member(v_pid_t g);
int hv_gm_fds(int *fds, int max);

/* hv_group.c: packet groups, both directions */
/* The seq of a new move's first packet: the move's number in the high 16 bits, so that
 * receivers tell two moves of one transaction apart (docs/PROTOCOL.md, DATA's seq). */
uint32_t hv_move_seq0(void);
enum vp_rx_verdict hv_grp_data(struct hv_grp *g, const struct v_proto_hdr *h, uint32_t addr,
                               const struct hv_peer *to);
void hv_out_start(struct hv_out *o, uint64_t now);
void hv_out_ack(struct hv_out *o, const struct v_proto_hdr *h, uint64_t now);
uint64_t hv_out_tick(struct hv_out *o, uint64_t now);
void hv_out_probe(struct hv_out *o);

/* hv_move.c */
void hv_mv_packet(const struct v_proto_hdr *h, const uint8_t *pl, const struct hv_peer *src);
uint64_t hv_mv_timers(uint64_t now);

#endif
