# libv/host/host.mk - libv for Linux (docs/HOST.md), included by the top-level Makefile.
#   make host       build/host/libvhost.a, build/host/vctl, and the test programs
#   make host-test  run tests/host/run-host.sh (two host V processes on 127.0.0.1)
#
# Host programs are built for the machine (64-bit): the V ABI's addresses are 32 bits
# (seg_ptr), so libv/host/hv_seg.c maps each granted buffer to a 32-bit window of the
# program's own client space. (Not -m32: some Linux kernels run no 32-bit programs.)
# libv/include/ also holds freestanding string.h,
# stdio.h and stdlib.h, so it is not on the include path: $(BUILD)/host/include/v is a
# symbolic link to libv/include/v, so that <string.h> is glibc's, <v/ipc.h> is ours, and
# -MMD still records the v/ headers. The pure protocol modules of net/ are reused as is,
# and so are libv's name client and cache (host programs resolve names too) and its
# UIO client (they read and write objects on the nodes too).
# Test programs link a second copy of the library built with ASan and UBSan.

HOST_DIR    := $(BUILD)/host
HOST_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra -Werror -MMD -MP \
               -I$(HOST_DIR)/include -iquote net -iquote libv/host
HOST_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_LIB_SRCS := $(wildcard libv/host/*.c) net/proto_codec.c net/proto_retx.c \
                 net/proto_rcache.c net/proto_window.c net/lhost.c libv/msg.c libv/kclient.c \
                 libv/name.c libv/name_cache.c libv/uio.c
HOST_OBJS     := $(HOST_LIB_SRCS:%.c=$(HOST_DIR)/o/%.o)
HOST_SAN_OBJS := $(HOST_LIB_SRCS:%.c=$(HOST_DIR)/san/%.o)
HOST_LIB      := $(HOST_DIR)/libvhost.a
HOST_SAN_LIB  := $(HOST_DIR)/libvhost-san.a
HOST_VCTL     := $(HOST_DIR)/vctl
HOST_TESTS    := $(patsubst tests/host/%.c,$(HOST_DIR)/test/%,$(wildcard tests/host/h*.c))

.PHONY: host host-test
host: $(HOST_LIB) $(HOST_VCTL) $(HOST_TESTS)

$(HOST_DIR)/include/v:
	@mkdir -p $(dir $@)
	$(call say,LN,$@)ln -sfn $(CURDIR)/libv/include/v $@

$(HOST_DIR)/o/%.o: %.c | $(HOST_DIR)/include/v
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$<)$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@
$(HOST_DIR)/san/%.o: %.c | $(HOST_DIR)/include/v
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$< (sanitized))$(HOSTCC) $(HOST_CFLAGS) $(HOST_SAN) -c $< -o $@

$(HOST_LIB): $(HOST_OBJS)
	@rm -f $@
	$(call say,AR,$@)ar rcs $@ $^
$(HOST_SAN_LIB): $(HOST_SAN_OBJS)
	@rm -f $@
	$(call say,AR,$@)ar rcs $@ $^

$(HOST_VCTL): $(patsubst %.c,$(HOST_DIR)/o/%.o,$(wildcard tools/vctl/*.c)) $(HOST_LIB)
	$(call say,HOSTLD,$@)$(HOSTCC) -o $@ $^

# One test program per tests/host/h*.c, each linked with tests/host/common.c. Their
# objects are kept (not deleted as intermediates), so that a second make does nothing.
.SECONDARY: $(patsubst %.c,$(HOST_DIR)/san/%.o,$(wildcard tests/host/*.c))
$(HOST_DIR)/test/%: $(HOST_DIR)/san/tests/host/%.o $(HOST_DIR)/san/tests/host/common.o $(HOST_SAN_LIB)
	@mkdir -p $(dir $@)
	$(call say,HOSTLD,$@)$(HOSTCC) $(HOST_SAN) -o $@ $^

host-test: host
	@bash tests/host/run-host.sh $(HOST_DIR)

# The top Makefile reads only the kernel's and programs' dependency files.
-include $(shell find $(HOST_DIR) -name '*.d' -type f 2>/dev/null)
