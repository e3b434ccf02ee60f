#!/usr/bin/env bash
# Run a user's own static binary in the guest, as root, and return its exit
# status. Usage: exec.sh FLAVOUR PROG [ARGS]
set -euo pipefail
STEP="exec"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=$1
prog=${2:-}
args=${3:-}
[[ -n $prog ]] || die 1 "usage: make exec PROG=path/to/static-binary [ARGS='...']"
[[ -f $prog && -x $prog ]] || die 1 "$prog: not an executable file"
if ! file -L "$prog" | grep -qE 'statically linked|static-pie linked'; then
	die 1 "$prog is not statically linked (the guest has no libc); build it with -static"
fi
obj=$BUILD/obj-$flavour
tmp=$(mktemp -d "$BUILD/exec.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' "$args" >"$tmp/args"
printf '%s\n' "dir /exec 0755 0 0" "file /exec/prog $(realpath "$prog") 0755 0 0" \
	"file /exec/args $tmp/args 0644 0 0" | "$obj/usr/gen_init_cpio" - | gzip -1 >"$tmp/exec.cpio.gz"
LOG=${LOG:-$BUILD/logs/$flavour-exec-${prog##*/}.log} "$TOP/scripts/boot.sh" "$flavour" exec "$tmp/exec.cpio.gz"
