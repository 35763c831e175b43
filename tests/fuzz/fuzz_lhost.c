/*
 * fuzz_lhost.c - net/lhost.c (logical host -> node address bindings) against a model
 * that is a plain list of bindings.
 *
 * Input: the table's size, then operations at increasing times: learn, pin, look up,
 * forget a logical host, and ask which node is at an address. Logical hosts and
 * addresses come from small sets (so they collide), with a few out-of-range values.
 * The model, from lhost.h: a binding is refused for logical host 0 or above 0x7fff,
 * address 0 or port 0; a pinned binding is never changed by learning; a new binding
 * takes a free entry, else evicts the unpinned one seen longest ago, else V_ENOMEM;
 * rebinding to another address is a move (LHOST_MOVED from learn, V_OK from pin) and
 * to another port only a rebind. Every lookup, return code and counter must agree,
 * and lhost_node_at must name the home node of some kernel (n = 0) bound there.
 */
#include <string.h>
#include <v/err.h>
#include "fuzz.h"
#include "lhost.h"

#define NMAX 8

struct bind {
    uint32_t lhost, addr, pinned;
    uint16_t port;
    uint64_t seen;
};

static struct {
    struct bind b[NMAX];
    uint32_t nb, n;
    uint32_t evictions, rebinds, moves, moved_from;
    uint64_t now;
} md;

static const uint32_t lhosts[8] = { 0x80, 0x81, 0x100, 0x17f, 0x7f80, 0x7fff, 0, 0x8000 };
static const uint32_t addrs[4] = { 0x0a4d000b, 0x0a4d000c, 0x7f000001, 0 };
static const uint16_t ports[3] = { 4377, 40000, 0 };

static struct bind *model_find(uint32_t lhost)
{
    for (uint32_t i = 0; i < md.nb; i++)
        if (md.b[i].lhost == lhost)
            return &md.b[i];
    return 0;
}

/* A slot for a new binding: free, else the unpinned one seen longest ago (evicted). */
static struct bind *model_slot(void)
{
    if (md.nb < md.n)
        return &md.b[md.nb++];
    struct bind *v = 0;
    for (uint32_t i = 0; i < md.nb; i++)
        if (!md.b[i].pinned && (!v || md.b[i].seen < v->seen))
            v = &md.b[i];
    if (v)
        md.evictions++;
    return v;
}

static int model_bind(uint32_t lhost, uint32_t addr, uint16_t port, int pin)
{
    if (lhost == 0 || lhost > 0x7fff || addr == 0 || port == 0)
        return V_EINVAL;
    struct bind *b = model_find(lhost);
    int rc = V_OK;
    if (b && b->pinned && !pin)
        return V_OK;
    if (!b) {
        if (!(b = model_slot()))
            return V_ENOMEM;
        b->pinned = 0;
    } else if (b->addr != addr || b->port != port) {
        md.rebinds++;
        if (b->addr != addr) {
            md.moves++;
            md.moved_from = b->addr;
            rc = pin ? V_OK : LHOST_MOVED;
        }
    }
    *b = (struct bind){ lhost, addr, b->pinned || pin, port, md.now };
    return rc;
}

static void model_forget(uint32_t lhost)
{
    struct bind *b = model_find(lhost);
    if (b)
        *b = md.b[--md.nb];
}

static void check_lookup(const struct lhost_table *t, uint32_t lhost)
{
    uint32_t addr = 0xdead;
    uint16_t port = 0xbeef;
    const struct bind *b = lhost ? model_find(lhost) : 0;
    int rc = lhost_lookup(t, lhost, &addr, &port);
    FZ_EQ(rc, b ? V_OK : V_ENOTFOUND);
    if (b) {
        FZ_EQ(addr, b->addr);
        FZ_EQ(port, b->port);
    }
}

static void check_node_at(const struct lhost_table *t, uint32_t addr)
{
    uint32_t node = lhost_node_at(t, addr), any = 0, named = 0;
    for (uint32_t i = 0; i < md.nb; i++) {
        const struct bind *b = &md.b[i];
        if (b->addr == addr && (b->lhost & 0x7f) == 0) {
            any = 1;
            named |= node == b->lhost >> 7;
        }
    }
    FZ_EQ(node != 0, any);
    FZ_EQ(named, any);
}

static void check_all(const struct lhost_table *t)
{
    for (int i = 0; i < 8; i++)
        check_lookup(t, lhosts[i]);
    for (int i = 0; i < 4; i++)
        check_node_at(t, addrs[i]);
    FZ_EQ(t->evictions, md.evictions);
    FZ_EQ(t->rebinds, md.rebinds);
    FZ_EQ(t->moves, md.moves);
    FZ_EQ(t->moved_from, md.moved_from);
}

static void step(struct fz *f, struct lhost_table *t)
{
    uint8_t op = fz_u8(f), arg = fz_u8(f);
    uint32_t lhost = arg & 0x80 ? fz_u16(f) : lhosts[arg & 7];
    uint32_t addr = addrs[(arg >> 3) & 3];
    uint16_t port = ports[(arg >> 5) % 3];
    md.now += 1 + (op >> 3);
    switch (op & 7) {
    case 0: case 1: case 2:
        FZ_EQ(lhost_learn(t, lhost, addr, port, md.now), model_bind(lhost, addr, port, 0));
        break;
    case 3:
        FZ_EQ(lhost_pin(t, lhost, addr, port, md.now), model_bind(lhost, addr, port, 1));
        break;
    case 4:
        lhost_forget(t, lhost);
        model_forget(lhost);
        break;
    case 5:
        check_lookup(t, lhost);
        break;
    default:
        check_node_at(t, fz_u32(f));
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct lhost_entry storage[NMAX];
    struct fz f = { data, size };
    struct lhost_table t;
    memset(&md, 0, sizeof(md));
    md.n = 1 + fz_u8(&f) % NMAX;
    md.now = fz_u32(&f);
    lhost_init(&t, storage, md.n);
    while (f.n) {
        step(&f, &t);
        check_all(&t);
    }
    return 0;
}
