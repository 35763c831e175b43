/* lhost.c - logical host -> node address bindings (lhost.h). */
#include "lhost.h"
#include <string.h>
#include <v/err.h>

void lhost_init(struct lhost_table *t, struct lhost_entry *storage, uint32_t n)
{
    t->e = storage;
    t->n = n;
    t->evictions = t->rebinds = t->moves = t->moved_from = 0;
    memset(storage, 0, sizeof(*storage) * n);
}

static struct lhost_entry *find(const struct lhost_table *t, uint32_t lhost)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (t->e[i].lhost == lhost)
            return &t->e[i];
    return 0;
}

static int bind(struct lhost_table *t, uint32_t lhost, uint32_t addr, uint16_t port,
                uint64_t now, int pin)
{
    if (!lhost || lhost > 0x7fff || !addr || !port)
        return V_EINVAL;
    struct lhost_entry *e = find(t, lhost);
    int rc = V_OK;
    if (e && e->pinned && !pin)
        return V_OK;
    if (!e) {
        struct lhost_entry *victim = 0;
        for (uint32_t i = 0; i < t->n && !e; i++) {
            if (!t->e[i].lhost)
                e = &t->e[i];
            else if (!t->e[i].pinned && (!victim || t->e[i].seen_ns < victim->seen_ns))
                victim = &t->e[i];
        }
        if (!e && !victim)
            return V_ENOMEM;
        if (!e) {
            e = victim;
            t->evictions++;
        }
    } else if (e->addr != addr || e->port != port) {
        t->rebinds++;
        if (e->addr != addr) {
            t->moves++;
            t->moved_from = e->addr;
            rc = LHOST_MOVED;
        }
    }
    e->lhost = (uint16_t)lhost;
    e->addr = addr;
    e->port = port;
    e->seen_ns = now;
    e->pinned = (uint8_t)(pin || e->pinned);
    return rc;
}

int lhost_learn(struct lhost_table *t, uint32_t lhost, uint32_t addr, uint16_t port,
                uint64_t now_ns)
{
    return bind(t, lhost, addr, port, now_ns, 0);
}

int lhost_pin(struct lhost_table *t, uint32_t lhost, uint32_t addr, uint16_t port,
              uint64_t now_ns)
{
    int rc = bind(t, lhost, addr, port, now_ns, 1);
    return rc == LHOST_MOVED ? V_OK : rc;
}

uint32_t lhost_node_at(const struct lhost_table *t, uint32_t addr)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (t->e[i].lhost && t->e[i].addr == addr && (t->e[i].lhost & V_LHOST_N_MASK) == 0)
            return v_lhost_home_node(t->e[i].lhost);
    return 0;
}

int lhost_lookup(const struct lhost_table *t, uint32_t lhost, uint32_t *addr, uint16_t *port)
{
    const struct lhost_entry *e = lhost ? find(t, lhost) : 0;
    if (!e)
        return V_ENOTFOUND;
    *addr = e->addr;
    *port = e->port;
    return V_OK;
}

void lhost_forget(struct lhost_table *t, uint32_t lhost)
{
    struct lhost_entry *e = lhost ? find(t, lhost) : 0;
    if (e)
        memset(e, 0, sizeof(*e));
}
