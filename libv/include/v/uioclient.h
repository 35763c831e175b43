/*
 * v/uioclient.h - the UIO client (libv/uio.c): open an object by name, then read, write,
 * query, resize and release it with the requests of v/uio.h (docs/UIO.md). Programs on
 * the nodes and host programs (libvhost) both link it.
 *
 * Every call returns V_OK or the error the resolution, the Send or the server gave
 * (v/err.h); nothing is retried silently except one new resolution of a name whose
 * server was found gone (as v_name_send does).
 */
#ifndef V_UIOCLIENT_H
#define V_UIOCLIENT_H

#include <stdint.h>
#include "pid.h"
#include "uio.h"

/* An open instance: where it lives and what UIO_CREATE or UIO_QUERY last said of it. */
struct v_uio_file {
    v_pid_t  server;   /* the object's server */
    uint32_t inst;     /* the instance id (0: not open) */
    uint32_t size;     /* bytes, as of the last open, query or write */
    uint32_t block;    /* the count that moves best */
    uint8_t  kind;     /* enum v_uio_kind */
    uint8_t  flags;    /* V_UIO_F_* */
};

/* Open name ("[prefix]/path" or "/prefix/path") with mode (V_UIO_*): resolve the prefix
 * (v_name_resolve), then UIO_CREATE the rest of the name in the context it gave.
 * Errors: the name's (V_EINVAL, V_ENOTFOUND), the server's (docs/UIO.md), the Send's. */
int v_uio_open(const char *name, uint32_t mode, struct v_uio_file *f);
/* UIO_QUERY: refresh f's size, block, kind and flags. */
int v_uio_query(struct v_uio_file *f);
/* UIO_READ of count bytes at offset into buf; *got = bytes read (0 at the end). */
int v_uio_read(struct v_uio_file *f, uint32_t offset, void *buf, uint32_t count,
               uint32_t *got);
/* UIO_WRITE of count bytes of buf at offset (ignored in append mode); *put (may be 0)
 * = bytes written, all of them. f->size grows to cover them. */
int v_uio_write(struct v_uio_file *f, uint32_t offset, const void *buf, uint32_t count,
                uint32_t *put);
/* UIO_SET_SIZE: cut the object to size bytes, or extend it with zeros. */
int v_uio_set_size(struct v_uio_file *f, uint32_t size);
/* UIO_RELEASE the instance; f->inst is then 0 whatever the answer. */
int v_uio_close(struct v_uio_file *f);
/* UIO_REMOVE the object of name: a file, or an empty directory. */
int v_uio_remove(const char *name);
/* Read up to max records of directory name into out; *n = records read. The listing
 * is whole when *n < max. */
int v_uio_list(const char *name, struct v_uio_dirent *out, uint32_t max, uint32_t *n);

#endif
