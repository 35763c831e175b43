/*
 * tree.c - the RAM store's objects: a table of TMP_OBJS files and directories (index 0
 * is the root), linked to their directory by index, and the pool their bytes live in
 * (a v_heap over a static array, so that files are not bounded by the team's 1 MiB
 * malloc heap). All files together hold at most TMP_BYTES bytes.
 * Entry points: tree_init, tree_path_check, tree_walk, tree_new, tree_remove,
 * tree_entries, tree_dirents, tree_reserve, tree_extend, tree_set_size, tree_scratch{,_free}.
 */
#include <string.h>
#include <v/heap.h>
#include "tmp.h"

struct tmp_obj tmp_objs[TMP_OBJS];
static uint8_t pool[TMP_POOL] __attribute__((aligned(8)));
static struct v_heap heap;
static uint32_t total;                   /* bytes of all files */

void tree_init(void)
{
    v_heap_init(&heap, pool, sizeof(pool));
    memset(tmp_objs, 0, sizeof(tmp_objs));
    tmp_objs[TMP_ROOT].used = 1;
    tmp_objs[TMP_ROOT].kind = V_UIO_DIRECTORY;
}

/* Is one component of n bytes acceptable? V_EINVAL for "..", or longer than 55. */
static int component_check(const char *s, uint32_t n)
{
    if (n > V_UIO_NAME_MAX || (n == 2 && s[0] == '.' && s[1] == '.'))
        return V_EINVAL;
    return V_OK;
}

/* Check the path p as granted (len bytes): at most V_UIO_PATH_MAX bytes before an
 * optional final NUL, no other NUL, no "..", no component longer than 55. V_EINVAL. */
int tree_path_check(const char *p, uint32_t len)
{
    if (len && p[len - 1] == 0)
        len--;
    if (len > V_UIO_PATH_MAX)
        return V_EINVAL;
    uint32_t start = 0;
    for (uint32_t i = 0; i <= len; i++) {
        if (i < len && p[i] == 0)
            return V_EINVAL;
        if (i == len || p[i] == '/') {
            if (component_check(p + start, i - start))
                return V_EINVAL;
            start = i + 1;
        }
    }
    return V_OK;
}

/* The child of directory dir named name, or -1. */
static int child(int dir, const char *name)
{
    for (int i = 1; i < TMP_OBJS; i++)
        if (tmp_objs[i].used && tmp_objs[i].parent == dir && !strcmp(tmp_objs[i].name, name))
            return i;
    return -1;
}

/* Walk a checked, NUL-terminated path into *w. V_ENOTFOUND (a directory on the way
 * does not exist), V_ENOTDIR (the way goes through a file). */
int tree_walk(const char *path, struct tmp_where *w)
{
    const char *p = path;
    w->dir = w->obj = TMP_ROOT;
    w->last[0] = 0;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p)
            return V_OK;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        uint32_t n = (uint32_t)(p - s);
        if (n == 1 && s[0] == '.')
            continue;
        if (w->obj < 0)
            return V_ENOTFOUND;
        if (tmp_objs[w->obj].kind != V_UIO_DIRECTORY)
            return V_ENOTDIR;
        w->dir = w->obj;
        memcpy(w->last, s, n);
        w->last[n] = 0;
        w->obj = child(w->dir, w->last);
    }
}

/* Make an empty object `name` of kind in directory dir: its index, or V_ENOSPC. */
int tree_new(int dir, const char *name, uint8_t kind)
{
    for (int i = 1; i < TMP_OBJS; i++) {
        struct tmp_obj *o = &tmp_objs[i];
        if (o->used)
            continue;
        memset(o, 0, sizeof(*o));
        o->used = 1;
        o->kind = kind;
        o->parent = (uint16_t)dir;
        strcpy(o->name, name);
        return i;
    }
    return V_ENOSPC;
}

/* Entries of directory dir. */
uint32_t tree_entries(int dir)
{
    uint32_t n = 0;
    for (int i = 1; i < TMP_OBJS; i++)
        n += tmp_objs[i].used && tmp_objs[i].parent == dir;
    return n;
}

/* Remove the object w found. V_ENOTFOUND, V_EINVAL (the root), V_EBUSY (it has
 * instances, or is a directory with entries). */
int tree_remove(const struct tmp_where *w)
{
    if (w->obj < 0)
        return V_ENOTFOUND;
    if (w->obj == TMP_ROOT)
        return V_EINVAL;
    struct tmp_obj *o = &tmp_objs[w->obj];
    if (o->ninst || (o->kind == V_UIO_DIRECTORY && tree_entries(w->obj)))
        return V_EBUSY;
    total -= o->size * (o->kind == V_UIO_FILE);
    v_heap_free(&heap, o->data);
    memset(o, 0, sizeof(*o));
    return V_OK;
}

/* Records first.. of directory dir (at most max) into out; returns how many. */
uint32_t tree_dirents(int dir, uint32_t first, uint32_t max, struct v_uio_dirent *out)
{
    uint32_t k = 0, n = 0;
    for (int i = 1; i < TMP_OBJS && n < max; i++) {
        const struct tmp_obj *o = &tmp_objs[i];
        if (!o->used || o->parent != dir || k++ < first)
            continue;
        memset(&out[n], 0, sizeof(out[n]));
        out[n].size = o->kind == V_UIO_FILE ? o->size : 0;
        out[n].kind = o->kind;
        out[n].name_len = (uint8_t)strlen(o->name);
        memcpy(out[n].name, o->name, out[n].name_len);
        n++;
    }
    return n;
}

/* Let file o hold end bytes (its size unchanged): V_OK, or V_ENOSPC (over TMP_BYTES,
 * or no room in the pool). Capacity at least doubles, so a file written in pieces is
 * copied O(log n) times. */
int tree_reserve(struct tmp_obj *o, uint32_t end)
{
    if (end <= o->size)
        return V_OK;
    if (end - o->size > TMP_BYTES - total)
        return V_ENOSPC;
    uint32_t cap = o->data ? (uint32_t)v_heap_block_size(&heap, o->data) : 0;
    if (cap >= end)
        return V_OK;
    uint32_t want = cap * 2 > end && cap * 2 <= TMP_BYTES ? cap * 2 : end;
    void *p = v_heap_realloc(&heap, o->data, want);
    if (!p && want != end)
        p = v_heap_realloc(&heap, o->data, end);
    if (!p)
        return V_ENOSPC;
    o->data = p;
    return V_OK;
}

/* Cut file o to size bytes, or extend it with zeros. V_ENOSPC. */
int tree_set_size(struct tmp_obj *o, uint32_t size)
{
    if (size > o->size) {
        int rc = tree_reserve(o, size);
        if (rc)
            return rc;
        memset(o->data + o->size, 0, size - o->size);
        total += size - o->size;
    } else {
        total -= o->size - size;
        if (!size) {
            v_heap_free(&heap, o->data);
            o->data = 0;
        }
    }
    o->size = size;
    return V_OK;
}

/* File o now holds end bytes, which tree_reserve made room for and the caller wrote. */
void tree_extend(struct tmp_obj *o, uint32_t end)
{
    if (end > o->size) {
        total += end - o->size;
        o->size = end;
    }
}

/* A temporary buffer from the pool (0 if there is no room), and its release. */
void *tree_scratch(uint32_t len) { return v_heap_alloc(&heap, len); }
void tree_scratch_free(void *p) { v_heap_free(&heap, p); }
