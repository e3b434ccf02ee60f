#!/usr/bin/env bash
# make phases: where the time of a TSYNC call goes, phase by phase.
# Applies tools/bench/phases.patch (timestamps at the end of each phase of a
# call, printed by the kernel after every call) to build/linux's working
# tree, builds the test kernel, boots it twice, with the default idle and
# with idle=poll, running the benchmark's time series at N = 1, 4 and 16
# siblings (200 calls each), then reverts the patch, whatever happened, and
# prints the median of every phase and count per N and guest mode. The
# tables land in build/bench/phases.md.
#
# The next make test or make bench rebuilds the kernel without the patch
# (incrementally).
#
# Environment: PHASES_N (default 1,4,16), PHASES_REPS (default 200), and
# boot.sh's TIMEOUT, MEM.
set -euo pipefail
STEP=phases
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

patch=$TOP/tools/bench/phases.patch
n=${PHASES_N:-1,4,16}
reps=${PHASES_REPS:-200}
[[ $n =~ ^[0-9]+(,[0-9]+)*$ ]] || die 2 "PHASES_N='$n': a comma-separated list of thread counts"
[[ $reps =~ ^[1-9][0-9]*$ ]] || die 2 "PHASES_REPS='$reps': a positive integer"
[[ -d $LINUX/.git ]] || die "$EX_TREE" "no kernel tree: run make tree first"
git -C "$LINUX" diff --quiet HEAD ||
	die "$EX_TREE" "build/linux has uncommitted changes: commit or stash them first"
git -C "$LINUX" apply "$patch" ||
	die "$EX_TREE" "tools/bench/phases.patch does not apply to build/linux any more: refresh it"
trap 'git -C "$LINUX" apply -R "$patch" && info "reverted tools/bench/phases.patch"' EXIT
info "applied tools/bench/phases.patch (test kernel)"

make -C "$TOP" --no-print-directory FLAVOUR=test initramfs
out=$BUILD/bench
mkdir -p "$out"
md=$out/phases.md
{
	echo "# Where the time of a TSYNC call goes (make phases)"
	echo
	echo "Test kernel with tools/bench/phases.patch, 2 vCPUs, QEMU TCG; the benchmark's time series ($reps measured calls per N, and its warm-up and verification calls: every TSYNC call is counted), idle siblings parked in futex_wait(). Per call: the median of each count, then the median (and 90th percentile) of each phase in µs; see the patch's header for the phases."
} >"$md"

for mode in default poll; do
	log=$BUILD/logs/phases-$mode.log
	append="ll.bench=-p,time,-n,${n//,/:},-r,$reps loglevel=5"
	[[ $mode == poll ]] && append+=" idle=poll"
	info "$mode idle: N=$n, $reps calls each (log: ${log#"$TOP"/})"
	MEM=${MEM:-4096} TIMEOUT=${TIMEOUT:-1500} LOG=$log APPEND="$append" \
		"$TOP/scripts/boot.sh" test bench >/dev/null ||
		die "$EX_VM" "$mode idle: the boot failed (log: ${log#"$TOP"/})"
	grep -q '^DONE,' "$log" || die "$EX_VM" "$mode idle: the benchmark did not finish (log: ${log#"$TOP"/})"
	{
		echo
		echo "## Guest idle: $mode"
		echo
		# One line per call: median of each field per number of siblings.
		grep -ao 'tsync-phases: .*' "$log" | tr -d '\r' | awk '
			# quantile(KEY, COUNT, Q): the Q-quantile of the values
			# v[KEY, 1..COUNT] (nearest rank; the median for 0.5).
			function quantile(key, cnt, q,   i, j, t, a, r) {
				for (i = 1; i <= cnt; i++)
					a[i] = v[key, i]
				for (i = 2; i <= cnt; i++)
					for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
						t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
					}
				r = int(q * cnt + 0.999999)
				return a[r < 1 ? 1 : r]
			}
			{
				delete f
				for (i = 2; i <= NF; i++) {
					split($i, kv, "=")
					f[kv[1]] = kv[2]
				}
				s = f["siblings"]
				c = ++calls[s]
				for (k in f)
					v[s "," k, c] = f[k]
			}
			END {
				print "| siblings | calls | passes | caller sleeps | woken by the verdict | kick | check-in | verdict | commit | wake | total |"
				print "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
				# mawk has no sorted traversal: sort the keys.
				nk = 0
				for (s in calls)
					keys[++nk] = s + 0
				for (i = 2; i <= nk; i++)
					for (j = i; j > 1 && keys[j - 1] > keys[j]; j--) {
						t = keys[j]; keys[j] = keys[j - 1]; keys[j - 1] = t
					}
				for (ki = 1; ki <= nk; ki++) {
					s = keys[ki]
					line = "| " s " | " calls[s]
					split("passes waits woken", cnt_fields, " ")
					for (i = 1; i <= 3; i++)
						line = line " | " quantile(s "," cnt_fields[i], calls[s], 0.5)
					split("kick checkin verdict commit wake total", t_fields, " ")
					for (i = 1; i <= 6; i++)
						line = line sprintf(" | %.0f (%.0f)",
							quantile(s "," t_fields[i], calls[s], 0.5) / 1000,
							quantile(s "," t_fields[i], calls[s], 0.9) / 1000)
					print line " |"
				}
			}'
	} >>"$md"
done
cat "$md"
done_step "phases of a TSYNC call: ${md#"$TOP"/}"
