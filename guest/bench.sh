#!/bin/sh
# Guest side of 'make bench' (ll.mode=bench): make room for 16,384 threads,
# create the files of the 1,000-rule ruleset on a tmpfs and run /tools/bench,
# then the Go benchmark when asked.
#
# Kernel command line: ll.bench=ARGS  arguments for /tools/bench, commas for
# spaces, colons for commas (e.g. ll.bench=-p,single,-n,0:64:1024);
# ll.gobench=N,...  then /tools/go-tsync -bench at these thread counts.

dir=/tmp/bench

# 16,384 siblings plus everything else; each thread stack is two mappings.
echo 100000 >/proc/sys/kernel/threads-max
echo 262144 >/proc/sys/vm/max_map_count
echo 4194304 >/proc/sys/kernel/pid_max 2>/dev/null
echo "# bench: threads-max $(cat /proc/sys/kernel/threads-max)," \
	"max_map_count $(cat /proc/sys/vm/max_map_count)," \
	"pid_max $(cat /proc/sys/kernel/pid_max)," \
	"$(sed -n 's/^MemTotal: *//p' /proc/meminfo) RAM," \
	"slabinfo: $([ -r /proc/slabinfo ] && echo yes || echo no)"

mkdir -p "$dir" || exit 1
mount -t tmpfs -o mode=0755 bench "$dir" || exit 1
mkdir -p "$dir/files" || exit 1
i=1000
while [ "$i" -lt 2000 ]; do
	: >"$dir/files/f${i#1}" || exit 1
	i=$((i + 1))
done

args=$(sed -n 's/.*[[:space:]]ll\.bench=\([^[:space:]]*\).*/\1/p' /proc/cmdline | tr , ' ')
# shellcheck disable=SC2086 # ARGS are words
/tools/bench -d "$dir" $args
rc=$?

# Go (ll.gobench=4,8,16,32,64: the thread counts): TSYNC against
# syscall.AllThreadsSyscall, in the same BENCH lines, with at most the
# repetitions that ARGS allow (-r).
gobench=$(sed -n 's/.*[[:space:]]ll\.gobench=\([^[:space:]]*\).*/\1/p' /proc/cmdline)
if [ -n "$gobench" ] && [ -x /tools/go-tsync ]; then
	reps=200
	# shellcheck disable=SC2086 # ARGS are words
	set -- $args
	while [ $# -gt 1 ]; do
		if [ "$1" = -r ] && [ "$2" -lt "$reps" ] 2>/dev/null; then
			reps=$2
		fi
		shift
	done
	/tools/go-tsync -bench -threads "$gobench" -reps "$reps" -dir "$dir/go" ||
		echo "ERROR,go,0,go-tsync -bench exited with status $?"
fi
exit "$rc"
