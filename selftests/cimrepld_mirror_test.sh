#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cimrepld_mirror_test.sh - mirrors (SyncType 6) of LIO LUNs made through
# cimrepld, every data check made on what the initiator reads:
#
#   - cimreplctl replica create --sync-type mirror --mode sync: 4096 and a
#     job that completes (or 0 when the copy was done at once); sync show
#     says Mirror, Synchronous, CopyType Sync, Synchronized, 100%;
#   - --mode async onto a given target (TargetElements, a free backstore):
#     the target keeps its DeviceID; sync list says Asynchronous;
#   - wbemcli CreateElementReplica SyncType 6 WaitForCopyState 4 over TCP:
#     0, and the CIM_StorageSynchronized instance wbemcli reads;
#   - writes through the source LUNs reach the mirrors: after a Fracture
#     (sync) or Split (async), made over netlink with `cimreplctl kernel sync
#     modify` while the daemon has no ModifyListSynchronization, each
#     mirror's own LUN reads what its source LUN was given;
#   - a daemon restart keeps the mirrors, and the store has their Modes;
#   - bad input changes nothing: Mode 4 (Adaptive) is 1, a TargetElement
#     smaller than its source is 5, WaitForCopyState 6 is 1.
#
# Run as root inside the test VM:
#	scripts/vm-run --kernel 6.1 -- selftests/run.sh cimrepld_mirror_test.sh
#
# Block devices are compared with O_DIRECT reads: a buffered read of a
# device whose data changed below it can return stale page-cache data.
#
# No "set -e": a failing check is a test result, not the end of the script.

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

rnd=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
p="cm$rnd"				# prefix of every name
. "$(dirname "$0")/cimrepld_lib.sh"
span=4					# MiB of each source
tg="${p}tg"				# a free plain backstore, $span MiB
sm="${p}sm"				# a smaller plain backstore, $span / 2 MiB

ktap_require_cmd wbemcli openssl jq dd sha1sum losetup truncate sqlite3
crl_require 6
crl_init
daemon_args="--listen 127.0.0.1:$port --credentials $tmp/passwd"

# state FILE - what refused requests must not change.
state()
{
	{
		"$ctl" kernel sync list
		"$ctl" --json volume list | jq -S 'map(del(.flushes, .fua_writes))'
		C --json sync list
		"$tool" block list | sort
		find "$lio_cfs/loopback" -maxdepth 5 -name "lun_*" | sort
		ls /dev/cimrepl
	} >"$1" 2>&1
}

ktap_plan 12

# 1. Three volumes holding random data (a source has at most one mirror),
# their backstores exported as LUNs, a free and a smaller plain backstore,
# the daemon exporting every replica it makes on the same target.
setup_storage()
{
	for i in 0 1 2; do
		dd if=/dev/urandom of="$tmp/m$i" bs=1M count=$span status=none &&
		l=$(new_loop "$tmp/v$i.img" $span) && loops="$loops $l" &&
		dd if="$tmp/m$i" of="$l" bs=1M oflag=direct status=none &&
		"$ctl" volume create "${p}v$i" --backing "$l" &&
		"$tool" block create "${p}s$i" "/dev/cimrepl/${p}v$i" || return 1
	done
	ltg=$(new_loop "$tmp/tg.img" $span) && loops="$loops $ltg" &&
	lsm=$(new_loop "$tmp/sm.img" $((span / 2))) && loops="$loops $lsm" &&
	"$tool" block create "$tg" "$ltg" &&
	"$tool" block create "$sm" "$lsm" &&
	wwn=$(lio_new_wwn) && tpg=$("$tool" loopback create "$wwn")
}

why=
setup_storage >"$tmp/out" 2>&1 ||
	why="volumes and backstores: $(tail -n 3 "$tmp/out")"
sd0=
sd1=
if [ -z "$why" ]; then
	{ "$tool" lun export "$tpg" "${p}s0" && "$tool" lun export "$tpg" "${p}s1"; } \
		>"$tmp/out" 2>&1 && sd0=$(lio_wait_disk "${p}s0") &&
		sd1=$(lio_wait_disk "${p}s1") ||
		why="no LUN for the sources: $(cat "$tmp/out")"
fi
# (the daemon exports every replica it makes on the same target)
daemon_args="$daemon_args --export-tpg $tpg"
crl_passwd
[ -z "$why" ] && ! daemon_start &&
	why="cimrepld does not answer: $(tail -n 5 "$tmp/daemon.log")"
if [ -z "$why" ]; then
	ktap_print_msg "sources /dev/$sd0 /dev/$sd1, daemon pid $dpid"
	ktap_ok setup_volumes_luns_daemon
else
	ktap_fail setup_volumes_luns_daemon "$why"
	ktap_bail_out "no setup"
fi

# 2. A synchronous mirror through cimreplctl: a job that completes (or 0
# when the first copy was done before the daemon looked).
C --json replica create --sync-type mirror --mode sync --source "${p}s0" \
	--name "${p}m0" >"$tmp/m0.json" 2>"$tmp/err"
rc=$?
m0=$(jq -r '.targets[0] // empty' "$tmp/m0.json" 2>/dev/null)
job=$(jq -r '.job // empty' "$tmp/m0.json" 2>/dev/null)
why=
if [ $rc -ne 0 ] || [ "$m0" != "${p}m0" ]; then
	why="exit $rc: $(cat "$tmp/m0.json" "$tmp/err")"
elif [ "$(jq .return_code "$tmp/m0.json")" = 4096 ] && [ -n "$job" ]; then
	ktap_print_msg "job $job"
	C --json job wait "$job" --timeout 120 >"$tmp/wait.json" 2>"$tmp/err"
	jq -e '.job_state.value == 7 and .percent_complete == 100 and .operational_status == [2, 17]' \
		"$tmp/wait.json" >/dev/null 2>&1 ||
		why="job: $(cat "$tmp/wait.json" "$tmp/err")"
elif [ "$(jq .return_code "$tmp/m0.json")" != 0 ]; then
	why="return code $(jq .return_code "$tmp/m0.json")"
fi
ktap_result sync_mirror_job_completes "$([ -z "$why" ]; echo $?)" "$why"

# 3. sync show: Mirror, Synchronous (CopyType Sync), Synchronized, 100%.
C sync show "${p}m0" >"$tmp/show" 2>&1
C --json sync show "${p}m0" >"$tmp/show.json" 2>&1
if jq -e '.sync_type.value == 6 and .mode.value == 2 and .copy_type.value == 3 and .copy_state.value == 4 and .percent_synced == 100' \
	"$tmp/show.json" >/dev/null 2>&1 &&
   grep -q "^SyncType *Mirror" "$tmp/show" &&
   grep -q "^Mode *Synchronous" "$tmp/show" &&
   grep -q "^CopyType *Sync$" "$tmp/show"; then
	ktap_ok sync_show_synchronous_mirror
else
	ktap_fail sync_show_synchronous_mirror "$(cat "$tmp/show" "$tmp/show.json")"
fi

# 4. An asynchronous mirror onto a given target, waited for: 0, the target
# keeps its DeviceID, sync list says Mirror Asynchronous Synchronized.
C --json replica create --sync-type mirror --mode async --source "${p}s1" \
	--target "$tg" --wait-for synchronized >"$tmp/m1.json" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(jq .return_code "$tmp/m1.json")" = 0 ] &&
   [ "$(jq -r '.targets[0]' "$tmp/m1.json")" = "$tg" ] &&
   C sync list | grep -Eq "^${p}s1 +$tg +Mirror +Asynchronous +Synchronized " &&
   C --json sync show "$tg" | jq -e '.copy_type.name == "Async"' >/dev/null; then
	ktap_ok async_mirror_onto_given_target
else
	ktap_fail async_mirror_onto_given_target \
		"exit $rc: $(cat "$tmp/m1.json" "$tmp/err"; C sync list 2>&1)"
fi

# 5. wbemcli CreateElementReplica SyncType 6, WaitForCopyState 4, over TCP:
# 0, and its CIM_StorageSynchronized as wbemcli reads it.
cm "CreateElementReplica.SyncType=6,WaitForCopyState=4,ElementName=\"${p}w\",SourceElement=$(vref "${p}s2")"
wbemcli -nl ei "$U:CIM_StorageSynchronized" >"$tmp/syncs" 2>&1
awk -v t="DeviceID=\"${p}w\"" 'index($0, t) && !/^-/ { on = 1; next }
	/^$/ { on = 0 } on' "$tmp/syncs" >"$tmp/sync_w"
if [ "$rv" = 0 ] && ! grep -q 'Job (reference)' "$tmp/cm" &&
   grep -qx -- '-SyncType=6' "$tmp/sync_w" &&
   grep -qx -- '-Mode=2' "$tmp/sync_w" &&
   grep -qx -- '-CopyType=3' "$tmp/sync_w" &&
   grep -qx -- '-CopyState=4' "$tmp/sync_w" &&
   grep -qx -- '-PercentSynced=100' "$tmp/sync_w"; then
	ktap_ok wbemcli_create_element_replica_mirror
else
	ktap_print_msg "$(cat "$tmp/cm" "$tmp/syncs")"
	ktap_fail wbemcli_create_element_replica_mirror "return value '$rv'"
fi

# 6. Writes through the source LUN reach the synchronous mirror: after a
# Fracture (ModifyListSynchronization 12, through the service) its own LUN
# reads them, and shows CopyState Fractured.
dd if=/dev/urandom of="$tmp/B" bs=1M count=1 status=none
write_at "/dev/$sd0" "$tmp/B" 1 "$tmp/m0"
n0=$(kname "${p}m0")
why=
if [ -z "$n0" ] ||
   ! C sync modify --operation fracture "${p}m0" >"$tmp/out" 2>&1; then
	why="fracture of '$n0': $(cat "$tmp/out")"
elif ! C --json sync show "${p}m0" | jq -e '.copy_state.name == "Fractured"' >/dev/null; then
	why="not Fractured: $(C sync show "${p}m0" 2>&1)"
elif ! sdm0=$(lio_wait_disk "${p}m0"); then
	why="no LUN for ${p}m0"
elif [ "$(sum_dev "/dev/$sdm0")" != "$(sum_file "$tmp/m0")" ]; then
	why="the mirror's LUN differs from what its source LUN was given"
fi
ktap_result sync_mirror_lun_has_writes_after_fracture "$([ -z "$why" ]; echo $?)" "$why"

# 7. The same for the asynchronous mirror, split (21, through the service:
# the target first gets every write acknowledged before): its LUN reads its
# source's data.
write_at "/dev/$sd1" "$tmp/B" 2 "$tmp/m1"
n1=$(kname "$tg")
why=
if [ -z "$n1" ] ||
   ! C sync modify --operation split "$tg" >"$tmp/out" 2>&1; then
	why="split of '$n1': $(cat "$tmp/out")"
elif ! sdtg=$(lio_wait_disk "$tg"); then
	why="no LUN for $tg"
elif [ "$(sum_dev "/dev/$sdtg")" != "$(sum_file "$tmp/m1")" ]; then
	why="the mirror's LUN differs from what its source LUN was given"
elif [ "$(sum_dev "/dev/$sd1")" != "$(sum_file "$tmp/m1")" ]; then
	why="the source LUN differs from what it was given"
fi
ktap_result async_mirror_lun_has_writes_after_split "$([ -z "$why" ]; echo $?)" "$why"

# 8. A daemon restart keeps the three mirrors (the kernel still has them),
# and the store recorded each one's Mode.
kill -TERM "$dpid" 2>/dev/null
{ wait "$dpid"; } 2>/dev/null
dpid=
why=
if ! daemon_start; then
	why="cimrepld does not come back: $(tail -n 5 "$tmp/daemon.log")"
elif ! C --json sync list | jq -e --arg p "$p" \
	'[.[] | select((.source | startswith($p)) and .sync_type.value == 6)] | length == 3' \
	>/dev/null; then
	why="not three mirrors: $(C sync list 2>&1)"
else
	sqlite3 "$tmp/state/cimrepld.db" \
		"SELECT target_backstore, mode FROM replicas WHERE sync_type = 6 ORDER BY target_backstore" \
		>"$tmp/modes" 2>&1
	printf '%s|2\n%s|3\n%s|2\n' "${p}m0" "$tg" "${p}w" | cmp -s - "$tmp/modes" ||
		why="recorded modes: $(cat "$tmp/modes")"
fi
ktap_result restart_keeps_mirrors_and_modes "$([ -z "$why" ]; echo $?)" "$why"

# 9-12. Refusals: their return codes, and nothing changes.
state "$tmp/before"

# 9. Mode 4 (Adaptive): 1 Not Supported, one line, exit 1.
C replica create --sync-type mirror --mode adaptive --source "${p}s2" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
   grep -q "returned 1 (Not Supported): Mode 4" "$tmp/err"; then
	ktap_ok mode_adaptive_is_not_supported
else
	ktap_fail mode_adaptive_is_not_supported "exit $rc: $(cat "$tmp/err")"
fi

# 10. A TargetElement smaller than its source: 5 Invalid Parameter.
cm "CreateElementReplica.SyncType=6,SourceElement=$(vref "${p}s2"),TargetElement=$(vref "$sm")"
if [ "$rv" = 5 ] && grep -q "smaller than its source" "$tmp/cm"; then
	ktap_ok smaller_target_is_invalid_parameter
else
	ktap_print_msg "$(cat "$tmp/cm")"
	ktap_fail smaller_target_is_invalid_parameter "return value '$rv'"
fi

# 11. WaitForCopyState 6 (Fractured) at creation: 1 Not Supported.
cm "CreateElementReplica.SyncType=6,WaitForCopyState=6,SourceElement=$(vref "${p}s2")"
if [ "$rv" = 1 ] && grep -q "WaitForCopyState 6" "$tmp/cm"; then
	ktap_ok wait_for_fractured_is_not_supported
else
	ktap_print_msg "$(cat "$tmp/cm")"
	ktap_fail wait_for_fractured_is_not_supported "return value '$rv'"
fi

# 12. None of them changed the kernel, LIO, or the daemon's view.
state "$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
	ktap_ok refusals_change_nothing
else
	ktap_fail refusals_change_nothing "$(diff "$tmp/before" "$tmp/after")"
fi

ktap_finished
