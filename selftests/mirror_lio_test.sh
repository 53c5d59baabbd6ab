#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mirror_lio_test.sh - mirrors (SyncType 6) end to end, the way a SAN uses
# them: two volumes exported through LIO as SCSI disks, one mirrored
# synchronously and one asynchronously with cimreplctl, each mirror device
# exported as a disk of its own, and every data check made on what the
# initiator reads.
#
#   a) the initial copies end with each mirror's LUN reading its source's;
#   b) fio with verification passes on both source LUNs while mirrored,
#      the synchronous mirror's LUN equals its source at once, the
#      asynchronous one's once its backlog is empty;
#   c) fracture (one request for both): the mirror LUNs keep what they had
#      and become writable; resync copies only the regions logged since
#      and the LUNs read their sources again;
#   d) write order: stamped writes through the asynchronous source's LUN,
#      a split mid-stream: the mirror's LUN holds exactly a prefix of the
#      history, with every write acknowledged before the split and none
#      from after it returned; a fracture mid-stream: a prefix too. The
#      asynchronous mirror's target sits under dm-delay (50 ms a write),
#      so that its backlog is not empty when the operation comes.
#
# Run as root inside the test VM:
#	scripts/vm-run --kernel 6.1 -- selftests/run.sh mirror_lio_test.sh
#
# Every device is a loop device over a file in a scratch directory under
# /tmp. No "set -e": a failing check is a test result, not the end of the
# script. Whatever the test created is removed on exit, also when it fails.

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

rnd=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
p="mi$rnd"				# prefix of every name this test uses
. "$(dirname "$0")/cimrepld_lib.sh"
seqwriter="$top/selftests/seqwriter"
span=8					# MiB: each source, and each target
volS="${p}vs"				# the synchronously mirrored volume,
volA="${p}va"				# the asynchronously mirrored one,
mirS="${p}ms"				# their mirrors
mirA="${p}ma"
pool="${p}p"
slow="${p}dly"				# dm-delay over the asynchronous target
vs_sd="" va_sd="" ms_sd="" ma_sd=""

ktap_require_root
ktap_require_cmd dd sha1sum jq bc losetup truncate fio
lio_require
[ -x "$ctl" ] || ktap_skip_all "$ctl is not built (make userspace)"
[ -x "$tool" ] || ktap_skip_all "$tool is not built (make lio)"
[ -x "$seqwriter" ] || ktap_skip_all "$seqwriter is not built (make selftests)"
[ -d /sys/module/cimrepl ] || ktap_skip_all "cimrepl.ko is not loaded"
"$ctl" --json kernel info | jq -e '.sync_types | map(.value) | index(6)' \
	>/dev/null 2>&1 || ktap_skip_all "the module has no mirror engine (SyncType 6)"
crl_init
crl_pools=$pool

# ---------------------------------------------------------------- helpers

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

# wait_state NAME STATE [SECONDS] - poll until NAME's CopyState is STATE
# (default 60 s); status 1 when it is not.
wait_state()
{
	ws_end=$(($(date +%s) + ${3:-60}))
	while [ "$(state "$1")" != "$2" ]; do
		[ "$(date +%s)" -lt "$ws_end" ] || return 1
		sleep 0.1
	done
}

# wait_caught_up NAME [SECONDS] - poll until the asynchronous mirror NAME
# has no backlog (default 30 s).
wait_caught_up()
{
	wc_end=$(($(date +%s) + ${2:-30}))
	while [ "$(sync_json "$1" 2>/dev/null | jq -r '.backlog')" != 0 ]; do
		[ "$(date +%s)" -lt "$wc_end" ] || return 1
		sleep 0.1
	done
}

# zero_area SD MIB - zero the 2 MiB at MIB of disk SD (a seqwriter area).
zero_area()
{
	dd if=/dev/zero of="/dev/$1" bs=1M seek="$2" count=2 oflag=direct \
		conv=fsync status=none
}

# acked FILE - the last "acked N" line the writer finished in FILE (0:
# none); a line still being written does not count.
acked()
{
	if [ "$(tail -c 1 "$1" | od -An -tx1 | tr -d ' ')" = 0a ]; then
		a=$(sed -n 's/^acked \([0-9]*\)$/\1/p' "$1" | tail -n 1)
	else
		a=$(sed '$d' "$1" | sed -n 's/^acked \([0-9]*\)$/\1/p' | tail -n 1)
	fi
	echo "${a:-0}"
}

# wait_acked FILE N - wait (30 s at most) until the writer reports N.
wait_acked()
{
	wa_end=$(($(date +%s) + 30))
	while [ "$(acked "$1")" -lt "$2" ]; do
		[ "$(date +%s)" -lt "$wa_end" ] || return 1
		sleep 0.05
	done
}

# syncs - this test's synchronizations, as canonical JSON.
syncs()
{
	"$ctl" --json kernel sync list |
		jq -S --arg p "$p" 'map(select(.source | startswith($p)))'
}

# volumes - this test's devices, as canonical JSON.
volumes()
{
	"$ctl" --json volume list | jq -S --arg p "$p" \
		'map(select(.name | startswith($p)) | del(.flushes, .fua_writes))'
}

trap cleanup EXIT
# teardown - stop the writer; remove every LUN, backstore, replica,
# volume, pool and loop device of this test (crl_teardown); quiet,
# idempotent.
teardown()
{
	[ -n "${writer:-}" ] && kill "$writer" 2>/dev/null
	crl_teardown
}

# shellcheck disable=SC2317 # run by crl_teardown
crl_teardown_extra()
{
	[ -e "/dev/mapper/$slow" ] &&
		DM_DISABLE_UDEV=1 dmsetup remove --noudevsync "$slow"
}

ktap_plan 13
t_start=$(date +%s)

# ------------------------------------------------------------------ setup

# 1. Two volumes over loop devices with random data, a pool, two targets
# (the asynchronous mirror's under dm-delay when the guest has it), and a
# mirror of each: synchronous and asynchronous.
sS="" sA="" tS="" tA="" pl=""
delayed=
{
	sS=$(new_loop "$tmp/vs.img" "$span") && loops=$sS &&
	sA=$(new_loop "$tmp/va.img" "$span") && loops="$loops $sA" &&
	tS=$(new_loop "$tmp/ms.img" "$span") && loops="$loops $tS" &&
	tA=$(new_loop "$tmp/ma.img" "$span") && loops="$loops $tA" &&
	pl=$(new_loop "$tmp/pool.img" 16) && loops="$loops $pl" &&
	if modprobe dm-delay 2>/dev/null &&
	   DM_DISABLE_UDEV=1 dmsetup create --noudevsync "$slow" --table \
		"0 $((span * 2048)) delay $tA 0 0 $tA 0 50"; then
		tA=/dev/mapper/$slow delayed=1
	fi &&
	dd if=/dev/urandom of="$sS" bs=1M count="$span" oflag=direct status=none &&
	dd if=/dev/urandom of="$sA" bs=1M count="$span" oflag=direct status=none &&
	"$ctl" volume create "$volS" --backing "$sS" &&
	"$ctl" volume create "$volA" --backing "$sA" &&
	"$ctl" kernel pool create "$pool" --device "$pl" --format &&
	"$ctl" kernel replica create --sync-type mirror --mode sync --pool "$pool" \
		--source "$volS" --name "$mirS" --target "$tS" &&
	"$ctl" kernel replica create --sync-type mirror --mode async --pool "$pool" \
		--source "$volA" --name "$mirA" --target "$tA"
} >"$tmp/out" 2>&1
rc=$?
ktap_print_msg "$(cat "$tmp/out")"
[ -n "$delayed" ] || ktap_print_msg "no dm-delay: the asynchronous target keeps up, the write-order checks prove less"
modes="$(sync_json "$mirS" | jq -r '"\(.sync_type.value) \(.mode.value)"') $(sync_json "$mirA" | jq -r '"\(.sync_type.value) \(.mode.value)"')"
if [ "$rc" -eq 0 ] && [ "$modes" = "6 2 6 3" ]; then
	ktap_ok setup_volumes_pool_and_mirrors
else
	ktap_fail setup_volumes_pool_and_mirrors "exit $rc, SyncType and Mode: $modes"
	ktap_bail_out "no mirrors"
fi

# 2. The four devices as LUNs of one tcm_loop target (liotool: configfs,
# milliseconds, where targetcli costs seconds under TCG).
export_all()
{
	wwn=$(lio_new_wwn) && tpg=$("$tool" loopback create "$wwn") || return 1
	for b in "$volS" "$volA" "$mirS" "$mirA"; do
		"$tool" block create "$b" "/dev/cimrepl/$b" &&
			"$tool" lun export "$tpg" "$b" || return 1
	done
}
export_all >"$tmp/lio.out" 2>&1
if vs_sd=$(lio_wait_disk "$volS") && va_sd=$(lio_wait_disk "$volA") &&
   ms_sd=$(lio_wait_disk "$mirS") && ma_sd=$(lio_wait_disk "$mirA"); then
	ktap_print_msg "sources /dev/$vs_sd /dev/$va_sd, mirrors /dev/$ms_sd /dev/$ma_sd"
	ktap_ok export_luns
else
	ktap_print_msg "$(cat "$tmp/lio.out")"
	ktap_fail export_luns "no disk for a backstore"
	ktap_bail_out "no LUNs"
fi

# ------------------------------------------------ a) the initial copies

# 3. Both reach Synchronized; each mirror's LUN reads its source's.
why=
wait_state "$mirS" 4 || why="$why; $mirS is not Synchronized: $(state "$mirS")"
wait_state "$mirA" 4 || why="$why; $mirA is not Synchronized: $(state "$mirA")"
wait_caught_up "$mirA" || why="$why; $mirA has a backlog"
[ "$(sum_dev "/dev/$ms_sd")" = "$(sum_dev "/dev/$vs_sd")" ] ||
	why="$why; the synchronous mirror's LUN differs from its source's"
[ "$(sum_dev "/dev/$ma_sd")" = "$(sum_dev "/dev/$va_sd")" ] ||
	why="$why; the asynchronous mirror's LUN differs from its source's"
ktap_result a_initial_copies_equal_the_sources "$([ -z "$why" ]; echo $?)" "${why#; }"

# ----------------------------------------------- b) fio while mirrored

# 4. fio with CRC32C verification on both source LUNs at once; the
# mirrors stay Synchronized.
if ktap_run b_fio_verify_on_both_sources_while_mirrored \
	fio --direct=1 --ioengine=psync --rw=randwrite --bs=4k --size=4M \
	--verify=crc32c --do_verify=1 --verify_fatal=1 --minimal \
	--name=sync --filename="/dev/$vs_sd" \
	--name=async --filename="/dev/$va_sd"; then
	st="$(state "$mirS") $(state "$mirA")"
	[ "$st" = "4 4" ] || ktap_print_msg "after fio: CopyStates $st"
fi

# 5. The synchronous mirror's LUN has every write, without waiting.
if [ "$(sum_dev "/dev/$ms_sd")" = "$(sum_dev "/dev/$vs_sd")" ] &&
   [ "$(state "$mirS")" = 4 ]; then
	ktap_ok b_sync_mirror_lun_equals_source_at_once
else
	ktap_fail b_sync_mirror_lun_equals_source_at_once "CopyState $(state "$mirS")"
fi

# 6. The asynchronous one's, once its backlog is empty.
if wait_caught_up "$mirA" &&
   [ "$(sum_dev "/dev/$ma_sd")" = "$(sum_dev "/dev/$va_sd")" ] &&
   [ "$(state "$mirA")" = 4 ]; then
	ktap_ok b_async_mirror_lun_equals_source_once_caught_up
else
	ktap_fail b_async_mirror_lun_equals_source_once_caught_up \
		"CopyState $(state "$mirA"), $(sync_json "$mirA" | jq -c '{backlog, lag_ms}')"
fi

# ------------------------------------------------ c) fracture, resync

# 7. One request fractures both; each mirror LUN still reads its source
# exactly; later writes to the sources do not reach them.
"$ctl" kernel sync modify --operation fracture "$mirS" "$mirA" >"$tmp/out" 2>&1
rc=$?
why=
[ "$rc" = 0 ] || why="exit $rc: $(cat "$tmp/out")"
st="$(state "$mirS") $(state "$mirA")"
[ "$st" = "6 6" ] || why="$why; CopyStates $st"
ms_sum=$(sum_dev "/dev/$ms_sd")
ma_sum=$(sum_dev "/dev/$ma_sd")
[ "$ms_sum" = "$(sum_dev "/dev/$vs_sd")" ] || why="$why; $mirS differs from its source"
[ "$ma_sum" = "$(sum_dev "/dev/$va_sd")" ] || why="$why; $mirA differs from its source"
dd if=/dev/urandom of="$tmp/W" bs=1M count=1 status=none
for sd in "$vs_sd" "$va_sd"; do
	dd if="$tmp/W" of="/dev/$sd" bs=1M seek=2 oflag=direct conv=fsync \
		status=none || why="$why; cannot write /dev/$sd"
done
[ "$(sum_dev "/dev/$ms_sd")" = "$ms_sum" ] || why="$why; $mirS changed"
[ "$(sum_dev "/dev/$ma_sd")" = "$ma_sum" ] || why="$why; $mirA changed"
ktap_result c_fractured_mirror_luns_hold_the_source "$([ -z "$why" ]; echo $?)" "${why#; }"

# 8. The fractured mirrors' LUNs are writable; their sources do not see it.
dd if=/dev/urandom of="$tmp/T" bs=1M count=1 status=none
vs_sum=$(sum_dev "/dev/$vs_sd")
why=
for sd in "$ms_sd" "$ma_sd"; do
	dd if="$tmp/T" of="/dev/$sd" bs=1M seek=5 oflag=direct conv=fsync \
		status=none || why="$why; cannot write /dev/$sd"
	[ "$(sum_dev "/dev/$sd" 1 5)" = "$(sha1sum <"$tmp/T" | cut -d' ' -f1)" ] ||
		why="$why; /dev/$sd does not read it back"
done
[ "$(sum_dev "/dev/$vs_sd")" = "$vs_sum" ] || why="$why; the source changed"
ktap_result c_fractured_mirror_luns_are_writable "$([ -z "$why" ]; echo $?)" "${why#; }"

# 9. Resync copies what was logged - 1 MiB written on each side, in
# regions of the sync's chunk size - and the LUNs read their sources.
"$ctl" kernel sync modify --operation resync "$mirS" "$mirA" >"$tmp/out" 2>&1
rc=$?
why=
[ "$rc" = 0 ] || why="exit $rc: $(cat "$tmp/out")"
wait_state "$mirS" 4 || why="$why; $mirS: CopyState $(state "$mirS")"
wait_state "$mirA" 4 || why="$why; $mirA: CopyState $(state "$mirA")"
wait_caught_up "$mirA" || why="$why; $mirA has a backlog"
for n in "$mirS" "$mirA"; do
	sync_json "$n" >"$tmp/sync.json"
	ktap_print_msg "$(jq -c '{chunk_size, chunks_done, chunks_total}' "$tmp/sync.json")"
	chunk=$(jq '.chunk_size // 0' "$tmp/sync.json")
	want=$((2 * 1048576 / (chunk > 0 ? chunk : 1)))
	[ "$(jq .chunks_total "$tmp/sync.json")" = "$want" ] ||
		why="$why; $n copied $(jq .chunks_total "$tmp/sync.json") regions, want $want"
done
[ "$(sum_dev "/dev/$ms_sd")" = "$(sum_dev "/dev/$vs_sd")" ] ||
	why="$why; $mirS differs from its source"
[ "$(sum_dev "/dev/$ma_sd")" = "$(sum_dev "/dev/$va_sd")" ] ||
	why="$why; $mirA differs from its source"
ktap_result c_resync_copies_the_logged_regions "$([ -z "$why" ]; echo $?)" "${why#; }"

# ---------------------------------------------------- d) write order

# stamped_run OFFSET_MIB OPERATION - stamped writes at OFFSET_MIB of the
# asynchronous source's LUN; OPERATION on the mirror once 200 are
# acknowledged; stopped 200 after it returned. Sets lo (acknowledged
# before the operation), hi (acknowledged when it returned), last (all).
stamped_run()
{
	rm -f "$tmp/stop" "$tmp/writer.out"
	"$seqwriter" write "/dev/$va_sd" "$1" "$tmp/stop" >"$tmp/writer.out" 2>&1 &
	writer=$!
	wait_acked "$tmp/writer.out" 200
	lo=$(acked "$tmp/writer.out")
	backlog=$(sync_json "$mirA" | jq .backlog)
	"$ctl" kernel sync modify --operation "$2" "$mirA" >"$tmp/out" 2>&1
	op_rc=$?
	hi=$(acked "$tmp/writer.out")
	wait_acked "$tmp/writer.out" $((hi + 200))
	touch "$tmp/stop"
	wait "$writer"
	writer_rc=$?
	writer=
	last=$(acked "$tmp/writer.out")
	ktap_print_msg "$2 after $lo writes (backlog $backlog bytes), returned at $hi; $last in all"
}

# 10. Split mid-stream: the mirror holds exactly the history up to some
# write S, lo <= S <= hi + 16 (the writer reports every 16th), and
# the source the whole history.
"$ctl" kernel sync set "$mirA" --max-lag 1000 >"$tmp/out" 2>&1 ||
	ktap_print_msg "sync set --max-lag: $(cat "$tmp/out")"
zero_area "$va_sd" 4 && wait_caught_up "$mirA"
stamped_run 4 split
why=
[ "$op_rc" = 0 ] || why="split exit $op_rc: $(cat "$tmp/out")"
[ -z "$delayed" ] || [ "${backlog:-0}" -gt 0 ] ||
	why="$why; no backlog at the split under dm-delay: nothing was proved"
[ "$writer_rc" = 0 ] || why="$why; writer: $(tail -n 1 "$tmp/writer.out")"
[ "$(state "$mirA")" = 7 ] || why="$why; CopyState $(state "$mirA")"
"$seqwriter" check "/dev/$ma_sd" 4 "$lo" $((hi + 16)) >"$tmp/check" 2>&1 ||
	why="$why; the mirror is not a prefix in [$lo, $((hi + 16))]"
ktap_print_msg "mirror: $(tr '\n' ' ' <"$tmp/check")"
"$seqwriter" check "/dev/$va_sd" 4 "$last" "$last" >"$tmp/check" 2>&1 ||
	why="$why; the source lacks acknowledged writes: $(tr '\n' ' ' <"$tmp/check")"
ktap_result d_split_mid_stream_leaves_a_prefix "$([ -z "$why" ]; echo $?)" "${why#; }"

# 11. After a resync, the same with a fracture: the target stops at once,
# at a write S <= hi + 16.
why=
"$ctl" kernel sync modify --operation resync "$mirA" >"$tmp/out" 2>&1 ||
	why="resync: $(cat "$tmp/out")"
wait_state "$mirA" 4 || why="$why; CopyState $(state "$mirA") after resync"
zero_area "$va_sd" 6 && wait_caught_up "$mirA"
stamped_run 6 fracture
[ "$op_rc" = 0 ] || why="$why; fracture exit $op_rc: $(cat "$tmp/out")"
[ "$writer_rc" = 0 ] || why="$why; writer: $(tail -n 1 "$tmp/writer.out")"
[ "$(state "$mirA")" = 6 ] || why="$why; CopyState $(state "$mirA")"
"$seqwriter" check "/dev/$ma_sd" 6 0 $((hi + 16)) >"$tmp/check" 2>&1 ||
	why="$why; the mirror is not a prefix in [0, $((hi + 16))]"
ktap_print_msg "mirror: $(tr '\n' ' ' <"$tmp/check")"
"$seqwriter" check "/dev/$va_sd" 6 "$last" "$last" >"$tmp/check" 2>&1 ||
	why="$why; the source lacks acknowledged writes: $(tr '\n' ' ' <"$tmp/check")"
ktap_result d_fracture_mid_stream_leaves_a_prefix "$([ -z "$why" ]; echo $?)" "${why#; }"

# 12. A resync brings it back to the source, byte for byte.
why=
"$ctl" kernel sync modify --operation resync "$mirA" >"$tmp/out" 2>&1 ||
	why="resync: $(cat "$tmp/out")"
wait_state "$mirA" 4 || why="$why; CopyState $(state "$mirA")"
wait_caught_up "$mirA" || why="$why; a backlog"
[ "$(sum_dev "/dev/$ma_sd")" = "$(sum_dev "/dev/$va_sd")" ] ||
	why="$why; the mirror's LUN differs from the source's"
ktap_result d_resync_after_the_stream_equals_the_source "$([ -z "$why" ]; echo $?)" "${why#; }"

# 13. Teardown leaves nothing behind.
teardown
left=
[ "$(syncs)" != "[]" ] && left="$left synchronizations"
[ "$(volumes)" != "[]" ] && left="$left volumes"
"$ctl" kernel pool show "$pool" >/dev/null 2>&1 && left="$left pool"
[ -d "$lio_cfs/loopback/$wwn" ] && left="$left target"
ls -d "$lio_cfs"/core/iblock_*/"$p"* >/dev/null 2>&1 && left="$left backstores"
ls /dev/cimrepl/"$p"* >/dev/null 2>&1 && left="$left devices"
losetup -j "$tmp/vs.img" | grep -q . && left="$left loops"
ktap_result teardown_leaves_nothing "$([ -z "$left" ]; echo $?)" "left:$left"
ktap_print_msg "mirror_lio_test took $(($(date +%s) - t_start)) s"

ktap_finished
