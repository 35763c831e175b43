/*
 * proto_window.c - send and receive windows of packet groups (proto_window.h). Pure.
 */
#include "proto_window.h"
#include <string.h>

#define GROUP V_PROTO_GROUP_BYTES
#define PKT   V_PROTO_MAX_DATA

uint32_t vp_win_groups(uint32_t total)
{
    return total / GROUP + (total % GROUP != 0);
}

uint32_t vp_win_mask(uint32_t total, uint32_t g)
{
    uint32_t left = total - g * GROUP;
    return v_proto_group_mask(left >= GROUP ? V_PROTO_GROUP_MAX : (left + PKT - 1) / PKT);
}

uint32_t vp_win_run(uint32_t *want, uint32_t k, uint32_t *first)
{
    if (!*want)
        return 0;
    uint32_t i = (uint32_t)__builtin_ctz(*want), n = 0;
    while (n < k && i + n < V_PROTO_GROUP_MAX && (*want & (1u << (i + n))))
        *want &= ~(1u << (i + n++));
    *first = i;
    return n;
}

void vp_txwin_start(struct vp_txwin *w, uint32_t total)
{
    memset(w, 0, sizeof(*w));
    w->total = total;
}

int vp_txwin_next(struct vp_txwin *w, uint32_t *g)
{
    if (w->next >= vp_win_groups(w->total) || w->next >= w->una + VP_WINDOW)
        return 0;
    *g = w->next++;
    return 1;
}

/* Slide past the complete groups at the window's start. */
static int slide(struct vp_txwin *w)
{
    int moved = 0;
    while (w->una < w->next && w->acked[0] == vp_win_mask(w->total, w->una)) {
        memmove(w->acked, w->acked + 1, sizeof(w->acked) - sizeof(w->acked[0]));
        w->acked[VP_WINDOW - 1] = 0;
        w->una++;
        moved = 1;
    }
    return moved;
}

uint32_t vp_txwin_ack(struct vp_txwin *w, uint32_t g, uint32_t bitmap, int *moved)
{
    *moved = 0;
    if (g < w->una || g >= w->next)
        return 0;
    uint32_t mask = vp_win_mask(w->total, g);
    w->acked[g - w->una] |= bitmap & mask;
    uint32_t missing = mask & ~w->acked[g - w->una];
    *moved = slide(w);
    return missing;
}

uint32_t vp_txwin_missing(const struct vp_txwin *w, uint32_t g)
{
    if (g < w->una || g >= w->next)
        return 0;
    return vp_win_mask(w->total, g) & ~w->acked[g - w->una];
}

int vp_txwin_done(const struct vp_txwin *w)
{
    return w->una >= vp_win_groups(w->total);
}

void vp_rxwin_start(struct vp_rxwin *w, uint32_t total)
{
    memset(w, 0, sizeof(*w));
    w->total = total;
}

enum vp_rx_verdict vp_rxwin_data(struct vp_rxwin *w, uint32_t off, uint32_t len)
{
    uint32_t g = off / GROUP, i = off % GROUP / PKT, n = (len + PKT - 1) / PKT;
    if (off >= w->total || off % GROUP % PKT || !len || len > w->total - off ||
        n > V_PROTO_SLOTS_MAX || i + n > V_PROTO_GROUP_MAX ||
        (len % PKT && off + len != w->total))
        return VP_RX_BAD;
    if (g < w->base)
        return VP_RX_OLD;
    if (g >= w->base + VP_WINDOW)
        return VP_RX_AHEAD;
    uint32_t *got = &w->got[g - w->base], bits = v_proto_group_mask(n) << i;
    if ((*got & bits) == bits)
        return VP_RX_DUP;
    *got |= bits;
    uint32_t groups = vp_win_groups(w->total);
    while (w->base < groups && w->got[0] == vp_win_mask(w->total, w->base)) {
        memmove(w->got, w->got + 1, sizeof(w->got) - sizeof(w->got[0]));
        w->got[VP_WINDOW - 1] = 0;
        w->base++;
    }
    return VP_RX_NEW;
}

uint32_t vp_rxwin_bitmap(const struct vp_rxwin *w, uint32_t g)
{
    if (g < w->base)
        return vp_win_mask(w->total, g);
    if (g >= w->base + VP_WINDOW || g >= vp_win_groups(w->total))
        return 0;
    return w->got[g - w->base];
}

int vp_rxwin_done(const struct vp_rxwin *w)
{
    return w->base >= vp_win_groups(w->total);
}
