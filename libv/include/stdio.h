/* stdio.h - formatted output. snprintf/vsnprintf (libv/fmt.c) are pure and shared with the
 * kernel; printf and friends (libv/printf.c) write to the console through the device server.
 * Formats: %d %i %u %x %X %o %c %s %p %%, the l and ll modifiers, width, '-', '0', precision
 * for %s. */
#ifndef LIBV_STDIO_H
#define LIBV_STDIO_H
#include <stddef.h>
#include <stdarg.h>
int v_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int v_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define vsnprintf v_vsnprintf
#define snprintf v_snprintf
#ifndef KERNEL
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);
/* Read one line from the console into buf (at most size-1 bytes, without the newline),
 * echoing what is typed and handling backspace. Returns the length, or a V_E* error. */
int v_readline(char *buf, size_t size);
#endif
#endif
