/* console.c - the console device: output from a segment, buffered interrupt-driven input. */
#include "dev/console.h"
#include "ipc.h"
#include "kernel.h"
#include "proc.h"
#include "vm.h"
#include <v/dev.h>
#include <v/err.h>
#include <v/proto.h>

#define RXBUF 1024

static char rx[RXBUF];
static uint32_t rx_head, rx_tail;      /* head == tail: empty */
static struct list readers;            /* processes awaiting DEV_READ replies */
static uint32_t rx_dropped;

void console_init(void)
{
    list_init(&readers);
    arch_irq_enable(4);
}

static uint32_t rx_count(void) { return (rx_head - rx_tail) % RXBUF; }

/* Take up to `want` buffered input bytes into buf; returns how many. */
static uint32_t take_input(char *buf, uint32_t want)
{
    uint32_t n = 0;
    while (n < want && rx_tail != rx_head) {
        buf[n++] = rx[rx_tail];
        rx_tail = (rx_tail + 1) % RXBUF;
    }
    return n;
}

/* Copy input into reader p's segment; 0 or V_EBADADDR. *n = bytes given. */
static int give_input(struct proc *p, uint32_t *n)
{
    char buf[RXBUF];
    uint32_t want = p->grant_len < sizeof(buf) ? p->grant_len : sizeof(buf);
    *n = take_input(buf, want);
    int err = vm_copy_out(p->team, p->grant_ptr, buf, *n);
    if (err)
        *n = 0;
    return err;
}

/* Complete a waiting reader with what is buffered. */
static void deliver(struct proc *p)
{
    struct v_msg r = { 0 };
    int err = give_input(p, &r.w[0]);
    r.code = (uint16_t)err;
    ipc_complete(p, &r, V_OK, v_pid_make(node_lhost, V_LOCAL_DEVICE_SERVER));
}

void console_rx_irq(void)
{
    int c;
    while ((c = arch_console_getc()) >= 0) {
        if ((rx_head + 1) % RXBUF == rx_tail) {
            rx_dropped++;
            continue;
        }
        rx[rx_head] = (char)c;
        rx_head = (rx_head + 1) % RXBUF;
    }
    struct list *e;
    while (rx_head != rx_tail && (e = list_pop_front(&readers)))
        deliver(list_entry(e, struct proc, qlink));
}

static int console_write(struct proc *c, const struct v_msg *m)
{
    int err = ipc_grant_check(c, m->seg_ptr, m->seg_len, V_MSG_SEG_READ);
    if (err)
        return err;
    if (c->alien) {                      /* a remote writer: what its REQUEST carried */
        uint32_t n;
        const uint8_t *d = ipc_alien_data(c, &n);
        for (uint32_t i = 0; i < n; i++)
            arch_console_putc((char)d[i]);
        return V_OK;
    }
    char buf[256];
    for (uint32_t off = 0; off < m->seg_len;) {
        uint32_t n = m->seg_len - off < sizeof(buf) ? m->seg_len - off : sizeof(buf);
        err = vm_copy_in(c->team, buf, m->seg_ptr + off, n);
        if (err)
            return err;
        for (uint32_t i = 0; i < n; i++)
            arch_console_putc(buf[i]);
        off += n;
    }
    return V_OK;
}

int console_request(struct proc *c, struct v_msg *m)
{
    if (m->w[0] != V_DEV_CONSOLE)
        return V_ENOTFOUND;
    switch (m->code) {
    case DEV_WRITE: {
        int err = console_write(c, m);
        if (!err)
            m->w[0] = m->seg_len;
        return err;
    }
    case DEV_READ: {
        int err = ipc_grant_check(c, m->seg_ptr, m->seg_len, V_MSG_SEG_WRITE);
        if (err)
            return err;
        if (!m->seg_len)
            return V_EINVAL;
        if (c->alien)
            return V_EPERM;              /* console input is for this node's programs */
        if (rx_head != rx_tail)                    /* input is waiting: answer now */
            return give_input(c, &m->w[0]);
        list_push_back(&readers, &c->qlink);
        return IPC_DEFERRED;
    }
    case DEV_QUERY: {
        uint32_t n = 0;
        struct list *e;
        list_for_each(e, &readers)
            n++;
        m->w[0] = rx_count();
        m->w[1] = n;
        m->w[2] = rx_dropped;
        return V_OK;
    }
    default:
        return V_EBADCALL;
    }
}

void console_abandon(struct proc *p)
{
    struct list *e;
    list_for_each(e, &readers)
        if (e == &p->qlink) {
            list_remove(e);
            return;
        }
}
