/* group_table.c - a node's local group memberships and per-address counts (group_table.h).
 *
 * The per-address count is recomputed by a scan instead of being kept in a second
 * table: tables are small (tens of entries), and a count that is derived cannot drift
 * from the memberships it counts, which an IGMP leave at the wrong moment would need. */
#include "group_table.h"
#include <string.h>
#include <v/err.h>
#include <v/group.h>

void group_table_init(struct group_table *t, struct group_entry *storage, uint32_t n)
{
    t->e = storage;
    t->n = n;
    t->used = 0;
    t->joins = t->leaves = t->full = 0;
    memset(storage, 0, sizeof(*storage) * n);
}

static int check(v_pid_t group, v_pid_t pid)
{
    if (!v_group_is(group) || pid == V_PID_NONE || v_pid_is_group(pid))
        return V_EINVAL;
    return V_OK;
}

static struct group_entry *find(const struct group_table *t, v_pid_t group, v_pid_t pid)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (t->e[i].group == group && t->e[i].pid == pid)
            return &t->e[i];
    return 0;
}

uint32_t group_table_addr_refs(const struct group_table *t, uint32_t addr)
{
    uint32_t refs = 0;
    for (uint32_t i = 0; addr && i < t->n; i++)
        if (t->e[i].group && t->e[i].addr == addr)
            refs++;
    return refs;
}

int group_table_join(struct group_table *t, v_pid_t group, v_pid_t pid, uint32_t *join_addr)
{
    *join_addr = 0;
    int err = check(group, pid);
    if (err)
        return err;
    if (find(t, group, pid))
        return V_OK;
    struct group_entry *e = find(t, V_PID_NONE, V_PID_NONE);
    if (!e) {
        t->full++;
        return V_ENOMEM;
    }
    uint32_t addr = v_group_mcast_addr(group);
    if (group_table_addr_refs(t, addr) == 0)
        *join_addr = addr;
    e->group = group;
    e->pid = pid;
    e->addr = addr;
    t->used++;
    t->joins++;
    return V_OK;
}

/* Free e; returns its address if that was the address's last membership, else 0. */
static uint32_t drop(struct group_table *t, struct group_entry *e)
{
    uint32_t addr = e->addr;
    memset(e, 0, sizeof(*e));
    t->used--;
    t->leaves++;
    return group_table_addr_refs(t, addr) == 0 ? addr : 0;
}

int group_table_leave(struct group_table *t, v_pid_t group, v_pid_t pid, uint32_t *leave_addr)
{
    *leave_addr = 0;
    int err = check(group, pid);
    if (err)
        return err;
    struct group_entry *e = find(t, group, pid);
    if (!e)
        return V_ENOTFOUND;
    *leave_addr = drop(t, e);
    return V_OK;
}

uint32_t group_table_remove_pid(struct group_table *t, v_pid_t pid,
                                void (*leave)(void *arg, uint32_t addr), void *arg)
{
    uint32_t removed = 0;
    if (pid == V_PID_NONE)
        return 0;
    for (uint32_t i = 0; i < t->n; i++) {
        if (!t->e[i].group || t->e[i].pid != pid)
            continue;
        uint32_t addr = drop(t, &t->e[i]);
        removed++;
        if (addr && leave)
            leave(arg, addr);
    }
    return removed;
}

uint32_t group_table_members(const struct group_table *t, v_pid_t group, v_pid_t *out,
                             uint32_t max)
{
    uint32_t count = 0;
    if (!v_group_is(group))
        return 0;
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->e[i].group != group)
            continue;
        if (count < max)
            out[count] = t->e[i].pid;
        count++;
    }
    return count;
}

int group_table_is_member(const struct group_table *t, v_pid_t group, v_pid_t pid)
{
    return v_group_is(group) && pid != V_PID_NONE && find(t, group, pid) != 0;
}

int group_table_entry(const struct group_table *t, uint32_t i, struct group_entry *out)
{
    for (uint32_t k = 0; k < t->n; k++) {
        if (!t->e[k].group)
            continue;
        if (i-- == 0) {
            *out = t->e[k];
            return V_OK;
        }
    }
    return V_ENOTFOUND;
}
