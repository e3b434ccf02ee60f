#!/usr/bin/env bash
# Create build/linux (BASE=mainline: build/mainline/linux): the base tree as one tagged commit, with the series
# from patches/ (patches/mainline/) applied by git am. Idempotent; re-applies when patches/
# changed, and never drops commits made in the tree that are not exported.
set -euo pipefail
STEP=tree
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

version=$(cat "$BUILD/base-version" 2>/dev/null) ||
	die "$EX_DEPS" "no base fetched; run 'make fetch'"
tarball=$CACHE/linux-source-$version.tar.xz
stampfile=$LINUX/.git/landlock-tsync-series

# The series: every numbered patch but the cover letter, in order.
series() {
	[[ -d $PATCHES_DIR ]] || return 0
	find "$PATCHES_DIR" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
		! -name '0000-*' | sort
}

series_stamp() {
	{
		echo "$version"
		series | while read -r p; do sha256sum <"$p"; done
	} | sha256sum | cut -d' ' -f1
}

# Patch IDs of the commits in the tree on top of the base, and of the files.
tree_ids() {
	git -C "$LINUX" log -p --no-merges "$BASE_TAG..HEAD" |
		git patch-id --stable | awk '{print $1}' | sort
}

file_ids() {
	local p
	series | while read -r p; do git patch-id --stable <"$p"; done |
		awk '{print $1}' | sort
}

create_base() {
	local tmp=$BUILD/linux.tmp

	info "extracting $tarball"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xJf "$tarball" -C "$tmp" --strip-components=1 ||
		die "$EX_DEPS" "cannot extract $tarball"
	# Debian's .gitignore ends with a stanza that ignores every top-level
	# entry (its packaging repository tracks only debian/). Drop it, or
	# files created in the tree (a new security/landlock/tsync.c) would
	# be invisible to git.
	awk '/^# Debian packaging: ignore everything/ { exit } { print }' \
		"$tmp/.gitignore" >"$tmp/.gitignore.new"
	# Drop the stanza's leading "#" and blank lines too.
	awk '{ l[NR] = $0 } END { n = NR; while (n > 0 && l[n] ~ /^#?$/) n--;
		for (i = 1; i <= n; i++) print l[i] }' "$tmp/.gitignore.new" >"$tmp/.gitignore"
	rm "$tmp/.gitignore.new"
	git -C "$tmp" init -q -b base-tree
	# Commits made in the tree carry the identity of their Signed-off-by.
	git -C "$tmp" config user.name "Landlock TSYNC developers"
	git -C "$tmp" config user.email "landlock-tsync@localhost"
	git -C "$tmp" add -f -A
	# A fixed identity and date make the base commit ID the same on
	# every machine, so that base-commit: trailers agree.
	GIT_AUTHOR_NAME="Debian $BASE_PKG" GIT_AUTHOR_EMAIL="debian-kernel@lists.debian.org" \
		GIT_COMMITTER_NAME="Debian $BASE_PKG" GIT_COMMITTER_EMAIL="debian-kernel@lists.debian.org" \
		GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		git -C "$tmp" commit -q -m "Linux $version (Debian $BASE_PKG)" \
		-m "Pristine tree from Debian's $BASE_PKG $version, except that the
Debian packaging stanza at the end of the top-level .gitignore, which
ignores every top-level entry, is removed."
	GIT_COMMITTER_NAME="Debian $BASE_PKG" GIT_COMMITTER_EMAIL="debian-kernel@lists.debian.org" \
		GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		git -C "$tmp" tag -a -m "base: $BASE_PKG $version" "$BASE_TAG"
	mv "$tmp" "$LINUX"
}

# patch_notes FILE: the "Notes:" that git format-patch --notes wrote below
# the "---" line of FILE (per-patch changes between versions), unindented.
patch_notes() {
	awk '!cut && /^---$/ { cut = 1; next }
		cut == 1 && /^Notes:$/ { cut = 2; next }
		cut == 1 && NF { exit }
		cut == 2 && /^ [^ ]/ { exit }
		cut == 2 { sub(/^    /, ""); print }' "$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

apply_series() {
	local p n=0 notes

	git -C "$LINUX" checkout -q -B series "$BASE_TAG"
	# git am drops what is below "---": keep each patch's notes as a git
	# note on its commit, carried along by amend and rebase, so that
	# make export writes them back.
	git -C "$LINUX" config notes.rewriteRef refs/notes/commits
	while read -r p; do
		if ! git -C "$LINUX" am -q "$p" 2>"$BUILD/am.log"; then
			cat "$BUILD/am.log" >&2
			git -C "$LINUX" am --abort 2>/dev/null || true
			die "$EX_TREE" "patch does not apply: ${p#"$TOP"/} (see the files named above)"
		fi
		notes=$(patch_notes "$p")
		[[ -z $notes ]] || git -C "$LINUX" notes add -f -m "$notes" HEAD
		n=$((n + 1))
	done < <(series)
	echo "$n"
}

if [[ ! -d $LINUX/.git ]]; then
	[[ ! -e $LINUX ]] || die "$EX_TREE" "$LINUX exists but is not a git tree; remove it"
	create_base
fi

have=$(git -C "$LINUX" tag -l --format='%(contents:subject)' "$BASE_TAG")
[[ $have == "base: $BASE_PKG $version" ]] ||
	die "$EX_TREE" "$LINUX is based on '$have', not $version; export your work ('make export'), then remove $LINUX"

want=$(series_stamp)
if [[ -f $stampfile && $(cat "$stampfile") == "$want" ]]; then
	done_step "up to date: $(git -C "$LINUX" rev-list --count "$BASE_TAG..HEAD") commit(s) on $version"
	exit 0
fi

# patches/ changed (or the tree is new). Refuse to lose work.
if [[ -n $(git -C "$LINUX" status --porcelain --untracked-files=no) ]]; then
	git -C "$LINUX" status --short --untracked-files=no >&2
	die "$EX_TREE" "$LINUX has uncommitted changes; commit them and run 'make export', or discard them"
fi
lost=$(comm -23 <(tree_ids) <(file_ids) | wc -l)
if [[ $lost -gt 0 ]]; then
	die "$EX_TREE" "$LINUX has $lost commit(s) not in patches/ (see 'git -C build/linux log $BASE_TAG..'); run 'make export' and commit patches/, or 'git -C build/linux reset --hard $BASE_TAG' to drop them"
fi
if [[ -f $stampfile ]] && diff -q <(tree_ids) <(file_ids) >/dev/null &&
	[[ $(git -C "$LINUX" rev-list --count "$BASE_TAG..HEAD") -eq $(series | wc -l) ]]; then
	# The tree already holds exactly the series (it was just exported).
	echo "$want" >"$stampfile"
	done_step "tree matches patches/ ($(series | wc -l) patch(es))"
	exit 0
fi
n=$(apply_series)
echo "$want" >"$stampfile"
done_step "base $version + $n patch(es) applied on branch 'series'"
