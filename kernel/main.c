/*
 * main.c - boot: bring up the five modules (memory, process, time, device,
 * communication) in order, run the in-kernel tests in test mode, start the program
 * manager, and become the idle process.
 */
#include "arch.h"
#include "cmdline.h"
#include "kernel.h"
#include "ksrv.h"
#include "ktest.h"
#include "mem.h"
#include "module.h"
#include "multiboot.h"
#include "proc.h"
#include "sched.h"
#include "time.h"
#include "dev/console.h"
#include "dev/pci.h"
#include "group.h"
#include "net.h"
#include <v/err.h>

struct kstats kstats;
uint32_t node_id = 1;
uint32_t node_lhost;
const char *kernel_cmdline = "";
int test_mode;

int loader_start(const char *name, uint32_t prio, v_pid_t *pid);

static void read_cmdline(const struct multiboot_info *mb)
{
    if (mb->flags & MB_INFO_CMDLINE)
        kernel_cmdline = (const char *)mb->cmdline;
    uint32_t n;
    if (cmdline_get_uint(kernel_cmdline, "node", &n) == V_OK) {
        if (n >= 1 && n <= V_NODE_MAX)
            node_id = n;
        else
            kprintf("kernel: node=%u out of range 1..%u, using 1\n", n, V_NODE_MAX);
    }
    node_lhost = v_lhost_make(node_id, 0);
    test_mode = cmdline_has(kernel_cmdline, "test");
}

void kmain(uint32_t magic, const struct multiboot_info *mb)
{
    arch_console_init();
    if (magic != MULTIBOOT_BOOT_MAGIC)
        panic("not booted by a Multiboot loader (magic 0x%08x)", magic);
    read_cmdline(mb);
    kprintf("vsys kernel: node %u, logical host 0x%04x, cmdline '%s'\n", node_id, node_lhost,
            kernel_cmdline);
    mem_init(mb);
    arch_paging_init(MEM_PHYS_LIMIT);
    arch_init();
    module_init(mb);
    proc_init();
    struct proc *idle;
    if (proc_create_kernel(sched_idle_loop, PRIO_IDLE, &idle))
        panic("no slot for the idle process");
    sched_init(idle);
    time_init();
    pci_init();
    group_init();
    net_init();
    console_init();
    uint32_t total, free, ndev;
    mem_stats(&total, &free);
    pci_devices(&ndev);
    kprintf("kernel: %u KiB of memory, %u KiB free; %u PCI functions; tsc %u kHz\n",
            total * 4, free * 4, ndev, arch_cycles_khz());
    uint32_t ip = net_ipv4();
    if (ip)
        kprintf("kernel: node %u is %u.%u.%u.%u\n", node_id, ip >> 24, (ip >> 16) & 0xff,
                (ip >> 8) & 0xff, ip & 0xff);
    if (test_mode) {
        unsigned passed, failed;
        ktest_run_all(&passed, &failed);
        ksrv_set_kernel_test_counts(passed, failed);
    }
    v_pid_t pm;
    int err = loader_start("pm", 1, &pm);
    if (err)
        panic("cannot start the program manager (module 'pm'): error %d", err);
    kprintf("kernel: program manager is pid 0x%08x\n", pm);
    sched_idle_loop();
}
