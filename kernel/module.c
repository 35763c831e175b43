/* module.c - the table of boot modules (the boot bundle), from Multiboot information. */
#include "module.h"
#include "kernel.h"
#include "multiboot.h"
#include <string.h>

static struct module mods[MAX_MODULES];
static uint32_t nmods;

void module_init(const struct multiboot_info *mb)
{
    if (!(mb->flags & MB_INFO_MODS))
        return;
    const struct multiboot_mod *m = (const struct multiboot_mod *)mb->mods_addr;
    for (uint32_t i = 0; i < mb->mods_count && nmods < MAX_MODULES; i++) {
        mods[nmods].start = m[i].start;
        mods[nmods].size = m[i].end - m[i].start;
        mods[nmods].name = m[i].string ? (const char *)m[i].string : "";
        nmods++;
    }
    if (mb->mods_count > MAX_MODULES)
        kprintf("kernel: %u boot modules, only %u kept\n", mb->mods_count, MAX_MODULES);
}

const struct module *module_get(uint32_t i) { return i < nmods ? &mods[i] : NULL; }

/* Does a module file name (path or URI, maybe with arguments) name program `prog`? */
static int names(const char *file, const char *prog)
{
    const char *end = file;
    while (*end && *end != ' ')
        end++;
    const char *base = end;
    while (base > file && base[-1] != '/')
        base--;
    size_t n = (size_t)(end - base);
    if (n > 4 && !strncmp(end - 4, ".elf", 4))
        n -= 4;
    return strlen(prog) == n && !strncmp(base, prog, n);
}

const struct module *module_find(const char *prog)
{
    for (uint32_t i = 0; i < nmods; i++)
        if (names(mods[i].name, prog))
            return &mods[i];
    return NULL;
}
