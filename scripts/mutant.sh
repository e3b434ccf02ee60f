#!/usr/bin/env bash
# make mutant MUTANT=NAME: check that the test suite catches a known bug.
# Applies tools/stress/mutants/NAME.patch to build/linux's working tree,
# builds and boots the kernel flavour the mutant names, runs the suite it
# names, then reverts the patch, whatever happened. Succeeds only if the
# suite FAILED: a mutant that survives means the suite cannot see that bug.
#
# Each mutant's header says what catches it:
#   Flavour: test|debug      the kernel to build (default: debug)
#   Suite: NAME[,NAME]       debug: ll.suite of the stress boot (stress,
#                            failsweep; default: failsweep); test: the
#                            selftest binaries to run (TESTS), or
#                            "clients": make clients, where the landlock
#                            crate's abi_v8_all_threads must fail, and
#                            go-landlock's TestRestrictInPresenceOfThreading
#                            in some of its 20 runs, in each build
#   Repeat: N                test: run the binaries N times in one boot;
#                            every repetition must fail (default: 3)
# The environment (FLAVOUR, SUITE, REPEAT) overrides the header.
#
# make mutant with MUTANT=all runs every mutant in turn. With BASE=mainline,
# the mutants are those of the mainline fix series, in
# tools/stress/mutants/mainline/ (one undoes each fix; commit-on-abort
# breaks all-or-nothing, which the tests check), applied to
# build/mainline/linux.
#
# The next make test or make stress rebuilds the kernel (incrementally).
#
# Environment: MUTANT (required; not M, which is kbuild's), FLAVOUR, SUITE,
# REPEAT, and boot.sh's TIMEOUT, MEM, APPEND.
set -euo pipefail
STEP=mutant
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

dir=$TOP/tools/stress/mutants
[[ $BASE != mainline ]] || dir+=/mainline
tree=${LINUX#"$TOP"/}
# The stress boot's fault-site checks name mainline's functions.
base_arg=
[[ $BASE != mainline ]] || base_arg="ll.base=mainline "
list=
for p in "$dir"/*.patch; do
	[[ -e $p ]] && list+=" $(basename "$p" .patch)"
done
[[ -n ${MUTANT:-} ]] || die 2 "which mutant? make mutant MUTANT=NAME, one of:$list (or all)"
if [[ $MUTANT == all ]]; then
	failed=
	for name in $list; do
		MUTANT=$name "$0" || failed+=" $name"
	done
	[[ -z $failed ]] || die "$EX_TEST" "not caught:$failed"
	done_step "every mutant caught:$list"
	exit 0
fi
name=$MUTANT
patch=$dir/$name.patch
[[ -f $patch ]] || die 2 "no mutant $name (${dir#"$TOP"/}/): one of:$list"
[[ -d $LINUX/.git ]] || die "$EX_TREE" "no kernel tree: run make tree first"
git -C "$LINUX" diff --quiet HEAD ||
	die "$EX_TREE" "$tree has uncommitted changes: commit or stash them first"

# header KEY: the value of "KEY: value" in the patch's description.
header() {
	sed -n "/^diff --git/q; s/^$1: *//p" "$patch" | head -1
}
flavour=${FLAVOUR:-$(header Flavour)}
flavour=${flavour:-debug}
suite=${SUITE:-$(header Suite)}
repeat=${REPEAT:-$(header Repeat)}
# The clients run on the test kernel: a mutant built into another flavour
# would not be in the kernel they boot.
[[ $suite != clients || $flavour == test ]] ||
	die 2 "SUITE=clients runs on the test kernel, and $name.patch builds the $flavour one (MUTANT_FLAVOUR=test to override)"
case $flavour in
test) suite=${suite:-tsync_test} repeat=${repeat:-3} ;;
debug) suite=${suite:-failsweep} ;;
*) die 2 "$name.patch: Flavour must be test or debug, not $flavour" ;;
esac

git -C "$LINUX" apply "$patch" ||
	die "$EX_TREE" "$name.patch does not apply to $tree any more: refresh it"
trap 'git -C "$LINUX" apply -R "$patch" && info "reverted $name.patch"' EXIT
info "applied $name.patch ($flavour kernel, suite: $suite${repeat:+, $repeat run(s)}):"
grep '^[-+][^-+]' "$patch" >&2

make -C "$TOP" --no-print-directory FLAVOUR="$flavour" initramfs
set +e
if [[ $suite == clients ]]; then
	LOG=$BUILD/logs/mutant-$name.log "$TOP/scripts/clients.sh" test
elif [[ $flavour == test ]]; then
	LOG=$BUILD/logs/mutant-$name.log TESTS=${suite//,/ } REPEAT=$repeat \
		"$TOP/scripts/boot.sh" test test
else
	MEM=${MEM:-4096} TIMEOUT=${TIMEOUT:-900} \
		APPEND="ll.suite=$suite $base_arg${APPEND:-}" \
		LOG=$BUILD/logs/mutant-$name.log "$TOP/scripts/boot.sh" debug stress
fi
rc=$?
set -e
case $rc in
0) die "$EX_TEST" "mutant $name SURVIVED: the suite passed with the bug in" ;;
"$EX_TEST") ;;
*) die "$rc" "mutant $name: the boot failed with status $rc, not a verdict" ;;
esac
if [[ $suite == clients ]]; then
	# The clients' own TSYNC checks must be what failed.
	log=$BUILD/logs/mutant-$name.log
	missed=
	grep -q '^test tests::abi_v8_all_threads \.\.\. FAILED' "$log" ||
		missed+=" abi_v8_all_threads"
	# Each go-landlock build's 20 runs of its threading test: some failed.
	[[ $(tr -d '\r' <"$log" |
		grep -cE '^@@CLIENT go-landlock .*: TestRestrictInPresenceOfThreading x[0-9]+\|[0-9]+\|[1-9]') -eq 2 ]] ||
		missed+=" TestRestrictInPresenceOfThreading(in each go-landlock build)"
	[[ -z $missed ]] ||
		die "$EX_TEST" "mutant $name: the clients failed, but not in:$missed (log: ${log#"$TOP"/})"
	done_step "mutant $name caught: abi_v8_all_threads failed, and go-landlock's TestRestrictInPresenceOfThreading failed in each build ($(tr -d '\r' <"$log" | sed -n 's/^@@CLIENT go-landlock 0.9.0 (\([^)]*\)): TestRestrictInPresenceOfThreading x\([0-9]*\)|[0-9]*|\([0-9]*\)|.*/\3 of \2 runs, \1/p' | paste -sd, -)), as they must"
elif [[ $flavour == test ]]; then
	# Every repetition must have failed: count the binaries' KTAP totals
	# lines that report a failure.
	log=$BUILD/logs/mutant-$name.log
	runs=$(grep -cE 'Totals: pass:[0-9]+ fail:[0-9]+' "$log" || true)
	bad=$(grep -cE 'Totals: pass:[0-9]+ fail:[1-9]' "$log" || true)
	[[ $runs -gt 0 && $bad -eq $runs ]] ||
		die "$EX_TEST" "mutant $name caught in only $bad of $runs run(s) (log: ${log#"$TOP"/})"
	done_step "mutant $name caught: $bad of $runs run(s) of $suite failed, as they must"
else
	done_step "mutant $name caught: the suite failed, as it must"
fi
