/*
 * tmp - the RAM store (docs/UIO.md, "The RAM store"): files and directories in this
 * team's memory, served by UIO (v/uio.h) as [tmpN], N = the node. The program manager
 * starts it at boot on every node (init= default "name,shell,tmp").
 *
 * This file: start (register the name, join V_GROUP_EV_PROCESS_DIED so that a dead
 * creator's instances are released), the receive loop, and the requests on paths and
 * instances (UIO_CREATE, UIO_QUERY, UIO_RELEASE, UIO_REMOVE); io.c does the bytes.
 * Every handler decodes the whole request before it changes anything.
 */
#include <stdio.h>
#include <string.h>
#include <v/group.h>
#include <v/kclient.h>
#include <v/name.h>
#include "tmp.h"

/* Is mode one UIO_CREATE takes? V_EINVAL; V_EISDIR for a directory to be written. */
static int mode_check(uint32_t mode)
{
    if (mode & ~V_UIO_MODES)
        return V_EINVAL;
    if (!(mode & (V_UIO_READ | V_UIO_WRITE)) &&
        (mode & (V_UIO_DIR | V_UIO_CREATE)) != (V_UIO_DIR | V_UIO_CREATE))
        return V_EINVAL;
    if ((mode & V_UIO_DIR) && (mode & V_UIO_WRITE))
        return V_EISDIR;
    return V_OK;
}

/* The path a request granted (got of its bytes came with it), checked and walked. */
static int path_walk(const struct v_msg *m, const uint8_t *seg, uint32_t got,
                     struct tmp_where *w)
{
    char path[V_UIO_PATH_MAX + 2];
    if (!(m->flags & V_MSG_SEG_READ))
        return V_ENOACCESS;
    if (m->seg_len > V_UIO_PATH_MAX + 1 || got < m->seg_len)
        return V_EINVAL;
    if (tree_path_check((const char *)seg, m->seg_len))
        return V_EINVAL;
    if (m->w[1])
        return V_ENOTFOUND;              /* the only context is the root, 0 */
    memcpy(path, seg, m->seg_len);
    path[m->seg_len] = 0;
    return tree_walk(path, w);
}

/* UIO_CREATE of an object that exists (w->obj). */
static int open_existing(uint32_t mode, const struct tmp_where *w, v_pid_t from,
                         uint32_t *id)
{
    struct tmp_obj *o = &tmp_objs[w->obj];
    if ((mode & V_UIO_DIR) && o->kind != V_UIO_DIRECTORY)
        return V_ENOTDIR;
    if (!(mode & V_UIO_DIR) && o->kind == V_UIO_DIRECTORY)
        return V_EISDIR;
    if ((mode & (V_UIO_DIR | V_UIO_CREATE)) == (V_UIO_DIR | V_UIO_CREATE) ||
        (mode & (V_UIO_CREATE | V_UIO_EXCL)) == (V_UIO_CREATE | V_UIO_EXCL))
        return V_EEXIST;
    int rc = inst_new(w->obj, mode, from, id);
    if (!rc && (mode & (V_UIO_WRITE | V_UIO_TRUNC)) == (V_UIO_WRITE | V_UIO_TRUNC))
        tree_set_size(o, 0);             /* cutting never fails */
    return rc;
}

/* UIO_CREATE of an object that does not exist: make it (with V_UIO_CREATE). */
static int open_new(uint32_t mode, const struct tmp_where *w, v_pid_t from, uint32_t *id)
{
    if (!(mode & V_UIO_CREATE))
        return V_ENOTFOUND;
    if (!inst_free_slots())
        return V_ENOSPC;
    int obj = tree_new(w->dir, w->last, mode & V_UIO_DIR ? V_UIO_DIRECTORY : V_UIO_FILE);
    return obj < 0 ? obj : inst_new(obj, mode, from, id);
}

/* UIO_CREATE: w0 = mode, w1 = context, seg R = path. */
static int do_create(struct v_msg *m, v_pid_t from, const uint8_t *seg, uint32_t got)
{
    struct tmp_where w;
    uint32_t mode = m->w[0], id = 0;
    int rc = mode_check(mode);
    if (!rc)
        rc = path_walk(m, seg, got, &w);
    if (!rc && !w.last[0] && !(mode & V_UIO_DIR))
        rc = V_EINVAL;                   /* the empty path, for a file */
    if (!rc)
        rc = w.obj < 0 ? open_new(mode, &w, from, &id) : open_existing(mode, &w, from, &id);
    if (!rc)
        inst_info(inst_find(id), m);
    return rc;
}

/* UIO_REMOVE: w1 = context, seg R = path. */
static int do_remove(struct v_msg *m, const uint8_t *seg, uint32_t got)
{
    struct tmp_where w;
    int rc = path_walk(m, seg, got, &w);
    return rc ? rc : tree_remove(&w);
}

/* UIO_QUERY and UIO_RELEASE: w0 = instance. */
static int do_instance(struct v_msg *m)
{
    struct tmp_inst *in = inst_find(m->w[0]);
    if (!in)
        return V_EBADINST;
    if (m->code == UIO_QUERY)
        inst_info(in, m);
    else
        inst_release(in);
    return V_OK;
}

/* V_EV_PROCESS_DIED (w0 = the pid): its instances go. Only a kernel sends it. */
static int do_process_died(const struct v_msg *m, v_pid_t from)
{
    if (!v_event_from_kernel(from))
        return V_EPERM;
    inst_creator_died(m->w[0]);
    return REPLIED;                      /* an event: nobody waits */
}

/* One request: the reply code, or REPLIED. */
static int serve(struct v_msg *m, v_pid_t from, const uint8_t *seg, uint32_t got)
{
    switch (m->code) {
    case UIO_CREATE:        return do_create(m, from, seg, got);
    case UIO_QUERY:         return do_instance(m);
    case UIO_READ:          return io_read(m, from);
    case UIO_WRITE:         return io_write(m, from, seg, got);
    case UIO_SET_SIZE:      return io_set_size(m);
    case UIO_RELEASE:       return do_instance(m);
    case UIO_REMOVE:        return do_remove(m, seg, got);
    case V_EV_PROCESS_DIED: return do_process_died(m, from);
    default:                return V_EBADCALL;
    }
}

/* Join the death events and register [tmpN] (the name handler may still be starting:
 * wait for it up to 10 s). V_OK or the error that leaves the store nameless. */
static int tmp_start(char *prefix, uint32_t size)
{
    struct v_node_info ni;
    int rc = v_ks_node_info(v_kernel_server(), &ni, 0, 0);
    if (rc < 0)
        return rc;
    snprintf(prefix, size, "[tmp%u]", ni.node);
    tree_init();
    if ((rc = v_join_group(V_GROUP_EV_PROCESS_DIED, 0)))
        return rc;
    for (int i = 0; i < 100; i++) {
        if ((rc = v_name_register(prefix, 0, 0, 0)) != V_ENOTFOUND)
            break;
        v_delay(100);
    }
    return rc;
}

int main(int argc, char **argv)
{
    static uint8_t seg[TMP_INLINE];
    char prefix[V_NAME_PREFIX_MAX + 1];
    (void)argc;
    (void)argv;
    int rc = tmp_start(prefix, sizeof(prefix));
    if (rc) {
        printf("tmp: cannot serve: %s\n", v_strerror(rc));
        return 1;
    }
    for (;;) {
        struct v_msg m;
        v_pid_t from;
        uint32_t got = sizeof(seg);
        if (v_receive_with_segment(&m, 0, &from, seg, &got))
            continue;
        if ((rc = serve(&m, from, seg, got)) == REPLIED)
            continue;
        m.code = (uint16_t)rc;
        m.flags = 0;
        v_reply(&m, from);
    }
}
