#!/usr/bin/env bash
# Write the tree's commits (base..HEAD) back to patches/ (BASE=mainline:
# patches/mainline/) as git format-patch files. The cover letter (patches/0000-cover-letter.patch) and
# patches/man-pages/ are kept as they are.
set -euo pipefail
STEP="export"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[[ -d $LINUX/.git ]] || die "$EX_TREE" "no tree at $LINUX"
if [[ -n $(git -C "$LINUX" status --porcelain --untracked-files=no) ]]; then
	git -C "$LINUX" status --short --untracked-files=no >&2
	die "$EX_TREE" "$LINUX has uncommitted changes; commit them first"
fi
untracked=$(git -C "$LINUX" status --porcelain | grep '^??' || true)
[[ -z $untracked ]] || warn "untracked files in the tree are not exported: ${untracked//$'\n'/ }"

n=$(git -C "$LINUX" rev-list --count "$BASE_TAG..HEAD")
# Version 1 of a series has no "v1" in its subjects.
prefix_version=" v$SERIES_VERSION"
[[ $SERIES_VERSION -gt 1 ]] || prefix_version=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Per-patch changes between versions are git notes (see tree.sh), written
# below each patch's "---" line.
# No base-commit: trailer: the base is a local commit of Debian's tarball,
# which no reader can fetch (git and b4 would look for it); the cover
# letters name the upstream release and Debian's version instead.
git -C "$LINUX" format-patch -q --zero-commit --no-signature --no-base \
	--subject-prefix="PATCH${prefix_version}" --notes \
	--cover-letter -o "$tmp" "$BASE_TAG..HEAD"
find "$PATCHES_DIR" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' -delete
mkdir -p "$PATCHES_DIR"
cover=$PATCHES_DIR/0000-cover-letter.patch
if [[ -f $cover ]]; then
	# Keep the cover letter's subject and text; refresh its patch count,
	# shortlog and diffstat from the tree.
	subject=$(sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$cover" | head -1)
	awk '/^Subject:/ { s = 1; next } s == 1 && /^$/ { s = 2; next }
		s == 2 && /^[^ ].* \([0-9]+\):$/ { exit } s == 2 { print }' "$cover" >"$tmp/blurb"
	awk -v subject="$subject" -v blurb="$tmp/blurb" '
		/^Subject:/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subject) }
		/^\*\*\* BLURB HERE \*\*\*$/ {
			while ((getline l < blurb) > 0) print l
			skip = 1; next
		}
		skip && /^$/ { skip = 0; next }
		{ skip = 0; print }' "$tmp/0000-cover-letter.patch" >"$cover.new"
	mv "$cover.new" "$cover"
elif [[ $n -gt 0 ]]; then
	# A new series: git format-patch's cover letter, to be written.
	cp "$tmp/0000-cover-letter.patch" "$cover"
fi
rm -f "$tmp/0000-cover-letter.patch"
if [[ $n -gt 0 ]]; then
	cp "$tmp"/*.patch "$PATCHES_DIR/"
fi
# Record the new series as applied, so that 'make tree' does not re-apply.
"$TOP/scripts/tree.sh" >/dev/null
done_step "$n patch(es) written to ${PATCHES_DIR#"$TOP"/}/ (cover letter kept); now commit ${PATCHES_DIR#"$TOP"/}/"
