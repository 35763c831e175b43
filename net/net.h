/*
 * net.h - the one door from the kernel into net/: what only the wire can do. The
 * kernel's communication module (kernel/ipc.c, kernel/group.c) calls these and nothing
 * else of net/; net/ answers back only through kernel/ipc_net.h. A local process is
 * named by pid and by its process slot (< IPC_NET_SLOTS), an alien record by its slot; net/
 * keeps its own state per slot (the transaction in progress, what an alien's REQUEST
 * carried) and never touches a struct proc.
 *
 * Entry points (13), by the file that implements them:
 *   netif.c:        net_init, net_ipv4
 *   udp.c:          net_mcast
 *   remote.c:       net_send, net_forward, net_reply, net_stage, net_request_data,
 *                   net_forget, net_stats
 *   remote_move.c:  net_move
 *   remote_group.c: net_group_send, net_group_end
 *
 * Context: interrupts off (the whole kernel runs so). None blocks: a call that starts
 * something on the wire returns at once, and its end comes back through ipc_net.h
 * (ipc_net_done, ipc_net_move_done, ipc_net_group_reply), never from inside the call,
 * except that net_reply and net_forward may be called from inside ipc_net_deliver.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdint.h>
#include <v/ksrv.h>
#include <v/msg.h>
#include <v/pid.h>

/* Bring the network up: read mtu=, probe the NICs found by pci_init, start the first
 * one, configure IPv4 from ip=/gw= or DHCP, and open the inter-kernel protocol's port.
 * Returns at once (the interface's "up" line is printed when it has an address). A node
 * without a NIC runs without a network: every other call then fails or does nothing.
 * Call after pci_init, time_init and group_init. */
void net_init(void);

/* The node's IPv4 address in host byte order (10.77.0.11 is 0x0a4d000b), 0 while it has
 * none. */
uint32_t net_ipv4(void);

/* Listen on IPv4 multicast address addr (join 1), or stop (join 0); joins are counted,
 * lwIP sends the IGMP reports. V_OK, V_EINVAL (not multicast), V_ENOMEM (too many
 * groups), V_ENOTFOUND (no interface; leaving what was not joined). */
int net_mcast(uint32_t addr, int join);

/* Start local process `client`'s (in process slot `slot`) Send of m to remote pid `to`,
 * carrying n bytes (at most V_PROTO_MAX_DATA) of its READ segment. V_OK: the caller
 * blocks the client, whose reply or error (V_ETIMEOUT after 4.7 s of silence,
 * V_ENOPROC, a NACK's error) comes by ipc_net_done. V_ENOPROC: no network.
 * start: client is a process just created for `to` (KS_CREATE_TEAM from another node),
 * sent flagged VPF_START; the first PENDING heard for it is told by ipc_net_done with m
 * NULL and status V_OK (`to`'s kernel now holds it as awaiting to's reply). */
int net_send(uint32_t slot, v_pid_t client, v_pid_t to, const struct v_msg *m,
             const void *data, uint32_t n, int start);

/* Pass alien `slot`'s request, now message m, on to remote `to`; its client's kernel
 * gets the reply from there. net/ forgets the alien (the kernel frees its record). V_OK,
 * or an error (nothing sent; the alien is still ours). */
int net_forward(uint32_t slot, v_pid_t to, const struct v_msg *m);

/* Answer alien `slot` (its reply m from `replier`, with any bytes net_stage staged), or
 * refuse it (status < 0: NACK with that error). A group alien declines with status < 0
 * or m->flags & V_MSG_NO_REPLY (nothing is sent; a retransmission is not redelivered).
 * net/ forgets the alien; the kernel frees its record after the call. */
void net_reply(uint32_t slot, const struct v_msg *m, int status, v_pid_t replier);

/* Stage n bytes to travel in alien `slot`'s REPLY, for its client's address addr: one
 * contiguous piece, V_PROTO_MAX_DATA bytes in all. V_OK, V_EINVAL (not contiguous with
 * what is staged), V_ERANGE (too much). */
int net_stage(uint32_t slot, uint32_t addr, const void *src, uint32_t n);

/* The segment bytes alien `slot`'s REQUEST carried (the first V_PROTO_MAX_DATA of its
 * READ segment at most): a pointer valid until the alien is answered, *n their count. */
const uint8_t *net_request_data(uint32_t slot, uint32_t *n);

/* Start local process `mover`'s move with alien `slot`'s client: write (MoveTo) len
 * bytes from mover's local_addr to the client's client_addr, or read (MoveFrom) them
 * the other way. The caller has checked the grant and the mover's range. V_OK: the
 * caller blocks the mover until ipc_net_move_done; V_ENOMEM (too many moves at once). */
int net_move(uint32_t slot, v_pid_t mover, uint32_t client_addr, uint32_t local_addr,
             uint32_t len, int write);

/* Process slot `slot`, pid `pid`, is being freed (a process dies, an alien goes): drop
 * its transactions, group transaction and moves; nothing more is said of them. */
void net_forget(uint32_t slot, v_pid_t pid);

/* The protocol's counters (struct v_net_stats; the kernel adds its group counters). */
void net_stats(struct v_net_stats *out);

/* Multicast `client`'s group Send txid of m to group g, carrying n bytes of segment.
 * wait (the client is a local process in slot `slot`, which then matters): retransmit
 * it on the unicast schedule until net_group_end (members answer repeats from their
 * reply cache, so a member that missed a copy replies once and none runs it twice);
 * members' REPLY and PENDING come by ipc_net_group_reply. Without wait it goes once.
 * V_OK, V_ENOPROC (no network: there are no other nodes), V_EINVAL. */
int net_group_send(uint32_t slot, v_pid_t client, v_pid_t g, uint32_t txid,
                   const struct v_msg *m, const void *data, uint32_t n, int wait);

/* Slot's group Send no longer takes replies: stop retransmitting it. */
void net_group_end(uint32_t slot);

#endif
