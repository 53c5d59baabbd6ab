#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cimrepld_modify_test.sh - ModifyListSynchronization,
# ModifyReplicaSynchronization and GetReplicationRelationships end to end:
# replicas made with wbemcli, found with wbemcli, changed over CIM-XML and
# with cimreplctl, and every data check made on what the initiator reads
# through LIO LUNs.
#
# wbemcli 1.6 cannot write a reference whose keys are references (a
# CIM_StorageSynchronized path: "Bad key specification"), so the Modify
# methods are sent with curl, as INSTANCENAMEs whose KEYBINDINGs hold
# VALUE.REFERENCEs; wbemcli calls GetReplicationRelationships (cmx: its
# out parameter is a reference array) and polls the jobs.
#
#   a) GetReplicationRelationships filters by SyncType, CopyState, Mode and
#      Locality, refuses values outside the standard; `cimreplctl sync list
#      --filter` shows the same;
#   b) an operation not valid in a synchronization's state (Detach of a
#      clone still copying) returns 5 naming the state and changes nothing;
#      a list with one such element (Abort of a copying and of a
#      Synchronized clone) changes none of them; an operation no engine
#      implements is 1; one that cannot be waited for is 1;
#   c) Abort (2) stops a clone mid-copy (CopyState 12);
#   d) Detach (8) of a Synchronized clone ends its synchronization; its
#      target stays a volume whose LUN reads the point in time; when that
#      volume is deleted, its target file goes back to the pool;
#   e) Restore from Replica (15) of a snapshot: the source's LUN reads the
#      snapshot's point in time after the job (wbemcli polls it) and after
#      `cimreplctl sync modify --wait-for synchronized`;
#   f) Return To ResourcePool (19) of an exported snapshot is 6 In Use
#      without Force and changes nothing; with Force it deletes the
#      snapshot, its backstore and LUN, and the pool gets its space back;
#   g) the store forgets the ended synchronizations.
#
# Run as root inside the test VM:
#	scripts/vm-run --kernel 6.1 -- selftests/run.sh cimrepld_modify_test.sh
#
# No "set -e": a failing check is a test result, not the end of the script.
# Whatever the test created is removed on exit, also when it fails.

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

rnd=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
p="md$rnd"				# prefix of every name
. "$(dirname "$0")/cimrepld_lib.sh"
span=8					# MiB of the source
v0="${p}v0"				# the cimrepl volume
s0="${p}s0"				# its backstore: the source
sn="${p}sn"				# snapshot restored (e)
sp="${p}sp"				# snapshot returned to the pool (f)
cd="${p}cd"				# clone detached (d)
ca="${p}ca"				# clone aborted (c)

ktap_require_cmd wbemcli curl jq dd sha1sum losetup truncate sqlite3
crl_require 7 8
crl_init
pool_size=$((128 << 20))
daemon_args="--listen 127.0.0.1:$port --credentials $tmp/passwd"

# ---------------------------------------------------------------- helpers

# write_all DEV FILE - FILE onto DEV (direct, synced); it becomes the model.
write_all()
{
	dd if="$2" of="$1" bs=1M oflag=direct conv=notrunc,fsync status=none &&
		cp "$2" "$tmp/m0"
}

# sync_xml SOURCE TARGET - a VALUE.REFERENCE to their CIM_StorageSynchronized
sync_xml()
{
	printf '<VALUE.REFERENCE><INSTANCENAME CLASSNAME="CIM_StorageSynchronized"><KEYBINDING NAME="SystemElement"><VALUE.REFERENCE>%s</VALUE.REFERENCE></KEYBINDING><KEYBINDING NAME="SyncedElement"><VALUE.REFERENCE>%s</VALUE.REFERENCE></KEYBINDING></INSTANCENAME></VALUE.REFERENCE>' \
		"$(vol_xml "$1")" "$(vol_xml "$2")"
}

u16_xml()
{
	printf '<PARAMVALUE NAME="%s" PARAMTYPE="uint16"><VALUE>%s</VALUE></PARAMVALUE>' "$1" "$2"
}

# modify METHOD OPERATION [FORCE] [WAIT] -- TARGET... - the method on the
# synchronizations of $s0 onto TARGETs over the UNIX socket (curl); the
# response in $tmp/resp, the return value in $rv, ErrorDescription in $desc.
modify()
{
	md_method=$1 md_params=$(u16_xml Operation "$2")
	shift 2
	while [ "$1" != -- ]; do
		case $1 in
		force) md_params="$md_params<PARAMVALUE NAME=\"Force\" PARAMTYPE=\"boolean\"><VALUE>true</VALUE></PARAMVALUE>" ;;
		*) md_params="$md_params$(u16_xml WaitForCopyState "$1")" ;;
		esac
		shift
	done
	shift
	if [ "$md_method" = ModifyReplicaSynchronization ]; then
		md_params="$md_params<PARAMVALUE NAME=\"Synchronization\" PARAMTYPE=\"reference\">$(sync_xml "$s0" "$1")</PARAMVALUE>"
	else
		md_refs=
		for t in "$@"; do
			md_refs="$md_refs$(sync_xml "$s0" "$t")"
		done
		md_params="$md_params<PARAMVALUE NAME=\"Synchronization\" PARAMTYPE=\"reference\"><VALUE.REFARRAY>$md_refs</VALUE.REFARRAY></PARAMVALUE>"
	fi
	method_xml "$(svc_xml)" "$md_method" "$md_params" >"$tmp/req.xml"
	cim_post "$tmp/req.xml" "$md_method" \
		"root%2Fcimv2%3ACIM_ReplicationService.Name%3D%22cimrepl%22" >/dev/null
	rv=$(sed -n 's/.*<RETURNVALUE[^>]*><VALUE>\([0-9]*\)<.*/\1/p' "$tmp/resp")
	desc=$(sed -n 's/.*NAME="ErrorDescription"[^>]*><VALUE>\([^<]*\)<.*/\1/p' "$tmp/resp")
}

# relationships PARAMS - GetReplicationRelationships with wbemcli cmx;
# the targets of the synchronizations it returns, sorted, in $found.
relationships()
{
	wbemcli cmx "$svc" "GetReplicationRelationships$1" >"$tmp/cmx" 2>&1
	rv=$(sed -n 's/.*<RETURNVALUE[^>]*><VALUE>\([0-9]*\)<.*/\1/p' "$tmp/cmx")
	found=$(grep -o "<KEYVALUE VALUETYPE=\"string\">${p}[a-z0-9]*<" "$tmp/cmx" |
		sed 's/.*>\(.*\)</\1/' | grep -v "^$s0\$" | sort | tr '\n' ' ')
}

# copy_state TARGET - CopyState of the CIM_StorageSynchronized onto TARGET
# ("" when there is none), as EnumerateInstances has it.
copy_state()
{
	"$ctl" --socket "$sock" --json sync list |
		jq -r --arg t "$1" '.[] | select(.target == $t) | .copy_state.value'
}

# state FILE - what a refused request must not change (copy progress aside).
state()
{
	{
		"$ctl" --socket "$sock" storage list
		"$ctl" --socket "$sock" --json sync list |
			jq -S 'map({source, target, copy_state})'
		"$tool" block list | sort
		find "$lio_cfs/loopback" -maxdepth 5 -name "lun_*" | sort
		ls /dev/cimrepl | sort
		sqlite3 "$tmp/state/cimrepld.db" "SELECT target FROM replicas ORDER BY target"
	} >"$1" 2>&1
}

ktap_plan 22

# ------------------------------------------------------------------ setup

# 1. A volume over a loop device holding random data, its backstore and
# LUN, the daemon; two snapshots, a Synchronized clone and one copying
# (throttled), all made with wbemcli.
dd if=/dev/urandom of="$tmp/A" bs=1M count=$span status=none
dd if=/dev/urandom of="$tmp/B" bs=1M count=$span status=none
dd if=/dev/urandom of="$tmp/C" bs=1M count=$span status=none
cp "$tmp/A" "$tmp/m0"
why=
{
	l0=$(new_loop "$tmp/v0.img" $span) && loops="$l0" &&
	dd if="$tmp/A" of="$l0" bs=1M oflag=direct status=none &&
	"$ctl" volume create "$v0" --backing "$l0" &&
	"$tool" block create "$s0" "/dev/cimrepl/$v0" &&
	wwn=$(lio_new_wwn) && tpg=$("$tool" loopback create "$wwn")
} >"$tmp/out" 2>&1 || why="volume and backstore: $(tail -n 3 "$tmp/out")"
sd0=
[ -z "$why" ] && { sd0=$(export_lun "$s0") || why="no LUN: $(cat "$tmp/export.err")"; }
if [ -z "$why" ]; then
	crl_passwd
	daemon_start || why="cimrepld does not answer: $(tail -n 5 "$tmp/daemon.log")"
fi
if [ -z "$why" ]; then
	# sn: point in time A; the clone cd: A, waited for
	cm "CreateElementReplica.SyncType=7,ElementName=\"$sn\",SourceElement=$(vref "$s0")"
	[ "$rv" = 0 ] || why="snapshot $sn: $(tr '\n' ' ' <"$tmp/cm")"
	cp "$tmp/m0" "$tmp/pit_sn"
fi
if [ -z "$why" ]; then
	cm "CreateElementReplica.SyncType=8,ElementName=\"$cd\",WaitForCopyState=4,SourceElement=$(vref "$s0")"
	[ "$rv" = 0 ] || why="clone $cd: $(tr '\n' ' ' <"$tmp/cm")"
	cp "$tmp/m0" "$tmp/pit_cd"
fi
if [ -z "$why" ]; then
	# sp: point in time B, then C written: the pool holds copies of
	# B that only sp needs
	write_all "/dev/$sd0" "$tmp/B"
	cm "CreateElementReplica.SyncType=7,ElementName=\"$sp\",SourceElement=$(vref "$s0")"
	[ "$rv" = 0 ] || why="snapshot $sp: $(tr '\n' ' ' <"$tmp/cm")"
	write_all "/dev/$sd0" "$tmp/C"
fi
if [ -z "$why" ]; then
	# ca: copying at 1 KiB/s: Unsynchronized for the whole test
	"$ctl" kernel sync set --throttle 1 && module_throttle=1
	cm "CreateElementReplica.SyncType=8,ElementName=\"$ca\",SourceElement=$(vref "$s0")"
	[ "$rv" = 4096 ] || why="clone $ca: $(tr '\n' ' ' <"$tmp/cm")"
	"$ctl" kernel sync set "$(kname "$ca")" --throttle 1
	"$ctl" kernel sync set --throttle 0 && module_throttle=
fi
if [ -z "$why" ]; then
	ktap_print_msg "source /dev/$sd0, daemon pid $dpid"
	ktap_ok setup_replicas_with_wbemcli
else
	ktap_fail setup_replicas_with_wbemcli "$why"
	ktap_bail_out "no setup"
fi

# ------------------------------------- a) GetReplicationRelationships

# 2-7. Each filter, as wbemcli types it from the method's declaration
# (a parameter it did not find declared would be dropped); the
# synchronizations returned.
rel_is()
{
	relationships "$2"
	if [ "$rv" = 0 ] && [ "$found" = "$3" ]; then
		ktap_ok "$1"
	else
		ktap_print_msg "$(head -c 1500 "$tmp/cmx")"
		ktap_fail "$1" "return value '$rv', found '$found', want '$3'"
	fi
}
rel_is a_relationships_unfiltered_are_all "" "$ca $cd $sn $sp "
rel_is a_relationships_of_sync_type_7 ".SyncType=7" "$sn $sp "
rel_is a_relationships_of_clones_copying ".SyncType=8,CopyState=3" "$ca "
rel_is a_relationships_synchronized ".CopyState=4,Type=2,Locality=2" "$cd $sn $sp "
rel_is a_relationships_async_or_remote_are_none ".Mode=3" ""
relationships ".Locality=3"
ktap_result a_relationships_remote_are_none "$([ "$rv" = 0 ] && [ -z "$found" ]; echo $?)" \
	"return value '$rv', found '$found'"

# 8. A filter outside the standard's values is 5.
relationships ".CopyState=19"
if [ "$rv" = 5 ] && grep -q 'CopyState 19' "$tmp/cmx"; then
	ktap_ok a_relationships_bad_copy_state_is_5
else
	ktap_print_msg "$(head -c 1500 "$tmp/cmx")"
	ktap_fail a_relationships_bad_copy_state_is_5 "return value '$rv'"
fi

# 9. cimreplctl sync list --filter shows the same.
got=$("$ctl" --socket "$sock" --json sync list --filter sync-type=clone \
	--filter copy-state=unsynchronized | jq -r '.[].target' | tr '\n' ' ')
bad=$("$ctl" --socket "$sock" sync list --filter copy-state=asleep 2>&1)
brc=$?
if [ "$got" = "$ca " ] && [ "$brc" = 2 ] &&
   [ "$(printf '%s\n' "$bad" | wc -l)" = 2 ]; then
	ktap_ok a_cimreplctl_sync_list_filter
else
	ktap_fail a_cimreplctl_sync_list_filter "got '$got', bad filter: exit $brc: $bad"
fi

# ----------------------------------------------------------- b) refusals

# 10. Detach of the clone still copying: 5, naming the state; nothing
# changes.
state "$tmp/before"
modify ModifyReplicaSynchronization 8 -- "$ca"
state "$tmp/after"
if [ "$rv" = 5 ] && printf '%s' "$desc" | grep -q 'Unsynchronized' &&
   printf '%s' "$desc" | grep -q "Synchronization\[0\]" &&
   cmp -s "$tmp/before" "$tmp/after" && [ "$(copy_state "$ca")" = 3 ]; then
	ktap_print_msg "$desc"
	ktap_ok b_detach_while_copying_is_5_and_changes_nothing
else
	ktap_print_msg "$(head -c 1500 "$tmp/resp")"
	ktap_print_msg "$(diff "$tmp/before" "$tmp/after")"
	ktap_fail b_detach_while_copying_is_5_and_changes_nothing "return value '$rv': $desc"
fi

# 11. Abort of [copying clone, Synchronized clone]: the second cannot be
# aborted, so neither is.
state "$tmp/before"
modify ModifyListSynchronization 2 -- "$ca" "$cd"
state "$tmp/after"
if [ "$rv" = 5 ] && printf '%s' "$desc" | grep -q "Synchronization\[1\]" &&
   printf '%s' "$desc" | grep -q 'Synchronized' &&
   cmp -s "$tmp/before" "$tmp/after" && [ "$(copy_state "$ca")" = 3 ]; then
	ktap_print_msg "$desc"
	ktap_ok b_list_with_one_bad_element_changes_none
else
	ktap_print_msg "$(head -c 1500 "$tmp/resp")"
	ktap_print_msg "$(diff "$tmp/before" "$tmp/after")"
	ktap_fail b_list_with_one_bad_element_changes_none "return value '$rv': $desc"
fi

# 12. What no engine does (the mirror's Split on a snapshot), an
# Operation the list form reserves, and a WaitForCopyState Detach never
# reaches: 1, 5 and 1, nothing changed.
state "$tmp/before"
modify ModifyListSynchronization 21 -- "$sn"
r1=$rv d1=$desc
modify ModifyListSynchronization 13 -- "$sn"
r2=$rv d2=$desc
modify ModifyReplicaSynchronization 8 4 -- "$cd"
r3=$rv d3=$desc
state "$tmp/after"
if [ "$r1" = 1 ] && [ "$r2" = 5 ] && [ "$r3" = 1 ] &&
   cmp -s "$tmp/before" "$tmp/after"; then
	ktap_ok b_unsupported_operations_and_waits_are_refused
else
	ktap_print_msg "$(diff "$tmp/before" "$tmp/after")"
	ktap_fail b_unsupported_operations_and_waits_are_refused \
		"Split: $r1 ($d1); 13: $r2 ($d2); Detach waiting: $r3 ($d3)"
fi

# -------------------------------------------------------------- c) Abort

# 13. cimreplctl aborts the copying clone: 0, CopyState 12.
out=$("$ctl" --socket "$sock" sync modify --operation abort "$ca" 2>&1)
arc=$?
if [ "$arc" = 0 ] && [ "$(copy_state "$ca")" = 12 ]; then
	ktap_ok c_abort_stops_the_copy
else
	ktap_fail c_abort_stops_the_copy "exit $arc: $out; CopyState $(copy_state "$ca")"
fi

# ------------------------------------------------------------- d) Detach

# 14. Detach of the Synchronized clone: 0; its synchronization is gone,
# its backstore stays, a plain volume; its LUN reads the point in time.
cd_k=$(kname "$cd")
modify ModifyReplicaSynchronization 8 -- "$cd"
why=
[ "$rv" = 0 ] || why="return value '$rv': $desc"
[ -z "$why" ] && [ -n "$(copy_state "$cd")" ] && why="still synchronized"
[ -z "$why" ] && ! wbemcli ein "$U:CIM_StorageVolume" | grep -q "DeviceID=\"$cd\"" &&
	why="its volume is gone"
[ -z "$why" ] && [ "$("$ctl" --json volume show "$cd_k" | jq -r .role)" != volume ] &&
	why="$cd_k is not a plain volume"
if [ -z "$why" ]; then
	sdcd=$(export_lun "$cd") || why="no LUN: $(cat "$tmp/export.err")"
fi
[ -z "$why" ] && [ "$(sum_dev "/dev/$sdcd")" != "$(sum_file "$tmp/pit_cd")" ] &&
	why="its LUN differs from the point in time"
ktap_result d_detach_keeps_the_target_as_a_volume "$([ -z "$why" ]; echo $?)" "$why"

# 15. When that volume is deleted later (its LUN and backstore first, then
# the volume, directly through netlink: no CIM method deletes a plain
# volume), its target file goes back to the daemon's pool.
cd_file=$(sqlite3 "$tmp/state/cimrepld.db" \
	"SELECT target_file FROM detached WHERE target = '$cd_k'")
why=
[ -n "$cd_file" ] && [ -f "$cd_file" ] || why="no target file kept for $cd_k: '$cd_file'"
if [ -z "$why" ]; then
	"$tool" lun list "$cd" | while read -r lun_tpg lun_no; do
		"$tool" lun unexport "$lun_tpg" "$lun_no"
	done
	"$tool" block delete "$cd" 2>"$tmp/err" &&
		"$ctl" kernel volume delete "$cd_k" 2>>"$tmp/err" ||
		why="cannot delete $cd_k: $(cat "$tmp/err")"
fi
i=0
while [ -z "$why" ] && [ -f "$cd_file" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -z "$why" ] && [ -f "$cd_file" ] && why="$cd_file still there"
[ -z "$why" ] && [ -n "$(sqlite3 "$tmp/state/cimrepld.db" \
	"SELECT target FROM detached WHERE target = '$cd_k'")" ] &&
	why="the store still remembers $cd_k"
ktap_result d_deleted_detached_target_goes_back_to_the_pool "$([ -z "$why" ]; echo $?)" "$why"

# ------------------------------------------------------------ e) Restore

# 16. Restore from Replica of sn: 0 or 4096 with a job wbemcli polls to
# JobState 7; then the source's LUN reads A again.
modify ModifyReplicaSynchronization 15 -- "$sn"
job=$(job_of "$tmp/resp")
why=
case $rv in
0) ktap_print_msg "the restore was done before the method returned" ;;
4096) [ -n "$job" ] && job_wait "$job" 60 || why="job '$job': $(tr '\n' ' ' <"$tmp/job")" ;;
*) why="return value '$rv': $desc" ;;
esac
[ -z "$why" ] && [ "$(sum_dev "/dev/$sd0")" != "$(sum_file "$tmp/pit_sn")" ] &&
	why="the source LUN does not read the snapshot's point in time"
ktap_result e_restore_job_then_source_reads_snapshot "$([ -z "$why" ]; echo $?)" "$why"

# 17. Again after new writes, with cimreplctl --wait-for synchronized:
# 0, no job, the data back.
write_all "/dev/$sd0" "$tmp/B"
out=$("$ctl" --socket "$sock" sync modify --operation restore \
	--wait-for synchronized "$sn" 2>&1)
erc=$?
if [ "$erc" = 0 ] && printf '%s' "$out" | grep -q '^return code *0 ' &&
   printf '%s' "$out" | grep -q '^job *-$' &&
   [ "$(sum_dev "/dev/$sd0")" = "$(sum_file "$tmp/pit_sn")" ]; then
	ktap_ok e_restore_wait_for_synchronized_returns_0
else
	ktap_fail e_restore_wait_for_synchronized_returns_0 "exit $erc: $out"
fi
cp "$tmp/pit_sn" "$tmp/m0"

# ---------------------------------------------- f) Return To ResourcePool

# 18. sp is exported as a LUN: without Force, 6 and nothing changes.
sp_k=$(kname "$sp")
sdsp=$(export_lun "$sp")
state "$tmp/before"
modify ModifyListSynchronization 19 -- "$sp"
state "$tmp/after"
if [ -n "$sdsp" ] && [ "$rv" = 6 ] && printf '%s' "$desc" | grep -q 'Force' &&
   cmp -s "$tmp/before" "$tmp/after"; then
	ktap_ok f_return_exported_snapshot_without_force_is_6
else
	ktap_print_msg "$(diff "$tmp/before" "$tmp/after")"
	ktap_fail f_return_exported_snapshot_without_force_is_6 "LUN '$sdsp', return value '$rv': $desc"
fi

# 19. With Force: 0; the snapshot, its backstore and LUN are gone and the
# pool has more free space.
free0=$("$ctl" --json kernel pool show default | jq .free)
luns0=$(find "$lio_cfs/loopback" -maxdepth 5 -name "lun_*" | wc -l)
modify ModifyListSynchronization 19 force -- "$sp"
free1=$("$ctl" --json kernel pool show default | jq .free)
luns1=$(find "$lio_cfs/loopback" -maxdepth 5 -name "lun_*" | wc -l)
why=
[ "$rv" = 0 ] || why="return value '$rv': $desc"
[ -z "$why" ] && "$tool" block show "$sp" >/dev/null 2>&1 && why="backstore still there"
[ -z "$why" ] && [ -e "/dev/cimrepl/$sp_k" ] && why="/dev/cimrepl/$sp_k still there"
[ -z "$why" ] && [ -n "$(copy_state "$sp")" ] && why="synchronization still there"
[ -z "$why" ] && [ "$luns1" != $((luns0 - 1)) ] && why="LUNs $luns0 -> $luns1"
[ -z "$why" ] && ! [ "$free1" -gt "$free0" ] 2>/dev/null &&
	why="pool free space $free0 -> $free1"
ktap_print_msg "pool free $free0 -> $free1"
ktap_result f_return_to_pool_with_force_frees_space "$([ -z "$why" ]; echo $?)" "$why"

# 20. The source still reads its data; sn still restores nothing else.
if [ "$(sum_dev "/dev/$sd0")" = "$(sum_file "$tmp/m0")" ] &&
   [ "$(copy_state "$sn")" = 4 ]; then
	ktap_ok f_source_and_other_snapshot_unharmed
else
	ktap_fail f_source_and_other_snapshot_unharmed "CopyState of $sn: $(copy_state "$sn")"
fi

# ------------------------------------------------------------- g) store

# 21. The store keeps the synchronizations that remain, not the ended ones.
rows=$(sqlite3 "$tmp/state/cimrepld.db" "SELECT target FROM replicas ORDER BY target" |
	tr '\n' ' ')
want=$(printf '%s\n' "$(kname "$ca")" "$(kname "$sn")" | sort | tr '\n' ' ')
if [ "$rows" = "$want" ]; then
	ktap_ok g_store_forgets_ended_synchronizations
else
	ktap_fail g_store_forgets_ended_synchronizations "rows '$rows', want '$want'"
fi

# 22. EnumerateInstances shows exactly the live ones.
got=$("$ctl" --socket "$sock" --json sync list | jq -r '.[].target' | sort |
	tr '\n' ' ')
ktap_result g_enumerate_shows_live_synchronizations \
	"$([ "$got" = "$ca $sn " ]; echo $?)" "got '$got'"

ktap_print_msg "daemon log:"
ktap_print_msg "$(tail -n 20 "$tmp/daemon.log")"
ktap_finished
