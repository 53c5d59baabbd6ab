#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lio_lib_test.sh - ctl/lio.c, the daemon's LIO configfs library, against
# the real LIO and targetcli: a block backstore the library creates over a
# loop device is one targetcli lists and saves, its LUN on a tcm_loop target
# becomes a SCSI disk whose VPD page 0x83 carries exactly the NAA the
# library computed, data goes through it, a backstore that a LUN exports
# cannot be deleted (EBUSY), and one targetcli created is found by device.
# Driven through selftests/liotool, the library's thin command line.
#
# Run as root inside the test VM:
#	scripts/vm-run --kernel 6.1 -- selftests/run.sh lio_lib_test.sh
#
# No "set -e": a failing check is a test result, not the end of the script.

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

tool="$(cd "$(dirname "$0")" && pwd)/liotool"
cfs=$lio_cfs
rnd=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
name="lib$rnd"			# ours: also the SCSI model string (<= 16)
tcname="tc$rnd"			# targetcli's
size_mb=32
tpg=
sd=
loop1=
loop2=

ktap_require_root
ktap_require_cmd targetcli sg_inq losetup dd sha256sum python3
[ -x "$tool" ] || ktap_skip_all "$tool not built (make selftests/liotool)"
lio_require

tmp=$(mktemp -d)
lio_tmp=$tmp

cleanup()
{
	{
		[ -n "$tpg" ] && "$tool" loopback delete "$(echo "$tpg" | cut -d/ -f2)"
		"$tool" block delete "$name"
		"$tool" block delete "$tcname"
	} >/dev/null 2>&1
	[ -n "$loop1" ] && losetup -d "$loop1"
	[ -n "$loop2" ] && losetup -d "$loop2"
	rm -rf "$tmp"
}
trap cleanup EXIT

# tool_val KEY - KEY's value in the last `liotool block show/create` output
tool_val()
{
	sed -n "s/^$1=//p" "$tmp/show"
}

truncate -s "${size_mb}M" "$tmp/disk1" "$tmp/disk2"
loop1=$(losetup -f --show "$tmp/disk1") || ktap_skip_all "no loop device"
loop2=$(losetup -f --show "$tmp/disk2") || ktap_skip_all "no second loop device"

ktap_plan 13

# 1. The library creates an enabled iblock backstore on the loop device,
# with a UUID unit serial and the model alias targetcli would set.
if "$tool" block create "$name" "$loop1" >"$tmp/show" 2>"$tmp/err"; then
	so=$(tool_val path)
	serial=$(tool_val serial)
	naa=$(tool_val naa)
	if [ "$(cat "$so/enable")" = 1 ] &&
	   [ "$(cat "$so/udev_path")" = "$loop1" ] &&
	   echo "$serial" | grep -Eq '^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$' &&
	   [ "$(cat "$so/attrib/emulate_model_alias")" = 1 ]; then
		ktap_print_msg "$so serial $serial naa $naa"
		ktap_ok library_creates_block_backstore
	else
		ktap_print_msg "$(cat "$tmp/show")"
		ktap_fail library_creates_block_backstore "configfs does not match"
	fi
else
	ktap_print_msg "$(cat "$tmp/err")"
	ktap_fail library_creates_block_backstore "liotool block create failed"
	so=
	naa=
fi

# 2. The NAA the library computes is LIO's form of the serial
# (independently derived by lio.sh) and 32 hex digits.
if [ -n "$so" ] && [ "$naa" = "$(lio_naa "$so")" ] &&
   echo "$naa" | grep -Eq '^6001405[0-9a-f]{25}$'; then
	ktap_ok library_naa_is_lio_form
else
	ktap_fail library_naa_is_lio_form "library '$naa', lio.sh '$( [ -n "$so" ] && lio_naa "$so")'"
fi

# 3. Exported on a new tcm_loop target: lun_0 links the backstore.
lun=
lunno=
if [ -n "$so" ] && tpg=$("$tool" loopback create 2>"$tmp/err") &&
   lunno=$("$tool" lun export "$tpg" "$name" 2>"$tmp/err"); then
	lun="$tpg/lun_$lunno"		# as the library's messages name it
	link=$(find "$cfs/$tpg/lun/lun_$lunno" -maxdepth 1 -type l | head -n 1)
	listed=$("$tool" lun list "$name")
	if [ -n "$link" ] && [ "$(readlink -f "$link")" = "$(readlink -f "$so")" ] &&
	   [ -s "$cfs/$tpg/nexus" ] && [ "$listed" = "$tpg 0" ]; then
		ktap_ok library_exports_lun_on_loopback
	else
		ktap_fail library_exports_lun_on_loopback "$lun: link '$link', listed '$listed'"
	fi
else
	ktap_print_msg "$(cat "$tmp/err")"
	ktap_fail library_exports_lun_on_loopback "liotool failed"
	lun=
fi

# 4. The LUN appears as an sd disk (LIO-ORG, model = name, wwid naa.NAA).
if [ -n "$lun" ]; then
	sd=$(lio_wait_disk "$name")
fi
if [ -n "$sd" ]; then
	ktap_print_msg "LUN is /dev/$sd"
	ktap_ok scsi_disk_appears
else
	ktap_fail scsi_disk_appears "no LIO-ORG/$name disk with naa.$naa"
fi

# 5. VPD page 0x83's NAA designator is exactly the library's NAA.
if [ -n "$sd" ]; then
	sg_inq -p 0x83 "/dev/$sd" >"$tmp/vpd83" 2>&1
	# the first NAA designator's value: "[0x6001405...]"
	got=$(awk '/designator_type: NAA/ { naa = 1 }
		naa && /\[0x[0-9a-fA-F]+\]/ { gsub(/[][ ]|0x/, ""); print; exit }' \
		"$tmp/vpd83")
	if [ "$got" = "$naa" ]; then
		ktap_ok vpd83_naa_equals_library_naa
	else
		ktap_print_msg "$(cat "$tmp/vpd83")"
		ktap_fail vpd83_naa_equals_library_naa "VPD 0x83 says '$got', library '$naa'"
	fi
else
	ktap_skip vpd83_naa_equals_library_naa "no disk"
fi

# 6. Data written through the disk reads back, and lands on the loop device.
if [ -n "$sd" ]; then
	dd if=/dev/urandom of="$tmp/pattern" bs=1M count=8 status=none
	want=$(sha256sum <"$tmp/pattern" | cut -d' ' -f1)
	dd if="$tmp/pattern" of="/dev/$sd" bs=1M oflag=direct conv=fsync status=none
	got=$(dd if="/dev/$sd" bs=1M count=8 iflag=direct status=none | sha256sum | cut -d' ' -f1)
	back=$(dd if="$loop1" bs=1M count=8 iflag=direct status=none | sha256sum | cut -d' ' -f1)
	if [ "$got" = "$want" ] && [ "$back" = "$want" ]; then
		ktap_ok write_read_through_lun
	else
		ktap_fail write_read_through_lun "wrote $want, disk $got, $loop1 $back"
	fi
else
	ktap_skip write_read_through_lun "no disk"
fi

# One targetcli for the rest: it lists our objects, saves them, and creates
# a backstore of its own for the library to find.
lio_batch <<EOF
ls /backstores/block
ls /loopback
saveconfig savefile=$tmp/saved.json
/backstores/block create name=$tcname dev=$loop2
EOF

# 7. `targetcli ls` shows the backstore on its device, and the LUN.
if grep -q "o- $name .*\[$loop1 (" "$tmp/targetcli.out" &&
   grep -q "lun0 .*\[block/$name ($loop1)" "$tmp/targetcli.out"; then
	ktap_ok targetcli_lists_backstore_and_lun
else
	ktap_print_msg "$(cat "$tmp/targetcli.out")"
	ktap_fail targetcli_lists_backstore_and_lun "$name or its LUN missing"
fi

# 8. `targetcli saveconfig` keeps the backstore (device, serial) and the LUN.
if python3 - "$tmp/saved.json" "$name" "$loop1" "$serial" "${tpg:-x/x/x}" <<'EOF'
import json, sys
path, name, dev, serial, tpg = sys.argv[1:]
cfg = json.load(open(path))
so = [s for s in cfg["storage_objects"] if s["name"] == name]
assert so, "no storage object " + name
so = so[0]
assert so["plugin"] == "block" and so["dev"] == dev, so
assert so["wwn"] == serial, so
assert so["attributes"]["emulate_model_alias"] == 1, so["attributes"]
wwn = tpg.split("/")[1]
t = [t for t in cfg["targets"] if t["wwn"] == wwn and t["fabric"] == "loopback"]
assert t, "no loopback target " + wwn
luns = t[0]["tpgs"][0]["luns"]
assert any(l["storage_object"] == "/backstores/block/" + name for l in luns), luns
EOF
then
	ktap_ok saveconfig_keeps_backstore_and_lun
else
	ktap_fail saveconfig_keeps_backstore_and_lun "see the assertion above"
fi

# 9. Deleting the backstore while a LUN exports it fails with EBUSY and
# touches nothing.
if [ -n "$lun" ]; then
	"$tool" block delete "$name" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 16 ] && [ -d "$so" ] && [ -d "$cfs/$tpg/lun/lun_$lunno" ] &&
	   grep -q "exported as $lun" "$tmp/err"; then
		ktap_print_msg "$(cat "$tmp/err")"
		ktap_ok delete_while_exported_is_ebusy
	else
		ktap_print_msg "$(cat "$tmp/err")"
		ktap_fail delete_while_exported_is_ebusy "exit $rc"
	fi
else
	ktap_skip delete_while_exported_is_ebusy "no LUN"
fi

# 10. The library finds targetcli's backstore by device, with the NAA LIO
# derives from targetcli's serial.
found=$("$tool" block find-dev "$loop2" 2>"$tmp/err")
tcso=$(lio_backstore_dir "$tcname")
if [ "$found" = "$tcname" ] && [ -n "$tcso" ] &&
   [ "$("$tool" block naa "$tcname")" = "$(lio_naa "$tcso")" ]; then
	ktap_ok library_finds_targetcli_backstore
else
	ktap_print_msg "$(cat "$tmp/err") $(cat "$tmp/targetcli.out")"
	ktap_fail library_finds_targetcli_backstore "found '$found' for $loop2"
fi

# 11. Unexporting removes the LUN and the disk goes away.
if [ -n "$lun" ]; then
	"$tool" lun unexport "$tpg" "$lunno" 2>"$tmp/err"
	rc=$?
	i=0
	while [ -n "$sd" ] && [ -e "/sys/block/$sd" ] && [ "$i" -lt 100 ]; do
		i=$((i + 1))
		sleep 0.2
	done
	if [ "$rc" -eq 0 ] && [ ! -e "$cfs/$tpg/lun/lun_$lunno" ] &&
	   { [ -z "$sd" ] || [ ! -e "/sys/block/$sd" ]; } &&
	   [ -z "$("$tool" lun list "$name")" ]; then
		ktap_ok unexport_removes_lun_and_disk
	else
		ktap_print_msg "$(cat "$tmp/err")"
		ktap_fail unexport_removes_lun_and_disk "exit $rc"
	fi
else
	ktap_skip unexport_removes_lun_and_disk "no LUN"
fi

# 12. Then the backstore deletes, its HBA directory with it.
if [ -n "$so" ]; then
	"$tool" block delete "$name" 2>"$tmp/err"
	rc=$?
	"$tool" block find-dev "$loop1" >/dev/null 2>&1
	frc=$?
	if [ "$rc" -eq 0 ] && [ ! -e "$so" ] && [ ! -e "$(dirname "$so")" ] &&
	   [ "$frc" -eq 2 ]; then
		ktap_ok delete_removes_backstore_and_hba
	else
		ktap_print_msg "$(cat "$tmp/err")"
		ktap_fail delete_removes_backstore_and_hba "exit $rc, find-dev $frc"
	fi
else
	ktap_skip delete_removes_backstore_and_hba "no backstore"
fi

# 13. The library tears down what targetcli made too; nothing is left.
"$tool" loopback delete "$(echo "$tpg" | cut -d/ -f2)" 2>"$tmp/err"
"$tool" block delete "$tcname" 2>>"$tmp/err"
tpg=
left=$(ls "$cfs/core" | grep -vx alua)
tgts=$(ls "$cfs/loopback" 2>/dev/null | grep '^naa\.')
if [ -z "$left$tgts" ]; then
	ktap_ok teardown_leaves_nothing
else
	ktap_print_msg "$(cat "$tmp/err")"
	ktap_fail teardown_leaves_nothing "left behind: $(echo $left $tgts)"
fi

ktap_finished
