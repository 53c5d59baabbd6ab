#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check: set up, build, then run every test and count the results.
#   1. checkpatch --strict over module/ and uapi/
#   2. host unit tests of the userspace code, under ASan/UBSan
#   3. the VM selftests on each guest kernel (Debian's 6.1 and 6.12), and
#      the crash tests (snapshots, a clone mid-copy, a mirror mid-resync),
#      which hard-reset a guest and boot it again; the module's C tests
#      last, in guests of two vCPUs
# Every test's TAP lines are printed; the last line is
# "N passed, N failed, N skipped". Exit status non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

check_t0=$(date +%s)
sh scripts/setup.sh || { echo "check: setup failed"; exit 1; }

results=$(mktemp)
trap 'rm -f "$results"' EXIT

# tap NAME COMMAND... - run COMMAND, show its output, keep its TAP results.
# A non-zero exit without a "not ok" line still counts as one failure.
tap()
{
	name=$1
	shift
	echo "# === $name"
	out=$(mktemp)
	t0=$(date +%s)
	"$@" >"$out" 2>&1
	rc=$?
	t1=$(date +%s)
	cat "$out"
	echo "# === $name: $((t1 - t0)) s"
	grep -E '^(not )?ok ' "$out" >>"$results"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; then
		echo "not ok - $name exited with status $rc" | tee -a "$results"
	fi
	rm -f "$out"
}

if ! make -s all unit >build.log 2>&1; then
	cat build.log
	echo "not ok - build" | tee -a "$results"
else
	echo "ok - build (module for $(ls build | tr '\n' ' '), userspace, selftests)" |
		tee -a "$results"
fi
rm -f build.log

tap checkpatch sh scripts/checkpatch.sh
for t in tests/unit/*_test; do
	[ -x "$t" ] && tap "unit $(basename "$t")" "$t"
done

# run_lane KVER LANE: one guest's share of a kernel's VM tests. The core
# lane runs the module's C tests; the module lane the tests through LIO
# LUNs and then the snapshot crash test; the daemon lane, cimrepld's
# selftests and then the clone and mirror crash tests (each crash test
# boots guests of its own).
run_lane()
{
	case $2 in
	core)
		tap "selftests (core, 2 vCPUs) on $1" scripts/vm-run --kernel "$1" \
			--smp 2 --timeout 1800 -- selftests/run.sh --group core
		;;
	module)
		tap "selftests (module) on $1" scripts/vm-run --kernel "$1" \
			--timeout 3600 -- selftests/run.sh --group module
		tap "crash test on $1" selftests/crash.sh "$1"
		;;
	daemon)
		tap "selftests (daemon) on $1" scripts/vm-run --kernel "$1" \
			--timeout 3600 -- selftests/run.sh --group daemon
		tap "clone crash test on $1" selftests/crash.sh "$1" clone
		tap "mirror crash test on $1" selftests/crash.sh "$1" mirror
		;;
	esac
}

# The guest kernels: the newest installed 6.1 and 6.12.
kvers=
for series in 6.1 6.12; do
	kver=$(ls /boot | sed -n 's/^vmlinuz-//p' |
		grep -E "^$(echo "$series" | sed 's/[.]/\\./g')[.-]" | sort -V | tail -n 1)
	if [ -z "$kver" ]; then
		echo "not ok - no $series kernel installed" | tee -a "$results"
	elif [ ! -f "build/$kver/module/cimrepl.ko" ]; then
		echo "not ok - cimrepl.ko was not built for $kver" | tee -a "$results"
	else
		kvers="$kvers $kver"
	fi
done

# The suite is bound by the emulated CPUs, and a TCG guest of two vCPUs
# on a busy host loses time whenever the host preempts a vCPU that holds a
# lock its sibling spins on: four such guests side by side on two cores
# took 2359 s in all, two took 929 s for a lane that takes 322 s alone.
# So the module and daemon lanes run in guests of one vCPU, one worker per
# kernel side by side (two guests at a time, one per core; about 650 s per
# worker, crash tests included), and then the core lane alone, one kernel
# after the other, on two vCPUs (about 110 s each): make check took 966 s
# on 2026-12-06. Each worker's output is shown after the others', in order.
runs=
for kver in $kvers; do
	log=$(mktemp)
	res=$(mktemp)
	(results=$res; export CIMREPL_VM_SMP=1
	 run_lane "$kver" module; run_lane "$kver" daemon) >"$log" 2>&1 &
	runs="$runs $log:$res"
done
wait
for run in $runs; do
	cat "${run%%:*}"
	cat "${run#*:}" >>"$results"
	rm -f "${run%%:*}" "${run#*:}"
done
for kver in $kvers; do
	run_lane "$kver" core
done

pass=$(grep -E '^ok ' "$results" | grep -vc '# SKIP')
skip=$(grep -E '^ok ' "$results" | grep -c '# SKIP')
fail=$(grep -c '^not ok' "$results")
echo "# make check took $(($(date +%s) - check_t0)) s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
