#!/usr/bin/env bash
# Static checks of the series and the tooling. One line per tool with its
# count of findings; fails if any tool finds anything.
#   checkpatch.pl --strict (with codespell) on every patch
#   clang-format-16 on the lines the series changes in security/landlock/
#   and the Landlock selftests
#   kernel-doc warnings on every C file the series touches
#   sparse (C=2) and W=1 on security/landlock, on x86_64, i386 and arm64
#   coccicheck on security/landlock
#   the Landlock selftests built with -Werror
#   the :Date: of the Landlock documents the series changes
#   KUnit: security/landlock/.kunitconfig with kunit.py, on User-Mode Linux
#   ShellCheck on the project's shell scripts
#   the man-pages series applied to Debian's page, groff and mandoc on the
#   result (scripts/check-man.sh)
# BASE=mainline: the same on patches/mainline/ and build/mainline/linux,
# without the man pages, and with sparse and W=1 on x86_64 only.
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

mapfile -t patches < <(find "$PATCHES_DIR" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | sort)
[[ ${#patches[@]} -gt 0 ]] || warn "${PATCHES_DIR#"$TOP"/}/ has no patch"

# checkpatch
log=$out/checkpatch.log
: >"$log"
spell=()
dict=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
if [[ -f $dict ]]; then
	spell=(--codespell --codespellfile "$dict")
else
	echo "checkpatch:  codespell dictionary not found ($dict): spelling not checked"
fi
# New files are covered by the existing MAINTAINERS entries (F:
# security/landlock/, tools/testing/selftests/landlock/): checkpatch's
# "does MAINTAINERS need updating?" is checked below with get_maintainer.pl
# instead.  Debian's python3 runs spdxcheck.py (python3-ply, python3-git).
# BASE=mainline: Debian's tarball has no git history, so checkpatch cannot
# resolve the Fixes: tags' commit IDs (UNKNOWN_COMMIT_ID); they were checked
# against public records of mainline instead (docs/mainline.md).
ignore=FILE_PATH_CHANGES
[[ $BASE != mainline ]] || ignore+=,UNKNOWN_COMMIT_ID
for p in "${patches[@]}"; do
	if ! (cd "$LINUX" && PATH=/usr/bin:/bin:$PATH ./scripts/checkpatch.pl --strict -q --no-summary \
		--ignore "$ignore" "${spell[@]}" "$p") >"$out/cp.tmp" 2>&1; then
		{ echo "== ${p##*/}"; cat "$out/cp.tmp"; } >>"$log"
	fi
done
report checkpatch "$(grep -cE '^(ERROR|WARNING|CHECK):|Traceback' "$log" || true)" "$log"

# clang-format-16 (Debian's; the Landlock maintainers' check-linux.sh runs
# 16) with the tree's .clang-format, in security/landlock/ and the Landlock
# selftests: on the whole of each file the series adds, and on the lines it
# changes in the others (the base's own unformatted lines are not the
# series'), and on the project's C tools. Each line it would change is a
# finding.
log=$out/clang-format.log
: >"$log"
mapfile -t files < <(git -C "$LINUX" diff --name-only --diff-filter=AM "$BASE_TAG..HEAD" -- \
	'security/landlock/*.[ch]' 'tools/testing/selftests/landlock/*.[ch]' || true)
for f in "${files[@]}"; do
	mapfile -t lines < <(git -C "$LINUX" diff -U0 "$BASE_TAG..HEAD" -- "$f" |
		sed -n 's/^@@ -[0-9,]* +\([0-9]*\)\(,\([0-9]*\)\)\{0,1\} @@.*/\1 \3/p' |
		awk '$2 == "" { $2 = 1 } $2 > 0 { printf "--lines=%d:%d\n", $1, $1 + $2 - 1 }')
	[[ ${#lines[@]} -gt 0 ]] || continue
	git -C "$LINUX" cat-file -e "$BASE_TAG:$f" 2>/dev/null || lines=()
	(cd "$LINUX" && clang-format-16 --style=file "${lines[@]}" "$f") >"$out/cf.out" ||
		die "$EX_DEPS" "clang-format-16 failed on $f; run 'make deps' (Debian package clang-format-16)"
	diff -u --label "a/$f" --label "b/$f" "$LINUX/$f" "$out/cf.out" >>"$log" || true
done
# The project's own C tools, whole files, with the same style.
mapfile -t files < <(git -C "$TOP" ls-files 'tools/*.c' 'tools/*.h')
for f in "${files[@]}"; do
	clang-format-16 --style=file:"$LINUX/.clang-format" "$TOP/$f" >"$out/cf.out"
	diff -u --label "a/$f" --label "b/$f" "$TOP/$f" "$out/cf.out" >>"$log" || true
done
report clang-format "$(grep -cE '^[-+][^-+]|^[-+]$' "$log" || true)" "$log"

# Every file the series adds has a Landlock maintainer.
log=$out/maintainers.log
: >"$log"
while read -r f; do
	if ! (cd "$LINUX" && ./scripts/get_maintainer.pl --no-git --no-git-fallback -f "$f") |
		grep -q 'LANDLOCK SECURITY MODULE'; then
		echo "$f: not covered by the Landlock MAINTAINERS entry" >>"$log"
	fi
done < <(git -C "$LINUX" diff --name-only --diff-filter=A "$BASE_TAG..HEAD")
report maintainers "$(grep -c . "$log" || true)" "$log"

# kernel-doc -Wall on the kernel C files the series touches: any warning on a
# line the series added or changed is a finding (the base has a few of its
# own, e.g. missing "Return:" sections in syscalls.c).
log=$out/kernel-doc.log
mapfile -t files < <(git -C "$LINUX" diff --name-only "$BASE_TAG..HEAD" -- '*.c' '*.h' | grep -v '^tools/' || true)
: >"$log"
for f in "${files[@]}"; do
	(cd "$LINUX" && ./scripts/kernel-doc -Wall -none "$f") 2>&1 |
		sed 's/^/new: /' >"$out/kd.new" || true
	if git -C "$LINUX" cat-file -e "$BASE_TAG:$f" 2>/dev/null; then
		git -C "$LINUX" show "$BASE_TAG:$f" >"$out/kd.base.${f##*.}"
		(cd "$LINUX" && ./scripts/kernel-doc -Wall -none "$out/kd.base.${f##*.}") 2>&1 |
			sed "s|$out/kd.base.${f##*.}|$f|; s/:[0-9]*: /: /; s/^/base: /" >"$out/kd.base" || true
	else
		: >"$out/kd.base"
	fi
	# Compare without line numbers, which the series shifts.
	sed 's/^new: //; s/:[0-9]*: /: /' "$out/kd.new" | sort >"$out/kd.a"
	sed 's/^base: //' "$out/kd.base" | sort >"$out/kd.b"
	comm -23 "$out/kd.a" "$out/kd.b" >>"$log"
done
report kernel-doc "$(grep -c . "$log" || true)" "$log"

# The man-pages series: applies to Debian's page, lints clean (the 6.12
# series only: the mainline fix series changes no documented behaviour).
rc=0
[[ $BASE == mainline ]] || "$TOP/scripts/check-man.sh" || rc=$?
case $rc in
0) ;;
1) failed=1 ;;
*) exit "$rc" ;;
esac

# sparse and W=1, on the test kernel's objects, on a 32-bit kernel
# (ARCH=i386, the host gcc with -m32; config.sh checks its config), and on
# the arm64 test kernel's (make test ARCH=arm64: build/obj-arm64, Debian's
# aarch64-linux-gnu cross compiler, which make check's deps install)
obj=$BUILD/obj-test
[[ -f $obj/.config ]] || die "$EX_CONFIG" "no test kernel config; run 'make config' (make check does)"
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1 CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
build_lock check
# C=2 checks every file, compiled or not; touching makes W=1 see them all.
touch "$LINUX"/security/landlock/*.c
# Findings in the files the series touches; the base's own W=1 kernel-doc
# warnings in fs.c and ruleset.c are not the series'.
changed_re=$(git -C "$LINUX" diff --name-only "$BASE_TAG..HEAD" -- security/landlock | paste -sd'|')
# sparse_w1 TOOL LOG OBJ [MAKE ARGUMENTS...]: the arguments come last, so
# that they may set CC.
sparse_w1() {
	local tool=$1 log=$2 obj=$3
	shift 3
	make -C "$LINUX" O="$obj" -j"$(jobs)" CC="ccache gcc" "$@" C=2 W=1 security/landlock/ >"$log.raw" 2>&1 ||
		die "$EX_BUILD" "building security/landlock with C=2 W=1 failed (see $log.raw)"
	grep -E "security/landlock/.*(warning|error):" "$log.raw" | grep -E "(${changed_re:-^$})" >"$log" || true
	# A tree whose checker-valid.sh finds no valid sparse (7.3's wants one
	# that knows __typeof_unqual__, which sparse.sh provides) builds
	# without it. Say so: only W=1 ran.
	if grep -q 'specified, but .* is not available or not up to date' "$log.raw"; then
		echo "${tool%%[+/]*}:       not run: this tree needs a newer sparse than the host's ($(sparse --version 2>/dev/null || echo none)); W=1 only"
		tool=W=1${tool#sparse+W=1}
	fi
	report "$tool" "$(grep -c . "$log" || true)" "$log"
}
# BASE=mainline: 7.3 needs a sparse that knows __typeof_unqual__; sparse.sh
# builds Debian sid's where the host's (Debian 12's 0.6.4) does not.
check_args=()
if [[ $BASE == mainline ]]; then
	sparse_bin=$("$TOP/scripts/sparse.sh")
	check_args=(CHECK="$sparse_bin")
	echo "sparse:       $sparse_bin"
fi
sparse_w1 sparse+W=1 "$out/sparse-w1.log" "$obj" "${check_args[@]}"
# BASE=mainline: the x86_64 test kernel's configuration only.
if [[ $BASE != mainline ]]; then
	ARCH=i386 "$TOP/scripts/config.sh" test
	sparse_w1 sparse/i386 "$out/sparse-w1-i386.log" "$BUILD/obj-i386" ARCH=i386
	command -v aarch64-linux-gnu-gcc >/dev/null ||
		die "$EX_DEPS" "no aarch64-linux-gnu-gcc; run 'make deps' (Debian package gcc-aarch64-linux-gnu)"
	ARCH=arm64 "$TOP/scripts/config.sh" test
	sparse_w1 sparse/arm64 "$out/sparse-w1-arm64.log" "$BUILD/obj-arm64" ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc"
fi

# coccicheck
log=$out/coccicheck.log
if command -v spatch >/dev/null; then
	make -C "$LINUX" O="$obj" coccicheck MODE=report M=security/landlock \
		J="$(jobs)" >"$log.raw" 2>&1 || true
	grep -E '^[^ ]*security/landlock/[^ ]*:[0-9]+' "$log.raw" >"$log" || true
	report coccicheck "$(grep -c . "$log" || true)" "$log"
else
	echo "coccicheck:  skipped: spatch (coccinelle) is not installed"
fi

# The Landlock selftests built with -Werror, as the maintainers'
# check-linux.sh builds them (USERCFLAGS=-Werror W=1e), against the test
# kernel's UAPI headers. Each warning, or a failed build, is a finding.
log=$out/selftests-werror.log
rm -rf "$out/selftests"
mkdir -p "$out/selftests"
rc=0
{ make -s -C "$LINUX" O="$obj" headers_install &&
	make -C "$LINUX/tools/testing/selftests/landlock" OUTPUT="$out/selftests" \
		KHDR_INCLUDES="-isystem $obj/usr/include" USERCFLAGS=-Werror W=1e; } >"$log" 2>&1 || rc=1
report selftests "$(( $(grep -cE 'error:|warning:' "$log" || true) + rc ))" "$log"

# The :Date: of Landlock's documents, as the maintainers' check-linux.sh
# checks it: the last commit that changes one sets it to that commit's month.
log=$out/doc-date.log
: >"$log"
for doc in Documentation/userspace-api/landlock.rst Documentation/security/landlock.rst; do
	c=$(git -C "$LINUX" log -1 --format=%H "$BASE_TAG..HEAD" -- "$doc")
	[[ -n $c ]] || continue
	date=$(LC_ALL=C git -C "$LINUX" log -1 --date='format:%B %Y' --format=%ad "$c")
	git -C "$LINUX" show "$c" -- "$doc" | grep -q "^+:Date: $date\$" ||
		echo "$doc: ${c:0:12} is dated $date, and does not set ':Date: $date'" >>"$log"
done
report doc-date "$(grep -c . "$log" || true)" "$log"

# KUnit: Landlock's own KUnit tests, with the tree's kunit.py on
# User-Mode Linux (scripts/kunit.sh, which also runs alone).
rc=0
"$TOP/scripts/kunit.sh" "$out/kunit.log" || rc=$?
case $rc in
0) ;;
1) failed=1 ;;
*) exit "$rc" ;;
esac

# ShellCheck
log=$out/shellcheck.log
shellcheck -x "$TOP"/scripts/*.sh "$TOP"/tools/clients/*.sh "$TOP"/.ci/run >"$log" 2>&1 || true
shellcheck -s sh "$TOP"/guest/init "$TOP"/guest/*.sh >>"$log" 2>&1 || true
report shellcheck "$(grep -c '^In ' "$log" || true)" "$log"

[[ $failed -eq 0 ]] || die 1 "findings above"
done_step "all checks clean on ${#patches[@]} patch(es)"
