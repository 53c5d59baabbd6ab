#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Crash consistency, driven from the host: boot a guest with its disks, run
# stamped O_DSYNC writes while replicas exist, kill QEMU mid-write (a hard
# reset), boot again with the same disks, re-assemble and check every
# replica and every acknowledged write (selftests/crash_test does the guest
# side). Two scenarios:
#
#   snapshot  disks origin, pool: snapshots taken while the writes run; each
#             must hold exactly its point in time after the reset.
#   clone     disks origin, pool, clone target: a throttled clone, reset
#             mid-copy; the copy must resume where it was (not from zero)
#             and end with exactly the point-in-time image.
#   mirror    disks origin, pool, mirror target (16 MiB): an asynchronous
#             mirror, reset while a throttled resync runs and writes are in
#             flight; the mirror must come back, resync only the regions
#             its log names, and end equal to the origin.
#
# usage: selftests/crash.sh KERNEL [SCENARIO]   (KERNEL e.g. 6.1 or 6.12,
#        SCENARIO snapshot (default), clone or mirror); TAP on stdout
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:-6.1}
scenario=${2:-snapshot}
work=$(mktemp -d "$top/.cache/crash.XXXXXX")
trap 'rm -rf "$work"' EXIT

# setup_failed WHY - the first boot did not get where the test needs it.
setup_failed()
{
	echo "TAP version 13"
	echo "1..1"
	sed 's/^/# /' "$work/prepare.out" | tail -n 30
	echo "not ok 1 crash ($scenario): $1"
	exit 1
}

truncate -s 64M "$work/origin.img"
truncate -s 64M "$work/pool.img"
disks="--disk $work/origin.img --disk $work/pool.img"
case "$scenario" in
snapshot) prepare=prepare ;;
clone)
	truncate -s 64M "$work/target.img"
	disks="$disks --disk $work/target.img"
	prepare=clone-prepare ;;
mirror)
	truncate -s 16M "$work/origin.img"
	truncate -s 16M "$work/target.img"
	disks="$disks --disk $work/target.img"
	prepare=mirror-prepare ;;
*)
	echo "usage: selftests/crash.sh KERNEL [snapshot|clone|mirror]" >&2
	exit 2 ;;
esac

# shellcheck disable=SC2086
"$top/scripts/vm-run" --kernel "$kernel" $disks --crash-after 25 --timeout 300 \
	-- selftests/crash_test "$prepare" >"$work/prepare.out" 2>&1
rc=$?
last=$(sed -n 's/^acked \([0-9]*\)$/\1/p' "$work/prepare.out" | tail -n 1)
if [ $rc -ne 0 ] || [ -z "$last" ]; then
	setup_failed "the writer ran until the hard reset # vm-run status $rc"
fi

if [ "$scenario" = clone ]; then
	# "chunks DONE TOTAL": the copy must have been under way, not done.
	chunks=$(sed -n 's/^chunks \([0-9]*\) \([0-9]*\)$/\1 \2/p' \
		"$work/prepare.out" | tail -n 1)
	done_=${chunks% *}
	total=${chunks#* }
	if [ -z "$chunks" ] || [ "$done_" -eq 0 ] || [ "$done_" -ge "$total" ]; then
		setup_failed "the copy was under way at the hard reset # chunks '${chunks:-none}'"
	fi
	echo "# hard reset after $last acknowledged writes, $done_ of $total chunks copied"
	# shellcheck disable=SC2086
	"$top/scripts/vm-run" --kernel "$kernel" $disks --timeout 400 \
		-- selftests/crash_test clone-verify "$last"
	exit
fi

if [ "$scenario" = mirror ]; then
	# the mirror was Synchronized, then resumed, before the reset
	grep -q '^resumed$' "$work/prepare.out" ||
		setup_failed "the mirror synchronized and resumed before the hard reset"
	copy=$(sed -n 's/^copy \([0-9]* [0-9]* [0-9]*\)$/\1/p' \
		"$work/prepare.out" | tail -n 1)
	echo "# hard reset after $last acknowledged writes; CopyState, regions done, to copy: ${copy:-none reported}"
	# shellcheck disable=SC2086
	"$top/scripts/vm-run" --kernel "$kernel" $disks --timeout 400 \
		-- selftests/crash_test mirror-verify "$last"
	exit
fi

s1=$(sed -n 's/^s1 after \([0-9]*\)$/\1/p' "$work/prepare.out")
echo "# hard reset after $last acknowledged writes${s1:+, s1 after $s1}"

# shellcheck disable=SC2086
"$top/scripts/vm-run" --kernel "$kernel" $disks --timeout 300 \
	-- selftests/crash_test verify "$last" "${s1:-0}"
