#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the cimrepl selftests inside the test VM (scripts/vm-run), one after
# the other, each printing its own TAP. A test that exits non-zero without
# reporting a failing test point gets one "not ok" line here, so that no
# failure goes uncounted. Exit status: 0 when every test passed or skipped.
#
# usage: selftests/run.sh [--group core|module|daemon | TEST...]
#   (default: all, in the order below; scripts/check.sh runs each group in
#   a guest of its own)
set -u
cd "$(dirname "$0")" || exit 1

# Three groups: the module's C tests (netlink contract, volumes and the
# three engines), which check.sh runs on two vCPUs so that the engines'
# concurrency is exercised; the tests through LIO LUNs, with the block pool
# test; the daemon's (CIM-XML through cimrepld), with the mirror LIO test.
# Order matters only for module_test.sh, which unloads and reloads the
# module: it runs last.
core_tests="netlink_test volume_test snapshot_test clone_test mirror_test"
module_tests="lio_smoke.sh snapshot_lio_test.sh clone_lio_test.sh blockpool_test.sh"
daemon_tests="cimrepld_test.sh cimrepld_discovery_test.sh cimreplctl_daemon_test.sh cimrepld_modify_test.sh cimrepld_transport_test.sh cimrepld_mirror_test.sh mirror_lio_test.sh"
case "${1:-}" in
--group)
	case "${2:-}" in
	core) tests=$core_tests ;;
	module) tests="$module_tests module_test.sh" ;;
	daemon) tests=$daemon_tests ;;
	*) echo "run.sh: --group core, module or daemon" >&2; exit 2 ;;
	esac
	;;
*)
	tests=${*:-"$core_tests $module_tests $daemon_tests module_test.sh"}
	;;
esac

status=0
for t in $tests; do
	echo "# selftest: $t"
	out=$(mktemp)
	t0=$(date +%s)
	"./$t" >"$out" 2>&1
	rc=$?
	t1=$(date +%s)
	cat "$out"
	# wall time, a TAP comment (check.sh sums them up per test)
	echo "# selftest: $t: $((t1 - t0)) s"
	# kselftest's "skip" exit status is 4
	if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
		status=1
		grep -q '^not ok' "$out" ||
			echo "not ok - $t exited with status $rc"
	fi
	rm -f "$out"
done
exit $status
