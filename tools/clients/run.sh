#!/usr/bin/env bash
# make clients, in the guest (make exec's guest: the host's root directory,
# read-only under a tmpfs overlay, as root): run every client that
# scripts/clients.sh built, each suite with its whole output, then one line
# per suite for clients.sh to report:
#   @@CLIENT name|passed|failed|skipped|what
# Usage: run.sh DIR   (DIR: build/clients, as clients.sh left it)
set -uo pipefail
dir=$1
bin=$dir/bin
gopath=$dir/root/usr/share/gocode/src
tmp=$(mktemp -d)

line() {
	echo "@@CLIENT $1|$2|$3|$4|$5"
}

abi=$("$bin/abi")
echo "clients: kernel $(uname -r), Landlock ABI $abi"

# The landlock crate's unit tests. LANDLOCK_CRATE_TEST_ABI is the kernel's
# ABI as the crate knows it: 0.4.7 knows ABIs up to 9 (and panics on a
# higher value, "Unknown ABI").
crate_abi=$((abi > 9 ? 9 : abi))
# errata::errata_up_to_date expects the kernel to report exactly the errata
# that 0.4.7 knows (1 to 3) as fixed. 6.12.117 and 7.3.4 also report
# erratum 4 (whiteout creation, a stable backport of the base, not of
# either series): on them it fails whatever TSYNC does, so it is skipped,
# and said so.
# compat::test_current_landlock_status, with LANDLOCK_CRATE_TEST_ABI set,
# expects the kernel's ABI to be one the crate knows: 7.3's 11 is not.
skip_args=() skipped=0 why=
crate_skip() {
	skip_args+=(--skip "$1")
	skipped=$((skipped + 1))
	why+="; skipped: $1 ($2)"
	echo "clients: skipping the crate's $1: $2"
}
errata=$("$bin/abi" --errata)
[[ ! $errata =~ ^[0-9]+$ || $((errata & ~7)) -eq 0 ]] ||
	crate_skip errata::errata_up_to_date \
		"the kernel reports errata $(printf '%#x' "$errata") fixed, 0.4.7 knows 1 to 3 (0x7)"
[[ $abi -le 9 ]] ||
	crate_skip compat::test_current_landlock_status "the kernel's ABI $abi is above 9, the highest 0.4.7 knows"
echo "== landlock crate 0.4.7, LANDLOCK_CRATE_TEST_ABI=$crate_abi"
(cd "$dir/crate" && LANDLOCK_CRATE_TEST_ABI=$crate_abi "$bin/landlock-crate.test" \
	--test-threads=2 "${skip_args[@]}") >"$tmp/crate" 2>&1
rc=$?
cat "$tmp/crate"
res=$(grep -m1 '^test result:' "$tmp/crate")
pass=$(sed -n 's/.* \([0-9]*\) passed.*/\1/p' <<<"$res")
fail=$(sed -n 's/.* \([0-9]*\) failed.*/\1/p' <<<"$res")
skip=$(sed -n 's/.* \([0-9]*\) ignored.*/\1/p' <<<"$res")
v8=$(sed -n 's/^test tests::abi_v8_all_threads \.\.\. \(.*\)/\1/p' "$tmp/crate")
[[ $rc -eq 0 || ${fail:-0} -gt 0 ]] || fail=$((${fail:-0} + 1))
line "landlock crate 0.4.7 (LANDLOCK_CRATE_TEST_ABI=$crate_abi)" "${pass:-0}" "${fail:-1}" \
	"$((${skip:-0} + skipped))" "abi_v8_all_threads: ${v8:-did not run}$why"
[[ -n $v8 ]] || line "landlock crate 0.4.7: abi_v8_all_threads" 0 1 0 "did not run"
if [[ $abi -gt 9 ]]; then
	# Not counted: what the crate does with the kernel's own, higher ABI.
	(cd "$dir/crate" && LANDLOCK_CRATE_TEST_ABI=$abi "$bin/landlock-crate.test" \
		--exact compat::current_kernel_abi) >"$tmp/crate" 2>&1
	echo "@@NOTE landlock crate 0.4.7 with LANDLOCK_CRATE_TEST_ABI=$abi: exit $?," \
		"$(grep -m1 -oE 'Unknown ABI: [0-9]+|test result: [a-zA-Z]+' "$tmp/crate")"
fi

# gotest NAME BINARY DIR: a Go test binary, verbose, in its package's
# directory (as go test runs it). Top-level tests are counted: go-landlock
# runs many tests again in a subprocess and passes on its subtests' lines,
# so indented lines can come twice.
gotest() {
	local name=$1 test=$2 pkgdir=$3 rc pass fail skip skipped
	echo "== $name"
	(cd "$pkgdir" && TMPDIR=$tmp "$test" -test.v -test.count=1) >"$tmp/go" 2>&1
	rc=$?
	cat "$tmp/go"
	pass=$(grep -c '^--- PASS: ' "$tmp/go")
	fail=$(grep -c '^--- FAIL: ' "$tmp/go")
	skip=$(grep -c '^--- SKIP: ' "$tmp/go")
	skipped=$(sed -n 's/^--- SKIP: \([^ ]*\).*/\1/p' "$tmp/go" | head -5 | paste -sd, -)
	[[ $rc -eq 0 || $fail -gt 0 ]] || fail=1
	[[ $pass -gt 0 || $fail -gt 0 ]] || fail=1
	line "$name" "$pass" "$fail" "$skip" "exit $rc${skipped:+; skipped: $skipped}"
}

# gorepeat NAME BINARY DIR TEST N: one Go test, N times, each in a new
# process (a test that restricts itself cannot run twice in one: the
# layers would stack). TestRestrictInPresenceOfThreading only fails when
# one of its goroutines runs on a thread that the call left out, which
# depends on the Go scheduler: one run may miss a broken TSYNC, 20 do not.
gorepeat() {
	local name=$1 test=$2 pkgdir=$3 case=$4 n=$5 i pass=0 fail=0
	echo "== $name: $case, $n runs"
	for ((i = 0; i < n; i++)); do
		if (cd "$pkgdir" && TMPDIR=$tmp "$test" -test.v -test.count=1 \
			-test.run "^$case\$") >"$tmp/go" 2>&1 &&
			grep -q "^--- PASS: $case " "$tmp/go"; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			cat "$tmp/go"
		fi
	done
	line "$name: $case x$n" "$pass" "$fail" 0 "each run a new process"
}

ll=$gopath/github.com/landlock-lsm/go-landlock/landlock
gotest "go-landlock 0.9.0 (default build)" "$bin/go-landlock.test" "$ll"
gotest "go-landlock 0.9.0 (-tags landlocktsync)" "$bin/go-landlock-tsync.test" "$ll"
gorepeat "go-landlock 0.9.0 (default build)" "$bin/go-landlock.test" "$ll" \
	TestRestrictInPresenceOfThreading 20
gorepeat "go-landlock 0.9.0 (-tags landlocktsync)" "$bin/go-landlock-tsync.test" "$ll" \
	TestRestrictInPresenceOfThreading 20
gotest "go-landlock 0.9.0 landlock/syscall" "$bin/go-landlock-syscall.test" "$ll/syscall"
gotest "landrun 0.1.17 internal/elfdeps" "$bin/landrun-elfdeps.test" \
	"$gopath/github.com/zouuup/landrun/internal/elfdeps"

# landrun: a smoke test. It restricts itself (go-landlock: TSYNC on ABI 8
# and later), then executes the probe, whose threads inherit the domain
# whatever TSYNC did. The probe first runs outside, where every thread
# can write the file; --best-effort: landrun asks for ABI 9's rights.
echo "== landrun 0.1.17"
mkdir -p "$tmp/ro"
echo data >"$tmp/ro/file"
"$bin/probe" allowed "$tmp/ro/file"
outside=$?
"$bin/landrun" --best-effort --rox "$bin" --ro "$tmp/ro" -- \
	"$bin/probe" denied "$tmp/ro/file"
inside=$?
if [[ $outside -eq 0 && $inside -eq 0 ]]; then
	line "landrun 0.1.17 (probe, 5 threads)" 1 0 0 "write allowed outside, denied (EACCES) in every thread under landrun"
else
	line "landrun 0.1.17 (probe, 5 threads)" 0 1 0 "probe outside: exit $outside, under landrun: exit $inside"
fi
rm -rf "$tmp"
exit 0
