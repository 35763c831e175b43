/*
 * v/msg.h - the 32-byte message every IPC call carries.
 *
 * A request carries a request code; the reply to it carries a reply code in the same
 * field (V_OK or a negative error from v/err.h, stored as int16). Arguments are five
 * words. A sender may grant the receiver access to one segment of its own address space
 * (seg_ptr, seg_len) for reading (MoveFrom, ReceiveWithSegment) and/or writing (MoveTo,
 * ReplyWithSegment); the grant lasts until the sender is replied to.
 */
#ifndef V_MSG_H
#define V_MSG_H

#include <stdint.h>

#define V_MSG_SIZE      32
#define V_MSG_SEG_READ  0x0001u   /* receiver may read the segment */
#define V_MSG_SEG_WRITE 0x0002u   /* receiver may write the segment */
#define V_MSG_SEG_MASK  0x0003u
#define V_MSG_NO_REPLY  0x0004u   /* group sends (issue 4): do not wait for a reply */

struct v_msg {
    uint16_t code;      /* request code, or reply code (int16 V_OK / V_E*) */
    uint16_t flags;     /* V_MSG_SEG_* */
    uint32_t w[5];      /* arguments, meaning set by the request code */
    uint32_t seg_ptr;   /* granted segment, in the sender's address space */
    uint32_t seg_len;
};

_Static_assert(sizeof(struct v_msg) == V_MSG_SIZE, "a V message is 32 bytes");

static inline int v_msg_reply_code(const struct v_msg *m) { return (int16_t)m->code; }

/* The client-space address of a segment starting at p, for seg_ptr. On the nodes a
 * client-space address is the pointer itself. A host program (libv on 64-bit Linux,
 * docs/HOST.md) has pointers wider than the ABI's 32 bits: its libv maps each buffer it
 * grants to a 32-bit window of its own, and returns 0 (a Send of it then fails with
 * V_EBADADDR) for a buffer it cannot map. */
#if UINTPTR_MAX == UINT32_MAX
static inline uint32_t v_seg_addr(const void *p, uint32_t len)
{
    (void)len;
    return (uint32_t)(uintptr_t)p;
}
#else
uint32_t v_seg_addr(const void *p, uint32_t len);
#endif

/* Grant the receiver `access` (V_MSG_SEG_*) to [p, p+len) of the sender's space. */
static inline void v_msg_grant(struct v_msg *m, uint16_t access, const void *p, uint32_t len)
{
    m->flags = (uint16_t)((m->flags & ~V_MSG_SEG_MASK) | access);
    m->seg_ptr = v_seg_addr(p, len);
    m->seg_len = len;
}

/* Segment check shared by kernel and tests: may the receiver touch [off, off+len)
 * of the granted segment with the given access? Returns 0, V_ENOACCESS or V_ERANGE. */
int v_msg_seg_check(const struct v_msg *m, uint32_t addr, uint32_t len, uint32_t access);

#endif
