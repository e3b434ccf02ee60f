#!/usr/bin/env bash
# make test: boot the test kernel and run the Landlock kselftests (TESTS,
# REPEAT), then boot it again with preempt=full and run tsync_test: the
# test kernel is PREEMPT_DYNAMIC (voluntary by default, as distributions
# ship it), so full preemption costs a boot, not a build. The second boot
# is skipped when TESTS does not include tsync_test. Ends with one totals
# line over both boots.
#
# Usage: test.sh [FLAVOUR]
set -euo pipefail
STEP="test"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=${1:-test}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

rc=0
"$TOP/scripts/boot.sh" "$flavour" test | tee "$out" || rc=$?
[[ $rc -eq 0 || $rc -eq $EX_TEST ]] || exit "$rc"
totals=$(tail -n 1 "$out")

if [[ -z ${TESTS:-} || " $TESTS " == *" tsync_test "* ]]; then
	prc=0
	info "again with preempt=full: tsync_test"
	APPEND="preempt=full ${APPEND:-}" TESTS=tsync_test \
		LOG=$BUILD/logs/$flavour-test-preempt-full.log \
		"$TOP/scripts/boot.sh" "$flavour" test | tee "$out" || prc=$?
	[[ $prc -eq 0 || $prc -eq $EX_TEST ]] || exit "$prc"
	[[ $rc -ne 0 ]] || rc=$prc
	totals+=$'\n'$(tail -n 1 "$out")
fi

# Sum "N passed, N failed, N skipped" over the boots.
awk '{ p += $1; f += $3; s += $5 }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' <<<"$totals"
exit "$rc"
