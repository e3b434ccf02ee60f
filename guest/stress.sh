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
#   ll.suite=LIST      what to run: stress,failsweep (default: both)
#   ll.scenarios=LIST  stress scenarios to run, comma-separated (default: all)

param() {
	sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" /proc/cmdline
}
iter=$(param ll.iter)
stress_time=$(param ll.stress_time)
sweep_time=$(param ll.sweep_time)
suite=$(param ll.suite)
base=$(param ll.base)
scenarios=$(param ll.scenarios)
: "${iter:=20}" "${stress_time:=150}" "${sweep_time:=150}"
: "${suite:=stress,failsweep}"
case ",$suite," in
*,stress,* | *,failsweep,*) ;;
*)
	echo "stress.sh: ll.suite=$suite: nothing to run (stress, failsweep)"
	exit 2
	;;
esac

passed=0
failed=0

# The freezer scenario freezes its iterations through cgroup v2.
if [ ! -e /sys/fs/cgroup/cgroup.procs ]; then
	mount -t cgroup2 cgroup2 /sys/fs/cgroup ||
		echo "stress.sh: cannot mount cgroup2: the freezer scenario will fail"
fi
# Which preemption model the scenarios run under (PREEMPT_DYNAMIC's boot
# line; a kernel without it says nothing).
mode=$(dmesg | sed -n 's/.*Dynamic Preempt: //p' | tail -n 1)
echo "stress.sh: preemption: ${mode:-not dynamic ($(uname -v))}"

# Fault injection: fail-nth only (probability stays 0), sleeping
# allocations included, a stack trace for each injected failure (unlimited),
# from which failsweep -S names the failure site. The host does not count
# these traces as kernel reports.
dbg=/sys/kernel/debug
for fi in failslab fail_page_alloc; do
	[ -d "$dbg/$fi" ] || continue
	echo N >"$dbg/$fi/ignore-gfp-wait"
	echo N >"$dbg/$fi/task-filter"
	echo 2 >"$dbg/$fi/verbose"
	echo 0 >"$dbg/$fi/verbose_ratelimit_interval_ms"
	echo "stress.sh: $fi: ignore-gfp-wait=N task-filter=N verbose=2"
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

# check_site WHO MIN ERE: one unit, passed if the sweep located failures of
# WHO's (caller's, sibling's) fault points at MIN distinct sites matching
# ERE.
check_site() {
	found=$(sed -n "s/^failsweep: $1 points, .*: k=[0-9]*: .* at //p" \
		/tmp/failsweep.out | grep -E "$3" | sort -u)
	n=$(printf '%s' "$found" | grep -c .)
	if [ "$n" -ge "$2" ]; then
		passed=$((passed + 1))
		echo "stress.sh: failures injected at $n $1 site(s) matching $3:"
		printf '%s\n' "$found" | sed 's/^/stress.sh:   /'
	else
		failed=$((failed + 1))
		echo "stress.sh: failures injected at $n $1 site(s) matching $3, expected $2 or more"
	fi
}

case ",$suite," in *,stress,*)
	run stress \
		'^stress: [a-z_]+: [1-9][0-9]* iterations, 0 deviations' \
		'^stress: [a-z_]+: [0-9]+ iterations, [0-9]+ deviations' \
		/tools/stress -n "$iter" -d "$stress_time" ${scenarios:+-s "$scenarios"}
	;;
esac

case ",$suite," in *,failsweep,*)
	run failsweep \
		'^failsweep: .* failure points \(.*, 0 deviations$' \
		'^failsweep: .* failure points \(' \
		/tools/failsweep -S -d "$sweep_time"

	# The sweep must have reached the preparation path: the caller's two
	# kvmalloc()s, the work items (get_batch()) and the set of reached
	# threads (grow_reached()), and its two kmalloc()s, the lock of the
	# process (get_process_lock()) and the state of the attempt
	# (alloc_shared()), inlined or not into sync_siblings() and
	# landlock_restrict_sibling_threads(); and a sibling's prepare_creds()
	# in its work item.
	# Mainline's TSYNC (ll.base=mainline), with the fix series, has other
	# functions: the caller's two kvmalloc()s, a batch of work items
	# (tsync_works_grow_by()) and the hash of the threads reached
	# (tsync_works_grow_reached()), and its kzalloc() of the shared
	# context, inlined or not into landlock_restrict_sibling_threads();
	# and a sibling's prepare_creds() in restrict_one_thread().
	if [ "$base" = mainline ]; then
		tsync_fns='landlock_restrict_sibling_threads|tsync_works_grow_by|tsync_works_grow_reached'
		check_site caller 2 "kvmalloc.* in ($tsync_fns)\\+"
		check_site caller 1 "kmalloc_cache.* in ($tsync_fns)\\+"
		check_site sibling 1 ' in prepare_creds\+.* <- restrict_one_thread'
	else
		tsync_fns='landlock_restrict_sibling_threads|sync_siblings'
		check_site caller 2 "kvmalloc.* in ($tsync_fns|get_batch|grow_reached)\\+"
		check_site caller 2 "kmalloc_cache.* in ($tsync_fns|get_process_lock|alloc_shared)\\+"
		check_site sibling 1 ' in prepare_creds\+.* <- sync_sibling\('
	fi
	;;
esac

# kmemleak reports only objects older than 5 s: let the sweep's last ones
# age before init's scan.
[ ! -e "$dbg/kmemleak" ] || sleep 6

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
