# SPDX-License-Identifier: GPL-2.0
#
# selftests/lio.sh - LIO helpers for cimrepl's shell selftests: block
# backstores exported as local SCSI disks through tcm_loop. Source it after
# lib.sh and set lio_tmp to a scratch directory:
#
#	. "$(dirname "$0")/lib.sh"
#	. "$(dirname "$0")/lio.sh"
#	lio_require
#	lio_tmp=$(mktemp -d)
#	wwn=$(lio_new_wwn)
#	lio_batch <<EOF
#	/backstores/block create name=db0 dev=/dev/cimrepl/db0
#	/loopback create $wwn
#	/loopback/$wwn/luns create /backstores/block/db0
#	EOF
#	sd=$(lio_wait_disk db0) || ...		# "sdb"
#
# targetcli costs 3-7 s per invocation under TCG (Python start-up and
# rtslib's scan of configfs), 20-35 s when make check's four guests share
# two cores, so tests batch their commands through one targetcli reading
# stdin, or, where targetcli itself is not what they test, use
# selftests/liotool (configfs directly, milliseconds): lio_export, lio_drop,
# lio_clear. In that mode targetcli reports errors but always
# exits 0: check the outcome in configfs and sysfs (lio_backstore_dir,
# lio_wait_disk) instead of trusting its status.
#
# A backstore's name is also its disks' SCSI model string, which is at most
# 16 characters: keep backstore names that short, or lio_find_disk will not
# recognise them.

lio_cfs=/sys/kernel/config/target
lio_tool="$(cd "$(dirname "$0")" && pwd -P)/liotool"

# lio_require - skip everything unless targetcli, configfs, tcm_loop and the
# iblock backend are there.
lio_require()
{
	ktap_require_cmd targetcli
	[ -d "$lio_cfs/core" ] ||
		ktap_skip_all "$lio_cfs/core missing (configfs, target_core_mod)"
	[ -d /sys/module/tcm_loop ] || ktap_skip_all "tcm_loop not loaded"
	[ -d /sys/module/target_core_iblock ] ||
		ktap_skip_all "target_core_iblock not loaded"
}

# lio_new_wwn - a random tcm_loop target WWN: naa.5001405 and 9 hex digits.
lio_new_wwn()
{
	lio_rnd=$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n')
	echo "naa.5001405${lio_rnd%?}"
}

# lio_batch - run the targetcli commands on stdin in one targetcli, timed;
# its output goes to $lio_tmp/targetcli.out.
lio_batch()
{
	lio_t0=$(date +%s.%N)
	{ echo "set global auto_save_on_exit=false"; cat; echo exit; } |
		targetcli >"$lio_tmp/targetcli.out" 2>&1
	lio_rc=$?
	lio_t1=$(date +%s.%N)
	ktap_print_msg "targetcli batch took $(echo "$lio_t1 - $lio_t0" | bc) s"
	return "$lio_rc"
}

# lio_backstore_dir NAME - the configfs directory of block backstore NAME,
# when it exists and is enabled; nothing and status 1 otherwise.
lio_backstore_dir()
{
	lio_so=$(ls -d "$lio_cfs"/core/iblock_*/"$1" 2>/dev/null | head -n 1)
	[ -n "$lio_so" ] && [ "$(cat "$lio_so/enable" 2>/dev/null)" = 1 ] ||
		return 1
	echo "$lio_so"
}

# lio_naa DIR - the NAA designator LIO derives from the unit serial of the
# backstore in configfs directory DIR: 6, the IEEE company id 001405, 25 hex
# digits of the serial.
lio_naa()
{
	lio_serial=$(sed -n 's/^T10 VPD Unit Serial Number: //p' \
		"$1/wwn/vpd_unit_serial")
	echo "6001405$(printf '%s' "$lio_serial" | tr -d '-' | cut -c1-25)"
}

# lio_find_disk NAME NAA - the sd device whose SCSI VPD page 0x83 says
# naa.NAA and whose INQUIRY says LIO-ORG / NAME, or nothing and status 1.
lio_find_disk()
{
	for lio_s in /sys/class/scsi_device/*/device; do
		[ -r "$lio_s/vendor" ] || continue
		[ "$(tr -d ' ' <"$lio_s/vendor")" = LIO-ORG ] || continue
		[ "$(tr -d ' ' <"$lio_s/model")" = "$1" ] || continue
		[ "$(cat "$lio_s/wwid" 2>/dev/null)" = "naa.$2" ] || continue
		for lio_b in "$lio_s"/block/*; do
			[ -b "/dev/${lio_b##*/}" ] && echo "${lio_b##*/}" &&
				return 0
		done
	done
	return 1
}

# lio_wait_disk NAME [SECONDS] - wait (default 30 s) for the disk that
# exports block backstore NAME to appear; print its sd name.
lio_wait_disk()
{
	lio_dir=$(lio_backstore_dir "$1") || return 1
	lio_id=$(lio_naa "$lio_dir")
	lio_i=0
	while ! lio_find_disk "$1" "$lio_id"; do
		lio_i=$((lio_i + 1))
		[ "$lio_i" -lt $((${2:-30} * 5)) ] || return 1
		sleep 0.2
	done
}

# lio_export TPG NAME DEV - block backstore NAME over DEV, exported as a LUN
# of TPG (loopback/WWN/tpgt_1), with liotool. liotool's errors on stderr.
lio_export()
{
	"$lio_tool" block create "$2" "$3" >/dev/null &&
		"$lio_tool" lun export "$1" "$2" >/dev/null
}

# lio_drop NAME - unexport every LUN of block backstore NAME, then delete
# it, with liotool.
lio_drop()
{
	"$lio_tool" lun list "$1" | while read -r lio_t lio_l; do
		"$lio_tool" lun unexport "$lio_t" "$lio_l" || exit 1
	done &&
		"$lio_tool" block delete "$1"
}

# lio_clear WWN NAME... - delete tcm_loop target WWN (its LUNs with it) and
# the block backstores NAME, those that are there, with liotool.
lio_clear()
{
	[ -n "$1" ] && [ -d "$lio_cfs/loopback/$1" ] &&
		"$lio_tool" loopback delete "$1"
	shift
	for lio_b in "$@"; do
		lio_backstore_dir "$lio_b" >/dev/null &&
			"$lio_tool" block delete "$lio_b"
	done
	return 0
}
