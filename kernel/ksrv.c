/*
 * ksrv.c - the kernel server. Each request is split, seL4-style, into checks that may
 * fail and change nothing, then actions that cannot fail. Entry points in ksrv.h.
 */
#include "ksrv.h"
#include "ipc.h"
#include "kernel.h"
#include "mem.h"
#include "module.h"
#include "sched.h"
#include "time.h"
#include "cmdline.h"
#include "vm.h"
#include "dev/console.h"
#include "dev/pci.h"
#include "group.h"
#include "group_event.h"
#include "ipc_net.h"
#include "net.h"
#include <string.h>
#include <v/err.h>
#include <v/proto.h>
#include <v/startup.h>
#include <v/syscall.h>

static v_pid_t logical[V_LOGICAL_COUNT];
static uint32_t ktest_passed, ktest_failed;

void ksrv_set_kernel_test_counts(uint32_t passed, uint32_t failed)
{
    ktest_passed = passed;
    ktest_failed = failed;
}

v_pid_t ksrv_logical(uint32_t id)
{
    if (id >= V_LOGICAL_COUNT || !logical[id])
        return 0;
    if (!proc_lookup(logical[id]))
        logical[id] = 0;            /* the registered process has died */
    return logical[id];
}

int ksrv_set_logical(uint32_t id, v_pid_t pid)
{
    if (id <= V_LOGICAL_DEVICE_SERVER || id >= V_LOGICAL_COUNT)
        return V_EINVAL;
    if (pid && !proc_lookup(pid))
        return V_ENOPROC;
    logical[id] = pid;
    return V_OK;
}

/* Copy n bytes to addr in the client's space: a local client's memory, or the REPLY of
 * a remote client's (at most V_PROTO_MAX_DATA bytes travel with it). */
static int client_out(struct proc *c, uint32_t addr, const void *src, uint32_t n)
{
    int err = ipc_grant_check(c, addr, n, V_MSG_SEG_WRITE);
    if (err)
        return err;
    return c->alien ? net_stage(proc_index(c), addr, src, n) : vm_copy_out(c->team, addr, src, n);
}

/* How many bytes of a reply table the client can take. */
static uint32_t room(const struct proc *c, const struct v_msg *m)
{
    return c->alien && m->seg_len > V_PROTO_MAX_DATA ? V_PROTO_MAX_DATA : m->seg_len;
}

/* Write records [first, n) of size sz into the client's write segment. */
static int put_table(struct proc *c, const struct v_msg *m, const void *recs, uint32_t first,
                     uint32_t n, uint32_t sz, uint32_t *written)
{
    uint32_t fit = room(c, m) / sz;
    n = first < n ? n - first : 0;
    if (n > fit)
        n = fit;
    int err = n ? client_out(c, m->seg_ptr, (const uint8_t *)recs + first * sz, n * sz) : V_OK;
    *written = err ? 0 : n;
    return err;
}

static void proc_info(struct proc *p, struct v_proc_info *r)
{
    memset(r, 0, sizeof(*r));
    r->pid = p->pid;
    r->team = p->team ? p->team->root : 0;
    r->state = p->state;
    r->priority = p->prio;
    r->blocked_on = p->blocked_on;
    r->ticks = p->ticks;
    r->team_size = p->team ? p->team->size : 0;
    strlcpy(r->name, p->team ? p->team->name : p->alien ? "(remote)" : "idle", V_NAME_LEN);
}

static int ks_process_info(struct v_msg *m)
{
    struct proc *p = proc_lookup(m->w[0]);
    if (!p)
        return V_ENOPROC;
    struct v_proc_info r;
    proc_info(p, &r);
    m->w[0] = r.state; m->w[1] = r.priority; m->w[2] = r.team; m->w[3] = r.blocked_on; m->w[4] = r.ticks;
    return V_OK;
}

static int ks_process_list(struct proc *c, struct v_msg *m)
{
    static struct v_proc_info recs[NPROC];
    uint32_t n = 0;
    for (uint32_t i = 0; proc_slot(i); i++) {
        struct proc *p = proc_slot(i);
        if (p->pid && p->state != V_PS_DEAD)
            proc_info(p, &recs[n++]);
    }
    uint32_t written;
    int err = put_table(c, m, recs, m->w[0], n, sizeof(recs[0]), &written);
    m->w[0] = n;
    m->w[1] = written;
    return err;
}

static int ks_device_list(struct proc *c, struct v_msg *m)
{
    uint32_t n;
    const struct v_dev_info *devs = pci_devices(&n);
    uint32_t written;
    int err = put_table(c, m, devs, m->w[0], n, sizeof(devs[0]), &written);
    m->w[0] = n;
    m->w[1] = written;
    return err;
}

/* Make the new process await the client, which may MoveTo anywhere in its space. A
 * remote client (an alien) learns of it by a real Send from it, flagged VPF_START, whose
 * segment is the whole space: the client's kernel holds it as awaiting the client's
 * reply and says so (PENDING), and only then does the client get its pid
 * (ksrv_start_heard), so that its first MoveTo always finds it. Returns IPC_DEFERRED
 * then, or an error (nothing sent: the caller destroys p). */
/* A team created for a remote creator that has not started it after this long is
 * destroyed: its creator's node keeps answering for it, so nothing else would end it
 * (docs/IPC.md). startlimit=S on the command line sets it in seconds. */
#define START_LIMIT_MS 30000u

static uint32_t start_limit_ms(void)
{
    uint32_t s;
    return cmdline_get_uint(kernel_cmdline, "startlimit", &s) == V_OK && s ? s * 1000u
                                                                           : START_LIMIT_MS;
}

static void start_expired(struct timer *t)
{
    struct proc *p = t->arg;
    if (p->state == V_PS_AWAITING_REPLY && p->await == AWAIT_START) {
        kprintf("kernel: team 0x%08x not started by 0x%08x in %u s: destroyed\n", p->pid,
                p->blocked_on, start_limit_ms() / 1000u);
        proc_destroy(p);                 /* never current: it has not run */
    }
}

static int await_creator(struct proc *p, struct proc *c)
{
    p->state = V_PS_AWAITING_REPLY;
    p->blocked_on = c->pid;
    p->await = AWAIT_START;
    p->grant_flags = V_MSG_SEG_READ | V_MSG_SEG_WRITE;
    p->grant_ptr = V_USER_BASE;
    p->grant_len = V_USER_LIMIT - V_USER_BASE;
    if (!c->alien)
        return V_OK;
    if (c->alien != ALIEN_REMOTE)
        return V_EPERM;                  /* a group's member creates nothing for it */
    struct v_msg s = { .flags = V_MSG_SEG_READ | V_MSG_SEG_WRITE, .seg_ptr = p->grant_ptr,
                       .seg_len = p->grant_len };
    s.w[0] = p->pid;
    p->msg = s;
    static const uint8_t none[1];
    int err = net_send(proc_index(p), p->pid, c->pid, &s, none, 0, 1);
    if (err)
        return err;
    p->timer.fn = start_expired;
    p->timer.arg = p;
    time_arm(&p->timer, time_now_ns() + (uint64_t)start_limit_ms() * 1000000u);
    return IPC_DEFERRED;
}

void ksrv_start_heard(struct proc *p, int status)
{
    v_pid_t ks = v_pid_make(node_lhost, V_LOCAL_KERNEL_SERVER);
    struct proc *a = proc_alien_awaiting(p->blocked_on, ks);
    if (!a || a->msg.code != KS_CREATE_TEAM || a->msg.w[0] != p->pid)
        return;                          /* answered already (or its client gave up) */
    a->msg.code = (uint16_t)(status < 0 ? status : V_OK);
    if (status < 0)
        a->msg.w[0] = 0;
    ipc_complete(a, &a->msg, V_OK, ks);
}

static int ks_create_team(struct proc *c, struct v_msg *m)
{
    uint32_t entry = m->w[0], esp = m->w[1], prio = m->w[2], size = m->w[3];
    if (!size || size > V_USER_LIMIT - V_USER_BASE || entry < V_USER_BASE ||
        entry >= V_USER_BASE + size || esp <= V_USER_BASE || esp > V_USER_BASE + size)
        return V_EINVAL;
    v_pid_t creator = c->team ? c->team->root : v_pid_make(v_pid_lhost(c->pid), 0);
    if (team_count_by(creator) >= TEAM_TEAMS)
        return V_ENOMEM;                 /* its share of the team table */
    struct team *t;
    struct proc *p;
    int err = team_create(size, &t);
    if (err)
        return err;
    t->creator = creator;
    err = proc_create(t, entry, esp, prio, 0, &p);
    if (err) {
        vm_destroy(t);
        t->used = 0;
        return err;
    }
    m->w[0] = p->pid;
    err = await_creator(p, c);
    if (err < 0) {
        m->w[0] = 0;
        proc_destroy(p);                 /* the root: its team goes with it */
    }
    return err;
}

static int ks_create_process(struct proc *c, struct v_msg *m)
{
    struct team *t = c->team;
    uint32_t entry = m->w[0], esp = m->w[1];
    if (!t || entry < V_USER_BASE || entry >= V_USER_BASE + t->size || esp <= V_USER_BASE ||
        esp > V_USER_BASE + t->size)
        return V_EINVAL;
    struct proc *p;
    int err = proc_create(t, entry, esp, m->w[2], m->w[3], &p);
    if (err)
        return err;
    await_creator(p, c);                 /* c is local: it has a team */
    m->w[0] = p->pid;
    return V_OK;
}

static int ks_set_team_size(struct v_msg *m)
{
    struct team *t = team_lookup(m->w[0]);
    if (!t)
        return V_ENOPROC;
    int err = vm_resize(t, m->w[1]);
    m->w[0] = t->size;
    return err;
}

static int ks_destroy(struct proc *c, struct v_msg *m)
{
    struct proc *p = proc_lookup(m->w[0]);
    if (!p)
        return ipc_is_pseudo(m->w[0]) ? V_EPERM : V_ENOPROC;
    if (!p->team)
        return V_EPERM;              /* the idle process */
    proc_destroy_for(p, c != current);  /* ends the caller at once; current, asked for
                                           by another, at its trap exit */
    return V_OK;
}

static int ks_set_exc_handler(struct v_msg *m)
{
    struct team *t = team_lookup(m->w[0]);
    if (!t)
        return V_ENOPROC;
    if (m->w[1] && !proc_lookup(m->w[1]))
        return V_ENOPROC;
    t->exc_handler = m->w[1];
    return V_OK;
}

static int ks_module(struct proc *c, struct v_msg *m, int read)
{
    const struct module *mod = module_get(m->w[0]);
    if (!mod)
        return V_ENOTFOUND;
    const void *src = mod->name;
    uint32_t n = (uint32_t)strlen(mod->name) + 1;
    if (read) {
        if (m->w[1] > mod->size)
            return V_ERANGE;
        src = (const uint8_t *)mod->start + m->w[1];
        n = mod->size - m->w[1];
    }
    if (n > room(c, m))
        n = room(c, m);
    int err = client_out(c, m->seg_ptr, src, n);
    m->w[0] = read ? (err ? 0 : n) : mod->size;
    return err;
}

static int ks_node_info(struct proc *c, struct v_msg *m)
{
    uint32_t n = (uint32_t)strlen(kernel_cmdline) + 1;
    if (n > room(c, m))
        n = room(c, m);
    int err = V_OK;
    if (n && (m->flags & V_MSG_SEG_WRITE))
        err = client_out(c, m->seg_ptr, kernel_cmdline, n);
    m->w[0] = node_id; m->w[1] = node_lhost; m->w[2] = net_ipv4();
    m->w[3] = (uint32_t)(time_now_ns() / 1000000u); m->w[4] = (uint32_t)test_mode;
    return err;
}

static int ks_set_team_name(struct proc *c, struct v_msg *m)
{
    struct team *t = team_lookup(m->w[0]);
    if (!t)
        return V_ENOPROC;
    if (c->alien)
        return V_EPERM;                  /* its name is in its REQUEST's data: not yet */
    char name[V_NAME_LEN] = { 0 };
    uint32_t n = m->seg_len < V_NAME_LEN - 1 ? m->seg_len : V_NAME_LEN - 1;
    int err = ipc_grant_check(c, m->seg_ptr, n, V_MSG_SEG_READ);
    if (!err)
        err = vm_copy_in(c->team, name, m->seg_ptr, n);
    if (!err)
        memcpy(t->name, name, sizeof(name));
    return err;
}

static int ks_set_priority(struct v_msg *m)
{
    struct proc *p = proc_lookup(m->w[0]);
    if (!p || !p->team)
        return V_ENOPROC;
    if (m->w[1] > V_PRIO_MAX)
        return V_EINVAL;
    int ready = p->state == V_PS_READY;
    sched_unready(p);
    p->prio = m->w[1];
    if (ready)
        sched_ready(p);
    return V_OK;
}

static int ks_test_report(struct v_msg *m)
{
    if (!test_mode)
        return V_EPERM;
    uint32_t passed = ktest_passed + m->w[0], failed = ktest_failed + m->w[1];
    kprintf("%u passed, %u failed\n", passed, failed);
    arch_halt(failed ? 0x11 : 0x10);
}

static int ks_times(struct v_msg *m, int set)
{
    if (set) {
        time_set_tod(((uint64_t)m->w[1] << 32) | m->w[0]);
        return V_OK;
    }
    uint64_t ns = time_now_ns(), tod = time_tod();
    m->w[0] = (uint32_t)ns; m->w[1] = (uint32_t)(ns >> 32);
    m->w[2] = (uint32_t)tod; m->w[3] = (uint32_t)(tod >> 32);
    return V_OK;
}

static int ks_net_stats(struct proc *c, struct v_msg *m)
{
    struct v_net_stats st;
    net_stats(&st);
    group_stats(&st);
    uint32_t bad = 0;
    for (int i = 0; i < VPD_COUNT; i++)
        bad += st.malformed[i];
    m->w[0] = st.rx; m->w[1] = bad; m->w[2] = st.retransmits;
    m->w[3] = st.duplicates; m->w[4] = st.give_ups;
    if (m->flags & V_MSG_SEG_WRITE)      /* as much as it holds: fields are only appended */
        return client_out(c, m->seg_ptr, &st, m->seg_len < sizeof(st) ? m->seg_len : sizeof(st));
    return V_OK;
}

static int ks_group_list(struct proc *c, struct v_msg *m)
{
    static struct v_group_info recs[64];
    uint32_t n = 0;
    while (n < 64 && group_entry(n, &recs[n].group, &recs[n].member) == V_OK)
        n++;
    uint32_t written;
    int err = put_table(c, m, recs, m->w[0], n, sizeof(recs[0]), &written);
    m->w[0] = n;
    m->w[1] = written;
    return err;
}

static int ks_limits(struct proc *c, struct v_msg *m)
{
    struct v_limits l = { .procs = NPROC, .procs_used = proc_count(), .teams = NTEAM,
                          .teams_used = team_count(), .groups = NGROUP,
                          .groups_used = group_memberships(), .team_procs = TEAM_PROCS,
                          .team_teams = TEAM_TEAMS, .team_groups = TEAM_GROUPS,
                          .node_aliens = IPC_NET_ALIENS_PER_NODE,
                          .team_proxies = TEAM_PROXIES };
    m->w[0] = l.procs_used; m->w[1] = l.teams_used; m->w[2] = l.groups_used;
    m->w[3] = m->w[4] = 0;
    if (m->flags & V_MSG_SEG_WRITE)      /* as much as it holds: fields are only appended */
        return client_out(c, m->seg_ptr, &l, m->seg_len < sizeof(l) ? m->seg_len : sizeof(l));
    return V_OK;
}

static int kernel_request(struct proc *c, struct v_msg *m)
{
    uint32_t total, free;
    switch (m->code) {
    case KS_PROCESS_INFO:    return ks_process_info(m);
    case KS_PROCESS_LIST:    return ks_process_list(c, m);
    case KS_MEMORY_STATS:
        mem_stats(&total, &free);
        m->w[0] = total; m->w[1] = free; m->w[2] = ARCH_PAGE_SIZE;
        m->w[3] = vm_pages_in_use(); m->w[4] = team_count();
        return V_OK;
    case KS_GET_TIME:        return ks_times(m, 0);
    case KS_SET_TIME:        return ks_times(m, 1);
    case KS_DEVICE_LIST:     return ks_device_list(c, m);
    case KS_CREATE_TEAM:     return ks_create_team(c, m);
    case KS_CREATE_PROCESS:  return ks_create_process(c, m);
    case KS_SET_TEAM_SIZE:   return ks_set_team_size(m);
    case KS_DESTROY:         return ks_destroy(c, m);
    case KS_SET_EXC_HANDLER: return ks_set_exc_handler(m);
    case KS_MODULE_INFO:     return ks_module(c, m, 0);
    case KS_MODULE_READ:     return ks_module(c, m, 1);
    case KS_NODE_INFO:       return ks_node_info(c, m);
    case KS_SET_TEAM_NAME:   return ks_set_team_name(c, m);
    case KS_SET_PRIORITY:    return ks_set_priority(m);
    case KS_HALT:
        kprintf("node %u halted (status %u)\n", node_id, m->w[0]);
        group_event_halting();           /* tell the event group before going, and give */
        for (uint64_t t0 = time_now_ns(); time_now_ns() - t0 < 20000000u;)
            ;                            /* the NIC 20 ms to send it (virtio-net sends later) */
        arch_halt(0x10 + m->w[0]);
    case KS_TEST_REPORT:     return ks_test_report(m);
    case KS_NET_STATS:       return ks_net_stats(c, m);
    case KS_CREATE_GROUP:    return (m->w[0] = group_create()) ? V_OK : V_ENOMEM;
    case KS_GROUP_LIST:      return ks_group_list(c, m);
    case KS_LIMITS:          return ks_limits(c, m);
    case KS_STATS:
        m->w[0] = kstats.sends; m->w[1] = kstats.switches; m->w[2] = kstats.exceptions;
        m->w[3] = kstats.syscall_errors; m->w[4] = kstats.ticks;
        return V_OK;
    default:                 return V_EBADCALL;
    }
}

int ksrv_group_ok(uint16_t code)
{
    return code == KS_NODE_INFO || code == KS_MEMORY_STATS || code == KS_STATS ||
           code == KS_GET_TIME || code == KS_PROCESS_INFO;
}

int ksrv_request(struct proc *c, struct v_msg *m, v_pid_t to)
{
    int r;
    if (v_pid_local(to) == V_LOCAL_KERNEL_SERVER)
        r = kernel_request(c, m);
    else
        r = console_request(c, m);
    if (r != IPC_DEFERRED)
        m->code = (uint16_t)r;
    return r;
}
