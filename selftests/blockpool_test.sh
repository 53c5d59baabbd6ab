#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# blockpool_test.sh - cimrepld's block pools: a whole block device (here a
# loop device over a 64 MiB file) given with --block-pool, carved with
# device-mapper linear mappings; the data checked through LUNs (tcm_loop)
# and on the mappings.
#
#   a) devices in use are refused at start with one clear line, and
#      nothing is made: a mounted one, one with a LIO backstore;
#   b) the pool is a CIM_StoragePool of the device's size; its store is
#      the first 16 MiB (store=), formatted as the kernel pool;
#   c) a clone into the pool (cimreplctl, CreateListReplica) lands on a
#      mapping of the first free extent after the store, the pool's free
#      space shrinks by its size, its LUN reads the source's data; a
#      snapshot takes its space from the pool's kernel store;
#   d) the daemon restarted without --block-pool finds the pool and the
#      replica again;
#   e) a replica deleted in the kernel gives its extent back (mapping gone,
#      free space back) and the next clone takes the same extent; a list
#      whose second target does not fit fails (4) and gives back the
#      first's extent;
#   f) after a simulated reboot (kernel objects, LIO and mappings gone) the
#      daemon maps the store and the targets again and loads the kernel
#      pool without formatting it: the clone's data is on its extent.
#
# Run as root inside the test VM:
#	scripts/vm-run --kernel 6.1 -- selftests/run.sh blockpool_test.sh

set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lio.sh"

rnd=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
p="bp$rnd"			# prefix of every name (SCSI model <= 16)
. "$(dirname "$0")/cimrepld_lib.sh"
vol="${p}v0"			# the cimrepl volume
src="${p}s0"			# its backstore: the source
big="${p}v1"			# a volume larger than the pool's free space
bigs="${p}s1"			# its backstore
pool=bpt$rnd			# the block pool
mib=$((1 << 20))
span=8				# MiB of the source
store=$((16 * mib))

ktap_require_cmd dmsetup jq losetup truncate sha1sum mkfs.ext4 mount
crl_require
[ -d /sys/module/dm_mod ] || modprobe dm-mod 2>/dev/null ||
	ktap_skip_all "no device-mapper"
crl_init
pool_size=$((64 << 20))
daemon_args="--no-tcp"
crl_pools=$pool

# pool_field FIELD - a field of the block pool in `pool list --json`.
pool_field()
{
	C --json pool list | jq -r --arg n "$pool" ".[] | select(.name == \$n) | .$1"
}

# dm_start NAME - the start sector of linear mapping NAME on its device.
dm_start()
{
	dmsetup table "$1" 2>/dev/null | awk '$3 == "linear" { print $5 }'
}

# shellcheck disable=SC2317 # run by crl_teardown
crl_teardown_extra()
{
	for m in $(dmsetup ls 2>/dev/null | awk -v p="cimrepl-$pool-" 'index($1, p) == 1 { print $1 }'); do
		dmsetup remove "$m"
	done
	umount "$tmp/mnt" 2>/dev/null
}

ktap_plan 13

# 1. A volume with random data, its backstore and LUN target; the pool's
# device; two devices in use.
t0=$(date +%s)
{
	dd if=/dev/urandom of="$tmp/A" bs=1M count=$span status=none &&
	truncate -s ${span}M "$tmp/v0.img" && l0=$(losetup -f --show "$tmp/v0.img") &&
	loops="$l0" &&
	dd if="$tmp/A" of="$l0" bs=1M oflag=direct status=none &&
	"$ctl" kernel volume create "$vol" --backing "$l0" &&
	"$tool" block create "$src" "/dev/cimrepl/$vol" &&
	truncate -s 40M "$tmp/v1.img" && l1=$(losetup -f --show "$tmp/v1.img") &&
	loops="$loops $l1" &&
	"$ctl" kernel volume create "$big" --backing "$l1" &&
	"$tool" block create "$bigs" "/dev/cimrepl/$big" &&
	tpg=$("$tool" loopback create) &&
	truncate -s 64M "$tmp/pool.img" && lp=$(losetup -f --show "$tmp/pool.img") &&
	loops="$loops $lp" &&
	truncate -s 16M "$tmp/mnt.img" && lm=$(losetup -f --show "$tmp/mnt.img") &&
	loops="$loops $lm" && mkfs.ext4 -q "$lm" && mkdir "$tmp/mnt" &&
	mount "$lm" "$tmp/mnt" &&
	truncate -s 16M "$tmp/lio.img" && ll=$(losetup -f --show "$tmp/lio.img") &&
	loops="$loops $ll" && "$tool" block create "${p}in" "$ll"
} >"$tmp/out" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	ktap_fail "setup: volume, backstore, devices" "$(cat "$tmp/out")"
	ktap_finished
	exit
fi
ktap_ok "setup: volume, backstore, LUN target, pool device, devices in use"

# 2-3. Devices in use: the daemon refuses to start, one line says why,
# no mapping and no kernel pool are left.
refused()
{
	"$daemon" --state-dir "$tmp/state" --socket "$sock" --no-tcp \
		--block-pool "$pool=$1" >"$tmp/refused" 2>&1
	rc=$?
	[ $rc -ne 0 ] && grep -q "cimrepld: --block-pool $pool: $2" "$tmp/refused" &&
		! dmsetup ls | grep -q "cimrepl-$pool-" &&
		! "$ctl" kernel pool show "$pool" >/dev/null 2>&1
}
if refused "$lm" "$lm is mounted on $tmp/mnt"; then
	ktap_ok "a mounted device is refused, nothing made"
else
	ktap_fail "a mounted device is refused, nothing made" "exit $rc: $(cat "$tmp/refused")"
fi
if refused "$ll" "$ll has the LIO backstore ${p}in"; then
	ktap_ok "a device with a LIO backstore is refused, nothing made"
else
	ktap_fail "a device with a LIO backstore is refused, nothing made" \
		"exit $rc: $(cat "$tmp/refused")"
fi

# 4. The pool: a CIM_StoragePool the size of the device, the store mapped
# at its start and loaded as the kernel pool.
if ! daemon_start --block-pool "$pool=$lp,store=$store"; then
	ktap_fail "cimrepld --block-pool" "$(tail -n 5 "$tmp/daemon.log")"
	ktap_finished
	exit
fi
if [ "$(pool_field size)" = $((64 * mib)) ] &&
   [ "$(pool_field remaining)" = $((48 * mib)) ] &&
   [ "$(dm_start "cimrepl-$pool-store")" = 0 ] &&
   [ "$("$ctl" --json kernel pool show "$pool" | jq -r .path)" = "/dev/mapper/cimrepl-$pool-store" ]; then
	ktap_ok "pool $pool: 64 MiB, 48 MiB free, its store the kernel pool"
else
	ktap_fail "pool $pool: 64 MiB, 48 MiB free, its store the kernel pool" \
		"$(C --json pool list; dmsetup table; "$ctl" kernel pool show "$pool" 2>&1)"
fi

# 5. A clone into the pool: 0, its target the first extent after the store
# (right after the store), its size less free space.
C --json replica create --sync-type clone --source "$src" --pool "$pool" \
	--name "${p}c1" --wait-for synchronized >"$tmp/c1.json" 2>"$tmp/err"
rc=$?
k1=$(kname "${p}c1")
if [ $rc -eq 0 ] && [ "$(jq .return_code "$tmp/c1.json")" = 0 ] && [ -n "$k1" ] &&
   [ "$(dm_start "cimrepl-$pool-$k1")" = $((store / 512)) ] &&
   [ "$(pool_field remaining)" = $((40 * mib)) ]; then
	ktap_ok "clone into the pool: on the first extent, $span MiB taken"
else
	ktap_fail "clone into the pool: on the first extent, $span MiB taken" \
		"exit $rc: $(cat "$tmp/c1.json" "$tmp/err"; dmsetup table; C --json pool list)"
fi

# 6. Its LUN reads the source's data; so does the mapping under it.
sd1=$(export_lun "${p}c1")
a=$(sha1sum <"$tmp/A" | cut -d' ' -f1)
if [ -n "$sd1" ] && [ "$(sum_dev "/dev/$sd1")" = "$a" ] &&
   [ "$(sum_dev "/dev/mapper/cimrepl-$pool-$k1")" = "$a" ]; then
	ktap_ok "the clone's LUN and extent read the source's data"
else
	ktap_fail "the clone's LUN and extent read the source's data" "LUN '$sd1'"
fi

# 7. A snapshot takes its space from the pool's kernel store.
C --json replica create --sync-type snapshot --source "$src" --pool "$pool" \
	--name "${p}sn" >"$tmp/sn.json" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(jq .return_code "$tmp/sn.json")" = 0 ] &&
   [ "$("$ctl" --json kernel pool show "$pool" | jq .snapshots)" -ge 2 ] &&
   [ "$(pool_field remaining)" = $((40 * mib)) ]; then
	ktap_ok "a snapshot in the pool's kernel store, no extent"
else
	ktap_fail "a snapshot in the pool's kernel store, no extent" \
		"exit $rc: $(cat "$tmp/sn.json" "$tmp/err"; "$ctl" kernel pool show "$pool")"
fi

# 8. Restarted without --block-pool: the pool and the replica are there.
daemon_stop
if daemon_start && [ "$(pool_field remaining)" = $((40 * mib)) ] &&
   C storage show "${p}c1" >/dev/null 2>&1 &&
   C sync list | grep -q "^$src  *${p}c1 " &&
   [ "$(sum_dev "/dev/$sd1")" = "$a" ]; then
	ktap_ok "restarted: the pool, the replica and its data"
else
	ktap_fail "restarted: the pool, the replica and its data" \
		"$(C pool list 2>&1; C sync list 2>&1; tail -n 5 "$tmp/daemon.log")"
fi

# 9-10. A second clone, deleted in the kernel: its extent comes back (the
# daemon hears the kernel's event); a third takes the same extent.
C --json replica create --sync-type clone --source "$src" --pool "$pool" \
	--name "${p}c2" --wait-for synchronized >"$tmp/c2.json" 2>"$tmp/err"
k2=$(kname "${p}c2")
at2=$(dm_start "cimrepl-$pool-$k2")
free2=$(pool_field remaining)
"$tool" block delete "${p}c2" >/dev/null 2>&1
"$ctl" kernel replica delete "$k2" >"$tmp/out" 2>&1
i=0
while [ "$(pool_field remaining)" != $((40 * mib)) ] && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.2
done
if [ -n "$k2" ] && [ "$at2" = $(((store + span * mib) / 512)) ] &&
   [ "$free2" = $((32 * mib)) ] &&
   [ "$(pool_field remaining)" = $((40 * mib)) ] &&
   ! dmsetup info "cimrepl-$pool-$k2" >/dev/null 2>&1 &&
   ! C storage show "${p}c2" >/dev/null 2>&1; then
	ktap_ok "a deleted replica gives its extent back"
else
	ktap_fail "a deleted replica gives its extent back" \
		"at '$at2', free '$free2' then '$(pool_field remaining)': $(cat "$tmp/c2.json" "$tmp/out"; dmsetup ls)"
fi
C --json replica create --sync-type clone --source "$src" --pool "$pool" \
	--name "${p}c3" --wait-for synchronized >"$tmp/c3.json" 2>"$tmp/err"
k3=$(kname "${p}c3")
if [ -n "$k3" ] && [ "$(dm_start "cimrepl-$pool-$k3")" = "$at2" ]; then
	ktap_ok "the next clone takes the freed extent (first fit)"
else
	ktap_fail "the next clone takes the freed extent (first fit)" \
		"$(cat "$tmp/c3.json" "$tmp/err"; dmsetup table)"
fi

# 11. A list of two clones whose second does not fit (40 MiB, 32 free):
# 4 Failed, and the first's extent is given back.
C replica create --sync-type clone --source "$src" --source "$bigs" \
	--pool "$pool" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "returned 4 (Failed): .*no free extent" "$tmp/err" &&
   [ "$(pool_field remaining)" = $((32 * mib)) ] &&
   [ "$(dmsetup ls | grep -c "cimrepl-$pool-")" = 3 ] &&
   [ "$(C --json sync list | jq length)" = 3 ]; then
	ktap_ok "a failed list gives back the extents it took"
else
	ktap_fail "a failed list gives back the extents it took" \
		"exit $rc: $(cat "$tmp/out" "$tmp/err"; dmsetup ls; C pool list)"
fi

# 12-13. A reboot, as far as the daemon can tell: no LIO objects, no kernel
# objects, no mappings. Started again, it maps the store and the clones'
# extents and loads the kernel pool (formatted once, at the first start);
# the clones' data is on their extents.
daemon_stop
{
	wwn=${tpg#loopback/}
	"$tool" loopback delete "${wwn%%/*}" && tpg=
	for b in "${p}c1" "${p}c3" "${p}sn" "$src"; do
		"$tool" block delete "$b"
	done
	for n in $("$ctl" --json kernel sync list |
		   jq -r --arg v "$vol" '.[] | select(.source == $v) | .target'); do
		"$ctl" kernel replica delete "$n"
	done
	"$ctl" kernel volume delete "$vol"
	"$ctl" kernel pool delete "$pool"
	for m in $(dmsetup ls | awk -v p="cimrepl-$pool-" 'index($1, p) == 1 { print $1 }'); do
		dmsetup remove "$m"
	done
} >"$tmp/out" 2>&1
if ! dmsetup ls | grep -q "cimrepl-$pool-" && daemon_start &&
   [ "$(dm_start "cimrepl-$pool-$k1")" = $((store / 512)) ] &&
   [ "$(dm_start "cimrepl-$pool-$k3")" = "$at2" ] &&
   [ "$(pool_field remaining)" = $((32 * mib)) ]; then
	ktap_ok "after a reboot: the store and the clones' extents are mapped again"
else
	ktap_fail "after a reboot: the store and the clones' extents are mapped again" \
		"$(cat "$tmp/out"; dmsetup table; C pool list 2>&1; tail -n 8 "$tmp/daemon.log")"
fi
if "$ctl" kernel pool show "$pool" >/dev/null 2>&1 &&
   [ "$(grep -c "cimrepld: pool $pool: formatted" "$tmp/daemon.log")" = 1 ] &&
   [ "$(sum_dev "/dev/mapper/cimrepl-$pool-$k1")" = "$a" ] &&
   [ "$(sum_dev "/dev/mapper/cimrepl-$pool-$k3")" = "$a" ]; then
	ktap_ok "after a reboot: the kernel pool loaded as it was, the clones' data on their extents"
else
	ktap_fail "after a reboot: the kernel pool loaded as it was, the clones' data on their extents" \
		"$("$ctl" kernel pool show "$pool" 2>&1; grep "pool $pool" "$tmp/daemon.log")"
fi
ktap_print_msg "blockpool_test took $(($(date +%s) - t0)) s"

ktap_finished
