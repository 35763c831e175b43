/* test_fmt.c - libv/fmt.c: v_snprintf, checked by hand and against the host's snprintf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <stdio.h>

/* libv's stdio.h maps snprintf to v_snprintf; the host's own is the reference. */
#undef snprintf
int snprintf(char *buf, size_t size, const char *fmt, ...);

static char buf[256];

#define CHECK(expect, ...) do {                                         \
        int n_ = v_snprintf(buf, sizeof(buf), __VA_ARGS__);             \
        assert_string_equal(buf, expect);                               \
        assert_int_equal(n_, (int)strlen(expect));                      \
    } while (0)

static void test_basic(void **state)
{
    (void)state;
    CHECK("plain", "plain");
    CHECK("", "%s", "");
    CHECK("a 42 b", "a %d b", 42);
    CHECK("-7|7|4294967289", "%i|%u|%u", -7, 7u, (unsigned)-7);
    CHECK("ff|FF|17", "%x|%X|%o", 255u, 255u, 15u);
    CHECK("x|%|y", "%c|%%|%c", 'x', 'y');
    CHECK("hello world", "%s %s", "hello", "world");
    CHECK("0", "%d", 0);
}

/* v_vsnprintf without the compiler's format checking, for formats it would reject. */
static int unchecked(const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = v_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return r;
}

static void test_null_and_odd(void **state)
{
    (void)state;
    assert_int_equal(unchecked("%s", (char *)NULL), 6);
    assert_string_equal(buf, "(null)");
    assert_int_equal(unchecked("[%10s]", (char *)NULL), 12);
    assert_string_equal(buf, "[    (null)]");
    assert_int_equal(unchecked("%q"), 2);        /* unknown conversion copied out */
    assert_string_equal(buf, "%q");
    assert_int_equal(unchecked("end%"), 4);      /* lone trailing % */
    assert_string_equal(buf, "end%");
    assert_int_equal(unchecked("[%-05d]", -42), 7);   /* '-' wins over '0' */
    assert_string_equal(buf, "[-42  ]");
}

static void test_width_flags(void **state)
{
    (void)state;
    CHECK("[   42]", "[%5d]", 42);
    CHECK("[42   ]", "[%-5d]", 42);
    CHECK("[00042]", "[%05d]", 42);
    CHECK("[-0042]", "[%05d]", -42);
    CHECK("[  abc]", "[%5s]", "abc");
    CHECK("[abc  ]", "[%-5s]", "abc");
    CHECK("[ab]", "[%.2s]", "abcdef");
    CHECK("[   ab]", "[%5.2s]", "abcdef");
    CHECK("[    x]", "[%5c]", 'x');
    CHECK("[x    ]", "[%-5c]", 'x');
    CHECK("[ 123]", "[%*d]", 4, 123);
    CHECK("[123 ]", "[%*d]", -4, 123);   /* negative '*' width left-justifies */
    CHECK("[abc]", "[%.*s]", 3, "abcdef");
    CHECK("[12345]", "[%3d]", 12345);    /* width never truncates */
}

static void test_long_values(void **state)
{
    (void)state;
    CHECK("-2147483648", "%d", (int)INT32_MIN);
    CHECK("4294967295", "%lu", 4294967295ul);
    CHECK("18446744073709551615", "%llu", 18446744073709551615ull);
    CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
    CHECK("ffffffffffffffff", "%llx", ~0ull);
    CHECK("1000000000000", "%lld", 1000000000000ll);
    CHECK("1777777777777777777777", "%llo", ~0ull);
    CHECK("123456789", "%zu", (size_t)123456789);
}

static void test_pointer(void **state)
{
    (void)state;
    char expect[64];
    void *p = (void *)(uintptr_t)0x1234abcd;
    CHECK("0x1234abcd", "%p", p);
    CHECK("0x0", "%p", (void *)0);
    snprintf(expect, sizeof(expect), "%p", (void *)buf);
    CHECK(expect, "%p", (void *)buf);
}

static void test_truncation(void **state)
{
    (void)state;
    char small[6];
    memset(small, 'z', sizeof(small));
    assert_int_equal(v_snprintf(small, sizeof(small), "%s", "hello world"), 11);
    assert_string_equal(small, "hello");
    assert_int_equal(v_snprintf(small, 1, "%d", 12345), 5);
    assert_string_equal(small, "");
    small[0] = 'q';
    assert_int_equal(v_snprintf(small, 0, "%d", 12345), 5);
    assert_int_equal(small[0], 'q');           /* size 0 writes nothing */
    assert_int_equal(v_snprintf(NULL, 0, "%s=%d", "abc", 7), 5);
    memset(small, 'z', sizeof(small));
    assert_int_equal(v_snprintf(small, sizeof(small), "%10d", 1), 10);
    assert_string_equal(small, "     ");
}

static int vwrap(char *b, size_t n, const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = v_vsnprintf(b, n, fmt, ap);
    va_end(ap);
    return r;
}

static void test_vsnprintf(void **state)
{
    (void)state;
    assert_int_equal(vwrap(buf, sizeof(buf), "%s-%d-%c", "v", 9, '!'), 5);
    assert_string_equal(buf, "v-9-!");
}

/* Every combination of flags, width, precision and integer conversion agrees with the
 * host's snprintf. */
static void test_against_host_ints(void **state)
{
    (void)state;
    static const char *flags[] = { "", "-", "0", "-0" };
    static const char *widths[] = { "", "1", "6", "14" };
    static const char *precs[] = { "", ".0", ".3", ".12" };
    static const char *convs[] = { "d", "i", "u", "x", "X", "o" };
    static const long long vals[] = { 0, 1, -1, 42, -42, 255, 2147483647, -2147483647 - 1,
                                      4294967295ll, (long long)INT64_MIN, INT64_MAX };
    char fmt[32], want[128], got[128];
    int checked = 0;

    for (unsigned f = 0; f < 4; f++)
    for (unsigned w = 0; w < 4; w++)
    for (unsigned p = 0; p < 4; p++)
    for (unsigned c = 0; c < 6; c++)
    for (unsigned v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
        snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s]", flags[f], widths[w], precs[p], convs[c]);
        snprintf(want, sizeof(want), fmt, (int)vals[v]);
        assert_int_equal(v_snprintf(got, sizeof(got), fmt, (int)vals[v]), (int)strlen(want));
        assert_string_equal(got, want);
        snprintf(fmt, sizeof(fmt), "[%%%s%s%sll%s]", flags[f], widths[w], precs[p], convs[c]);
        snprintf(want, sizeof(want), fmt, vals[v]);
        assert_int_equal(v_snprintf(got, sizeof(got), fmt, vals[v]), (int)strlen(want));
        assert_string_equal(got, want);
        checked += 2;
    }
    assert_int_equal(checked, 4 * 4 * 4 * 6 * 11 * 2);
}

static void test_against_host_strings(void **state)
{
    (void)state;
    static const char *specs[] = { "%s", "%8s", "%-8s", "%.0s", "%.3s", "%8.3s", "%-8.3s",
                                   "%2s", "%.20s" };
    static const char *strs[] = { "", "a", "abcdef", "a longer string" };
    char want[64], got[64];

    for (unsigned i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
        for (unsigned j = 0; j < 4; j++) {
            snprintf(want, sizeof(want), specs[i], strs[j]);
            assert_int_equal(v_snprintf(got, sizeof(got), specs[i], strs[j]),
                             (int)strlen(want));
            assert_string_equal(got, want);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_null_and_odd),
        cmocka_unit_test(test_width_flags),
        cmocka_unit_test(test_long_values),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_vsnprintf),
        cmocka_unit_test(test_against_host_ints),
        cmocka_unit_test(test_against_host_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
