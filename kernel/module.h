/* module.h - the boot bundle: Multiboot modules, kept by name (file name as given). */
#ifndef KERNEL_MODULE_H
#define KERNEL_MODULE_H

#include <stdint.h>

#define MAX_MODULES 32

struct module {
    uint32_t start, size;
    const char *name;           /* as the boot loader gave it: a path or a URI */
};

struct multiboot_info;
void module_init(const struct multiboot_info *mb);
const struct module *module_get(uint32_t index);       /* NULL past the end */
/* The module whose file name's basename, without ".elf", is `prog`. */
const struct module *module_find(const char *prog);

#endif
