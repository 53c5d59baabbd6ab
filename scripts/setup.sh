#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything cimrepl needs to build and test on a Debian 12 host:
# the guest kernels (6.1 from bookworm, 6.12 from bookworm-backports) with
# their headers, QEMU, the tools the guest runs (LIO's targetcli, fio,
# sg3-utils, busybox) and the userspace libraries. Extracts the kselftest
# headers and checkpatch.pl from linux-source-6.1 into .cache/ (git-ignored).
#
# Idempotent: when everything is present it only checks and returns.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache="$top/.cache"
stamp="$cache/setup.stamp"

packages="qemu-system-x86 busybox-static kmod cpio libnl-genl-3-dev libnl-3-dev
 targetcli-fb python3-rtslib-fb python3-configshell-fb fio sg3-utils dbus
 libsqlite3-dev sqlite3 libxml2-dev libmicrohttpd-dev libgnutls28-dev
 libcurl4-gnutls-dev libcrypt-dev libpam0g-dev libxml2-utils openssl
 sblim-wbemcli libjson-c-dev jq bc linux-source-6.1 xz-utils pkg-config gcc make bc flex bison
 libelf-dev libssl-dev dwarves e2fsprogs util-linux procps curl
 libdevmapper-dev"
kernel_packages="linux-image-amd64 linux-headers-amd64"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

have_all() {
	# shellcheck disable=SC2086
	dpkg-query -W -f='${Status}\n' $packages 2>/dev/null |
		grep -vc 'install ok installed' | grep -qx 0 || return 1
	[ "$(ls /boot/vmlinuz-6.1.* 2>/dev/null | wc -l)" -ge 1 ] || return 1
	[ "$(ls /boot/vmlinuz-6.12.* 2>/dev/null | wc -l)" -ge 1 ] || return 1
	for v in $(ls /boot/vmlinuz-6.1.* /boot/vmlinuz-6.12.* | sed 's|/boot/vmlinuz-||'); do
		[ -d "/usr/src/linux-headers-$v" ] || return 1
	done
	return 0
}

backports_enabled() {
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/
}

if [ -f "$stamp" ] && have_all && [ -f "$cache/kselftest/kselftest_harness.h" ] &&
   [ -x "$cache/checkpatch/checkpatch.pl" ]; then
	exit 0
fi

if ! have_all; then
	echo "setup: installing packages (this happens once)"
	if ! backports_enabled; then
		echo "deb http://deb.debian.org/debian bookworm-backports main" |
			as_root tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
	fi
	export DEBIAN_FRONTEND=noninteractive
	as_root apt-get update -q
	# shellcheck disable=SC2086
	as_root apt-get install -y -q --no-install-recommends $packages $kernel_packages
	# The 6.12 kernel and its headers come from bookworm-backports.
	# shellcheck disable=SC2086
	as_root apt-get install -y -q --no-install-recommends -t bookworm-backports $kernel_packages
	# Headers for every installed guest kernel, by their versioned names.
	for v in $(ls /boot/vmlinuz-6.1.* /boot/vmlinuz-6.12.* | sed 's|/boot/vmlinuz-||'); do
		[ -d "/usr/src/linux-headers-$v" ] ||
			as_root apt-get install -y -q --no-install-recommends \
				"linux-headers-$v" || \
			as_root apt-get install -y -q --no-install-recommends \
				-t bookworm-backports "linux-headers-$v"
	done
	have_all || { echo "setup: packages still missing" >&2; exit 1; }
fi

# Kernel files we use but do not ship: kselftest headers and checkpatch.
mkdir -p "$cache"
if [ ! -f "$cache/kselftest/kselftest_harness.h" ] || [ ! -x "$cache/checkpatch/checkpatch.pl" ]; then
	tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null | head -n1)
	[ -n "$tarball" ] || { echo "setup: linux-source-6.1 tarball missing" >&2; exit 1; }
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	tar -C "$tmp" -xJf "$tarball" --wildcards \
		'*/tools/testing/selftests/kselftest.h' \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	src=$(ls -d "$tmp"/*/ | head -n1)
	mkdir -p "$cache/kselftest" "$cache/checkpatch"
	cp "$src/tools/testing/selftests/kselftest.h" \
	   "$src/tools/testing/selftests/kselftest_harness.h" "$cache/kselftest/"
	cp "$src/scripts/checkpatch.pl" "$src/scripts/spelling.txt" \
	   "$src/scripts/const_structs.checkpatch" "$cache/checkpatch/"
	chmod +x "$cache/checkpatch/checkpatch.pl"
fi
touch "$stamp"
