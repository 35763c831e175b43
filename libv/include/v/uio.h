/*
 * v/uio.h - the uniform I/O protocol (V's UIO; docs/UIO.md): every server of objects that
 * hold bytes (files, directories, terminals, the boot bundle) speaks these requests, so a
 * program reads a file on the Linux host, a node's RAM, or a terminal the same way.
 *
 * An object is named by a name the name handlers resolve (v/name.h): a prefix such as
 * [store] or [tmp3] names a server and a context; the rest of the name, the path, goes
 * to that server in UIO_CREATE. UIO_CREATE makes an *instance*: an open object with an
 * id that any process may then use with the server (so a parent can hand its terminal
 * to a child); the server forgets it at UIO_RELEASE, or when the process that created
 * it dies. Sizes and offsets are bytes, 32 bits (objects up to 4 GiB - 1).
 * Reply codes are V_OK or a V_E* error (v/err.h); a failing request changes nothing.
 */
#ifndef V_UIO_H
#define V_UIO_H

#include <stdint.h>

enum v_uio_req {
    UIO_CREATE = 0x700,  /* seg R = path (at most V_UIO_PATH_MAX bytes; a NUL ends it
                            early); w0 = mode (V_UIO_*), w1 = context id (from the name's
                            resolution; 0: the server's root)
                            -> w0 = instance, w1 = size, w2 = block size, w3 = kind
                               (enum v_uio_kind) | flags << 8 (V_UIO_F_*)             */
    UIO_QUERY,           /* w0 = instance -> w0..w3 as UIO_CREATE's reply              */
    UIO_READ,            /* w0 = instance, w1 = offset, w2 = count; seg W = where the
                            bytes go (count <= seg_len) -> w0 = bytes read (0: at the
                            end). A directory reads as struct v_uio_dirent records: the
                            offset and count are multiples of V_UIO_DIRENT_SIZE. A
                            terminal returns one line, or what is typed, up to count. */
    UIO_WRITE,           /* w0 = instance, w1 = offset (ignored with V_UIO_APPEND and
                            for a terminal), w2 = count; seg R = the bytes
                            -> w0 = bytes written (all of them, or an error)          */
    UIO_SET_SIZE,        /* w0 = instance, w1 = size: cut, or extend with zeros -> V_OK */
    UIO_RELEASE,         /* w0 = instance -> V_OK; the id is then V_EBADINST           */
    UIO_REMOVE,          /* seg R = path, w1 = context id: a file, or an empty directory */
};

/* UIO_CREATE's mode. */
#define V_UIO_READ     0x01u   /* read it */
#define V_UIO_WRITE    0x02u   /* write it */
#define V_UIO_CREATE   0x04u   /* make it if it does not exist */
#define V_UIO_EXCL     0x08u   /* with CREATE: V_EEXIST if it exists */
#define V_UIO_TRUNC    0x10u   /* with WRITE: cut it to 0 bytes */
#define V_UIO_APPEND   0x20u   /* with WRITE: every write goes at the end */
#define V_UIO_DIR      0x40u   /* it is a directory (with CREATE: make one) */
#define V_UIO_MODES    0x7fu

enum v_uio_kind { V_UIO_FILE = 1, V_UIO_DIRECTORY, V_UIO_TERMINAL };
#define V_UIO_F_READONLY 0x01u /* the instance, or the object, takes no writes */

#define V_UIO_PATH_MAX    255u  /* bytes of a path, without its NUL */
#define V_UIO_NAME_MAX    55u   /* bytes of one path component */
#define V_UIO_DIRENT_SIZE 64u

/* One directory entry as UIO_READ of a directory returns it (byte order: the
 * machine's, as for every table; on the wire, part of the REPLY's or DATA's bytes). */
struct v_uio_dirent {
    uint32_t size;                     /* bytes (0 for a directory) */
    uint8_t  kind;                     /* enum v_uio_kind */
    uint8_t  name_len;                 /* bytes of name, without its NUL */
    uint16_t reserved;                 /* 0 */
    char     name[V_UIO_NAME_MAX + 1]; /* NUL-terminated */
};
_Static_assert(sizeof(struct v_uio_dirent) == V_UIO_DIRENT_SIZE, "docs/UIO.md gives its layout");

#endif
