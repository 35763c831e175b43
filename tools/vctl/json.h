/*
 * tools/vctl/json.h - vctl's JSON emitter (json.c): one document on stdout, written as
 * it goes, on one line. Every jw_* call names its member (key) when inside an object,
 * and passes NULL inside an array or for the top level. Strings are escaped for JSON
 * and kept ASCII: control characters, '"', '\\' and bytes 0x7f-0xff (names that nodes
 * supply are bytes, not UTF-8) become escapes (\u00XX for the bytes). Nesting is at
 * most JW_DEPTH deep. Not thread-safe: one document per process.
 */
#ifndef VCTL_JSON_H
#define VCTL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JW_DEPTH 8

void jw_start(FILE *f);                         /* a new document on f */
void jw_obj(const char *key);                   /* open an object */
void jw_arr(const char *key);                   /* open an array */
void jw_end(void);                              /* close the innermost one */
void jw_unwind(int level);                      /* close until level are open */
int jw_finish(void);                            /* close all; newline; 0 or -1 (bad nesting) */
void jw_str(const char *key, const char *s);    /* a string (NULL: null) */
void jw_strn(const char *key, const char *s, size_t n);  /* at most n bytes, up to a NUL */
void jw_uint(const char *key, uint64_t v);
void jw_int(const char *key, int64_t v);
void jw_bool(const char *key, int v);
void jw_null(const char *key);
void jw_hex(const char *key, uint32_t v, int digits);  /* key: v; key_hex: "0x%0*x" (key
                                                         * not NULL) */
void jw_hexstr(const char *key, uint32_t v, int digits);  /* only the string "0x%0*x" */
void jw_ipv4(const char *key, uint32_t a);      /* "a.b.c.d" of a host-order address */
void jw_error(int code, const char *text);      /* error: text, code, name: V_E... */
const char *jw_errname(int code);               /* "V_ETIMEOUT" for V_ETIMEOUT, ... */

#endif
