#!/usr/bin/env bash
# Run a user's own program in the guest, as root, and return its exit
# status: a static binary in the minimal guest, any other host program in
# make shell's guest (the host's root directory over 9p). With ARCH=arm64:
# static arm64 programs only.
# Usage: exec.sh FLAVOUR PROG [ARGS]
# Environment: ARCH (x86_64 or arm64)
set -euo pipefail
STEP="exec"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=$1
prog=${2:-}
args=${3:-}
[[ -n $prog ]] || die 1 "usage: make exec PROG=path/to/program [ARGS='...']"
[[ -f $prog && -x $prog ]] || die 1 "$prog: not an executable file"
obj=$(obj_dir "$flavour")
name=$(build_name "$flavour")
if [[ $KARCH == arm64 ]]; then
	why=$(arm64_static_program "$prog") || die 1 "$why"
fi
tmp=$(mktemp -d "$BUILD/exec.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! file -L "$prog" | grep -qE 'statically linked|static-pie linked'; then
	# Any other host program runs in make shell's guest, which sees the
	# host's root directory (read-only, under a tmpfs overlay), /tmp
	# included, from the caller's directory. Its command line travels in
	# the initramfs: no host path has to be visible for it.
	printf 'exec %q %s\n' "$(realpath "$prog")" "$args" >"$tmp/cmd"
	printf '%s\n' "dir /exec 0755 0 0" "file /exec/cmd $tmp/cmd 0644 0 0" |
		"$obj/usr/gen_init_cpio" - | gzip -1 >"$tmp/exec.cpio.gz"
	LOG=${LOG:-$BUILD/logs/$flavour-exec-${prog##*/}.log} \
		"$TOP/scripts/boot.sh" "$flavour" shell "$tmp/exec.cpio.gz" </dev/null
	exit
fi
printf '%s\n' "$args" >"$tmp/args"
printf '%s\n' "dir /exec 0755 0 0" "file /exec/prog $(realpath "$prog") 0755 0 0" \
	"file /exec/args $tmp/args 0644 0 0" | "$obj/usr/gen_init_cpio" - | gzip -1 >"$tmp/exec.cpio.gz"
LOG=${LOG:-$BUILD/logs/$name-exec-${prog##*/}.log} "$TOP/scripts/boot.sh" "$flavour" exec "$tmp/exec.cpio.gz"
