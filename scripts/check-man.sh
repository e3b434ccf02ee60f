#!/usr/bin/env bash
# make check, the man-pages series: patches/man-pages/ applied to the page
# Debian 12 ships (manpages-dev, man-pages 6.03: the text the series is
# written against), in a scratch tree laid out as man-pages' own
# (build/check/man-pages/man2/landlock_restrict_self.2, kept to be read;
# its scratch git history is removed at the end),
# and the result linted. One line per tool, as in check.sh:
#   man-apply   every patch applies in order with git apply, and each one
#               starts from and gives the exact text its "index" line names
#               (so the series is against exactly Debian's page);
#   man-groff   groff -man -ww -z: every warning is a finding (there is none
#               on the unpatched page);
#   man-mandoc  mandoc -Tlint, all levels (style included): the messages
#               that the patched page has and the unpatched one has not.
#               Counting only warnings and above would miss the style
#               messages that the series could add (whitespace at end of
#               line, useless macros, ...); counting every message would
#               count one the series is not responsible for: man-pages
#               titles its pages in lower case (".TH landlock_restrict_self"),
#               which mandoc reports as STYLE on every upstream page.
#               Messages are compared without their line:column, which
#               the series shifts.
# Exits 1 if any tool found anything.
#
# Environment: MAN_PATCHES=dir (default patches/man-pages/).
set -euo pipefail
STEP=check
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

out=$BUILD/check
mkdir -p "$out"
failed=0
report() {
	report_findings "$@" || failed=1
}

dir=${MAN_PATCHES:-$TOP/patches/man-pages}
mapfile -t patches < <(find "$dir" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | sort)
[[ ${#patches[@]} -gt 0 ]] || die "$EX_TREE" "${dir#"$TOP"/} has no patch"

tree=$out/man-pages
rm -rf "$tree"
# The page stays to be read; the scratch history goes, whatever happens:
# its commits are patches/man-pages/ applied, nothing to export.
trap 'rm -rf "$tree/.git"' EXIT
manpages_tree "$tree"

# mandoc -Tlint PAGE: its messages, without line:column, sorted. mandoc
# exits 1 to 4 for messages of increasing level, 5 and 6 when it fails.
mandoc_lint() {
	local rc=0
	(cd "$tree" && mandoc -Tlint "$MANPAGE") >"$out/mandoc.tmp" 2>&1 || rc=$?
	if [[ $rc -ge 5 ]]; then
		cat "$out/mandoc.tmp" >&2
		die "$EX_DEPS" "mandoc failed (exit $rc)"
	fi
	sed -E 's/^(mandoc: [^:]*):[0-9]+:[0-9]+:/\1:/' "$out/mandoc.tmp" | sort
}
have_mandoc=0
if command -v mandoc >/dev/null; then
	have_mandoc=1
	mandoc_lint >"$out/mandoc.base"
fi

# Apply, checking the blob before and after each patch against its index
# line.
log=$out/man-apply.log
: >"$log"
for p in "${patches[@]}"; do
	name=${p##*/}
	pre='' post=''
	read -r pre post < <(sed -n 's/^index \([0-9a-f]*\)\.\.\([0-9a-f]*\).*/\1 \2/p' "$p" | head -1) || true
	blob=$(git -C "$tree" hash-object "$MANPAGE")
	if [[ -z ${pre:-} ]]; then
		echo "$name: no index line" >>"$log"
	elif [[ $blob != "$pre"* ]]; then
		echo "$name: is against blob $pre, the page is ${blob:0:${#pre}}" >>"$log"
	fi
	if ! git -C "$tree" apply --whitespace=error-all "$p" >"$out/apply.tmp" 2>&1; then
		{
			echo "$name: does not apply with git apply:"
			cat "$out/apply.tmp"
		} >>"$log"
		break
	fi
	# One commit per patch: the scratch tree stays clean, its log readable.
	git -C "$tree" -c user.name=check -c user.email=check@localhost \
		commit -q -a -m "$name"
	blob=$(git -C "$tree" hash-object "$MANPAGE")
	[[ -z ${post:-} || $blob == "$post"* ]] ||
		echo "$name: gives blob ${blob:0:${#post}}, its index line says $post" >>"$log"
done
report man-apply "$(grep -c '^[0-9]' "$log" || true)" "$log"

# groff, as the cover letter says: silent.
log=$out/man-groff.log
(cd "$tree" && groff -man -ww -z "$MANPAGE") >"$log" 2>&1 || echo "groff exited with $?" >>"$log"
report man-groff "$(grep -c . "$log" || true)" "$log"

log=$out/man-mandoc.log
if [[ $have_mandoc -eq 1 ]]; then
	mandoc_lint >"$out/mandoc.new"
	comm -23 "$out/mandoc.new" "$out/mandoc.base" >"$log"
	report man-mandoc "$(grep -c . "$log" || true)" "$log"
else
	echo "man-mandoc:  skipped: mandoc is not installed"
fi

exit "$failed"
