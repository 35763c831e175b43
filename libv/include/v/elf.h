/*
 * v/elf.h - checking ELF32 i386 executables before loading them (libv/elf.c, pure).
 * The kernel loads the first program with it; the program manager loads the rest.
 */
#ifndef V_ELF_H
#define V_ELF_H

#include <stdint.h>

#define V_ELF_MAX_SEGS 8
#define V_ELF_PAGE     4096u

/* Segment permission bits (p_flags). */
#define V_PF_X 1u
#define V_PF_W 2u
#define V_PF_R 4u

/* One PT_LOAD segment: copy filesz bytes from offset in the image to vaddr, then zero
 * up to memsz. */
struct v_elf_seg {
    uint32_t vaddr, memsz, filesz, offset, flags;   /* flags: V_PF_* */
};

struct v_elf_info {
    uint32_t entry;
    uint32_t nseg;              /* PT_LOAD segments, in file order */
    uint32_t lo, hi;            /* page-rounded extent of all of them: [lo, hi) */
    struct v_elf_seg seg[V_ELF_MAX_SEGS];
};

/* Validate an ELF32 little-endian i386 ET_EXEC image of len bytes whose PT_LOAD segments
 * must all lie in [lo_limit, hi_limit), and fill *out. Returns 0 or V_EINVAL (bad
 * identification, type, machine or version; program headers outside the file or of the
 * wrong size; a segment's file range outside the file; filesz > memsz; address overflow;
 * a segment outside the limits; the entry outside every executable segment; no PT_LOAD;
 * more than V_ELF_MAX_SEGS PT_LOAD segments). Never reads outside [img, img+len); the
 * image needs no particular alignment. */
int v_elf_parse(const void *img, uint32_t len, uint32_t lo_limit, uint32_t hi_limit,
                struct v_elf_info *out);

#endif
