#!/usr/bin/env bash
# Build the kernel (bzImage, through ccache, incrementally), install its
# UAPI headers, and build the Landlock selftests statically with the
# kselftest installer.
#
# Usage: build.sh [test|debug|base]
set -euo pipefail
STEP=build
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=${1:-test}
obj=$BUILD/obj-$flavour
use_flavour "$flavour"
[[ -f $obj/.config ]] || die "$EX_BUILD" "no $flavour config; run 'make config'"

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
	-f $obj/arch/x86/boot/bzImage && -x $obj/kselftest/install/landlock/base_test ]]; then
	done_step "$flavour: up to date ($obj/arch/x86/boot/bzImage)"
	exit 0
fi
rm -f "$obj/.build-stamp"

log=$obj/build.log
info "$flavour: make bzImage (log: $log)"
if ! make -C "$LINUX" O="$obj" -j"$(jobs)" CC="ccache gcc" bzImage >"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -20 >&2
	die "$EX_BUILD" "kernel build failed (see $log)"
fi
if grep -q 'warning:' "$log"; then
	grep 'warning:' "$log" | sort -u | head -20 >&2
fi
make -C "$LINUX" O="$obj" -s headers_install >>"$log" 2>&1 ||
	die "$EX_BUILD" "headers_install failed (see $log)"

# The selftests, static, so that the guest needs no libc.
ksft=$obj/kselftest
rm -rf "$ksft/install"
if ! LDFLAGS=-static make -C "$LINUX/tools/testing/selftests" O="$obj" \
	TARGETS=landlock INSTALL_PATH="$ksft/install" -j"$(jobs)" install >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | tail -20 >&2
	die "$EX_BUILD" "Landlock selftests build failed (see $log)"
fi
for t in "$ksft"/install/landlock/*_test; do
	file "$t" | grep -q 'statically linked' ||
		die "$EX_BUILD" "${t##*/} is not statically linked"
done
echo "$stamp" >"$obj/.build-stamp"
done_step "$flavour: $(make -s -C "$LINUX" O="$obj" kernelrelease 2>/dev/null) bzImage, $(find "$ksft/install/landlock" -name '*_test' | wc -l) selftests"
