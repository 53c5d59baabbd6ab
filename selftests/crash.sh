#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Crash consistency of snapshots, driven from the host: boot a guest with
# two disks (origin, pool), take snapshots while stamped O_DSYNC writes
# run, kill QEMU mid-write (a hard reset), boot again with the same disks,
# load the pool and check every snapshot and every acknowledged write
# (selftests/crash_test does the guest side).
#
# usage: selftests/crash.sh KERNEL      (e.g. 6.1 or 6.12); TAP on stdout
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:-6.1}
work=$(mktemp -d "$top/.cache/crash.XXXXXX")
trap 'rm -rf "$work"' EXIT

truncate -s 64M "$work/origin.img"
truncate -s 64M "$work/pool.img"
disks="--disk $work/origin.img --disk $work/pool.img"

# shellcheck disable=SC2086
"$top/scripts/vm-run" --kernel "$kernel" $disks --crash-after 25 --timeout 300 \
	-- selftests/crash_test prepare >"$work/prepare.out" 2>&1
rc=$?
last=$(sed -n 's/^acked \([0-9]*\)$/\1/p' "$work/prepare.out" | tail -n 1)
s1=$(sed -n 's/^s1 after \([0-9]*\)$/\1/p' "$work/prepare.out")
if [ $rc -ne 0 ] || [ -z "$last" ]; then
	echo "TAP version 13"
	echo "1..1"
	sed 's/^/# /' "$work/prepare.out" | tail -n 30
	echo "not ok 1 crash: the writer ran until the hard reset # vm-run status $rc"
	exit 1
fi
echo "# hard reset after $last acknowledged writes${s1:+, s1 after $s1}"

# shellcheck disable=SC2086
"$top/scripts/vm-run" --kernel "$kernel" $disks --timeout 300 \
	-- selftests/crash_test verify "$last" "${s1:-0}"
