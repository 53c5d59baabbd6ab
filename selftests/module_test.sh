#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cimrepl.ko as a module: the tools see it, it unloads cleanly when it holds
# nothing (and its netlink family goes away with it), and it loads again.
# Runs as root in the test VM, with cimrepl.ko loaded by scripts/vm-run.
set -u
. "$(dirname "$0")/lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
ctl="$top/ctl/cimreplctl"
daemon="$top/ctl/cimrepld"
ko=${CIMREPL_KO:-$top/build/$(uname -r)/module/cimrepl.ko}

ktap_plan 7

out=$("$ctl" --json kernel info 2>&1)
if echo "$out" | grep -Eq "\"api_version\": ?1([^0-9]|$)"; then
	ktap_ok "cimreplctl reports netlink API version 1"
else
	ktap_fail "cimreplctl reports netlink API version 1" "$out"
fi

out=$("$daemon" --check 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q "netlink API 1"; then
	ktap_ok "cimrepld attaches to the module"
else
	ktap_fail "cimrepld attaches to the module" "$out"
fi

"$ctl" kernel frobnicate >/dev/null 2>&1
rc=$?
err=$("$ctl" kernel frobnicate 2>&1 >/dev/null)
if [ $rc -eq 2 ] && [ "$(echo "$err" | wc -l)" -eq 1 ]; then
	ktap_ok "an unknown command is one line on stderr and exit status 2"
else
	ktap_fail "an unknown command is one line on stderr and exit status 2" \
		"status $rc: $err"
fi

if rmmod cimrepl; then
	ktap_ok "the module unloads while it holds no devices"
else
	ktap_fail "the module unloads while it holds no devices" "rmmod failed"
fi

err=$("$ctl" kernel info 2>&1 >/dev/null)
rc=$?
if [ $rc -eq 1 ] && echo "$err" | grep -q "not loaded"; then
	ktap_ok "without the module the CLI says it is not loaded"
else
	ktap_fail "without the module the CLI says it is not loaded" \
		"status $rc: $err"
fi

if insmod "$ko" && "$ctl" kernel info >/dev/null; then
	ktap_ok "the module loads again and answers"
else
	ktap_fail "the module loads again and answers" "insmod $ko"
fi

if dmesg | grep -q "cimrepl .* loaded"; then
	ktap_ok "the module announces itself in the kernel log"
else
	ktap_fail "the module announces itself in the kernel log" "no line"
fi

ktap_finished
