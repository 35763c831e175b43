/* stdlib.h - memory and conversions for programs (libv/malloc.c, libv/string.c). */
#ifndef LIBV_STDLIB_H
#define LIBV_STDLIB_H
#include <stddef.h>
unsigned long strtoul(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);
int atoi(const char *s);
#ifndef KERNEL
void *malloc(size_t n);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
__attribute__((noreturn)) void exit(int status);
#endif
#endif
