/*
 * inst.c - the RAM store's open instances: a table of TMP_INSTS, each an object, the
 * mode it was opened with and the process that created it. Ids come from a 32-bit
 * counter that skips 0 and ids in use, so an id is not reused until 2^32 more opens.
 * Entry points: inst_new, inst_find, inst_release, inst_creator_died, inst_free_slots,
 * inst_info.
 */
#include <string.h>
#include "tmp.h"

static struct tmp_inst insts[TMP_INSTS];
static uint32_t next_id = 1;

/* A free slot, or 0. */
static struct tmp_inst *free_slot(void)
{
    for (int i = 0; i < TMP_INSTS; i++)
        if (!insts[i].id)
            return &insts[i];
    return 0;
}

/* Are there free slots? (decoding checks this before it changes anything) */
int inst_free_slots(void) { return free_slot() != 0; }

struct tmp_inst *inst_find(uint32_t id)
{
    for (int i = 0; id && i < TMP_INSTS; i++)
        if (insts[i].id == id)
            return &insts[i];
    return 0;
}

/* A new instance of object obj for creator; *id = its id. V_ENOSPC (table full). */
int inst_new(int obj, uint32_t mode, v_pid_t creator, uint32_t *id)
{
    struct tmp_inst *in = free_slot();
    if (!in)
        return V_ENOSPC;
    while (!next_id || inst_find(next_id))
        next_id++;
    in->id = next_id++;
    in->obj = (uint16_t)obj;
    in->mode = (uint16_t)mode;
    in->creator = creator;
    tmp_objs[obj].ninst++;
    *id = in->id;
    return V_OK;
}

void inst_release(struct tmp_inst *in)
{
    tmp_objs[in->obj].ninst--;
    memset(in, 0, sizeof(*in));
}

/* Release every instance pid created; returns how many. */
uint32_t inst_creator_died(v_pid_t pid)
{
    uint32_t n = 0;
    for (int i = 0; i < TMP_INSTS; i++)
        if (insts[i].id && insts[i].creator == pid) {
            inst_release(&insts[i]);
            n++;
        }
    return n;
}

/* The reply words of UIO_CREATE and UIO_QUERY for instance in. */
void inst_info(const struct tmp_inst *in, struct v_msg *m)
{
    const struct tmp_obj *o = &tmp_objs[in->obj];
    uint32_t flags = in->mode & V_UIO_WRITE ? 0 : V_UIO_F_READONLY;
    m->w[0] = in->id;
    m->w[1] = o->kind == V_UIO_DIRECTORY ? tree_entries(in->obj) * V_UIO_DIRENT_SIZE : o->size;
    m->w[2] = TMP_BLOCK;
    m->w[3] = o->kind | flags << 8;
    m->w[4] = 0;
}
