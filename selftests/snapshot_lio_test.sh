#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# snapshot_lio_test.sh - snapshots (SyncType 7) end to end, the way a SAN
# uses them: a volume exported through LIO as a SCSI disk, snapshots taken
# with cimreplctl and exported as disks of their own, and every data check
# made on what the initiator reads.
#
#   a) a snapshot reads the data of its point in time, the source the data
#      written after it;
#   b) eight snapshots between rounds of writes each read exactly their
#      point in time (two of them through LUNs, all of them directly);
#   c) a snapshot is writable, and writing it changes nothing else;
#   d) fio with verification passes on the source while snapshots exist,
#      and the snapshots keep their content;
#   e) a snapshot LIO exports cannot be deleted; once unexported it can,
#      and its space goes back to the pool;
#   f) bad requests fail with a message and leave the synchronizations as
#      they were.
#
# Run as root inside the test VM:
#	scripts/vm-run --kernel 6.12 -- selftests/snapshot_lio_test.sh
#
# Environment: SNAPSHOT_LIO_ORIGIN (default /dev/ram4) and SNAPSHOT_LIO_POOL
# (default /dev/ram5), brd devices of at least 64 MiB; both are overwritten.
#
# The first 32 MiB of the volume are modelled in files on tmpfs: every write
# through the source LUN goes into the model too, and a snapshot's expected
# content is the model's checksum when it was taken. Under TCG, moving and
# hashing data is what takes the time: checksums are SHA-1 (SHA-256 is five
# times slower), of a file on tmpfs (piping dd into sha1sum is four times
# slower), and a check reads 32 MiB.
#
# No "set -e": a failing check is a test result, not the end of the script.
# Whatever the test created is removed on exit, also when it fails.

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

top=$(cd "$(dirname "$0")/.." && pwd -P)
ctl="$top/ctl/cimreplctl"
origin_dev=${SNAPSHOT_LIO_ORIGIN:-/dev/ram4}
pool_dev=${SNAPSHOT_LIO_POOL:-/dev/ram5}
span=32					# MiB of the volume modelled
rnd=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
p="sl$rnd"				# prefix of every name this test uses
vol="${p}v"
pool="${p}p"
src="${p}src"				# the source's backstore
wwn=				# the tcm_loop target, once created
tpg=				# its TPG, loopback/WWN/tpgt_1
backstores=			# backstores created, for the teardown
src_sd=

ktap_require_root
ktap_require_cmd fio dd sha1sum jq bc
lio_require
[ -x "$ctl" ] || ktap_skip_all "$ctl is not built (make userspace)"
[ -x "$lio_tool" ] || ktap_skip_all "$lio_tool is not built (make lio)"
[ -d /sys/module/cimrepl ] || ktap_skip_all "cimrepl.ko is not loaded"
for d in "$origin_dev" "$pool_dev"; do
	[ -b "$d" ] || ktap_skip_all "$d missing (load brd)"
done

tmp=$(mktemp -d)
lio_tmp=$tmp

# ---------------------------------------------------------------- helpers

# snap NAME - snapshot the volume as NAME; the output goes to $tmp/out.
snap()
{
	"$ctl" kernel replica create --sync-type snapshot --source "$vol" --name "$1" \
		--pool "$pool" >"$tmp/out" 2>&1
}

# syncs - this test's synchronizations, as canonical JSON.
syncs()
{
	"$ctl" --json kernel sync list | jq -S --arg v "$vol" 'map(select(.source == $v))'
}

# pool_free - the pool's free bytes.
pool_free()
{
	"$ctl" --json kernel pool show "$pool" | jq .free
}

# check_snapshots NAME... - compare /dev/cimrepl/NAME with $tmp/NAME.sum
# for each NAME, two at a time (the VM has two CPUs); print the names that
# differ and return 1 if any does.
check_snapshots()
{
	names="$*"
	while [ $# -gt 0 ]; do
		sum_dev "/dev/cimrepl/$1" >"$tmp/$1.got" &
		if [ $# -gt 1 ]; then
			sum_dev "/dev/cimrepl/$2" >"$tmp/$2.got"
			shift
		fi
		wait
		shift
	done
	bad=
	for n in $names; do
		[ "$(cat "$tmp/$n.got")" = "$(cat "$tmp/$n.sum")" ] || bad="$bad $n"
	done
	[ -z "$bad" ] && return 0
	echo "differ from their point in time:$bad"
	return 1
}

# export_luns NAME... - export each /dev/cimrepl/NAME as a LUN of the test's
# target; liotool's errors in $tmp/lio.out.
export_luns()
{
	backstores="$backstores $*"
	for n in "$@"; do
		lio_export "$tpg" "$n" "/dev/cimrepl/$n" 2>"$tmp/lio.out" ||
			return 1
	done
}

# teardown - remove every LUN, backstore, snapshot, pool and volume of this
# test; quiet, idempotent.
teardown()
{
	# shellcheck disable=SC2086 # names without blanks
	lio_clear "$wwn" $backstores
	names=$(syncs 2>/dev/null | jq -r '.[].target' 2>/dev/null)
	# shellcheck disable=SC2086 # one argument per name
	[ -n "$names" ] && "$ctl" kernel replica delete $names
	"$ctl" kernel pool show "$pool" >/dev/null 2>&1 && "$ctl" kernel pool delete "$pool"
	"$ctl" volume show "$vol" >/dev/null 2>&1 && "$ctl" volume delete "$vol"
	return 0
}

cleanup()
{
	teardown >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ktap_plan 25

# ------------------------------------------------------------------ setup

# 1. The volume over a device holding random data (the model starts as a
# copy of it), and an empty pool.
pattern "$tmp/model" "$span"
out=$( {
	dd if="$tmp/model" of="$origin_dev" bs=1M oflag=direct conv=fsync \
		status=none &&
	"$ctl" volume create "$vol" --backing "$origin_dev" &&
	"$ctl" kernel pool create "$pool" --device "$pool_dev" --format
} 2>&1)
if [ $? -eq 0 ]; then
	ktap_ok setup_volume_and_pool
else
	ktap_print_msg "$out"
	ktap_fail setup_volume_and_pool
	ktap_bail_out "no volume or pool"
fi

# 2. The volume as a LUN of a tcm_loop target.
wwn=$(lio_new_wwn)
backstores=$src
tpg=$("$lio_tool" loopback create "$wwn" 2>"$tmp/lio.out") &&
	lio_export "$tpg" "$src" "/dev/cimrepl/$vol" 2>"$tmp/lio.out"
if src_sd=$(lio_wait_disk "$src"); then
	ktap_print_msg "source LUN is /dev/$src_sd"
	ktap_ok export_source_lun
else
	ktap_print_msg "$(cat "$tmp/lio.out")"
	ktap_fail export_source_lun "no disk for backstore $src"
	ktap_bail_out "no source LUN"
fi

# SYNCHRONIZE CACHE from the initiator reaches the volume as a flush (the
# volume advertises a write cache, so LIO passes it down).
flushes()
{
	"$ctl" --json volume show "$vol" | jq .flushes
}
before=$(flushes)
if sg_sync "/dev/$src_sd" && [ "$(flushes)" -gt "$before" ]; then
	ktap_ok synchronize_cache_reaches_the_volume
else
	ktap_fail synchronize_cache_reaches_the_volume "flushes $before -> $(flushes)"
fi

# ---------------------------------------------------- a) point in time

# 3. Pattern A through the source LUN reads back.
pattern "$tmp/A" 16
pattern "$tmp/B" 16
write_at "/dev/$src_sd" "$tmp/A" 0 "$tmp/model"
if [ "$(sum_dev "/dev/$src_sd" 16)" = "$(sum_file "$tmp/A")" ]; then
	ktap_ok a_source_lun_reads_pattern_a
else
	ktap_fail a_source_lun_reads_pattern_a "read back differs from A"
fi

# 4. Snapshot s1, reported like `sync list`; then B over A.
s1="${p}s1"
if snap "$s1" && grep -q "^$vol  *$s1  *Snapshot .*Synchronized" "$tmp/out" &&
   [ -b "/dev/cimrepl/$s1" ]; then
	ktap_ok a_snapshot_created
else
	ktap_print_msg "$(cat "$tmp/out")"
	ktap_fail a_snapshot_created
fi
sum_file "$tmp/model" >"$tmp/$s1.sum"

# 5. Pattern B over A through the source LUN reads back.
write_at "/dev/$src_sd" "$tmp/B" 0 "$tmp/model"
if [ "$(sum_dev "/dev/$src_sd" 16)" = "$(sum_file "$tmp/B")" ]; then
	ktap_ok a_source_lun_reads_pattern_b
else
	ktap_fail a_source_lun_reads_pattern_b "read back differs from B"
fi

# ------------------------------------------- b) eight points in time

# 6. Round k: snapshot b_k, then pattern k (4 MiB) at k MiB, so that every
# round overwrites most of the one before, and B.
fail=
for k in 1 2 3 4 5 6 7 8; do
	snap "${p}b$k" || { fail="$fail b$k: $(cat "$tmp/out")"; continue; }
	sum_file "$tmp/model" >"$tmp/${p}b$k.sum"
	[ "$k" = 5 ] && cp "$tmp/model" "$tmp/model.b5"
	pattern "$tmp/P$k" 4
	write_at "/dev/$src_sd" "$tmp/P$k" "$k" "$tmp/model" ||
		fail="$fail write$k"
done
n=$(syncs | jq length)
if [ -z "$fail" ] && [ "$n" = 9 ]; then
	ktap_ok b_eight_snapshots_between_writes
else
	ktap_print_msg "$fail"
	ktap_fail b_eight_snapshots_between_writes "$n synchronizations, want 9"
fi

# 7. s1, b2, b5 and b7 as LUNs of the same target.
export_luns "$s1" "${p}b2" "${p}b5" "${p}b7"
s1_sd=$(lio_wait_disk "$s1")
b2_sd=$(lio_wait_disk "${p}b2")
b5_sd=$(lio_wait_disk "${p}b5")
b7_sd=$(lio_wait_disk "${p}b7")
if [ -n "$s1_sd" ] && [ -n "$b2_sd" ] && [ -n "$b5_sd" ] && [ -n "$b7_sd" ]; then
	ktap_print_msg "snapshot LUNs: s1 /dev/$s1_sd, b2 /dev/$b2_sd, b5 /dev/$b5_sd, b7 /dev/$b7_sd"
	ktap_ok export_snapshot_luns
else
	ktap_print_msg "$(cat "$tmp/lio.out")"
	ktap_fail export_snapshot_luns "s1 '$s1_sd' b2 '$b2_sd' b5 '$b5_sd' b7 '$b7_sd'"
fi

# 8. The snapshot's LUN reads A, and the rest of its point in time.
if [ -z "$s1_sd" ]; then
	ktap_skip a_snapshot_lun_reads_pattern_a "no LUN"
elif [ "$(sum_dev "/dev/$s1_sd" 16)" != "$(sum_file "$tmp/A")" ]; then
	ktap_fail a_snapshot_lun_reads_pattern_a "its first 16 MiB are not A"
elif [ "$(sum_dev "/dev/$s1_sd")" != "$(cat "$tmp/$s1.sum")" ]; then
	ktap_fail a_snapshot_lun_reads_pattern_a "A, but the rest differs"
else
	ktap_ok a_snapshot_lun_reads_pattern_a
fi

# 9. The source's LUN reads every round.
if [ "$(sum_dev "/dev/$src_sd")" = "$(sum_file "$tmp/model")" ]; then
	ktap_ok b_source_lun_reads_every_round
else
	ktap_fail b_source_lun_reads_every_round "differs from what was written"
fi

# 10. Every b_k, read directly, is its point in time.
bs_all="${p}b1 ${p}b2 ${p}b3 ${p}b4 ${p}b5 ${p}b6 ${p}b7 ${p}b8"
# shellcheck disable=SC2086
out=$(check_snapshots $bs_all)
ktap_result b_snapshots_read_their_point_in_time $? "$out"

# 11. ...and so are b2 and b7 through their LUNs.
bad=
for pair in "b2 $b2_sd" "b7 $b7_sd"; do
	# shellcheck disable=SC2086 # split into name and disk
	set -- $pair
	[ -n "${2:-}" ] && [ "$(sum_dev "/dev/$2")" = "$(cat "$tmp/${p}$1.sum")" ] ||
		bad="$bad $1"
done
ktap_result b_snapshot_luns_read_their_point_in_time \
	"$([ -z "$bad" ]; echo $?)" "differ:$bad"

# ------------------------------------------------- c) writable snapshot

# 12. Writes through b5's LUN read back, through the LUN and directly:
# 2 MiB at 3 MiB, which no round after b5 wrote (b5 shares it with the
# source and b6..b8), and 1 MiB at 8 MiB, which b1..b5 share in one copy of
# B made when round 5 wrote it.
b5="${p}b5"
pattern "$tmp/C1" 2
pattern "$tmp/C2" 1
if [ -n "$b5_sd" ] &&
   write_at "/dev/$b5_sd" "$tmp/C1" 3 "$tmp/model.b5" &&
   write_at "/dev/$b5_sd" "$tmp/C2" 8 "$tmp/model.b5"; then
	sum_file "$tmp/model.b5" >"$tmp/$b5.sum"
	lun=$(sum_dev "/dev/$b5_sd")
	direct=$(sum_dev "/dev/cimrepl/$b5")
	if [ "$lun" = "$(cat "$tmp/$b5.sum")" ] && [ "$lun" = "$direct" ]; then
		ktap_ok c_written_snapshot_reads_back
	else
		ktap_fail c_written_snapshot_reads_back \
			"LUN $lun, device $direct, want $(cat "$tmp/$b5.sum")"
	fi
else
	ktap_fail c_written_snapshot_reads_back "cannot write through b5's LUN"
fi

# 13. The source and the other snapshots did not change.
# shellcheck disable=SC2086
out=$(check_snapshots "$s1" $bs_all)
rc=$?
if [ "$(sum_dev "/dev/$src_sd")" != "$(sum_file "$tmp/model")" ]; then
	out="$out; the source changed"
	rc=1
fi
ktap_result c_source_and_other_snapshots_unchanged $rc "$out"

# --------------------------------------------------- d) fio on the source

# 14. Random 4 KiB writes with CRC32C, verified, over the whole modelled
# span.
ktap_run d_fio_verify_on_source_with_snapshots \
	fio --name=snaplio --filename="/dev/$src_sd" --direct=1 \
	--ioengine=psync --rw=randwrite --bs=4k --offset=0 --size=${span}M \
	--verify=crc32c --do_verify=1 --verify_fatal=1 --minimal

# 15. Every snapshot still reads its point in time (b5 with its writes).
# shellcheck disable=SC2086
out=$(check_snapshots "$s1" $bs_all)
rc=$?
if [ -n "$s1_sd" ] && [ "$(sum_dev "/dev/$s1_sd")" != "$(cat "$tmp/$s1.sum")" ]; then
	out="$out; s1's LUN differs"
	rc=1
fi
ktap_result d_snapshots_keep_content_after_fio $rc "$out"

# ------------------------------------------------------------ e) delete

# 16. LIO holds s1: deleting it fails and says why, alone or in a list
# (which then deletes nothing).
"$ctl" kernel replica delete "$s1" >"$tmp/out" 2>&1
rc1=$?
"$ctl" kernel replica delete "${p}b1" "$s1" >"$tmp/out2" 2>&1
rc2=$?
if [ "$rc1" = 1 ] && grep -q open "$tmp/out" && [ "$rc2" = 1 ] &&
   [ "$(syncs | jq length)" = 9 ]; then
	ktap_print_msg "$(cat "$tmp/out" "$tmp/out2")"
	ktap_ok e_delete_of_exported_snapshot_fails
else
	ktap_print_msg "$(cat "$tmp/out" "$tmp/out2")"
	ktap_fail e_delete_of_exported_snapshot_fails "exit $rc1 and $rc2, $(syncs | jq length) left"
fi

# 17. Unexported, s1 goes, with it its device, and the 16 MiB of A that
# only it needed return to the pool.
lio_drop "$s1" >"$tmp/lio.out" 2>&1 ||
	ktap_print_msg "unexport $s1: $(cat "$tmp/lio.out")"
s1_sd=
before=$(pool_free)
"$ctl" kernel replica delete "$s1" >"$tmp/out" 2>&1
rc=$?
after=$(pool_free)
ktap_print_msg "pool free: $before -> $after bytes"
if [ "$rc" != 0 ]; then
	ktap_print_msg "$(cat "$tmp/out")"
	ktap_fail e_delete_returns_space "replica delete exit $rc"
elif [ -e "/dev/cimrepl/$s1" ] || syncs | grep -q "\"$s1\""; then
	ktap_fail e_delete_returns_space "s1 is still there"
elif [ "$after" -lt $((before + 16 * 1048576)) ]; then
	ktap_fail e_delete_returns_space "free rose by $((after - before)), want >= 16 MiB"
else
	ktap_ok e_delete_returns_space
fi

# 18. The freed chunks are reused without harm: snapshot e1, overwrite
# 16 MiB of the source (new copies for e1, likely where A was), and every
# snapshot, e1 included, still reads its point in time.
e1="${p}e1"
pattern "$tmp/E" 16
if snap "$e1"; then
	dd if="/dev/$src_sd" of="$tmp/model" bs=1M count="$span" iflag=direct \
		status=none	# fio's data, now the model
	sum_file "$tmp/model" >"$tmp/$e1.sum"
	write_at "/dev/$src_sd" "$tmp/E" 8 "$tmp/model"
	# shellcheck disable=SC2086
	out=$(check_snapshots "$e1" $bs_all)
	ktap_result e_freed_space_reused_safely $? "$out"
else
	ktap_print_msg "$(cat "$tmp/out")"
	ktap_fail e_freed_space_reused_safely "cannot snapshot"
fi

# ------------------------------------------------------- f) bad input

# rejected NAME WANT_RC PATTERN ARGS... - `replica create ARGS` exits
# WANT_RC with one line matching PATTERN on stderr, stdout empty, and the
# synchronizations stay as they were.
rejected()
{
	name=$1 want=$2 pat=$3
	shift 3
	"$ctl" kernel sync list >"$tmp/syncs.before"
	"$ctl" kernel replica create "$@" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	"$ctl" kernel sync list >"$tmp/syncs.after"
	why=
	[ "$rc" = "$want" ] || why="exit $rc, want $want"
	[ "$(wc -l <"$tmp/stderr")" = 1 ] && grep -q "$pat" "$tmp/stderr" ||
		why="$why; stderr not one line matching '$pat'"
	[ -s "$tmp/stdout" ] && why="$why; stdout not empty"
	cmp -s "$tmp/syncs.before" "$tmp/syncs.after" ||
		why="$why; sync list changed"
	[ -e "/dev/cimrepl/${p}f1" ] && why="$why; ${p}f1 exists"
	ktap_print_msg "$(cat "$tmp/stderr")"
	ktap_result "$name" "$([ -z "$why" ]; echo $?)" "$why"
}

# 19-23.
rejected f_missing_volume 1 "does not exist" --sync-type snapshot \
	--source "${p}nosuch" --name "${p}f1" --pool "$pool"
rejected f_same_source_twice 1 "twice" --sync-type snapshot \
	--source "$vol" --name "${p}f1" --source "$vol" --name "${p}f2" \
	--pool "$pool"
rejected f_existing_target_name 1 "exists" --sync-type snapshot \
	--source "$vol" --name "${p}b1" --pool "$pool"
rejected f_missing_pool 1 "no such pool" --sync-type snapshot \
	--source "$vol" --name "${p}f1" --pool "${p}nopool"
rejected f_name_missing_is_usage_error 2 "needs a --name" \
	--sync-type snapshot --source "$vol" --name "${p}f1" --source "$vol" \
	--pool "$pool"

# 24. Teardown leaves nothing behind.
teardown
left=
[ -n "$(syncs)" ] && [ "$(syncs)" != "[]" ] && left="$left synchronizations"
"$ctl" kernel pool show "$pool" >/dev/null 2>&1 && left="$left pool"
"$ctl" volume show "$vol" >/dev/null 2>&1 && left="$left volume"
[ -d "$lio_cfs/loopback/$wwn" ] && left="$left target"
ls -d "$lio_cfs"/core/iblock_*/"$p"* >/dev/null 2>&1 && left="$left backstores"
ls /dev/cimrepl/"$p"* >/dev/null 2>&1 && left="$left devices"
ktap_result teardown_leaves_nothing "$([ -z "$left" ]; echo $?)" "left:$left"

ktap_finished
