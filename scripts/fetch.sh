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
	# apt's _apt user may not write to $CACHE: download in a private
	# temporary directory readable by it, then move.
	tmp=$(mktemp -d)
	chmod 0777 "$tmp"
	APT_DIR=
	[[ -z $BASE_SUITE ]] || apt_private "$BASE_SUITE"
	if ! (cd "$tmp" && apt-get "${APT_OPTS[@]}" download -q "$BASE_PKG=$version" >/dev/null 2>&1); then
		if [[ $(id -u) -eq 0 && -z $BASE_SUITE ]]; then
			apt-get update -qq >/dev/null 2>&1 || true
		fi
		if ! (cd "$tmp" && apt-get "${APT_OPTS[@]}" download -q "$BASE_PKG=$version" >/dev/null 2>&1); then
			newest=$(apt-cache "${APT_OPTS[@]}" madison "$BASE_PKG" 2>/dev/null | awk -F'|' 'NR == 1 { gsub(/ /, "", $2); print $2 }')
			[[ -n $newest ]] || die "$EX_DEPS" "$BASE_PKG is not in the apt sources${BASE_SUITE:+ ($BASE_SUITE)}"
			warn "pinned $BASE_PKG $BASE_VERSION_PIN has left the archive; using $newest (untested)"
			version=$newest
			deb=$CACHE/${BASE_PKG}_${version//:/%3a}_all.deb
			(cd "$tmp" && apt-get "${APT_OPTS[@]}" download -q "$BASE_PKG=$version" >/dev/null 2>&1) ||
				die "$EX_DEPS" "apt-get download $BASE_PKG=$version failed"
		fi
	fi
	mv "$tmp"/*.deb "$deb"
	rm -rf "$tmp"
	[[ -z $APT_DIR ]] || rm -rf "$APT_DIR"
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
