# SPDX-License-Identifier: GPL-2.0
#
# selftests/lib.sh - TAP 13 helpers for cimrepl's shell selftests, in the
# manner of the kernel's kselftest (tools/testing/selftests/kselftest.h),
# and the block-device helpers every shell test uses (at the end).
# Source it from a POSIX sh test:
#
#	. "$(dirname "$0")/lib.sh"
#	ktap_plan 3
#	ktap_ok "thing_works"
#	ktap_fail "other_thing_works" "got 3, want 4"
#	ktap_skip "needs_null_blk" "null_blk not loaded"
#	ktap_finished
#
# Output:
#	TAP version 13
#	1..3
#	ok 1 thing_works
#	not ok 2 other_thing_works # got 3, want 4
#	ok 3 needs_null_blk # SKIP null_blk not loaded
#	# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0
#
# ktap_finished exits like kselftest: 0 (KSFT_PASS) when every planned test
# passed or was skipped and at least one passed, 4 (KSFT_SKIP) when all were
# skipped, 1 (KSFT_FAIL) when any failed or the count does not match the
# plan. Diagnostics are "# " lines; ktap_run folds a failing command's output
# into them.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_XFAIL=2
KSFT_XPASS=3
KSFT_SKIP=4

ktap_num=0		# number of the last reported test
ktap_npass=0
ktap_nfail=0
ktap_nskip=0
ktap_nplan=-1		# -1: no plan printed yet

# ktap_print_header - "TAP version 13", once.
ktap_print_header()
{
	[ -n "${ktap_header_done:-}" ] && return 0
	ktap_header_done=1
	echo "TAP version 13"
}

# ktap_plan N - announce N test points.
ktap_plan()
{
	ktap_print_header
	ktap_nplan=$1
	echo "1..$1"
}

# ktap_print_msg TEXT... - a diagnostic line, "# TEXT"; multi-line text gets
# one "# " per line.
ktap_print_msg()
{
	printf '%s\n' "$*" | sed 's/^/# /'
}

# ktap_ok NAME - test point NAME passed.
ktap_ok()
{
	ktap_num=$((ktap_num + 1))
	ktap_npass=$((ktap_npass + 1))
	echo "ok $ktap_num $1"
}

# ktap_fail NAME [REASON] - test point NAME failed.
ktap_fail()
{
	ktap_num=$((ktap_num + 1))
	ktap_nfail=$((ktap_nfail + 1))
	echo "not ok $ktap_num $1${2:+ # $2}"
}

# ktap_skip NAME REASON - test point NAME was not run.
ktap_skip()
{
	ktap_num=$((ktap_num + 1))
	ktap_nskip=$((ktap_nskip + 1))
	echo "ok $ktap_num $1 # SKIP ${2:-}"
}

# ktap_result NAME STATUS [REASON] - ok when STATUS is 0, else not ok.
ktap_result()
{
	if [ "$2" -eq 0 ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "${3:-}"
	fi
}

# ktap_run NAME COMMAND [ARGS...] - run COMMAND as test point NAME. Its
# output is kept quiet on success and shown as diagnostics on failure.
# Returns COMMAND's status so that later steps can depend on it.
ktap_run()
{
	ktap_run_name=$1
	shift
	ktap_run_out=$("$@" 2>&1) && ktap_run_rc=0 || ktap_run_rc=$?
	if [ "$ktap_run_rc" -eq 0 ]; then
		ktap_ok "$ktap_run_name"
	else
		[ -n "$ktap_run_out" ] && ktap_print_msg "$ktap_run_out"
		ktap_fail "$ktap_run_name" "exit status $ktap_run_rc"
	fi
	return "$ktap_run_rc"
}

# ktap_print_totals - kselftest's closing count line.
ktap_print_totals()
{
	echo "# Totals: pass:$ktap_npass fail:$ktap_nfail xfail:0 xpass:0 skip:$ktap_nskip error:0"
}

# ktap_finished - print the totals and exit with the kselftest status.
ktap_finished()
{
	ktap_print_totals
	if [ "$ktap_nplan" -ge 0 ] && [ "$ktap_num" -ne "$ktap_nplan" ]; then
		ktap_print_msg "planned $ktap_nplan tests but ran $ktap_num"
		exit "$KSFT_FAIL"
	fi
	[ "$ktap_nfail" -eq 0 ] || exit "$KSFT_FAIL"
	if [ "$ktap_npass" -eq 0 ] && [ "$ktap_nskip" -gt 0 ]; then
		exit "$KSFT_SKIP"
	fi
	exit "$KSFT_PASS"
}

# ktap_skip_all REASON - nothing can run here: "1..0 # SKIP REASON", exit 4.
# Before any plan only, as in kselftest's ksft_exit_skip().
ktap_skip_all()
{
	ktap_print_header
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

# ktap_bail_out REASON - abort the whole run: "Bail out! REASON", exit 1.
ktap_bail_out()
{
	echo "Bail out! $*"
	exit "$KSFT_FAIL"
}

# ktap_require_root / ktap_require_cmd CMD... - skip everything when the
# environment cannot run the test at all.
ktap_require_root()
{
	[ "$(id -u)" -eq 0 ] || ktap_skip_all "must be run as root"
}

ktap_require_cmd()
{
	for ktap_c in "$@"; do
		command -v "$ktap_c" >/dev/null 2>&1 ||
			ktap_skip_all "$ktap_c is not installed"
	done
}

# ------------------------------------------------ block-device helpers

# write_at DEV FILE OFFSET_MIB MODEL - FILE onto DEV at OFFSET_MIB (direct,
# synced) and into MODEL at the same offset.
write_at()
{
	dd if="$2" of="$1" bs=1M seek="$3" oflag=direct conv=notrunc,fsync \
		status=none &&
		dd if="$2" of="$4" bs=1M seek="$3" conv=notrunc status=none
}

# new_loop FILE MIB - a loop device over a new file of MIB MiB; its path.
new_loop()
{
	truncate -s "${2}M" "$1" && losetup -f --show "$1"
}

# sum_dev DEV [MIB [SKIP_MIB]] - SHA-1 of MIB MiB (default $span) of DEV
# from SKIP_MIB on, read with O_DIRECT.
sum_dev()
{
	dd if="$1" bs=1M count="${2:-$span}" skip="${3:-0}" iflag=direct \
		status=none | sha1sum | cut -d' ' -f1
}

# sum_file FILE - SHA-1 of FILE.
sum_file()
{
	sha1sum <"$1" | cut -d' ' -f1
}

# pattern FILE MIB - MIB MiB of random data in FILE.
pattern()
{
	dd if=/dev/urandom of="$1" bs=1M count="$2" status=none
}
