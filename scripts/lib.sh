# shellcheck shell=bash
# Common helpers for the project's host scripts. Sourced, never run.

# Distinct exit codes, one per kind of failure (see README.md).
readonly EX_DEPS=2	# missing dependency or failed fetch
readonly EX_TREE=3	# patch does not apply, or tree in an unsafe state
readonly EX_CONFIG=4	# kernel configuration error
readonly EX_BUILD=5	# build error
readonly EX_VM=6	# VM crash, kernel panic or timeout
readonly EX_TEST=7	# a test failed or a kernel report was found
export EX_DEPS EX_TREE EX_CONFIG EX_BUILD EX_VM EX_TEST

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
LINUX=$BUILD/linux
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/landlock-tsync
# The base tree this series is tested on: Debian's linux-source-6.12.
BASE_PKG=linux-source-6.12
BASE_VERSION_PIN=6.12.117-1~deb12u1
BASE_TAG=base
# The version of the series in patches/ ([PATCH vN n/m]).
SERIES_VERSION=2
export TOP BUILD LINUX CACHE BASE_PKG BASE_VERSION_PIN BASE_TAG SERIES_VERSION

_step_start=$(date +%s)

# die CODE MESSAGE...: print an error and exit with CODE.
die() {
	local code=$1
	shift
	printf '%s: error: %s\n' "${STEP:-${0##*/}}" "$*" >&2
	exit "$code"
}

warn() {
	printf '%s: warning: %s\n' "${STEP:-${0##*/}}" "$*" >&2
}

# done_step MESSAGE...: the one line a step prints when it ends.
done_step() {
	local now
	now=$(date +%s)
	printf '[%-9s] %s (%ds)\n' "${STEP:-${0##*/}}" "$*" "$((now - _step_start))"
}

info() {
	printf '[%-9s] %s\n' "${STEP:-${0##*/}}" "$*"
}

# use_flavour FLAVOUR: point LINUX at the source tree of a kernel flavour.
# "test" and "debug" build the series (build/linux); "base" builds the
# unpatched base tag, from a git worktree (build/linux-base) for the
# benchmark's no-regression check.
use_flavour() {
	case $1 in
	test | debug | kcsan) ;;
	base)
		if [[ ! -d $BUILD/linux-base ]]; then
			git -C "$LINUX" worktree add -q --detach "$BUILD/linux-base" "$BASE_TAG" ||
				die "$EX_TREE" "cannot create the base worktree"
		fi
		LINUX=$BUILD/linux-base
		;;
	*) die "$EX_CONFIG" "unknown flavour '$1' (test, debug, kcsan or base)" ;;
	esac
}

# Number of parallel jobs for make.
jobs() {
	nproc 2>/dev/null || echo 2
}
