/*
 * ipc_net.h - the one door from net/ into the kernel: everything the inter-kernel
 * protocol (net/remote*.c) may ask of the communication module, implemented in
 * kernel/ipc_net.c. net/ names processes by pid and alien records by slot number; it
 * never sees or writes a struct proc, never blocks or wakes a process itself, and never
 * calls the kernel server. The way back, what the kernel asks of net/, is net/net.h.
 *
 * Entry points (11): ipc_net_txid, ipc_net_alien, ipc_net_deliver, ipc_net_free,
 * ipc_net_done, ipc_net_write, ipc_net_pieces, ipc_net_move_done, ipc_net_group_reply,
 * ipc_net_members, ipc_net_event.
 *
 * Context: all of them run with interrupts off, from a system call's net/ call, from the
 * NIC's receive interrupt, or from the protocol's 10 ms tick. None blocks. Those that
 * may reenter net/ say so (a kernel server answering at once replies through net_reply
 * before ipc_net_deliver returns).
 */
#ifndef KERNEL_IPC_NET_H
#define KERNEL_IPC_NET_H

#include <stdint.h>
#include <v/ksrv.h>
#include <v/msg.h>
#include <v/pid.h>

/* Process slots on a node (NPROC): a slot number net/ is given is below this. */
#define IPC_NET_SLOTS 64
/* The aliens of one client node may hold at most this many slots (net/remote.c refuses
 * the rest; docs/PROTOCOL.md, "Aliens are bounded"). */
#define IPC_NET_ALIENS_PER_NODE (IPC_NET_SLOTS / 2)

/* A fresh transaction id for a Send of this node: (boot epoch << 24) | counter, never 0.
 * One counter serves unicast and group Sends, so a server's "newest txid per client"
 * watermark orders both. */
uint32_t ipc_net_txid(void);

/* The kinds of alien record net/ asks for: a remote client's unicast Send, its group
 * Send delivered to one local member, or a VPF_START Send: a process another node just
 * created for local process `to` (KS_CREATE_TEAM), which awaits to's reply at once, as
 * a local new process awaits its creator (MoveTo/MoveFrom anywhere it granted; the Reply
 * starts it; it is never Received nor Forwarded). net/ treats it as a unicast alien. */
enum { IPC_NET_UNICAST = 1, IPC_NET_GROUP = 2, IPC_NET_START = 3 };

/* Check that remote client `client`'s request for local process (or kernel pseudo-
 * process) `to` can be taken, and reserve an alien record for it in *slot (< IPC_NET_SLOTS).
 * kind: IPC_NET_UNICAST, IPC_NET_GROUP or IPC_NET_START (`to` a process, not a pseudo-
 * process). Changes nothing on error: V_ENOPROC (`to` is
 * not a live local process or pseudo-process), V_ENOMEM (no free process slot). The
 * record does nothing until ipc_net_deliver. */
int ipc_net_alien(v_pid_t client, v_pid_t to, int kind, uint32_t *slot);

/* Deliver the reserved alien's message m: its grant is m's segment for a unicast alien,
 * and for a group alien only a READ of the data_len bytes its REQUEST carried. It is
 * queued on its receiver as any sender, or handed to the kernel server, which may answer
 * at once (through net_reply, before this returns). A group Send's request that the
 * kernel server does not answer for groups is declined at once (net_reply with
 * V_MSG_NO_REPLY). Cannot fail. */
void ipc_net_deliver(uint32_t slot, const struct v_msg *m, uint32_t data_len);

/* Free alien `slot` whose client has given up on it (a newer transaction came), without
 * answering it. Its receiver no longer sees it; a Reply to it gets V_ENOPROC. */
void ipc_net_free(uint32_t slot);

/* Local process `client`'s Send (or Forward) to another node has ended: with reply m
 * from `replier` (status V_OK), or with status < 0 (NACK, given up). Ignored if client
 * no longer awaits a reply. For a new process's start Send (net_send's start): m NULL and
 * status V_OK says the creator's kernel holds it (its first PENDING), so the creator's
 * KS_CREATE_TEAM reply goes now; status < 0 destroys the never-started team; a reply
 * starts it. May reenter net/ (net_reply, net_forget). */
void ipc_net_done(v_pid_t client, const struct v_msg *m, int status, v_pid_t replier);

/* Write n bytes to addr in local process pid's space. granted: only inside the WRITE
 * segment pid granted with the Send it awaits a reply to (a client's), else anywhere
 * mapped and writable (a mover's own memory). V_OK, V_ENOPROC, V_ENOACCESS, V_ERANGE,
 * V_EBADADDR; nothing is written on error. */
int ipc_net_write(v_pid_t pid, uint32_t addr, const void *src, uint32_t n, int granted);

/* The pages of [addr, addr + len) in pid's space as at most max pieces (pointers to
 * the kernel's mapping of each physically contiguous run), for the NIC to read in place.
 * granted: as for ipc_net_write, a READ segment. Returns the count, or an error as
 * ipc_net_write's. max 0: the checks only (returns 0). */
int ipc_net_pieces(v_pid_t pid, uint32_t addr, uint32_t len, int granted,
                   const uint8_t **piece, uint32_t *plen, int max);

/* Local process `mover`'s MoveTo or MoveFrom across the network has ended with status.
 * Ignored unless it is blocked in that move. */
void ipc_net_move_done(v_pid_t mover, int status);

/* Local process `client`'s group Send txid: member `from` replied m; or, m NULL, a
 * member said PENDING (still busy; wait longer for a first reply). Dropped (counted as
 * late) unless that group Send's reply window is open and from has not replied yet. */
void ipc_net_group_reply(v_pid_t client, uint32_t txid, const struct v_msg *m, v_pid_t from);

/* Up to max local members of group g into out; returns how many there are (may exceed
 * max). The kernel server alone is a member of V_GROUP_KERNEL_SERVERS. */
uint32_t ipc_net_members(v_pid_t g, v_pid_t *out, uint32_t max);

/* What net/ learned that is news to local processes, as a kernel event (v/group.h):
 * V_EV_NODE_UP (w0 node, w1 address, w2 lhost; to every node's members),
 * V_EV_NODE_DOWN (w0 node, w1 address, w2 V_EV_DOWN_SILENT; local members only),
 * V_EV_LHOST_MOVED (w0 lhost, w1 from, w2 to, w3 address; local members only).
 * Sent by the next tick, never from inside the caller. */
void ipc_net_event(uint16_t code, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3);

#endif
