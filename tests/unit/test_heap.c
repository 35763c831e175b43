/* test_heap.c - libv/heap.c (the allocator core) and libv/malloc.c (its program face,
 * built with malloc/free/calloc/realloc renamed to vt_* so the host's stay in place). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>
#include <v/heap.h>
#include <v/err.h>

/* malloc.c yields while another process of its team holds the heap lock; one thread here. */
int v_yield(void);
int v_yield(void) { return 0; }

#define REGION 65536u

static _Alignas(16) unsigned char region[REGION + 16];
static struct v_heap h;

static int setup(void **state)
{
    (void)state;
    memset(region, 0x5a, sizeof(region));
    v_heap_init(&h, region, REGION);
    return 0;
}

static void test_init(void **state)
{
    (void)state;
    struct v_heap u;
    assert_int_equal(v_heap_free_bytes(&h), REGION);
    assert_int_equal(v_heap_check(&h), 0);
    v_heap_init(&u, region + 3, 1007);          /* 5 bytes to align, 1002 trimmed to 1000 */
    assert_int_equal(v_heap_free_bytes(&u), 1000);
    assert_int_equal(((uintptr_t)v_heap_alloc(&u, 1)) % 8, 0);
    assert_int_equal(v_heap_check(&u), 0);
    v_heap_init(&u, region, 31);                /* too small for one block */
    assert_int_equal(v_heap_free_bytes(&u), 0);
    assert_null(v_heap_alloc(&u, 0));
    assert_int_equal(v_heap_check(&u), 0);
    v_heap_init(&u, NULL, 4096);
    assert_null(v_heap_alloc(&u, 8));
}

static void test_alloc_aligned_distinct(void **state)
{
    (void)state;
    unsigned char *p[10];
    for (int i = 0; i < 10; i++) {
        p[i] = v_heap_alloc(&h, (size_t)i * 7 + 1);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % 8, 0);
        assert_true(p[i] >= region && p[i] + i * 7 + 1 <= region + REGION);
        assert_true(v_heap_block_size(&h, p[i]) >= (size_t)i * 7 + 1);
        memset(p[i], i, (size_t)i * 7 + 1);
    }
    for (int i = 0; i < 10; i++)
        for (int k = 0; k < i * 7 + 1; k++)
            assert_int_equal(p[i][k], i);
    assert_int_equal(v_heap_check(&h), 0);
    assert_true(v_heap_free_bytes(&h) < REGION);
}

static void test_zero_and_huge(void **state)
{
    (void)state;
    void *a = v_heap_alloc(&h, 0), *b = v_heap_alloc(&h, 0);
    assert_non_null(a);
    assert_ptr_not_equal(a, b);
    assert_null(v_heap_alloc(&h, REGION));
    assert_null(v_heap_alloc(&h, (size_t)-1));
    assert_null(v_heap_alloc(&h, (size_t)-1 - 20));
    assert_int_equal(v_heap_check(&h), 0);
}

static void test_exhaust_and_recover(void **state)
{
    (void)state;
    void *p[REGION / 32 + 1];
    int n = 0;
    while ((p[n] = v_heap_alloc(&h, 16)) != NULL)
        n++;
    assert_int_equal(n, REGION / 32);           /* 16-byte header + 16 payload each */
    assert_int_equal(v_heap_free_bytes(&h), 0);
    for (int i = 0; i < n; i += 2)
        v_heap_free(&h, p[i]);
    assert_null(v_heap_alloc(&h, 17));           /* fragmented: no 2 adjacent holes */
    for (int i = 1; i < n; i += 2)
        v_heap_free(&h, p[i]);
    assert_int_equal(v_heap_free_bytes(&h), REGION);
    assert_non_null(v_heap_alloc(&h, REGION - 16));   /* merged back into one block */
    assert_int_equal(v_heap_check(&h), 0);
}

static void test_coalesce_both_sides(void **state)
{
    (void)state;
    void *a = v_heap_alloc(&h, 100), *b = v_heap_alloc(&h, 100), *c = v_heap_alloc(&h, 100);
    void *d = v_heap_alloc(&h, 100), *big;
    v_heap_free(&h, a);
    v_heap_free(&h, c);
    v_heap_free(&h, b);                          /* merges with a and c */
    assert_int_equal(v_heap_check(&h), 0);
    big = v_heap_alloc(&h, 300);
    assert_ptr_equal(big, a);                    /* the merged hole is first */
    v_heap_free(&h, big);
    v_heap_free(&h, d);
    assert_int_equal(v_heap_free_bytes(&h), REGION);
}

static void test_first_fit(void **state)
{
    (void)state;
    void *a = v_heap_alloc(&h, 64), *b = v_heap_alloc(&h, 64), *c = v_heap_alloc(&h, 256);
    void *x, *y;
    (void)b;
    v_heap_free(&h, a);
    v_heap_free(&h, c);
    x = v_heap_alloc(&h, 100);                   /* a's hole is too small */
    assert_ptr_equal(x, c);
    y = v_heap_alloc(&h, 32);                    /* fits the first hole */
    assert_ptr_equal(y, a);
}

static void test_bad_frees(void **state)
{
    (void)state;
    unsigned char *a = v_heap_alloc(&h, 64), *b = v_heap_alloc(&h, 64);
    uint32_t *fake;
    int local;
    size_t before;

    v_heap_free(&h, a);
    before = v_heap_free_bytes(&h);
    v_heap_free(&h, a);                          /* double free */
    v_heap_free(&h, &local);                     /* not in the heap */
    v_heap_free(&h, b + 8);                      /* inside a block */
    v_heap_free(&h, b + 1);                      /* misaligned */
    fake = (uint32_t *)(b + 16);                 /* a forged header in b's payload */
    fake[0] = 0x55534544u;
    fake[1] = 32;
    fake[2] = 16;
    v_heap_free(&h, b + 32);
    v_heap_free(&h, NULL);                       /* fine, not counted */
    assert_int_equal(h.bad_frees, 5);
    assert_int_equal(v_heap_free_bytes(&h), before);
    assert_int_equal(v_heap_check(&h), 0);
    assert_null(v_heap_realloc(&h, a, 10));      /* realloc of a dead block */
    assert_int_equal(h.bad_frees, 6);
    assert_int_equal(v_heap_block_size(&h, a), 0);
}

static void test_resize(void **state)
{
    (void)state;
    unsigned char *a = v_heap_alloc(&h, 40), *b, *c, *m;
    unsigned char *z = v_heap_realloc(&h, NULL, 0);   /* NULL: allocates */
    assert_non_null(z);
    assert_int_equal(v_heap_block_size(&h, z), 16);
    v_heap_free(&h, z);
    memset(a, 0xab, 40);
    b = v_heap_realloc(&h, a, 400);              /* the next block is the free tail */
    assert_ptr_equal(b, a);
    assert_true(v_heap_block_size(&h, b) >= 400);
    assert_int_equal(b[39], 0xab);
    c = v_heap_alloc(&h, 8);                     /* pin the block after b */
    b = v_heap_realloc(&h, b, 8);                /* shrink in place, tail freed */
    assert_ptr_equal(b, a);
    assert_true(v_heap_block_size(&h, b) < 400);
    assert_int_equal(v_heap_check(&h), 0);
    memset(b, 0xcd, 8);
    m = v_heap_realloc(&h, b, 2000);             /* must move: data follows */
    assert_non_null(m);
    assert_ptr_not_equal(m, a);
    for (int i = 0; i < 8; i++)
        assert_int_equal(m[i], 0xcd);
    assert_null(v_heap_realloc(&h, m, REGION));  /* too big: m is untouched */
    assert_int_equal(m[7], 0xcd);
    assert_int_equal(v_heap_block_size(&h, m) >= 2000, 1);
    assert_null(v_heap_realloc(&h, m, 0));       /* frees */
    assert_int_equal(v_heap_block_size(&h, m), 0);
    v_heap_free(&h, c);
    assert_int_equal(v_heap_check(&h), 0);
}

/* xorshift32: deterministic randomness for the stress test. */
static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

struct live {
    unsigned char *p;
    size_t n;
    unsigned char fill;
};

static void check_live(const struct live *l, int count)
{
    for (int i = 0; i < count; i++) {
        for (size_t k = 0; k < l[i].n; k++)
            assert_int_equal(l[i].p[k], l[i].fill);
        for (int j = i + 1; j < count; j++)
            assert_true(l[i].p + l[i].n <= l[j].p || l[j].p + l[j].n <= l[i].p);
    }
}

static void test_stress(void **state)
{
    (void)state;
    enum { SLOTS = 128 };
    struct live l[SLOTS];
    int count = 0;
    uint32_t seed = 0x1234567;

    for (int round = 0; round < 20000; round++) {
        uint32_t r = rnd(&seed), i = r % (count ? count : 1);
        size_t n = (rnd(&seed) % 8 == 0) ? rnd(&seed) % 4000 : rnd(&seed) % 200;
        if (r % 3 == 0 && count) {                              /* free */
            v_heap_free(&h, l[i].p);
            l[i] = l[--count];
        } else if (r % 3 == 1 && count) {                       /* realloc */
            unsigned char *q = v_heap_realloc(&h, l[i].p, n + 1);
            if (q) {
                size_t keep = l[i].n < n + 1 ? l[i].n : n + 1;
                for (size_t k = 0; k < keep; k++)
                    assert_int_equal(q[k], l[i].fill);
                memset(q, l[i].fill, n + 1);
                l[i].p = q;
                l[i].n = n + 1;
            }
        } else if (count < SLOTS) {                             /* alloc */
            unsigned char *p = v_heap_alloc(&h, n);
            if (p) {
                assert_int_equal((uintptr_t)p % 8, 0);
                l[count] = (struct live){ p, n, (unsigned char)round };
                memset(p, l[count].fill, n);
                count++;
            }
        }
        assert_int_equal(v_heap_check(&h), 0);
        if (round % 97 == 0)
            check_live(l, count);
    }
    check_live(l, count);
    while (count)
        v_heap_free(&h, l[--count].p);
    assert_int_equal(v_heap_free_bytes(&h), REGION);
    assert_int_equal(h.bad_frees, 0);
    assert_int_equal(v_heap_check(&h), 0);
}

/* malloc.c over its global heap: before init, then over a region. */
static void test_malloc_face(void **state)
{
    (void)state;
    unsigned char *p, *q;
    assert_null(malloc(16));                     /* no region yet */
    free(NULL);
    v_malloc_init(region, REGION);
    p = malloc(100);
    assert_non_null(p);
    memset(p, 0xee, 100);
    free(p);
    q = calloc(25, 4);                           /* reuses p's block: must be zeroed */
    assert_ptr_equal(q, p);
    for (int i = 0; i < 100; i++)
        assert_int_equal(q[i], 0);
    assert_null(calloc((size_t)-1 / 2 + 2, 2));  /* n*size overflows */
    assert_null(calloc(2, (size_t)-1 / 2 + 2));
    assert_null(calloc(REGION, 2));
    q = realloc(q, 1000);
    assert_non_null(q);
    assert_int_equal(q[99], 0);
    free(q);
    p = calloc(0, 0);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init, setup),
        cmocka_unit_test_setup(test_alloc_aligned_distinct, setup),
        cmocka_unit_test_setup(test_zero_and_huge, setup),
        cmocka_unit_test_setup(test_exhaust_and_recover, setup),
        cmocka_unit_test_setup(test_coalesce_both_sides, setup),
        cmocka_unit_test_setup(test_first_fit, setup),
        cmocka_unit_test_setup(test_bad_frees, setup),
        cmocka_unit_test_setup(test_resize, setup),
        cmocka_unit_test_setup(test_stress, setup),
        cmocka_unit_test_setup(test_malloc_face, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
