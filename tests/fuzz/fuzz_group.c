/*
 * fuzz_group.c - kernel/group_table.c (a node's group memberships) against a plain
 * array model: in[g][p] says whether process p is a member of group g.
 *
 * Input: the table's size, then joins, leaves and deaths (remove_pid) of processes
 * from a small set, in groups from a small set whose multicast addresses partly
 * coincide (and a few ids that are not groups, or not processes). After each operation
 * the model checks: the return code (V_EINVAL, V_ENOMEM when full, V_ENOTFOUND), the
 * address to join exactly when an address gets its first membership and to leave
 * exactly when it loses its last (remove_pid calls leave once per such address), each
 * address's membership count, each group's member list (the set, and its count past
 * `max`), is_member, the listing by group_table_entry, and the counters.
 * Well-known groups' addresses are computed here from the table in v/group.h.
 */
#include <string.h>
#include <v/err.h>
#include <v/group.h>
#include "fuzz.h"
#include "group_table.h"

#define NG 8
#define NP 5
#define CAP_MAX 16

static const v_pid_t groups[NG] = {
    0x80000020u, 0x80000020u + 254, 0x80000020u + 508, 0x80000001u,   /* 3 share .0.32 */
    0x80000021u, 0x7f010009u | 0x80000000u, 0x80000000u, 0x00800104u, /* not groups: 2 */
};
static const v_pid_t pids[NP] = { 0x00800101u, 0x00800102u, 0x01000103u, 0, 0x80000005u };

static struct {
    uint8_t in[NG][NP];
    uint32_t cap, used, joins, leaves, full;
    uint32_t left[NG];                    /* addresses remove_pid told to leave */
    uint32_t nleft;
} md;

static uint32_t addrs[6];                 /* addr_of, worked out once */

static int valid(int g, int p) { return g < 6 && p < 3; }

/* 239.86.0.0/16: kernel servers .0.1, other well-known n at .0.(2 + (n - 2) % 254). */
static uint32_t addr_of_group(int g)
{
    v_pid_t id = groups[g];
    uint32_t n = id & 0xffff;
    if ((id & 0x7fff0000u) != 0)
        return v_group_mcast_addr(id);           /* created: a hash, taken as is */
    return n == 1 ? 0xef560001u : 0xef560000u + 2 + (n - 2) % 254;
}

static uint32_t addr_of(int g) { return addrs[g]; }

static uint32_t refs(uint32_t addr)
{
    uint32_t r = 0;
    for (int g = 0; g < 6; g++)
        for (int p = 0; p < 3; p++)
            r += md.in[g][p] && addr_of(g) == addr;
    return r;
}

static void op_join(struct group_table *t, int g, int p)
{
    uint32_t got = 7, before = refs(addr_of(g < 6 ? g : 0));
    int rc = group_table_join(t, groups[g], pids[p], &got);
    if (!valid(g, p)) {
        FZ_EQ(rc, V_EINVAL);
        FZ_EQ(got, 0);
        return;
    }
    if (!md.in[g][p] && md.used == md.cap) {
        FZ_EQ(rc, V_ENOMEM);
        md.full++;
        FZ_EQ(got, 0);
        return;
    }
    FZ_EQ(rc, V_OK);
    FZ_EQ(got, !md.in[g][p] && before == 0 ? addr_of(g) : 0);
    if (!md.in[g][p]) {
        md.in[g][p] = 1;
        md.used++;
        md.joins++;
    }
}

static void op_leave(struct group_table *t, int g, int p)
{
    uint32_t got = 7, before = refs(addr_of(g < 6 ? g : 0));
    int rc = group_table_leave(t, groups[g], pids[p], &got);
    if (!valid(g, p)) {
        FZ_EQ(rc, V_EINVAL);
        FZ_EQ(got, 0);
        return;
    }
    FZ_EQ(rc, md.in[g][p] ? V_OK : V_ENOTFOUND);
    FZ_EQ(got, md.in[g][p] && before == 1 ? addr_of(g) : 0);
    if (md.in[g][p]) {
        md.in[g][p] = 0;
        md.used--;
        md.leaves++;
    }
}

static void on_leave(void *arg, uint32_t addr)
{
    FZ_CHECK(arg == &md);
    FZ_CHECK(md.nleft < NG);
    md.left[md.nleft++] = addr;
}

static void op_remove(struct group_table *t, int p)
{
    uint32_t had = 0, before[NG];
    for (int g = 0; g < 6; g++)
        before[g] = refs(addr_of(g));
    md.nleft = 0;
    uint32_t n = group_table_remove_pid(t, pids[p], on_leave, &md);
    for (int g = 0; p < NP && pids[p] && g < NG; g++) {
        had += md.in[g][p];
        md.in[g][p] = 0;
    }
    FZ_EQ(n, had);
    md.used -= had;
    md.leaves += had;
    for (int g = 0; g < 6; g++) {                /* each emptied address, once */
        uint32_t a = addr_of(g), seen = 0;
        for (uint32_t i = 0; i < md.nleft; i++)
            seen += md.left[i] == a;
        FZ_EQ(seen, before[g] && !refs(a));
    }
    for (uint32_t i = 0; i < md.nleft; i++)
        FZ_EQ(refs(md.left[i]), 0);
}

static void check_group(const struct group_table *t, int g, uint32_t max)
{
    v_pid_t out[NP + 1];
    uint32_t count = 0, n = group_table_members(t, groups[g], out, max);
    for (int p = 0; p < 3 && g < 6; p++)
        count += md.in[g][p];
    FZ_EQ(n, count);
    for (uint32_t i = 0; i < n && i < max; i++) {
        int p = 0;
        while (p < 3 && pids[p] != out[i])
            p++;
        FZ_CHECK(p < 3 && md.in[g][p]);
        for (uint32_t j = 0; j < i; j++)
            FZ_CHECK(out[j] != out[i]);
    }
    for (int p = 0; p < NP; p++)
        FZ_EQ(group_table_is_member(t, groups[g], pids[p]), valid(g, p) && md.in[g][p]);
    if (g < 6)
        FZ_EQ(group_table_addr_refs(t, addr_of(g)), refs(addr_of(g)));
}

static void check_all(const struct group_table *t, uint32_t max)
{
    for (int g = 0; g < NG; g++)
        check_group(t, g, max);
    struct group_entry e;
    uint32_t i = 0;
    for (; group_table_entry(t, i, &e) == V_OK; i++) {
        int g = 0, p = 0;
        while (g < 6 && groups[g] != e.group)
            g++;
        while (p < 3 && pids[p] != e.pid)
            p++;
        FZ_CHECK(g < 6 && p < 3 && md.in[g][p]);
        FZ_EQ(e.addr, addr_of(g));
    }
    FZ_EQ(i, md.used);
    FZ_EQ(t->used, md.used);
    FZ_EQ(t->joins, md.joins);
    FZ_EQ(t->leaves, md.leaves);
    FZ_EQ(t->full, md.full);
    FZ_EQ(group_table_addr_refs(t, 0), 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct group_entry storage[CAP_MAX];
    struct fz f = { data, size };
    struct group_table t;
    memset(&md, 0, sizeof(md));
    for (int g = 0; g < 6; g++)
        addrs[g] = addr_of_group(g);
    md.cap = 1 + fz_u8(&f) % CAP_MAX;
    group_table_init(&t, storage, md.cap);
    while (f.n) {
        uint8_t op = fz_u8(&f);
        int g = op % NG, p = (op / NG) % NP;
        uint8_t kind = fz_u8(&f);
        if (kind < 112)
            op_join(&t, g, p);
        else if (kind < 224)
            op_leave(&t, g, p);
        else
            op_remove(&t, p);
        check_all(&t, kind % (NP + 1));
    }
    return 0;
}
