#!/usr/bin/env bash
# Build the kernel (bzImage, through ccache, incrementally), install its
# UAPI headers, and build the Landlock selftests statically with the
# kselftest installer. With ARCH=um: the UML kernel (build/obj-um/linux);
# UML exports no UAPI headers, so the selftests, which run on its x86_64
# user space, are built against the tree's x86_64 headers (obj-um/user).
# With ARCH=arm64: the arm64 Image and the selftests, cross-built with
# Debian's aarch64-linux-gnu toolchain (static, with libcap-dev:arm64).
#
# Usage: build.sh [test|debug|base]
# Environment: ARCH (x86_64, um or arm64)
set -euo pipefail
STEP=build
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=${1:-test}
obj=$(obj_dir "$flavour")
image=$obj/$KIMAGE
name=$(build_name "$flavour") uobj=$obj uarch=()
case $KARCH in
um) uobj=$obj/user uarch=(ARCH=x86_64) ;;
arm64) uarch=("${KMAKE[@]}") ;;
esac
use_flavour "$flavour"
[[ -f $obj/.config ]] || die "$EX_BUILD" "no $name config; run 'make config'"

# ccache shared by every clone on this machine: hash relative paths.
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1 CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
export KBUILD_BUILD_USER=landlock KBUILD_BUILD_HOST=tsync
KBUILD_BUILD_TIMESTAMP=$(git -C "$LINUX" log -1 --format=%cd)
export KBUILD_BUILD_TIMESTAMP

# Skip make entirely when neither the tree nor the config changed.
stamp=$({
	git -C "$LINUX" rev-parse HEAD
	git -C "$LINUX" diff HEAD
	git -C "$LINUX" status --porcelain
	# New files (a new selftest, say) count by their content.
	git -C "$LINUX" ls-files -z --others --exclude-standard |
		(cd "$LINUX" && xargs -0 -r sha256sum)
	cat "$obj/.config"
} | sha256sum | cut -d' ' -f1)
if [[ -f $obj/.build-stamp && $(cat "$obj/.build-stamp") == "$stamp" &&
	-f $image && -x $obj/kselftest/install/landlock/base_test ]]; then
	done_step "$name: up to date ($image)"
	exit 0
fi
rm -f "$obj/.build-stamp"

# progress PID: while make (PID) builds, show how many objects it compiled
# out of the last full build's count: refreshed in place on a terminal,
# one plain line a minute otherwise (CI logs).
# The estimate: the objects of the last build of this flavour on this
# machine, or what a cold build made here (config fragments of 2026-12).
est_file=$CACHE/objects-$name
declare -A cold_objects=([test]=1360 [debug]=1418 [kcsan]=1416 [base]=1360 [um]=776)
progress() {
	local pid=$1 start=$SECONDS last=$SECONDS n est line
	est=$(cat "$est_file" 2>/dev/null || echo "${cold_objects[$name]:-0}")
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		n=$(grep -c '^  CC ' "$log" 2>/dev/null || true)
		line="$name: ${n:-0}"
		if [[ $est -gt 0 ]]; then
			line+="/~$est objects ($((100 * n / est > 99 ? 99 : 100 * n / est))%)"
		else
			line+=" objects"
		fi
		line+=", $(((SECONDS - start) / 60))m$(((SECONDS - start) % 60))s"
		if [[ -t 1 ]]; then
			printf '\r[%-9s] %s\033[K' "$STEP" "$line"
		elif ((SECONDS - last >= 60)); then
			info "$line"
			last=$SECONDS
		fi
	done
	[[ ! -t 1 ]] || printf '\r\033[K'
}

build_lock "$name"

log=$obj/build.log
info "$name: make $KTARGET (log: $log)"
make -C "$LINUX" O="$obj" "${KMAKE[@]}" -j"$(jobs)" CC="$KCC" "$KTARGET" >"$log" 2>&1 &
make_pid=$!
progress "$make_pid"
if ! wait "$make_pid"; then
	grep -E 'error|Error' "$log" | head -20 >&2
	die "$EX_BUILD" "kernel build failed (see $log)"
fi
# The estimate for the next build: the objects this build left.
mkdir -p "$CACHE"
find "$obj" -name '*.o' -not -path '*/kselftest/*' -not -path '*/tools/*' | wc -l >"$est_file"
if grep -q 'warning:' "$log"; then
	grep 'warning:' "$log" | sort -u | head -20 >&2
fi
make -C "$LINUX" O="$uobj" "${uarch[@]}" -s headers_install >>"$log" 2>&1 ||
	die "$EX_BUILD" "headers_install failed (see $log)"

# The selftests, static, so that the guest needs no libc.
ksft=$obj/kselftest
rm -rf "$ksft/install"
if ! LDFLAGS=-static make -C "$LINUX/tools/testing/selftests" O="$uobj" "${uarch[@]}" \
	TARGETS=landlock INSTALL_PATH="$ksft/install" -j"$(jobs)" install >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | tail -20 >&2
	die "$EX_BUILD" "Landlock selftests build failed (see $log)"
fi
for t in "$ksft"/install/landlock/*_test; do
	file "$t" | grep -q 'statically linked' ||
		die "$EX_BUILD" "${t##*/} is not statically linked"
	[[ $KARCH != arm64 ]] || file "$t" | grep -q 'ARM aarch64' ||
		die "$EX_BUILD" "${t##*/} is not an arm64 program"
done
echo "$stamp" >"$obj/.build-stamp"
done_step "$name: $(make -s -C "$LINUX" O="$obj" "${KMAKE[@]}" kernelrelease 2>/dev/null) $KTARGET, $(find "$ksft/install/landlock" -name '*_test' | wc -l) selftests"
