# vsys - a V-style distributed operating system. `make help` lists the targets.
BUILD   ?= build
CC      ?= gcc
HOSTCC  ?= gcc
QEMU    ?= qemu-system-i386

# Quiet by default: one line a step (`  CC      kernel/ipc.c`), as kbuild does; `make V=1`
# shows the whole commands; `make -s` shows neither. Warnings and errors show either way.
# A recipe line begins $(call say,TAG,WHAT) and then the command (which make echoes only
# with V=1).
V ?= 0
ifneq ($(V)$(findstring s,$(firstword -$(MAKEFLAGS))),0)
say =
else
say = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

GCCINC  := $(shell $(CC) -m32 -print-file-name=include)
LIBGCC  := $(shell $(CC) -m32 -print-libgcc-file-name)

# Freestanding i686 code: kernel and programs. No FPU/SSE state is kept per process,
# so neither may use those registers (-mgeneral-regs-only).
TFLAGS  := -m32 -march=i686 -std=c11 -ffreestanding -fno-builtin -fno-pie -fno-stack-protector \
           -fno-asynchronous-unwind-tables -mgeneral-regs-only -nostdinc -isystem $(GCCINC) \
           -Ilibv/include -O2 -g -Wall -Wextra -Werror -MMD -MP
KFLAGS  := $(TFLAGS) -Ikernel -Inet -DKERNEL
# `make BUILD=build-prof NETPROF=1`: a kernel that profiles its network paths (net/netprof.h).
KFLAGS  += $(if $(NETPROF),-DNETPROF=$(NETPROF))
UFLAGS  := $(TFLAGS)
TLDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none

# Pure libv pieces the kernel links too (no system calls in them).
LIBV_SHARED := libv/string.c libv/fmt.c libv/msg.c libv/elf.c
# lwIP: Debian's source package, fetched into third_party/ by tools/fetch-lwip.sh on the
# first build (never committed); the IPv4 core only (net/lwip/lwipopts.h). Named one by
# one because the files do not exist yet when a fresh clone's make reads this.
LWIP_DIR    := third_party/lwip
LWIP_STAMP  := $(LWIP_DIR)/.vsys-fetched
LWIP_SRCS   := $(addprefix $(LWIP_DIR)/src/,core/init.c core/def.c core/inet_chksum.c core/ip.c \
               core/mem.c core/memp.c core/netif.c core/pbuf.c core/timeouts.c core/udp.c \
               core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/igmp.c \
               core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c netif/ethernet.c)
NET_SRCS    := $(wildcard net/*.c) $(LWIP_SRCS)
NET_OBJS    := $(patsubst %,$(BUILD)/k/%.o,$(basename $(NET_SRCS)))
KERNEL_SRCS := $(wildcard kernel/arch/x86/*.S kernel/arch/x86/*.c kernel/*.c kernel/dev/*.c) \
               $(LIBV_SHARED) $(NET_SRCS)
KERNEL_OBJS := $(patsubst %,$(BUILD)/k/%.o,$(basename $(KERNEL_SRCS)))
LIBV_SRCS   := $(wildcard libv/*.c libv/*.S)
LIBV_OBJS   := $(patsubst %,$(BUILD)/u/%.o,$(basename $(LIBV_SRCS)))
PROGS       := $(notdir $(patsubst %/,%,$(dir $(wildcard servers/*/main.c))))
PROG_ELFS   := $(PROGS:%=$(BUILD)/user/%.elf)

.PHONY: all deps kernel programs test unit guest-test run debug bench bench-naming abuse clean help wireshark
all: $(BUILD)/kernel.elf $(PROG_ELFS) host
kernel: $(BUILD)/kernel.elf
programs: $(PROG_ELFS)

help:
	@echo "make deps    install the Debian packages the project needs (root)"
	@echo "make         build the kernel and the boot bundle into $(BUILD)/"
	@echo "make run     set up, build, boot 3 nodes, node 1's shell on this terminal"
	@echo "make debug   one node halted for gdb: prints the command that attaches (GDBPORT=1234)"
	@echo "make test    set up, build, and run the whole test suite"
	@echo "make bench   run the benchmarks (tables on the terminal, JSON in $(BUILD)/bench/)"
	@echo "make bench-naming  naming by multicast and group Sends on 2..16 nodes (also in bench)"
	@echo "make unit    the host unit tests (cmocka)"
	@echo "make V=1     show the whole compiler commands (quiet: one line a file)"
	@echo "make fuzz    the libFuzzer harnesses, FUZZ_SECONDS (20) each; fuzz-quick: seconds in all"
	@echo "make abuse   ABUSE_COUNT (30000) hostile system calls of seeds ABUSE_SEEDS (1 2 3) on 2 nodes"
	@echo "make wireshark  install the vsys dissector for Wireshark/tshark (docs/DEBUGGING.md)"

deps:
	@bash tools/deps.sh

# The Wireshark/tshark dissector of the inter-kernel protocol, linked into the personal
# Lua plugins folder (~/.local/lib/wireshark/plugins/); docs/DEBUGGING.md.
wireshark:
	@bash tools/wireshark/install.sh

$(BUILD)/k/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(KFLAGS) -c $< -o $@
$(BUILD)/k/%.o: %.S
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(KFLAGS) -c $< -o $@
$(BUILD)/u/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(UFLAGS) -c $< -o $@
$(BUILD)/u/%.o: %.S
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(UFLAGS) -c $< -o $@

$(LWIP_STAMP):
	@bash tools/fetch-lwip.sh $(LWIP_DIR)
$(LWIP_SRCS): | $(LWIP_STAMP)
$(NET_OBJS): | $(LWIP_STAMP)
$(NET_OBJS): KFLAGS += -Inet/lwip -I$(LWIP_DIR)/src/include

$(BUILD)/kernel.elf: $(KERNEL_OBJS) kernel/arch/x86/kernel.ld
	@test -f "$(LIBGCC)" || { echo "no 32-bit libgcc ($(LIBGCC)): run 'make deps'" >&2; exit 1; }
	$(call say,LD,$@)$(CC) $(TLDFLAGS) -T kernel/arch/x86/kernel.ld -o $@ $(KERNEL_OBJS) $(LIBGCC)

$(BUILD)/libv.a: $(LIBV_OBJS)
	@rm -f $@
	$(call say,AR,$@)ar rcs $@ $^

# One program per servers/<name>/ folder holding a main.c: every .c there is linked.
define PROG_template
$(BUILD)/user/$(1).elf: $(patsubst %,$(BUILD)/u/%.o,$(basename $(wildcard servers/$(1)/*.c))) $(BUILD)/libv.a libv/user.ld
	@mkdir -p $$(dir $$@)
	$(call say,LD,$$@)$(CC) $(TLDFLAGS) -T libv/user.ld -o $$@ $$(filter %.o,$$^) $(BUILD)/libv.a $(LIBGCC)
endef
$(foreach p,$(PROGS),$(eval $(call PROG_template,$(p))))

-include tests/unit/unit.mk
-include tests/fuzz/fuzz.mk
-include libv/host/host.mk

# These install what is missing first, then build in a fresh make: the compiler paths
# above are read when a make starts, and gcc-multilib may have only just arrived.
test: deps
	@$(MAKE) --no-print-directory all
	@bash tests/run-all.sh

run: deps
	@$(MAKE) --no-print-directory all
	@bash cluster/run-cluster.sh $(RUNARGS)

# One node halted at reset under QEMU's gdb stub (docs/DEBUGGING.md): it prints the gdb
# command that attaches; the node's shell is this terminal once gdb lets it run.
GDBPORT ?= 1234
debug: deps
	@$(MAKE) --no-print-directory all
	@bash cluster/run-node.sh --gdb $(GDBPORT) $(RUNARGS)

# The abuse program at length (docs/TESTING.md): make test runs 3,000 calls of seed 1.
ABUSE_SEEDS ?= 1 2 3
ABUSE_COUNT ?= 30000
abuse: deps
	@$(MAKE) --no-print-directory all
	@rc=0; for s in $(ABUSE_SEEDS); do \
	  ABUSE_TIMEOUT=$$(( $(ABUSE_COUNT) / 20 + 120 )) \
	    bash tests/cluster/abuse.sh $(BUILD) $$s $(ABUSE_COUNT) || rc=1; done; exit $$rc

bench: deps
	@$(MAKE) --no-print-directory all
	@rc=0; bash tests/bench/run-bench.sh || rc=1; \
	  bash tests/bench/naming-bench.sh $(NAMINGARGS) || rc=1; exit $$rc

# NAMINGARGS passes options on, e.g. NAMINGARGS='--nodes "2 4" --ops 200'.
bench-naming: deps
	@$(MAKE) --no-print-directory all
	@bash tests/bench/naming-bench.sh $(NAMINGARGS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/k $(BUILD)/u -name '*.d' -type f 2>/dev/null)
