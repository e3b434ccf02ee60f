#!/usr/bin/env bash
# Landlock's KUnit tests, as the maintainers run them: the tree's
# tools/testing/kunit/kunit.py with security/landlock/.kunitconfig, on
# User-Mode Linux (its default architecture), built through ccache in
# build/obj-kunit (BASE=mainline: build/mainline/obj-kunit). Prints one line
# with the counts; exits 1 if a test failed or none ran.
#
# Usage: kunit.sh [LOG]   (default: build/check/kunit.log)
set -euo pipefail
STEP=kunit
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[[ -d $LINUX ]] || die "$EX_TREE" "no tree at $LINUX; run 'make tree'"
[[ -f $LINUX/security/landlock/.kunitconfig ]] ||
	die "$EX_TREE" "$LINUX has no security/landlock/.kunitconfig"
log=${1:-$BUILD/check/kunit.log}
mkdir -p "${log%/*}"
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1 CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
build_lock kunit
rc=0
(cd "$LINUX" && python3 tools/testing/kunit/kunit.py run \
	--kunitconfig=security/landlock/.kunitconfig --arch=um \
	--build_dir="$BUILD/obj-kunit" --jobs="$(jobs)" \
	--make_options="CC=ccache gcc") >"$log" 2>&1 || rc=$?
# kunit.py ends with "Testing complete. Ran N tests: passed: N[, failed: N]
# [, skipped: N]".
summary=$(grep -a 'Testing complete\.' "$log" | tail -1 || true)
if [[ -z $summary ]]; then
	tail -20 "$log" >&2
	die "$EX_BUILD" "kunit.py did not run the tests (exit $rc; see ${log#"$TOP"/})"
fi
ran=$(sed -n 's/.*Ran \([0-9]*\) tests.*/\1/p' <<<"$summary")
failed=$(sed -n 's/.*failed: \([0-9]*\).*/\1/p' <<<"$summary")
echo "kunit:        ${failed:-0} finding(s)  (${log#"$TOP"/}: ${summary#*Testing complete. })"
[[ $rc -eq 0 && ${failed:-0} -eq 0 && ${ran:-0} -gt 0 ]] || exit 1
