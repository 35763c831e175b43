/*
 * fuzz.h - what every libFuzzer harness in tests/fuzz/ shares (docs/TESTING.md).
 *
 * A harness reads its input as a stream of operations (struct fz: past the end every
 * read gives 0), drives the real code with them, and checks each result against a small
 * model of its own. A disagreement prints the file, line and the values, then abort()s,
 * which libFuzzer reports as a crash and saves the input that caused it.
 *
 * The include path is the unit tests' (-Ilibv/include first), so <stdio.h> and
 * <stdlib.h> are libv's; the two libc functions needed here are declared below.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

void abort(void) __attribute__((noreturn));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    const uint8_t *p;
    size_t n;
};

static inline uint8_t fz_u8(struct fz *f)
{
    if (!f->n)
        return 0;
    f->n--;
    return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
    uint16_t hi = fz_u8(f);
    return (uint16_t)(hi << 8 | fz_u8(f));
}

static inline uint32_t fz_u32(struct fz *f)
{
    uint32_t hi = fz_u16(f);
    return hi << 16 | fz_u16(f);
}

static inline uint64_t fz_u64(struct fz *f)
{
    uint64_t hi = fz_u32(f);
    return hi << 32 | fz_u32(f);
}

/* Copy up to max bytes into out (NUL-terminated, so out holds max + 1), stopping after
 * a NUL byte of the input; returns the string's length. */
static inline size_t fz_str(struct fz *f, char *out, size_t max)
{
    size_t i = 0;
    while (i < max && f->n) {
        char c = (char)fz_u8(f);
        if (!c)
            break;
        out[i++] = c;
    }
    out[i] = 0;
    return i;
}

__attribute__((noreturn)) static inline void fz_fail(const char *file, int line,
                                                     const char *what, uint64_t a, uint64_t b)
{
    dprintf(2, "%s:%d: the model disagrees: %s (0x%llx vs 0x%llx)\n", file, line, what,
            (unsigned long long)a, (unsigned long long)b);
    abort();
}

/* The real code's result must equal the model's. */
#define FZ_EQ(real, model)                                                               \
    do {                                                                                 \
        uint64_t fz_r_ = (uint64_t)(real), fz_m_ = (uint64_t)(model);                    \
        if (fz_r_ != fz_m_)                                                              \
            fz_fail(__FILE__, __LINE__, #real " == " #model, fz_r_, fz_m_);              \
    } while (0)
#define FZ_CHECK(cond)                                                                   \
    do {                                                                                 \
        if (!(cond))                                                                     \
            fz_fail(__FILE__, __LINE__, #cond, 0, 0);                                    \
    } while (0)

#endif
