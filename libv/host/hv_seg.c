/*
 * hv_seg.c - the client space of a host V process (docs/HOST.md).
 *
 * The V ABI's segment addresses are 32 bits (struct v_msg's seg_ptr), and a 64-bit Linux
 * process's buffers lie anywhere in 2^47 bytes. So a host process keeps a client space of
 * its own: HV_SEG_SLOTS windows of HV_SEG_WINDOW bytes each, window k (from 1) starting
 * at k * HV_SEG_WINDOW. v_seg_addr() maps a buffer it is asked to grant to a window (the
 * buffer's own window if it has one already, else a free one, else the one used longest
 * ago) and hv_seg_at() turns a client-space range back into a pointer for Send's REQUEST,
 * REPLY, DATA and MOVE_FROM, or NULL when no window holds the whole range.
 *
 * A grant lives until its Send returns and a host process has one Send at a time, so a
 * window is only reused for a buffer granted HV_SEG_SLOTS grants later, long after.
 * Address 0 stays "no segment"; a buffer larger than a window cannot be granted.
 */
#include "hv_seg.h"

#include <stddef.h>

static struct {
    const uint8_t *base;          /* NULL: free */
    uint32_t len;
    uint64_t used;                /* hv_seg_clock when last mapped or used */
} win[HV_SEG_SLOTS];
static uint64_t hv_seg_clock;

static uint32_t addr_of(unsigned k) { return (uint32_t)(k + 1) * HV_SEG_WINDOW; }

uint32_t v_seg_addr(const void *p, uint32_t len)
{
    unsigned k, pick = HV_SEG_SLOTS;

    if (!p || len > HV_SEG_WINDOW)
        return 0;
    for (k = 0; k < HV_SEG_SLOTS; k++) {
        if (win[k].base == p) {
            pick = k;
            break;
        }
        if (pick == HV_SEG_SLOTS || (win[pick].base && (!win[k].base ||
                                                         win[k].used < win[pick].used)))
            pick = k;
    }
    win[pick].base = p;
    win[pick].len = len;
    win[pick].used = ++hv_seg_clock;
    return addr_of(pick);
}

void *hv_seg_at(uint32_t addr, uint32_t len)
{
    uint32_t k = addr / HV_SEG_WINDOW, off = addr % HV_SEG_WINDOW;

    if (k == 0 || k > HV_SEG_SLOTS || !win[k - 1].base)
        return NULL;
    k--;
    if (off > win[k].len || len > win[k].len - off)
        return NULL;
    win[k].used = ++hv_seg_clock;
    return (uint8_t *)(uintptr_t)win[k].base + off;
}

void hv_seg_reset(void)
{
    for (unsigned k = 0; k < HV_SEG_SLOTS; k++)
        win[k].base = NULL;
    hv_seg_clock = 0;
}
