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
XML_CFLAGS = $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
XML_LIBS = $(shell pkg-config --libs libxml-2.0 2>/dev/null)
# The CIM-XML front door's HTTP transport: the server (libmicrohttpd,
# passwords checked with libcrypt) and cimreplctl's client (libcurl).
# TLS (GnuTLS, the certificate checks of ctl/tls.c) and PAM (ctl/auth_pam.c).
HTTPD_SRC := ctl/httpd.c ctl/cimclient.c ctl/tls.c ctl/auth_pam.c
HTTPD_CFLAGS = $(shell pkg-config --cflags libmicrohttpd libcurl libcrypt gnutls 2>/dev/null)
HTTPD_LIBS = $(shell pkg-config --libs libmicrohttpd libcurl libcrypt gnutls 2>/dev/null) \
	-lcrypt -lpam -lpthread

CTL_COMMON := ctl/kernel.c ctl/cimvalues.c
CTL_HEADERS := $(wildcard ctl/*.h) uapi/linux/cimrepl.h
# The CIM object model and its CIM-XML codec (libxml2).
CIMXML_SRC := ctl/cim.c ctl/cimxml.c
SELFTESTS := selftests/netlink_test selftests/volume_test selftests/snapshot_test \
	selftests/clone_test selftests/crash_test selftests/mirror_test \
	selftests/seqwriter
UNIT_TESTS := tests/unit/cimvalues_test tests/unit/store_test tests/unit/httpd_test \
	tests/unit/cimxml_test tests/unit/cimxml_corpus_test tests/unit/clireq_test \
	tests/unit/lio_test tests/unit/replargs_test tests/unit/syncops_test \
	tests/unit/discovery_test tests/unit/httpd_tls_test tests/unit/indication_test \
	tests/unit/export_test tests/unit/store_indication_test

.PHONY: all setup module userspace selftests unit check demo \
	checkpatch install clean bench fuzz

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

# The CLI: `kernel` commands over netlink, the others a CIM-XML client of
# cimrepld (libxml2 codec, libcurl transport).
CTL_CIM_SRC := ctl/cimcmds.c ctl/clireq.c ctl/cim.c ctl/cimxml.c ctl/cimclient.c \
	ctl/synccmds.c ctl/syncreq.c ctl/syncops.c ctl/capscmd.c
CTL_CIM_CFLAGS = $(shell pkg-config --cflags libxml-2.0 libcurl 2>/dev/null)
CTL_CIM_LIBS = $(shell pkg-config --libs libxml-2.0 libcurl 2>/dev/null)

ctl/cimreplctl: ctl/cimreplctl.c $(CTL_CIM_SRC) $(CTL_COMMON) $(CTL_HEADERS) \
		$(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) $(NL_CFLAGS) $(CTL_CIM_CFLAGS) -o $@ ctl/cimreplctl.c \
		$(CTL_CIM_SRC) $(CTL_COMMON) $(NL_LIBS) $(CTL_CIM_LIBS)

# What clients discover: capabilities, interop profiles, associations.
DISCOVERY_SRC := ctl/capabilities.c ctl/classes_discovery.c ctl/interop.c \
	ctl/assoc.c ctl/assocfilter.c

# The daemon: CIM-XML codec (libxml2), store (SQLite), LIO, pools, the
# provider and the HTTP front door.
DAEMON_SRC := ctl/cim.c ctl/cimxml.c ctl/store.c ctl/lio.c ctl/pools.c \
	ctl/replargs.c ctl/blockpool.c ctl/dmlinear.c \
	ctl/catalog.c ctl/replicate.c ctl/model.c ctl/classes.c ctl/provider.c \
	ctl/httpd.c ctl/syncops.c ctl/modify.c ctl/syncmethods.c $(DISCOVERY_SRC) \
	ctl/tls.c ctl/auth_pam.c \
	ctl/cql.c ctl/cimxml_export.c ctl/export.c ctl/indications.c \
	ctl/subscriptions.c ctl/subscription_ops.c
DAEMON_CFLAGS = $(shell pkg-config --cflags libxml-2.0 libmicrohttpd gnutls libcurl 2>/dev/null)
DAEMON_LIBS = $(shell pkg-config --libs libxml-2.0 libmicrohttpd sqlite3 devmapper gnutls libcurl 2>/dev/null) \
	-lcrypt -lpam -lpthread

ctl/cimrepld: ctl/cimrepld.c $(DAEMON_SRC) $(CTL_COMMON) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) $(NL_CFLAGS) $(DAEMON_CFLAGS) -o $@ ctl/cimrepld.c \
		$(DAEMON_SRC) $(CTL_COMMON) $(NL_LIBS) $(DAEMON_LIBS)

selftests: $(SELFTESTS) selftests/liotool

selftests/%: selftests/%.c selftests/cimrepl_nl.h uapi/linux/cimrepl.h $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes -Wno-sign-compare $(KSFT_CFLAGS) -o $@ $<

tests/unit/%: tests/unit/%.c $(CTL_COMMON) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		$(NL_CFLAGS) -o $@ $< $(CTL_COMMON) $(NL_LIBS)

tests/unit/store_test: tests/unit/store_test.c ctl/store.c ctl/store.h $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		-o $@ $< ctl/store.c -lsqlite3

tests/unit/store_indication_test: tests/unit/store_indication_test.c ctl/store.c \
		ctl/store.h $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		-o $@ $< ctl/store.c -lsqlite3

tests/unit/httpd_test: tests/unit/httpd_test.c $(HTTPD_SRC) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		$(HTTPD_CFLAGS) -o $@ $< $(HTTPD_SRC) $(HTTPD_LIBS)

tests/unit/httpd_tls_test: tests/unit/httpd_tls_test.c $(HTTPD_SRC) $(CTL_HEADERS) \
		$(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		$(HTTPD_CFLAGS) -o $@ $< $(HTTPD_SRC) $(HTTPD_LIBS)

# Indications: the filter query subset and the export request.
tests/unit/indication_test: tests/unit/indication_test.c ctl/cql.c \
		ctl/cimxml_export.c $(CIMXML_SRC) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		$(XML_CFLAGS) -o $@ $< ctl/cql.c ctl/cimxml_export.c $(CIMXML_SRC) \
		$(XML_LIBS)

# Indication delivery against a loopback listener.
tests/unit/export_test: tests/unit/export_test.c ctl/export.c ctl/cimxml_export.c \
		$(CIMXML_SRC) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		$(XML_CFLAGS) -o $@ $< ctl/export.c ctl/cimxml_export.c \
		$(CIMXML_SRC) $(XML_LIBS) -lcurl -lpthread

# The codec's tests, and the fuzz corpus replayed without libFuzzer.
tests/unit/cimxml_test: tests/unit/cimxml_test.c $(CIMXML_SRC) $(CTL_HEADERS) \
		$(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		$(XML_CFLAGS) -o $@ $< $(CIMXML_SRC) $(XML_LIBS)

# cimreplctl's translation of its options into CIM requests.
tests/unit/clireq_test: tests/unit/clireq_test.c ctl/clireq.c ctl/cimvalues.c \
		$(CIMXML_SRC) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		$(XML_CFLAGS) -o $@ $< ctl/clireq.c ctl/cimvalues.c $(CIMXML_SRC) \
		$(XML_LIBS)

# cimrepld's CreateListReplica parameters into a replicate request.
tests/unit/replargs_test: tests/unit/replargs_test.c ctl/replargs.c \
		$(CIMXML_SRC) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		$(XML_CFLAGS) -o $@ $< ctl/replargs.c $(CIMXML_SRC) $(XML_LIBS)

# The rules of the Modify*Synchronization methods and cimreplctl's
# `sync modify` / `sync list --filter` requests.
tests/unit/syncops_test: tests/unit/syncops_test.c ctl/syncops.c ctl/syncreq.c \
		ctl/clireq.c ctl/cimvalues.c $(CIMXML_SRC) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		$(XML_CFLAGS) -o $@ $< ctl/syncops.c ctl/syncreq.c ctl/clireq.c \
		ctl/cimvalues.c $(CIMXML_SRC) $(XML_LIBS)

# Association filters and capabilities (what clients discover).
DISCOVERY_TEST_SRC := ctl/assocfilter.c ctl/capabilities.c ctl/classes.c \
	ctl/classes_discovery.c ctl/interop.c $(CIMXML_SRC)
tests/unit/discovery_test: tests/unit/discovery_test.c $(DISCOVERY_TEST_SRC) \
		$(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		$(XML_CFLAGS) $(NL_CFLAGS) -o $@ $< $(DISCOVERY_TEST_SRC) $(XML_LIBS)

tests/unit/cimxml_corpus_test: tests/fuzz/replay.c tests/fuzz/cimxml_fuzz.c \
		$(CIMXML_SRC) $(CTL_HEADERS) $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) $(SAN_CFLAGS) $(XML_CFLAGS) -o $@ \
		tests/fuzz/replay.c tests/fuzz/cimxml_fuzz.c $(CIMXML_SRC) $(XML_LIBS)

unit: $(UNIT_TESTS)

# `make fuzz`: libFuzzer over the codec for FUZZ_SECONDS (clang needed; not
# part of `make check`). New inputs go to .cache/fuzz/cimxml, crashes to
# .cache/fuzz/ as crash-*; tests/fuzz/corpus holds the seeds.
FUZZ_SECONDS ?= 60
tests/fuzz/cimxml_fuzz: tests/fuzz/cimxml_fuzz.c $(CIMXML_SRC) $(CTL_HEADERS)
	@command -v clang >/dev/null || \
		{ echo "make fuzz needs clang (apt-get install clang)"; exit 1; }
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror -I$(TOP)/ctl \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(XML_CFLAGS) -o $@ tests/fuzz/cimxml_fuzz.c $(CIMXML_SRC) $(XML_LIBS)

fuzz: tests/fuzz/cimxml_fuzz
	mkdir -p .cache/fuzz/cimxml
	tests/fuzz/cimxml_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix=.cache/fuzz/ \
		.cache/fuzz/cimxml tests/fuzz/corpus

# The LIO configfs library (ctl/lio.c): its command line for the VM test
# selftests/lio_lib_test.sh, and its host unit test on a fake configfs tree.
LIO_PROGS := selftests/liotool tests/unit/lio_test

.PHONY: lio
lio: $(LIO_PROGS)

selftests/liotool: selftests/liotool.c ctl/lio.c ctl/lio.h
	$(CC) $(USER_CFLAGS) -o $@ selftests/liotool.c ctl/lio.c

tests/unit/lio_test: tests/unit/lio_test.c ctl/lio.c ctl/lio.h $(SETUP_STAMP)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN_CFLAGS) $(KSFT_CFLAGS) \
		-o $@ $< ctl/lio.c

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
	install -D -m 0644 scripts/cimrepld.service \
		$(DESTDIR)/lib/systemd/system/cimrepld.service
	install -D -m 0644 scripts/pam.d/cimrepld $(DESTDIR)/etc/pam.d/cimrepld
	install -D -m 0644 Documentation/cimrepld.rst \
		$(DESTDIR)$(PREFIX)/share/doc/cimrepl/cimrepld.rst

clean:
	rm -rf build
	rm -f ctl/cimreplctl ctl/cimrepld $(SELFTESTS) $(UNIT_TESTS) \
		tests/fuzz/cimxml_fuzz
