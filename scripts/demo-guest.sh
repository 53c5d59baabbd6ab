#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the guest (scripts/demo.sh boots it). Every step prints
# the command it runs, so that the output reads like an admin's session.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/ctl:$PATH"
export PATH

step()
{
	printf '\n\033[1m### %s\033[0m\n' "$1"
}

run()
{
	printf '# %s\n' "$*"
	"$@"
}

# The SCSI disk of the LIO backstore named $1 (LIO reports the backstore's
# name as the INQUIRY product), waiting for it to appear.
lun_disk()
{
	for i in $(seq 1 100); do
		for s in /sys/class/scsi_device/*/device; do
			[ "$(tr -d ' ' <"$s/vendor")" = LIO-ORG ] || continue
			[ "$(tr -d ' ' <"$s/model")" = "$1" ] || continue
			for b in "$s"/block/*; do
				[ -b "/dev/${b##*/}" ] && echo "/dev/${b##*/}" && return 0
			done
		done
		sleep 0.2
	done
	echo "no SCSI disk for backstore $1" >&2
	return 1
}

step "The module is loaded and answers on its netlink family"
lsmod | grep -E '^(cimrepl|target_core_mod|tcm_loop)'
run cimreplctl kernel info

step "A managed volume over a RAM disk: /dev/cimrepl/db0 over /dev/ram0"
run cimreplctl volume create db0 --backing /dev/ram0
run ls -l /dev/cimrepl/
run cimreplctl volume list

step "LIO exports the volume as a LUN (block backstore, tcm_loop)"
run targetcli /backstores/block create name=db0 dev=/dev/cimrepl/db0 >/dev/null
naa=$(targetcli /loopback create 2>/dev/null | sed -n 's/.*Created target \(naa\.[0-9a-f]*\).*/\1/p')
run targetcli "/loopback/$naa/luns" create /backstores/block/db0 >/dev/null
run targetcli ls /
disk=$(lun_disk db0)
echo "the LUN is $disk"
run sg_inq "$disk" | sed -n '/Vendor identification/,/Product revision/p'

step "An initiator writes through the LUN; the data is on the RAM disk"
run dd if=/dev/urandom of=/tmp/pattern bs=1M count=8 status=none
run dd if=/tmp/pattern of="$disk" bs=1M oflag=direct status=none
run sg_sync "$disk"
printf 'through the LUN: %s\n' "$(dd if="$disk" bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
printf 'on /dev/ram0:    %s\n' "$(dd if=/dev/ram0 bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
printf 'written:         %s\n' "$(sha256sum </tmp/pattern | cut -c1-16)"

step "The volume cannot go away while LIO holds it"
run cimreplctl volume delete db0 || true

step "A pool for snapshot data (a RAM disk here), 64 KiB chunks"
run cimreplctl pool create snaps --device /dev/ram1 --format
run cimreplctl pool list

step "Snapshot db0 while the LUN is live (SyncType 7, one point in time)"
run cimreplctl replica create --sync-type snapshot --source db0 --name db0-snap1 --pool snaps
run cimreplctl sync list

step "The initiator overwrites the LUN; the snapshot keeps the old data"
run dd if=/dev/urandom of=/tmp/pattern2 bs=1M count=8 status=none
run dd if=/tmp/pattern2 of="$disk" bs=1M oflag=direct status=none
printf 'source LUN now:  %s (the new data)\n' "$(dd if="$disk" bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
printf 'snapshot:        %s (the first data)\n' "$(dd if=/dev/cimrepl/db0-snap1 bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
run cimreplctl pool show snaps

step "The snapshot is a LUN of its own"
run targetcli /backstores/block create name=db0-snap1 dev=/dev/cimrepl/db0-snap1 >/dev/null
run targetcli "/loopback/$naa/luns" create /backstores/block/db0-snap1 >/dev/null
snapdisk=$(lun_disk db0-snap1)
printf 'snapshot LUN %s: %s\n' "$snapdisk" "$(dd if="$snapdisk" bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"

step "Tear down: LUNs, backstores, snapshot, pool, volume"
run targetcli /loopback delete "$naa" >/dev/null
run targetcli /backstores/block delete db0-snap1 >/dev/null
run targetcli /backstores/block delete db0 >/dev/null
run cimreplctl replica delete db0-snap1
run cimreplctl pool delete snaps
run cimreplctl volume delete db0
run cimreplctl volume list

printf '\nNext: clones and mirrors (SyncTypes 8 and 6), and CreateListReplica over CIM-XML.\n'
