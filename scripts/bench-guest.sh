#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, inside the guest (scripts/bench.sh boots it with vm-run).
# Measures with fio, on brd RAM disks, for each of cimrepl, dm-snapshot
# (persistent store) and dm-thin:
#   - pass-through: the device with no snapshot (4K randwrite, 64K seq
#     write, 4K randread);
#   - with 1 and with 8 snapshots: origin first writes (every I/O makes a
#     chunk copy) and rewrites, 4K random and 64K sequential, then reads of
#     the oldest snapshot after the origin was overwritten.
# And for clones (BENCH_ONLY entry "clone"), on a source volume of
# BENCH_CLONE_MB: the time from a clone's creation to Synchronized with the
# throttle off, against a raw O_DIRECT copy (dd, 1 MiB blocks) between the
# same two RAM disks, several rounds; and 4K random writes on the source
# while a throttled clone copies, against the same fio job just before,
# without the clone.
# And for mirrors (BENCH_ONLY entry "mirror"), on RAM disks of
# BENCH_MIRROR_MB: 4K random and 64K sequential writes on the source of a
# cimrepl mirror, synchronous (Mode 2) and asynchronous (Mode 3), once it is
# Synchronized, of the cimrepl volume without a mirror, of dm-mirror and of
# dm-raid's raid1 (when its module loads), all with a persistent dirty-region
# log of 64 KiB regions; and the time from a cimrepl mirror's creation to
# Synchronized (its initial copy) against a raw dd copy, as for clones.
# Every fio job runs right after its twin on the raw RAM disk /dev/ram9 (the
# same job, same region, prefilled too): the ratio of the two is what is
# reported, so that the speed of the emulated machine, which follows the
# host's load, cancels out. Each configuration starts from freshly loaded
# (empty) brd devices and is torn down at its end. Results go to stdout as
#   RESULT <config> <workload> <iops> <KiB/s> <seconds>
# (<config>/raw for the twins) which scripts/bench.sh turns into the table;
# progress lines start "#".
#
# Environment: BENCH_SETUP (the bench_setup binary, required),
# BENCH_REGION_MB (128), BENCH_RUNTIME (seconds per time-based run, 2),
# BENCH_IODEPTH (8), BENCH_ONLY (space-separated subset of: cimrepl dmsnap
# dmthin clone mirror; default all), BENCH_CLONE_MB (the clone's source,
# 512), BENCH_CLONE_ROUNDS (copy rounds, 5), BENCH_CLONE_THROTTLE (KiB/s of
# the copy under the foreground writes, 65536), BENCH_MIRROR_MB (the RAM
# disks of the mirror runs, 256), BENCH_MIRROR_ROUNDS (initial copy rounds
# per mode, 5), BENCH_MIRROR_PAIRS (how many times each mirror
# configuration's writes run, each after its raw twin, 3: the report takes
# the median of the pairs' ratios).
set -eu

region_mb=${BENCH_REGION_MB:-128}
runtime=${BENCH_RUNTIME:-2}
iodepth=${BENCH_IODEPTH:-8}
only=${BENCH_ONLY:-cimrepl dmsnap dmthin clone mirror}
clone_mib=${BENCH_CLONE_MB:-512}
clone_rounds=${BENCH_CLONE_ROUNDS:-5}
clone_throttle=${BENCH_CLONE_THROTTLE:-65536}
mirror_mib=${BENCH_MIRROR_MB:-256}
mirror_rounds=${BENCH_MIRROR_ROUNDS:-5}
mirror_pairs=${BENCH_MIRROR_PAIRS:-3}
setup=${BENCH_SETUP:?BENCH_SETUP must name the bench_setup binary}

chunk=65536			# cimrepl's default chunk size
chunk_sectors=$((chunk / 512))	# dm-snapshot chunk, dm-thin block: the same
rd_nr=10
rd_mib=512			# on demand: only written pages take memory
twin=/dev/ram9			# the raw device every job is compared with
dev_sectors=$((rd_mib * 2048))

# dmsetup without udev: libdevmapper makes the /dev/mapper nodes itself.
export DM_DISABLE_UDEV=1
work=$(mktemp -d)

# Seconds since boot, without starting a process (slow when emulated).
uptime_s()
{
	read -r up _ </proc/uptime
	echo "${up%.*}"
}
start=$(uptime_s)

say()
{
	echo "# [$(printf '%4d' $(($(uptime_s) - start)))s] $*"
}

# fresh_brd [MIB] - unload and reload brd: every RAM disk empty, no page
# allocated, each of MIB (default $rd_mib).
fresh_brd()
{
	i=0
	while ! rmmod brd 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] || { echo "bench: cannot unload brd" >&2; exit 1; }
		sleep 0.1
	done
	modprobe brd rd_nr=$rd_nr rd_size=$((${1:-$rd_mib} * 1024))
	for i in $(seq 0 $((rd_nr - 1))); do
		[ -b "/dev/ram$i" ] || { echo "bench: no /dev/ram$i" >&2; exit 1; }
	done
}

# prefill DEV - write the whole region once, so that the origin's data
# exists (brd pages allocated, dm-thin blocks provisioned) like a used disk.
prefill()
{
	dd if=/dev/zero of="$1" bs=1M count="$region_mb" oflag=direct status=none
}

# A random permutation of the region's chunks, as a fio iolog: 4K writes,
# one to each chunk, so that each write is the first to its chunk.
make_first4k_log()	# DEV FILE
{
	{
		echo "fio version 2 iolog"
		echo "$1 add"
		echo "$1 open"
		awk -v n=$((region_mb * 1048576 / chunk)) -v c=$chunk -v f="$1" 'BEGIN {
			srand(1)
			for (i = 0; i < n; i++) a[i] = i
			for (i = n - 1; i > 0; i--) {
				j = int(rand() * (i + 1)); t = a[i]; a[i] = a[j]; a[j] = t
			}
			for (i = 0; i < n; i++) printf "%s write %d 4096\n", f, a[i] * c
		}'
		echo "$1 close"
	} >"$2"
}

# job NAME WORKLOAD DEV - append one fio job to $args. The raw twins of
# the first-write jobs (raw.fw*) run time based with the same I/O pattern:
# on a raw device a first write costs what any write does, and a run of a
# fraction of a second would measure fio more than the device.
job()
{
	args="$args --name=$1 --stonewall --filename=$3"
	case $1 in
	raw.fw4k)
		args="$args $region $timed --rw=randwrite --bs=4k --blockalign=$chunk"
		return ;;
	raw.fw64k)
		args="$args $region $timed --rw=write --bs=64k"
		return ;;
	esac
	case $2 in
	rw4k)	args="$args $region $timed --rw=randwrite --bs=4k" ;;
	sw64k)	args="$args $region $timed --rw=write --bs=64k" ;;
	rr4k)	args="$args $region $timed --rw=randread --bs=4k" ;;
	sr64k)	args="$args $region $timed --rw=read --bs=64k" ;;
	fw64k)	args="$args $region --rw=write --bs=64k" ;;
	fw4k)	make_first4k_log "$3" "$work/$1.log"
		args="$args --read_iolog=$work/$1.log --replay_no_stall=1" ;;
	*)	echo "bench: unknown workload $2" >&2; exit 1 ;;
	esac
}

# segment CONFIG WORKLOAD:DEV... - one fio process (process start-ups are
# slow in an emulated guest) running, one after the other, each job on the
# raw twin and then on DEV; one RESULT line per job. Workloads:
#   rw4k   4K random writes, time based      sw64k  64K sequential writes, time based
#   rr4k   4K random reads, time based       sr64k  64K sequential reads, time based
#   fw4k   one 4K write to each chunk of the region, in random order (replayed)
#   fw64k  64K sequential writes over the region, once
segment()
{
	label=$1
	shift
	args="--direct=1 --ioengine=libaio --iodepth=$iodepth --numjobs=1"
	args="$args --randrepeat=1 --norandommap --output-format=json"
	region="--offset=0 --size=${region_mb}M"
	timed="--time_based --runtime=$runtime"
	for spec in "$@"; do
		job "raw.${spec%%:*}" "${spec%%:*}" "$twin"
		job "${spec%%:*}" "${spec%%:*}" "${spec#*:}"
	done
	fio_run "$label" "$*"
}

# fio_run CONFIG WHAT - run fio with $args (in $work: exec_prerun leaves its
# output there and says so on stdout) and print a RESULT line per job, the raw.* ones as
# CONFIG/raw.
fio_run()
{
	label=$1
	# shellcheck disable=SC2086 # $args is a list of words without spaces
	if ! (cd "$work" && fio $args --output="$work/fio.json") \
		>"$work/fio.out" 2>"$work/fio.err"; then
		cat "$work/fio.out" "$work/fio.err" >&2
		echo "bench: fio failed: $label $2" >&2
		exit 1
	fi
	jq -r --arg cfg "$label" '.jobs[] |
		(.jobname | ltrimstr("raw.")) as $wl |
		(if .jobname | startswith("raw.") then "\($cfg)/raw" else $cfg end) as $c |
		(if ($wl == "rr4k" or $wl == "sr64k") then .read else .write end) as $d |
		"\($c) \($wl) \($d.iops) \($d.bw) \($d.runtime / 1000) \($d.total_ios)"' \
		"$work/fio.json" >"$work/results"
	awk -v t=$(($(uptime_s) - start)) '
		$6 == 0 { print "bench: fio " $1 " " $2 " did no I/O" >"/dev/stderr"; bad = 1 }
		{
			print "RESULT", $1, $2, $3, $4, $5
			printf "# [%4ds] %-14s %-6s %9.0f IOPS %7.1f MB/s  (%d I/Os in %.1f s)\n",
				t, $1, $2, $3, $4 * 1024 / 1000000, $6, $5
		}
		END { exit bad }' "$work/results"
}

# --- each technology: _setup (sets $origin), _take FIRST LAST (snapshots
# numbered FIRST..LAST), _drop (the snapshots in $snaps), _snapdev N,
# _teardown

# cimrepl: volume o0 over ram0, pool p0 formatted on ram1, 64 KiB chunks.
cimrepl_setup()
{
	"$setup" volume-create o0 /dev/ram0
	"$setup" pool-create p0 /dev/ram1 $chunk
	origin=/dev/cimrepl/o0
}
cimrepl_take()
{
	"$setup" snapshot o0 p0 $(seq -f 's%g' "$1" "$2")
}
cimrepl_drop()
{
	# shellcheck disable=SC2046,SC2086 # names without spaces
	[ -z "$snaps" ] || "$setup" replica-delete $(printf 's%s ' $snaps)
}
cimrepl_snapdev() { echo "/dev/cimrepl/s$1"; }
cimrepl_teardown()
{
	"$setup" pool-delete p0
	"$setup" volume-delete o0
}

# dm-snapshot: snapshot-origin over ram0; snapshot N keeps its persistent
# exception store on ram<1 + (N-1) % 8>, chunk 128 sectors; the origin is
# suspended while snapshots are added, as LVM does.
dmsnap_setup()
{
	dmsetup create bench-origin --table "0 $dev_sectors snapshot-origin /dev/ram0"
	origin=/dev/mapper/bench-origin
}
dmsnap_cow() { echo "/dev/ram$((1 + ($1 - 1) % 8))"; }
dmsnap_take()
{
	for i in $(seq "$1" "$2"); do
		# a new, empty persistent store: no header in the first chunk
		dd if=/dev/zero of="$(dmsnap_cow "$i")" bs=$chunk count=1 \
			oflag=direct status=none
	done
	dmsetup suspend bench-origin
	for i in $(seq "$1" "$2"); do
		dmsetup create "bench-snap$i" --table \
			"0 $dev_sectors snapshot /dev/ram0 $(dmsnap_cow "$i") P $chunk_sectors"
	done
	dmsetup resume bench-origin
}
dmsnap_drop()
{
	for i in $snaps; do dmsetup remove "bench-snap$i"; done
}
dmsnap_snapdev() { echo "/dev/mapper/bench-snap$1"; }
dmsnap_teardown() { dmsetup remove bench-origin; }

# dm-thin: pool with metadata on ram1 and data on ram2, 128-sector blocks,
# block zeroing on (the default); thin volume 0; snapshot N is thin id N.
# Only the first snapshot of each batch is activated (the one read): an
# inactive thin snapshot costs the origin's writes the same.
dmthin_setup()
{
	dmsetup create bench-pool \
		--table "0 $dev_sectors thin-pool /dev/ram1 /dev/ram2 $chunk_sectors 0"
	dmsetup message bench-pool 0 "create_thin 0"
	dmsetup create bench-thin --table "0 $dev_sectors thin /dev/mapper/bench-pool 0"
	origin=/dev/mapper/bench-thin
}
dmthin_take()
{
	dmsetup suspend bench-thin
	for i in $(seq "$1" "$2"); do
		dmsetup message bench-pool 0 "create_snap $i 0"
	done
	dmsetup resume bench-thin
	dmsetup create "bench-tsnap$1" --table "0 $dev_sectors thin /dev/mapper/bench-pool $1"
}
dmthin_drop()
{
	for i in $snaps; do
		[ ! -b "/dev/mapper/bench-tsnap$i" ] || dmsetup remove "bench-tsnap$i"
		dmsetup message bench-pool 0 "delete $i"
	done
}
dmthin_snapdev() { echo "/dev/mapper/bench-tsnap$1"; }
dmthin_teardown()
{
	dmsetup remove bench-thin
	dmsetup remove bench-pool
}

# run_clone - clones of a source volume o0 over ram0 ($clone_mib MiB, all
# written once), pool p0 on ram1, onto ram2 (written once too):
#   copy  the time from the creation request to Synchronized, throttle off,
#         by the kernel's clock (WHEN_SYNCHRONIZED - WHEN_ESTABLISHED),
#         against "dd iflag=direct oflag=direct bs=1M" from ram0 to ram2
#         just before (dd's own time); $clone_rounds rounds, the clone
#         deleted after each;
#   fg4k  4K random writes over the whole source, time based, while a clone
#         throttled to $clone_throttle KiB/s copies (created by the job's
#         exec_prerun, so the copy starts as the job does and lasts longer
#         than it), against the same job on the source just before it.
# RESULT lines as for fio: RESULT clone[/raw] WORKLOAD 0 KiB/s SECONDS for
# the copies, IOPS and KiB/s for the writes.
run_clone()
{
	say "=== cimrepl clone of a $clone_mib MiB source"
	fresh_brd "$clone_mib"
	dd if=/dev/zero of=/dev/ram0 bs=1M count="$clone_mib" oflag=direct status=none
	dd if=/dev/zero of=/dev/ram2 bs=1M count="$clone_mib" oflag=direct status=none
	"$setup" volume-create o0 /dev/ram0
	"$setup" pool-create p0 /dev/ram1 $chunk
	kib=$((clone_mib * 1024))
	say "set up, source and target written once"
	for r in $(seq 1 "$clone_rounds"); do
		raw_s=$(LC_ALL=C dd if=/dev/ram0 of=/dev/ram2 bs=1M \
			count="$clone_mib" iflag=direct oflag=direct 2>&1 >/dev/null |
			awk '/copied/ { print $(NF - 3) }')
		# shellcheck disable=SC2046 # three numbers
		set -- $("$setup" clone-copy o0 p0 c0 /dev/ram2)
		[ "$3" = $((kib * 1024)) ] ||
			{ echo "bench: the clone copied $3 bytes" >&2; exit 1; }
		"$setup" replica-delete c0
		awk -v r="$r" -v kib="$kib" -v raw="$raw_s" -v k="$1" -v u="$2" \
			-v t=$(($(uptime_s) - start)) 'BEGIN {
			print "RESULT clone/raw copy 0", kib / raw, raw
			print "RESULT clone copy 0", kib / k, k
			printf "# [%4ds] copy round %d: raw dd %.3f s (%.0f MB/s), clone %.3f s (%.0f MB/s; %.3f s seen by the client), ratio %.2f\n",
				t, r, raw, kib * 1024 / raw / 1e6, k, kib * 1024 / k / 1e6, u, raw / k
		}'
	done

	args="--direct=1 --ioengine=libaio --iodepth=$iodepth --numjobs=1"
	args="$args --randrepeat=1 --norandommap --output-format=json"
	args="$args --offset=0 --size=${clone_mib}M --time_based --runtime=$runtime"
	args="$args --rw=randwrite --bs=4k --filename=/dev/cimrepl/o0"
	args="$args --name=raw.fg4k --stonewall --name=fg4k --stonewall"
	# (a script: $args is split at spaces)
	printf '#!/bin/sh\nexec %s clone o0 p0 c1 /dev/ram2 %s\n' "$setup" \
		"$clone_throttle" >"$work/clone-c1"
	chmod +x "$work/clone-c1"
	args="$args --exec_prerun=$work/clone-c1"
	fio_run clone "fg4k"
	# shellcheck disable=SC2046 # three numbers
	set -- $("$setup" sync-state c1)
	say "after the foreground writes: clone CopyState $1, $2 of $3 chunks copied"
	echo "INFO clone_fg_state $1 $2 $3"
	"$setup" replica-delete c1
	"$setup" pool-delete p0
	"$setup" volume-delete o0
	say "torn down"
}

# mirror_copy MODE ROUND - one round of the initial copy: a raw
# "dd iflag=direct oflag=direct bs=1M" from ram0 to ram2 (dd's own time),
# then a cimrepl mirror m0 of o0 onto ram2 in MODE (sync or async), created
# and waited for until Synchronized, timed by the kernel's clock
# (WHEN_SYNCHRONIZED - WHEN_ESTABLISHED). Leaves m0 in place.
# RESULT mirror-MODE[/raw] copy 0 KiB/s SECONDS.
mirror_copy()
{
	kib=$((mirror_mib * 1024))
	raw_s=$(LC_ALL=C dd if=/dev/ram0 of=/dev/ram2 bs=1M \
		count="$mirror_mib" iflag=direct oflag=direct 2>&1 >/dev/null |
		awk '/copied/ { print $(NF - 3) }')
	# shellcheck disable=SC2046 # three numbers
	set -- "$1" "$2" $("$setup" mirror-copy o0 p0 m0 /dev/ram2 "$1")
	[ "$5" = $((kib * 1024)) ] ||
		{ echo "bench: the $1 mirror copied $5 bytes" >&2; exit 1; }
	awk -v m="$1" -v r="$2" -v kib="$kib" -v raw="$raw_s" -v k="$3" -v u="$4" \
		-v t=$(($(uptime_s) - start)) 'BEGIN {
		print "RESULT mirror-" m "/raw copy 0", kib / raw, raw
		print "RESULT mirror-" m " copy 0", kib / k, k
		printf "# [%4ds] %s mirror initial copy %d: raw dd %.3f s (%.0f MB/s), mirror %.3f s (%.0f MB/s; %.3f s seen by the client), ratio %.2f\n",
			t, m, r, raw, kib * 1024 / raw / 1e6, k, kib * 1024 / k / 1e6, u, raw / k
	}'
}

# mirror_segment CONFIG DEV - the mirror writes (4K random, 64K sequential)
# on DEV, each after its raw twin, $mirror_pairs times over.
mirror_segment()
{
	for _ in $(seq 1 "$mirror_pairs"); do
		segment "$1" "rw4k:$2" "sw64k:$2"
	done
}

# run_mirror MODE - a cimrepl mirror in MODE (sync: Mode 2, async: Mode 3):
# volume o0 over ram0 (written once in full), pool p0 on ram1, the mirror
# onto ram2 (written once in full too). $mirror_rounds initial copies
# (mirror_copy), then with the last one Synchronized, 4K random and 64K
# sequential writes on o0 against the raw twin (mirror_segment). With
# sync, first the same writes on o0 without a mirror (config mirror-none).
run_mirror()
{
	mode=$1
	say "=== cimrepl $mode mirror of a $mirror_mib MiB source"
	fresh_brd "$mirror_mib"
	prefill "$twin"
	dd if=/dev/zero of=/dev/ram0 bs=1M count="$mirror_mib" oflag=direct status=none
	dd if=/dev/zero of=/dev/ram2 bs=1M count="$mirror_mib" oflag=direct status=none
	"$setup" volume-create o0 /dev/ram0
	"$setup" pool-create p0 /dev/ram1 $chunk
	say "set up, source and target written once"
	[ "$mode" != sync ] ||
		mirror_segment mirror-none /dev/cimrepl/o0
	for r in $(seq 1 "$mirror_rounds"); do
		[ "$r" = 1 ] || "$setup" replica-delete m0
		mirror_copy "$mode" "$r"
	done
	mirror_segment "mirror-$mode" /dev/cimrepl/o0
	# shellcheck disable=SC2046 # three numbers
	set -- $("$setup" sync-state m0)
	say "after the writes: $mode mirror CopyState $1, $2 of $3 regions in sync"
	echo "INFO mirror_${mode}_state $1"
	"$setup" replica-delete m0
	"$setup" pool-delete p0
	"$setup" volume-delete o0
	say "torn down"
}

# run_dm_mirror CONFIG MODULE TABLE - a device-mapper mirror bench-mirror
# of TABLE (legs ram0 and ram2, created in sync: nosync) on fresh RAM disks,
# its region prefilled through it, then the same writes as run_mirror.
# Skipped, with an INFO line, when MODULE does not load.
run_dm_mirror()
{
	say "=== $1: $3"
	if ! modprobe "$2" 2>"$work/modprobe.err"; then
		say "$1 skipped: $2 does not load: $(cat "$work/modprobe.err")"
		echo "INFO skipped $1 ($2 does not load)"
		return 0
	fi
	fresh_brd "$mirror_mib"
	prefill "$twin"
	dmsetup create bench-mirror --table "0 $((mirror_mib * 2048)) $3"
	prefill /dev/mapper/bench-mirror
	say "set up and prefilled: $(dmsetup status bench-mirror)"
	mirror_segment "$1" /dev/mapper/bench-mirror
	say "after the writes: $(dmsetup status bench-mirror)"
	dmsetup remove bench-mirror
	say "torn down"
}

take()	# TECH FIRST LAST
{
	"${1}_take" "$2" "$3"
	snaps=$(seq "$2" "$3" | tr '\n' ' ')
}

drop()	# TECH
{
	"${1}_drop"
	snaps=
}

# run_tech TECH N - one configuration: fresh devices, the origin prefilled,
# (the pass-through runs when N is 1), N snapshots: 4K first writes and
# rewrites; N fresh snapshots instead: 64K first writes and rewrites, then
# reads of the oldest snapshot, whose data now all comes from the store.
run_tech()
{
	tech=$1 n=$2
	cfg=$tech-$n
	say "=== $tech with $n snapshot(s)"
	fresh_brd
	snaps=
	prefill "$twin"
	"${tech}_setup"
	prefill "$origin"
	say "set up, origin and raw twin prefilled"
	if [ "$n" = 1 ]; then
		segment "$tech-0" "rw4k:$origin" "sw64k:$origin" "rr4k:$origin"
	fi
	take "$tech" 1 "$n"
	say "$n snapshot(s) taken"
	segment "$cfg" "fw4k:$origin" "rw4k:$origin"
	drop "$tech"
	take "$tech" $((n + 1)) $((2 * n))
	say "replaced by $n fresh snapshot(s)"
	snapdev=$("${tech}_snapdev" $((n + 1)))
	segment "$cfg" "fw64k:$origin" "sw64k:$origin" "rr4k:$snapdev" "sr64k:$snapdev"
	drop "$tech"
	"${tech}_teardown"
	say "torn down"
}

echo "INFO kernel $(uname -r)"
echo "INFO cpus $(nproc)"
echo "INFO cpu $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "INFO mem_mib $(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo)"
echo "INFO fio $(fio --version)"
echo "INFO region_mb $region_mb"
echo "INFO runtime $runtime"
echo "INFO iodepth $iodepth"
echo "INFO clone_mb $clone_mib"
echo "INFO clone_rounds $clone_rounds"
echo "INFO clone_throttle $clone_throttle"
echo "INFO mirror_mb $mirror_mib"
echo "INFO mirror_rounds $mirror_rounds"
echo "INFO mirror_pairs $mirror_pairs"

for t in $only; do
	case $t in
	cimrepl|dmsnap|dmthin)
		run_tech "$t" 1
		run_tech "$t" 8
		;;
	clone)
		run_clone
		;;
	mirror)
		[ "$region_mb" -le "$mirror_mib" ] ||
			{ echo "bench: BENCH_REGION_MB exceeds BENCH_MIRROR_MB" >&2; exit 1; }
		run_mirror sync
		run_mirror async
		# a disk log on ram1, 64 KiB regions, as cimrepl's in its pool
		run_dm_mirror dmmirror dm-mirror \
			"mirror disk 3 /dev/ram1 $chunk_sectors nosync 2 /dev/ram0 0 /dev/ram2 0"
		# metadata (the write-intent bitmap) on ram1 and ram3
		run_dm_mirror dmraid1 dm-raid \
			"raid raid1 4 0 region_size $chunk_sectors nosync 2 /dev/ram1 /dev/ram0 /dev/ram3 /dev/ram2"
		;;
	*)
		echo "bench: unknown BENCH_ONLY entry $t" >&2
		exit 1
		;;
	esac
done
rm -rf "$work"
say "done"
