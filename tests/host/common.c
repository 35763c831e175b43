/* tests/host/common.c - result lines, checksums and patterns for the host tests. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "common.h"
#include "hv_env.h"

static int failures;

void t_pass(const char *name)
{
    printf("PASS %s\n", name);
    fflush(stdout);
}

static void vfail(const char *name, const char *fmt, va_list ap)
{
    failures++;
    printf("FAIL %s: ", name);
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
}

void t_fail(const char *name, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail(name, fmt, ap);
    va_end(ap);
}

int t_check(int cond, const char *name, const char *fmt, ...)
{
    va_list ap;

    if (cond) {
        t_pass(name);
        return 1;
    }
    va_start(ap, fmt);
    vfail(name, fmt, ap);
    va_end(ap);
    return 0;
}

int t_failures(void) { return failures; }

uint32_t t_sum(const void *p, uint32_t n)
{
    const uint8_t *b = p;
    uint32_t h = 2166136261u;

    for (uint32_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

void t_fill(void *p, uint32_t n, uint32_t seed)
{
    uint8_t *b = p;
    uint32_t x = seed * 2654435761u + 1;

    for (uint32_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (uint8_t)(x >> 16);
    }
}

double t_secs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

uint32_t t_num(const char *s)
{
    uint32_t v;

    if (hv_parse_u32(s, &v) < 0) {
        fprintf(stderr, "not a number: '%s'\n", s ? s : "(none)");
        exit(2);
    }
    return v;
}
