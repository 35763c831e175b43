/*
 * tmp.h - the RAM store (docs/UIO.md, "The RAM store"): files and directories in this
 * team's memory, served by UIO as [tmpN] (N = the node). One receive loop (main.c);
 * the objects and paths (tree.c); the open instances (inst.c); reads and writes (io.c).
 * Single-threaded: every table is touched only by the loop's process.
 *
 * Each request is decoded first (every check, nothing changed) and then done, so a
 * request that fails changes nothing.
 */
#ifndef TMP_H
#define TMP_H

#include <stdint.h>
#include <v/err.h>
#include <v/ipc.h>
#include <v/uio.h>

#define TMP_OBJS    256                  /* objects, the root directory included */
#define TMP_INSTS   128                  /* open instances */
#define TMP_BYTES   (2u * 1024u * 1024u) /* bytes of all files together */
#define TMP_POOL    (TMP_BYTES + 512u * 1024u) /* the heap file bytes live in (slack
                                            for block headers and fragmentation) */
#define TMP_BLOCK   65536u               /* UIO_CREATE's block size: what moves best */
#define TMP_INLINE  1408u                /* bytes that travel with a request or reply */
#define TMP_ROOT    0                    /* the root directory's object index */
#define REPLIED     1                    /* a handler replied already */

struct tmp_obj {
    uint8_t  used;
    uint8_t  kind;                       /* V_UIO_FILE or V_UIO_DIRECTORY */
    uint16_t parent;                     /* object index of its directory */
    uint32_t size;                       /* file bytes (a directory: its entries * 64) */
    uint32_t ninst;                      /* instances open on it */
    uint8_t *data;                       /* a file's bytes, in the pool */
    char     name[V_UIO_NAME_MAX + 1];
};

struct tmp_inst {
    uint32_t id;                         /* 0: free */
    uint16_t obj;
    uint16_t mode;                       /* V_UIO_* as opened */
    v_pid_t  creator;                    /* its instances go when it dies */
};

/* A path split as tree_walk found it: the directory that holds (or would hold) the
 * last component, the component, and the object if it exists (-1 if not). */
struct tmp_where {
    int      dir;
    int      obj;
    char     last[V_UIO_NAME_MAX + 1];   /* "": the path named the root */
};

extern struct tmp_obj tmp_objs[TMP_OBJS];

/* tree.c */
void tree_init(void);
int tree_path_check(const char *p, uint32_t len);
int tree_walk(const char *path, struct tmp_where *w);
int tree_new(int dir, const char *name, uint8_t kind);
int tree_remove(const struct tmp_where *w);
uint32_t tree_entries(int dir);
uint32_t tree_dirents(int dir, uint32_t first, uint32_t max, struct v_uio_dirent *out);
int tree_reserve(struct tmp_obj *o, uint32_t end);
void tree_extend(struct tmp_obj *o, uint32_t end);
int tree_set_size(struct tmp_obj *o, uint32_t size);
void *tree_scratch(uint32_t len);
void tree_scratch_free(void *p);

/* inst.c */
int inst_new(int obj, uint32_t mode, v_pid_t creator, uint32_t *id);
struct tmp_inst *inst_find(uint32_t id);
void inst_release(struct tmp_inst *in);
uint32_t inst_creator_died(v_pid_t pid);
int inst_free_slots(void);
void inst_info(const struct tmp_inst *in, struct v_msg *m);

/* io.c */
int io_read(struct v_msg *m, v_pid_t from);
int io_write(struct v_msg *m, v_pid_t from, const uint8_t *seg, uint32_t got);
int io_set_size(struct v_msg *m);

#endif
