#!/usr/bin/env bash
# Print the path of a sparse that the tree's scripts/checker-valid.sh accepts:
# the host's (Debian 12's 0.6.4), or, where that one does not know
# __typeof_unqual__ (Linux 7.3 needs it), Debian sid's 0.6.5~rc1 built from
# its source package (apt-get source with a private apt configuration and
# state listing only sid's deb-src, as fetch.sh does for the kernel), once,
# into ~/.cache/landlock-tsync/sparse-VERSION/. Debian's use-gcc-16.patch is
# left out (it pins the compiler to sid's gcc-16); the host's gcc builds it.
#
# Usage: sparse.sh   (prints the path; exits EX_DEPS if none is valid)
set -euo pipefail
STEP=sparse
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

valid() {
	[[ -f $LINUX/scripts/checker-valid.sh ]] || return 0
	[[ $(cd "$LINUX" && sh scripts/checker-valid.sh "$1" 2>/dev/null) == 1 ]]
}

[[ -d $LINUX ]] || die "$EX_TREE" "no tree at $LINUX; run 'make tree'"
if command -v sparse >/dev/null && valid "$(command -v sparse)"; then
	command -v sparse
	exit 0
fi

version=0.6.5~rc1-2
dir=$CACHE/sparse-$version
if [[ ! -x $dir/sparse ]]; then
	tmp=$(mktemp -d)
	chmod 0777 "$tmp"
	apt_private sid deb-src
	(cd "$tmp" && apt-get "${APT_OPTS[@]}" source --download-only "sparse=$version") \
		>"$tmp/apt.log" 2>&1 || {
		cat "$tmp/apt.log" >&2
		rm -rf "$tmp" "$APT_DIR"
		die "$EX_DEPS" "cannot download Debian sid's sparse $version source"
	}
	rm -rf "$APT_DIR"
	mkdir "$tmp/src"
	tar -xzf "$tmp"/sparse_*.orig.tar.gz -C "$tmp/src" --strip-components=1
	tar -xJf "$tmp"/sparse_*.debian.tar.xz -C "$tmp/src"
	(cd "$tmp/src" && patch -p1 -s <debian/patches/ld-as-needed.patch &&
		make -s -j"$(jobs)" CC=gcc sparse) >"$tmp/build.log" 2>&1 || {
		cat "$tmp/build.log" >&2
		rm -rf "$tmp"
		die "$EX_DEPS" "cannot build Debian sid's sparse $version"
	}
	mkdir -p "$dir"
	cp "$tmp/src/sparse" "$dir/sparse"
	rm -rf "$tmp"
fi
valid "$dir/sparse" ||
	die "$EX_DEPS" "Debian sid's sparse $version does not pass $LINUX/scripts/checker-valid.sh"
echo "$dir/sparse"
