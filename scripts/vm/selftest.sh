#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# selftest.sh - tests of scripts/vm-run itself, run on the host (TAP 13).
#
#	scripts/vm/selftest.sh [--quick] [--kernel VER]
#
# --quick runs only the console-log scanner checks (no VM, a second);
# otherwise it also boots guests to check exit status, argument quoting,
# --env, the timeout, --crash-after and that flushed disk writes survive a
# hard kill. About 3 minutes under TCG.

set -u

top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/selftests/lib.sh"
vmrun="$top/scripts/vm-run"

quick=0
kernel=6.1
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1; shift ;;
	--kernel) kernel=$2; shift 2 ;;
	*) echo "usage: $0 [--quick] [--kernel VER]" >&2; exit 2 ;;
	esac
done

# A scratch directory the guest can see (the guest mounts its own /tmp).
mkdir -p "$top/.cache/vm"
tmp=$(mktemp -d "$top/.cache/vm/selftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Lines that each must fail a run (one per pattern class), and a clean boot
# log with the usual TCG noise that must not.
bad_lines='[   12.345678] WARNING: CPU: 1 PID: 42 at drivers/md/foo.c:12 foo+0x1/0x2 [cimrepl]
[   12.345678] BUG: kernel NULL pointer dereference, address: 0000000000000008
[   12.345678] Oops: 0000 [#1] PREEMPT SMP NOPTI
[   12.345678] Call Trace:
[   12.345678] general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1]
[   12.345678] INFO: task kworker/0:1:33 blocked for more than 30 seconds.
[   12.345678] BUG: KASAN: slab-use-after-free in cimrepl_put+0x10/0x20
[   12.345678] UBSAN: array-index-out-of-bounds in module/volume.c:10:5
[   12.345678] kernel BUG at drivers/md/cimrepl/volume.c:99!
[   12.345678] list_del corruption. prev->next should be ffff888003a1c000
[   12.345678] refcount_t: underflow; use-after-free.
[   12.345678] Kernel panic - not syncing: Fatal exception
[   12.345678] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [kworker:1]
[   12.345678] rcu: INFO: rcu_preempt self-detected stall on CPU'

cat >"$tmp/clean.log" <<'EOF'
[    0.816093] mtrr: your CPUs had inconsistent fixed MTRR settings
[    0.929935] acpi PNP0A03:00: fail to add MMCONFIG information, can't access extended PCI configuration space under this bridge.
[    1.692391] Unstable clock detected, switching default tracing clock to "global"
[    4.531412] db_root: cannot open: /etc/target
[    5.000000] cimrepl: loading out-of-tree module taints kernel.
[    5.000001] cimrepl: module verification failed: signature and/or required key missing - tainting kernel

@@CIMREPL-START 0123456789abcdef 5.07@@
[   12.566257] scsi 0:0:1:0: Direct-Access     LIO-ORG  smoke17e5e2      4.0  PQ: 0 ANSI: 6
[   12.579966] MODE SENSE: unimplemented page/subpage: 0x0a/0x05

@@CIMREPL-EXIT 0123456789abcdef 0@@
[    5.510279] reboot: Power down
EOF

n_bad=$(printf '%s\n' "$bad_lines" | wc -l)
if [ "$quick" = 1 ]; then
	ktap_plan $((n_bad + 1))
else
	ktap_plan $((n_bad + 1 + 7))
fi

# --- the scanner -----------------------------------------------------------

"$vmrun" --scan-log "$tmp/clean.log" 2>"$tmp/err"
ktap_result scan_log_clean_boot_passes $? "$(head -n 3 "$tmp/err" | tr '\n' ' ')"

printf '%s\n' "$bad_lines" | while IFS= read -r line; do
	cp "$tmp/clean.log" "$tmp/bad.log"
	# CRLF as a serial console would give it.
	printf '%s\r\n' "$line" >>"$tmp/bad.log"
	"$vmrun" --scan-log "$tmp/bad.log" >/dev/null 2>&1
	rc=$?
	what=$(printf '%s' "$line" | cut -c16-60 | tr -c 'A-Za-z0-9_\n' _)
	if [ "$rc" = 125 ]; then
		echo "ok $what"
	else
		echo "not ok $what # scan-log returned $rc"
	fi
done >"$tmp/scan.tap"
# The loop ran in a subshell: account for its results here.
while IFS= read -r r; do
	case "$r" in
	"ok "*) ktap_ok "scan_log_catches_${r#ok }" ;;
	*) r=${r#not ok }; ktap_fail "scan_log_catches_${r%% # *}" "${r#* # }" ;;
	esac
done <"$tmp/scan.tap"

[ "$quick" = 1 ] && ktap_finished

# --- in the guest --------------------------------------------------------------

vm()
{
	"$vmrun" --kernel "$kernel" --no-module "$@"
}

# The command's status comes back, output passes unchanged.
out=$(vm -- sh -c 'printf "a\r\nb\n"; exit 7' 2>"$tmp/err")
rc=$?
if [ "$rc" = 7 ] && [ "$out" = "$(printf 'a\r\nb')" ]; then
	ktap_ok exit_status_and_output_pass_through
else
	ktap_print_msg "$(cat "$tmp/err")"
	ktap_fail exit_status_and_output_pass_through "rc $rc, output '$out'"
fi

# Arguments arrive exactly as given, quotes, newlines and all.
out=$(vm -- printf '<%s>' "a b" "it's" 'x
y' '$HOME' '' '"q"' 2>"$tmp/err")
want=$(printf '<%s>' "a b" "it's" 'x
y' '$HOME' '' '"q"')
if [ "$out" = "$want" ]; then
	ktap_ok arguments_quoted_exactly
else
	ktap_fail arguments_quoted_exactly "got '$out', want '$want'"
fi

# --env, and the documented environment.
out=$(vm --env "V=x'y z" -- sh -c 'echo "$V|$HOME|$TERM|$CIMREPL_VM|$PWD"' 2>"$tmp/err")
if [ "$out" = "x'y z|/root|dumb|1|$top" ]; then
	ktap_ok environment
else
	ktap_fail environment "got '$out'"
fi

# A kernel warning in the guest fails an otherwise successful run. The
# guest writes a fake one to /dev/kmsg: no real warning is needed to prove
# that the log is scanned end to end.
vm -- sh -c 'echo "WARNING: CPU: 0 PID: 1 at selftest" >/dev/kmsg' >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" = 125 ] && grep -q 'kernel errors' "$tmp/err"; then
	ktap_ok kernel_warning_fails_run
else
	ktap_fail kernel_warning_fails_run "rc $rc"
fi

# Timeout: 124, promptly, and no QEMU left behind (the disk puts $tmp on
# QEMU's command line, for pgrep).
truncate -s 1M "$tmp/tdisk"
t0=$(date +%s)
vm --timeout 30 --disk "$tmp/tdisk" -- sleep 1000 >/dev/null 2>"$tmp/err"
rc=$?
t=$(($(date +%s) - t0))
if [ "$rc" = 124 ] && [ "$t" -lt 40 ] && grep -q 'timeout after 30 s' "$tmp/err" &&
   ! pgrep -f "$tmp" >/dev/null; then
	ktap_ok timeout_kills_guest
else
	ktap_fail timeout_kills_guest "rc $rc after $t s"
fi

# --crash-after: a hard kill, exit 0, and every write the guest flushed
# (O_DIRECT + fsync, then reported) is in the disk file afterwards.
truncate -s 16M "$tmp/disk"
vm --disk "$tmp/disk" --crash-after 8 -- sh -c '
	i=0
	while :; do
		i=$((i + 1))
		printf "%-4095s\n" "seq $i" |
			dd of=/dev/vda bs=4096 seek=$i oflag=direct conv=fsync,notrunc status=none ||
			exit 1
		echo "acked $i"
	done' >"$tmp/acks" 2>"$tmp/err"
rc=$?
last=$(sed -n 's/^acked //p' "$tmp/acks" | tail -n 1)
if [ "$rc" = 0 ] && grep -q 'on purpose' "$tmp/err" && [ -n "$last" ]; then
	ktap_ok crash_after_kills_guest
else
	ktap_print_msg "$(cat "$tmp/err")"
	ktap_fail crash_after_kills_guest "rc $rc, last ack '${last:-none}'"
fi
bad=0
i=1
while [ -n "$last" ] && [ "$i" -le "$last" ]; do
	got=$(dd if="$tmp/disk" bs=4096 skip=$i count=1 status=none | tr -d ' \n')
	[ "$got" = "seq$i" ] || { bad=$i; break; }
	i=$((i + 1))
done
if [ -n "$last" ] && [ "$bad" = 0 ]; then
	ktap_print_msg "$last acknowledged writes all on disk"
	ktap_ok flushed_writes_survive_kill
else
	ktap_fail flushed_writes_survive_kill "block $bad of ${last:-0} lost"
fi

ktap_finished
