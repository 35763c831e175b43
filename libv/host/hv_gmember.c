/*
 * hv_gmember.c - group membership for libv on Linux (docs/HOST.md "Process groups"): a
 * host process joins a group by joining the group's multicast address on the multicast
 * interface (hv_mcast_if). Group REQUESTs go to that address's port 4377, so that is
 * where it must listen:
 *   - a process whose own socket is on port 4377 joins on that socket;
 *   - any other gets one extra socket per address, bound to the address itself, port
 *     4377, with SO_REUSEADDR, so that several host processes (and a host program on
 *     4377 that also set SO_REUSEADDR) each get a copy. Its replies still go from the
 *     process's own socket.
 * What arrives is dispatched as any datagram; hv_server.c queues a group REQUEST as an
 * alien when hv_gm_member says we are in the group, and drops it silently otherwise.
 *
 * Entry points: v_join_group, v_leave_group (v/ipc.h); hv_gm_member, hv_gm_fds (hv.h).
 */
#include "hv.h"
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <v/group.h>

static v_pid_t joined[HV_GROUPS];        /* 0: free */
static struct gsock {
    uint32_t addr;                       /* 0: free */
    int fd;                              /* hv.fd when it is on port 4377 */
    uint32_t refs;                       /* joined groups at this address */
} socks[HV_GROUPS];

static int membership(int fd, uint32_t addr, int opt)
{
    struct ip_mreq mr;

    mr.imr_multiaddr.s_addr = htonl(addr);
    mr.imr_interface.s_addr = htonl(hv_mcast_if());
    return setsockopt(fd, IPPROTO_IP, opt, &mr, sizeof mr);
}

/* A socket that receives addr:4377, joined to addr. V_OK, V_EBUSY (a program holds port
 * 4377 without sharing it), V_ENOMEM (no socket, or the join was refused). */
static int open_sock(uint32_t addr, int *out)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(V_PROTO_PORT),
                              .sin_addr.s_addr = htonl(addr) };
    int one = 1, zero = 0, fd, rc = V_ENOMEM;

    if (hv.port == V_PROTO_PORT) {
        *out = hv.fd;
        return membership(hv.fd, addr, IP_ADD_MEMBERSHIP) < 0 ? V_ENOMEM : V_OK;
    }
    if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return V_ENOMEM;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof zero);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        rc = errno == EADDRINUSE ? V_EBUSY : V_ENOMEM;
    else if (membership(fd, addr, IP_ADD_MEMBERSHIP) == 0)
        rc = V_OK;
    if (rc < 0) {
        if (hv.debug)
            fprintf(stderr, "libv: group address 0x%08x port %u: %s\n", addr, V_PROTO_PORT,
                    strerror(errno));
        close(fd);
        return rc;
    }
    *out = fd;
    return V_OK;
}

static struct gsock *sock_of(uint32_t addr)
{
    for (int i = 0; i < HV_GROUPS; i++)
        if (socks[i].addr == addr)
            return &socks[i];
    return 0;
}

static int slot_of(v_pid_t g)
{
    for (int i = 0; i < HV_GROUPS; i++)
        if (joined[i] == g)
            return i;
    return -1;
}

/* Is this process a member of group g? */
int hv_gm_member(v_pid_t g)
{
    return g && slot_of(g) >= 0;
}

/* The extra sockets to poll (not hv.fd), at most max; returns how many. */
int hv_gm_fds(int *fds, int max)
{
    int n = 0;

    for (int i = 0; i < HV_GROUPS && n < max; i++)
        if (socks[i].addr && socks[i].fd != hv.fd)
            fds[n++] = socks[i].fd;
    return n;
}

/* Argument checks shared by join and leave: g a group other than the kernel servers'
 * (whose membership is implicit: the kernels), pid 0 or us. */
static int checks(v_pid_t g, v_pid_t pid)
{
    int rc = hv_init();

    if (rc < 0)
        return rc;
    if (!v_group_is(g) || g == V_GROUP_KERNEL_SERVERS || v_pid_is_group(pid))
        return V_EINVAL;
    return V_OK;
}

/* Make this process (pid 0 or our pid) a member of group g; joining twice is harmless.
 * Errors: V_EINVAL (not a group, the kernel servers' group, pid is a group), V_ENOPROC
 * (another pid: a host process holds only itself), V_ENOMEM (HV_GROUPS groups joined
 * already, or no socket), V_EBUSY (port 4377 is held by a program that does not share
 * it, e.g. one bound with V_PORT=4377 by an older libv). */
int v_join_group(v_pid_t g, v_pid_t pid)
{
    int rc = checks(g, pid), free_j = -1, fd;
    uint32_t addr = v_group_mcast_addr(g);
    struct gsock *s;

    if (rc < 0)
        return rc;
    if (pid && pid != hv.pid)
        return V_ENOPROC;
    if (slot_of(g) >= 0)
        return V_OK;
    if ((free_j = slot_of(0)) < 0)
        return V_ENOMEM;
    if (!(s = sock_of(addr))) {
        if (!(s = sock_of(0)))
            return V_ENOMEM;
        if ((rc = open_sock(addr, &fd)) < 0)
            return rc;
        s->addr = addr;
        s->fd = fd;
        s->refs = 0;
    }
    s->refs++;
    joined[free_j] = g;
    return V_OK;
}

/* Leave group g (pid 0 or our pid); the address is left when no joined group uses it.
 * Requests of g already queued stay. Errors: V_EINVAL (as join), V_ENOTFOUND (not a
 * member). */
int v_leave_group(v_pid_t g, v_pid_t pid)
{
    int rc = checks(g, pid), j;
    struct gsock *s;

    if (rc < 0)
        return rc;
    if ((pid && pid != hv.pid) || (j = slot_of(g)) < 0)
        return V_ENOTFOUND;
    joined[j] = 0;
    s = sock_of(v_group_mcast_addr(g));
    if (s && --s->refs == 0) {
        if (s->fd == hv.fd)
            membership(hv.fd, s->addr, IP_DROP_MEMBERSHIP);
        else
            close(s->fd);                /* the kernel drops its membership */
        s->addr = 0;
    }
    return V_OK;
}
