/*
 * vm.h - team address spaces, and copying between them and the kernel. Every user
 * pointer a program hands the kernel goes through these: they check each page's
 * mapping and access first and change nothing when any page is bad (V_EBADADDR).
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdint.h>
#include "proc.h"

int vm_create(struct team *t);
void vm_destroy(struct team *t);
int vm_resize(struct team *t, uint32_t size);
int vm_check(struct team *t, uint32_t va, uint32_t len, int write);
int vm_copy_in(struct team *t, void *dst, uint32_t src_va, uint32_t len);
/* As vm_copy_in, and the range must also be writable (a buffer that takes a reply). */
int vm_copy_in_rw(struct team *t, void *dst, uint32_t src_va, uint32_t len);
int vm_copy_out(struct team *t, uint32_t dst_va, const void *src, uint32_t len);
/* [va, va+len) of t as at most max kernel-readable pieces, one per run of pages that
 * are also adjacent in physical memory (the allocator hands out pages next-fit, so a
 * team's are often so): the count, with each piece's address (physical too: the kernel
 * maps memory one to one) and length in ptr[] and plen[]; V_EBADADDR if a page is not
 * mapped, V_ENOMEM (max too small). Valid until t's mappings change: for a gather that
 * is copied at once, or read by a device whose reads page_free_dma waits for (mem.h). */
int vm_pieces(struct team *t, uint32_t va, uint32_t len, const uint8_t **ptr, uint32_t *plen,
              int max);
int vm_copy(struct team *dt, uint32_t dst_va, struct team *st, uint32_t src_va, uint32_t len);
uint32_t vm_pages_in_use(void);

#endif
