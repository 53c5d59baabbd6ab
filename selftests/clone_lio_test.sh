#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# clone_lio_test.sh - clones (SyncType 8) end to end, the way a SAN uses
# them: a volume exported through LIO as a SCSI disk, cloned with cimreplctl
# onto a target device, the clone exported as a disk of its own, and every
# data check made on what the initiator reads.
#
#   a) while a throttled copy runs, the clone's LUN reads the source's point
#      in time, whatever is written to the source meanwhile, and writes to
#      the clone stick;
#   b) the copy reports its progress, refuses detach, and finishes once
#      unthrottled; `sync wait` sees it through;
#   c) after the copy, the target device holds the point in time; the clone
#      is writable without touching the source; detach leaves a plain
#      volume with the same data;
#   d) bad targets fail with one line and leave nothing behind, alone and in
#      a list;
#   e) fio with verification passes on the source while a clone copies, and
#      the clone reads the data from before fio;
#   f) replica delete, the module-wide throttle, abort.
#
# Run as root inside the test VM:
#	scripts/vm-run --kernel 6.12 -- selftests/run.sh clone_lio_test.sh
#
# Environment: CLONE_LIO_POOL (default /dev/ram6, at least 32 MiB) holds the
# pool; CLONE_LIO_BUSY (default /dev/ram7) is held by a LIO backstore to
# play a target in use; both are overwritten. The source and the targets
# are loop devices over files in a scratch directory under /tmp, so that
# the source is small enough to copy quickly under TCG.
#
# The source is modelled in a file: every write through the source LUN goes
# into the model too, and a clone's expected content is a copy of the model
# taken when it was created, plus whatever was written to the clone.
#
# No "set -e": a failing check is a test result, not the end of the script.
# Whatever the test created is removed on exit, also when it fails.

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

top=$(cd "$(dirname "$0")/.." && pwd -P)
ctl="$top/ctl/cimreplctl"
pool_dev=${CLONE_LIO_POOL:-/dev/ram6}
busy_dev=${CLONE_LIO_BUSY:-/dev/ram7}
span=32					# MiB: the source, and each target
slow=128				# KiB/s: a copy of $span MiB takes 4 minutes
rnd=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
p="cl$rnd"				# prefix of every name this test uses
vol="${p}v"
pool="${p}p"
clone="${p}c"				# the clone exported through LIO
clone2="${p}c2"				# the clone copied under fio
clone3="${p}c3"				# the clone aborted
src="${p}src"				# backstores: the source's,
cln="${p}cln"				# the clone's,
bsy="${p}bsy"				# and the one that holds $busy_dev
wwn=				# the tcm_loop target, once created
tpg=				# its TPG, loopback/WWN/tpgt_1
backstores=			# backstores created, for the teardown
loops=				# loop devices attached, for the teardown
module_throttle=		# set when the module-wide throttle was changed
src_sd=
cln_sd=

ktap_require_root
ktap_require_cmd dd sha1sum jq bc losetup truncate cmp
lio_require
[ -x "$ctl" ] || ktap_skip_all "$ctl is not built (make userspace)"
[ -x "$lio_tool" ] || ktap_skip_all "$lio_tool is not built (make lio)"
[ -d /sys/module/cimrepl ] || ktap_skip_all "cimrepl.ko is not loaded"
for d in "$pool_dev" "$busy_dev"; do
	[ -b "$d" ] || ktap_skip_all "$d missing (load brd)"
done
"$ctl" --json kernel info | jq -e '.sync_types | map(.value) | index(8)' \
	>/dev/null 2>&1 || ktap_skip_all "the module has no clone engine (SyncType 8)"

tmp=$(mktemp -d)
lio_tmp=$tmp

# ---------------------------------------------------------------- helpers

# write_4k DEV FILE OFFSET_4K MODEL - write_at (lib.sh) in units of 4 KiB.
write_4k()
{
	dd if="$2" of="$1" bs=4k seek="$3" oflag=direct conv=notrunc,fsync \
		status=none &&
		dd if="$2" of="$4" bs=4k seek="$3" conv=notrunc status=none
}

# sync_json NAME - `sync show --json` of replica NAME.
sync_json()
{
	"$ctl" --json kernel sync show "$1"
}

# state NAME - its CopyState, a CIM number ("" when it has no sync).
state()
{
	sync_json "$1" 2>/dev/null | jq -r '.copy_state.value'
}

# syncs - this test's synchronizations (of every source it made), as
# canonical JSON.
syncs()
{
	"$ctl" --json kernel sync list |
		jq -S --arg p "$p" 'map(select(.source | startswith($p)))'
}

# volumes - this test's devices, as canonical JSON, without what changes by
# itself (counters).
volumes()
{
	"$ctl" --json volume list | jq -S --arg p "$p" \
		'map(select(.name | startswith($p)) | del(.flushes, .fua_writes))'
}

# clone_create NAME TARGET [ARGS...] - clone the volume onto TARGET as NAME;
# the output goes to $tmp/out.
clone_create()
{
	n=$1 t=$2
	shift 2
	"$ctl" kernel replica create --sync-type clone --pool "$pool" --source "$vol" \
		--name "$n" --target "$t" "$@" >"$tmp/out" 2>&1
}

# probe_free DEV - DEV is not held by anyone: a volume can be made over it
# (which opens it exclusively), and removed again.
probe_free()
{
	"$ctl" volume create "${p}probe" --backing "$1" &&
		"$ctl" volume delete "${p}probe"
}

# one_line FILE PATTERN - FILE is exactly one line, matching PATTERN
# (grep -E, case-insensitive).
one_line()
{
	[ "$(wc -l <"$1")" = 1 ] && grep -Eqi "$2" "$1"
}

# teardown - remove every LUN, backstore, replica, volume, pool and loop
# device of this test; quiet, idempotent.
teardown()
{
	# shellcheck disable=SC2086 # names without blanks
	lio_clear "$wwn" $backstores
	for n in $(syncs 2>/dev/null | jq -r '.[].target' 2>/dev/null); do
		"$ctl" kernel replica delete "$n"
	done
	[ -n "$module_throttle" ] && "$ctl" kernel sync set --throttle 0
	for n in "${p}probe" "$clone" "$vol"; do
		"$ctl" volume show "$n" >/dev/null 2>&1 && "$ctl" volume delete "$n"
	done
	"$ctl" kernel pool show "$pool" >/dev/null 2>&1 && "$ctl" kernel pool delete "$pool"
	for l in $loops; do
		losetup -d "$l"
	done
	loops=
	return 0
}

# shellcheck disable=SC2317 # run by the trap
cleanup()
{
	teardown >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ktap_plan 31

# ------------------------------------------------------------------ setup

# 1. The source volume over a loop device holding random data (the model
# starts as a copy of it), two targets of its size, one smaller, and a pool.
pattern "$tmp/model" "$span"
src_dev="" t1_dev="" t2_dev="" small_dev=""
{
	src_dev=$(new_loop "$tmp/src.img" "$span") && loops=$src_dev &&
	t1_dev=$(new_loop "$tmp/t1.img" "$span") && loops="$loops $t1_dev" &&
	t2_dev=$(new_loop "$tmp/t2.img" "$span") && loops="$loops $t2_dev" &&
	small_dev=$(new_loop "$tmp/small.img" $((span / 2))) &&
	loops="$loops $small_dev" &&
	dd if="$tmp/model" of="$src_dev" bs=1M oflag=direct conv=fsync \
		status=none &&
	"$ctl" volume create "$vol" --backing "$src_dev" &&
	"$ctl" kernel pool create "$pool" --device "$pool_dev" --format
} >"$tmp/out" 2>&1
rc=$?
out=$(cat "$tmp/out")
if [ "$rc" -eq 0 ]; then
	ktap_print_msg "source $src_dev, targets $t1_dev $t2_dev, smaller $small_dev"
	ktap_ok setup_volume_pool_and_targets
else
	ktap_print_msg "$out"
	ktap_fail setup_volume_pool_and_targets
	ktap_bail_out "no volume, pool or targets"
fi
vol_size=$("$ctl" --json volume show "$vol" | jq .size)

# 2. The volume as a LUN of a tcm_loop target, and a backstore holding
# $busy_dev (a target in use, for d).
wwn=$(lio_new_wwn)
backstores="$src $bsy"
{
	tpg=$("$lio_tool" loopback create "$wwn") &&
	lio_export "$tpg" "$src" "/dev/cimrepl/$vol" &&
	"$lio_tool" block create "$bsy" "$busy_dev" >/dev/null
} 2>"$tmp/lio.out"
if src_sd=$(lio_wait_disk "$src") && lio_backstore_dir "$bsy" >/dev/null; then
	ktap_print_msg "source LUN is /dev/$src_sd"
	ktap_ok export_source_lun
else
	ktap_print_msg "$(cat "$tmp/lio.out")"
	ktap_fail export_source_lun "no disk for backstore $src, or no $bsy"
	ktap_bail_out "no source LUN"
fi

# 3. Pattern A through the source LUN reads back.
pattern "$tmp/A" 16
pattern "$tmp/B" 8
pattern "$tmp/E" 2
write_at "/dev/$src_sd" "$tmp/A" 0 "$tmp/model"
if [ "$(sum_dev "/dev/$src_sd" 16)" = "$(sum_file "$tmp/A")" ]; then
	ktap_ok a_source_lun_reads_pattern_a
else
	ktap_fail a_source_lun_reads_pattern_a "read back differs from A"
fi

# ------------------------------------------ a) while the copy runs

# 4. A throttled clone onto t1: reported like `sync list`, copying; its
# device is there at once, a clone of the source's size.
if clone_create "$clone" "$t1_dev" --throttle "$slow" &&
   grep -q "^$vol  *$clone  *Clone  *Synchronous  *Unsynchronized" "$tmp/out" &&
   [ -b "/dev/cimrepl/$clone" ] &&
   [ "$("$ctl" --json volume show "$clone" | jq -r '.role + " " + (.size|tostring)')" = "clone $vol_size" ]; then
	ktap_print_msg "$(cat "$tmp/out")"
	ktap_ok a_clone_created_throttled
else
	ktap_print_msg "$(cat "$tmp/out")"
	ktap_fail a_clone_created_throttled
	ktap_bail_out "no clone"
fi
cp "$tmp/model" "$tmp/pit"		# the clone's expected content

# 5. The clone as a LUN of the same target.
backstores="$backstores $cln"
lio_export "$tpg" "$cln" "/dev/cimrepl/$clone" 2>"$tmp/lio.out"
if cln_sd=$(lio_wait_disk "$cln"); then
	ktap_print_msg "clone LUN is /dev/$cln_sd"
	ktap_ok a_export_clone_lun
else
	ktap_print_msg "$(cat "$tmp/lio.out")"
	ktap_fail a_export_clone_lun "no disk for backstore $cln"
fi

# 6. Pattern B over the second half of A, and E near the end (where the
# copy is not yet), through the source LUN; the source reads them back.
write_at "/dev/$src_sd" "$tmp/B" 8 "$tmp/model"
write_at "/dev/$src_sd" "$tmp/E" $((span - 8)) "$tmp/model"
if [ "$(sum_dev "/dev/$src_sd")" = "$(sum_file "$tmp/model")" ]; then
	ktap_ok a_source_lun_reads_pattern_b_during_copy
else
	ktap_fail a_source_lun_reads_pattern_b_during_copy "differs from what was written"
fi

# 7. The clone's LUN reads A (its first 16 MiB), and the rest of the point
# in time, while the copy still runs.
if [ -n "$cln_sd" ]; then
	got16=$(sum_dev "/dev/$cln_sd" 16)
	got=$(sum_dev "/dev/$cln_sd")
	st=$(state "$clone")
fi
if [ -z "$cln_sd" ]; then
	ktap_fail a_clone_lun_reads_a_during_copy "no LUN"
elif [ "$got16" != "$(sum_file "$tmp/A")" ]; then
	ktap_fail a_clone_lun_reads_a_during_copy "its first 16 MiB are not A"
elif [ "$got" != "$(sum_file "$tmp/pit")" ]; then
	ktap_fail a_clone_lun_reads_a_during_copy "A, but the rest differs from the point in time"
elif [ "$st" != 3 ]; then
	ktap_fail a_clone_lun_reads_a_during_copy "CopyState $st, want 3: the copy is not running (throttle $slow KiB/s)"
else
	ktap_ok a_clone_lun_reads_a_during_copy
fi

# 8. Writes through the clone's LUN where the copy has not been yet (1 MiB
# at span-4 MiB, and 4 KiB inside a chunk at span-2 MiB + 8 KiB) read back
# and stay there when the copy passes by (checked in 14); the source does
# not see them.
pattern "$tmp/D1" 1
dd if=/dev/urandom of="$tmp/D2" bs=4k count=1 status=none
if [ -n "$cln_sd" ] &&
   write_at "/dev/$cln_sd" "$tmp/D1" $((span - 4)) "$tmp/pit" &&
   write_4k "/dev/$cln_sd" "$tmp/D2" $(((span - 2) * 256 + 2)) "$tmp/pit" &&
   [ "$(sum_dev "/dev/$cln_sd")" = "$(sum_file "$tmp/pit")" ] &&
   [ "$(sum_dev "/dev/$src_sd")" = "$(sum_file "$tmp/model")" ]; then
	ktap_ok a_clone_lun_writes_during_copy_read_back
else
	ktap_fail a_clone_lun_writes_during_copy_read_back
fi

# ------------------------------------------------- b) progress, finish

# 9. The synchronization says where the copy is: SyncType Clone, Mode
# Synchronous, CopyState Unsynchronized, ProgressStatus Synchronizing,
# CHUNKS_TOTAL = ceil(size / chunk size), CHUNKS_DONE below it, the throttle
# asked for; and so do `sync show` and `sync list`.
sync_json "$clone" >"$tmp/sync.json" 2>&1
ktap_print_msg "$(jq -c . "$tmp/sync.json")"
chunk=$(jq '.chunk_size // 0' "$tmp/sync.json")
want_total=$(((vol_size + chunk - 1) / (chunk > 0 ? chunk : 1)))
why=
[ "$(jq -r '[.sync_type.value, .mode.value, .copy_state.value, .progress_status.value] | map(tostring) | join(" ")' "$tmp/sync.json")" = "8 2 3 6" ] ||
	why="$why; want SyncType 8, Mode 2, CopyState 3, ProgressStatus 6"
[ "$chunk" -gt 0 ] && [ "$(jq .chunks_total "$tmp/sync.json")" = "$want_total" ] ||
	why="$why; chunks_total not $want_total"
[ "$(jq ".chunks_done < $want_total" "$tmp/sync.json")" = true ] ||
	why="$why; chunks_done not below the total"
[ "$(jq .throttle "$tmp/sync.json")" = "$slow" ] || why="$why; throttle not $slow"
"$ctl" kernel sync show "$clone" >"$tmp/show" 2>&1
grep -Eq "^copied +[0-9]+% \([0-9]+ of $want_total chunks\)" "$tmp/show" &&
	grep -q "^throttle  *$slow KiB/s" "$tmp/show" &&
	grep -q "^CopyState  *Unsynchronized (3)" "$tmp/show" ||
	why="$why; sync show: $(tr '\n' '|' <"$tmp/show")"
"$ctl" kernel sync list | grep -Eq "^$vol +$clone +Clone +Synchronous +Unsynchronized +Synchronizing +[0-9]+% " ||
	why="$why; no row with COPIED in sync list"
ktap_result b_progress_reported_during_copy "$([ -z "$why" ]; echo $?)" "${why#; }"

# 10. Waiting for Synchronized with a timeout gives up with one line.
"$ctl" kernel sync wait "$clone" --state synchronized --timeout 1 \
	>"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
ktap_print_msg "$(cat "$tmp/stderr")"
if [ "$rc" = 1 ] && [ ! -s "$tmp/stdout" ] &&
   one_line "$tmp/stderr" "not Synchronized .*after 1 s.*Unsynchronized"; then
	ktap_ok b_sync_wait_times_out_while_throttled
else
	ktap_fail b_sync_wait_times_out_while_throttled "exit $rc"
fi

# 11. Detach is refused while copying, naming the state; nothing changes.
"$ctl" kernel sync modify --operation detach "$clone" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
ktap_print_msg "$(cat "$tmp/stderr")"
if [ "$rc" = 1 ] && one_line "$tmp/stderr" "Unsynchronized" &&
   [ "$(state "$clone")" = 3 ]; then
	ktap_ok b_detach_refused_while_copying
else
	ktap_fail b_detach_refused_while_copying "exit $rc, CopyState $(state "$clone")"
fi

# 12. Unthrottled, the copy runs to Synchronized; `sync wait` sees it.
t0=$(date +%s)
"$ctl" kernel sync set "$clone" --throttle 0 >"$tmp/out" 2>&1
rc1=$?
thr=$(sync_json "$clone" | jq .throttle)
"$ctl" kernel sync wait "$clone" --state synchronized --timeout 300 >>"$tmp/out" 2>&1
rc2=$?
ktap_print_msg "unthrottled copy finished in $(($(date +%s) - t0)) s"
if [ "$rc1" = 0 ] && [ "$thr" = 0 ] && [ "$rc2" = 0 ]; then
	ktap_ok b_unthrottled_copy_reaches_synchronized
else
	ktap_print_msg "$(cat "$tmp/out")"
	ktap_fail b_unthrottled_copy_reaches_synchronized \
		"sync set exit $rc1, throttle $thr, sync wait exit $rc2"
fi

# 13. Progress 100 %: every chunk done, every byte, ProgressStatus
# Completed, a time of synchronization.
sync_json "$clone" >"$tmp/sync.json" 2>&1
ktap_print_msg "$(jq -c . "$tmp/sync.json")"
if [ "$(jq -r '[.copy_state.value, .progress_status.value, .chunks_done, .chunks_total, .bytes_done, (.when_synchronized > 0)] | map(tostring) | join(" ")' "$tmp/sync.json")" = "4 2 $want_total $want_total $vol_size true" ] &&
   "$ctl" kernel sync show "$clone" | grep -q "^copied  *100% ($want_total of $want_total chunks)"; then
	ktap_ok b_progress_complete
else
	ktap_fail b_progress_complete "want CopyState 4, Completed, $want_total of $want_total chunks, $vol_size bytes"
fi

# ------------------------------------------------- c) after the copy

# 14. The clone's LUN reads the point in time (A first) with the clone's
# own writes, and so does the target device itself.
if [ -n "$cln_sd" ]; then
	got16=$(sum_dev "/dev/$cln_sd" 16)
	got=$(sum_dev "/dev/$cln_sd")
	tgt=$(sum_dev "$t1_dev")
fi
if [ -z "$cln_sd" ]; then
	ktap_fail c_clone_lun_and_target_read_point_in_time "no LUN"
elif [ "$got16" != "$(sum_file "$tmp/A")" ]; then
	ktap_fail c_clone_lun_and_target_read_point_in_time "its first 16 MiB are not A"
elif [ "$got" != "$(sum_file "$tmp/pit")" ]; then
	ktap_fail c_clone_lun_and_target_read_point_in_time "the LUN differs from the point in time and its writes"
elif [ "$tgt" != "$(sum_file "$tmp/pit")" ]; then
	ktap_fail c_clone_lun_and_target_read_point_in_time "the target device differs"
else
	ktap_ok c_clone_lun_and_target_read_point_in_time
fi

# 15. Pattern C through the clone's LUN reads back, lands on the target,
# and the source does not change.
pattern "$tmp/C" 4
if [ -n "$cln_sd" ] && write_at "/dev/$cln_sd" "$tmp/C" 12 "$tmp/pit" &&
   [ "$(sum_dev "/dev/$cln_sd")" = "$(sum_file "$tmp/pit")" ] &&
   [ "$(sum_dev "$t1_dev")" = "$(sum_file "$tmp/pit")" ] &&
   [ "$(sum_dev "/dev/$src_sd")" = "$(sum_file "$tmp/model")" ]; then
	ktap_ok c_clone_lun_writes_persist_source_untouched
else
	ktap_fail c_clone_lun_writes_persist_source_untouched
fi

# 16. Detach: the synchronization goes, the device stays, a plain volume
# still exported and still reading the same; the source has no replica.
"$ctl" kernel sync modify --operation detach "$clone" >"$tmp/out" 2>&1
rc=$?
why=
[ "$rc" = 0 ] || why="exit $rc: $(cat "$tmp/out")"
"$ctl" kernel sync show "$clone" >/dev/null 2>&1 && why="$why; still synchronized"
[ "$("$ctl" --json volume show "$clone" | jq -r .role)" = volume ] ||
	why="$why; role not volume"
[ "$("$ctl" --json volume show "$vol" | jq .replicas)" = 0 ] ||
	why="$why; the source still has replicas"
[ -n "$cln_sd" ] && [ "$(sum_dev "/dev/$cln_sd")" = "$(sum_file "$tmp/pit")" ] ||
	why="$why; the LUN changed"
ktap_result c_detach_leaves_a_volume "$([ -z "$why" ]; echo $?)" "${why#; }"

# ------------------------------------------------------ d) bad targets

# rejected NAME PATTERN TARGET [ARGS...] - `replica create` of a clone
# named ${p}f1 onto TARGET ("" for none) with ARGS (default: the pool)
# exits 1 with one line matching PATTERN (grep -Ei) on stderr, stdout
# empty, and leaves the synchronizations and devices as they were.
rejected()
{
	name=$1 pat=$2 target=$3
	shift 3
	[ $# -gt 0 ] || set -- --pool "$pool"
	syncs >"$tmp/syncs.before"
	volumes >"$tmp/vols.before"
	"$ctl" kernel replica create --sync-type clone --source "$vol" \
		--name "${p}f1" ${target:+--target "$target"} "$@" \
		>"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	why=
	[ "$rc" = 1 ] || why="exit $rc, want 1"
	one_line "$tmp/stderr" "$pat" ||
		why="$why; stderr not one line matching '$pat'"
	[ -s "$tmp/stdout" ] && why="$why; stdout not empty"
	syncs | cmp -s "$tmp/syncs.before" - || why="$why; sync list changed"
	volumes | cmp -s "$tmp/vols.before" - || why="$why; volume list changed"
	[ -e "/dev/cimrepl/${p}f1" ] && why="$why; ${p}f1 exists"
	ktap_print_msg "$(cat "$tmp/stderr")"
	ktap_result "$name" "$([ -z "$why" ]; echo $?)" "${why#; }"
}

# 17-23. EINVAL, EBUSY, EINVAL, EINVAL (a cimrepl device, here one LIO
# exports, as every cimrepl device in use is), EINVAL, EINVAL, ENOENT.
rejected d_target_smaller_than_source "smaller" "$small_dev"
rejected d_target_in_use "in use|busy" "$busy_dev"
rejected d_target_is_source_backing "source|backing" "$src_dev"
rejected d_target_is_a_cimrepl_device "cimrepl device" "/dev/cimrepl/$clone"
rejected d_no_target "target" ""
rejected d_no_pool "pool" "$t2_dev" --throttle 0
rejected d_target_missing "no such|not exist|does not exist" "/dev/${p}nosuch"

# 24. A list whose element 1 fails leaves element 0 undone; the detached
# clone serves as the second source. The message names element 1.
syncs >"$tmp/syncs.before"
volumes >"$tmp/vols.before"
"$ctl" kernel replica create --sync-type clone --pool "$pool" \
	--source "$vol" --name "${p}f1" --target "$t2_dev" \
	--source "$clone" --name "${p}f2" --target "$small_dev" \
	>"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
ktap_print_msg "$(cat "$tmp/stderr")"
why=
[ "$rc" = 1 ] || why="exit $rc, want 1"
one_line "$tmp/stderr" "element 1 \\($clone -> ${p}f2\\): .*smaller" ||
	why="$why; stderr not one line naming element 1"
syncs | cmp -s "$tmp/syncs.before" - || why="$why; sync list changed"
volumes | cmp -s "$tmp/vols.before" - || why="$why; volume list changed"
[ -e "/dev/cimrepl/${p}f1" ] && why="$why; ${p}f1 exists"
ktap_result d_list_is_atomic "$([ -z "$why" ]; echo $?)" "${why#; }"

# 25. No rejected request left a target held.
out=$( { probe_free "$small_dev" && probe_free "$t2_dev"; } 2>&1)
ktap_result d_rejected_targets_are_not_held $? "$out"

# ---------------------------------------------- e) fio during a copy

# 26. A throttled clone onto t2, and fio with CRC32C verification on the
# source LUN meanwhile.
fio_ok=
cp "$tmp/model" "$tmp/pit2"
if ! clone_create "$clone2" "$t2_dev" --throttle "$slow"; then
	ktap_print_msg "$(cat "$tmp/out")"
	ktap_fail e_fio_verify_on_source_during_copy "cannot clone"
elif ! command -v fio >/dev/null 2>&1; then
	ktap_skip e_fio_verify_on_source_during_copy "fio is not installed"
elif ktap_run e_fio_verify_on_source_during_copy \
	fio --name=clonelio --filename="/dev/$src_sd" --direct=1 \
	--ioengine=psync --rw=randwrite --bs=4k --offset=0 --size=16M \
	--verify=crc32c --do_verify=1 --verify_fatal=1 --minimal; then
	fio_ok=1
	ktap_print_msg "after fio: CopyState $(state "$clone2"), $(sync_json "$clone2" | jq -r '"\(.chunks_done) of \(.chunks_total) chunks"')"
fi

# 27. Unthrottled, that clone completes and reads the source from before
# fio, directly and on its target.
if ! "$ctl" kernel sync show "$clone2" >/dev/null 2>&1; then
	ktap_skip e_clone_reads_data_from_before_fio "no clone"
elif [ -z "$fio_ok" ]; then
	ktap_skip e_clone_reads_data_from_before_fio "fio did not run"
elif ! out=$("$ctl" kernel sync set "$clone2" --throttle 0 2>&1 &&
	     "$ctl" kernel sync wait "$clone2" --timeout 300 2>&1); then
	ktap_print_msg "$out"
	ktap_fail e_clone_reads_data_from_before_fio "no Synchronized"
elif [ "$(sum_dev "/dev/cimrepl/$clone2")" != "$(sum_file "$tmp/pit2")" ]; then
	ktap_fail e_clone_reads_data_from_before_fio "the clone differs"
elif [ "$(sum_dev "$t2_dev")" != "$(sum_file "$tmp/pit2")" ]; then
	ktap_fail e_clone_reads_data_from_before_fio "its target differs"
else
	ktap_ok e_clone_reads_data_from_before_fio
fi

# ---------------------------------- f) delete, module throttle, abort

# 28. replica delete removes a clone, its device and its synchronization,
# and lets go of the target.
"$ctl" kernel replica delete "$clone2" >"$tmp/out" 2>&1
rc=$?
why=
[ "$rc" = 0 ] || why="exit $rc: $(cat "$tmp/out")"
[ -e "/dev/cimrepl/$clone2" ] && why="$why; the device is still there"
"$ctl" kernel sync show "$clone2" >/dev/null 2>&1 && why="$why; the sync is still there"
probe_free "$t2_dev" >"$tmp/out" 2>&1 || why="$why; target held: $(cat "$tmp/out")"
ktap_result f_replica_delete_removes_clone "$([ -z "$why" ]; echo $?)" "${why#; }"

# 29. The module-wide throttle applies to a clone created without one.
module_throttle=1
out=$("$ctl" kernel sync set --throttle "$slow" 2>&1 &&
      clone_create "$clone3" "$t2_dev" 2>&1)
rc=$?
thr=$(sync_json "$clone3" 2>/dev/null | jq .throttle)
if [ "$rc" = 0 ] && [ "$thr" = "$slow" ] && [ "$(state "$clone3")" = 3 ]; then
	ktap_ok f_module_wide_throttle_applies
else
	ktap_print_msg "$out" "$(cat "$tmp/out")"
	ktap_fail f_module_wide_throttle_applies "exit $rc, throttle $thr"
fi

# 30. Abort stops the copy: CopyState Aborted, and `sync wait` for
# Synchronized fails at once with one line; then the clone can be deleted.
# (The module-wide throttle goes back to 0 only after the abort: it applies
# to that clone at once.)
"$ctl" kernel sync modify --operation abort "$clone3" >"$tmp/out" 2>&1
rc1=$?
st=$(state "$clone3")
"$ctl" kernel sync set --throttle 0 && module_throttle=
"$ctl" kernel sync wait "$clone3" --timeout 30 >"$tmp/stdout" 2>"$tmp/stderr"
rc2=$?
ktap_print_msg "$(cat "$tmp/out" "$tmp/stderr")"
"$ctl" kernel replica delete "$clone3" >>"$tmp/out" 2>&1
rc3=$?
if [ "$rc1" = 0 ] && [ "$st" = 12 ] && [ "$rc2" = 1 ] &&
   one_line "$tmp/stderr" "Aborted" && [ "$rc3" = 0 ] &&
   [ ! -e "/dev/cimrepl/$clone3" ]; then
	ktap_ok f_abort_ends_copy_and_sync_wait
else
	ktap_fail f_abort_ends_copy_and_sync_wait \
		"abort exit $rc1, CopyState $st, sync wait exit $rc2, delete exit $rc3"
fi

# 31. Teardown leaves nothing behind.
teardown
left=
[ "$(syncs)" != "[]" ] && left="$left synchronizations"
[ "$(volumes)" != "[]" ] && left="$left volumes"
"$ctl" kernel pool show "$pool" >/dev/null 2>&1 && left="$left pool"
[ -d "$lio_cfs/loopback/$wwn" ] && left="$left target"
ls -d "$lio_cfs"/core/iblock_*/"$p"* >/dev/null 2>&1 && left="$left backstores"
ls /dev/cimrepl/"$p"* >/dev/null 2>&1 && left="$left devices"
losetup -j "$tmp/src.img" | grep -q . && left="$left loops"
ktap_result teardown_leaves_nothing "$([ -z "$left" ]; echo $?)" "left:$left"

ktap_finished
