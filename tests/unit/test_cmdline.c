/* test_cmdline.c - kernel/cmdline.c: Multiboot command-line parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "cmdline.h"
#include <v/err.h>

static const char *CL = "build/kernel.elf node=3  ip=10.0.0.3\ttest mask=0xff00 name=";

static void test_get_basic(void **state)
{
    (void)state;
    char v[32];
    assert_int_equal(cmdline_get(CL, "node", v, sizeof(v)), 0);
    assert_string_equal(v, "3");
    assert_int_equal(cmdline_get(CL, "ip", v, sizeof(v)), 0);   /* after two spaces */
    assert_string_equal(v, "10.0.0.3");
    assert_int_equal(cmdline_get(CL, "name", v, sizeof(v)), 0);  /* empty value */
    assert_string_equal(v, "");
}

static void test_get_not_found(void **state)
{
    (void)state;
    char v[8] = "keep";
    assert_int_equal(cmdline_get(CL, "nod", v, sizeof(v)), V_ENOTFOUND);   /* prefix */
    assert_int_equal(cmdline_get(CL, "node=", v, sizeof(v)), V_ENOTFOUND);
    assert_int_equal(cmdline_get(CL, "test", v, sizeof(v)), V_ENOTFOUND);  /* bare word */
    assert_int_equal(cmdline_get(CL, "", v, sizeof(v)), V_ENOTFOUND);
    assert_int_equal(cmdline_get(NULL, "node", v, sizeof(v)), V_ENOTFOUND);
    assert_int_equal(cmdline_get("", "node", v, sizeof(v)), V_ENOTFOUND);
    assert_string_equal(v, "keep");
}

static void test_get_truncates(void **state)
{
    (void)state;
    char v[9];
    assert_int_equal(cmdline_get(CL, "ip", v, 5), V_ERANGE);
    assert_string_equal(v, "10.0");
    assert_int_equal(cmdline_get(CL, "ip", v, 8), V_ERANGE);   /* no room for the NUL */
    assert_string_equal(v, "10.0.0.");
    assert_int_equal(cmdline_get(CL, "ip", v, 9), 0);          /* exactly fits */
    assert_string_equal(v, "10.0.0.3");
    assert_int_equal(cmdline_get(CL, "ip", v, 1), V_ERANGE);
    assert_string_equal(v, "");
    v[0] = 'x';
    assert_int_equal(cmdline_get(CL, "ip", v, 0), V_ERANGE);
    assert_int_equal(v[0], 'x');
}

static void test_first_word(void **state)
{
    (void)state;
    char v[32];
    /* an image name holding no '=' is skipped, even if it looks like a word we want */
    assert_int_equal(cmdline_has("test node=1", "test"), 0);
    assert_int_equal(cmdline_has("tftp://10.0.0.1/kernel.elf test", "test"), 1);
    assert_int_equal(cmdline_has("tftp://10.0.0.1/kernel.elf", "tftp://10.0.0.1/kernel.elf"), 0);
    /* a first word with '=' is a parameter */
    assert_int_equal(cmdline_get("node=4 x", "node", v, sizeof(v)), 0);
    assert_string_equal(v, "4");
    assert_int_equal(cmdline_get("  \t node=5", "node", v, sizeof(v)), 0);
    assert_string_equal(v, "5");
}

static void test_last_wins(void **state)
{
    (void)state;
    char v[8];
    assert_int_equal(cmdline_get("k node=1 node=2", "node", v, sizeof(v)), 0);
    assert_string_equal(v, "2");
}

static void test_value_with_eq(void **state)
{
    (void)state;
    char v[16];
    assert_int_equal(cmdline_get("k opt=a=b", "opt", v, sizeof(v)), 0);
    assert_string_equal(v, "a=b");
}

static void test_get_uint(void **state)
{
    (void)state;
    uint32_t n = 77;
    assert_int_equal(cmdline_get_uint(CL, "node", &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(cmdline_get_uint(CL, "mask", &n), 0);
    assert_int_equal(n, 0xff00);
    assert_int_equal(cmdline_get_uint("k a=4294967295", "a", &n), 0);
    assert_int_equal(n, 0xffffffffu);
    assert_int_equal(cmdline_get_uint("k a=0XfFfFfFfF", "a", &n), 0);
    assert_int_equal(n, 0xffffffffu);
    assert_int_equal(cmdline_get_uint("k a=0", "a", &n), 0);
    assert_int_equal(n, 0);
}

static void test_get_uint_errors(void **state)
{
    (void)state;
    uint32_t n = 77;
    assert_int_equal(cmdline_get_uint(CL, "ip", &n), V_EINVAL);
    assert_int_equal(cmdline_get_uint(CL, "name", &n), V_EINVAL);      /* empty */
    assert_int_equal(cmdline_get_uint(CL, "test", &n), V_ENOTFOUND);
    assert_int_equal(cmdline_get_uint(CL, "zzz", &n), V_ENOTFOUND);
    assert_int_equal(cmdline_get_uint("k a=4294967296", "a", &n), V_EINVAL);
    assert_int_equal(cmdline_get_uint("k a=0x100000000", "a", &n), V_EINVAL);
    assert_int_equal(cmdline_get_uint("k a=0x", "a", &n), V_EINVAL);
    assert_int_equal(cmdline_get_uint("k a=12k", "a", &n), V_EINVAL);
    assert_int_equal(cmdline_get_uint("k a=-1", "a", &n), V_EINVAL);
    assert_int_equal(cmdline_get_uint("k a=0x1g", "a", &n), V_EINVAL);
    assert_int_equal(n, 77);
}

static void test_has(void **state)
{
    (void)state;
    assert_int_equal(cmdline_has(CL, "test"), 1);
    assert_int_equal(cmdline_has(CL, "node"), 1);   /* "node=..." counts */
    assert_int_equal(cmdline_has(CL, "tes"), 0);
    assert_int_equal(cmdline_has(CL, "testx"), 0);
    assert_int_equal(cmdline_has(CL, "3"), 0);      /* a value is not a word */
    assert_int_equal(cmdline_has(CL, ""), 0);
    assert_int_equal(cmdline_has(NULL, "test"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_basic),
        cmocka_unit_test(test_get_not_found),
        cmocka_unit_test(test_get_truncates),
        cmocka_unit_test(test_first_word),
        cmocka_unit_test(test_last_wins),
        cmocka_unit_test(test_value_with_eq),
        cmocka_unit_test(test_get_uint),
        cmocka_unit_test(test_get_uint_errors),
        cmocka_unit_test(test_has),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
