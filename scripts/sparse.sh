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
	mkdir -p "$tmp/apt/etc/sources.list.d" "$tmp/apt/etc/preferences.d" \
		"$tmp/apt/state/lists/partial" "$tmp/apt/cache/archives/partial"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" \
		>"$tmp/apt/etc/sources.list"
	chmod -R a+rwX "$tmp/apt"
	apt_opts=(-o "Dir::Etc::SourceList=$tmp/apt/etc/sources.list"
		-o "Dir::Etc::SourceParts=$tmp/apt/etc/sources.list.d"
		-o "Dir::Etc::Preferences=$tmp/apt/etc/preferences"
		-o "Dir::Etc::PreferencesParts=$tmp/apt/etc/preferences.d"
		-o "Dir::State=$tmp/apt/state" -o "Dir::State::status=/dev/null"
		-o "Dir::Cache=$tmp/apt/cache")
	{ apt-get "${apt_opts[@]}" update -qq &&
		(cd "$tmp" && apt-get "${apt_opts[@]}" source --download-only "sparse=$version"); } \
		>"$tmp/apt.log" 2>&1 || {
		cat "$tmp/apt.log" >&2
		rm -rf "$tmp"
		die "$EX_DEPS" "cannot download Debian sid's sparse $version source"
	}
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
