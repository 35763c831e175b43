/* test_elf.c - libv/elf.c: ELF32 validation, on images built in memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>
#include <v/elf.h>
#include <v/err.h>

struct ehdr {
    uint8_t  ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

#define IMG_LEN 0x2000u
#define LO      0x40000000u
#define HI      0x80000000u
#define TEXT    0x40000000u
#define DATA    0x40001000u

static _Alignas(8) uint8_t img[IMG_LEN];

static struct ehdr *eh(void) { return (struct ehdr *)img; }
static struct phdr *ph(int i) { return (struct phdr *)(img + sizeof(struct ehdr)) + i; }

/* A valid image: text (R X), data+bss (R W), and a PT_GNU_STACK that must be ignored. */
static int setup(void **state)
{
    (void)state;
    memset(img, 0, sizeof(img));
    *eh() = (struct ehdr){ .type = 2, .machine = 3, .version = 1, .entry = TEXT + 0x10,
                           .phoff = sizeof(struct ehdr), .ehsize = sizeof(struct ehdr),
                           .phentsize = sizeof(struct phdr), .phnum = 3 };
    memcpy(eh()->ident, "\x7f" "ELF\x01\x01\x01", 7);
    *ph(0) = (struct phdr){ 1, 0x100, TEXT, TEXT, 0x200, 0x200, 5, 0x1000 };
    *ph(1) = (struct phdr){ 1, 0x300, DATA, DATA, 0x10, 0x2000, 6, 0x1000 };
    *ph(2) = (struct phdr){ 0x6474e551, 0, 0, 0, 0, 0, 6, 16 };
    return 0;
}

static int parse(uint32_t len) { struct v_elf_info i; return v_elf_parse(img, len, LO, HI, &i); }

static void test_valid(void **state)
{
    (void)state;
    struct v_elf_info i;
    assert_int_equal(v_elf_parse(img, IMG_LEN, LO, HI, &i), 0);
    assert_int_equal(i.entry, TEXT + 0x10);
    assert_int_equal(i.nseg, 2);
    assert_int_equal(i.lo, TEXT);
    assert_int_equal(i.hi, DATA + 0x2000);
    assert_int_equal(i.seg[0].vaddr, TEXT);
    assert_int_equal(i.seg[0].offset, 0x100);
    assert_int_equal(i.seg[0].filesz, 0x200);
    assert_int_equal(i.seg[0].flags, V_PF_R | V_PF_X);
    assert_int_equal(i.seg[1].memsz, 0x2000);
    assert_int_equal(i.seg[1].filesz, 0x10);
}

static void test_page_rounding(void **state)
{
    (void)state;
    struct v_elf_info i;
    ph(0)->vaddr = TEXT + 0x123;
    eh()->entry = TEXT + 0x130;
    ph(1)->memsz = 0x1001;
    assert_int_equal(v_elf_parse(img, IMG_LEN, LO, HI, &i), 0);
    assert_int_equal(i.lo, TEXT);
    assert_int_equal(i.hi, DATA + 0x2000);
}

static void test_unaligned_image(void **state)
{
    (void)state;
    uint8_t *copy = malloc(IMG_LEN + 1);
    struct v_elf_info i;
    assert_non_null(copy);
    memcpy(copy + 1, img, IMG_LEN);
    assert_int_equal(v_elf_parse(copy + 1, IMG_LEN, LO, HI, &i), 0);
    assert_int_equal(i.nseg, 2);
    free(copy);
}

static void test_bad_ident(void **state)
{
    (void)state;
    static const int fields[] = { 0, 1, 2, 3, 4, 5, 6 };
    for (unsigned k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
        setup(NULL);
        img[fields[k]] ^= 0x40;
        assert_int_equal(parse(IMG_LEN), V_EINVAL);
    }
    setup(NULL);
    img[4] = 2;   /* ELFCLASS64 */
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    setup(NULL);
    img[5] = 2;   /* big endian */
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
}

static void test_bad_header_fields(void **state)
{
    (void)state;
    eh()->type = 3;          /* ET_DYN */
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    setup(NULL);
    eh()->machine = 62;      /* x86-64 */
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    setup(NULL);
    eh()->version = 2;
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    setup(NULL);
    eh()->phentsize = 56;
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    setup(NULL);
    eh()->phnum = 0;
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
}

static void test_phdrs_outside_file(void **state)
{
    (void)state;
    eh()->phoff = IMG_LEN - 64;          /* 3 headers need 96 bytes */
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    eh()->phoff = 0xfffffff0u;           /* phoff + size wraps 32 bits */
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    setup(NULL);
    eh()->phnum = 0xffff;
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
}

static void test_truncated(void **state)
{
    (void)state;
    assert_int_equal(parse(0), V_EINVAL);
    assert_int_equal(parse(51), V_EINVAL);
    assert_int_equal(parse(52 + 95), V_EINVAL);   /* program headers cut */
    assert_int_equal(parse(0x300 + 0x10 - 1), V_EINVAL);   /* data's file bytes cut */
    assert_int_equal(parse(0x300 + 0x10), 0);
    assert_int_equal(v_elf_parse(NULL, IMG_LEN, LO, HI, &(struct v_elf_info){ 0 }), V_EINVAL);
}

static void test_segment_file_range(void **state)
{
    (void)state;
    ph(1)->offset = 0xffffff00u;   /* offset + filesz wraps 32 bits */
    ph(1)->filesz = 0x200;
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    setup(NULL);
    ph(1)->filesz = 0x2001;        /* more than memsz */
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
}

static void test_address_limits(void **state)
{
    (void)state;
    struct v_elf_info i;
    ph(1)->vaddr = HI - 0x2000;    /* ends exactly at the limit: fine */
    assert_int_equal(parse(IMG_LEN), 0);
    ph(1)->vaddr = HI - 0x1fff;    /* one past */
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    setup(NULL);
    ph(0)->vaddr = LO - 0x1000;    /* below */
    eh()->entry = LO - 0x1000;
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    setup(NULL);
    ph(1)->vaddr = 0xfffff000u;    /* vaddr + memsz wraps */
    ph(1)->memsz = 0x2000;
    assert_int_equal(v_elf_parse(img, IMG_LEN, 0, 0xffffffffu, &i), V_EINVAL);
    ph(1)->memsz = 0xff8;          /* fits, but the page-rounded end is 2^32 */
    assert_int_equal(v_elf_parse(img, IMG_LEN, 0, 0xffffffffu, &i), V_EINVAL);
}

static void test_entry(void **state)
{
    (void)state;
    eh()->entry = DATA + 4;        /* in a segment, but not an executable one */
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    eh()->entry = TEXT + 0x200;    /* one past the text */
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
    eh()->entry = TEXT + 0x1ff;
    assert_int_equal(parse(IMG_LEN), 0);
    eh()->entry = 0;
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
}

static void test_no_load(void **state)
{
    (void)state;
    ph(0)->type = 4;
    ph(1)->type = 4;
    assert_int_equal(parse(IMG_LEN), V_EINVAL);
}

static void test_segment_count(void **state)
{
    (void)state;
    struct v_elf_info i;
    eh()->phnum = V_ELF_MAX_SEGS + 1;
    for (int k = 1; k <= V_ELF_MAX_SEGS; k++)
        *ph(k) = (struct phdr){ 1, 0x300, DATA + 0x1000u * k, 0, 0x10, 0x10, 6, 0x1000 };
    assert_int_equal(v_elf_parse(img, IMG_LEN, LO, HI, &i), V_EINVAL);
    eh()->phnum = V_ELF_MAX_SEGS;
    assert_int_equal(v_elf_parse(img, IMG_LEN, LO, HI, &i), 0);
    assert_int_equal(i.nseg, V_ELF_MAX_SEGS);
    assert_int_equal(i.hi, DATA + 0x1000u * V_ELF_MAX_SEGS);
}

/* Random corruption of the headers must never crash and never accept a result that
 * breaks the documented guarantees. Each image sits at the very end of a heap buffer so
 * that a read past it would be caught by the sanitizer. */
static void test_garbage(void **state)
{
    (void)state;
    uint32_t seed = 12345, accepted = 0;
    for (int round = 0; round < 20000; round++) {
        setup(NULL);
        for (int k = 0; k < 4; k++) {
            seed = seed * 1103515245u + 12345u;
            img[(seed >> 8) % 160] = (uint8_t)(seed >> 20);
        }
        uint32_t len = (seed >> 3) % 2 ? IMG_LEN : (seed >> 4) % IMG_LEN;
        uint8_t *copy = malloc(len ? len : 1);
        struct v_elf_info i;
        assert_non_null(copy);
        memcpy(copy, img, len);
        if (v_elf_parse(copy, len, LO, HI, &i) == 0) {
            accepted++;
            assert_in_range(i.nseg, 1, V_ELF_MAX_SEGS);
            for (uint32_t s = 0; s < i.nseg; s++) {
                assert_true((uint64_t)i.seg[s].offset + i.seg[s].filesz <= len);
                assert_true(i.seg[s].filesz <= i.seg[s].memsz);
                assert_true(i.seg[s].vaddr >= LO);
                assert_true((uint64_t)i.seg[s].vaddr + i.seg[s].memsz <= HI);
            }
            assert_true(i.lo >= LO && i.hi <= HI && i.lo < i.hi);
        }
        free(copy);
    }
    assert_true(accepted > 0);   /* some mutations are harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_valid, setup),
        cmocka_unit_test_setup(test_page_rounding, setup),
        cmocka_unit_test_setup(test_unaligned_image, setup),
        cmocka_unit_test_setup(test_bad_ident, setup),
        cmocka_unit_test_setup(test_bad_header_fields, setup),
        cmocka_unit_test_setup(test_phdrs_outside_file, setup),
        cmocka_unit_test_setup(test_truncated, setup),
        cmocka_unit_test_setup(test_segment_file_range, setup),
        cmocka_unit_test_setup(test_address_limits, setup),
        cmocka_unit_test_setup(test_entry, setup),
        cmocka_unit_test_setup(test_no_load, setup),
        cmocka_unit_test_setup(test_segment_count, setup),
        cmocka_unit_test_setup(test_garbage, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
