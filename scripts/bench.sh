#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench: cimrepl side by side with dm-snapshot and dm-thin (and its
# mirrors with dm-mirror and dm-raid raid1), on brd RAM
# disks, in one QEMU guest (scripts/bench-guest.sh does the measuring), as
# ratios to the raw RAM disk. Prints the table (Markdown) on stdout and
# writes it, with the machine and the date, into Documentation/benchmarks.rst
# between the "bench-results" comments. Progress goes to stderr; the guest's
# raw output is kept in .cache/bench/last.txt.
#
# Environment: BENCH_KERNEL (guest kernel series or version, default 6.1),
# BENCH_MEM (guest MiB, default 3072), BENCH_NO_DOC=1 (do not touch
# Documentation/benchmarks.rst; a BENCH_ONLY run never does),
# BENCH_REPORT_ONLY=1 (no run: report the results in .cache/bench/last.txt
# again), and BENCH_REGION_MB, BENCH_RUNTIME,
# BENCH_IODEPTH, BENCH_ONLY, BENCH_CLONE_*, BENCH_MIRROR_MB,
# BENCH_MIRROR_ROUNDS and BENCH_MIRROR_PAIRS, passed to the guest (see
# bench-guest.sh).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

series=${BENCH_KERNEL:-6.1}
mem=${BENCH_MEM:-3072}
out=.cache/bench
doc=Documentation/benchmarks.rst
mkdir -p "$out"

if [ "${BENCH_REPORT_ONLY:-}" != 1 ]; then
	begin=$(date +%s)
	# shellcheck disable=SC2012 # as in check.sh
	kver=$(ls /boot | sed -n 's/^vmlinuz-//p' |
		grep -E "^$(echo "$series" | sed 's/[.]/\\./g')([.-]|$)" | sort -V | tail -n 1)
	if [ -z "$kver" ]; then
		echo "bench: no $series kernel in /boot" >&2
		exit 1
	fi

	echo "bench: building the module for $kver and bench_setup" >&2
	make -s module KVER="$kver" >&2
	# bench_setup is not a test and not installed: built here, not by the Makefile.
	${CC:-gcc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iuapi \
		-o "$out/bench_setup" selftests/bench_setup.c

	set --
	for v in BENCH_REGION_MB BENCH_RUNTIME BENCH_IODEPTH BENCH_ONLY \
		BENCH_CLONE_MB BENCH_CLONE_ROUNDS BENCH_CLONE_THROTTLE \
		BENCH_MIRROR_MB BENCH_MIRROR_ROUNDS BENCH_MIRROR_PAIRS; do
		eval "val=\${$v:-}"
		[ -z "$val" ] || set -- "$@" --env "$v=$val"
	done

	load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	echo "bench: running in a $kver guest (2 vCPUs, TCG); takes a few minutes" >&2
	vm_start=$(date +%s)
	rc=0
	{ scripts/vm-run --kernel "$kver" --mem "$mem" --timeout 1500 \
		--env BENCH_SETUP="$top/$out/bench_setup" "$@" \
		-- sh scripts/bench-guest.sh || echo "EXIT $?"; } |
		tee "$out/last.txt" | grep -v '^RESULT' >&2 || true
	vm_secs=$(($(date +%s) - vm_start))
	load_after=$(cut -d' ' -f1-3 /proc/loadavg)
	if grep -q '^EXIT ' "$out/last.txt"; then
		rc=$(sed -n 's/^EXIT //p' "$out/last.txt")
		echo "bench: the guest run failed (status $rc); output in $out/last.txt" >&2
		exit "$rc"
	fi
	{
		echo "HOST vm_secs $vm_secs"
		echo "HOST total_secs $(($(date +%s) - begin))"
		echo "HOST load_before $load_before"
		echo "HOST load_after $load_after"
	} >>"$out/last.txt"
fi

info()
{
	sed -n "s/^INFO $1 //p" "$out/last.txt"
}

host()
{
	sed -n "s/^HOST $1 //p" "$out/last.txt"
}

vm_secs=$(host vm_secs)
total_secs=$(host total_secs)
load_before=$(host load_before)
load_after=$(host load_after)

# The table, in Markdown (md) or reStructuredText list-table (rst) form.
# Each ratio is a configuration's result over its raw twin's (the same job
# run just before on the raw RAM disk); the raw column is the twins' mean.
table()
{
	awk -v fmt="$1" '
	$1 == "RESULT" {
		v[$2, $3] = $3 ~ /64k$/ ? $5 * 1024 / 1000000 : $4
		have[$2, $3] = 1
		if ($2 ~ /\/raw$/) { sum[$3, sub_n($2)] += v[$2, $3]; cnt[$3, sub_n($2)]++ }
	}
	# "cimrepl-8/raw" -> "8" (0 for the pass-through rows)
	function sub_n(c) {
		sub(/\/raw$/, "", c)
		sub(/^[a-z]*-/, "", c)
		return c
	}
	function ratio(cfg, wl,   r) {
		if (!have[cfg, wl] || !have[cfg "/raw", wl] || v[cfg "/raw", wl] == 0)
			return "n/a"
		r = v[cfg, wl] / v[cfg "/raw", wl]
		return sprintf(r < 0.095 ? "%.3f" : "%.2f", r)
	}
	function raw(n, wl) {
		if (!cnt[wl, n])
			return "n/a"
		return sprintf(wl ~ /64k$/ ? "%.0f MB/s" : "%.0f IOPS", sum[wl, n] / cnt[wl, n])
	}
	function row(label, n, wl,   c) {
		c[1] = label; c[2] = raw(n, wl)
		c[3] = ratio("cimrepl-" n, wl)
		c[4] = ratio("dmsnap-" n, wl)
		c[5] = ratio("dmthin-" n, wl)
		emit(c)
	}
	function emit(c,   i) {
		if (fmt == "md") {
			printf "|"
			for (i = 1; i <= 5; i++)
				printf " %s |", c[i]
			printf "\n"
		} else {
			printf "   * - %s\n", c[1]
			for (i = 2; i <= 5; i++)
				printf "     - %s\n", c[i]
		}
	}
	END {
		for (k in have)
			if (k ~ /^(cimrepl|dmsnap|dmthin)-/)
				any = 1
		if (!any)
			exit
		h[1] = "workload"; h[2] = "raw brd"; h[3] = "cimrepl"
		h[4] = "dm-snapshot"; h[5] = "dm-thin"
		if (fmt == "md") {
			emit(h)
			print "| --- | ---: | ---: | ---: | ---: |"
		} else {
			print ".. list-table::"
			print "   :header-rows: 1"
			print "   :widths: 40 15 15 15 15"
			print ""
			emit(h)
		}
		row("no snapshot: 4K random write", 0, "rw4k")
		row("no snapshot: 64K sequential write", 0, "sw64k")
		row("no snapshot: 4K random read", 0, "rr4k")
		for (k = 1; k <= 2; k++) {
			n = k == 1 ? 1 : 8
			p = n == 1 ? "1 snapshot: " : "8 snapshots: "
			row(p "first write, 4K random", n, "fw4k")
			row(p "rewrite, 4K random", n, "rw4k")
			row(p "first write, 64K sequential", n, "fw64k")
			row(p "rewrite, 64K sequential", n, "sw64k")
			row(p "snapshot read, 4K random", n, "rr4k")
			row(p "snapshot read, 64K sequential", n, "sr64k")
		}
	}' "$out/last.txt"
}

# The clone rows, in md or rst form (nothing when the run had no clone
# results). The copy: each round's clone rate over the raw copy's rate in
# the same round; the median of those ratios, and their range. The
# foreground writes: IOPS during the copy over IOPS without a clone.
clone_table()
{
	awk -v fmt="$1" -v mb="$(info clone_mb)" -v thr="$(info clone_throttle)" '
	$1 == "RESULT" && $3 == "copy" {
		if ($2 == "clone/raw") raw[++nr] = $5
		else if ($2 == "clone") cl[++nc] = $5
	}
	$1 == "RESULT" && $3 == "fg4k" { fg[$2] = $4 }
	function emit(c,   i) {
		if (fmt == "md") {
			printf "|"
			for (i = 1; i <= 4; i++)
				printf " %s |", c[i]
			printf "\n"
		} else {
			printf "   * - %s\n", c[1]
			for (i = 2; i <= 4; i++)
				printf "     - %s\n", c[i]
		}
	}
	function fmt_ratio(r) { return sprintf(r < 0.095 ? "%.3f" : "%.2f", r) }
	END {
		n = nr < nc ? nr : nc
		if (!n && !("clone" in fg))
			exit
		h[1] = "clone"; h[2] = "baseline"; h[3] = "with the clone"; h[4] = "ratio"
		if (fmt == "md") {
			emit(h)
			print "| --- | ---: | ---: | ---: |"
		} else {
			print ".. list-table::"
			print "   :header-rows: 1"
			print "   :widths: 40 20 20 20"
			print ""
			emit(h)
		}
		if (n) {
			for (i = 1; i <= n; i++) {
				r[i] = cl[i] / raw[i]; sraw += raw[i]; scl += cl[i]
			}
			for (i = 2; i <= n; i++)	# sort the ratios
				for (j = i; j > 1 && r[j - 1] > r[j]; j--) {
					t = r[j]; r[j] = r[j - 1]; r[j - 1] = t
				}
			med = n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
			c[1] = "copy rate, throttle off, " mb " MiB source (median of " n " rounds)"
			c[2] = sprintf("dd direct 1 MiB: %.0f MB/s", sraw / n * 1024 / 1e6)
			c[3] = sprintf("%.0f MB/s", scl / n * 1024 / 1e6)
			c[4] = fmt_ratio(med) " (" fmt_ratio(r[1]) "-" fmt_ratio(r[n]) ")"
			emit(c)
		}
		if (("clone" in fg) && ("clone/raw" in fg) && fg["clone/raw"] > 0) {
			c[1] = "4K random write on the source during the copy (throttle " \
				thr / 1024 " MiB/s)"
			c[2] = sprintf("no clone: %.0f IOPS", fg["clone/raw"])
			c[3] = sprintf("%.0f IOPS", fg["clone"])
			c[4] = fmt_ratio(fg["clone"] / fg["clone/raw"])
			emit(c)
		}
	}' "$out/last.txt"
}

# The mirror rows, in md or rst form (nothing when the run had no mirror
# results). Writes: each result over its raw twin's just before it, the
# median of those ratios over the pairs (BENCH_MIRROR_PAIRS); the raw
# column is the twins' mean. Initial copy: each round's mirror copy rate over
# the raw dd copy's rate just before it; the median of those ratios, and
# their range.
mirror_table()
{
	awk -v fmt="$1" -v mb="$(info mirror_mb)" -v rounds="$(info mirror_rounds)" -v skipped="$(info skipped)" '
	$1 == "RESULT" && $2 ~ /^(mirror-|dmmirror|dmraid1)/ && $3 == "copy" {
		m = $2; sub(/^mirror-/, "", m)
		if (m ~ /\/raw$/) { sub(/\/raw$/, "", m); raw[m, ++nr[m]] = $5 }
		else cp[m, ++nc[m]] = $5
		any = 1
	}
	$1 == "RESULT" && $2 ~ /^(mirror-|dmmirror|dmraid1)/ && $3 != "copy" {
		val = $3 ~ /64k$/ ? $5 * 1024 / 1000000 : $4
		if ($2 ~ /\/raw$/) {
			cf = $2; sub(/\/raw$/, "", cf)
			twin[cf, $3] = val
			sum[$3] += val; cnt[$3]++
		} else if (twin[$2, $3] > 0) {
			pr[$2, $3, ++np[$2, $3]] = val / twin[$2, $3]
			twin[$2, $3] = 0
		}
		any = 1
	}
	function fmt_ratio(r) { return sprintf(r < 0.095 ? "%.3f" : "%.2f", r) }
	# the median of the pairs ratios of cfg on wl
	function ratio(cfg, wl,   n, i, j, t, r) {
		if (index(skipped, cfg " "))
			return "skipped"
		n = np[cfg, wl]
		if (!n)
			return "n/a"
		for (i = 1; i <= n; i++)
			r[i] = pr[cfg, wl, i]
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && r[j - 1] > r[j]; j--) {
				t = r[j]; r[j] = r[j - 1]; r[j - 1] = t
			}
		return fmt_ratio(n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2)
	}
	# the median ratio of the copy rounds of mode m, and their range
	function copy_ratio(m,   n, i, j, t, r) {
		n = nr[m] < nc[m] ? nr[m] : nc[m]
		if (!n)
			return "n/a"
		for (i = 1; i <= n; i++) {
			r[i] = cp[m, i] / raw[m, i]; sraw += raw[m, i]; ncopy++
		}
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && r[j - 1] > r[j]; j--) {
				t = r[j]; r[j] = r[j - 1]; r[j - 1] = t
			}
		return fmt_ratio(n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2) \
			" (" fmt_ratio(r[1]) "-" fmt_ratio(r[n]) ")"
	}
	function emit(c,   i) {
		if (fmt == "md") {
			printf "|"
			for (i = 1; i <= 7; i++)
				printf " %s |", c[i]
			printf "\n"
		} else {
			printf "   * - %s\n", c[1]
			for (i = 2; i <= 7; i++)
				printf "     - %s\n", c[i]
		}
	}
	function row(label, wl,   c) {
		c[1] = label
		c[2] = cnt[wl] ? sprintf(wl ~ /64k$/ ? "%.0f MB/s" : "%.0f IOPS", sum[wl] / cnt[wl]) : "n/a"
		c[3] = ratio("mirror-none", wl)
		c[4] = ratio("mirror-sync", wl)
		c[5] = ratio("mirror-async", wl)
		c[6] = ratio("dmmirror", wl)
		c[7] = ratio("dmraid1", wl)
		emit(c)
	}
	END {
		if (!any)
			exit
		h[1] = "mirror"; h[2] = "raw brd"; h[3] = "volume, no mirror"
		h[4] = "cimrepl sync"; h[5] = "cimrepl async"; h[6] = "dm-mirror"
		h[7] = "dm-raid raid1"
		if (fmt == "md") {
			emit(h)
			print "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
		} else {
			print ".. list-table::"
			print "   :header-rows: 1"
			print "   :widths: 30 14 12 12 12 10 10"
			print ""
			emit(h)
		}
		row("4K random write on the source", "rw4k")
		row("64K sequential write on the source", "sw64k")
		c[4] = copy_ratio("sync"); c[5] = copy_ratio("async")
		if (ncopy) {
			c[1] = "initial copy, " mb " MiB (median of " rounds " rounds, range)"
			c[2] = sprintf("dd direct 1 MiB: %.0f MB/s", sraw / ncopy * 1024 / 1e6)
			c[3] = "-"; c[6] = "not measured"; c[7] = "not measured"
			emit(c)
		}
	}' "$out/last.txt"
}

# How much the emulated machine's speed moved during the run: the range of
# the raw twin's 4K random writes.
drift()
{
	awk '
	$1 == "RESULT" && $2 ~ /\/raw$/ && $3 == "rw4k" {
		if (min == "" || $4 < min) min = $4
		if ($4 > max) max = $4
	}
	END {
		if (min == "") print "not measured"
		else printf "%.0f to %.0f IOPS (max/min %.2f)\n", min, max, max / min
	}' "$out/last.txt"
}

date=$(date -u '+%Y-%m-%d %H:%M UTC')
host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
host_cpus=$(nproc)
qemu_version=$(qemu-system-x86_64 --version | sed -n '1s/^QEMU emulator version //p')
machine="QEMU $qemu_version TCG (no KVM), $(info cpus) vCPUs, $(info mem_mib) MiB,\
 guest kernel $(info kernel), $(info fio); host: $host_cpus x $host_cpu,\
 load average $load_before before, $load_after after"
params="region $(info region_mb) MiB, time-based runs $(info runtime) s,\
 libaio iodepth $(info iodepth), direct I/O, 64 KiB chunks everywhere"
drift_line=$(drift)
mirror_line="RAM disks of $(info mirror_mb) MiB; after the writes the sync mirror\
 was in CopyState $(info mirror_sync_state), the async one in\
 $(info mirror_async_state) (4 = Synchronized)."
clone_md=$(clone_table md)
mirror_md=$(mirror_table md)
main_md=$(table md)
clone_state=$(info clone_fg_state)
if [ -n "$clone_state" ]; then
	# shellcheck disable=SC2086 # three numbers
	set -- $clone_state
	clone_line="At the end of the foreground writes the clone was in CopyState $1\
 (4 = Synchronized), $2 of $3 chunks copied."
else
	clone_line=
fi

echo
echo "cimrepl benchmark, $date, ratios to the raw brd device (higher is better)"
echo
if [ -n "$main_md" ]; then
	echo "$main_md"
	echo
fi
if [ -n "$clone_md" ]; then
	echo "Clones (ratios to the baseline; copy: rounds' range in brackets):"
	echo
	echo "$clone_md"
	echo
	echo "$clone_line"
	echo
fi
if [ -n "$mirror_md" ]; then
	echo "Mirrors (ratios to the raw twin; initial copy: to dd, rounds' range in brackets):"
	echo
	echo "$mirror_md"
	echo
	echo "$mirror_line"
	echo
fi
echo "Machine: $machine."
echo "Parameters: $params."
echo "Raw 4K random writes over the run (the machine's drift): $drift_line."
echo "The guest ran ${vm_secs} s (boot included); make bench took ${total_secs} s."

[ "${BENCH_NO_DOC:-}" = 1 ] && exit 0
if [ -n "${BENCH_ONLY:-}" ]; then
	# a partial run would replace every other table of the page
	echo "bench: BENCH_ONLY run: $doc left as it is (paste the table by hand)" >&2
	exit 0
fi
if ! grep -q '^\.\. bench-results-begin' "$doc" ||
   ! grep -q '^\.\. bench-results-end' "$doc"; then
	echo "bench: $doc lacks the bench-results comments; not updated" >&2
	exit 1
fi
section=$(mktemp)
trap 'rm -f "$section"' EXIT
{
	echo "Measured $date with \`\`make bench\`\` (the guest ran ${vm_secs} s)."
	echo
	echo "- Machine: $machine."
	echo "- Parameters: $params."
	echo "- The raw device's 4K random writes over the run (the machine's"
	echo "  drift, which the paired ratios cancel): $drift_line."
	echo
	if [ -n "$main_md" ]; then
		echo "Ratios to the raw brd device, higher is better: each is a result over"
		echo "the same fio job's result on the raw RAM disk, run just before it; the"
		echo "raw column is the mean of those raw runs."
		echo
		table rst
	fi
	if [ -n "$clone_md" ]; then
		echo
		echo "Clones (\`\`BENCH_ONLY\`\` entry \`\`clone\`\`): each ratio is the clone's result over"
		echo "its baseline; for the copy, the median of the rounds' ratios, their"
		echo "range in brackets, and the rounds' mean rates."
		echo "$clone_line"
		echo
		clone_table rst
	fi
	if [ -n "$mirror_md" ]; then
		echo
		echo "Mirrors (\`\`BENCH_ONLY\`\` entry \`\`mirror\`\`): writes on the source of a"
		echo "Synchronized mirror (and of the volume alone, and of the device-mapper"
		echo "mirrors) over the raw twin; for the initial copy, the median of the"
		echo "rounds' ratios to dd, their range in brackets, and the rounds' mean"
		echo "dd rate. $mirror_line"
		echo
		mirror_table rst
	fi
} >"$section"
awk -v f="$section" '
	/^\.\. bench-results-begin/ { print; print ""; while ((getline l < f) > 0) print l; print ""; skip = 1; next }
	/^\.\. bench-results-end/ { skip = 0 }
	!skip' "$doc" >"$doc.new"
mv "$doc.new" "$doc"
echo "bench: results written to $doc" >&2
