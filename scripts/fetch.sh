#!/usr/bin/env bash
# Fetch the base tree: Debian's linux-source-6.12 (BASE=mainline:
# linux-source-7.3 from trixie-backports) at the pinned version, cached
# outside the clone. Falls back to the newest one with a warning.
set -euo pipefail
STEP=fetch
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

mkdir -p "$CACHE" "$BUILD"
version=$BASE_VERSION_PIN
deb=$CACHE/${BASE_PKG}_${version//:/%3a}_all.deb

# apt-get and apt-cache with the machine's apt sources, or, for a suite
# that they do not list (BASE_SUITE), with a private apt state (lib.sh's
# apt_private).
APT_OPTS=()

if [[ ! -s $deb ]]; then
	info "downloading $BASE_PKG=$version${BASE_SUITE:+ from $BASE_SUITE}"
	APT_DIR=
	[[ -z $BASE_SUITE ]] || apt_private "$BASE_SUITE"
	got=$(apt_download "$BASE_PKG" "$version" "$CACHE" "${BASE_SUITE:-the apt sources}")
	[[ -z $APT_DIR ]] || rm -rf "$APT_DIR"
	version=$(dpkg-deb -f "$got" Version)
	deb=$CACHE/${BASE_PKG}_${version//:/%3a}_all.deb
	[[ $got == "$deb" ]] || mv "$got" "$deb"
fi

tarball=$CACHE/linux-source-$version.tar.xz
if [[ ! -s $tarball ]]; then
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO "./usr/src/$BASE_PKG.tar.xz" >"$tarball.tmp" ||
		die "$EX_DEPS" "cannot extract the source tarball from $deb"
	mv "$tarball.tmp" "$tarball"
fi
echo "$version" >"$BUILD/base-version.new"
if ! cmp -s "$BUILD/base-version.new" "$BUILD/base-version" 2>/dev/null; then
	mv "$BUILD/base-version.new" "$BUILD/base-version"
else
	rm -f "$BUILD/base-version.new"
fi
done_step "$BASE_PKG $version ($tarball)"
