#!/usr/bin/env bash
# Check the options of make's targets on the host, before anything builds or
# boots: the Makefile runs this when it reads its goals (so before any
# prerequisite, also under -n or -j), and boot.sh runs it too. Every bad
# option is reported, with the valid values; exit 1 if any.
#
# Usage: options.sh GOAL...   (GOAL: a make target, or "boot" for boot.sh)
# Environment: the options (BASE, ARCH, FLAVOUR, TESTS, REPEAT, TEST_TIMEOUT,
# TIMEOUT, MEM, ACCEL, PROG, MUTANT, MUTANT_FLAVOUR, SUITE, STRESS_ITER,
# STRESS_TIME, SWEEP_TIME, FROM, SIGNOFF, UNFIXED; empty is unset), and FLAVOUR_ORIGIN,
# make's $(origin FLAVOUR) ("file" when FLAVOUR is the Makefile's default).
set -euo pipefail
STEP=options
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

bad=0
err() {
	printf '%s: error: %s\n' "$STEP" "$*" >&2
	bad=1
}

# The Landlock selftest binaries: the *_test.c files of the tree (the
# selftests' Makefile builds one binary from each), or, without a tree, the
# base's and the ones the series adds.
selftests() {
	local dir=$LINUX/tools/testing/selftests/landlock f
	if compgen -G "$dir/*_test.c" >/dev/null; then
		for f in "$dir"/*_test.c; do
			f=${f##*/}
			echo "${f%.c}"
		done
	else
		printf '%s\n' base_test fs_test net_test ptrace_test \
			scoped_abstract_unix_test scoped_signal_test scoped_test
		[[ $BASE != mainline ]] || printf '%s\n' audit_test tsync_test
		compgen -G "$PATCHES_DIR/[0-9][0-9][0-9][0-9]-*.patch" >/dev/null || return 0
		sed -n 's|^diff --git a/tools/testing/selftests/landlock/\([A-Za-z0-9_]*_test\)\.c b/.*|\1|p' \
			"$PATCHES_DIR"/[0-9][0-9][0-9][0-9]-*.patch
	fi | sort -u | paste -sd' '
}

mutants() {
	local f dir=$TOP/tools/stress/mutants
	# BASE=mainline: the mutants of the mainline fix series.
	[[ ${BASE:-6.12} != mainline ]] || dir+=/mainline
	for f in "$dir"/*.patch; do
		[[ -e $f ]] || continue
		f=${f##*/}
		echo "${f%.patch}"
	done | paste -sd' '
}

# one_of NAME VALUE WHAT VALID...: VALUE must be one of VALID.
one_of() {
	local name=$1 value=$2 what=$3 v
	shift 3
	for v in "$@"; do
		[[ $value == "$v" ]] && return 0
	done
	err "$name='$value'$what: valid values: $*"
}

# positive NAME WHAT: $NAME, if set, is a positive integer.
positive() {
	local name=$1 what=$2 value=${!1:-}
	[[ -z $value || $value =~ ^[1-9][0-9]{0,8}$ ]] ||
		err "$name='$value': must be a positive integer ($what)"
}

# list NAME SEPARATORS WHAT VALID...: every word of $NAME (words separated
# by any of SEPARATORS) is one of VALID.
list() {
	local name=$1 seps=$2 what=$3 value=${!1:-} w unknown=() words
	shift 3
	read -r -a words <<<"$(tr -- "$seps" ' ' <<<"$value")"
	for w in "${words[@]}"; do
		[[ " $* " == *" $w "* ]] || unknown+=("$w")
	done
	[[ ${#unknown[@]} -eq 0 ]] ||
		err "$name='$value': no such $what: ${unknown[*]}; valid values: $*"
}

flavour=${FLAVOUR:-}
flavour_set=0
[[ -z $flavour || ${FLAVOUR_ORIGIN:-command line} == file ]] || flavour_set=1
boot=0 tests=0 stress=0 mutant=0 mbox=0

# ARCH: x86_64 (the default, QEMU) for every goal; um (User-Mode Linux) and
# arm64 (qemu-system-aarch64) for the steps that build and run the
# selftests (arm64: and make exec), with their one flavour.
arch=${ARCH:-}
case $arch in
"" | x86_64) ;;
um)
	for goal in "$@"; do
		case $goal in
		help | deps | fetch | tree | clean | distclean) ;;
		config | build | test | boot)
			[[ $flavour_set -eq 0 || $flavour == test ]] ||
				err "FLAVOUR='$flavour': ARCH=um has one flavour: test"
			;;
		*) err "ARCH=um: make $goal is not supported with User-Mode Linux; valid goals: config build test (make test ARCH=um)" ;;
		esac
	done
	[[ -z ${ACCEL:-} ]] || err "ACCEL='$ACCEL': ARCH=um runs no VM (User-Mode Linux is a host process)"
	;;
arm64)
	# arm64 in qemu-system-aarch64 (software emulation), one flavour:
	# the selftests and static arm64 programs.
	for goal in "$@"; do
		case $goal in
		help | deps | fetch | tree | clean | distclean) ;;
		config | build | initramfs | test | exec | boot)
			[[ $flavour_set -eq 0 || $flavour == test ]] ||
				err "FLAVOUR='$flavour': ARCH=arm64 has one flavour: test"
			;;
		check) err "ARCH=arm64: make check builds security/landlock for arm64 by itself; run it without ARCH" ;;
		*) err "ARCH=arm64: make $goal is not supported on arm64; valid goals: config build initramfs test exec (make test ARCH=arm64, make exec ARCH=arm64 PROG=static-arm64-program)" ;;
		esac
	done
	[[ -z ${ACCEL:-} || $ACCEL == tcg ]] ||
		err "ACCEL='$ACCEL': ARCH=arm64 runs in software emulation on this x86_64 host; valid values: tcg"
	;;
*) err "ARCH='$arch': valid values: x86_64 um arm64" ;;
esac

# BASE: 6.12 (the default: the TSYNC series of patches/) or mainline
# (Linux 7.3 and the fix series of patches/mainline/), x86_64 only, and
# without the goals that are about the 6.12 series alone.
case ${BASE:-6.12} in
6.12) ;;
mainline)
	[[ -z $arch || $arch == x86_64 ]] ||
		err "BASE=mainline ARCH='$arch': the mainline (7.3) tree is built and booted on x86_64 only; run it without ARCH"
	for goal in "$@"; do
		case $goal in
		phases)
			err "BASE=mainline: make $goal is about the 6.12 series (patches/); valid goals with BASE=mainline: tree config build initramfs run test exec shell stress mutant bench check export mbox"
			;;
		esac
	done
	;;
*) err "BASE='$BASE': valid values: 6.12 (the default, patches/) mainline (Linux 7.3, patches/mainline/)" ;;
esac

# UNFIXED=1: the unfixed mainline kernel runs the series' tests (make
# build, test, exec with BASE=mainline).
case ${UNFIXED:-} in
"" | 0) ;;
1)
	[[ ${BASE:-6.12} == mainline ]] ||
		err "UNFIXED=1 boots unfixed mainline (7.3) with the fix series' tests: it needs BASE=mainline"
	for goal in "$@"; do
		case $goal in
		help | deps | fetch | tree | config | build | initramfs | test | exec | bench | clients | boot) ;;
		*) err "UNFIXED=1: make $goal does not run on the unfixed kernel; valid goals: build test exec bench clients" ;;
		esac
	done
	;;
*) err "UNFIXED='$UNFIXED': valid values: 1 (the unfixed mainline kernel) 0 (the default)" ;;
esac

for goal in "$@"; do
	case $goal in
	config | build | initramfs)
		[[ -z $flavour ]] || one_of FLAVOUR "$flavour" " (make $goal)" test debug kcsan base
		;;
	run | boot-info | exec | shell | test)
		[[ -z $flavour ]] || one_of FLAVOUR "$flavour" " (make $goal)" test debug kcsan
		boot=1
		[[ $goal != test ]] || tests=1
		;;
	clients)
		# The clients run in make exec's guest: x86_64 (ARCH is checked
		# above), the test kernel.
		[[ -z $flavour ]] || one_of FLAVOUR "$flavour" " (make clients)" test
		boot=1
		;;
	boot)
		# boot.sh, which the benchmark also runs on the base kernel.
		[[ -z $flavour ]] || one_of FLAVOUR "$flavour" " (boot.sh)" test debug kcsan base
		boot=1 tests=1
		;;
	stress)
		# make stress runs on the debug kernel, or on the KCSAN one.
		[[ $flavour_set -eq 0 ]] || one_of FLAVOUR "$flavour" " (make stress)" debug kcsan
		boot=1 tests=1 stress=1
		;;
	bench | phases)
		# The benchmark boots the test kernel (and builds base itself);
		# make phases, the test kernel with an instrumentation patch.
		[[ $flavour_set -eq 0 ]] || one_of FLAVOUR "$flavour" " (make $goal)" test
		boot=1
		;;
	mutant)
		[[ $flavour_set -eq 0 ]] ||
			err "FLAVOUR='$flavour': make mutant builds the flavour the mutant's header names; to override it: MUTANT_FLAVOUR=test|debug"
		[[ -z ${MUTANT_FLAVOUR:-} ]] || one_of MUTANT_FLAVOUR "$MUTANT_FLAVOUR" "" test debug
		boot=1 mutant=1
		;;
	mbox)
		mbox=1
		;;
	*) ;;
	esac
	if [[ $goal == exec ]]; then
		if [[ -z ${PROG:-} ]]; then
			err "make exec needs PROG=path/to/program [ARGS='...']"
		elif [[ ! -f $PROG || ! -x $PROG ]]; then
			err "PROG='$PROG': not an executable file"
		elif [[ $arch == arm64 ]] && ! why=$(arm64_static_program "$PROG"); then
			err "$why"
		fi
	fi
done

if [[ $boot -eq 1 ]]; then
	positive TIMEOUT "seconds: the outer timeout of the VM"
	positive MEM "MiB of guest memory"
	[[ -z ${MEM:-} || ! $MEM =~ ^[0-9]+$ || ${#MEM} -gt 9 || $MEM -ge 256 ]] ||
		err "MEM='$MEM': at least 256 (MiB of guest memory)"
	[[ -z ${ACCEL:-} ]] || one_of ACCEL "$ACCEL" "" kvm tcg
fi
if [[ $tests -eq 1 || $mutant -eq 1 ]]; then
	positive REPEAT "times to run the selected tests in one boot"
fi
if [[ $tests -eq 1 ]]; then
	positive TEST_TIMEOUT "seconds: the timeout of each test binary in the guest"
	read -r -a valid <<<"$(selftests)"
	list TESTS ' ,' "Landlock selftest" "${valid[@]}"
fi
if [[ $stress -eq 1 ]]; then
	positive STRESS_ITER "iterations per stress scenario"
	positive STRESS_TIME "seconds for all stress scenarios"
	positive SWEEP_TIME "seconds for the allocation-failure sweep"
fi
if [[ $mutant -eq 1 ]]; then
	read -r -a names <<<"$(mutants)"
	if [[ -z ${MUTANT:-} ]]; then
		err "make mutant needs MUTANT=NAME; valid values: ${names[*]} all"
	else
		one_of MUTANT "$MUTANT" "" "${names[@]}" all
	fi
	read -r -a valid <<<"$(selftests)"
	list SUITE ',' "suite" stress failsweep clients "${valid[@]}"
fi
if [[ $mbox -eq 1 ]]; then
	# FROM='Name <addr@host>': a name (plain, or in double quotes), one
	# space, an address in angle brackets.
	from=${FROM:-}
	name=${from% <*}
	re_from='^[^<>[:cntrl:]]+ <[^][<>@[:space:][:cntrl:]"(),:;\]+@[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?>$'
	re_name='^("([^"\]|\\.)*"|[^"]*)$'
	if [[ -n $from ]] && { [[ ! $from =~ $re_from || ! $name =~ $re_name ]] ||
		[[ ! $name =~ [^[:space:]\"] || $name =~ ^[[:space:]] ]]; }; then
		err "FROM='$from': must be 'Name <addr@host>', e.g. FROM='A U Thor <author@example.org>'"
	fi
	case ${SIGNOFF:-0} in
	0) ;;
	1)
		[[ -n $from ]] ||
			err "SIGNOFF=1 adds the sender's own Signed-off-by, and needs the sender: FROM='Your Name <you@example.org>' (the project's identity never signs off for you)"
		;;
	*) err "SIGNOFF='$SIGNOFF': valid values: 1 (add FROM's Signed-off-by) 0 (the default)" ;;
	esac
fi
exit "$bad"
