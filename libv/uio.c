/*
 * uio.c - the UIO client (v/uioclient.h, docs/UIO.md). Entry points: v_uio_open,
 * v_uio_query, v_uio_read, v_uio_write, v_uio_set_size, v_uio_close, v_uio_remove,
 * v_uio_list. Names are resolved by the name client (libv/name.c); the path (the rest
 * of the canonical name) travels as a READ grant of its bytes and its NUL, so that the
 * empty path (a server's root) is still a grant. Built into libv and libvhost alike.
 */
#include <string.h>
#include <v/err.h>
#include <v/ipc.h>
#include <v/name.h>
#include <v/uioclient.h>

/* Send m to `to`; V_OK or the Send's error, else the reply code. */
static int call(struct v_msg *m, v_pid_t to)
{
    int rc = v_send(m, to);
    return rc ? rc : v_msg_reply_code(m);
}

/* Did the Send find the server gone (so that the name may have a new owner)? */
static int server_gone(int rc)
{
    return rc == V_ENOPROC || rc == V_EDESTROYED || rc == V_ETIMEOUT;
}

/* Send request `code` (words w0, w1) with the path of name, resolved; *server = who
 * owns it. A server found gone is forgotten and the name resolved once more. */
static int path_call(const char *name, uint16_t code, uint32_t w0, struct v_msg *m,
                     v_pid_t *server)
{
    char cn[V_NAME_MAX + 1];
    struct v_name_entry e;
    uint32_t off;
    int rc = v_name_canon(name, cn, sizeof(cn));
    for (int tries = 0; !rc && tries < 2; tries++) {
        if ((rc = v_name_resolve(cn, &e, &off, 0)))
            return rc;
        memset(m, 0, sizeof(*m));
        m->code = code;
        m->w[0] = w0;
        m->w[1] = e.context;
        v_msg_grant(m, V_MSG_SEG_READ, cn + off, (uint32_t)strlen(cn + off) + 1);
        *server = e.server;
        if (!server_gone(rc = call(m, e.server)))
            return rc;
        v_name_cache_invalidate(v_name_cache_self(), e.prefix, e.server);
    }
    return rc;
}

/* Fill f from a UIO_CREATE or UIO_QUERY reply. */
static void take_info(struct v_uio_file *f, const struct v_msg *m)
{
    f->inst = m->w[0];
    f->size = m->w[1];
    f->block = m->w[2];
    f->kind = (uint8_t)(m->w[3] & 0xff);
    f->flags = (uint8_t)((m->w[3] >> 8) & 0xff);
}

int v_uio_open(const char *name, uint32_t mode, struct v_uio_file *f)
{
    struct v_msg m;
    v_pid_t server = 0;
    memset(f, 0, sizeof(*f));
    int rc = path_call(name, UIO_CREATE, mode, &m, &server);
    if (rc)
        return rc;
    if (!m.w[0])
        return V_EINVAL;                 /* a malformed answer: no instance is 0 */
    f->server = server;
    take_info(f, &m);
    return V_OK;
}

int v_uio_query(struct v_uio_file *f)
{
    struct v_msg m = { .code = UIO_QUERY, .w = { f->inst } };
    int rc = call(&m, f->server);
    if (!rc)
        take_info(f, &m);
    return rc;
}

int v_uio_read(struct v_uio_file *f, uint32_t offset, void *buf, uint32_t count,
               uint32_t *got)
{
    struct v_msg m = { .code = UIO_READ, .w = { f->inst, offset, count } };
    v_msg_grant(&m, V_MSG_SEG_WRITE, buf, count);
    *got = 0;
    int rc = call(&m, f->server);
    if (!rc && m.w[0] > count)
        rc = V_EINVAL;                   /* more than asked: a broken server */
    if (!rc)
        *got = m.w[0];
    return rc;
}

int v_uio_write(struct v_uio_file *f, uint32_t offset, const void *buf, uint32_t count,
                uint32_t *put)
{
    struct v_msg m = { .code = UIO_WRITE, .w = { f->inst, offset, count } };
    v_msg_grant(&m, V_MSG_SEG_READ, buf, count);
    if (put)
        *put = 0;
    int rc = call(&m, f->server);
    if (!rc && m.w[0] != count)
        rc = V_EINVAL;                   /* a write is whole or fails */
    if (rc)
        return rc;
    if (put)
        *put = count;
    if (offset + count > f->size && offset + count >= offset)
        f->size = offset + count;
    return V_OK;
}

int v_uio_set_size(struct v_uio_file *f, uint32_t size)
{
    struct v_msg m = { .code = UIO_SET_SIZE, .w = { f->inst, size } };
    int rc = call(&m, f->server);
    if (!rc)
        f->size = size;
    return rc;
}

int v_uio_close(struct v_uio_file *f)
{
    struct v_msg m = { .code = UIO_RELEASE, .w = { f->inst } };
    int rc = call(&m, f->server);
    f->inst = 0;
    return rc;
}

int v_uio_remove(const char *name)
{
    struct v_msg m;
    v_pid_t server;
    return path_call(name, UIO_REMOVE, 0, &m, &server);
}

int v_uio_list(const char *name, struct v_uio_dirent *out, uint32_t max, uint32_t *n)
{
    struct v_uio_file f;
    uint32_t got = 0;
    *n = 0;
    int rc = v_uio_open(name, V_UIO_READ | V_UIO_DIR, &f);
    if (rc)
        return rc;
    rc = v_uio_read(&f, 0, out, max * V_UIO_DIRENT_SIZE, &got);
    int crc = v_uio_close(&f);
    if (!rc)
        *n = got / V_UIO_DIRENT_SIZE;
    return rc ? rc : crc;
}
