/*
 * servers/pm/load.c - starting a program of the boot bundle as a new team.
 * Entry points: pm_load, pm_module_find, pm_module_list, pm_program_name.
 *
 * A program's team is laid out (v/startup.h) as
 *   [V_USER_BASE, hi)          the ELF image (hi page-rounded by v_elf_parse)
 *   [hi, top - V_STACK_SIZE)   the heap, PM_HEAP bytes
 *   [top - V_STACK_SIZE, top)  the root's stack; at its top the argv strings, the argv
 *                              array and the struct v_startup esp points at.
 * The kernel gives us the new team zeroed and its root blocked on us with R/W access to
 * all of it, so loading is MoveTo of each segment's file bytes and of the stack top.
 */
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <v/kclient.h>
#include <v/elf.h>
#include <v/startup.h>
#include "pm.h"

#define MODULE_NAME_MAX 128
#define READ_CHUNK      (64u * 1024u)
#define STACK_TOP_MAX   (PM_CMD_MAX + (PM_ARGS + 1) * 4 + 64)

static uint32_t round_up(uint32_t x, uint32_t a) { return (x + a - 1) & ~(a - 1); }

/* The program name of a module: the base name of its first word, without ".elf".
 * "build/user/shell.elf" and "tftp://10.0.0.1/shell.elf arg" both give "shell". */
void pm_program_name(const char *module, char *out, uint32_t len)
{
    const char *start = module, *p;
    uint32_t n;

    for (p = module; *p && *p != ' '; p++)
        if (*p == '/')
            start = p + 1;
    n = (uint32_t)(p - start);
    if (n > 4 && !strncmp(p - 4, ".elf", 4))
        n -= 4;
    if (n >= len)
        n = len - 1;
    memcpy(out, start, n);
    out[n] = 0;
}

/* Index and size of the bundle's module whose program name is `name`. V_ENOTFOUND. */
int pm_module_find(const char *name, uint32_t *index, uint32_t *size)
{
    char mod[MODULE_NAME_MAX], prog[MODULE_NAME_MAX];
    uint32_t i, sz;
    int rc;

    for (i = 0; (rc = v_ks_module_info(i, &sz, mod, sizeof mod)) == 0; i++) {
        pm_program_name(mod, prog, sizeof prog);
        if (!strcmp(prog, name)) {
            *index = i;
            *size = sz;
            return V_OK;
        }
    }
    return rc == V_ENOTFOUND ? V_ENOTFOUND : rc;
}

/* The program names of the bundle, one per line, into buf (NUL-terminated; names that
 * do not fit are left out). *used = bytes without the NUL. */
int pm_module_list(char *buf, uint32_t len, uint32_t *used)
{
    char mod[MODULE_NAME_MAX], prog[MODULE_NAME_MAX];
    uint32_t i, n = 0, sz, l;
    int rc;

    for (i = 0; (rc = v_ks_module_info(i, &sz, mod, sizeof mod)) == 0; i++) {
        pm_program_name(mod, prog, sizeof prog);
        l = strlen(prog);
        if (n + l + 2 > len)
            break;
        memcpy(buf + n, prog, l);
        n += l;
        buf[n++] = '\n';
    }
    if (len)
        buf[n < len ? n : len - 1] = 0;
    *used = n;
    return rc == V_ENOTFOUND || rc == 0 ? V_OK : rc;
}

/* Read module `index` (size bytes) into a new buffer the caller frees. */
static int module_load(uint32_t index, uint32_t size, uint8_t **out)
{
    uint8_t *img;
    uint32_t off = 0, got, want;
    int rc;

    if (size == 0)
        return V_EINVAL;
    if (!(img = malloc(size)))
        return V_ENOMEM;
    while (off < size) {
        want = size - off < READ_CHUNK ? size - off : READ_CHUNK;
        if ((rc = v_ks_module_read(index, off, img + off, want, &got)) < 0 || got == 0) {
            free(img);
            return rc < 0 ? rc : V_EINVAL;
        }
        off += got;
    }
    *out = img;
    return V_OK;
}

/* Split cmd (modified in place) at blanks into argv; returns argc (0 if empty). */
static int split_args(char *cmd, char **argv, int max)
{
    int argc = 0;

    while (*cmd) {
        while (*cmd == ' ' || *cmd == '\t')
            *cmd++ = 0;
        if (!*cmd)
            break;
        if (argc == max)
            return -1;
        argv[argc++] = cmd;
        while (*cmd && *cmd != ' ' && *cmd != '\t')
            cmd++;
    }
    return argc;
}

/*
 * Build in buf the top of a stack that ends at `top`: the strings, argv[argc+1] and the
 * struct v_startup (16-byte aligned), lowest address first. *esp = the address of the
 * struct (what the program starts with), *len = bytes from *esp to top.
 */
static void stack_build(uint8_t *buf, uint32_t top, int argc, char **argv,
                        const struct v_startup *proto, uint32_t *esp, uint32_t *len)
{
    uint32_t strbytes = 0, strs, vec, sp, p;
    struct v_startup su = *proto;
    int i;

    for (i = 0; i < argc; i++)
        strbytes += strlen(argv[i]) + 1;
    strs = top - round_up(strbytes, 4);
    vec = strs - 4u * (uint32_t)(argc + 1);
    sp = (vec - sizeof su) & ~15u;
    su.argc = (uint32_t)argc;
    su.argv = vec;
    memset(buf, 0, top - sp);
    memcpy(buf, &su, sizeof su);
    for (i = 0, p = strs; i < argc; i++) {
        uint32_t l = strlen(argv[i]) + 1;
        memcpy(buf + (p - sp), argv[i], l);
        memcpy(buf + (vec - sp) + 4u * (uint32_t)i, &p, 4);
        p += l;
    }
    *esp = sp;
    *len = top - sp;
}

/* Copy the image's segments and the stack top into the new team (blocked on us). */
static int team_fill(v_pid_t pid, const uint8_t *img, const struct v_elf_info *info,
                     uint32_t esp, const uint8_t *stk, uint32_t stklen)
{
    uint32_t i;
    int rc;

    for (i = 0; i < info->nseg; i++) {
        const struct v_elf_seg *s = &info->seg[i];
        if (s->filesz && (rc = v_move_to(pid, s->vaddr, img + s->offset, s->filesz)) < 0)
            return rc;
    }
    return v_move_to(pid, esp, stk, stklen);
}

/* Create the team for a parsed image, fill it, name it and start it. */
static int team_start(const uint8_t *img, const struct v_elf_info *info, int argc,
                      char **argv, uint32_t prio, v_pid_t parent, v_pid_t *pid)
{
    static uint8_t stk[STACK_TOP_MAX];
    struct v_startup su;
    uint32_t image = info->hi - V_USER_BASE, size, top, esp, stklen;
    v_pid_t p;
    int rc;

    if (image > V_USER_LIMIT - V_USER_BASE - PM_HEAP - V_STACK_SIZE)
        return V_ENOMEM;
    size = image + PM_HEAP + V_STACK_SIZE;
    top = V_USER_BASE + size;
    memset(&su, 0, sizeof su);
    su.heap_start = info->hi;
    su.heap_end = top - V_STACK_SIZE;
    su.parent = parent;
    stack_build(stk, top, argc, argv, &su, &esp, &stklen);

    if ((rc = v_ks_create_team(info->entry, esp, prio, size, &p)) < 0)
        return rc;
    if ((rc = team_fill(p, img, info, esp, stk, stklen)) < 0 ||
        (rc = v_ks_set_team_name(p, argv[0])) < 0 ||
        (rc = v_ks_start(p)) < 0) {
        v_ks_destroy(p);
        return rc;
    }
    *pid = p;
    return V_OK;
}

/*
 * Start "name arg1 arg2 ..." from the boot bundle at priority prio (0: the default) on
 * behalf of parent; *pid = its root. Errors: V_EINVAL (empty or too many words, a priority above V_PRIO_MAX, not a
 * valid i386 executable), V_ENOTFOUND (no such program), V_ENOMEM (table full, image
 * too big, out of memory), or what the kernel answered.
 */
int pm_load(const char *cmdline, uint32_t prio, v_pid_t parent, v_pid_t *pid)
{
    char cmd[PM_CMD_MAX], *argv[PM_ARGS];
    struct v_elf_info info;
    struct pm_team *t;
    uint32_t index, size;
    uint8_t *img = 0;
    int argc, rc;

    strlcpy(cmd, cmdline, sizeof cmd);
    if ((argc = split_args(cmd, argv, PM_ARGS)) <= 0)
        return V_EINVAL;
    if (prio > V_PRIO_MAX)
        return V_EINVAL;
    if (prio == 0)
        prio = PM_DEFAULT_PRIO;
    if ((rc = pm_module_find(argv[0], &index, &size)) < 0)
        return rc;
    if (!(t = team_alloc()))
        return V_ENOMEM;
    if ((rc = module_load(index, size, &img)) == 0 &&
        (rc = v_elf_parse(img, size, V_USER_BASE, V_USER_LIMIT, &info)) == 0)
        rc = team_start(img, &info, argc, argv, prio, parent, pid);
    free(img);
    if (rc < 0) {
        team_release(t);
        return rc;
    }
    t->state = T_RUNNING;
    t->root = *pid;
    t->parent = parent;
    strlcpy(t->name, argv[0], sizeof t->name);
    return V_OK;
}
