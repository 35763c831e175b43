/*
 * v/err.h - error codes returned by system calls and carried in reply codes.
 * Every call returns 0 or one of these (negative). v_strerror() names them.
 */
#ifndef V_ERR_H
#define V_ERR_H

#define V_OK            0
#define V_ENOPROC      (-1)   /* no such process (or it died before the call completed) */
#define V_EBADADDR     (-2)   /* pointer outside user space, unmapped, or read-only for a write */
#define V_ENOACCESS    (-3)   /* the sender's message did not grant this segment access */
#define V_ERANGE       (-4)   /* outside the segment the sender granted */
#define V_ENOTAWAITING (-5)   /* partner is not blocked awaiting a reply from the caller */
#define V_EDESTROYED   (-6)   /* the partner was destroyed while the caller waited on it */
#define V_EINVAL       (-7)   /* a malformed argument or request */
#define V_ENOMEM       (-8)   /* out of memory or table slots */
#define V_EBADCALL     (-9)   /* unknown system call or request code */
#define V_ETIMEOUT     (-10)  /* a bounded wait ran out */
#define V_ENOTFOUND    (-11)  /* no such name, module or object */
#define V_EBUSY        (-12)  /* the object is in use */
#define V_EDEADLOCK    (-13)  /* the call would block the caller on itself */
#define V_EPERM        (-14)  /* not allowed (e.g. destroying a kernel pseudo-process) */
/* The objects of the I/O protocol (v/uio.h, docs/UIO.md). */
#define V_EEXIST       (-15)  /* it exists already (UIO_CREATE with V_UIO_EXCL) */
#define V_EISDIR       (-16)  /* it is a directory (a file was wanted) */
#define V_ENOTDIR      (-17)  /* it is not a directory (a directory was wanted, or a path
                                 goes through a file) */
#define V_EROFS        (-18)  /* read-only: the object, the instance or the server */
#define V_EBADINST     (-19)  /* no such instance (never made, or released) */
#define V_ENOSPC       (-20)  /* no space left on the server */
#define V_ERR_MIN      (-20)

const char *v_strerror(int err);

#endif
