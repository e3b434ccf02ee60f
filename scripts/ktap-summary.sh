#!/usr/bin/env bash
# Summarise the kselftest KTAP output in a serial log: one line per test
# binary, every skipped case with its reason, every failed case, then the
# totals line "N passed, N failed, N skipped" counting individual cases.
# Exits 1 when anything failed or no case ran at all.
#
# Usage: ktap-summary.sh LOG
set -euo pipefail

log=${1:?usage: ktap-summary.sh LOG}
sed -n '/@@LLT-BEGIN/,/@@LLT-END/p' "$log" | awk -v kreports="${KREPORTS:-0}" '
function flush(name, verdict, extra) {
	# A binary that failed without a failing case (crash, timeout)
	# counts as one failed case.
	if (verdict == "not ok" && bfail == 0) {
		bfail = 1
		failed_list = failed_list sprintf("  %s: binary failed without a failing case%s\n", name, extra)
	}
	printf "%-28s %4d passed, %d failed, %d skipped%s\n", name ":", bpass, bfail, bskip, \
		(verdict == "ok" ? "" : "  [" verdict extra "]")
	pass += bpass; fail += bfail; skip += bskip; nbin++
	bpass = bfail = bskip = 0
}
{ sub(/\r$/, "") }
# Case results, one level deep: "# ok 3 fixture.variant.name # SKIP why"
/^# (not )?ok [0-9]+ / {
	line = substr($0, 3)
	if (line ~ /^ok [0-9]+ .*# SKIP/) {
		bskip++
		n = line; sub(/^ok [0-9]+ /, "", n)
		skipped_list = skipped_list "  " cur ": " n "\n"
	} else if (line ~ /^ok /) {
		bpass++
	} else {
		bfail++
		n = line; sub(/^not ok [0-9]+ /, "", n)
		failed_list = failed_list "  " cur ": " n "\n"
	}
	next
}
/^# selftests: landlock: / { cur = $4; next }
/^(not )?ok [0-9]+ selftests: landlock: / {
	verdict = ($1 == "not") ? "not ok" : "ok"
	name = (verdict == "ok") ? $5 : $6
	extra = ""
	if (index($0, " # ")) extra = substr($0, index($0, " # ") + 2)
	flush(name, verdict, extra)
	next
}
END {
	if (kreports > 0) {
		printf "%-28s %4d passed, %d failed, %d skipped  [kernel reports: %d]\n", "kernel log:", 0, 1, 0, kreports
		fail++
		failed_list = failed_list "  kernel log: " kreports " report line(s), see above\n"
	}
	if (skipped_list != "") printf "skipped cases (reason after # SKIP):\n%s", skipped_list
	if (failed_list != "") printf "failed:\n%s", failed_list
	printf "Testing complete. Ran %d test binaries, %d cases: passed: %d, failed: %d, skipped: %d\n", \
		nbin, pass + fail + skip, pass, fail, skip
	printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
	exit (fail > 0 || pass + fail == 0) ? 1 : 0
}'
