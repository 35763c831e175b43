# tests/unit/unit.mk - host unit tests (cmocka), included by the top-level Makefile.
# `make unit` builds $(BUILD)/unit/test_<name> from tests/unit/test_<name>.c plus the pure
# sources it tests, then runs them all through tests/run-unit.sh.
#
# libv/string.c and libv/malloc.c define names the host's C library also defines; their
# tests compile them (and the test) with -D renames to vt_* so the two never meet.

UNIT_DIR    := $(BUILD)/unit
# AddressSanitizer and UBSan catch out-of-bounds reads (the ELF parser's garbage test
# relies on it) and undefined arithmetic; any report aborts the test binary.
UNIT_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -U_FORTIFY_SOURCE $(UNIT_SAN) \
               -Ilibv/include -Ikernel -Inet
UNIT_LIBS   := -lcmocka
UNIT_HDRS   := $(wildcard libv/include/*.h libv/include/v/*.h kernel/*.h net/*.h)

UNIT_TESTS  := list frames timerq cmdline elf msg fmt heap pid string proto_codec proto_state netcfg \
               host_env group name_cache proto_window chksum host_seg

# Pure sources linked into each test.
unit_srcs_frames  := kernel/frames.c
unit_srcs_timerq  := kernel/timerq.c
unit_srcs_cmdline := kernel/cmdline.c
unit_srcs_elf     := libv/elf.c
unit_srcs_msg     := libv/msg.c
unit_srcs_fmt     := libv/fmt.c
unit_srcs_heap    := libv/heap.c libv/malloc.c
unit_srcs_string  := libv/string.c
unit_srcs_proto_codec := net/proto_codec.c
unit_srcs_netcfg := net/netcfg.c kernel/cmdline.c
unit_srcs_proto_state := net/proto_retx.c net/proto_rcache.c net/lhost.c
unit_srcs_host_env := libv/host/hv_env.c libv/host/hv_env.h net/proto_rcache.c
unit_srcs_host_seg := libv/host/hv_seg.c libv/host/hv_seg.h
unit_srcs_group := kernel/group_table.c
unit_srcs_name_cache := libv/name_cache.c
unit_srcs_proto_window := net/proto_window.c
unit_srcs_chksum := net/chksum.c

UNIT_STRING_NAMES := memcpy memmove memset memcmp strlen strnlen strcmp strncmp strcpy \
                     strncpy strlcpy strchr strrchr strtoul strtol atoi
unit_flags_string := -fno-builtin $(foreach f,$(UNIT_STRING_NAMES),-D$(f)=vt_$(f))
unit_flags_heap   := -Dmalloc=vt_malloc -Dfree=vt_free -Dcalloc=vt_calloc -Drealloc=vt_realloc
unit_flags_host_env := -Ilibv/host
unit_flags_host_seg := -Ilibv/host

UNIT_BINS := $(UNIT_TESTS:%=$(UNIT_DIR)/test_%)

define UNIT_template
$(UNIT_DIR)/test_$(1): tests/unit/test_$(1).c $(unit_srcs_$(1)) $(UNIT_HDRS) tests/unit/unit.mk
	@mkdir -p $$(dir $$@)
	$(call say,HOSTCC,$$@)$(HOSTCC) $(UNIT_CFLAGS) $(unit_flags_$(1)) -o $$@ $$(filter %.c,$$^) $(UNIT_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call UNIT_template,$(t))))

.PHONY: unit
unit: $(UNIT_BINS)
	@bash tests/run-unit.sh $(UNIT_DIR)
