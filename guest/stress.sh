#!/bin/sh
# The stress suite, run by the guest init for ll.mode=stress: the TSYNC
# stress scenarios (/tools/stress), then the allocation-failure sweep
# (/tools/failsweep). One unit per stress scenario and per sweep
# configuration; ends with "N passed, N failed" and a non-zero status on any
# failure. The kernel log is judged by the host (boot.sh).
#
# Kernel command line parameters (all optional):
#   ll.iter=N          iterations per stress scenario (default: 20)
#   ll.stress_time=S   deadline for all stress scenarios (default: 150)
#   ll.sweep_time=S    deadline for the whole sweep (default: 150)

param() {
	sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" /proc/cmdline
}
iter=$(param ll.iter)
stress_time=$(param ll.stress_time)
sweep_time=$(param ll.sweep_time)
: "${iter:=20}" "${stress_time:=150}" "${sweep_time:=150}"

passed=0
failed=0

# Fault injection: fail-nth only (probability stays 0), sleeping
# allocations included, no messages (an injected failure is not a kernel
# report).
dbg=/sys/kernel/debug
for fi in failslab fail_page_alloc; do
	[ -d "$dbg/$fi" ] || continue
	echo N >"$dbg/$fi/ignore-gfp-wait"
	echo N >"$dbg/$fi/task-filter"
	echo 0 >"$dbg/$fi/verbose"
	echo "stress.sh: $fi: ignore-gfp-wait=N task-filter=N verbose=0"
done

# run NAME PASS_RE UNIT_RE CMD...: run a program, show its output, count
# the lines matching UNIT_RE (one per unit) and those matching PASS_RE.
run() {
	name=$1 pass_re=$2 unit_re=$3
	shift 3
	start=$(date +%s)
	{
		"$@"
		echo $? >"/tmp/$name.rc"
	} 2>&1 | tee "/tmp/$name.out"
	rc=$(cat "/tmp/$name.rc")
	units=$(grep -cE "$unit_re" "/tmp/$name.out")
	ok=$(grep -cE "$pass_re" "/tmp/$name.out")
	passed=$((passed + ok))
	failed=$((failed + units - ok))
	if [ "$rc" -ne 0 ] && [ "$units" -eq "$ok" ]; then
		# Failed without a failing unit: not run at all, or crashed.
		echo "stress.sh: $name exited with status $rc"
		failed=$((failed + 1))
	fi
	echo "stress.sh: $name: $ok of $units passed, status $rc ($(($(date +%s) - start))s)"
}

run stress \
	'^stress: [a-z]+: [1-9][0-9]* iterations, 0 deviations' \
	'^stress: [a-z]+: [0-9]+ iterations, [0-9]+ deviations' \
	/tools/stress -n "$iter" -d "$stress_time"
run failsweep \
	'^failsweep: .* failure points \(.*, 0 deviations$' \
	'^failsweep: .* failure points \(' \
	/tools/failsweep -d "$sweep_time"

# kmemleak reports only objects older than 5 s: let the sweep's last ones
# age before init's scan.
[ ! -e "$dbg/kmemleak" ] || sleep 6

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
