/*
 * msg.c - message helpers shared by the kernel and programs (pure).
 *
 * Entry points: v_msg_seg_check (v/msg.h), v_strerror (v/err.h).
 */
#include <stdint.h>
#include "v/msg.h"
#include "v/err.h"

/* Does [start, start+len) wrap past the top of the 32-bit address space? An end of
 * exactly 2^32 counts as wrapping: it is not representable as a 32-bit address. */
static int range_wraps(uint32_t start, uint32_t len)
{
    return (uint64_t)start + len > UINT32_MAX;
}

/* May the receiver of m touch [addr, addr+len) (addresses in the sender's space) with
 * the access bits `access` (V_MSG_SEG_READ and/or V_MSG_SEG_WRITE)? Returns 0;
 * V_ENOACCESS if m's flags lack a requested bit; V_ERANGE if the range, or the granted
 * segment itself, wraps around 2^32, or the range is not inside the segment. A zero
 * length anywhere inside the segment or at its end is allowed. */
int v_msg_seg_check(const struct v_msg *m, uint32_t addr, uint32_t len, uint32_t access)
{
    uint32_t want = access & V_MSG_SEG_MASK;

    if ((m->flags & want) != want)
        return V_ENOACCESS;
    if (range_wraps(m->seg_ptr, m->seg_len) || range_wraps(addr, len))
        return V_ERANGE;
    if (addr < m->seg_ptr || addr + len > m->seg_ptr + m->seg_len)
        return V_ERANGE;
    return 0;
}

static const char *const err_text[] = {
    [0]               = "ok",
    [-V_ENOPROC]      = "no such process",
    [-V_EBADADDR]     = "bad address",
    [-V_ENOACCESS]    = "segment access not granted",
    [-V_ERANGE]       = "outside the granted segment",
    [-V_ENOTAWAITING] = "not awaiting reply",
    [-V_EDESTROYED]   = "partner destroyed",
    [-V_EINVAL]       = "invalid argument",
    [-V_ENOMEM]       = "out of memory",
    [-V_EBADCALL]     = "bad call",
    [-V_ETIMEOUT]     = "timed out",
    [-V_ENOTFOUND]    = "not found",
    [-V_EBUSY]        = "busy",
    [-V_EDEADLOCK]    = "would deadlock",
    [-V_EPERM]        = "not permitted",
    [-V_EEXIST]       = "exists",
    [-V_EISDIR]       = "is a directory",
    [-V_ENOTDIR]      = "not a directory",
    [-V_EROFS]        = "read-only",
    [-V_EBADINST]     = "no such instance",
    [-V_ENOSPC]       = "no space",
};

_Static_assert(sizeof(err_text) / sizeof(err_text[0]) == 1 - V_ERR_MIN,
               "one text per error code");

/* A short text naming err (0 or a V_E* code); "unknown error" for anything else. */
const char *v_strerror(int err)
{
    if (err > 0 || err < V_ERR_MIN || !err_text[-err])
        return "unknown error";
    return err_text[-err];
}
