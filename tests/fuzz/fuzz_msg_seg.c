/*
 * fuzz_msg_seg.c - segment checks: v_msg_seg_check (libv/msg.c) against the same
 * question asked in 64-bit arithmetic, and a host process's client space (libv/host/
 * hv_seg.c: v_seg_addr, hv_seg_at) against a model of its 62 windows.
 *
 * Input: operations.
 *   - A segment check: a grant (flags, seg_ptr, seg_len) and a range (addr, len,
 *     access), often placed near the grant's edges and 2^32. The model: V_ENOACCESS if
 *     a requested bit is not granted; else V_ERANGE if the grant's or the range's end
 *     passes 2^32 - 1, or the range is not inside the grant; else 0. Every subrange of
 *     an allowed range must be allowed too.
 *   - Map a buffer (one of 256 addresses, or NULL; a length up to just past a window):
 *     0 for NULL or longer than a window; else the window the buffer already has, or a
 *     free one, or the one used longest ago.
 *   - Resolve a client-space range: the buffer's address plus the offset exactly when
 *     a mapped window holds the whole range (64-bit arithmetic), else NULL.
 * v_strerror names every error code and only those.
 */
#include <string.h>
#include <v/err.h>
#include <v/msg.h>
#include "fuzz.h"
#include "hv_seg.h"

#define WIN (64ull << 20)
#define NWIN 62

static struct {
    const uint8_t *base[NWIN];
    uint64_t len[NWIN], used[NWIN], clock;
} md;

static uint8_t arena[256];

static int model_seg(const struct v_msg *m, uint64_t addr, uint64_t len, uint32_t access)
{
    uint64_t want = access & 3, seg_end = (uint64_t)m->seg_ptr + m->seg_len;
    if ((m->flags & want) != want)
        return V_ENOACCESS;
    if (seg_end > 0xffffffffu || addr + len > 0xffffffffu)
        return V_ERANGE;
    return addr >= m->seg_ptr && addr + len <= seg_end ? 0 : V_ERANGE;
}

/* A value near one of the interesting places, or any. */
static uint32_t near(struct fz *f, uint32_t at)
{
    uint8_t sel = fz_u8(f);
    uint32_t d = sel >> 2;
    switch (sel & 3) {
    case 0: return at + d;
    case 1: return at - d;
    case 2: return 0u - d;                      /* near 2^32 */
    default: return fz_u32(f);
    }
}

static void op_check(struct fz *f)
{
    struct v_msg m = { 0 };
    m.flags = fz_u16(f);
    m.seg_ptr = near(f, 0x40000000u);
    m.seg_len = near(f, 0x1000u);
    uint32_t addr = near(f, m.seg_ptr), len = near(f, m.seg_ptr + m.seg_len - addr);
    uint32_t access = fz_u8(f);
    int rc = v_msg_seg_check(&m, addr, len, access);
    FZ_EQ(rc, model_seg(&m, addr, len, access));
    if (rc == 0 && len) {
        uint32_t skip = fz_u32(f) % len, take = (uint32_t)(fz_u32(f) % ((uint64_t)len - skip + 1));
        FZ_EQ(v_msg_seg_check(&m, addr + skip, take, access & fz_u8(f)), 0);
    }
}

static void op_map(struct fz *f)
{
    uint8_t sel = fz_u8(f);
    const uint8_t *p = sel == 0 ? 0 : &arena[fz_u8(f)];
    uint32_t len = sel & 1 ? (uint32_t)(WIN - 2 + fz_u8(f) % 4) : fz_u32(f) % (1u << 20);
    uint32_t addr = v_seg_addr(p, len);
    if (!p || len > WIN) {
        FZ_EQ(addr, 0);
        return;
    }
    FZ_EQ(addr % WIN, 0);
    uint64_t k = addr / WIN - 1, oldest = 0, mine = NWIN, free_one = NWIN;
    FZ_CHECK(k < NWIN);
    for (uint64_t i = 0; i < NWIN; i++) {
        if (md.base[i] == p)
            mine = i;
        if (!md.base[i] && free_one == NWIN)
            free_one = i;
        if (md.base[i] && md.used[i] < md.used[oldest])
            oldest = i;
    }
    if (mine < NWIN)
        FZ_EQ(k, mine);
    else if (free_one < NWIN)
        FZ_CHECK(md.base[k] == 0);
    else
        FZ_EQ(k, oldest);
    md.base[k] = p;
    md.len[k] = len;
    md.used[k] = ++md.clock;
}

static void op_at(struct fz *f)
{
    uint8_t sel = fz_u8(f);
    uint32_t addr = sel & 1 ? fz_u32(f) : (uint32_t)((sel >> 1) % 64 * WIN) + fz_u32(f) % 64;
    uint32_t len = sel & 2 ? fz_u32(f) : fz_u16(f);
    void *got = hv_seg_at(addr, len);
    uint64_t k = addr / WIN, off = addr % WIN;
    if (k == 0 || k > NWIN || !md.base[k - 1] || off + len > md.len[k - 1]) {
        FZ_CHECK(got == 0);
        return;
    }
    FZ_EQ((uintptr_t)got, (uintptr_t)md.base[k - 1] + off);
    md.used[k - 1] = ++md.clock;
}

static void check_strerror(void)
{
    const char *seen[1 - V_ERR_MIN];
    for (int e = V_ERR_MIN - 6; e <= 3; e++) {
        const char *s = v_strerror(e);
        FZ_CHECK(s != 0);
        FZ_EQ(strcmp(s, "unknown error") == 0, e > 0 || e < V_ERR_MIN);
        if (e <= 0 && e >= V_ERR_MIN) {
            seen[-e] = s;
            for (int k = -e + 1; k <= -V_ERR_MIN; k++)      /* named earlier */
                FZ_CHECK(strcmp(seen[k], s) != 0);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    memset(&md, 0, sizeof(md));
    hv_seg_reset();
    if (size == 0)
        check_strerror();
    while (f.n) {
        uint8_t op = fz_u8(&f);
        if (op < 128)
            op_check(&f);
        else if (op < 192)
            op_map(&f);
        else
            op_at(&f);
    }
    return 0;
}
