#!/usr/bin/env bash
# The scripted check of make shell: commands on stdin, as a user would type
# them. A dynamically linked host program (python3, with ctypes) must run in
# the guest, from the host's root directory shared over 9p, and see Landlock
# ABI 8; a write must land in the overlay. Prints one totals line, "N passed,
# N failed, 0 skipped" (one case).
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
out=$(mktemp)
trap 'rm -f "$out"' EXIT
probe="import ctypes; print('shell-test: ABI', ctypes.CDLL(None).syscall(444, None, 0, 1))"
rc=0
# The first line is a no-op that survives losing its first characters: the
# guest's tty loses a few typed ahead of bash's start (4 here).
# shellcheck disable=SC2016 # expanded by the guest's shell
printf '%s\n' \
	'                :' \
	"$py -c \"$probe\"" \
	'echo written >/etc/shell-test && echo "shell-test: overlay $(cat /etc/shell-test)"' \
	'exit' |
	TIMEOUT=${TIMEOUT:-300} LOG=$BUILD/logs/$flavour-shell-test.log \
		"$TOP/scripts/boot.sh" "$flavour" shell >"$out" 2>&1 || rc=$?
# The guest's output, without carriage returns and terminal escapes.
sed -i $'s/\r//g; s/\x1b\\[[0-9;?]*[a-zA-Z]//g' "$out"
grep -a '^shell-test: ' "$out" || true
failed=0
if ! grep -aq '^shell-test: ABI 8$' "$out"; then
	echo "shell-test: FAILED: $py in the guest did not report Landlock ABI 8 (boot.sh status $rc; log: build/logs/$flavour-shell-test.log)"
	failed=1
elif ! grep -aq '^shell-test: overlay written$' "$out"; then
	echo "shell-test: FAILED: no writable overlay over the host's root directory"
	failed=1
elif [[ $rc -ne 0 ]]; then
	echo "shell-test: FAILED: boot.sh exited with $rc"
	failed=1
fi
done_step "$flavour: a dynamically linked host program in make shell's guest"
echo "$((1 - failed)) passed, $failed failed, 0 skipped"
[[ $failed -eq 0 ]] || exit "$EX_TEST"
