/*
 * ktests.c - in-kernel tests (test mode): the real page allocator, page tables, checked
 * copies, the process table, the module table and PCI, exercised before any program runs.
 */
#include "ktest.h"
#include "arch.h"
#include "cmdline.h"
#include "ipc.h"
#include "kernel.h"
#include "mem.h"
#include "module.h"
#include "proc.h"
#include "time.h"
#include "vm.h"
#include "dev/pci.h"
#include <string.h>
#include <v/err.h>
#include <v/startup.h>

KTEST(pages_allocate_zeroed_and_return)
{
    uint32_t total, free0, free1, free2;
    mem_stats(&total, &free0);
    uint32_t a = page_alloc_zeroed(), b = page_alloc_zeroed();
    KT_CHECK(a && b && a != b);
    KT_CHECK((a & 0xfff) == 0 && (b & 0xfff) == 0);
    KT_CHECK(((uint32_t *)a)[0] == 0 && ((uint32_t *)a)[1023] == 0);
    mem_stats(&total, &free1);
    KT_CHECK(free0 - free1 == 2);
    page_free(a);
    page_free(b);
    mem_stats(&total, &free2);
    KT_CHECK(free2 == free0);
}

KTEST(team_memory_maps_copies_and_rejects_bad_ranges)
{
    struct team *t;
    uint32_t total, free0, free1;
    mem_stats(&total, &free0);
    KT_CHECK(team_create(3 * 4096, &t) == V_OK);
    char buf[16] = "hello, team";
    KT_CHECK(vm_copy_out(t, V_USER_BASE + 4090, buf, 12) == V_OK);     /* spans two pages */
    char back[16] = { 0 };
    KT_CHECK(vm_copy_in(t, back, V_USER_BASE + 4090, 12) == V_OK);
    KT_CHECK(!memcmp(back, buf, 12));
    KT_CHECK(vm_check(t, V_USER_BASE + 3 * 4096 - 4, 8, 0) == V_EBADADDR); /* past the end */
    KT_CHECK(vm_check(t, 0x00100000, 4, 0) == V_EBADADDR);               /* kernel memory */
    KT_CHECK(vm_check(t, 0xfffffffc, 8, 0) == V_EBADADDR);               /* wraps */
    KT_CHECK(vm_copy_out(t, V_USER_BASE + 3 * 4096 - 4, buf, 8) == V_EBADADDR);
    KT_CHECK(vm_resize(t, 4096) == V_OK);
    KT_CHECK(vm_check(t, V_USER_BASE + 4096, 4, 0) == V_EBADADDR);
    KT_CHECK(vm_resize(t, V_USER_LIMIT) == V_EINVAL);
    vm_destroy(t);
    t->used = 0;
    mem_stats(&total, &free1);
    KT_CHECK(free1 == free0);                  /* pages, page tables, directory all back */
}

/* A team's pages as pieces for a gather: each piece one physically contiguous run,
 * together the whole range, and as few as the pages' physical layout allows. */
KTEST(vm_pieces_are_physically_contiguous_runs)
{
    struct team *t;
    KT_CHECK(team_create(4 * 4096, &t) == V_OK);
    static uint8_t data[3 * 4096];
    for (uint32_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + 3);
    uint32_t va = V_USER_BASE + 100;
    KT_CHECK(vm_copy_out(t, va, data, sizeof(data)) == V_OK);
    uint32_t breaks = 0;                       /* page boundaries that are not adjacent */
    for (uint32_t p = 1; p < 4; p++)
        breaks += arch_translate(t->pd, V_USER_BASE + p * 4096, 0) !=
                  arch_translate(t->pd, V_USER_BASE + (p - 1) * 4096, 0) + 4096;
    const uint8_t *ptr[4];
    uint32_t plen[4], off = 0;
    int n = vm_pieces(t, va, sizeof(data), ptr, plen, 4);
    KT_CHECK(n == (int)breaks + 1);
    for (int i = 0; i < n; i++) {
        for (uint32_t k = 0; k < plen[i]; k += 512)   /* physical runs: byte k is at ptr + k */
            KT_CHECK((uint32_t)(ptr[i] + k) == arch_translate(t->pd, va + off + k, 0));
        KT_CHECK(!memcmp(ptr[i], data + off, plen[i]));
        off += plen[i];
    }
    KT_CHECK(off == sizeof(data));
    KT_CHECK(vm_pieces(t, V_USER_BASE + 3 * 4096, 8192, ptr, plen, 4) == V_EBADADDR);
    if (breaks)
        KT_CHECK(vm_pieces(t, va, sizeof(data), ptr, plen, 1) == V_ENOMEM);
    vm_destroy(t);
    t->used = 0;
}

/* A team page freed while a device may still read it (a NIC sending from it in place)
 * is held, neither free nor reused, until the network module says the reads are over. */
static int fake_busy_now;
static int fake_busy(void) { return fake_busy_now; }

KTEST(pages_freed_during_device_reads_are_held_until_done)
{
    uint32_t total, free0, free1, free2;
    mem_dma_busy_fn real = mem_set_dma_busy(fake_busy);
    struct team *t;
    KT_CHECK(team_create(3 * 4096, &t) == V_OK);
    mem_stats(&total, &free0);
    fake_busy_now = 1;
    KT_CHECK(vm_resize(t, 4096) == V_OK);      /* two pages go while "the NIC reads" */
    mem_stats(&total, &free1);
    KT_CHECK(free1 == free0 && mem_pages_held() == 2);
    fake_busy_now = 0;
    mem_dma_done();
    mem_stats(&total, &free2);
    KT_CHECK(free2 == free0 + 2 && mem_pages_held() == 0);
    KT_CHECK(vm_resize(t, 0) == V_OK);         /* not busy: freed at once, and the page */
    mem_stats(&total, &free1);                 /* table that mapped nothing any more */
    KT_CHECK(free1 == free2 + 2 && mem_pages_held() == 0);
    vm_destroy(t);
    t->used = 0;
    mem_set_dma_busy(real);
}

KTEST(stale_pids_never_reach_a_reused_slot)
{
    struct team *t;
    struct proc *p, *q;
    KT_CHECK(team_create(4096, &t) == V_OK);
    KT_CHECK(proc_create(t, V_USER_BASE, V_USER_BASE + 4096, 4, 0, &p) == V_OK);
    v_pid_t old = p->pid;
    KT_CHECK(proc_lookup(old) == p);
    KT_CHECK(v_pid_lhost(old) == node_lhost);
    KT_CHECK(t->root == old);
    proc_destroy(p);                           /* the root: the team goes too */
    KT_CHECK(proc_lookup(old) == NULL);
    KT_CHECK(!t->used);
    KT_CHECK(team_create(4096, &t) == V_OK);
    KT_CHECK(proc_create(t, V_USER_BASE, V_USER_BASE + 4096, 4, 0, &q) == V_OK);
    KT_CHECK(q->pid != old);
    KT_CHECK(proc_lookup(old) == NULL);
    proc_destroy(q);
}

KTEST(pseudo_processes_are_only_the_two_servers)
{
    KT_CHECK(ipc_is_pseudo(v_pid_make(node_lhost, V_LOCAL_KERNEL_SERVER)));
    KT_CHECK(ipc_is_pseudo(v_pid_make(node_lhost, V_LOCAL_DEVICE_SERVER)));
    KT_CHECK(!ipc_is_pseudo(v_pid_make(node_lhost, 3)));
    KT_CHECK(!ipc_is_pseudo(v_pid_make(node_lhost + 1, V_LOCAL_KERNEL_SERVER)));
    KT_CHECK(!ipc_is_pseudo(V_PID_GROUP_BIT | V_LOCAL_KERNEL_SERVER));
}

KTEST(boot_bundle_and_command_line)
{
    KT_CHECK(module_find("pm") != NULL);
    KT_CHECK(module_find("utest") != NULL);
    KT_CHECK(module_find("nonesuch") == NULL);
    KT_CHECK(cmdline_has(kernel_cmdline, "test"));
    char init[32];
    KT_CHECK(cmdline_get(kernel_cmdline, "init", init, sizeof(init)) == V_OK);
    KT_CHECK(!strcmp(init, "name,tmp,utest"));   /* tests/guest/run-guest.sh */
}

KTEST(pci_finds_the_host_bridge)
{
    uint32_t n;
    const struct v_dev_info *d = pci_devices(&n);
    KT_CHECK(n >= 1);
    KT_CHECK(d[0].bus == 0 && d[0].dev == 0 && d[0].class_code == 0x06);   /* a bridge */
    KT_CHECK(d[0].vendor != 0xffff);
}

KTEST(clock_is_monotonic_and_calibrated)
{
    uint64_t a = time_now_ns();
    for (volatile int i = 0; i < 100000; i++)
        ;
    uint64_t b = time_now_ns();
    KT_CHECK(b > a);
    KT_CHECK(arch_cycles_khz() >= 1000);       /* at least 1 MHz: calibration happened */
}
