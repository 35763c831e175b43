/*
 * proto_window.h - the windows of a move's packet groups (docs/PROTOCOL.md, "Bulk
 * data"): which groups a sender may have in flight and which of their packets are
 * acknowledged (struct vp_txwin), and which packets a receiver holds (struct vp_rxwin).
 * Pure: no I/O, no clock; the kernel (net/remote_move.c) and the host library
 * (libv/host/hv_group.c) both use it, and tests/unit/test_proto_window.c tests it.
 *
 * Groups are numbered from 0: group g covers offsets [g * V_PROTO_GROUP_BYTES,
 * (g + 1) * V_PROTO_GROUP_BYTES) of the move, slot i of it starts at
 * g * V_PROTO_GROUP_BYTES + i * V_PROTO_MAX_DATA, and bit i of a bitmap stands for it.
 * A DATA packet carries one slot, or (jumbo frames) a run of up to V_PROTO_SLOTS_MAX
 * slots of one group.
 */
#ifndef NET_PROTO_WINDOW_H
#define NET_PROTO_WINDOW_H

#include <stdint.h>
#include <v/proto.h>

/* Packet groups a sender may have in flight: group g + VP_WINDOW is sent for the first
 * time only once every packet of groups up to g is acknowledged. A receiver keeps the
 * bitmaps of that many groups, so it never takes a packet of group g for one of g - 1. */
#define VP_WINDOW 4

/* Groups of a move of `total` bytes, and the bitmap of group g when it is complete. */
uint32_t vp_win_groups(uint32_t total);
uint32_t vp_win_mask(uint32_t total, uint32_t g);
/* The next packet to send of the slots set in *want: the lowest set bit and the set
 * bits right after it, at most k (1..V_PROTO_SLOTS_MAX) of them. Returns how many
 * (0 when *want is empty) with the first in *first, and clears them from *want. */
uint32_t vp_win_run(uint32_t *want, uint32_t k, uint32_t *first);

struct vp_txwin {
    uint32_t total;                  /* bytes of the move */
    uint32_t una;                    /* first group not wholly acknowledged */
    uint32_t next;                   /* first group never sent */
    uint32_t acked[VP_WINDOW];       /* acked[i]: bitmap of group una + i */
};

/* Start a move of total bytes (> 0): nothing sent, nothing acknowledged. */
void vp_txwin_start(struct vp_txwin *w, uint32_t total);
/* The next group the window lets out for the first time: 1 and *g (then counted as
 * sent), or 0 when the window is full or every group has gone. */
int vp_txwin_next(struct vp_txwin *w, uint32_t *g);
/* A DATA_ACK of group g with `bitmap`. Returns the packets of g still missing (0 when
 * g is complete, or not in flight: an old or a bogus ack). *moved is set to 1 when the
 * window moved (new groups may go), else 0. */
uint32_t vp_txwin_ack(struct vp_txwin *w, uint32_t g, uint32_t bitmap, int *moved);
/* Packets of group g not yet acknowledged (0 unless una <= g < next). */
uint32_t vp_txwin_missing(const struct vp_txwin *w, uint32_t g);
/* 1 when every packet of the move is acknowledged. */
int vp_txwin_done(const struct vp_txwin *w);

struct vp_rxwin {
    uint32_t total;                  /* bytes of the move */
    uint32_t base;                   /* groups below it are complete */
    uint32_t got[VP_WINDOW];         /* got[i]: bitmap of group base + i */
};

enum vp_rx_verdict {
    VP_RX_NEW = 0,                   /* first copy: keep its bytes */
    VP_RX_DUP,                       /* a copy of a packet already kept */
    VP_RX_OLD,                       /* its group was complete already */
    VP_RX_AHEAD,                     /* beyond the window (no sender does that): drop */
    VP_RX_BAD                        /* not at a slot boundary, not whole slots of one
                                        group (but the move's end), or past the end */
};

void vp_rxwin_start(struct vp_rxwin *w, uint32_t total);
/* A DATA packet of the move: len bytes at byte offset off. The verdict, and if
 * VP_RX_NEW its slots are now counted as kept (VP_RX_NEW when any of them is new: the
 * caller writes the whole packet, whose other slots hold the same bytes again). */
enum vp_rx_verdict vp_rxwin_data(struct vp_rxwin *w, uint32_t off, uint32_t len);
/* The bitmap a DATA_ACK of group g carries: all of it once complete, else what is kept
 * (0 for a group beyond the window). */
uint32_t vp_rxwin_bitmap(const struct vp_rxwin *w, uint32_t g);
/* 1 when every packet of the move is kept. */
int vp_rxwin_done(const struct vp_rxwin *w);

#endif
