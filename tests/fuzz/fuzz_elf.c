/*
 * fuzz_elf.c - libv/elf.c (checking ELF32 i386 executables) against a reading of the
 * rules in v/elf.h done here byte by byte, in 64-bit arithmetic.
 *
 * Input: the address limits lo and hi (4 bytes each, big-endian), then the image
 * (copied to a buffer of exactly its size, so ASan sees any read past it). The model
 * accepts exactly: the ELF32 little-endian identification (version 1), ET_EXEC, EM_386,
 * version 1, 32-byte program headers, at least one, all inside the file; for each
 * PT_LOAD (at most 8): its file range inside the file, filesz <= memsz, and
 * [vaddr, vaddr + memsz) inside [lo, hi) without passing 2^32; at least one PT_LOAD; the
 * page-rounded extent not passing 2^32; the entry inside an executable segment. On
 * success every field of the result must be what the model read.
 */
#include <string.h>
#include <v/elf.h>
#include <v/err.h>
#include "fuzz.h"

void *malloc(size_t n);
void free(void *p);

static uint64_t le16(const uint8_t *p) { return (uint64_t)p[0] | (uint64_t)p[1] << 8; }
static uint64_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

struct model {
    uint64_t entry, lo, hi;
    uint32_t nseg;
    uint64_t vaddr[V_ELF_MAX_SEGS], memsz[V_ELF_MAX_SEGS], filesz[V_ELF_MAX_SEGS],
             offset[V_ELF_MAX_SEGS], flags[V_ELF_MAX_SEGS];
};

static int model_header(const uint8_t *b, uint64_t len)
{
    static const uint8_t ident[7] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };
    if (len < 52 || memcmp(b, ident, sizeof(ident)) != 0)
        return 0;
    if (le16(b + 16) != 2 || le16(b + 18) != 3 || le32(b + 20) != 1)
        return 0;
    uint64_t phoff = le32(b + 28), phentsize = le16(b + 42), phnum = le16(b + 44);
    return phentsize == 32 && phnum != 0 && phoff + phnum * 32 <= len;
}

/* One PT_LOAD at p, into m; 0 if it breaks a rule. */
static int model_load(const uint8_t *p, uint64_t len, uint64_t lo, uint64_t hi,
                      struct model *m)
{
    uint64_t off = le32(p + 4), va = le32(p + 8), fsz = le32(p + 16), msz = le32(p + 20);
    if (m->nseg == V_ELF_MAX_SEGS || off + fsz > len || fsz > msz)
        return 0;
    if (va < lo || va + msz > hi || va + msz > 0xffffffffu)
        return 0;
    uint32_t k = m->nseg++;
    m->vaddr[k] = va;
    m->memsz[k] = msz;
    m->filesz[k] = fsz;
    m->offset[k] = off;
    m->flags[k] = le32(p + 24);
    return 1;
}

static int model_parse(const uint8_t *b, uint64_t len, uint64_t lo, uint64_t hi,
                       struct model *m)
{
    memset(m, 0, sizeof(*m));
    if (!model_header(b, len))
        return V_EINVAL;
    uint64_t phoff = le32(b + 28), phnum = le16(b + 44), low = ~0ull, high = 0;
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *p = b + phoff + i * 32;
        if (le32(p) == 1 && !model_load(p, len, lo, hi, m))
            return V_EINVAL;
    }
    if (m->nseg == 0)
        return V_EINVAL;
    int exec = 0;
    m->entry = le32(b + 24);
    for (uint32_t k = 0; k < m->nseg; k++) {
        low = m->vaddr[k] < low ? m->vaddr[k] : low;
        high = m->vaddr[k] + m->memsz[k] > high ? m->vaddr[k] + m->memsz[k] : high;
        exec |= (m->flags[k] & 1) && m->entry >= m->vaddr[k] &&
                m->entry < m->vaddr[k] + m->memsz[k];
    }
    m->lo = low / 4096 * 4096;
    m->hi = (high + 4095) / 4096 * 4096;
    return m->hi <= 0xffffffffu && exec ? V_OK : V_EINVAL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    uint32_t lo = fz_u32(&f), hi = fz_u32(&f), len = (uint32_t)f.n;
    uint8_t *img = malloc(len ? len : 1);
    memcpy(img, f.p, len);
    struct v_elf_info out;
    struct model m;
    int rc = v_elf_parse(len ? img : 0, len, lo, hi, &out);
    FZ_EQ(rc, model_parse(f.p, len, lo, hi, &m));
    if (rc == V_OK) {
        FZ_EQ(out.entry, m.entry);
        FZ_EQ(out.nseg, m.nseg);
        FZ_EQ(out.lo, m.lo);
        FZ_EQ(out.hi, m.hi);
        for (uint32_t k = 0; k < m.nseg; k++) {
            FZ_EQ(out.seg[k].vaddr, m.vaddr[k]);
            FZ_EQ(out.seg[k].memsz, m.memsz[k]);
            FZ_EQ(out.seg[k].filesz, m.filesz[k]);
            FZ_EQ(out.seg[k].offset, m.offset[k]);
            FZ_EQ(out.seg[k].flags, m.flags[k]);
        }
    }
    free(img);
    return 0;
}
