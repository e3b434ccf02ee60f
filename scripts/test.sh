#!/usr/bin/env bash
# make test: boot the test kernel and run the Landlock kselftests (TESTS,
# REPEAT), then boot it again with preempt=full and run tsync_test: the
# test kernel is PREEMPT_DYNAMIC (voluntary by default, as distributions
# ship it), so full preemption costs a boot, not a build. The second boot
# is skipped when TESTS does not include tsync_test. Without TESTS, a third
# boot drives make shell with commands on stdin (shell-test.sh). Ends with
# one totals line over the boots. BASE=mainline: every *_test binary of
# 7.3 (not fs_bench), without the make shell boot. With ARCH=um: one run in User-Mode Linux (uml.sh),
# whose kernel is built fully preemptible (UML has no PREEMPT_DYNAMIC).
# With ARCH=arm64: the same two boots in qemu-system-aarch64, without the
# make shell one (the host's programs are x86_64).
#
# Usage: test.sh [FLAVOUR]
# Environment: ARCH (x86_64, um or arm64), and the options of boot.sh
# (uml.sh).
set -euo pipefail
STEP="test"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=${1:-test}
[[ $KARCH != um ]] || exec "$TOP/scripts/uml.sh" "$flavour"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# BASE=mainline: boot.sh runs every *_test binary of 7.3 (not fs_bench),
# and there is no make shell boot (its checks are about the 6.12 series:
# ABI 8).
all_tests=1
[[ $BASE != mainline ]] || all_tests=0

# The logs' names: boot.sh's (the unfixed kernel's with UNFIXED=1).
log_name=$(build_name "$flavour")
[[ ${UNFIXED:-0} != 1 ]] || log_name=unfixed

rc=0
"$TOP/scripts/boot.sh" "$flavour" test | tee "$out" || rc=$?
[[ $rc -eq 0 || $rc -eq $EX_TEST ]] || exit "$rc"
totals=$(tail -n 1 "$out")

if [[ -z ${TESTS:-} || " $TESTS " == *" tsync_test "* ]]; then
	prc=0
	info "again with preempt=full: tsync_test"
	APPEND="preempt=full ${APPEND:-}" TESTS=tsync_test \
		LOG=$BUILD/logs/$log_name-test-preempt-full.log \
		"$TOP/scripts/boot.sh" "$flavour" test | tee "$out" || prc=$?
	[[ $prc -eq 0 || $prc -eq $EX_TEST ]] || exit "$prc"
	[[ $rc -ne 0 ]] || rc=$prc
	totals+=$'\n'$(tail -n 1 "$out")
fi

# make shell, scripted, when every test runs: a dynamically linked host
# program in the guest (x86_64 only).
if [[ -z ${TESTS:-} && $all_tests -eq 1 && $KARCH == x86_64 ]]; then
	src=0
	"$TOP/scripts/shell-test.sh" "$flavour" | tee "$out" || src=$?
	[[ $src -eq 0 || $src -eq $EX_TEST ]] || exit "$src"
	[[ $rc -ne 0 ]] || rc=$src
	totals+=$'\n'$(tail -n 1 "$out")
fi

# Sum "N passed, N failed, N skipped" over the boots.
awk '{ p += $1; f += $3; s += $5 }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' <<<"$totals"
exit "$rc"
