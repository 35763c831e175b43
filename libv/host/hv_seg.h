/*
 * hv_seg.h - a host V process's 32-bit client space (hv_seg.c, docs/HOST.md).
 * v_seg_addr() itself is declared in v/msg.h, for programs.
 */
#ifndef HV_SEG_H
#define HV_SEG_H

#include <stdint.h>
#include <v/msg.h>

#define HV_SEG_WINDOW (64u << 20)   /* bytes per window: the largest grant */
#define HV_SEG_SLOTS  62u           /* windows 1..62: 0x04000000 .. 0xfbffffff */

/* [addr, addr+len) of our client space as a pointer, or NULL if no window holds it. */
void *hv_seg_at(uint32_t addr, uint32_t len);
/* Forget every window (unit tests). */
void hv_seg_reset(void);

#endif
