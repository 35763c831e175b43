# tests/fuzz/fuzz.mk - libFuzzer harnesses for the pure code (docs/TESTING.md), included
# by the top-level Makefile.
#   make fuzz        build every harness and run each for FUZZ_SECONDS (default 20)
#   make fuzz-quick  run each over its committed corpus (tests/fuzz/corpus/<name>/) and
#                    FUZZ_QUICK_RUNS (default 2000) mutations of it: seconds; part of `make test`
#   make fuzz FUZZ=proto_codec   one harness (also for fuzz-quick)
# Harnesses are built with clang (libFuzzer, ASan, UBSan) into $(BUILD)/fuzz/, with the
# unit tests' include paths. New inputs a run finds go to $(BUILD)/fuzz/corpus/<name>/,
# a failing input to $(BUILD)/fuzz/artifacts/; the committed corpus is never written.

FUZZ_DIR     := $(BUILD)/fuzz
FUZZCC       ?= clang
FUZZ_SECONDS ?= 20
FUZZ_QUICK_RUNS ?= 2000
FUZZ_CFLAGS  := -std=c11 -O1 -g -Wall -Wextra -Werror -U_FORTIFY_SOURCE \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer -Ilibv/include -Ikernel -Inet

FUZZ_ALL     := proto_codec proto_window proto_rcache proto_retx lhost group elf cmdline \
                name_cache host_env msg_seg
FUZZ         ?= $(FUZZ_ALL)

fuzz_srcs_proto_codec  := net/proto_codec.c
fuzz_srcs_proto_window := net/proto_window.c
fuzz_srcs_proto_rcache := net/proto_rcache.c
fuzz_srcs_proto_retx   := net/proto_retx.c
fuzz_srcs_lhost        := net/lhost.c
fuzz_srcs_group        := kernel/group_table.c
fuzz_srcs_elf          := libv/elf.c
fuzz_srcs_cmdline      := kernel/cmdline.c
fuzz_srcs_name_cache   := libv/name_cache.c
fuzz_srcs_host_env     := libv/host/hv_env.c
fuzz_srcs_msg_seg      := libv/msg.c libv/host/hv_seg.c
fuzz_flags_host_env    := -Ilibv/host
fuzz_flags_msg_seg     := -Ilibv/host

FUZZ_BINS := $(FUZZ:%=$(FUZZ_DIR)/fuzz_%)

define FUZZ_template
$(FUZZ_DIR)/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz.h $(fuzz_srcs_$(1)) $(UNIT_HDRS) \
                       tests/fuzz/fuzz.mk | fuzz-toolchain
	@mkdir -p $$(dir $$@)
	$(call say,FUZZCC,$$@)$(FUZZCC) $(FUZZ_CFLAGS) $(fuzz_flags_$(1)) -o $$@ $$(filter %.c,$$^)
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call FUZZ_template,$(t))))

.PHONY: fuzz fuzz-quick fuzz-toolchain
# Can $(FUZZCC) link a fuzzer? If not, say which packages bring libFuzzer, and fail (with
# the summary line tests/run-all.sh counts).
fuzz-toolchain:
	@mkdir -p $(FUZZ_DIR)
	@printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' \
	  > $(FUZZ_DIR)/probe.c
	@$(FUZZCC) -fsanitize=fuzzer,address,undefined -o $(FUZZ_DIR)/probe $(FUZZ_DIR)/probe.c \
	  2>$(FUZZ_DIR)/probe.err || { \
	  echo "fuzz: '$(FUZZCC)' cannot build a libFuzzer harness (-fsanitize=fuzzer):" >&2; \
	  sed 's/^/    /' $(FUZZ_DIR)/probe.err | head -5 >&2; \
	  echo "fuzz: install Debian's clang and libclang-rt-dev (apt-get install clang libclang-rt-dev)" >&2; \
	  echo "fuzz: 0 passed, 1 failed"; exit 1; }

fuzz: $(FUZZ_BINS)
	@bash tests/fuzz/run-fuzz.sh --seconds $(FUZZ_SECONDS) $(FUZZ_DIR) $(FUZZ)

fuzz-quick: $(FUZZ_BINS)
	@bash tests/fuzz/run-fuzz.sh --runs $(FUZZ_QUICK_RUNS) $(FUZZ_DIR) $(FUZZ)
