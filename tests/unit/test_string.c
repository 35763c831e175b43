/* test_string.c - libv/string.c, built for the host with every name renamed to vt_*
 * (see unit.mk): the calls below reach libv's code, not the C library's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>

#define ULMAX (~0UL)
#define LMAX  ((long)(~0UL >> 1))
#define LMIN  (-LMAX - 1)

static unsigned char src[160], dst[160], ref[160];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 31 + seed);
}

static void test_memcpy(void **state)
{
    (void)state;
    fill(src, sizeof(src), 1);
    for (size_t so = 0; so < 4; so++)
        for (size_t d = 0; d < 4; d++)
            for (size_t n = 0; n < 70; n++) {
                fill(dst, sizeof(dst), 200);
                fill(ref, sizeof(ref), 200);
                for (size_t i = 0; i < n; i++)
                    ref[d + i] = src[so + i];
                assert_ptr_equal(memcpy(dst + d, src + so, n), dst + d);
                for (size_t i = 0; i < sizeof(dst); i++)   /* and nothing else */
                    assert_int_equal(dst[i], ref[i]);
            }
}

static void test_memmove_overlap(void **state)
{
    (void)state;
    for (size_t shift = 1; shift < 9; shift++) {
        fill(dst, sizeof(dst), 3);
        fill(ref, sizeof(ref), 3);
        memmove(dst + shift, dst, 100);            /* forward overlap */
        for (size_t i = 0; i < 100; i++)
            assert_int_equal(dst[shift + i], ref[i]);
        fill(dst, sizeof(dst), 3);
        memmove(dst, dst + shift, 100);            /* backward overlap */
        for (size_t i = 0; i < 100; i++)
            assert_int_equal(dst[i], ref[shift + i]);
        assert_int_equal(dst[100 + shift], ref[100 + shift]);
    }
    fill(dst, sizeof(dst), 3);
    memmove(dst, dst, 50);
    fill(ref, sizeof(ref), 3);
    assert_memory_equal(dst, ref, sizeof(dst));
}

static void test_memset(void **state)
{
    (void)state;
    for (size_t off = 0; off < 4; off++)
        for (size_t n = 0; n < 40; n++) {
            memset(dst, 0x11, sizeof(dst));
            assert_ptr_equal(memset(dst + off, 0x1ab, n), dst + off);   /* low byte */
            for (size_t i = 0; i < 60; i++)
                assert_int_equal(dst[i], i >= off && i < off + n ? 0xab : 0x11);
        }
}

static void test_memcmp(void **state)
{
    (void)state;
    assert_int_equal(memcmp("abc", "abd", 0), 0);
    assert_int_equal(memcmp("abc", "abc", 3), 0);
    assert_true(memcmp("abc", "abd", 3) < 0);
    assert_true(memcmp("\x80", "\x01", 1) > 0);    /* compares unsigned */
    assert_int_equal(memcmp("abX", "abY", 2), 0);
}

static void test_lengths(void **state)
{
    (void)state;
    char nonterm[4] = { 'a', 'b', 'c', 'd' };
    assert_int_equal(strlen(""), 0);
    assert_int_equal(strlen("hello"), 5);
    assert_int_equal(strnlen("hello", 3), 3);
    assert_int_equal(strnlen("hi", 10), 2);
    assert_int_equal(strnlen(nonterm, 4), 4);      /* never reads past max */
}

static void test_compare(void **state)
{
    (void)state;
    assert_int_equal(strcmp("", ""), 0);
    assert_int_equal(strcmp("abc", "abc"), 0);
    assert_true(strcmp("abc", "abd") < 0);
    assert_true(strcmp("abcd", "abc") > 0);
    assert_true(strcmp("\xff", "a") > 0);
    assert_int_equal(strncmp("abcX", "abcY", 3), 0);
    assert_true(strncmp("abcX", "abcY", 4) < 0);
    assert_int_equal(strncmp("ab", "ab", 10), 0);  /* stops at the NUL */
    assert_true(strncmp("a", "ab", 10) < 0);
    assert_int_equal(strncmp("x", "y", 0), 0);
}

static void test_copies(void **state)
{
    (void)state;
    char b[8];
    assert_ptr_equal(strcpy(b, "hey"), b);
    assert_string_equal(b, "hey");
    memset(b, 'z', sizeof(b));
    strncpy(b, "ab", 5);
    assert_memory_equal(b, "ab\0\0\0zzz", 8);     /* padded to n, rest untouched */
    strncpy(b, "abcdefgh", 3);
    assert_memory_equal(b, "abc\0\0zzz", 8);      /* not terminated */
    assert_int_equal(strlcpy(b, "truncate me", sizeof(b)), 11);
    assert_string_equal(b, "truncat");
    assert_int_equal(strlcpy(b, "ok", sizeof(b)), 2);
    assert_string_equal(b, "ok");
    b[0] = 'q';
    assert_int_equal(strlcpy(b, "xyz", 0), 3);
    assert_int_equal(b[0], 'q');
}

static void test_chr(void **state)
{
    (void)state;
    const char *s = "a/b/c";
    assert_ptr_equal(strchr(s, '/'), s + 1);
    assert_ptr_equal(strrchr(s, '/'), s + 3);
    assert_null(strchr(s, 'x'));
    assert_null(strrchr(s, 'x'));
    assert_ptr_equal(strchr(s, 0), s + 5);
    assert_ptr_equal(strrchr(s, 0), s + 5);
    assert_ptr_equal(strchr(s, 'a' + 256), s);      /* converted to char */
}

static void test_strtoul(void **state)
{
    (void)state;
    char *end;
    const char *s;
    assert_int_equal(strtoul("1234", &end, 10), 1234);
    assert_int_equal(*end, 0);
    assert_int_equal(strtoul("  \t42xyz", &end, 0), 42);
    assert_string_equal(end, "xyz");
    assert_int_equal(strtoul("0x1F", NULL, 0), 31);
    assert_int_equal(strtoul("0X1f", NULL, 16), 31);
    assert_int_equal(strtoul("1f", NULL, 16), 31);
    assert_int_equal(strtoul("017", NULL, 0), 15);
    assert_int_equal(strtoul("017", NULL, 10), 17);
    assert_int_equal(strtoul("019", &end, 8), 1);
    assert_string_equal(end, "9");
    assert_int_equal(strtoul("zz", NULL, 36), 35 * 36 + 35);
    assert_int_equal(strtoul("+7", NULL, 10), 7);
    assert_true(strtoul("-1", NULL, 10) == ULMAX);  /* negated, as C does */
    s = "0x";                                       /* no hex digit: just the 0 */
    assert_int_equal(strtoul(s, &end, 0), 0);
    assert_ptr_equal(end, s + 1);
    s = "  xyz";                                    /* no digits: end = s */
    assert_int_equal(strtoul(s, &end, 10), 0);
    assert_ptr_equal(end, s);
    s = "12";
    assert_int_equal(strtoul(s, &end, 1), 0);       /* bad base */
    assert_ptr_equal(end, s);
    s = "99999999999999999999999999";
    assert_true(strtoul(s, &end, 10) == ULMAX);     /* overflow clamps ... */
    assert_ptr_equal(end, s + 26);                  /* ... but consumes the digits */
    assert_int_equal(strtoul("4294967295", NULL, 10), 4294967295ul);
}

static void test_strtol(void **state)
{
    (void)state;
    char *end;
    assert_int_equal(strtol("-123", &end, 10), -123);
    assert_int_equal(*end, 0);
    assert_int_equal(strtol("-0x10", NULL, 0), -16);
    assert_int_equal(strtol("77", NULL, 8), 63);
    assert_true(strtol("99999999999999999999999999", NULL, 10) == LMAX);
    assert_true(strtol("-99999999999999999999999999", NULL, 10) == LMIN);
        assert_true(strtol("2147483647", NULL, 10) == 2147483647L);
    assert_true(strtol("-2147483648", NULL, 10) == -2147483647L - 1);
}

static void test_atoi(void **state)
{
    (void)state;
    assert_int_equal(atoi("42"), 42);
    assert_int_equal(atoi("  -17abc"), -17);
    assert_int_equal(atoi("abc"), 0);
    assert_int_equal(atoi("0x10"), 0);              /* base 10 only */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy),
        cmocka_unit_test(test_memmove_overlap),
        cmocka_unit_test(test_memset),
        cmocka_unit_test(test_memcmp),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_copies),
        cmocka_unit_test(test_chr),
        cmocka_unit_test(test_strtoul),
        cmocka_unit_test(test_strtol),
        cmocka_unit_test(test_atoi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
