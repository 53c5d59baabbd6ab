#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cimrepld_discovery_test.sh - what an SMI-S client does before it asks for
# anything: it starts from the interop namespace and walks associations,
# with a real WBEM client (sblim wbemcli) over TCP with HTTP Basic
# authentication:
#
#   interop -> CIM_RegisteredProfile "Replication Services" (SNIA)
#     -> CIM_ElementConformsToProfile -> CIM_ReplicationService (root/cimv2)
#     -> CIM_ElementCapabilities -> CIM_ReplicationServiceCapabilities,
#        whose properties and GetSupported* methods say what the module's
#        engines implement (compared with `cimreplctl kernel info`);
#   CIM_HostedService between the service and its CIM_ComputerSystem;
#   a snapshot's CIM_StorageSynchronized from either end, roles filtering;
#   a clone's job -> CIM_AffectedJobElement -> the new volume, and
#   CIM_OwningJobElement back to the service;
#   the default pool -> CIM_AllocatedFromStoragePool -> the replicas;
#   References / ReferenceNames, the association classes' enumerations,
#   wrong namespaces and classes refused; `cimreplctl capabilities`.
#
# No LUN is exported: nothing here reads data (cimrepld_test.sh does).
#
# Run as root inside the test VM:
#	scripts/vm-run --kernel 6.1 -- selftests/run.sh cimrepld_discovery_test.sh

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

rnd=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
p="cq$rnd"				# prefix of every name
. "$(dirname "$0")/cimrepld_lib.sh"
v0="${p}v0" s0="${p}s0"			# the cimrepl volume, its backstore

ktap_require_cmd wbemcli curl openssl jq losetup truncate
crl_require 7 8
crl_init
pool_size=$((64 << 20))
daemon_args="--listen 127.0.0.1:$port --credentials $tmp/passwd"
B="http://$user:$pass@127.0.0.1:$port"
caps="$U:CIM_ReplicationServiceCapabilities.InstanceID=\"cimrepl:ReplicationServiceCapabilities\""
pool="$U:CIM_StoragePool.InstanceID=\"cimrepl:pool:default\""

# vol DEVICEID - a CIM_StorageVolume path for wbemcli.
vol()
{
	printf '%s:CIM_StorageVolume.CreationClassName="CIM_StorageVolume",DeviceID="%s",SystemCreationClassName="CIM_ComputerSystem",SystemName="%s"' \
		"$U" "$1" "$host"
}

# w OUT ARGS... - wbemcli ARGS with its output in $tmp/OUT; its status.
w()
{
	w_out=$1
	shift
	wbemcli "$@" >"$tmp/$w_out" 2>&1
}

# lines FILE - how many non-empty lines.
lines()
{
	grep -c . "$tmp/$1"
}

# prop FILE NAME - a property of the instance wbemcli -nl gi printed.
prop()
{
	sed -n "s/^-$2=//p" "$tmp/$1" | tr -d '"'
}

# out FILE NAME - an out parameter wbemcli cm printed on its one line
# ("..., NAME (TYPE): V1,V2, NEXT (TYPE): ..."), its elements
# comma-separated.
out()
{
	sed -n "s/.* $2 ([a-z0-9]*): \([^ ]*\).*/\1/p" "$tmp/$1" |
		sed 's/,$//'
}

# rc FILE METHOD - the return value wbemcli cm printed ("METHOD: N,").
rc()
{
	sed -n "s/.* $2: \([0-9]*\).*/\1/p" "$tmp/$1"
}

# cap_cm METHOD PARAMS - wbemcli cm on the capabilities into $tmp/cm.
cap_cm()
{
	w cm cm "$caps" "$1.$2"
}

# same_set A B - are the comma-separated lists A and B the same set?
same_set()
{
	[ "$(echo "$1" | tr ',' '\n' | sort -n | tr '\n' ' ')" = \
	  "$(echo "$2" | tr ',' '\n' | sort -n | tr '\n' ' ')" ]
}

# diag FILE - print FILE as TAP diagnostics.
diag()
{
	ktap_print_msg "$(cat "$tmp/$1")"
}

ktap_plan 20
started=$(date +%s)

# 1. A cimrepl volume and its backstore; the daemon.
why=
{
	l0=$(new_loop "$tmp/v0.img" 8) && loops="$l0" &&
	"$ctl" volume create "$v0" --backing "$l0" &&
	"$tool" block create "$s0" "/dev/cimrepl/$v0"
} >"$tmp/setup" 2>&1 || why="volume and backstore: $(tail -n 3 "$tmp/setup")"
if [ -z "$why" ]; then
	crl_passwd
	daemon_start || why="cimrepld does not answer: $(tail -n 5 "$tmp/daemon.log")"
fi
if [ -z "$why" ]; then
	ktap_print_msg "setup took $(($(date +%s) - started)) s"
	ktap_ok setup_volume_daemon
else
	ktap_fail setup_volume_daemon "$why"
	ktap_bail_out "no setup"
fi

# ------------------------------------------------------------ interop

# 2. interop and root/interop each hold one CIM_RegisteredProfile: SNIA
# (11) "Replication Services".
w prof ein "$B/interop:CIM_RegisteredProfile"
w prof2 ein "$B/root/interop:CIM_RegisteredProfile"
profile_id=$(sed -n 's/.*InstanceID="\([^"]*\)".*/\1/p' "$tmp/prof")
w profgi -nl gi "$B/interop:CIM_RegisteredProfile.InstanceID=\"$profile_id\""
if [ "$(lines prof)" = 1 ] && [ "$(lines prof2)" = 1 ] &&
   [ "$(prop profgi RegisteredOrganization)" = 11 ] &&
   [ "$(prop profgi RegisteredName)" = "Replication Services" ] &&
   [ -n "$(prop profgi RegisteredVersion)" ]; then
	ktap_ok interop_has_replication_services_profile
else
	diag prof
	diag profgi
	ktap_fail interop_has_replication_services_profile "profile '$profile_id'"
fi
prof_path="$B/interop:CIM_RegisteredProfile.InstanceID=\"$profile_id\""

# 3. ElementConformsToProfile leads from the profile to the service in
# root/cimv2 (a path with that namespace), and back.
w conf ain -ac CIM_ElementConformsToProfile "$prof_path"
w back ain -ac CIM_ElementConformsToProfile -arc CIM_RegisteredProfile "$svc"
if [ "$(lines conf)" = 1 ] &&
   grep -q "/root/cimv2:CIM_ReplicationService\..*Name=\"cimrepl\"" "$tmp/conf" &&
   [ "$(lines back)" = 1 ] &&
   grep -q "/interop:CIM_RegisteredProfile.InstanceID=\"$profile_id\"" "$tmp/back"; then
	ktap_ok profile_conforms_to_service_both_ways
else
	diag conf
	diag back
	ktap_fail profile_conforms_to_service_both_ways "no association"
fi

# 4. interop holds no implementation classes, root/cimv2 no profiles; an
# unknown namespace is refused.
if ! w e1 ein "$B/interop:CIM_StorageVolume" &&
   grep -q CIM_ERR_INVALID_CLASS "$tmp/e1" &&
   ! w e2 ein "$U:CIM_RegisteredProfile" &&
   ! w e3 ein "$B/root/nowhere:CIM_RegisteredProfile" &&
   grep -q CIM_ERR_INVALID_NAMESPACE "$tmp/e3"; then
	ktap_ok namespaces_hold_their_classes
else
	diag e1
	diag e3
	ktap_fail namespaces_hold_their_classes "a class in the wrong namespace"
fi

# ------------------------------------------------ service, capabilities

# 5. The service is hosted by the CIM_ComputerSystem named after the host,
# and the association leads back.
w hs ain -ac CIM_HostedService "$svc"
sys="$U:CIM_ComputerSystem.CreationClassName=\"CIM_ComputerSystem\",Name=\"$host\""
w hs2 ain -ac CIM_HostedService -arc CIM_Service "$sys"
if [ "$(lines hs)" = 1 ] &&
   grep -q "CIM_ComputerSystem\..*Name=\"$host\"" "$tmp/hs" &&
   [ "$(lines hs2)" = 1 ] && grep -q CIM_ReplicationService "$tmp/hs2"; then
	ktap_ok hosted_service_system_and_back
else
	diag hs
	diag hs2
	ktap_fail hosted_service_system_and_back "no hosting system"
fi

# 6. ElementCapabilities: the capabilities, with the replication types of
# the module's engines (Synchronous Snapshot Local 6, Synchronous Clone
# Local 10; a mirror engine: 2 and 3) and nothing remote; the synchronous
# actions are the service's methods: CreateElementReplica 2,
# ModifyReplicaSynchronization 5, ModifyListSynchronization 6,
# GetReplicationRelationships 10, CreateListReplica 19.
w ec ai -ac CIM_ElementCapabilities -nl "$svc"
types=$(sed -n 's/^-SupportedReplicationTypes=//p' "$tmp/ec")
want=$("$ctl" --json kernel info | jq -r '[.sync_types[].value |
	if . == 7 then 6 elif . == 8 then 10 elif . == 6 then (2, 3) else empty end] |
	map(tostring) | join(",")')
if grep -q 'CIM_ReplicationServiceCapabilities' "$tmp/ec" &&
   same_set "$types" "$want" &&
   [ "$(sed -n 's/^-SupportedStorageObjects=//p' "$tmp/ec")" = 2 ] &&
   same_set "$(sed -n 's/^-SupportedSynchronousActions=//p' "$tmp/ec")" 2,5,6,10,19; then
	ktap_ok capabilities_replication_types_from_engines
else
	diag ec
	ktap_fail capabilities_replication_types_from_engines "types '$types', want '$want'"
fi

# 7. wbemcli types the methods' arguments from GetClass. The operations:
# GetSupportedOperations (for ModifyReplicaSynchronization) and
# GetSupportedListOperations (ModifyListSynchronization) give, when the
# service has the method, a snapshot's engine's (Restore 15, Return To
# ResourcePool 19) and, with CopyState Broken (5), a clone's accepted there
# (Abort 2, Resync 14); without the method, none.
# (the methods the service declares, read from GetClass's CIM-XML: wbemcli
# gc prints no methods)
printf '<?xml version="1.0" encoding="utf-8"?>\n<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="1" PROTOCOLVERSION="1.0"><SIMPLEREQ><IMETHODCALL NAME="GetClass"><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="cimv2"/></LOCALNAMESPACEPATH><IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="CIM_ReplicationService"/></IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>\n' \
	>"$tmp/gc.xml"
cim_post "$tmp/gc.xml" GetClass root%2Fcimv2 >/dev/null
grep -o '<METHOD NAME="[A-Za-z]*"' "$tmp/resp" >"$tmp/gc"
grep -q '"ModifyReplicaSynchronization"' "$tmp/gc" && w_snap=15,19 || w_snap=''
grep -q '"ModifyListSynchronization"' "$tmp/gc" && w_broken=2,14 || w_broken=''
cap_cm GetSupportedOperations ReplicationType=6
snap_ops=$(out cm SupportedOperations) snap_rc=$(rc cm GetSupportedOperations)
cp "$tmp/cm" "$tmp/cm.ops"
cap_cm GetSupportedListOperations ReplicationType=10,CopyState=5
broken_ops=$(out cm SupportedListOperations)
if grep -q '"CreateListReplica"' "$tmp/gc" &&
   [ "$snap_rc" = 0 ] && same_set "$snap_ops" "$w_snap" &&
   same_set "$broken_ops" "$w_broken"; then
	ktap_ok supported_operations_per_engine_and_state
else
	diag gc
	diag cm.ops
	diag cm
	ktap_fail supported_operations_per_engine_and_state \
		"snapshot '$snap_ops' ($snap_rc), broken clone '$broken_ops'"
fi

# 8. A remote ReplicationType is Not Supported (1), one outside the
# standard Invalid Parameter (5), each with a description.
cap_cm GetSupportedCopyStates ReplicationType=12
rc_remote=$(rc cm GetSupportedCopyStates)
grep -q 'ErrorDescription' "$tmp/cm" || rc_remote="$rc_remote (no description)"
cp "$tmp/cm" "$tmp/cm.remote"
cap_cm GetSupportedCopyStates ReplicationType=99
rc_bad=$(rc cm GetSupportedCopyStates)
if [ "$rc_remote" = 1 ] && [ "$rc_bad" = 5 ]; then
	ktap_ok unsupported_replication_types_refused
else
	diag cm.remote
	diag cm
	ktap_fail unsupported_replication_types_refused "remote '$rc_remote', 99 '$rc_bad'"
fi

# The other methods through cimreplctl, which calls every GetSupported*
# for every type in one process (wbemcli costs seconds a call under TCG).
"$ctl" --socket "$sock" --json capabilities >"$tmp/cj" 2>&1

# jvalues TYPE MEMBER [FILTER] - the values of MEMBER of ReplicationType
# TYPE in cimreplctl's JSON, comma-separated.
jvalues()
{
	jq -r --argjson t "$1" "[.replication_types[] | select(.value == \$t) |
		.$2[] ${3:-} | .value | tostring] | join(\",\")" "$tmp/cj" 2>/dev/null
}

# 9. GetSupportedCopyStates (and HostAccessible) and
# GetSupportedWaitForCopyStates of CreateListReplica: what the engines
# reach, what a create can wait for.
clone_states=$(jvalues 10 copy_states)
clone_access=$(jvalues 10 copy_states '| select(.host_accessible)')
clone_wait=$(jvalues 10 create_wait_states)
snap_wait=$(jvalues 6 create_wait_states)
if same_set "$clone_states" 3,4,5,12 && same_set "$clone_access" 3,4,12 &&
   same_set "$clone_wait" 3,4 && same_set "$snap_wait" 4; then
	ktap_ok copy_states_and_wait_states
else
	diag cj
	ktap_fail copy_states_and_wait_states \
		"clone states '$clone_states' (accessible '$clone_access'), waits '$clone_wait', snapshot waits '$snap_wait'"
fi

# 10. GetSupportedFeatures / GetSupportedListFeatures: snapshots take no
# TargetElement (39), clones may; lists are sequentially consistent (2, 3).
snap_features=$(jvalues 6 features)
clone_features=$(jvalues 10 features)
list_features=$(jvalues 10 list_features)
if echo ",$snap_features," | grep -q ',39,' &&
   ! echo ",$clone_features," | grep -q ',39,' &&
   same_set "$list_features" 2,3; then
	ktap_ok supported_features
else
	diag cj
	ktap_fail supported_features \
		"snapshot '$snap_features', clone '$clone_features', list '$list_features'"
fi

ktap_print_msg "interop and capabilities done at $(($(date +%s) - started)) s"

# ------------------------------------------------------ a snapshot

# 11. A snapshot; StorageSynchronized leads from the source to it
# (Role SystemElement) and from it to the source (Role SyncedElement).
w snap cm "$svc" "CreateElementReplica.SyncType=7,ElementName=\"${p}sn\",SourceElement=$(vref "$s0")"
w fwd ain -ac CIM_StorageSynchronized -ar SystemElement "$(vol "$s0")"
w rev ain -ac CIM_StorageSynchronized -ar SyncedElement -arr SystemElement "$(vol "${p}sn")"
if [ "$(lines fwd)" = 1 ] && grep -q "DeviceID=\"${p}sn\"" "$tmp/fwd" &&
   [ "$(lines rev)" = 1 ] && grep -q "DeviceID=\"$s0\"" "$tmp/rev"; then
	ktap_ok snapshot_synchronized_both_directions
else
	diag snap
	diag fwd
	diag rev
	ktap_fail snapshot_synchronized_both_directions "no relationship"
fi

# 12. Roles filter: the source plays no SyncedElement role, and the
# association's References from the snapshot name it.
w none ain -ac CIM_StorageSynchronized -ar SyncedElement "$(vol "$s0")"
w refs rin -arc CIM_StorageSynchronized "$(vol "${p}sn")"
if [ "$(lines none)" = 0 ] && [ "$(lines refs)" = 1 ] &&
   grep -q "CIM_StorageSynchronized" "$tmp/refs" &&
   grep -q "DeviceID=\\\\\?\"$s0" "$tmp/refs"; then
	ktap_ok roles_filter_and_reference_names
else
	diag none
	diag refs
	ktap_fail roles_filter_and_reference_names "wrong matches"
fi

# --------------------------------------------------------- a job

# 13. A clone returns a job; AffectedJobElement leads from the job to the
# new volume the method returned, OwningJobElement to the service.
w clone cm "$svc" "CreateElementReplica.SyncType=8,ElementName=\"${p}cl\",SourceElement=$(vref "$s0")"
job=$(grep -o 'cimrepl:job:[0-9]*' "$tmp/clone" | head -n 1)
jobp="$U:CIM_ConcreteJob.InstanceID=\"$job\""
w aff ain -ac CIM_AffectedJobElement -arc CIM_StorageVolume "$jobp"
w own ain -ac CIM_OwningJobElement "$jobp"
if [ -n "$job" ] && [ "$(lines aff)" = 1 ] &&
   grep -q "DeviceID=\"${p}cl\"" "$tmp/aff" &&
   [ "$(lines own)" = 1 ] && grep -q "CIM_ReplicationService" "$tmp/own"; then
	ktap_ok job_affected_element_is_new_volume
else
	diag clone
	diag aff
	diag own
	ktap_fail job_affected_element_is_new_volume "job '$job'"
fi

# 14. Associators returns the instance: ElementEffects of the
# association is Create (5), the volume's DeviceID through -nl ai.
w affi ai -nl -ac CIM_AffectedJobElement "$jobp"
w affr ri -nl -arc CIM_AffectedJobElement "$jobp"
if grep -q "^-DeviceID=\"${p}cl\"" "$tmp/affi" &&
   [ "$(sed -n 's/^-ElementEffects=//p' "$tmp/affr")" = 5 ]; then
	ktap_ok associators_and_references_instances
else
	diag affi
	diag affr
	ktap_fail associators_and_references_instances "no instance"
fi

# ---------------------------------------------------------- the pool

# 15. The default pool: AllocatedFromStoragePool leads to the snapshot and
# the clone, and from the clone back to the pool; the clone's target used
# its size.
w alloc ain -ac CIM_AllocatedFromStoragePool "$pool"
w allocb ain -ac CIM_AllocatedFromStoragePool -arc CIM_StoragePool "$(vol "${p}cl")"
w allocr ri -nl -arc CIM_AllocatedFromStoragePool "$(vol "${p}cl")"
if [ "$(lines alloc)" = 2 ] && grep -q "DeviceID=\"${p}sn\"" "$tmp/alloc" &&
   grep -q "DeviceID=\"${p}cl\"" "$tmp/alloc" &&
   [ "$(lines allocb)" = 1 ] && grep -q 'cimrepl:pool:default' "$tmp/allocb" &&
   [ "$(sed -n 's/^-SpaceConsumed=//p' "$tmp/allocr")" = $((8 << 20)) ]; then
	ktap_ok pool_allocated_replicas
else
	diag alloc
	diag allocb
	diag allocr
	ktap_fail pool_allocated_replicas "wrong replicas"
fi

# 16. The association classes enumerate: one HostedService, two
# StorageSynchronized, one ElementConformsToProfile in interop.
n_hs=$(wbemcli ein "$U:CIM_HostedService" 2>&1 | grep -c .)
n_ss=$(wbemcli ein "$U:CIM_StorageSynchronized" 2>&1 | grep -c .)
n_cp=$(wbemcli ein "$B/interop:CIM_ElementConformsToProfile" 2>&1 | grep -c .)
if [ "$n_hs" = 1 ] && [ "$n_ss" = 2 ] && [ "$n_cp" = 1 ]; then
	ktap_ok association_classes_enumerate
else
	ktap_fail association_classes_enumerate \
		"hosted $n_hs, synchronized $n_ss, conforms $n_cp"
fi

# 17. Bad association requests: an object that is not there, a class not
# served.
if ! w b1 ain "$(vol "${p}nothere")" && grep -q CIM_ERR_NOT_FOUND "$tmp/b1" &&
   ! w b2 ain "$U:CIM_Nothing.Name=\"x\"" &&
   grep -q CIM_ERR_INVALID_PARAMETER "$tmp/b2"; then
	ktap_ok bad_association_requests_refused
else
	diag b1
	diag b2
	ktap_fail bad_association_requests_refused "accepted"
fi

ktap_print_msg "associations done at $(($(date +%s) - started)) s"

# -------------------------------------------------------- cimreplctl

# 18. cimreplctl capabilities --json has the instance's replication types
# and actions, and the operations of the list method (when there).
jtypes=$(jq -r '[.replication_types[].value | tostring] | join(",")' "$tmp/cj" 2>/dev/null)
jsync=$(jq -r '[.synchronous_actions[].value | tostring] | join(",")' "$tmp/cj" 2>/dev/null)
jops=$(jvalues 10 list_operations)
grep -q '"ModifyListSynchronization"' "$tmp/gc" && w_jops=2,8,14 || w_jops=''
if same_set "$jtypes" "$want" && echo ",$jsync," | grep -q ',19,' &&
   same_set "$jops" "$w_jops"; then
	ktap_ok cimreplctl_capabilities_json
else
	diag cj
	ktap_fail cimreplctl_capabilities_json "types '$jtypes', actions '$jsync', list operations '$jops'"
fi

# 19. The table names them.
"$ctl" --socket "$sock" capabilities >"$tmp/ct" 2>&1
if grep -q "^Synchronous Snapshot Local (6)" "$tmp/ct" &&
   grep -q "^Synchronous Clone Local (10)" "$tmp/ct" &&
   grep -q "copy states *Unsynchronized (3), Synchronized (4)" "$tmp/ct"; then
	ktap_ok cimreplctl_capabilities_table
else
	diag ct
	ktap_fail cimreplctl_capabilities_table "missing rows"
fi

# 20. The daemon logged no failure.
if ! grep -qi 'out of memory\|assert\|sanitizer' "$tmp/daemon.log"; then
	ktap_ok daemon_log_clean
else
	diag daemon.log
	ktap_fail daemon_log_clean "see the log"
fi
ktap_print_msg "the walk took $(($(date +%s) - started)) s"

ktap_finished
