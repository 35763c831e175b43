/*
 * args.c - hostile arguments for the abuse program's calls: pids (live, dead, remote,
 * groups, nonsense), addresses (good, crossing the end of the team, unmapped, kernel,
 * wrapping), lengths and words. Every value comes from the caller's generator `r`, so
 * call i of seed s is the same call on every run.
 *
 * Where the calls may write. The kernel writes into this team only where a call says
 * so: a message buffer, a Receive buffer, a WRITE grant. Those addresses are either in
 * the scratch arena (the last AB_ARENA bytes of the team, so that a length that runs
 * past its end runs off the team into unmapped space) or not this team's at all. The
 * calls never aim the kernel at their own code, stack or globals: a program that
 * overwrites itself proves nothing about the kernel. READ grants may point anywhere.
 */
#include "abuse.h"
#include <v/group.h>
#include <v/startup.h>

uint32_t ab_rand(uint32_t *r)        /* xorshift32 */
{
    uint32_t x = *r;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *r = x;
}

uint32_t ab_pick(uint32_t *r, uint32_t n) { return ab_rand(r) % n; }

static uint32_t my_lhost(void) { return v_pid_lhost(ab.driver); }

/* A pid no process has: local, on the remote node, or on a logical host nobody runs. */
static v_pid_t nobody(uint32_t *r)
{
    switch (ab_pick(r, 3)) {
    case 0:  return v_pid_make(my_lhost(), 0x7000u + ab_pick(r, 0x1000));
    case 1:  return ab.rks ? v_pid_make(v_pid_lhost(ab.rks), 0x7000u + ab_pick(r, 0x1000))
                           : V_PID_NONE;
    default: return v_pid_make(v_lhost_make(40u + ab_pick(r, 80), 0), 0x100u + ab_pick(r, 64));
    }
}

v_pid_t ab_kid_or_nobody(uint32_t *r)
{
    if (ab.nkids && ab_pick(r, 3))
        return ab.kids[ab_pick(r, ab.nkids < AB_KIDS ? ab.nkids : AB_KIDS)];
    return ab_pick(r, 8) ? nobody(r) : V_PID_NONE;
}

/* As ab_kid_or_nobody, or a process made in this team: never for a call that acts on
 * the target's team (it would be this one). */
v_pid_t ab_made_or_nobody(uint32_t *r)
{
    if (ab.nthreads && ab_pick(r, 2))
        return ab.threads[ab_pick(r, ab.nthreads < AB_KIDS ? ab.nthreads : AB_KIDS)];
    return ab_kid_or_nobody(r);
}

v_pid_t ab_group_pid(uint32_t *r)
{
    static const v_pid_t known[] = {
        V_GROUP_KERNEL_SERVERS, V_GROUP_PROGRAM_MANAGERS, V_GROUP_NAME_HANDLERS,
        V_GROUP_EV_PROCESS_DIED, V_GROUP_EV_TEAM_DIED, V_GROUP_EV_NODE,
        V_GROUP_EV_LHOST_MOVED, V_PID_GROUP_BIT,
    };
    switch (ab_pick(r, 4)) {
    case 0:  return known[ab_pick(r, sizeof known / sizeof known[0])];
    case 1:  return V_GROUP_NAME_CONTEXT(ab_rand(r));
    case 2:  return v_group_make(ab_pick(r, 2) ? my_lhost() : ab_rand(r), ab_pick(r, 64));
    default: return V_PID_GROUP_BIT | ab_rand(r);
    }
}

v_pid_t ab_any_pid(uint32_t *r)
{
    switch (ab_pick(r, 12)) {
    case 0:  return V_PID_NONE;
    case 1:  return ab.driver;
    case 2:  return v_my_pid();
    case 3:  return ab.ks;
    case 4:  return ab.pm;
    case 5:  return ab.name;
    case 6:  return ab.rks ? ab.rks : v_device_server();
    case 7:  return ab.rpm ? ab.rpm : v_device_server();
    case 8:  return ab_kid_or_nobody(r);
    case 9:  return nobody(r);
    case 10: return ab_group_pid(r);
    default: return ab_rand(r);
    }
}

/* An address the kernel may be asked to write len bytes to. */
uint32_t ab_wptr(uint32_t *r, uint32_t len)
{
    static const uint32_t bad[] = {
        0x1000u, 0x00100000u, V_USER_BASE - 0x1000u, V_USER_LIMIT - 16u, V_USER_LIMIT,
        0xc0000000u, 0xfffffff0u, 0xffffffffu,
    };
    uint32_t room = len < AB_ARENA ? AB_ARENA - len : 0;
    switch (ab_pick(r, 6)) {
    case 0: case 1: case 2:
        return ab.arena + ab_pick(r, room + 1);
    case 3:
        return ab.arena + AB_ARENA - ab_pick(r, 64);   /* a long one runs off the team */
    case 4:
        return ab_pick(r, 4) ? bad[ab_pick(r, sizeof bad / sizeof bad[0])] : 0;
    default:
        return ab.arena + AB_ARENA + ab_pick(r, 1u << 20);   /* past the team's end */
    }
}

/* An address the kernel may be asked to read from: anything. */
uint32_t ab_rptr(uint32_t *r)
{
    switch (ab_pick(r, 4)) {
    case 0:  return V_USER_BASE + ab_pick(r, 0x4000);     /* this program's code */
    case 1:  return ab_wptr(r, 0);
    case 2:  return ab_rand(r);
    default: return ab.arena + ab_pick(r, AB_ARENA);
    }
}

uint32_t ab_len(uint32_t *r)
{
    static const uint32_t edge[] = { 0, 1, 31, 32, 33, 1408, 4095, 4096, 4097, 65536,
                                     0x7fffffffu, 0x80000000u, 0xffffffffu };
    switch (ab_pick(r, 3)) {
    case 0:  return edge[ab_pick(r, sizeof edge / sizeof edge[0])];
    case 1:  return ab_pick(r, AB_ARENA + 64);
    default: return ab_pick(r, 256);
    }
}

uint32_t ab_word(uint32_t *r)
{
    switch (ab_pick(r, 4)) {
    case 0:  return ab_pick(r, 16);
    case 1:  return ab_any_pid(r);
    case 2:  return ab_len(r);
    default: return ab_rand(r);
    }
}

/* Random grant flags and segment: READ may point anywhere, WRITE only where it may. */
void ab_grant(uint32_t *r, struct v_msg *m)
{
    uint32_t len = ab_len(r);
    m->flags = (uint16_t)(ab_pick(r, 4) ? ab_pick(r, 4) : ab_rand(r));
    m->flags &= (uint16_t)~V_MSG_NO_REPLY;   /* a group Send decides that itself */
    m->seg_len = len;
    m->seg_ptr = m->flags & V_MSG_SEG_WRITE ? ab_wptr(r, len) : ab_rptr(r);
}

/* A message buffer for a call: mostly good (in the arena), sometimes not. */
struct v_msg *ab_msg(uint32_t *r)
{
    uint32_t a;
    if (ab_pick(r, 16))
        a = ab.arena + (ab_pick(r, AB_ARENA / 32) * 32u);
    else
        a = ab_wptr(r, sizeof(struct v_msg));
    return (struct v_msg *)(uintptr_t)a;
}

/* Remember a team (or a process of this team) the calls made, for the destructive
 * calls and the clean-up. */
void ab_kid(v_pid_t pid, int thread)
{
    if (pid && thread)
        ab.threads[ab.nthreads++ % AB_KIDS] = pid;
    else if (pid)
        ab.kids[ab.nkids++ % AB_KIDS] = pid;
}
