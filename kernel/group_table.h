/*
 * group_table.h - one node's local group memberships (docs/GROUPS.md).
 *
 * A kernel knows only the members that live on it: there is no cluster-wide member list,
 * so a node that dies takes its memberships with it and nobody else has anything to
 * clean up. The table answers the three questions the communication module asks:
 *   - which local processes does a group Send to g reach? (group_table_members)
 *   - must the NIC listen on g's multicast address? Several groups may share one
 *     address (v/group.h), so the table counts memberships per address and tells the
 *     caller when an address is first needed (IGMP join) and when it is no longer
 *     needed (IGMP leave);
 *   - what does a dying process leave? (group_table_remove_pid)
 *
 * Entry points: group_table_init, group_table_join, group_table_leave,
 * group_table_remove_pid, group_table_members, group_table_is_member,
 * group_table_addr_refs, group_table_entry.
 * Pure; the caller supplies the storage. Not reentrant: the kernel calls it with
 * interrupts off, like the rest of its state.
 */
#ifndef KERNEL_GROUP_TABLE_H
#define KERNEL_GROUP_TABLE_H

#include <stdint.h>
#include <v/pid.h>

struct group_entry {
    v_pid_t group;          /* 0: free */
    v_pid_t pid;            /* the local member */
    uint32_t addr;          /* v_group_mcast_addr(group), kept to count per address */
};

struct group_table {
    struct group_entry *e;
    uint32_t n;
    uint32_t used;                  /* entries in use */
    uint32_t joins, leaves, full;   /* counters for KS_NET_STATS-style reports */
};

void group_table_init(struct group_table *t, struct group_entry *storage, uint32_t n);

/* Make pid a member of group. Joining twice is harmless (V_OK, nothing changes).
 * *join_addr is set to the group's multicast address when this is the first membership
 * on that address (the caller joins it with IGMP), else to 0.
 * Errors (nothing changes): V_EINVAL (group is not a group id, or pid is 0 or a group),
 * V_ENOMEM (the table is full). */
int group_table_join(struct group_table *t, v_pid_t group, v_pid_t pid, uint32_t *join_addr);

/* End pid's membership of group. *leave_addr is set to the group's multicast address
 * when that was the last membership on it (the caller leaves it), else to 0.
 * Errors: V_EINVAL (as join), V_ENOTFOUND (pid was not a member). */
int group_table_leave(struct group_table *t, v_pid_t group, v_pid_t pid, uint32_t *leave_addr);

/* Remove every membership of pid (it died). For each address that loses its last
 * membership, leave(arg, addr) is called once (may be 0 to ignore). Returns the number
 * of memberships removed. */
uint32_t group_table_remove_pid(struct group_table *t, v_pid_t pid,
                                void (*leave)(void *arg, uint32_t addr), void *arg);

/* Copy up to max members of group into out (in table order). Returns how many members
 * it has (which may exceed max: the caller sees what it missed). */
uint32_t group_table_members(const struct group_table *t, v_pid_t group, v_pid_t *out,
                             uint32_t max);

/* 1 if pid is a member of group, else 0. */
int group_table_is_member(const struct group_table *t, v_pid_t group, v_pid_t pid);

/* Memberships whose group maps to addr (0: the node need not listen on addr). */
uint32_t group_table_addr_refs(const struct group_table *t, uint32_t addr);

/* For listings (vctl groups): the i-th entry in use, i from 0, in table order; V_OK, or
 * V_ENOTFOUND past the last. */
int group_table_entry(const struct group_table *t, uint32_t i, struct group_entry *out);

#endif
