#!/usr/bin/env bash
# The scripted check of make shell and make exec: what a user's own program
# expects of the guest. Three boots, one case each:
#   shell        commands on stdin, as a user would type them, from a
#                directory under the host's /tmp: a dynamically linked host
#                program (python3, with ctypes) sees Landlock ABI 8; the
#                shell starts in that directory; guestcheck, dynamically
#                linked and under /tmp, passes (loopback on 127.0.0.1 and
#                ::1, getaddrinfo("localhost")); writes land in the overlay,
#                not on the host;
#   exec-dynamic make exec of that guestcheck, from that directory;
#   exec-static  make exec of the static guestcheck (the minimal guest).
# guestcheck's report of the rest (/dev/shm, /dev/pts, $HOME, ulimit -n,
# CPUs, clock) is printed. Ends with one totals line, "N passed, N failed,
# 0 skipped".
#
# Usage: shell-test.sh [FLAVOUR]
set -euo pipefail
STEP=shell
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=${1:-test}
# Debian's, not a wrapper script from PATH (pyenv's shims are scripts).
py=/usr/bin/python3
[[ -x $py ]] || die "$EX_DEPS" "$py not found (Debian package python3: make deps)"
file -L "$py" | grep -q 'dynamically linked' ||
	die "$EX_DEPS" "$py is not dynamically linked: it would not show that host programs run"
static=$BUILD/tools-$(build_name "$flavour")/guestcheck
[[ -x $static ]] || die "$EX_BUILD" "no $static; run 'make initramfs'"

# A directory under the host's /tmp, as a clone there would be, holding a
# dynamically linked guestcheck.
dir=$(mktemp -d /tmp/landlock-tsync-shell-test.XXXXXX)
out=$dir/out
trap 'rm -rf "$dir"' EXIT
gcc -O2 -D_GNU_SOURCE -o "$dir/guestcheck" "$TOP/tools/guestcheck.c" ||
	die "$EX_BUILD" "cannot build a dynamically linked guestcheck"
file "$dir/guestcheck" | grep -q 'dynamically linked' ||
	die "$EX_BUILD" "$dir/guestcheck is not dynamically linked"

passed=0 failed=0
# verdict CASE WHY...: count a case; WHY empty means passed.
verdict() {
	local case=$1
	shift
	if [[ -z $* ]]; then
		echo "shell-test: ok $case"
		passed=$((passed + 1))
	else
		echo "shell-test: FAILED $case: $*"
		failed=$((failed + 1))
	fi
}
# clean FILE: the guest's output, without carriage returns and terminal
# escapes.
clean() {
	sed -i $'s/\r//g; s/\x1b\\[[0-9;?]*[a-zA-Z]//g' "$1"
}

# 1. make shell, scripted. The first line is a no-op that survives losing
# its first characters: the guest's tty loses a few typed ahead of bash's
# start (4 here).
probe="import ctypes; print('shell-test: ABI', ctypes.CDLL(None).syscall(444, None, 0, 1))"
rc=0
# shellcheck disable=SC2016 # expanded by the guest's shell
printf '%s\n' \
	'                :' \
	"$py -c \"$probe\"" \
	'echo "shell-test: cwd $(pwd)"' \
	'./guestcheck -q' \
	'echo written >/etc/shell-test && echo "shell-test: overlay $(cat /etc/shell-test)"' \
	'echo written >./written && echo "shell-test: tmp $(cat ./written)"' \
	'exit' |
	(cd "$dir" && TIMEOUT=${TIMEOUT:-300} LOG=$BUILD/logs/$flavour-shell-test.log \
		"$TOP/scripts/boot.sh" "$flavour" shell) >"$out" 2>&1 || rc=$?
clean "$out"
grep -a -e '^shell-test: ' -e '^guestcheck: FAIL' "$out" || true
why=
if ! grep -aq '^shell-test: ABI 8$' "$out"; then
	why="$py in the guest did not report Landlock ABI 8 (boot.sh status $rc; log: build/logs/$flavour-shell-test.log)"
elif ! grep -aqx "shell-test: cwd $dir" "$out"; then
	why="the shell did not start in the caller's directory $dir (the host's /tmp)"
elif ! grep -aq '^guestcheck: passed$' "$out"; then
	why="guestcheck (dynamically linked, under /tmp) did not pass"
elif ! grep -aq '^shell-test: overlay written$' "$out" ||
	! grep -aq '^shell-test: tmp written$' "$out"; then
	why="no writable overlay over the host's root directory and /tmp"
elif [[ -e $dir/written ]]; then
	why="a write in the guest's /tmp reached the host"
elif [[ $rc -ne 0 ]]; then
	why="boot.sh exited with $rc"
fi
verdict shell "$why"

# 2. make exec of a dynamically linked program under /tmp, from /tmp.
rc=0
(cd "$dir" && LOG=$BUILD/logs/$flavour-exec-dynamic.log \
	"$TOP/scripts/exec.sh" "$flavour" ./guestcheck "") >"$out" 2>&1 || rc=$?
clean "$out"
grep -a '^guestcheck: ' "$out" || true
why=
if ! grep -aqx "guestcheck: info cwd: $dir" "$out"; then
	why="it did not run in $dir (exec.sh status $rc; log: build/logs/$flavour-exec-dynamic.log)"
elif ! grep -aq '^guestcheck: passed$' "$out" || [[ $rc -ne 0 ]]; then
	why="guestcheck failed (exec.sh status $rc)"
fi
verdict exec-dynamic "$why"

# 3. make exec of a static program: the minimal guest.
rc=0
LOG=$BUILD/logs/$flavour-exec-static.log \
	"$TOP/scripts/exec.sh" "$flavour" "$static" "" >"$out" 2>&1 || rc=$?
clean "$out"
grep -a '^guestcheck: ' "$out" || true
why=
if ! grep -aq '^guestcheck: passed$' "$out" || [[ $rc -ne 0 ]]; then
	why="guestcheck failed (exec.sh status $rc; log: build/logs/$flavour-exec-static.log)"
fi
verdict exec-static "$why"

done_step "$flavour: make shell and make exec run a user's programs (loopback, localhost, /tmp)"
echo "$passed passed, $failed failed, 0 skipped"
[[ $failed -eq 0 ]] || exit "$EX_TEST"
