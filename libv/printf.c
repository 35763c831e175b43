/*
 * libv/printf.c - console output and line input for programs: printf, vprintf, puts,
 * putchar, v_readline. Output of one call is formatted into one buffer and written
 * with one v_console_write, so lines of concurrent programs do not interleave
 * mid-line. Not reentrant across threads of one team (v_readline keeps state).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <v/kclient.h>
#include <v/err.h>

#define PRINTF_BUF 256

int vprintf(const char *fmt, va_list ap)
{
    char small[PRINTF_BUF], *buf = small;
    va_list again;
    int n;

    va_copy(again, ap);
    n = v_vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small) {
        /* too long for the stack buffer: format again into the heap, else truncate */
        char *big = malloc((size_t)n + 1);
        if (big) {
            v_vsnprintf(big, (size_t)n + 1, fmt, again);
            buf = big;
        } else {
            n = sizeof small - 1;
        }
    }
    va_end(again);
    if (n > 0)
        v_console_write(buf, (uint32_t)n);
    if (buf != small)
        free(buf);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    return printf("%s\n", s);
}

int putchar(int c)
{
    char ch = (char)c;

    v_console_write(&ch, 1);
    return (unsigned char)ch;
}

/* Input read ahead of the current line, and whether the last line ended in '\r' (so
 * that a '\n' right after it is the same end of line). */
static char pending[64];
static uint32_t npending, ipending;
static int after_cr;

static int next_char(char *c)
{
    int rc;

    while (ipending >= npending) {
        ipending = npending = 0;
        if ((rc = v_console_read(pending, sizeof pending, &npending)) < 0)
            return rc;
    }
    *c = pending[ipending++];
    return V_OK;
}

/* Read one line into buf (NUL-terminated, at most size-1 bytes, without its end),
 * echoing printable characters and handling backspace and DEL. Ends on '\r' or '\n'.
 * Returns the length or the console's error. */
int v_readline(char *buf, size_t size)
{
    size_t len = 0;
    char c;
    int rc;

    if (!buf || size == 0)
        return V_EINVAL;
    for (;;) {
        if ((rc = next_char(&c)) < 0) {
            buf[len] = 0;
            return rc;
        }
        if (c == '\n' && after_cr) {   /* the second half of "\r\n" */
            after_cr = 0;
            continue;
        }
        after_cr = 0;
        if (c == '\r' || c == '\n') {
            after_cr = c == '\r';
            v_console_write("\n", 1);     /* the console sends CR LF */
            buf[len] = 0;
            return (int)len;
        }
        if (c == '\b' || c == 0x7f) {
            if (len > 0) {
                len--;
                v_console_write("\b \b", 3);
            }
        } else if (c >= 0x20 && c < 0x7f && len + 1 < size) {
            buf[len++] = c;
            v_console_write(&c, 1);
        }
    }
}
