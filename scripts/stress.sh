#!/usr/bin/env bash
# make stress: two boots of the debug kernel (lockdep, KASAN, kmemleak,
# hung-task and stall detection, fault injection):
#   (a) every Landlock kselftest (boot.sh debug test);
#   (b) the TSYNC stress scenarios and the allocation-failure sweep
#       (guest/stress.sh), then a kmemleak scan.
# Any kernel report fails the boot it appears in. Ends with one totals line,
# "N passed, N failed": kselftest cases plus stress scenarios and sweep
# configurations, a boot that failed without a failing unit counting as one.
#
# Usage: stress.sh [debug|kcsan]
#
# Environment: STRESS_ITER (iterations per scenario), STRESS_TIME (seconds
# for all scenarios), SWEEP_TIME (seconds for the sweep), TIMEOUT (outer
# timeout of each boot, s; default 1500 for the selftests, 900 for the
# stress suite), TEST_TIMEOUT (per selftest binary, s; default 1200: the
# debug kernel runs fs_test in about 4 minutes on an idle 2-core machine
# without KVM, and took over 10 under load), and boot.sh's MEM, ACCEL,
# APPEND.
set -euo pipefail
STEP=stress
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

passed=0
failed=0
skipped=0
vm_failed=0

# boot NAME ENV... -- ARGS...: run boot.sh with ENV, show and keep its output,
# and add the last totals line it printed to ours.
boot() {
	local name=$1 out rc line p f
	shift
	local -a env=()
	while [[ $1 != -- ]]; do
		env+=("$1")
		shift
	done
	shift
	out=$(mktemp "${TMPDIR:-/tmp}/stress-$name.XXXXXX")
	info "($name) $*"
	set +e
	env "${env[@]}" "$TOP/scripts/boot.sh" "$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	set -e
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1 || true)
	rm -f "$out"
	p=0 f=0
	if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]]; then
		p=${BASH_REMATCH[1]}
		f=${BASH_REMATCH[2]}
		skipped=$((skipped + ${BASH_REMATCH[4]:-0}))
	fi
	case $rc in
	0) ;;
	"$EX_TEST" | "$EX_VM")
		# Kernel reports, a crash or a timeout, maybe after a clean
		# guest verdict: one more failed unit.
		[[ $f -gt 0 && $rc -eq $EX_TEST ]] || f=$((f + 1))
		[[ $rc -ne $EX_VM ]] || vm_failed=1
		;;
	*) die "$rc" "($name) boot.sh failed with status $rc" ;;
	esac
	passed=$((passed + p))
	failed=$((failed + f))
	info "($name) $p passed, $f failed (boot.sh status $rc)"
}

flavour=${1:-debug}
# Mainline's TSYNC allocates one work item per thread: its sweep has many
# more failure points (64 siblings: 146 of the caller's, against 20 with
# one sibling), each a call over 65 threads, and needs longer than the
# series' 150 s (measured: 606 s for its 12 configurations, loaded machine).
sweep_default=150 stress_timeout=900 base_arg=
if [[ $BASE == mainline ]]; then
	sweep_default=900 stress_timeout=1800 base_arg=ll.base=mainline
fi
boot selftests "TIMEOUT=${TIMEOUT:-1500}" \
	"TEST_TIMEOUT=${TEST_TIMEOUT:-1200}" -- "$flavour" test
boot stress "MEM=${MEM:-4096}" "TIMEOUT=${TIMEOUT:-$stress_timeout}" \
	"APPEND=ll.iter=${STRESS_ITER:-20} ll.stress_time=${STRESS_TIME:-240} ll.sweep_time=${SWEEP_TIME:-$sweep_default} $base_arg ${APPEND:-}" \
	-- "$flavour" stress

done_step "$flavour kernel: selftests, stress scenarios, allocation-failure sweep ($skipped selftest cases skipped)"
echo "$passed passed, $failed failed"
[[ $vm_failed -eq 0 ]] || exit "$EX_VM"
[[ $failed -eq 0 ]] || exit "$EX_TEST"
