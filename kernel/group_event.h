/*
 * group_event.h - kernel events as group messages (kernel/group_event.c; v/group.h,
 * docs/GROUPS.md): a process or team died, a node came up or went down, a logical host
 * moved. Each is a group Send without reply from the node's kernel server to a
 * V_GROUP_EV_* group, queued and sent by the next tick (never from deep inside
 * proc_destroy or the NIC interrupt).
 * Entry points: group_event_init, group_event_died, group_event_post,
 * group_event_halting, group_event_dropped. Interrupts off.
 */
#ifndef KERNEL_GROUP_EVENT_H
#define KERNEL_GROUP_EVENT_H

#include <stdint.h>
#include "proc.h"

void group_event_init(void);
/* p died: V_EV_PROCESS_DIED (and V_EV_TEAM_DIED for a team's root), to every node.
 * cause: V_OK (it exited) or V_EDESTROYED. Kernel processes and aliens are not news. */
void group_event_died(struct proc *p, int cause);
/* An event net/ learned (ipc_net_event): V_EV_NODE_UP goes to every node,
 * V_EV_NODE_DOWN and V_EV_LHOST_MOVED to local members only. */
void group_event_post(uint16_t code, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3);
/* KS_HALT: send what is queued and V_EV_NODE_DOWN (V_EV_DOWN_HALTED) now. */
void group_event_halting(void);
/* Events dropped because the queue was full (counted in KS_NET_STATS' group_overflow). */
uint32_t group_event_dropped(void);

#endif
