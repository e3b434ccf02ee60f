#!/usr/bin/env bash
# Build the guest's initramfs: busybox-static, the guest init, the Landlock
# selftests (kselftest install tree) and the project's static tools. With
# ARCH=arm64: Debian's arm64 busybox-static (extracted by deps.sh), and the
# C tools cross-built (not the Go one).
#
# Usage: initramfs.sh [test|debug]
# Environment: ARCH (x86_64 or arm64)
set -euo pipefail
STEP=initramfs
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=${1:-test}
name=$(build_name "$flavour")
obj=$(obj_dir "$flavour")
ksft=$obj/kselftest/install
out=$BUILD/initramfs-$name.cpio.gz
gen=$obj/usr/gen_init_cpio
tools=$BUILD/tools-$name
[[ -d $ksft ]] || die "$EX_BUILD" "no selftests in $ksft; run 'make build'"
[[ -x $BUSYBOX ]] || die "$EX_DEPS" "no busybox at $BUSYBOX; run 'make deps'"

# The tools are built against this kernel's UAPI headers.
tools_make=()
[[ $KARCH != arm64 ]] || tools_make=(CC=aarch64-linux-gnu-gcc GO=)
make -s -C "$TOP/tools" KHDR="$obj/usr/include" OUT="$tools" "${tools_make[@]}" ||
	die "$EX_BUILD" "building tools/ failed"
if [[ ! -x $gen ]]; then
	gcc -O2 -o "$gen" "$LINUX/usr/gen_init_cpio.c" ||
		die "$EX_BUILD" "cannot build gen_init_cpio"
fi

list=$BUILD/initramfs-$name.list
{
	for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /root /tools /kselftest; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "file /bin/busybox $BUSYBOX 0755 0 0"
	echo "slink /bin/sh busybox 0777 0 0"
	echo "file /init $TOP/guest/init 0755 0 0"
	for f in "$TOP"/guest/*.sh; do
		[[ -e $f ]] && echo "file /tools/${f##*/} $f 0755 0 0"
	done
	for f in "$tools"/*; do
		echo "file /tools/${f##*/} $f 0755 0 0"
	done
	(cd "$ksft" && find . -mindepth 1 -type d | sort) |
		while read -r d; do echo "dir /kselftest/${d#./} 0755 0 0"; done
	(cd "$ksft" && find . -type f | sort) |
		while read -r f; do
			mode=$(stat -c %a "$ksft/$f")
			echo "file /kselftest/${f#./} $ksft/${f#./} $mode 0 0"
		done
} >"$list.new"

# Rebuild only when the list or a file in it is newer than the archive.
newer() {
	local f
	while read -r f; do
		[[ $f -nt $out ]] && return 0
	done < <(awk '$1 == "file" { print $3 }' "$list")
	return 1
}
if [[ -f $out ]] && cmp -s "$list.new" "$list" && ! newer; then
	rm -f "$list.new"
	done_step "$name: up to date ($out)"
	exit 0
fi
mv "$list.new" "$list"
"$gen" "$list" | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
done_step "$name: $(grep -c '^file' "$list") files, $(du -h "$out" | cut -f1) ($out)"
