#!/usr/bin/env bash
# Fetch the base tree: Debian's linux-source-6.12 at the pinned version,
# cached outside the clone. Falls back to the newest 6.12 with a warning.
set -euo pipefail
STEP=fetch
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

mkdir -p "$CACHE" "$BUILD"
version=$BASE_VERSION_PIN
deb=$CACHE/${BASE_PKG}_${version//:/%3a}_all.deb

if [[ ! -s $deb ]]; then
	info "downloading $BASE_PKG=$version"
	# apt's _apt user may not write to $CACHE: download in a private
	# temporary directory readable by it, then move.
	tmp=$(mktemp -d)
	chmod 0777 "$tmp"
	if ! (cd "$tmp" && apt-get download -q "$BASE_PKG=$version" >/dev/null 2>&1); then
		if [[ $(id -u) -eq 0 ]]; then
			apt-get update -qq >/dev/null 2>&1 || true
		fi
		if ! (cd "$tmp" && apt-get download -q "$BASE_PKG=$version" >/dev/null 2>&1); then
			newest=$(apt-cache madison "$BASE_PKG" 2>/dev/null | awk -F'|' 'NR == 1 { gsub(/ /, "", $2); print $2 }')
			[[ -n $newest ]] || die "$EX_DEPS" "$BASE_PKG is not in the apt sources"
			warn "pinned $BASE_PKG $BASE_VERSION_PIN has left the archive; using $newest (untested)"
			version=$newest
			deb=$CACHE/${BASE_PKG}_${version//:/%3a}_all.deb
			(cd "$tmp" && apt-get download -q "$BASE_PKG=$version" >/dev/null 2>&1) ||
				die "$EX_DEPS" "apt-get download $BASE_PKG=$version failed"
		fi
	fi
	mv "$tmp"/*.deb "$deb"
	rm -rf "$tmp"
fi

tarball=$CACHE/linux-source-$version.tar.xz
if [[ ! -s $tarball ]]; then
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO ./usr/src/linux-source-6.12.tar.xz >"$tarball.tmp" ||
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
