# SPDX-License-Identifier: GPL-2.0
#
# cimrepl: `make` builds the module for every installed kernel with headers
# (or KVER=...), the daemon, the CLI and the selftests. `make check` runs the
# whole test suite, `make demo` the walk-through; both install what they need
# first (scripts/setup.sh).

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
SETUP_STAMP := $(TOP)/.cache/setup.stamp

# Kernels to build for: KVER=... or every kernel whose headers are installed.
ifneq ($(KVER),)
KVERS := $(KVER)
else
KVERS = $(sort $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build))))
endif

CC ?= gcc
USER_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
	-Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-I$(TOP)/uapi -I$(TOP)/ctl
SAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
NL_CFLAGS = $(shell pkg-config --cflags libnl-genl-3.0 json-c 2>/dev/null)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0 json-c 2>/dev/null)
KSFT_CFLAGS := -isystem $(TOP)/.cache/kselftest

CTL_COMMON := ctl/kernel.c ctl/cimvalues.c
CTL_HEADERS := $(wildcard ctl/*.h) uapi/linux/cimrepl.h
SELFTESTS := selftests/netlink_test selftests/volume_test selftests/snapshot_test \
	selftests/crash_test
UNIT_TESTS := tests/unit/cimvalues_test

.PHONY: all setup module userspace selftests unit check demo \
	checkpatch install clean bench

all: module userspace selftests

$(SETUP_STAMP): scripts/setup.sh
	sh scripts/setup.sh

setup:
	sh scripts/setup.sh

# One build tree per kernel under build/<kver>/, mirroring the source tree
# with symlinks, so that two kernels never share object files.
module: $(SETUP_STAMP)
	@set -e; for v in $(KVERS); do \
		b=$(TOP)/build/$$v; mkdir -p $$b/module; \
		ln -sfn $(TOP)/Kbuild $$b/Kbuild; \
		ln -sfn $(TOP)/uapi $$b/uapi; \
		for f in $(TOP)/module/*.c $(TOP)/module/*.h $(TOP)/module/Kbuild; do \
			ln -sfn $$f $$b/module/; done; \
		echo "  MODULE  $$v"; \
		$(MAKE) -C /lib/modules/$$v/build M=$$b KCFLAGS=-Werror modules; \
	done

userspace: ctl/cimreplctl ctl/cimrepld

ctl/cimreplctl: ctl/cimreplctl.c $(CTL_COMMON) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) $(NL_CFLAGS) -o $@ ctl/cimreplctl.c $(CTL_COMMON) $(NL_LIBS)

ctl/cimrepld: ctl/cimrepld.c $(CTL_COMMON) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) $(NL_CFLAGS) -o $@ ctl/cimrepld.c $(CTL_COMMON) $(NL_LIBS)

selftests: $(SELFTESTS)

selftests/%: selftests/%.c selftests/cimrepl_nl.h uapi/linux/cimrepl.h $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes -Wno-sign-compare $(KSFT_CFLAGS) -o $@ $<

tests/unit/%: tests/unit/%.c $(CTL_COMMON) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		$(NL_CFLAGS) -o $@ $< $(CTL_COMMON) $(NL_LIBS)

unit: $(UNIT_TESTS)

checkpatch: $(SETUP_STAMP)
	sh scripts/checkpatch.sh

check: $(SETUP_STAMP)
	sh scripts/check.sh

demo: $(SETUP_STAMP)
	sh scripts/demo.sh

bench: $(SETUP_STAMP)
	sh scripts/bench.sh

# Install the module for KVER (or every kernel with headers), the tools,
# the uapi header and the man pages, the way out-of-tree modules install.
DESTDIR ?=
PREFIX ?= /usr/local
install: all
	@set -e; for v in $(KVERS); do \
		$(MAKE) -C /lib/modules/$$v/build M=$(TOP)/build/$$v \
			INSTALL_MOD_DIR=updates modules_install; done
	install -D -m 0755 ctl/cimreplctl $(DESTDIR)$(PREFIX)/sbin/cimreplctl
	install -D -m 0755 ctl/cimrepld $(DESTDIR)$(PREFIX)/sbin/cimrepld
	install -D -m 0644 uapi/linux/cimrepl.h \
		$(DESTDIR)$(PREFIX)/include/linux/cimrepl.h
	install -D -m 0644 Documentation/cimreplctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/cimreplctl.8

clean:
	rm -rf build
	rm -f ctl/cimreplctl ctl/cimrepld $(SELFTESTS) $(UNIT_TESTS)
