/*
 * libv/kclient.c - client stubs for the kernel server (v/ksrv.h) and the device server
 * (v/dev.h), and v_thread_start. Each stub is one Send to a kernel pseudo-process and
 * returns the send error or the reply code; results come back through out-parameters.
 * The kernel server of any logical host is reachable, so stubs taking `ks` work for a
 * remote node too; the others talk to this node's servers.
 */
#include <v/ipc.h>
#include <v/kclient.h>
#include <v/dev.h>
#include <v/group.h>
#include <string.h>
#include <stdlib.h>

extern void v_thread_entry(void);   /* libv/crt0.S */

static inline uint32_t ptr(const void *p) { return (uint32_t)(uintptr_t)p; }

static void msg_init(struct v_msg *m, uint16_t code)
{
    memset(m, 0, sizeof *m);
    m->code = code;
}

int v_call(v_pid_t to, struct v_msg *m)
{
    int rc = v_send(m, to);

    return rc < 0 ? rc : v_msg_reply_code(m);
}

v_pid_t v_kernel_server(void) { return v_kernel_server_of(v_my_pid()); }
v_pid_t v_device_server(void) { return v_device_server_of(v_my_pid()); }

/* KS_PROCESS_INFO says whether pid exists; the full record is taken from the process
 * list, whose layout is fixed by struct v_proc_info (w[] cannot hold all of it). */
int v_ks_process_info(v_pid_t ks, v_pid_t pid, struct v_proc_info *out)
{
    struct v_msg m;
    struct v_proc_info *tab;
    uint32_t total = 0, n = 0, i, max = 64;
    int rc;

    msg_init(&m, KS_PROCESS_INFO);
    m.w[0] = pid;
    if ((rc = v_call(ks, &m)) < 0 || !out)
        return rc;
    for (;;) {
        if (!(tab = malloc(max * sizeof *tab)))
            return V_ENOMEM;
        rc = v_ks_process_list(ks, tab, max, &total, &n);
        if (rc < 0 || total <= max)
            break;
        free(tab);
        max = total + 8;
    }
    if (rc == 0) {
        rc = V_ENOPROC;
        for (i = 0; i < n; i++)
            if (tab[i].pid == pid) {
                *out = tab[i];
                rc = V_OK;
                break;
            }
    }
    free(tab);
    return rc;
}

/* Fetch a kernel-server table of `size`-byte records into buf, `max` records at most.
 * A remote kernel server answers at most 1 KiB at a time, so ask again from where its
 * answer stopped (w0 = the first record wanted) until the table or buf is full. */
static int ks_table(v_pid_t ks, uint16_t code, void *buf, uint32_t size, uint32_t max,
                    uint32_t *total, uint32_t *written)
{
    uint32_t got = 0, all = 0;
    int rc;
    do {
        struct v_msg m;
        msg_init(&m, code);
        m.w[0] = got;
        v_msg_grant(&m, V_MSG_SEG_WRITE, (char *)buf + got * size, (max - got) * size);
        rc = v_call(ks, &m);
        if (rc < 0)
            break;
        all = m.w[0];
        if (!m.w[1])
            break;
        got += m.w[1];
    } while (got < all && got < max);
    if (total)
        *total = rc < 0 ? 0 : all;
    if (written)
        *written = rc < 0 ? 0 : got;
    return rc;
}

int v_ks_process_list(v_pid_t ks, struct v_proc_info *buf, uint32_t max, uint32_t *total,
                      uint32_t *written)
{
    return ks_table(ks, KS_PROCESS_LIST, buf, sizeof *buf, max, total, written);
}

int v_ks_device_list(v_pid_t ks, struct v_dev_info *buf, uint32_t max, uint32_t *total,
                     uint32_t *written)
{
    return ks_table(ks, KS_DEVICE_LIST, buf, sizeof *buf, max, total, written);
}

/* Make a new team of `size` bytes; its first process awaits our reply (see ksrv.h). */
int v_ks_create_team(uint32_t entry, uint32_t esp, uint32_t prio, uint32_t size, v_pid_t *pid)
{
    struct v_msg m;
    int rc;

    msg_init(&m, KS_CREATE_TEAM);
    m.w[0] = entry;
    m.w[1] = esp;
    m.w[2] = prio;
    m.w[3] = size;
    rc = v_call(v_kernel_server(), &m);
    if (pid)
        *pid = rc < 0 ? V_PID_NONE : m.w[0];
    return rc;
}

/* Make a process in our team; it starts at entry (eax = arg, esp = stack_top) once we
 * reply to it (v_ks_start). */
int v_ks_create_process(void (*entry)(uint32_t), void *stack_top, uint32_t prio,
                        uint32_t arg, v_pid_t *pid)
{
    struct v_msg m;
    int rc;

    msg_init(&m, KS_CREATE_PROCESS);
    m.w[0] = ptr((const void *)entry);
    m.w[1] = ptr(stack_top);
    m.w[2] = prio;
    m.w[3] = arg;
    rc = v_call(v_kernel_server(), &m);
    if (pid)
        *pid = rc < 0 ? V_PID_NONE : m.w[0];
    return rc;
}

int v_ks_start(v_pid_t pid)
{
    struct v_msg m;

    msg_init(&m, V_OK);
    return v_reply(&m, pid);
}

int v_ks_set_team_size(v_pid_t pid, uint32_t size, uint32_t *newsize)
{
    struct v_msg m;
    int rc;

    msg_init(&m, KS_SET_TEAM_SIZE);
    m.w[0] = pid;
    m.w[1] = size;
    rc = v_call(v_kernel_server(), &m);
    if (newsize)
        *newsize = rc < 0 ? 0 : m.w[0];
    return rc;
}

/* The kernel server of the pid's own logical host does the destroying, so a remote pid
 * is destroyed by its node. */
int v_ks_destroy(v_pid_t pid)
{
    struct v_msg m;

    msg_init(&m, KS_DESTROY);
    m.w[0] = pid;
    return v_call(v_kernel_server_of(pid), &m);
}

int v_ks_set_exc_handler(v_pid_t team_pid, v_pid_t handler)
{
    struct v_msg m;

    msg_init(&m, KS_SET_EXC_HANDLER);
    m.w[0] = team_pid;
    m.w[1] = handler;
    return v_call(v_kernel_server(), &m);
}

int v_ks_set_team_name(v_pid_t pid, const char *name)
{
    struct v_msg m;

    msg_init(&m, KS_SET_TEAM_NAME);
    m.w[0] = pid;
    v_msg_grant(&m, V_MSG_SEG_READ, name, strnlen(name, V_NAME_LEN - 1) + 1);
    return v_call(v_kernel_server(), &m);
}

int v_ks_halt(int status)
{
    struct v_msg m;

    msg_init(&m, KS_HALT);
    m.w[0] = (uint32_t)status;
    return v_call(v_kernel_server(), &m);
}

int v_ks_test_report(uint32_t passed, uint32_t failed)
{
    struct v_msg m;

    msg_init(&m, KS_TEST_REPORT);
    m.w[0] = passed;
    m.w[1] = failed;
    return v_call(v_kernel_server(), &m);
}

/* The kernel writes at most len-1 bytes, so the string always ends in the NUL we put. */
int v_ks_node_info(v_pid_t ks, struct v_node_info *out, char *cmdline, uint32_t len)
{
    struct v_msg m;
    int rc;

    msg_init(&m, KS_NODE_INFO);
    if (cmdline && len) {
        memset(cmdline, 0, len);
        v_msg_grant(&m, V_MSG_SEG_WRITE, cmdline, len - 1);
    }
    rc = v_call(ks, &m);
    if (rc == 0 && out) {
        out->node = m.w[0];
        out->lhost = m.w[1];
        out->ipv4 = m.w[2];
        out->uptime_ms = m.w[3];
        out->test_mode = m.w[4];
    }
    return rc;
}

int v_ks_module_info(uint32_t index, uint32_t *size, char *name, uint32_t len)
{
    struct v_msg m;
    int rc;

    msg_init(&m, KS_MODULE_INFO);
    m.w[0] = index;
    if (name && len) {
        memset(name, 0, len);
        v_msg_grant(&m, V_MSG_SEG_WRITE, name, len - 1);
    }
    rc = v_call(v_kernel_server(), &m);
    if (size)
        *size = rc < 0 ? 0 : m.w[0];
    return rc;
}

int v_ks_module_read(uint32_t index, uint32_t offset, void *buf, uint32_t len,
                     uint32_t *got)
{
    struct v_msg m;
    int rc;

    msg_init(&m, KS_MODULE_READ);
    m.w[0] = index;
    m.w[1] = offset;
    v_msg_grant(&m, V_MSG_SEG_WRITE, buf, len);
    rc = v_call(v_kernel_server(), &m);
    if (got)
        *got = rc < 0 ? 0 : m.w[0];
    return rc;
}

int v_ks_get_time(v_pid_t ks, uint64_t *mono_ns, uint64_t *tod_s)
{
    struct v_msg m;
    int rc;

    msg_init(&m, KS_GET_TIME);
    if ((rc = v_call(ks, &m)) < 0)
        return rc;
    if (mono_ns)
        *mono_ns = ((uint64_t)m.w[1] << 32) | m.w[0];
    if (tod_s)
        *tod_s = ((uint64_t)m.w[3] << 32) | m.w[2];
    return rc;
}

int v_ks_set_time(v_pid_t ks, uint64_t tod_s)
{
    struct v_msg m;

    msg_init(&m, KS_SET_TIME);
    m.w[0] = (uint32_t)tod_s;
    m.w[1] = (uint32_t)(tod_s >> 32);
    return v_call(ks, &m);
}

/*
 * Start fn(arg) as a new process of our team. Its stack (stack_size bytes, 16 KiB if 0)
 * comes from malloc and is never freed: a thread's end is not reported to its team.
 * The stack top holds fn for v_thread_entry (crt0.S), which gets arg in eax and calls
 * fn(arg) with esp 16-byte aligned, then exits. Errors: V_ENOMEM, the kernel's.
 */
int v_thread_start(void (*fn)(uint32_t), uint32_t arg, uint32_t prio, uint32_t stack_size,
                   v_pid_t *pid)
{
    uint8_t *stack;
    uint32_t *top;
    v_pid_t p;
    int rc;

    if (stack_size < 1024)
        stack_size = 16 * 1024;
    if (!(stack = malloc(stack_size)))
        return V_ENOMEM;
    /* v_thread_entry pops fn, then pushes 16 bytes before the call: start at 12 mod 16 */
    top = (uint32_t *)((((uintptr_t)stack + stack_size - 16) & ~(uintptr_t)15) - 4);
    top[0] = ptr((const void *)fn);
    rc = v_ks_create_process((void (*)(uint32_t))v_thread_entry, top, prio, arg, &p);
    if (rc < 0) {
        free(stack);
        return rc;
    }
    if ((rc = v_ks_start(p)) < 0)
        return rc;
    if (pid)
        *pid = p;
    return V_OK;
}

/* Write all of buf to the console (device unit 0), in as many requests as it takes. */
int v_console_write(const void *buf, uint32_t len)
{
    const uint8_t *p = buf;
    struct v_msg m;
    int rc;

    while (len > 0) {
        msg_init(&m, DEV_WRITE);
        m.w[0] = V_DEV_CONSOLE;
        v_msg_grant(&m, V_MSG_SEG_READ, p, len);
        if ((rc = v_call(v_device_server(), &m)) < 0)
            return rc;
        if (m.w[0] == 0 || m.w[0] > len)
            return V_EINVAL;
        p += m.w[0];
        len -= m.w[0];
    }
    return V_OK;
}

/* Block until the console has input, then take up to len bytes of it. */
int v_console_read(void *buf, uint32_t len, uint32_t *got)
{
    struct v_msg m;
    int rc;

    msg_init(&m, DEV_READ);
    m.w[0] = V_DEV_CONSOLE;
    v_msg_grant(&m, V_MSG_SEG_WRITE, buf, len);
    rc = v_call(v_device_server(), &m);
    if (got)
        *got = rc < 0 ? 0 : (m.w[0] > len ? len : m.w[0]);
    return rc;
}

/* A process state's name as ps shows it (enum v_proc_state), "?" for anything else. */
const char *v_proc_state_name(uint32_t s)
{
    static const char *const names[] = {
        [V_PS_READY] = "ready", [V_PS_RUNNING] = "running",
        [V_PS_RECEIVE_BLOCKED] = "receive", [V_PS_AWAITING_REPLY] = "await-reply",
        [V_PS_SEND_BLOCKED] = "send", [V_PS_DELAYED] = "delayed", [V_PS_DEAD] = "dead",
        [V_PS_MOVE_BLOCKED] = "move",
    };
    return s < sizeof names / sizeof names[0] && names[s] ? names[s] : "?";
}

int v_ks_cluster_nodes(uint32_t bits[8], uint32_t *ipv4)
{
    struct v_msg m = { .code = KS_NODE_INFO };
    v_pid_t from;
    int rc = v_send_r(&m, V_GROUP_KERNEL_SERVERS, &from), first = rc;

    memset(bits, 0, 8 * sizeof bits[0]);
    while (rc == V_OK) {
        uint32_t node = m.w[0];          /* KS_NODE_INFO: w0 = the node, w2 = its IPv4 */
        if (!m.code && node && node <= V_NODE_MAX) {
            bits[node / 32] |= 1u << (node % 32);
            if (ipv4)
                ipv4[node] = m.w[2];
        }
        rc = v_get_reply(&m, V_GROUP_WINDOW_MS, &from);
    }
    return first;
}
