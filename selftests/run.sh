#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the cimrepl selftests inside the test VM (scripts/vm-run), one after
# the other, each printing its own TAP. A test that exits non-zero without
# reporting a failing test point gets one "not ok" line here, so that no
# failure goes uncounted. Exit status: 0 when every test passed or skipped.
#
# usage: selftests/run.sh [TEST...]   (default: all, in the order below)
set -u
cd "$(dirname "$0")" || exit 1

# Order matters only for module_test.sh, which unloads and reloads the
# module: it runs last.
tests=${*:-"netlink_test volume_test snapshot_test clone_test mirror_test lio_smoke.sh snapshot_lio_test.sh clone_lio_test.sh mirror_lio_test.sh cimrepld_test.sh cimreplctl_daemon_test.sh module_test.sh"}

status=0
for t in $tests; do
	echo "# selftest: $t"
	out=$(mktemp)
	"./$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	# kselftest's "skip" exit status is 4
	if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
		status=1
		grep -q '^not ok' "$out" ||
			echo "not ok - $t exited with status $rc"
	fi
	rm -f "$out"
done
exit $status
