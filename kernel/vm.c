/*
 * vm.c - team address spaces: [V_USER_BASE, V_USER_BASE + size) of zeroed pages
 * (V's team size), and checked copies between address spaces through the identity map.
 */
#include "vm.h"
#include "arch.h"
#include "kernel.h"
#include "mem.h"
#include <string.h>
#include <v/err.h>
#include <v/startup.h>

#define PG ARCH_PAGE_SIZE
static uint32_t pages_in_use;

static uint32_t round_up(uint32_t x) { return (x + PG - 1) & ~(PG - 1); }

int vm_create(struct team *t)
{
    t->pd = arch_pd_create();
    t->size = 0;
    return t->pd ? V_OK : V_ENOMEM;
}

static void unmap_range(struct team *t, uint32_t from, uint32_t to)
{
    for (uint32_t va = from; va < to; va += PG) {
        uint32_t pa = arch_unmap(t->pd, va);
        if (pa) {
            page_free_dma(pa);           /* a NIC may still be sending from it (mem.h) */
            pages_in_use--;
        }
    }
}

/* Grow or shrink the team to `size` bytes (rounded to pages). V_EINVAL past user space,
 * V_ENOMEM (nothing changed) when memory runs out. */
int vm_resize(struct team *t, uint32_t size)
{
    if (size > V_USER_LIMIT - V_USER_BASE)
        return V_EINVAL;
    uint32_t old_end = V_USER_BASE + t->size, new_end = V_USER_BASE + round_up(size);
    if (new_end < old_end) {
        unmap_range(t, new_end, old_end);
        arch_unmap_tables(t->pd, new_end, old_end);
    } else {
        for (uint32_t va = old_end; va < new_end; va += PG) {
            uint32_t pa = page_alloc_zeroed();
            if (!pa || arch_map(t->pd, va, pa)) {
                if (pa)
                    page_free(pa);
                unmap_range(t, old_end, va);
                arch_unmap_tables(t->pd, old_end, new_end);   /* and the tables it made */
                return V_ENOMEM;
            }
            pages_in_use++;
        }
    }
    t->size = new_end - V_USER_BASE;
    return V_OK;
}

void vm_destroy(struct team *t)
{
    unmap_range(t, V_USER_BASE, V_USER_BASE + t->size);
    arch_pd_destroy(t->pd);
    t->pd = 0;
    t->size = 0;
}

int vm_check(struct team *t, uint32_t va, uint32_t len, int write)
{
    if (len == 0)
        return V_OK;
    if (!t || va + len < va)
        return V_EBADADDR;
    if ((va & (PG - 1)) + len <= PG)                /* one page: one walk */
        return arch_translate(t->pd, va, write) ? V_OK : V_EBADADDR;
    for (uint32_t p = va & ~(PG - 1); p < va + len && p >= (va & ~(PG - 1)); p += PG)
        if (!arch_translate(t->pd, p, write))
            return V_EBADADDR;
    return V_OK;
}

/* Copy between two checked ranges, page piece by page piece. */
static void copy_pieces(struct team *dt, uint32_t dva, void *dk, struct team *st, uint32_t sva,
                        const void *sk, uint32_t len)
{
    while (len) {
        uint32_t n = len;
        uint8_t *d = dk, *s = (uint8_t *)sk;
        if (dt) {
            d = (uint8_t *)arch_translate(dt->pd, dva, 1);
            if (PG - (dva & (PG - 1)) < n)
                n = PG - (dva & (PG - 1));
        }
        if (st) {
            s = (uint8_t *)arch_translate(st->pd, sva, 0);
            if (PG - (sva & (PG - 1)) < n)
                n = PG - (sva & (PG - 1));
        }
        memcpy(d, s, n);
        len -= n;
        dva += n;
        sva += n;
        dk = (uint8_t *)dk + n;
        sk = (const uint8_t *)sk + n;
    }
}

/* The kernel address of [va, va+len) if it lies in one mapped page with the access
 * asked for, else NULL: messages take this path, one page-table walk per copy. */
static uint8_t *one_page(struct team *t, uint32_t va, uint32_t len, int write)
{
    if (!t || !len || (va & (PG - 1)) + len > PG)
        return NULL;
    return (uint8_t *)arch_translate(t->pd, va, write);
}

static int copy_in(struct team *t, void *dst, uint32_t src_va, uint32_t len, int need_write)
{
    uint8_t *p = one_page(t, src_va, len, need_write);
    if (p) {
        memcpy(dst, p, len);
        return V_OK;
    }
    int err = vm_check(t, src_va, len, need_write);
    if (!err)
        copy_pieces(NULL, 0, dst, t, src_va, NULL, len);
    return err;
}

int vm_copy_in(struct team *t, void *dst, uint32_t src_va, uint32_t len)
{
    return copy_in(t, dst, src_va, len, 0);
}

int vm_copy_in_rw(struct team *t, void *dst, uint32_t src_va, uint32_t len)
{
    return copy_in(t, dst, src_va, len, 1);
}

int vm_copy_out(struct team *t, uint32_t dst_va, const void *src, uint32_t len)
{
    uint8_t *p = one_page(t, dst_va, len, 1);
    if (p) {
        memcpy(p, src, len);
        return V_OK;
    }
    int err = vm_check(t, dst_va, len, 1);
    if (!err)
        copy_pieces(t, dst_va, NULL, NULL, 0, src, len);
    return err;
}

int vm_pieces(struct team *t, uint32_t va, uint32_t len, const uint8_t **ptr, uint32_t *plen,
              int max)
{
    int n = 0;
    if (!t || va + len < va)
        return V_EBADADDR;
    while (len) {
        uint32_t k = PG - (va & (PG - 1));
        const uint8_t *p = (const uint8_t *)arch_translate(t->pd, va, 0);
        if (!p)
            return V_EBADADDR;
        if (k > len)
            k = len;
        if (n && ptr[n - 1] + plen[n - 1] == p) {
            plen[n - 1] += k;            /* the next physical page: one piece */
        } else {
            if (n == max)
                return V_ENOMEM;
            ptr[n] = p;
            plen[n++] = k;
        }
        va += k;
        len -= k;
    }
    return n;
}

int vm_copy(struct team *dt, uint32_t dst_va, struct team *st, uint32_t src_va, uint32_t len)
{
    int err = vm_check(dt, dst_va, len, 1);
    if (!err)
        err = vm_check(st, src_va, len, 0);
    if (!err)
        copy_pieces(dt, dst_va, NULL, st, src_va, NULL, len);
    return err;
}

uint32_t vm_pages_in_use(void) { return pages_in_use; }
