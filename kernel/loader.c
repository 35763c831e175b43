/*
 * loader.c - the kernel loads exactly one program itself: the program manager, the
 * module named "pm". Everything else is loaded by the program manager, at user level.
 */
#include "kernel.h"
#include "module.h"
#include "proc.h"
#include "sched.h"
#include "vm.h"
#include <string.h>
#include <v/elf.h>
#include <v/err.h>
#include <v/startup.h>

#define PM_HEAP (1024u * 1024u)

/* Lay out argv {"pm"} and a struct v_startup at the top of the team; returns the esp. */
static uint32_t write_startup(struct team *t, uint32_t heap_start)
{
    uint32_t top = V_USER_BASE + t->size;
    uint32_t str = top - 16, argv = str - 8, sp = argv - sizeof(struct v_startup);
    uint32_t argv_words[2] = { str, 0 };
    struct v_startup st = { .argc = 1, .argv = argv, .heap_start = heap_start,
                            .heap_end = top - V_STACK_SIZE, .parent = 0 };
    vm_copy_out(t, str, "pm", 3);
    vm_copy_out(t, argv, argv_words, sizeof(argv_words));
    vm_copy_out(t, sp, &st, sizeof(st));
    return sp;
}

/* Load module `name` into a new team and make its process ready. */
int loader_start(const char *name, uint32_t prio, v_pid_t *pid)
{
    const struct module *mod = module_find(name);
    if (!mod)
        return V_ENOTFOUND;
    struct v_elf_info info;
    int err = v_elf_parse((const void *)mod->start, mod->size, V_USER_BASE, V_USER_LIMIT, &info);
    if (err)
        return err;
    uint32_t size = (info.hi - V_USER_BASE) + PM_HEAP + V_STACK_SIZE;
    struct team *t;
    struct proc *p;
    if ((err = team_create(size, &t)))
        return err;
    for (uint32_t i = 0; i < info.nseg; i++)
        vm_copy_out(t, info.seg[i].vaddr, (const void *)(mod->start + info.seg[i].offset),
                    info.seg[i].filesz);
    uint32_t esp = write_startup(t, info.hi);
    if ((err = proc_create(t, info.entry, esp, prio, 0, &p))) {
        vm_destroy(t);
        t->used = 0;
        return err;
    }
    strlcpy(t->name, name, sizeof(t->name));
    sched_ready(p);
    *pid = p->pid;
    return V_OK;
}
