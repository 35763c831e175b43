/*
 * cmdline.h - reading the Multiboot command line (kernel/cmdline.c). Pure: tested on
 * the host (tests/unit/test_cmdline.c).
 *
 * The line is words separated by spaces or tabs. The first word is the image name or
 * URI ("build/kernel.elf", "tftp://10.0.0.1/kernel.elf") and is skipped when it holds
 * no '='. A parameter is "key=value" or a bare word. When a key appears more than once,
 * the last occurrence wins (so appended options override defaults). cl may be NULL.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdint.h>

/* Copy the value of "key=value" into val (vlen bytes, always NUL-terminated when
 * vlen > 0). Returns 0, V_ENOTFOUND, or V_ERANGE if the value did not fit (val then
 * holds the truncated value; nothing is written when vlen is 0). */
int cmdline_get(const char *cl, const char *key, char *val, uint32_t vlen);
/* Value of "key=N" with N decimal or 0x hex, fitting 32 bits. Returns 0, V_ENOTFOUND,
 * or V_EINVAL if the value is not such a number (*out is then unchanged). */
int cmdline_get_uint(const char *cl, const char *key, uint32_t *out);
/* 1 if the bare word or "word=..." is present, else 0. */
int cmdline_has(const char *cl, const char *word);

#endif
