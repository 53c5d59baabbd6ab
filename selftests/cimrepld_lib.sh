# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2154 # p and tmp are set by the test
#
# selftests/cimrepld_lib.sh - the scaffolding cimrepld's selftests share:
# the daemon's start and stop, wbemcli calls on the service and jobs,
# CIM-XML requests posted over the daemon's socket, LUN export through
# selftests/liotool, and a teardown that removes whatever a test made
# (lib.sh has the block-device helpers and checksums). Source it after lib.sh and
# lio.sh, with p set to the test's name prefix (every backstore, volume and
# replica the test makes starts with it: the teardown goes by it):
#
#	. "$(dirname "$0")/lib.sh"
#	. "$(dirname "$0")/lio.sh"
#	p="xx$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
#	. "$(dirname "$0")/cimrepld_lib.sh"
#	crl_require 7 8			# root, LIO, the tools, those engines
#	crl_init			# $tmp, the daemon's socket, $U, $svc...
#	daemon_args="--listen 127.0.0.1:$port --credentials $tmp/passwd"
#	...
#	ktap_plan N
#
# crl_init sets the EXIT trap: teardown (crl_teardown unless the test
# defines its own, which should call crl_teardown), then the scratch
# directory goes. crl_teardown calls crl_teardown_extra, which a test may
# define, after the kernel objects are gone and before the loop devices.
#
# Variables a test may set: span (MiB that sum_dev reads, default 16),
# pool_size (bytes of the daemon's default file pool, default 256 MiB),
# daemon_args (more options, split at blanks), wwn or tpg (the tcm_loop
# target; teardown deletes it), loops (loop devices; teardown detaches
# them), module_throttle (non-empty: teardown resets the module's default
# throttle), crl_pools (kernel pools other than "default" to delete).

# shellcheck disable=SC2034 # the variables are the tests'
{
	top=$(cd "$(dirname "$0")/.." && pwd -P)
	ctl="$top/ctl/cimreplctl"
	daemon="$top/ctl/cimrepld"
	tool="$top/selftests/liotool"
	user="admin"
	pass=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	port=5988
	span=16
	pool_size=$((256 << 20))
	daemon_args=
	wwn=
	tpg=
	loops=
	dpid=
	module_throttle=
	crl_pools=
}

# crl_require [SYNCTYPE...] - skip everything unless this runs as root with
# LIO, the daemon, cimreplctl and liotool built, cimrepl.ko loaded, and an
# engine for every SYNCTYPE (7 snapshot, 8 clone, 6 mirror).
crl_require()
{
	ktap_require_root
	lio_require
	for crl_f in "$ctl" "$daemon" "$tool"; do
		[ -x "$crl_f" ] ||
			ktap_skip_all "$crl_f is not built (make userspace lio)"
	done
	[ -d /sys/module/cimrepl ] || ktap_skip_all "cimrepl.ko is not loaded"
	for crl_t in "$@"; do
		"$ctl" --json kernel info |
			jq -e ".sync_types | map(.value) | index($crl_t)" \
			>/dev/null 2>&1 ||
			ktap_skip_all "the module has no engine for SyncType $crl_t"
	done
}

# crl_init - the scratch directory $tmp (also lio.sh's), the daemon's
# socket $sock, this host's name $host, the root/cimv2 URL $U, the
# service's path $svc; the EXIT trap.
crl_init()
{
	tmp=$(mktemp -d)
	lio_tmp=$tmp
	sock="$tmp/cimrepld.sock"
	host=$(hostname)
	U="http://$user:$pass@127.0.0.1:$port/root/cimv2"
	svc="$U:CIM_ReplicationService.CreationClassName=\"CIM_ReplicationService\",Name=\"cimrepl\",SystemCreationClassName=\"CIM_ComputerSystem\",SystemName=\"$host\""
	trap crl_cleanup EXIT
	trap 'exit 1' INT TERM
}

# C ARGS... - cimreplctl on the daemon's socket.
C()
{
	"$ctl" --socket "$sock" "$@"
}

# ------------------------------------------------------- the daemon

# crl_passwd - the credentials file $tmp/passwd: $user with $pass.
crl_passwd()
{
	printf '%s:%s\n' "$user" "$(openssl passwd -6 "$pass")" >"$tmp/passwd"
	chmod 600 "$tmp/passwd"
}

# daemon_ready - does the daemon answer? It binds its listeners one after
# the other (UNIX socket, TCP, TLS) once it is ready to serve: with TCP in
# $daemon_args, any HTTP answer on $port; else cimreplctl on the socket.
# (wbemcli costs seconds a call under TCG.) A test may define its own.
daemon_ready()
{
	case " $daemon_args " in
	*" --listen "*)
		curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null ;;
	*)
		C storage list >/dev/null 2>&1 ;;
	esac
}

# daemon_start [ARGS...] - start cimrepld with its state and socket in
# $tmp, a $pool_size default pool, $daemon_args and ARGS, its output
# appended to $tmp/daemon.log; wait (30 s at most) until daemon_ready.
# Status 1 when it does not answer.
daemon_start()
{
	# shellcheck disable=SC2086 # daemon_args is a list of options
	"$daemon" --state-dir "$tmp/state" --socket "$sock" \
		--pool-size "$pool_size" $daemon_args "$@" \
		>>"$tmp/daemon.log" 2>&1 &
	dpid=$!
	ds_i=0
	until daemon_ready; do
		ds_i=$((ds_i + 1))
		kill -0 "$dpid" 2>/dev/null && [ "$ds_i" -lt 150 ] || return 1
		sleep 0.2
	done
}

# daemon_stop [SIGNAL] - stop the daemon (default SIGTERM); its exit status.
# shellcheck disable=SC2120 # the tests pass a signal
daemon_stop()
{
	[ -n "$dpid" ] || return 0
	kill -"${1:-TERM}" "$dpid" 2>/dev/null
	# (the shell's "Killed" notice is not TAP)
	{ wait "$dpid"; } 2>/dev/null
	ds_rc=$?
	dpid=
	return "$ds_rc"
}

# ------------------------------------------------------------- wbemcli

# vref DEVICEID - a CIM_StorageVolume reference as wbemcli cm takes it.
vref()
{
	printf 'localhost:%s/root/cimv2:CIM_StorageVolume.CreationClassName="CIM_StorageVolume",DeviceID="%s",SystemCreationClassName="CIM_ComputerSystem",SystemName="%s"' \
		"$port" "$1" "$host"
}

# vol_prop DEVICEID PROP - a property of a storage volume (wbemcli gi).
vol_prop()
{
	wbemcli -nl gi "$U:CIM_StorageVolume.CreationClassName=\"CIM_StorageVolume\",DeviceID=\"$1\",SystemCreationClassName=\"CIM_ComputerSystem\",SystemName=\"$host\"" 2>&1 |
		sed -n "s/^-$2=//p" | tr -d '"'
}

# cm METHOD.PARAMS - wbemcli cm on the service; output in $tmp/cm, the
# return value in $rv ("" when there is none).
cm()
{
	wbemcli cm "$svc" "$1" >"$tmp/cm" 2>&1
	rv=$(grep -o "${1%%.*}: [0-9]*" "$tmp/cm" | head -n 1 | cut -d' ' -f2)
}

# job_of FILE - the InstanceID of the Job reference in wbemcli output.
job_of()
{
	grep -o 'cimrepl:job:[0-9]*' "$1" | head -n 1
}

# job_get ID - wbemcli gi of job ID into $tmp/job; status of wbemcli.
job_get()
{
	wbemcli -nl gi "$U:CIM_ConcreteJob.InstanceID=\"$1\"" >"$tmp/job" 2>&1
}

# job_prop NAME - property NAME of the job job_get read.
job_prop()
{
	sed -n "s/^-$1=//p" "$tmp/job" | tr -d '"'
}

# job_wait ID SECONDS - poll job ID with wbemcli until it is no longer
# running (JobState 2/3/4); true when it completed (JobState 7).
job_wait()
{
	jw_end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -le "$jw_end" ]; do
		job_get "$1" || return 1
		case $(job_prop JobState) in
		2|3|4) sleep 0.5 ;;
		7) return 0 ;;
		*) return 1 ;;
		esac
	done
	return 1
}

# keys_xml CLASS KEY=VALUE... - an INSTANCENAME.
keys_xml()
{
	printf '<INSTANCENAME CLASSNAME="%s">' "$1"
	shift
	for kv in "$@"; do
		printf '<KEYBINDING NAME="%s"><KEYVALUE VALUETYPE="string">%s</KEYVALUE></KEYBINDING>' \
			"${kv%%=*}" "${kv#*=}"
	done
	printf '</INSTANCENAME>'
}

# svc_xml - the service's INSTANCENAME.
svc_xml()
{
	keys_xml CIM_ReplicationService \
		CreationClassName=CIM_ReplicationService Name=cimrepl \
		SystemCreationClassName=CIM_ComputerSystem SystemName="$host"
}

# vol_xml DEVICEID - a storage volume's INSTANCENAME.
vol_xml()
{
	keys_xml CIM_StorageVolume CreationClassName=CIM_StorageVolume \
		DeviceID="$1" SystemCreationClassName=CIM_ComputerSystem \
		SystemName="$host"
}

# cim_post BODYFILE METHOD OBJECT [CURL ARGS...] - POST a CIM-XML request
# over the UNIX socket; response body in $tmp/resp, headers in $tmp/hdr, the
# HTTP status printed.
cim_post()
{
	pb=$1 pm=$2 po=$3
	shift 3
	curl -s --unix-socket "$sock" -o "$tmp/resp" -D "$tmp/hdr" \
		-w '%{http_code}' -X POST \
		-H 'Content-Type: application/xml; charset="utf-8"' \
		-H 'CIMOperation: MethodCall' -H "CIMMethod: $pm" \
		-H "CIMObject: $po" --data-binary "@$pb" "$@" \
		http://localhost/cimom
}

# method_xml CLASS_INSTANCENAME METHOD PARAMVALUES - a METHODCALL request.
method_xml()
{
	printf '<?xml version="1.0" encoding="utf-8"?>\n<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="77" PROTOCOLVERSION="1.0"><SIMPLEREQ><METHODCALL NAME="%s"><LOCALINSTANCEPATH><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="cimv2"/></LOCALNAMESPACEPATH>%s</LOCALINSTANCEPATH>%s</METHODCALL></SIMPLEREQ></MESSAGE></CIM>\n' \
		"$2" "$1" "$3"
}

# ----------------------------------------------------------------- LIO

# kname DEVICEID - the kernel name of the device under backstore DEVICEID.
kname()
{
	"$tool" block show "$1" 2>/dev/null | sed -n 's|^dev=/dev/cimrepl/||p'
}

# export_lun NAME - export backstore NAME on the loopback target $tpg and
# print its sd name; liotool's errors in $tmp/export.err.
export_lun()
{
	"$tool" lun export "$tpg" "$1" >/dev/null 2>"$tmp/export.err" &&
		lio_wait_disk "$1"
}

# sg_naa SD - the NAA designator in VPD page 0x83 of /dev/SD.
sg_naa()
{
	sg_inq -p 0x83 "/dev/$1" 2>/dev/null |
		awk '/designator_type: NAA/ { naa = 1 }
		naa && /\[0x[0-9a-fA-F]+\]/ { gsub(/[][ ]|0x/, ""); print; exit }'
}

# ------------------------------------------------------------ teardown

# crl_teardown_extra - a test's own cleanup, run by crl_teardown before
# the loop devices go; none by default.
crl_teardown_extra()
{
	:
}

# crl_teardown - remove what the test made: the daemon, the module's
# default throttle, the loopback target (its LUNs with it), the backstores,
# the replicas and volumes named $p..., the pools, crl_teardown_extra, the
# loop devices. Quiet about what is not there; idempotent.
crl_teardown()
{
	daemon_stop
	[ -n "$module_throttle" ] && "$ctl" kernel sync set --throttle 0
	module_throttle=
	[ -z "$wwn" ] && [ -n "$tpg" ] && wwn=${tpg#loopback/} && wwn=${wwn%%/*}
	[ -n "$wwn" ] && "$tool" loopback delete "$wwn"
	for b in $("$tool" block list | awk -v p="$p" 'index($1, p) == 1 { print $1 }'); do
		"$tool" block delete "$b"
	done
	for n in $("$ctl" --json kernel sync list |
		   jq -r --arg p "$p" '.[] | select(.source | startswith($p)) | .target'); do
		"$ctl" kernel sync set "$n" --throttle 0
		"$ctl" kernel replica delete "$n"
	done
	for n in $("$ctl" --json volume list |
		   jq -r --arg p "$p" '.[] | select(.name | startswith($p)) | .name'); do
		"$ctl" volume delete "$n"
	done
	for k in $crl_pools default; do
		"$ctl" kernel pool show "$k" >/dev/null 2>&1 &&
			"$ctl" kernel pool delete "$k"
	done
	crl_teardown_extra
	for l in $loops; do
		losetup -d "$l"
	done
	loops=
	return 0
}

# teardown - what the EXIT trap runs; a test may define its own.
teardown()
{
	crl_teardown
}

# shellcheck disable=SC2317 # run by the trap
crl_cleanup()
{
	teardown >/dev/null 2>&1
	rm -rf "$tmp"
}
