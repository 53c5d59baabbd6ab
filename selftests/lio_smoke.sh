#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lio_smoke.sh - LIO end to end, without cimrepl: a `block` backstore on a
# brd device, exported through a tcm_loop target as a local SCSI disk.
# Proves that the VM has what every later test builds on: targetcli works,
# the LUN shows up as an sd disk with the backstore's identity, data written
# through the disk lands on the backing device, and teardown leaves nothing
# behind in configfs.
#
# Run as root inside the test VM:
#	scripts/vm-run --no-module -- selftests/lio_smoke.sh
#
# Environment: LIO_SMOKE_DEV, the brd device to use (default /dev/ram0; it
# is overwritten).
#
# Setup and teardown each go through one targetcli (lio_batch in lio.sh,
# which says why), and every step is checked in configfs and sysfs.
#
# No "set -e": a failing check is a test result, not the end of the script.

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

cfs=/sys/kernel/config/target
dev=${LIO_SMOKE_DEV:-/dev/ram0}
rnd=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
name="smoke${rnd%??????}"		# backstore; also the SCSI model string
wwn="naa.5001405${rnd}"			# tcm_loop target WWN: 16 hex digits
wwn=${wwn%???}
size_mb=16				# pattern written through the LUN
sd=
so=					# the backstore's configfs directory

ktap_require_root
ktap_require_cmd targetcli sg_inq fio dd sha256sum
[ -b "$dev" ] || ktap_skip_all "$dev missing (load brd)"
[ -d "$cfs/core" ] || ktap_skip_all "$cfs/core missing (configfs, target_core_mod)"
[ -d /sys/module/tcm_loop ] || ktap_skip_all "tcm_loop not loaded"
[ -d /sys/module/target_core_iblock ] || ktap_skip_all "target_core_iblock not loaded"

tmp=$(mktemp -d)
lio_tmp=$tmp

# teardown - remove whatever this test created; quiet, idempotent.
teardown()
{
	{
		[ -d "$cfs/loopback/$wwn" ] && echo "/loopback delete $wwn"
		[ -n "$so" ] && [ -d "$so" ] && echo "/backstores/block delete $name"
	} >"$tmp/teardown.cmds"
	[ -s "$tmp/teardown.cmds" ] && lio_batch <"$tmp/teardown.cmds"
	return 0
}

cleanup()
{
	teardown >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 8

# 1. A block backstore on the brd device: enabled, on the right device.
lio_batch <<EOF
/backstores/block create name=$name dev=$dev
EOF
so=$(ls -d "$cfs"/core/iblock_*/"$name" 2>/dev/null | head -n 1)
if [ -n "$so" ] && [ "$(cat "$so/enable")" = 1 ] &&
   [ "$(cat "$so/udev_path")" = "$dev" ]; then
	ktap_ok create_block_backstore
else
	ktap_print_msg "$(cat "$tmp/targetcli.out")"
	ktap_fail create_block_backstore "no enabled iblock object $name on $dev in configfs"
	so=
fi

# 2. A tcm_loop target with one LUN mapped to the backstore.
if [ -n "$so" ]; then
	lio_batch <<EOF
/loopback create $wwn
/loopback/$wwn/luns create /backstores/block/$name
EOF
	lun="$cfs/loopback/$wwn/tpgt_1/lun/lun_0"
	link=$(find "$lun" -maxdepth 1 -type l 2>/dev/null | head -n 1)
	if [ -n "$link" ] && [ "$(readlink -f "$link")" = "$(readlink -f "$so")" ]; then
		ktap_ok create_loopback_lun
	else
		ktap_print_msg "$(cat "$tmp/targetcli.out")"
		ktap_fail create_loopback_lun "no lun_0 of $wwn linked to $name"
	fi
else
	ktap_skip create_loopback_lun "no backstore"
fi

# 3. The LUN appears as an sd disk, with the NAA designator LIO derives from
# the unit serial.
naa=
if [ -n "$so" ]; then
	naa=$(lio_naa "$so")
	i=0
	while ! sd=$(lio_find_disk "$name" "$naa") && [ "$i" -lt 150 ]; do
		i=$((i + 1))
		sleep 0.2
	done
fi
if [ -n "$sd" ]; then
	ktap_print_msg "LUN is /dev/$sd, naa.$naa"
	ktap_ok scsi_disk_appears
else
	ktap_print_msg "scsi devices: $(ls /sys/class/scsi_device/ 2>/dev/null | tr '\n' ' ')"
	ktap_fail scsi_disk_appears "no LIO-ORG/$name disk with naa.$naa after 30 s"
fi

# 4. A random pattern written through the disk with O_DIRECT reads back.
# 5. The backing brd device holds the same bytes: the data went through LIO.
if [ -n "$sd" ]; then
	dd if=/dev/urandom of="$tmp/pattern" bs=1M count="$size_mb" status=none
	want=$(sha256sum <"$tmp/pattern" | cut -d' ' -f1)
	dd if="$tmp/pattern" of="/dev/$sd" bs=1M oflag=direct conv=fsync status=none
	got=$(dd if="/dev/$sd" bs=1M count="$size_mb" iflag=direct status=none |
		sha256sum | cut -d' ' -f1)
	if [ "$got" = "$want" ]; then
		ktap_ok write_read_through_lun
	else
		ktap_fail write_read_through_lun "read back $got, wrote $want"
	fi
	got=$(dd if="$dev" bs=1M count="$size_mb" iflag=direct status=none |
		sha256sum | cut -d' ' -f1)
	if [ "$got" = "$want" ]; then
		ktap_ok backing_device_has_data
	else
		ktap_fail backing_device_has_data "$dev holds $got, wrote $want"
	fi
else
	ktap_skip write_read_through_lun "no disk"
	ktap_skip backing_device_has_data "no disk"
fi

# 6. fio random writes with checksums, verified on read, past the pattern.
if [ -n "$sd" ]; then
	ktap_run fio_verify_through_lun \
		fio --name=smoke --filename="/dev/$sd" --direct=1 --ioengine=psync \
		--rw=randwrite --bs=16k --offset=$((size_mb * 2))M --size=16M \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --minimal
else
	ktap_skip fio_verify_through_lun "no disk"
fi

# 7. VPD page 0x83 carries the NAA designator of the backstore.
if [ -n "$sd" ]; then
	sg_inq -p 0x83 "/dev/$sd" >"$tmp/vpd83" 2>&1
	if grep -q 'designator_type: NAA' "$tmp/vpd83" &&
	   grep -qi "0x$naa" "$tmp/vpd83"; then
		ktap_ok vpd83_naa_designator
	else
		ktap_print_msg "$(cat "$tmp/vpd83")"
		ktap_fail vpd83_naa_designator "no NAA designator 0x$naa"
	fi
else
	ktap_skip vpd83_naa_designator "no disk"
fi

# 8. Teardown removes the disk, the target and the backstore; configfs
# core/ keeps only its permanent alua/ directory.
if [ -n "$so" ]; then
	teardown
	left=$(ls "$cfs/core" | grep -vx alua)
	tgts=$(ls "$cfs/loopback" 2>/dev/null | grep '^naa\.')
	if [ -n "$sd" ] && [ -e "/sys/block/$sd" ]; then
		ktap_fail teardown_leaves_nothing "/dev/$sd still exists"
	elif [ -n "$left$tgts" ]; then
		ktap_print_msg "$(cat "$tmp/targetcli.out")"
		ktap_fail teardown_leaves_nothing "left behind: $(echo $left $tgts)"
	else
		ktap_ok teardown_leaves_nothing
	fi
	so=
else
	ktap_skip teardown_leaves_nothing "nothing was created"
fi

ktap_finished
