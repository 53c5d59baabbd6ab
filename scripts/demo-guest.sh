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
run cimreplctl kernel pool create snaps --device /dev/ram1 --format
run cimreplctl kernel pool list

step "Snapshot db0 while the LUN is live (SyncType 7, one point in time)"
run cimreplctl kernel replica create --sync-type snapshot --source db0 --name db0-snap1 --pool snaps
run cimreplctl kernel sync list

step "The initiator overwrites the LUN; the snapshot keeps the old data"
run dd if=/dev/urandom of=/tmp/pattern2 bs=1M count=8 status=none
run dd if=/tmp/pattern2 of="$disk" bs=1M oflag=direct status=none
printf 'source LUN now:  %s (the new data)\n' "$(dd if="$disk" bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
printf 'snapshot:        %s (the first data)\n' "$(dd if=/dev/cimrepl/db0-snap1 bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
run cimreplctl kernel pool show snaps

step "The snapshot is a LUN of its own"
run targetcli /backstores/block create name=db0-snap1 dev=/dev/cimrepl/db0-snap1 >/dev/null
run targetcli "/loopback/$naa/luns" create /backstores/block/db0-snap1 >/dev/null
snapdisk=$(lun_disk db0-snap1)
printf 'snapshot LUN %s: %s\n' "$snapdisk" "$(dd if="$snapdisk" bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"

step "A clone (SyncType 8) of the live volume onto /dev/ram2, copied in the background"
run cimreplctl kernel replica create --sync-type clone --pool snaps --source db0 --name db0-clone --target /dev/ram2 --throttle 8192
run cimreplctl kernel sync show db0-clone
printf 'clone, at once:  %s (the point in time: the second data)\n' "$(dd if=/dev/cimrepl/db0-clone bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
run dd if=/dev/urandom of="$disk" bs=1M count=8 oflag=direct status=none
printf 'source LUN now:  %s (a third data)\n' "$(dd if="$disk" bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
printf 'clone:           %s (still the point in time)\n' "$(dd if=/dev/cimrepl/db0-clone bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
run cimreplctl kernel sync set db0-clone --throttle 0
run cimreplctl kernel sync wait db0-clone --state synchronized --timeout 600
run cimreplctl kernel sync show db0-clone
step "Detach: the clone becomes an independent volume over /dev/ram2"
run cimreplctl kernel sync modify --operation detach db0-clone
run cimreplctl volume show db0-clone
printf 'on /dev/ram2:    %s\n' "$(dd if=/dev/ram2 bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"

step "SMI-S: cimrepld answers a WBEM client (wbemcli) over CIM-XML"
install -m 0600 /dev/null /tmp/cimrepl-passwd
printf 'admin:%s\n' "$(openssl passwd -6 demo)" >>/tmp/cimrepl-passwd
run cimrepld --state-dir /tmp/cimrepl-state --socket /tmp/cimrepld.sock \
	--listen 127.0.0.1:5988 --credentials /tmp/cimrepl-passwd \
	--pool-size 268435456 >/tmp/cimrepld.log 2>&1 &
daemon=$!
for i in $(seq 1 50); do
	[ -S /tmp/cimrepld.sock ] && break
	sleep 0.2
done
url=http://admin:demo@127.0.0.1:5988/root/cimv2
host=$(hostname)
svc="$url:CIM_ReplicationService.CreationClassName=\"CIM_ReplicationService\",Name=\"cimrepl\",SystemCreationClassName=\"CIM_ComputerSystem\",SystemName=\"$host\""
vol()
{
	printf '127.0.0.1:5988/root/cimv2:CIM_StorageVolume.CreationClassName="CIM_StorageVolume",DeviceID="%s",SystemCreationClassName="CIM_ComputerSystem",SystemName="%s"' "$1" "$host"
}
run wbemcli ein "$url:CIM_StorageVolume"
printf '# the LUN of db0 says NAA %s in VPD page 0x83\n' \
	"$(sg_inq -p 0x83 "$disk" | grep -io '0x6001405[0-9a-f]*' | head -1 | cut -c3-)"
run wbemcli gi "$(printf '%s:CIM_StorageVolume.CreationClassName="CIM_StorageVolume",DeviceID="db0",SystemCreationClassName="CIM_ComputerSystem",SystemName="%s"' "$url" "$host")" Name
step "CreateElementReplica: a snapshot (SyncType 7) of db0, then a clone (8) onto an existing volume"
run wbemcli cm "$svc" "CreateElementReplica.SyncType=7,ElementName=\"db0 before upgrade\",SourceElement=$(vol db0)"
run targetcli /backstores/block create name=spare dev=/dev/ram3 >/dev/null
run wbemcli cm "$svc" "CreateElementReplica.SyncType=8,ElementName=\"db0 copy\",WaitForCopyState=4,SourceElement=$(vol db0),TargetElement=$(vol spare)"
run wbemcli ei "$url:CIM_StorageSynchronized" SyncType,CopyState,PercentSynced
run targetcli ls /backstores/block

step "cimreplctl is a client of the same front door (CIM-XML on the UNIX socket)"
run cimreplctl --socket /tmp/cimrepld.sock storage list
run cimreplctl --socket /tmp/cimrepld.sock replica create --sync-type clone \
	--source db0 --name db0-nightly
run cimreplctl --socket /tmp/cimrepld.sock job list
job=$(cimreplctl --socket /tmp/cimrepld.sock --json job list | jq -r '.[-1].id')
run cimreplctl --socket /tmp/cimrepld.sock job wait "$job" --timeout 600
run cimreplctl --socket /tmp/cimrepld.sock sync list

step "A mirror (SyncType 6, synchronous) of db0: every later write reaches both"
run cimreplctl --socket /tmp/cimrepld.sock replica create --sync-type mirror \
	--mode sync --source db0 --name db0-mirror --wait-for synchronized
run cimreplctl --socket /tmp/cimrepld.sock sync show db0-mirror
run targetcli "/loopback/$naa/luns" create /backstores/block/db0-mirror >/dev/null
mdisk=$(lun_disk db0-mirror)
run dd if=/dev/urandom of=/tmp/pattern3 bs=1M count=8 status=none
run dd if=/tmp/pattern3 of="$disk" bs=1M oflag=direct status=none
step "Fracture (ModifyListSynchronization): the mirror stops following and keeps that data"
run cimreplctl --socket /tmp/cimrepld.sock sync modify --operation fracture db0-mirror
run dd if=/dev/urandom of="$disk" bs=1M count=1 seek=2 oflag=direct status=none
printf 'written before:  %s\n' "$(sha256sum </tmp/pattern3 | cut -c1-16)"
printf 'mirror LUN %s: %s (the data of the fracture)\n' "$mdisk" "$(dd if="$mdisk" bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
printf 'source LUN now:  %s (one more MiB written)\n' "$(dd if="$disk" bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
run cimreplctl --socket /tmp/cimrepld.sock sync show db0-mirror
step "Resync: only the regions written since the fracture are copied again"
run cimreplctl --socket /tmp/cimrepld.sock sync modify --operation resync \
	--wait-for synchronized db0-mirror
printf 'mirror LUN now:  %s (the source again)\n' "$(dd if="$mdisk" bs=1M count=8 iflag=direct status=none | sha256sum | cut -c1-16)"
run cimreplctl --socket /tmp/cimrepld.sock sync list
kill "$daemon"
wait "$daemon" 2>/dev/null || true

step "Tear down: LUNs, backstores, replicas, pool, volumes"
run targetcli /loopback delete "$naa" >/dev/null
for d in /sys/kernel/config/target/core/iblock_*/*/; do
	[ -f "${d}udev_path" ] || continue
	run targetcli /backstores/block delete "$(basename "$d")" >/dev/null
done
for r in $(cimreplctl --json kernel sync list | jq -r '.[].target'); do
	run cimreplctl kernel replica delete "$r"
done
for p in $(cimreplctl --json kernel pool list | jq -r '.[].name'); do
	run cimreplctl kernel pool delete "$p"
done
for v in $(cimreplctl --json volume list | jq -r '.[].name'); do
	run cimreplctl volume delete "$v"
done
run cimreplctl volume list

printf '\nMore: cimreplctl capabilities, sync list --filter, and the WBEM walk from interop (Documentation/cimrepld.rst).\n'
