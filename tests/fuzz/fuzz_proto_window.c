/*
 * fuzz_proto_window.c - net/proto_window.c (a move's packet-group windows) against a
 * model that keeps one flag per slot of the whole move.
 *
 * Input: a move's size, then operations on one sender window and one receiver window
 * of it: next group, DATA_ACK of a group, missing packets, a DATA packet (offset,
 * length) received, the bitmap a DATA_ACK would carry, and vp_win_run on a bitmap. The
 * model (docs/PROTOCOL.md, "Bulk data"): a group is complete when all its slots are;
 * the sender's first unacknowledged group is the first incomplete one it has sent, and
 * it sends group g only below that + VP_WINDOW; the receiver takes a packet of whole
 * slots of one group (only the move's last slot short) within the 4 groups from its
 * first incomplete one, and calls it a duplicate only when it holds every slot.
 */
#include <string.h>
#include "fuzz.h"
#include "proto_window.h"

#define GROUP  45056u                 /* 32 slots */
#define SLOT   1408u
#define MAXG   40u                    /* moves of up to 40 groups */

static struct {
    uint32_t total, groups;
    uint32_t next;                    /* groups the sender has let out */
    uint8_t acked[MAXG * 32];         /* slot acknowledged to the sender */
    uint8_t got[MAXG * 32];           /* slot kept by the receiver */
} m;

static uint32_t slots_of(uint64_t total, uint64_t g)     /* slots in group g (< groups) */
{
    uint64_t left = total - g * GROUP;
    return left >= GROUP ? 32 : (uint32_t)((left + SLOT - 1) / SLOT);
}

static uint32_t bits(uint32_t from, uint32_t n)          /* n bits from bit `from` up */
{
    uint32_t b = 0;
    for (uint32_t i = from; i < from + n && i < 32; i++)
        b |= 1u << i;
    return b;
}

static uint32_t flags_of(const uint8_t *slot, uint32_t g)
{
    uint32_t b = 0;
    for (uint32_t i = 0; i < slots_of(m.total, g); i++)
        b |= (uint32_t)slot[g * 32 + i] << i;
    return b;
}

static int complete(const uint8_t *slot, uint32_t g)
{
    return flags_of(slot, g) == bits(0, slots_of(m.total, g));
}

static uint32_t first_incomplete(const uint8_t *slot, uint32_t limit)
{
    uint32_t g = 0;
    while (g < limit && complete(slot, g))
        g++;
    return g;
}

/* vp_win_groups and vp_win_mask for any size, in 64-bit arithmetic. */
static void check_sizes(uint32_t total, uint32_t pick)
{
    uint64_t groups = ((uint64_t)total + GROUP - 1) / GROUP;
    FZ_EQ(vp_win_groups(total), groups);
    if (!groups)
        return;
    uint64_t gs[3] = { 0, groups - 1, pick % groups };
    for (int i = 0; i < 3; i++)
        FZ_EQ(vp_win_mask(total, (uint32_t)gs[i]), bits(0, slots_of(total, gs[i])));
}

static void op_next(struct vp_txwin *tx)
{
    uint32_t g = 0xdead;
    uint32_t una = first_incomplete(m.acked, m.next);
    int ok = m.next < m.groups && m.next < una + VP_WINDOW;
    FZ_EQ(vp_txwin_next(tx, &g), ok);
    if (ok)
        FZ_EQ(g, m.next++);
}

static void op_ack(struct fz *f, struct vp_txwin *tx)
{
    uint32_t una = first_incomplete(m.acked, m.next);
    uint32_t g = una + fz_u8(f) % 8 - 2, bitmap = fz_u32(f);
    if (bitmap & 1)
        bitmap = ~0u;
    int moved = 7;
    uint32_t missing = vp_txwin_ack(tx, g, bitmap, &moved);
    if (g < una || g >= m.next) {
        FZ_EQ(missing, 0);
        FZ_EQ(moved, 0);
        return;
    }
    for (uint32_t i = 0; i < slots_of(m.total, g); i++)
        m.acked[g * 32 + i] |= (bitmap >> i) & 1;
    FZ_EQ(missing, bits(0, slots_of(m.total, g)) & ~flags_of(m.acked, g));
    FZ_EQ(moved, first_incomplete(m.acked, m.next) != una);
}

static void op_missing(struct fz *f, const struct vp_txwin *tx)
{
    uint32_t una = first_incomplete(m.acked, m.next), g = una + fz_u8(f) % 8 - 2;
    uint32_t want = g < una || g >= m.next ? 0 :
                    bits(0, slots_of(m.total, g)) & ~flags_of(m.acked, g);
    FZ_EQ(vp_txwin_missing(tx, g), want);
}

/* The receiver's verdict on len bytes at off (docs/PROTOCOL.md), from the slot flags. */
static int model_data(uint32_t off, uint32_t len)
{
    uint64_t end = (uint64_t)off + len, n = ((uint64_t)len + SLOT - 1) / SLOT;
    uint32_t g = off / GROUP, i = off % GROUP / SLOT;
    if (off >= m.total || off % SLOT || len == 0 || end > m.total || n > 6 || i + n > 32 ||
        (len % SLOT && end != m.total))
        return VP_RX_BAD;
    uint32_t base = first_incomplete(m.got, m.groups);
    if (g < base)
        return VP_RX_OLD;
    if (g >= base + VP_WINDOW)
        return VP_RX_AHEAD;
    int all = 1;
    for (uint32_t k = 0; k < n; k++)
        all &= m.got[g * 32 + i + k];
    if (all)
        return VP_RX_DUP;
    for (uint32_t k = 0; k < n; k++)
        m.got[g * 32 + i + k] = 1;
    return VP_RX_NEW;
}

static void op_data(struct fz *f, struct vp_rxwin *rx)
{
    uint8_t how = fz_u8(f);
    uint32_t off, len;
    if (how & 1) {
        off = fz_u32(f);
        len = fz_u32(f);
    } else {
        uint32_t base = first_incomplete(m.got, m.groups);
        off = (base * 32 + fz_u8(f) % 160) * SLOT + (how & 2 ? 0 : fz_u8(f) % 3 - 1u);
        len = (how >> 2 & 7) * SLOT + (how & 0x20 ? fz_u16(f) % SLOT : 0);
        if (how & 0x40)
            len = m.total - off;
    }
    FZ_EQ(vp_rxwin_data(rx, off, len), model_data(off, len));
}

static void op_bitmap(struct fz *f, const struct vp_rxwin *rx)
{
    uint32_t base = first_incomplete(m.got, m.groups), g = base + fz_u8(f) % 8 - 2, want;
    if (g < base)
        want = bits(0, slots_of(m.total, g));
    else if (g >= base + VP_WINDOW || g >= m.groups)
        want = 0;
    else
        want = flags_of(m.got, g);
    FZ_EQ(vp_rxwin_bitmap(rx, g), want);
}

static void op_run(struct fz *f)
{
    uint32_t want = fz_u32(f), k = fz_u8(f) % V_PROTO_SLOTS_MAX + 1, first = 99;
    uint32_t before = want, n = vp_win_run(&want, k, &first);
    if (!before) {
        FZ_EQ(n, 0);
        FZ_EQ(want, 0);
        return;
    }
    uint32_t i = 0, run = 0;
    while (!(before >> i & 1))
        i++;
    while (run < k && i + run < 32 && (before >> (i + run) & 1))
        run++;
    FZ_EQ(n, run);
    FZ_EQ(first, i);
    FZ_EQ(want, before & ~bits(i, run));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    uint32_t raw = fz_u32(&f);
    check_sizes(raw, fz_u32(&f));
    memset(&m, 0, sizeof(m));
    m.total = 1 + raw % (MAXG * GROUP);
    m.groups = (m.total + GROUP - 1) / GROUP;
    struct vp_txwin tx;
    struct vp_rxwin rx;
    vp_txwin_start(&tx, m.total);
    vp_rxwin_start(&rx, m.total);
    while (f.n) {
        switch (fz_u8(&f) % 6) {
        case 0: op_next(&tx); break;
        case 1: op_ack(&f, &tx); break;
        case 2: op_missing(&f, &tx); break;
        case 3: op_data(&f, &rx); break;
        case 4: op_bitmap(&f, &rx); break;
        default: op_run(&f); break;
        }
        FZ_EQ(vp_txwin_done(&tx), first_incomplete(m.acked, m.next) >= m.groups);
        FZ_EQ(vp_rxwin_done(&rx), first_incomplete(m.got, m.groups) >= m.groups);
    }
    return 0;
}
