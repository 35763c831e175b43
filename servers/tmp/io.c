/*
 * io.c - UIO_READ, UIO_WRITE and UIO_SET_SIZE of the RAM store. Bytes travel as
 * docs/UIO.md says: a read of at most TMP_INLINE bytes goes back with the reply
 * (ReplyWithSegment), a longer one by MoveTo and then the reply; a write's first bytes
 * came with the request (ReceiveWithSegment), the rest are taken by MoveFrom. A write
 * is whole or changes nothing: bytes that would overwrite the file's are moved into a
 * scratch buffer first. Entry points: io_read, io_write, io_set_size.
 */
#include <string.h>
#include "tmp.h"

static struct v_uio_dirent dirbuf[TMP_OBJS];

/* The instance of m->w[0] with its object; V_EBADINST. */
static int lookup(const struct v_msg *m, struct tmp_inst **in, struct tmp_obj **o)
{
    if (!(*in = inst_find(m->w[0])))
        return V_EBADINST;
    *o = &tmp_objs[(*in)->obj];
    return V_OK;
}

/* Send len bytes of src back into the reader's grant with the reply (w0 = len). */
static int send_back(struct v_msg *m, v_pid_t from, const void *src, uint32_t len)
{
    uint32_t dest = m->seg_ptr;
    int rc = V_OK;
    memset(m, 0, sizeof(*m));
    m->w[0] = len;
    if (len > TMP_INLINE && (rc = v_move_to(from, dest, src, len)))
        return rc;
    if (len > TMP_INLINE || !len)
        rc = v_reply(m, from);
    else
        rc = v_reply_with_segment(m, from, dest, src, len);
    return rc ? rc : REPLIED;
}

/* UIO_READ: w0 = instance, w1 = offset, w2 = count, seg W. */
int io_read(struct v_msg *m, v_pid_t from)
{
    struct tmp_inst *in;
    struct tmp_obj *o;
    uint32_t off = m->w[1], count = m->w[2];
    int rc = lookup(m, &in, &o);
    if (rc)
        return rc;
    if (!(in->mode & V_UIO_READ))
        return V_EINVAL;                 /* not opened for reading */
    if (!(m->flags & V_MSG_SEG_WRITE))
        return V_ENOACCESS;
    if (count > m->seg_len)
        return V_EINVAL;
    if (o->kind == V_UIO_DIRECTORY) {
        if (off % V_UIO_DIRENT_SIZE || count % V_UIO_DIRENT_SIZE)
            return V_EINVAL;
        uint32_t max = count / V_UIO_DIRENT_SIZE;
        uint32_t n = tree_dirents(in->obj, off / V_UIO_DIRENT_SIZE,
                                  max < TMP_OBJS ? max : TMP_OBJS, dirbuf);
        return send_back(m, from, dirbuf, n * V_UIO_DIRENT_SIZE);
    }
    uint32_t n = off >= o->size ? 0 : o->size - off < count ? o->size - off : count;
    return send_back(m, from, n ? o->data + off : 0, n);
}

/* Take the count - inl bytes of a write that did not come with the request into dst
 * (from the grant at seg_ptr + inl). */
static int take_rest(v_pid_t from, const struct v_msg *m, uint8_t *dst, uint32_t inl,
                     uint32_t count)
{
    return count > inl ? v_move_from(from, dst, m->seg_ptr + inl, count - inl) : V_OK;
}

/* Decode a UIO_WRITE: its instance's object and where the bytes go (*off, *end). */
static int write_check(const struct v_msg *m, struct tmp_obj **o, uint32_t *off,
                       uint32_t *end)
{
    struct tmp_inst *in;
    int rc = lookup(m, &in, o);
    if (rc)
        return rc;
    if (!(in->mode & V_UIO_WRITE))
        return V_EROFS;
    if ((*o)->kind == V_UIO_DIRECTORY)
        return V_EISDIR;
    if (!(m->flags & V_MSG_SEG_READ))
        return V_ENOACCESS;
    if (m->w[2] > m->seg_len)
        return V_EINVAL;
    *off = in->mode & V_UIO_APPEND ? (*o)->size : m->w[1];
    *end = *off + m->w[2];
    return *end < *off ? V_EINVAL : V_OK;   /* past 4 GiB - 1 */
}

/* UIO_WRITE: w0 = instance, w1 = offset, w2 = count, seg R; got bytes came along. */
int io_write(struct v_msg *m, v_pid_t from, const uint8_t *seg, uint32_t got)
{
    struct tmp_obj *o;
    uint32_t off, end, count = m->w[2];
    int rc = write_check(m, &o, &off, &end);
    if (rc || (rc = tree_reserve(o, end)))
        return rc;
    uint32_t inl = got < count ? got : count;
    uint8_t *scratch = 0;
    if (count > inl && off + inl < o->size && !(scratch = tree_scratch(count - inl)))
        return V_ENOSPC;
    rc = take_rest(from, m, scratch ? scratch : o->data + off + inl, inl, count);
    if (!rc) {
        if (off > o->size)
            memset(o->data + o->size, 0, off - o->size);
        memcpy(o->data + off, seg, inl);
        if (scratch)
            memcpy(o->data + off + inl, scratch, count - inl);
        tree_extend(o, end);
        memset(m->w, 0, sizeof(m->w));
        m->w[0] = count;
    }
    tree_scratch_free(scratch);
    return rc;
}

/* UIO_SET_SIZE: w0 = instance, w1 = size. */
int io_set_size(struct v_msg *m)
{
    struct tmp_inst *in;
    struct tmp_obj *o;
    int rc = lookup(m, &in, &o);
    if (rc)
        return rc;
    if (!(in->mode & V_UIO_WRITE))
        return V_EROFS;
    if (o->kind == V_UIO_DIRECTORY)
        return V_EISDIR;
    rc = tree_set_size(o, m->w[1]);
    memset(m->w, 0, sizeof(m->w));
    return rc;
}
