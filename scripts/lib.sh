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
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/landlock-tsync
# The base tree (make's BASE=, checked by scripts/options.sh):
# - 6.12, the default: Debian's linux-source-6.12 (bookworm, the machine's
#   own apt sources), with the TSYNC series of patches/, built in build/;
# - mainline: Debian's linux-source-7.3 (trixie-backports, fetched with a
#   private apt state directory: the machine's apt sources are not
#   changed), with the fix series for mainline's own TSYNC of
#   patches/mainline/, built in build/mainline/ (its own tree, obj-*,
#   initramfs, logs, mbox, check). x86_64 only.
# BASE_SUITE is empty for the machine's own apt sources.
BASE=${BASE:-6.12}
BUILD_ROOT=${BUILD_ROOT:-$TOP/build}
case $BASE in
mainline)
	BASE_PKG=linux-source-7.3
	BASE_VERSION_PIN=7.3.4-1~bpo13+1
	BASE_SUITE=trixie-backports
	PATCHES_DIR=$TOP/patches/mainline
	BUILD=$BUILD_ROOT/mainline
	# The version of the series in patches/mainline/ ([PATCH vN n/m]).
	SERIES_VERSION=2
	;;
*)
	BASE_PKG=linux-source-6.12
	BASE_VERSION_PIN=6.12.118-1~deb12u1
	BASE_SUITE=
	PATCHES_DIR=$TOP/patches
	BUILD=$BUILD_ROOT
	# The version of the series in patches/ ([PATCH vN n/m]).
	SERIES_VERSION=6
	;;
esac
LINUX=$BUILD/linux
BASE_TAG=base
export TOP BASE BUILD_ROOT BUILD LINUX CACHE BASE_PKG BASE_VERSION_PIN BASE_SUITE \
	PATCHES_DIR BASE_TAG SERIES_VERSION

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
# unpatched base tag, from a git worktree (build/base/linux), for the
# benchmark's no-regression check and for UNFIXED=1 (BASE=mainline). Its
# build directory (build/base/obj-base) sits beside it as obj-test sits
# beside build/linux: the compiler sees the same relative paths, and
# ccache serves every file that the series does not change.
use_flavour() {
	case $1 in
	test | debug | kcsan) ;;
	base)
		if [[ ! -d $BUILD/base/linux ]]; then
			mkdir -p "$BUILD/base"
			git -C "$LINUX" worktree add -q --detach "$BUILD/base/linux" "$BASE_TAG" ||
				die "$EX_TREE" "cannot create the base worktree"
		fi
		LINUX=$BUILD/base/linux
		;;
	*) die "$EX_CONFIG" "unknown flavour '$1' (test, debug, kcsan or base)" ;;
	esac
}

# The architecture of make's ARCH= (checked by scripts/options.sh): x86_64,
# the default, runs in QEMU; um is User-Mode Linux on this x86_64 host
# (make test ARCH=um), one flavour (test), built in build/obj-um. i386 is
# only configured and built by make check (sparse and W=1 on 32 bits), in
# build/obj-i386. arm64 is cross-built with Debian's aarch64-linux-gnu
# toolchain and runs in qemu-system-aarch64 (make test ARCH=arm64), one
# flavour (test), in build/obj-arm64, build/initramfs-arm64.* and
# build/tools-arm64.
# build_name FLAVOUR: the name of a build: the flavour on x86_64, the
# architecture on the others (one flavour each); obj_dir FLAVOUR: its build
# directory. KMAKE: make's arguments for the kernel's architecture; KCC: the
# compiler (through ccache); KTARGET: the image's make target; KIMAGE: the
# image, relative to the build directory; BUSYBOX: the guest's busybox (a
# static binary of the guest's architecture).
KARCH=${ARCH:-x86_64}
KCC="ccache gcc"
BUSYBOX=/bin/busybox
# shellcheck disable=SC2034 # used by the scripts that source this file
case $KARCH in
um) KMAKE=(ARCH=um) KTARGET=linux KIMAGE=linux ;;
i386) KMAKE=(ARCH=i386) KTARGET=bzImage KIMAGE=arch/x86/boot/bzImage ;;
arm64)
	KMAKE=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-) KTARGET=Image KIMAGE=arch/arm64/boot/Image
	KCC="ccache aarch64-linux-gnu-gcc"
	# Debian's busybox-static:arm64, extracted by deps.sh (it cannot be
	# installed beside the host's busybox-static).
	BUSYBOX=$CACHE/arm64/busybox-static/bin/busybox
	;;
*) KMAKE=() KTARGET=bzImage KIMAGE=arch/x86/boot/bzImage ;;
esac
build_name() {
	if [[ $KARCH == x86_64 ]]; then
		echo "$1"
	else
		echo "$KARCH"
	fi
}
obj_dir() {
	if [[ $1 == base ]]; then
		echo "$BUILD/base/obj-base"
	else
		echo "$BUILD/obj-$(build_name "$1")"
	fi
}

# arm64_static_program PROG: whether make exec ARCH=arm64 can run PROG, a
# static arm64 ELF program (the arm64 guest has only its initramfs: no
# host file system, no dynamic loader, no x86_64 emulation); if not, prints
# why.
arm64_static_program() {
	local desc
	desc=$(file -bL "$1" 2>&1)
	if [[ $desc == ELF*"ARM aarch64"* && ($desc == *"statically linked"* || $desc == *"static-pie linked"*) ]]; then
		return 0
	fi
	printf '%s' "PROG='$1': ARCH=arm64 runs static arm64 programs only (aarch64-linux-gnu-gcc -static); "
	if [[ $desc != ELF* ]]; then
		printf '%s\n' "this is not an ELF program (a script needs the host's interpreters, which are x86_64; make exec without ARCH runs it)"
	elif [[ $desc != *"ARM aarch64"* ]]; then
		printf '%s\n' "this is not an arm64 program ($(cut -d, -f1-2 <<<"$desc")): an arm64 guest cannot run it; make exec without ARCH runs it"
	else
		printf '%s\n' "this one is dynamically linked, and the arm64 guest has no C library (only its initramfs): link it with -static"
	fi
	return 1
}

# The kernel reports that fail a run, in a console log: kernel_reports LOG
# prints the first 20 report lines ("NR:line"). arm64 words some of them
# its own way: "Unable to handle kernel ...", "Internal error: Oops",
# "Call trace:". The stack traces that fault
# injection prints on request (make stress) are not reports: kernel-log.awk
# hides their "Call Trace:" lines.
KERNEL_REPORT_RE='(BUG:|WARNING:|Oops|Kernel panic|general protection fault|KASAN|UBSAN|kmemleak: report|possible (recursive|circular) locking|INFO: task .* blocked for more than|rcu: INFO|detected stalls|soft lockup|hard LOCKUP|Call Trace:|Call trace:|Unable to handle kernel)'
kernel_reports() {
	awk -v mode=scan -f "$TOP/scripts/kernel-log.awk" "$1" |
		grep -E "$KERNEL_REPORT_RE" | head -20 || true
}

# boot_verdict LOG RC TIMEOUT MACHINE: the end of a boot (QEMU or UML) whose
# console log is LOG and whose runner exited with RC, under a TIMEOUT (s).
# Kernel reports anywhere in the log are printed (kernel_reports: the stack
# traces that fault injection prints on request are not reports). A guest
# that gave no verdict (hang, panic, crash) fails with the log's last 50
# lines (EX_VM). Otherwise sets REPORTS, the report lines, and GUEST_RC,
# the guest's status.
boot_verdict() {
	local log=$1 rc=$2 timeout=$3 machine=$4 end why

	REPORTS=$(kernel_reports "$log")
	end=$(grep -o '@@LLT-END rc=[0-9]*' "$log" | tail -1 || true)
	if [[ -z $end ]]; then
		if [[ $rc -eq 124 || $rc -eq 137 ]]; then
			why="timeout: no verdict after ${timeout}s (hang?)"
		elif grep -q 'Kernel panic' "$log"; then
			why="kernel panic: $(grep -m1 'Kernel panic' "$log")"
		else
			why="$machine ended (exit $rc) without a verdict"
		fi
		echo "---- last 50 lines of $log ----" >&2
		tail -n 50 "$log" >&2
		echo "----" >&2
		[[ -z $REPORTS ]] || printf 'kernel reports:\n%s\n' "$REPORTS" >&2
		die "$EX_VM" "$why"
	fi
	# shellcheck disable=SC2034 # for the scripts that source this file
	GUEST_RC=${end##*rc=}
	[[ -z $REPORTS ]] ||
		printf 'kernel reports in %s:\n%s\n' "${log#"$TOP"/}" "$REPORTS" >&2
}

# apt_private SUITE [TYPE]: apt-get and apt-cache options (APT_OPTS) for a
# suite that the machine's apt sources do not list (sid, trixie-backports),
# with a private apt configuration and state directory (APT_DIR, a new
# temporary directory) that list only that suite's main component, as TYPE
# lines (deb, the default, or deb-src): the machine's sources, lists and
# preferences are neither read nor changed. The suite's Release file is
# authenticated with Debian's archive keyring (Debian 12's has the keys of
# trixie and sid). apt's _apt user must be able to write there, hence a
# temporary directory and not $CACHE (which may be under /root). The
# caller removes APT_DIR.
apt_private() {
	local suite=$1 type=${2:-deb}
	APT_DIR=$(mktemp -d)
	chmod 0755 "$APT_DIR"
	mkdir -p "$APT_DIR/etc/sources.list.d" "$APT_DIR/etc/preferences.d" \
		"$APT_DIR/state/lists/partial" "$APT_DIR/cache/archives/partial"
	echo "$type [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
		>"$APT_DIR/etc/sources.list"
	chmod -R a+rwX "$APT_DIR/state" "$APT_DIR/cache"
	APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/etc/sources.list"
		-o "Dir::Etc::SourceParts=$APT_DIR/etc/sources.list.d"
		-o "Dir::Etc::Preferences=$APT_DIR/etc/preferences"
		-o "Dir::Etc::PreferencesParts=$APT_DIR/etc/preferences.d"
		-o "Dir::State=$APT_DIR/state" -o "Dir::State::status=/dev/null"
		-o "Dir::Cache=$APT_DIR/cache")
	apt-get "${APT_OPTS[@]}" update -qq >"$APT_DIR/update.log" 2>&1 || {
		cat "$APT_DIR/update.log" >&2
		die "$EX_DEPS" "apt-get update of $suite ($type, private state in $APT_DIR) failed"
	}
}

# apt_download PKG VERSION DIR WHERE: download PKG=VERSION with apt-get
# download (APT_OPTS: empty for the machine's apt sources, or apt_private's)
# into DIR, and print the .deb's path. If that version has left the archive
# (WHERE names it in messages), the newest one instead, with a warning. With
# the machine's own sources, as root, the lists are updated once before
# giving up on the pinned version. apt's _apt user may not write to DIR:
# the download goes to a temporary directory first.
apt_download() {
	local pkg=$1 version=$2 dir=$3 where=$4 tmp newest deb
	tmp=$(mktemp -d)
	chmod 0777 "$tmp"
	_apt_download_one() {
		(cd "$tmp" && apt-get "${APT_OPTS[@]}" download -q "$pkg=$1" >/dev/null 2>&1)
	}
	if ! _apt_download_one "$version"; then
		if [[ ${#APT_OPTS[@]} -eq 0 && $(id -u) -eq 0 ]]; then
			apt-get update -qq >/dev/null 2>&1 || true
		fi
		if ! _apt_download_one "$version"; then
			newest=$(apt-cache "${APT_OPTS[@]}" madison "$pkg" 2>/dev/null |
				awk -F'|' 'NR == 1 { gsub(/ /, "", $2); print $2 }')
			[[ -n $newest ]] || {
				rm -rf "$tmp"
				die "$EX_DEPS" "$pkg is not in $where"
			}
			warn "pinned $pkg $version has left $where; using $newest (untested)"
			_apt_download_one "$newest" || {
				rm -rf "$tmp"
				die "$EX_DEPS" "apt-get download $pkg=$newest failed"
			}
		fi
	fi
	deb=$(compgen -G "$tmp/*.deb" | head -1)
	mv "$deb" "$dir/"
	rm -rf "$tmp"
	echo "$dir/${deb##*/}"
}

# build_lock NAME: one kernel build at a time on this machine (2 cores),
# whichever clone or worktree starts it: wait for the others, and say so.
# Held on fd 9 until the calling script exits.
# A script that holds it (make check) passes that on to the steps it runs
# (LANDLOCK_TSYNC_BUILD_LOCKED), which then do not wait for themselves.
build_lock() {
	[[ -z ${LANDLOCK_TSYNC_BUILD_LOCKED:-} ]] || return 0
	mkdir -p "$CACHE"
	export LANDLOCK_TSYNC_BUILD_LOCKED=$$
	exec 9>"$CACHE/build.lock"
	if ! flock -n 9; then
		info "$1: waiting for another kernel build on this machine ($CACHE/build.lock)"
		flock 9
	fi
}

# Number of parallel jobs for make.
jobs() {
	nproc 2>/dev/null || echo 2
}

# report_findings TOOL COUNT LOG: make check's line for one tool, with its
# count of findings and, if any, the first 40 lines of its log. Returns 1 if
# the tool found anything.
report_findings() {
	local tool=$1 count=$2 log=$3
	printf '%-13s %3d finding(s)  (%s)\n' "$tool:" "$count" "${log#"$TOP"/}"
	[[ $count -gt 0 ]] || return 0
	sed 's/^/    /' "$log" | head -40
	return 1
}

# The page that the man-pages series (patches/man-pages/) changes, and the
# text it is written against: man-pages 6.03, as Debian 12 ships it in
# manpages-dev.
MANPAGE=man2/landlock_restrict_self.2
MANPAGE_DEBIAN=/usr/share/man/$MANPAGE.gz

# manpages_tree DIR: make DIR a git repository laid out as man-pages' tree
# (man2/landlock_restrict_self.2), holding Debian's page as its one commit.
manpages_tree() {
	local dir=$1
	[[ -f $MANPAGE_DEBIAN ]] ||
		die "$EX_DEPS" "$MANPAGE_DEBIAN not found; run 'make deps' (Debian package manpages-dev)"
	mkdir -p "$dir/${MANPAGE%/*}"
	gzip -dc "$MANPAGE_DEBIAN" >"$dir/$MANPAGE"
	git -C "$dir" init -q
	git -C "$dir" add "$MANPAGE"
	git -C "$dir" -c user.name=base -c user.email=base@localhost \
		commit -q -m "$MANPAGE of man-pages 6.03 (Debian's manpages-dev)"
}
