/*
 * elf.c - validation of ELF32 i386 executables (pure; shared by kernel and programs).
 *
 * Entry point: v_elf_parse (v/elf.h). All size arithmetic is done in 64 bits so that a
 * hostile image cannot wrap an offset or address around 2^32. Headers are copied out
 * with memcpy, so the image may sit at any alignment.
 */
#include <stdint.h>
#include <string.h>
#include "v/elf.h"
#include "v/err.h"

#define EI_NIDENT     16
#define ELFCLASS32    1
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ET_EXEC       2
#define EM_386        3
#define PT_LOAD       1

struct elf32_ehdr {
    uint8_t  e_ident[EI_NIDENT];
    uint16_t e_type, e_machine;
    uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 file header layout");

struct elf32_phdr {
    uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
};
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header layout");

/* Check the file header: identification, type, machine, version, and that the program
 * header table lies inside the file. */
static int check_ehdr(const struct elf32_ehdr *e, uint32_t len)
{
    const uint8_t *id = e->e_ident;

    if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
        return V_EINVAL;
    if (id[4] != ELFCLASS32 || id[5] != ELFDATA2LSB || id[6] != EV_CURRENT)
        return V_EINVAL;
    if (e->e_type != ET_EXEC || e->e_machine != EM_386 || e->e_version != EV_CURRENT)
        return V_EINVAL;
    if (e->e_phentsize != sizeof(struct elf32_phdr) || e->e_phnum == 0)
        return V_EINVAL;
    if ((uint64_t)e->e_phoff + (uint64_t)e->e_phnum * sizeof(struct elf32_phdr) > len)
        return V_EINVAL;
    return 0;
}

/* Check one PT_LOAD header against the file size and the address limits. */
static int check_load(const struct elf32_phdr *p, uint32_t len, uint32_t lo, uint32_t hi)
{
    uint64_t end = (uint64_t)p->p_vaddr + p->p_memsz;

    if ((uint64_t)p->p_offset + p->p_filesz > len)
        return V_EINVAL;
    if (p->p_filesz > p->p_memsz)
        return V_EINVAL;
    if (end > UINT32_MAX || p->p_vaddr < lo || end > hi)
        return V_EINVAL;
    return 0;
}

/* Collect and check the PT_LOAD segments into out->seg / out->nseg. */
static int collect_segments(const uint8_t *img, uint32_t len, const struct elf32_ehdr *e,
                            uint32_t lo, uint32_t hi, struct v_elf_info *out)
{
    struct elf32_phdr p;

    out->nseg = 0;
    for (uint32_t i = 0; i < e->e_phnum; i++) {
        memcpy(&p, img + e->e_phoff + i * sizeof(p), sizeof(p));
        if (p.p_type != PT_LOAD)
            continue;
        if (out->nseg == V_ELF_MAX_SEGS || check_load(&p, len, lo, hi) != 0)
            return V_EINVAL;
        out->seg[out->nseg++] = (struct v_elf_seg){
            .vaddr = p.p_vaddr, .memsz = p.p_memsz, .filesz = p.p_filesz,
            .offset = p.p_offset, .flags = p.p_flags,
        };
    }
    return out->nseg ? 0 : V_EINVAL;
}

/* Page-rounded extent of the segments; V_EINVAL if rounding up passes 2^32. */
static int compute_extent(struct v_elf_info *out)
{
    uint64_t lo = UINT64_MAX, hi = 0;

    for (uint32_t i = 0; i < out->nseg; i++) {
        uint64_t start = out->seg[i].vaddr, end = start + out->seg[i].memsz;
        if (start < lo)
            lo = start;
        if (end > hi)
            hi = end;
    }
    lo &= ~(uint64_t)(V_ELF_PAGE - 1);
    hi = (hi + V_ELF_PAGE - 1) & ~(uint64_t)(V_ELF_PAGE - 1);
    if (hi > UINT32_MAX)
        return V_EINVAL;
    out->lo = (uint32_t)lo;
    out->hi = (uint32_t)hi;
    return 0;
}

/* Does the entry point fall inside an executable segment? */
static int entry_ok(const struct v_elf_info *out)
{
    for (uint32_t i = 0; i < out->nseg; i++) {
        const struct v_elf_seg *s = &out->seg[i];
        if ((s->flags & V_PF_X) && out->entry >= s->vaddr &&
            (uint64_t)out->entry < (uint64_t)s->vaddr + s->memsz)
            return 1;
    }
    return 0;
}

/* Validate an ELF32 i386 executable and describe its PT_LOAD segments: see v/elf.h.
 * Returns 0 or V_EINVAL; *out is meaningful only on success. */
int v_elf_parse(const void *img, uint32_t len, uint32_t lo_limit, uint32_t hi_limit,
                struct v_elf_info *out)
{
    struct elf32_ehdr e;
    int err;

    if (!img || len < sizeof(e))
        return V_EINVAL;
    memcpy(&e, img, sizeof(e));
    err = check_ehdr(&e, len);
    if (err == 0)
        err = collect_segments(img, len, &e, lo_limit, hi_limit, out);
    if (err == 0)
        err = compute_extent(out);
    if (err)
        return err;
    out->entry = e.e_entry;
    return entry_ok(out) ? 0 : V_EINVAL;
}
