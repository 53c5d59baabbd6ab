#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cimreplctl_daemon_test.sh - cimreplctl as the CIM-XML client of cimrepld
# over its UNIX socket: replica create (CreateListReplica) of a snapshot and
# of a clone waited for, a clone job followed with `job wait`, the
# storage/sync/job/pool listings as tables and as --json read with jq, and
# bad input: an unknown source (return code 5 and its description, exit 1),
# a usage error (exit 2), no daemon (one line, exit 1). The daemon runs
# with --export-tpg: every replica it makes is a LUN of a tcm_loop target,
# whose disk reports the NAA the volume's Name says.
#
# Run as root inside the test VM:
#	scripts/vm-run --kernel 6.1 -- selftests/run.sh cimreplctl_daemon_test.sh
#
# No "set -e": a failing check is a test result, not the end of the script.

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

rnd=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
p="cc$rnd"			# prefix of every name
. "$(dirname "$0")/cimrepld_lib.sh"
vol="${p}v0"			# the cimrepl volume
src="${p}s0"			# its backstore: the source

ktap_require_cmd jq dd losetup truncate sg_inq
crl_require 7 8
crl_init
daemon_args="--no-tcp"

ktap_plan 13

# 1. A volume over a loop device, its LIO backstore, the daemon.
{
	l0=$(new_loop "$tmp/v0.img" 16) && loops="$l0" &&
	dd if=/dev/urandom of="$l0" bs=1M count=16 oflag=direct status=none &&
	"$ctl" kernel volume create "$vol" --backing "$l0" &&
	"$tool" block create "$src" "/dev/cimrepl/$vol" &&
	tpg=$("$tool" loopback create) &&
	daemon_start --export-tpg "$tpg"
} >"$tmp/out" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	cat "$tmp/daemon.log" >>"$tmp/out" 2>/dev/null
	ktap_fail "setup: volume, backstore, cimrepld on $sock" "$(cat "$tmp/out")"
	ktap_finished
	exit
fi
ktap_ok "setup: volume, backstore, cimrepld on a socket of its own"

# 2. storage list: the source, as a table and as JSON.
if C storage list | grep -q "^$src " &&
   [ "$(C --json storage list | jq -r --arg s "$src" '.[] | select(.device_id == $s) | .size')" = $((16 << 20)) ] &&
   C --json storage show "$src" | jq -e '.name | length > 0' >/dev/null; then
	ktap_ok "storage list/show: the source's DeviceID, size and NAA Name"
else
	ktap_fail "storage list/show: the source's DeviceID, size and NAA Name" \
		"$(C storage list 2>&1)"
fi

# 3. replica create --sync-type snapshot: return code 0, the new volume.
C --json replica create --sync-type snapshot --source "$src" \
	--name "${p}snap" >"$tmp/snap.json" 2>"$tmp/err"
rc=$?
snap=$(jq -r '.targets[0] // empty' "$tmp/snap.json" 2>/dev/null)
if [ $rc -eq 0 ] && [ "$(jq .return_code "$tmp/snap.json")" = 0 ] &&
   [ -n "$snap" ] && C storage show "$snap" >/dev/null 2>&1; then
	ktap_ok "replica create --sync-type snapshot returns 0 and the new volume"
else
	ktap_fail "replica create --sync-type snapshot returns 0 and the new volume" \
		"exit $rc: $(cat "$tmp/snap.json" "$tmp/err")"
fi

# 3b. The daemon exported the snapshot (--export-tpg): a LUN of the tcm_loop
# target, whose SCSI disk reports the NAA the volume's Name says.
if [ -n "$snap" ] && "$tool" lun list "$snap" | grep -q "^$tpg " &&
   disk=$(lio_wait_disk "$snap") &&
   naa=$(C --json storage show "$snap" | jq -r .name) && [ -n "$naa" ] &&
   sg_inq -p 0x83 "/dev/$disk" | grep -qi "0x$naa"; then
	ktap_ok "--export-tpg: the new volume is a LUN whose VPD 0x83 NAA is its Name"
else
	ktap_fail "--export-tpg: the new volume is a LUN whose VPD 0x83 NAA is its Name" \
		"$("$tool" lun list "$snap" 2>&1; ls /sys/class/scsi_disk 2>&1)"
fi

# 4. replica create --sync-type clone --wait-for synchronized: 0, no job.
C --json replica create --sync-type clone --source "$src" --name "${p}cl1" \
	--wait-for synchronized --setting DesiredCopyMethodology=3 \
	>"$tmp/clone.json" 2>"$tmp/err"
rc=$?
clone=$(jq -r '.targets[0] // empty' "$tmp/clone.json" 2>/dev/null)
if [ $rc -eq 0 ] && [ "$(jq .return_code "$tmp/clone.json")" = 0 ] &&
   [ "$(jq -r .job "$tmp/clone.json")" = null ] && [ -n "$clone" ]; then
	ktap_ok "replica create --sync-type clone --wait-for synchronized returns 0"
else
	ktap_fail "replica create --sync-type clone --wait-for synchronized returns 0" \
		"exit $rc: $(cat "$tmp/clone.json" "$tmp/err")"
fi

# 5. sync list/show: both synchronizations, names from the value maps.
C --json sync list >"$tmp/syncs.json" 2>"$tmp/err"
if jq -e --arg s "$src" --arg t "$snap" \
	'[.[] | select(.source == $s and .target == $t and .sync_type.name == "Snapshot")] | length == 1' \
	"$tmp/syncs.json" >/dev/null 2>&1 &&
   jq -e --arg s "$src" --arg t "$clone" \
	'[.[] | select(.source == $s and .target == $t and .sync_type.value == 8 and .copy_state.name == "Synchronized" and .percent_synced == 100)] | length == 1' \
	"$tmp/syncs.json" >/dev/null 2>&1 &&
   C sync list | grep -Eq "^$src +$clone +Clone +Synchronous +Synchronized " &&
   C sync show "$clone" | grep -q "^CopyState *Synchronized"; then
	ktap_ok "sync list/show: the snapshot and the synchronized clone"
else
	ktap_fail "sync list/show: the snapshot and the synchronized clone" \
		"$(cat "$tmp/syncs.json" "$tmp/err"; C sync list 2>&1)"
fi

# 6. A clone without --wait-for: 4096 and a job, which job wait follows
# to JobState 7. The module's default throttle keeps the copy running past
# the return (16 MiB unthrottled can be done before the daemon answers:
# then 0 and no job, as the standard says); lifted right after.
"$ctl" kernel sync set --throttle 1024 && module_throttle=1
C --json replica create --sync-type clone --mode sync --source "$src" \
	--name "${p}cl2" >"$tmp/job.json" 2>"$tmp/err"
rc=$?
"$ctl" kernel sync set --throttle 0 && module_throttle=
job=$(jq -r '.job // empty' "$tmp/job.json" 2>/dev/null)
if [ $rc -eq 0 ] && [ "$(jq .return_code "$tmp/job.json")" = 4096 ] &&
   [ -n "$job" ]; then
	ktap_ok "replica create --sync-type clone returns 4096 and job $job"
else
	ktap_fail "replica create --sync-type clone returns 4096 and a job" \
		"exit $rc: $(cat "$tmp/job.json" "$tmp/err")"
fi

# 7. job wait: exit 0 at JobState 7 with OperationalStatus 2,17.
C --json job wait "${job:-0}" --timeout 300 >"$tmp/wait.json" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] &&
   jq -e '.job_state.value == 7 and .percent_complete == 100 and .operational_status == [2, 17]' \
	"$tmp/wait.json" >/dev/null 2>&1; then
	ktap_ok "job wait: the job completes (JobState 7, OperationalStatus 2,17)"
else
	ktap_fail "job wait: the job completes" \
		"exit $rc: $(cat "$tmp/wait.json" "$tmp/err")"
fi

# 8. job list / show.
if C --json job list | jq -e --arg j "$job" \
	'[.[] | select(.id == $j and .job_state.name == "Completed")] | length == 1' \
	>/dev/null 2>&1 &&
   C job list | grep -Eq "^$job +CreateListReplica +Completed " &&
   C job show "cimrepl:job:$job" | grep -q "^JobState *Completed"; then
	ktap_ok "job list/show: the completed job"
else
	ktap_fail "job list/show: the completed job" "$(C job list 2>&1)"
fi

# 9. pool list: the daemon's default pool.
if C --json pool list | jq -e '[.[] | select(.name == "default" and .instance_id == "cimrepl:pool:default")] | length == 1' \
	>/dev/null 2>&1; then
	ktap_ok "pool list: the default pool"
else
	ktap_fail "pool list: the default pool" "$(C pool list 2>&1)"
fi

# 10. An unknown source: exit 1, return code 5 and its description.
C replica create --sync-type snapshot --source "${p}nosuch" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
   grep -q "returned 5 (Invalid Parameter): .*${p}nosuch" "$tmp/err"; then
	ktap_ok "unknown source: exit 1, return code 5 and the description"
else
	ktap_fail "unknown source: exit 1, return code 5 and the description" \
		"exit $rc: $(cat "$tmp/out" "$tmp/err")"
fi

# 11. A usage error: exit 2, nothing sent.
C replica create --sync-type nonsense --source "$src" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "unknown SyncType" "$tmp/err"; then
	ktap_ok "bad --sync-type: exit 2"
else
	ktap_fail "bad --sync-type: exit 2" "exit $rc: $(cat "$tmp/err")"
fi

# 12. No daemon behind the socket: one clear line, exit 1.
"$ctl" --socket "$tmp/nosuch.sock" sync list >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
   grep -q "cannot reach cimrepld" "$tmp/err"; then
	ktap_ok "no daemon: one line, exit 1"
else
	ktap_fail "no daemon: one line, exit 1" "exit $rc: $(cat "$tmp/err")"
fi

ktap_finished
