#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cimrepld_test.sh - cimrepld end to end, the way SAN management software
# uses it: a real WBEM client (sblim wbemcli) over TCP with HTTP Basic
# authentication, volumes exported through LIO as SCSI disks (tcm_loop),
# and every data check made on what the initiator reads.
#
#   a) CreateElementReplica SyncType 7 returns 0; the snapshot's own LUN
#      reads the point in time after the source LUN is overwritten, and the
#      replica's CIM_StorageVolume.Name is the NAA its LUN reports (VPD 0x83);
#   b) CreateListReplica of two sources (SyncType 8, reference arrays sent
#      by wbemcli) returns 4096 and a Job, which wbemcli polls to JobState 7,
#      PercentComplete 100, OperationalStatus 2,17; each clone's LUN reads
#      its source's point in time, whatever the sources get meanwhile;
#   c) WaitForCopyState 4 returns 0 with a Synchronized clone, onto a given
#      TargetElement that keeps its DeviceID and NAA;
#   d) a job survives SIGKILL of the daemon in the middle of a (throttled)
#      copy and completes after it; a SIGTERM restart shows the same
#      instances;
#   e) bad requests get their return code or CIM error and change nothing.
#
# Run as root inside the test VM:
#	scripts/vm-run --kernel 6.1 -- selftests/run.sh cimrepld_test.sh
#
# wbemcli 1.6 cannot read a method response with a reference array out
# parameter (VALUE.REFARRAY: it knows VALUE, VALUE.ARRAY and VALUE.REFERENCE
# only; Documentation/cimrepld.rst, "Client notes"), so CreateListReplica
# goes through `wbemcli cmx`, which sends the same request and prints the
# response's XML. Reference arrays on wbemcli's
# command line are split at the '.' before each class name: the host in
# them is "localhost" and no DeviceID here has a dot.
#
# LIO is driven through selftests/liotool (configfs, milliseconds) instead
# of targetcli (seconds per call under TCG); `targetcli ls` is compared
# once around the bad requests.
#
# No "set -e": a failing check is a test result, not the end of the script.
# Whatever the test created is removed on exit, also when it fails.

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

rnd=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
p="cd$rnd"				# prefix of every name (SCSI model <= 16)
. "$(dirname "$0")/cimrepld_lib.sh"
span=16					# MiB of each source
v0="${p}v0" v1="${p}v1"			# the cimrepl volumes
s0="${p}s0" s1="${p}s1"			# their backstores: the sources
fr="${p}fr"				# a free plain backstore, 16 MiB
pl="${p}pl"				# a plain backstore cloned onto (c)
sm="${p}sm"				# a smaller plain backstore, 8 MiB
ex="${p}ex"				# an exported plain backstore, 16 MiB

ktap_require_cmd wbemcli curl openssl sg_inq jq dd sha1sum losetup truncate
crl_require 7 8
crl_init
daemon_args="--listen 127.0.0.1:$port --credentials $tmp/passwd"

# ---------------------------------------------------------------- helpers

# state FILE - what the bad requests must not change: the volumes and
# synchronizations over CIM, the kernel's view, LIO's backstores and LUNs.
state()
{
	{
		echo "== CIM"
		wbemcli ein "$U:CIM_StorageVolume" | sort
		wbemcli ein "$U:CIM_StorageSynchronized" | sort
		wbemcli ein "$U:CIM_ConcreteJob" | sort
		echo "== kernel"
		"$ctl" kernel sync list
		"$ctl" --json volume list | jq -S 'map(del(.flushes, .fua_writes))'
		echo "== LIO"
		"$tool" block list | sort
		find "$lio_cfs/loopback" -maxdepth 5 -name "lun_*" | sort
		ls /dev/cimrepl | sort
	} >"$1" 2>&1
}

ktap_plan 32

# ------------------------------------------------------------------ setup

# 1. Two volumes over loop devices holding random data, their backstores,
# plain backstores (free, to clone onto, smaller, exported), the source
# LUNs, the daemon.
dd if=/dev/urandom of="$tmp/A0" bs=1M count=$span status=none
dd if=/dev/urandom of="$tmp/A1" bs=1M count=$span status=none
cp "$tmp/A0" "$tmp/m0"			# models of the sources
cp "$tmp/A1" "$tmp/m1"
why=
{
	l0=$(new_loop "$tmp/v0.img" $span) && loops="$l0" &&
	l1=$(new_loop "$tmp/v1.img" $span) && loops="$loops $l1" &&
	lfr=$(new_loop "$tmp/fr.img" $span) && loops="$loops $lfr" &&
	lpl=$(new_loop "$tmp/pl.img" $span) && loops="$loops $lpl" &&
	lsm=$(new_loop "$tmp/sm.img" $((span / 2))) && loops="$loops $lsm" &&
	lex=$(new_loop "$tmp/ex.img" $span) && loops="$loops $lex" &&
	dd if="$tmp/A0" of="$l0" bs=1M oflag=direct status=none &&
	dd if="$tmp/A1" of="$l1" bs=1M oflag=direct status=none &&
	"$ctl" volume create "$v0" --backing "$l0" &&
	"$ctl" volume create "$v1" --backing "$l1" &&
	"$tool" block create "$s0" "/dev/cimrepl/$v0" &&
	"$tool" block create "$s1" "/dev/cimrepl/$v1" &&
	"$tool" block create "$fr" "$lfr" &&
	"$tool" block create "$pl" "$lpl" &&
	"$tool" block create "$sm" "$lsm" &&
	"$tool" block create "$ex" "$lex" &&
	wwn=$(lio_new_wwn) && tpg=$("$tool" loopback create "$wwn")
} >"$tmp/out" 2>&1 || why="volumes and backstores: $(tail -n 3 "$tmp/out")"
sd0="" sd1=""
if [ -z "$why" ]; then
	sd0=$(export_lun "$s0") && sd1=$(export_lun "$s1") &&
		"$tool" lun export "$tpg" "$ex" >/dev/null ||
		why="no LUN for the sources: $(cat "$tmp/export.err")"
fi
if [ -z "$why" ]; then
	crl_passwd
	daemon_start || why="cimrepld does not answer: $(tail -n 5 "$tmp/daemon.log")"
fi
if [ -z "$why" ]; then
	ktap_print_msg "sources /dev/$sd0 /dev/$sd1, daemon pid $dpid"
	ktap_ok setup_volumes_luns_daemon
else
	ktap_fail setup_volumes_luns_daemon "$why"
	ktap_bail_out "no setup"
fi
pl_naa=$("$tool" block naa "$pl")

# 2. The sources are CIM_StorageVolumes whose Name is the NAA their LUN
# reports.
n0=$(vol_prop "$s0" Name)
if [ -n "$n0" ] && [ "$n0" = "$(sg_naa "$sd0")" ] &&
   [ "$(vol_prop "$s1" Name)" = "$(sg_naa "$sd1")" ]; then
	ktap_ok source_volume_names_are_lun_naa
else
	ktap_fail source_volume_names_are_lun_naa "Name $n0, LUN $(sg_naa "$sd0")"
fi

# --------------------------------------------------------- a) snapshot

# 3. CreateElementReplica SyncType 7 returns 0 and the new volume.
cm "CreateElementReplica.SyncType=7,ElementName=\"${p}sn\",SourceElement=$(vref "$s0")"
if [ "$rv" = 0 ] && grep -q "DeviceID=\"${p}sn\"" "$tmp/cm" &&
   ! grep -q 'Job (reference)' "$tmp/cm"; then
	ktap_ok a_snapshot_returns_0
else
	ktap_print_msg "$(cat "$tmp/cm")"
	ktap_fail a_snapshot_returns_0 "return value '$rv'"
fi
cp "$tmp/m0" "$tmp/pit_sn"

# 4. Its own LUN reads the point in time after the source LUN is
# overwritten; the source LUN reads what was written.
sdsn=$(export_lun "${p}sn")
dd if=/dev/urandom of="$tmp/B" bs=1M count=$span status=none
write_at "/dev/$sd0" "$tmp/B" 0 "$tmp/m0"
if [ -z "$sdsn" ]; then
	ktap_fail a_snapshot_lun_reads_point_in_time "no LUN: $(cat "$tmp/export.err")"
elif [ "$(sum_dev "/dev/$sdsn")" != "$(sum_file "$tmp/pit_sn")" ]; then
	ktap_fail a_snapshot_lun_reads_point_in_time "snapshot LUN differs"
elif [ "$(sum_dev "/dev/$sd0")" != "$(sum_file "$tmp/m0")" ]; then
	ktap_fail a_snapshot_lun_reads_point_in_time "source LUN differs"
else
	ktap_ok a_snapshot_lun_reads_point_in_time
fi

# 5. The replica's Name is the NAA its LUN reports.
nsn=$(vol_prop "${p}sn" Name)
lsn=$([ -n "$sdsn" ] && sg_naa "$sdsn")
if [ -n "$nsn" ] && [ "$nsn" = "$lsn" ]; then
	ktap_ok a_snapshot_name_is_lun_naa
else
	ktap_fail a_snapshot_name_is_lun_naa "Name '$nsn', VPD 0x83 '$lsn'"
fi

# ------------------------------------------------- b) list of clones

# 6. CreateListReplica of both sources (a throttle keeps the copy running
# past the return) answers 4096 with a Job and both targets.
"$ctl" kernel sync set --throttle 4096 && module_throttle=1
cp "$tmp/m0" "$tmp/pit_c0"
cp "$tmp/m1" "$tmp/pit_c1"
wbemcli cmx "$svc" "CreateListReplica.SyncType=8,ElementNames=\"${p}c0\",\"${p}c1\",SourceElements=$(vref "$s0"),$(vref "$s1")" \
	>"$tmp/cmx" 2>&1
rv=$(sed -n 's/.*<RETURNVALUE[^>]*><VALUE>\([0-9]*\)<.*/\1/p' "$tmp/cmx")
job=$(job_of "$tmp/cmx")
# the sources change while the clones copy
dd if=/dev/urandom of="$tmp/C" bs=1M count=4 status=none
write_at "/dev/$sd0" "$tmp/C" $((span / 2)) "$tmp/m0"
write_at "/dev/$sd1" "$tmp/C" $((span / 2)) "$tmp/m1"
"$ctl" kernel sync set --throttle 0 && module_throttle=
if [ "$rv" = 4096 ] && [ -n "$job" ] &&
   grep -q "<KEYVALUE VALUETYPE=\"string\">${p}c0<" "$tmp/cmx" &&
   grep -q "<KEYVALUE VALUETYPE=\"string\">${p}c1<" "$tmp/cmx"; then
	ktap_print_msg "job $job"
	ktap_ok b_list_clone_returns_4096_and_job
else
	ktap_print_msg "$(head -c 2000 "$tmp/cmx")"
	ktap_fail b_list_clone_returns_4096_and_job "return value '$rv', job '$job'"
fi

# 7. wbemcli polls the job to its end: JobState 7, PercentComplete 100,
# OperationalStatus 2,17.
if [ -z "$job" ]; then
	ktap_fail b_job_completes "no job"
elif ! job_wait "$job" 180; then
	ktap_print_msg "$(cat "$tmp/job")"
	ktap_fail b_job_completes "JobState $(job_prop JobState)"
elif [ "$(job_prop PercentComplete)" != 100 ] ||
     [ "$(job_prop OperationalStatus)" != 2,17 ]; then
	ktap_print_msg "$(cat "$tmp/job")"
	ktap_fail b_job_completes "PercentComplete $(job_prop PercentComplete), OperationalStatus $(job_prop OperationalStatus)"
else
	ktap_ok b_job_completes
fi

# 8. Each clone's LUN reads its source's point in time; the sources read
# what was written since.
why=
for i in 0 1; do
	sd=$(export_lun "${p}c$i") || { why="$why; no LUN for ${p}c$i"; continue; }
	[ "$(sum_dev "/dev/$sd")" = "$(sum_file "$tmp/pit_c$i")" ] ||
		why="$why; ${p}c$i differs from its point in time"
done
[ "$(sum_dev "/dev/$sd0")" = "$(sum_file "$tmp/m0")" ] &&
	[ "$(sum_dev "/dev/$sd1")" = "$(sum_file "$tmp/m1")" ] ||
	why="$why; a source LUN differs from what was written"
ktap_result b_clone_luns_read_point_in_time "$([ -z "$why" ]; echo $?)" "${why#; }"

# ---------------------------------- c) WaitForCopyState, TargetElement

# 9. WaitForCopyState 4 onto a given target: 0, no job, the target keeps
# its DeviceID.
cp "$tmp/m1" "$tmp/pit_pl"
cm "CreateElementReplica.SyncType=8,ElementName=\"${p}w\",WaitForCopyState=4,SourceElement=$(vref "$s1"),TargetElement=$(vref "$pl")"
if [ "$rv" = 0 ] && ! grep -q 'Job (reference)' "$tmp/cm" &&
   grep -q "SyncedElement=.*DeviceID=\"$pl\"" "$tmp/cm"; then
	ktap_ok c_wait_for_copy_state_returns_0
else
	ktap_print_msg "$(cat "$tmp/cm")"
	ktap_fail c_wait_for_copy_state_returns_0 "return value '$rv'"
fi

# 10. Its CIM_StorageSynchronized is Synchronized (CopyState 4,
# PercentSynced 100).
wbemcli -nl ei "$U:CIM_StorageSynchronized" >"$tmp/syncs" 2>&1
awk -v t="DeviceID=\"$pl\"" 'index($0, t) && !/^-/ { on = 1; next }
	/^$/ { on = 0 } on' "$tmp/syncs" >"$tmp/sync_pl"
if grep -qx -- '-CopyState=4' "$tmp/sync_pl" &&
   grep -qx -- '-PercentSynced=100' "$tmp/sync_pl" &&
   grep -qx -- '-SyncType=8' "$tmp/sync_pl"; then
	ktap_ok c_synchronization_is_synchronized
else
	ktap_print_msg "$(cat "$tmp/syncs")"
	ktap_fail c_synchronization_is_synchronized
fi

# 11. The target keeps its NAA; its LUN reads the point in time.
sdpl=$(export_lun "$pl")
if [ "$(vol_prop "$pl" Name)" != "$pl_naa" ]; then
	ktap_fail c_target_keeps_naa_and_reads_point_in_time "Name $(vol_prop "$pl" Name), was $pl_naa"
elif [ -z "$sdpl" ] || [ "$(sg_naa "$sdpl")" != "$pl_naa" ]; then
	ktap_fail c_target_keeps_naa_and_reads_point_in_time "no LUN with NAA $pl_naa"
elif [ "$(sum_dev "/dev/$sdpl")" != "$(sum_file "$tmp/pit_pl")" ]; then
	ktap_fail c_target_keeps_naa_and_reads_point_in_time "data differs"
else
	ktap_ok c_target_keeps_naa_and_reads_point_in_time
fi

# ------------------------------------------------------- d) restarts

# 12. A clone throttled to 512 KiB/s: 4096 and a running job.
"$ctl" kernel sync set --throttle 512 && module_throttle=1
cp "$tmp/m0" "$tmp/pit_r"
cm "CreateElementReplica.SyncType=8,ElementName=\"${p}r\",SourceElement=$(vref "$s0")"
rjob=$(job_of "$tmp/cm")
rname=$(kname "${p}r")
[ -n "$rname" ] && "$ctl" kernel sync set "$rname" --throttle 512
"$ctl" kernel sync set --throttle 0 && module_throttle=
job_get "$rjob"
if [ "$rv" = 4096 ] && [ -n "$rjob" ] && [ -n "$rname" ] &&
   [ "$(job_prop JobState)" = 4 ] && [ "$(job_prop PercentComplete)" -lt 100 ]; then
	ktap_print_msg "job $rjob, replica $rname, $(job_prop PercentComplete)%"
	ktap_ok d_throttled_clone_job_running
else
	ktap_print_msg "$(cat "$tmp/cm" "$tmp/job")"
	ktap_fail d_throttled_clone_job_running "return value '$rv', job '$rjob'"
fi

# 13. SIGKILL in the middle of the copy; the restarted daemon has the same
# job, still running.
daemon_stop KILL
daemon_start
job_get "$rjob"
if [ -n "$dpid" ] && [ "$(job_prop InstanceID)" = "$rjob" ] &&
   [ "$(job_prop JobState)" = 4 ]; then
	ktap_ok d_job_survives_sigkill
else
	ktap_print_msg "$(cat "$tmp/job")"
	ktap_print_msg "$(tail -n 5 "$tmp/daemon.log")"
	ktap_fail d_job_survives_sigkill "JobState '$(job_prop JobState)'"
fi

# 14. Unthrottled, the job completes; the clone's LUN reads its point in
# time.
[ -n "$rname" ] && "$ctl" kernel sync set "$rname" --throttle 0
if ! job_wait "$rjob" 180; then
	ktap_print_msg "$(cat "$tmp/job")"
	ktap_fail d_job_completes_after_restart "JobState '$(job_prop JobState)'"
elif [ "$(job_prop PercentComplete)" != 100 ] ||
     [ "$(job_prop OperationalStatus)" != 2,17 ]; then
	ktap_fail d_job_completes_after_restart "PercentComplete $(job_prop PercentComplete), OperationalStatus $(job_prop OperationalStatus)"
elif ! sdr=$(export_lun "${p}r"); then
	ktap_fail d_job_completes_after_restart "no LUN for ${p}r"
elif [ "$(sum_dev "/dev/$sdr")" != "$(sum_file "$tmp/pit_r")" ]; then
	ktap_fail d_job_completes_after_restart "clone LUN differs from its point in time"
else
	ktap_ok d_job_completes_after_restart
fi

# 15. A clean SIGTERM restart between calls: the same instances.
for c in CIM_ReplicationService CIM_ReplicationServiceCapabilities \
	 CIM_StorageVolume CIM_StoragePool CIM_StorageSynchronized \
	 CIM_ConcreteJob; do
	wbemcli ein "$U:$c" 2>&1 | sort
done >"$tmp/ein.before"
daemon_stop TERM
rc=$?
daemon_start
for c in CIM_ReplicationService CIM_ReplicationServiceCapabilities \
	 CIM_StorageVolume CIM_StoragePool CIM_StorageSynchronized \
	 CIM_ConcreteJob; do
	wbemcli ein "$U:$c" 2>&1 | sort
done >"$tmp/ein.after"
if [ "$rc" = 0 ] && [ -n "$dpid" ] && grep -q "DeviceID=\"${p}r\"" "$tmp/ein.before" &&
   cmp -s "$tmp/ein.before" "$tmp/ein.after"; then
	ktap_print_msg "$(wc -l <"$tmp/ein.after") instance names"
	ktap_ok d_sigterm_restart_same_instances
else
	ktap_print_msg "$(diff "$tmp/ein.before" "$tmp/ein.after")"
	ktap_fail d_sigterm_restart_same_instances "exit status $rc"
fi

# ------------------------------------------------- e) bad requests

state "$tmp/state.before"
# (the first targetcli of a guest warns that it has no preferences yet)
targetcli ls 2>&1 | grep -v "^Warning:" >"$tmp/tcli.before"

# bad NAME CHECK - test point NAME: CHECK (a command) passes and nothing
# changed.
bad()
{
	bad_name=$1
	shift
	if ! "$@"; then
		ktap_print_msg "$(head -c 1500 "$tmp/cm" 2>/dev/null)"
		ktap_fail "e_$bad_name" "$bad_why"
		# what it did, if anything, is not the next one's fault
		state "$tmp/state.before"
		return
	fi
	state "$tmp/state.after"
	if cmp -s "$tmp/state.before" "$tmp/state.after"; then
		ktap_ok "e_$bad_name"
	else
		ktap_print_msg "$(diff "$tmp/state.before" "$tmp/state.after")"
		ktap_fail "e_$bad_name" "something changed"
		mv "$tmp/state.after" "$tmp/state.before"
	fi
}

# rv_is PARAMS RC - wbemcli cm PARAMS returns RC with an ErrorDescription.
rv_is()
{
	cm "$1"
	bad_why="return value '$rv', want $2"
	[ "$rv" = "$2" ] && grep -q 'ErrorDescription (string): .' "$tmp/cm"
}

# cim_error_is CODE - the last wbemcli call failed with CIM error CODE.
cim_error_is()
{
	bad_why="want CIM error $1: $(tr '\n' ' ' <"$tmp/cm")"
	grep -q "wbemcli: Cim: ($1)" "$tmp/cm"
}

src0=$(vref "$s0")
pool_ref="localhost:$port/root/cimv2:CIM_StoragePool.InstanceID=\"cimrepl:pool:default\""
bad sync_type_99_is_5 rv_is "CreateElementReplica.SyncType=99,SourceElement=$src0" 5
bad sync_type_tokenized_clone_is_1 rv_is "CreateElementReplica.SyncType=9,SourceElement=$src0" 1
bad no_source_is_5 rv_is "CreateElementReplica.SyncType=7,ElementName=\"${p}x\"" 5
bad unknown_source_is_5 rv_is "CreateElementReplica.SyncType=7,SourceElement=$(vref "${p}nope")" 5
bad source_not_a_volume_is_5 rv_is "CreateElementReplica.SyncType=7,SourceElement=$(vref "$fr")" 5
bad snapshot_with_target_is_1 rv_is "CreateElementReplica.SyncType=7,SourceElement=$src0,TargetElement=$(vref "$fr")" 1
bad target_exported_is_6 rv_is "CreateElementReplica.SyncType=8,SourceElement=$src0,TargetElement=$(vref "$ex")" 6
bad target_smaller_is_5 rv_is "CreateElementReplica.SyncType=8,SourceElement=$src0,TargetElement=$(vref "$sm")" 5
# (TargetPool before the volumes: wbemcli ends a reference parameter only at
# a comma followed by another parameter's name)
bad target_and_pool_is_5 rv_is "CreateElementReplica.SyncType=8,TargetPool=$pool_ref,SourceElement=$src0,TargetElement=$(vref "$fr")" 5
bad source_access_point_is_1 rv_is "CreateElementReplica.SyncType=7,SourceAccessPoint=$src0,SourceElement=$src0" 1

# An unknown parameter name (wbemcli drops names the class does not
# declare: curl sends it) is CIM_ERR_INVALID_PARAMETER (4).
unknown_param()
{
	method_xml "$(svc_xml)" CreateElementReplica \
		"<PARAMVALUE NAME=\"SyncType\" PARAMTYPE=\"uint16\"><VALUE>7</VALUE></PARAMVALUE><PARAMVALUE NAME=\"SourceElement\" PARAMTYPE=\"reference\"><VALUE.REFERENCE>$(vol_xml "$s0")</VALUE.REFERENCE></PARAMVALUE><PARAMVALUE NAME=\"Frobnicate\" PARAMTYPE=\"uint16\"><VALUE>1</VALUE></PARAMVALUE>" \
		>"$tmp/req.xml"
	st=$(cim_post "$tmp/req.xml" CreateElementReplica "root%2Fcimv2%3ACIM_ReplicationService.Name%3D%22cimrepl%22")
	cp "$tmp/resp" "$tmp/cm"
	bad_why="HTTP $st, want 200 and ERROR CODE 4"
	[ "$st" = 200 ] && grep -q '<ERROR[^>]*CODE="4"' "$tmp/resp"
}
bad unknown_parameter_is_invalid_parameter unknown_param

# A method on a class not served: wbemcli's GetClass finds no class
# (CIM_ERR_NOT_FOUND, 6), the METHODCALL itself CIM_ERR_INVALID_CLASS (5).
unknown_class()
{
	wbemcli cm "$U:CIM_Frobnicator.Name=\"x\"" "CreateElementReplica.SyncType=7" \
		>"$tmp/cm" 2>&1
	cim_error_is 6 || return 1
	method_xml "$(keys_xml CIM_Frobnicator Name=x)" CreateElementReplica \
		'<PARAMVALUE NAME="SyncType" PARAMTYPE="uint16"><VALUE>7</VALUE></PARAMVALUE>' \
		>"$tmp/req.xml"
	st=$(cim_post "$tmp/req.xml" CreateElementReplica "root%2Fcimv2%3ACIM_Frobnicator.Name%3D%22x%22")
	cp "$tmp/resp" "$tmp/cm"
	bad_why="HTTP $st, want 200 and ERROR CODE 5"
	[ "$st" = 200 ] && grep -q '<ERROR[^>]*CODE="5"' "$tmp/resp"
}
bad method_on_unknown_class_is_cim_error unknown_class

wrong_namespace()
{
	wbemcli cm "http://$user:$pass@127.0.0.1:$port/root/frob:CIM_ReplicationService.CreationClassName=\"CIM_ReplicationService\",Name=\"cimrepl\",SystemCreationClassName=\"CIM_ComputerSystem\",SystemName=\"$host\"" \
		"CreateElementReplica.SyncType=7,SourceElement=$src0" >"$tmp/cm" 2>&1
	cim_error_is 3 && grep -q CIM_ERR_INVALID_NAMESPACE "$tmp/cm"
}
bad wrong_namespace_is_invalid_namespace wrong_namespace

malformed()
{
	printf '<?xml version="1.0" encoding="utf-8"?>\n<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="1" PROTOCOLVERSION="1.0"><SIMPLEREQ><METHODCALL NAME="CreateElementReplica"></SIMPLEREQ>' \
		>"$tmp/req.xml"
	st=$(cim_post "$tmp/req.xml" CreateElementReplica "root%2Fcimv2%3ACIM_ReplicationService")
	cp "$tmp/hdr" "$tmp/cm"
	bad_why="HTTP $st, want 400 with a CIMError header"
	[ "$st" = 400 ] && grep -qi '^CIMError: request-not-well-formed' "$tmp/hdr"
}
bad malformed_xml_is_http_400 malformed

wrong_password()
{
	wbemcli cm "http://$user:x$pass@127.0.0.1:$port/root/cimv2:CIM_ReplicationService.CreationClassName=\"CIM_ReplicationService\",Name=\"cimrepl\",SystemCreationClassName=\"CIM_ComputerSystem\",SystemName=\"$host\"" \
		"CreateElementReplica.SyncType=7,SourceElement=$src0" >"$tmp/cm" 2>&1
	wrc=$?
	method_xml "$(svc_xml)" CreateElementReplica \
		"<PARAMVALUE NAME=\"SyncType\" PARAMTYPE=\"uint16\"><VALUE>7</VALUE></PARAMVALUE><PARAMVALUE NAME=\"SourceElement\" PARAMTYPE=\"reference\"><VALUE.REFERENCE>$(vol_xml "$s0")</VALUE.REFERENCE></PARAMVALUE>" \
		>"$tmp/req.xml"
	st=$(curl -s -o /dev/null -w '%{http_code}' -u "$user:x$pass" -X POST \
		-H 'Content-Type: application/xml; charset="utf-8"' \
		-H 'CIMOperation: MethodCall' -H 'CIMMethod: CreateElementReplica' \
		-H 'CIMObject: root%2Fcimv2%3ACIM_ReplicationService.Name%3D%22cimrepl%22' \
		--data-binary "@$tmp/req.xml" "http://127.0.0.1:$port/cimom")
	bad_why="wbemcli exit $wrc, curl HTTP $st (want 401): $(tr '\n' ' ' <"$tmp/cm")"
	[ "$wrc" != 0 ] && grep -qi 'username/password' "$tmp/cm" && [ "$st" = 401 ]
}
bad wrong_password_is_http_401 wrong_password

missing_job()
{
	wbemcli gi "$U:CIM_ConcreteJob.InstanceID=\"cimrepl:job:999999\"" >"$tmp/cm" 2>&1
	cim_error_is 6 && grep -q CIM_ERR_NOT_FOUND "$tmp/cm"
}
bad get_missing_job_is_not_found missing_job

# 32. targetcli sees the same LIO configuration as before the bad requests.
targetcli ls 2>&1 | grep -v "^Warning:" >"$tmp/tcli.after"
if grep -q "$s0" "$tmp/tcli.before" && cmp -s "$tmp/tcli.before" "$tmp/tcli.after"; then
	ktap_ok e_targetcli_ls_unchanged
else
	ktap_print_msg "$(diff "$tmp/tcli.before" "$tmp/tcli.after")"
	ktap_fail e_targetcli_ls_unchanged
fi

ktap_print_msg "daemon log:"
ktap_print_msg "$(tail -n 40 "$tmp/daemon.log")"
ktap_finished
