#!/usr/bin/env bash
# make bisect: every patch of the series builds and passes its own tests.
# For each prefix of the series (base..HEAD of build/linux, oldest first),
# checks the commit out in build/linux (detached), configures and builds
# the test kernel (incrementally, through ccache; build.sh takes the
# machine's build lock), builds its initramfs and boots it once with
# base_test, and tsync_test too once the prefix has it. build/linux is put
# back on its branch and commit at the end, whatever happens; the next
# make test rebuilds the tip incrementally.
#
# Refuses to run if build/linux has uncommitted changes or a detached
# HEAD: checking out older commits must never lose work. Each prefix goes
# on, whatever the previous one gave; the run fails if any prefix did not
# build or failed its tests.
#
# Environment: boot.sh's TIMEOUT, MEM, APPEND.
set -euo pipefail
STEP=bisect
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[[ -d $LINUX/.git ]] || die "$EX_TREE" "no kernel tree: run make tree first"
if [[ -n $(git -C "$LINUX" status --porcelain --untracked-files=no) ]]; then
	git -C "$LINUX" status --short --untracked-files=no >&2
	die "$EX_TREE" "build/linux has uncommitted changes: commit them (and make export) first"
fi
branch=$(git -C "$LINUX" symbolic-ref -q --short HEAD) ||
	die "$EX_TREE" "build/linux has a detached HEAD: check out the series branch first"
head=$(git -C "$LINUX" rev-parse HEAD)
mapfile -t commits < <(git -C "$LINUX" rev-list --reverse "$BASE_TAG..$head")
[[ ${#commits[@]} -gt 0 ]] || die "$EX_TREE" "no commit on $BASE_TAG in build/linux"

restore() {
	if git -C "$LINUX" checkout -q "$branch" &&
		[[ $(git -C "$LINUX" rev-parse HEAD) == "$head" ]]; then
		info "build/linux back on $branch at ${head:0:12}"
	else
		warn "could not put build/linux back on $branch at $head: run 'git -C build/linux checkout $branch'"
	fi
}

out=$(mktemp)
trap 'rm -f "$out"; restore' EXIT
mkdir -p "$BUILD/logs"
results=() failed=0 n=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	t=$SECONDS
	subject=$(git -C "$LINUX" log -1 --format=%s "$c")
	info "$n/${#commits[@]} ${c:0:12} $subject"
	git -C "$LINUX" checkout -q --detach "$c" ||
		die "$EX_TREE" "cannot check out $c in build/linux"
	tests=base_test
	[[ ! -f $LINUX/tools/testing/selftests/landlock/tsync_test.c ]] || tests+=" tsync_test"
	rc=0
	{ "$TOP/scripts/config.sh" test && "$TOP/scripts/build.sh" test &&
		"$TOP/scripts/initramfs.sh" test; } || rc=$?
	if [[ $rc -ne 0 ]]; then
		results+=("$n/${#commits[@]} ${c:0:12}: build failed (status $rc) ($((SECONDS - t))s)  $subject")
		failed=1
		continue
	fi
	# The boot's per-binary lines and totals; the whole KTAP output stays in
	# its log.
	log=$BUILD/logs/bisect-$n.log
	LOG=$log TESTS=$tests "$TOP/scripts/boot.sh" test test >"$out" 2>&1 || rc=$?
	grep -E '^[a-z_]+_test: +[0-9]+ passed|^# +not ok|error:' "$out" || true
	totals=$(tail -n 1 "$out")
	if [[ $rc -ne 0 ]]; then
		failed=1
		totals="FAILED (status $rc, log: ${log#"$TOP"/}): $totals"
	fi
	results+=("$n/${#commits[@]} ${c:0:12}: $tests: $totals ($((SECONDS - t))s)  $subject")
done

printf '%s\n' "${results[@]}"
[[ $failed -eq 0 ]] || die "$EX_TEST" "a prefix of the series does not build or fails its tests (see above)"
done_step "${#commits[@]} prefixes of the series build and pass their tests"
