#!/usr/bin/env bash
# make mutant MUTANT=NAME: check that make stress's suite catches a known bug.
# Applies tools/stress/mutants/NAME.patch to build/linux's working tree,
# builds and boots the debug kernel with the stress suite (ll.suite=SUITE,
# default: the allocation-failure sweep), then reverts the patch, whatever
# happened. Succeeds only if the suite FAILED: a mutant that survives means
# the suite cannot see that bug.
#
# The next make stress rebuilds the debug kernel (incrementally).
#
# Environment: MUTANT (required; not M, which is kbuild's), SUITE
# (stress,failsweep; default: failsweep), and boot.sh's TIMEOUT, MEM, APPEND.
set -euo pipefail
STEP=mutant
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

dir=$TOP/tools/stress/mutants
list=
for p in "$dir"/*.patch; do
	[[ -e $p ]] && list+=" $(basename "$p" .patch)"
done
[[ -n ${MUTANT:-} ]] || die 2 "which mutant? make mutant MUTANT=NAME, one of:$list"
name=$MUTANT
patch=$dir/$name.patch
[[ -f $patch ]] || die 2 "no mutant $name (tools/stress/mutants/): one of:$list"
[[ -d $LINUX/.git ]] || die "$EX_TREE" "no kernel tree: run make tree first"
git -C "$LINUX" diff --quiet HEAD ||
	die "$EX_TREE" "build/linux has uncommitted changes: commit or stash them first"

git -C "$LINUX" apply "$patch" ||
	die "$EX_TREE" "$name.patch does not apply to build/linux any more: refresh it"
trap 'git -C "$LINUX" apply -R "$patch" && info "reverted $name.patch"' EXIT
info "applied $name.patch:"
grep '^[-+][^-+]' "$patch" >&2

make -C "$TOP" --no-print-directory FLAVOUR=debug initramfs
set +e
MEM=${MEM:-4096} TIMEOUT=${TIMEOUT:-900} \
	APPEND="ll.suite=${SUITE:-failsweep} ${APPEND:-}" \
	"$TOP/scripts/boot.sh" debug stress
rc=$?
set -e
case $rc in
0) die "$EX_TEST" "mutant $name SURVIVED: the suite passed with the bug in" ;;
"$EX_TEST") done_step "mutant $name caught: the suite failed, as it must" ;;
*) die "$rc" "mutant $name: the boot failed with status $rc, not a verdict" ;;
esac
