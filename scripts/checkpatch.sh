#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch --strict over the kernel code (module/ and uapi/), with the
# checkpatch.pl that scripts/setup.sh extracted from linux-source-6.1.
# Prints one TAP line per file; exits non-zero if any file has a finding.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
checkpatch="$top/.cache/checkpatch/checkpatch.pl"
cd "$top" || exit 1

status=0
for f in module/*.c module/*.h uapi/linux/*.h; do
	out=$(perl "$checkpatch" --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES -f "$f" 2>&1)
	if echo "$out" | grep -Eq '(ERROR|WARNING|CHECK):'; then
		echo "not ok - checkpatch $f"
		echo "$out" | grep -E '(ERROR|WARNING|CHECK):' | sed 's/^/# /'
		status=1
	else
		echo "ok - checkpatch $f"
	fi
done
exit $status
