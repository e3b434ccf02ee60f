#!/usr/bin/env bash
# make test ARCH=um: run the Landlock kselftests in User-Mode Linux, as
# Landlock's maintainers do, so that fs_test's hostfs variants run too.
#
# The UML kernel (build/obj-um/linux) is a host process. Its root file
# system is a host directory, build/obj-um/root, mounted with hostfs and
# made afresh for every run: busybox, the guest's init and the kselftest
# install tree. The tests run from /kselftest/landlock there, so their
# working directory is on hostfs (which layout3_fs.hostfs needs); every
# other fs_test layout mounts its own tmpfs under it. The kernel command
# line passes "stage2" to the init, which then skips the switch to a tmpfs
# root that it does in QEMU. The console (con0) writes to stdout; the log
# goes through the same report scan as boot.sh's, and the run through
# ktap-summary.sh. The run has a hard outer timeout, and the whole process
# group of the UML kernel (it forks a host process per address space) is
# killed when it ends.
#
# The kernel runs with tools/uml/xstate.c preloaded: 6.12's UML writes its
# processes' FP registers with a fixed-size PTRACE_SETREGSET that a host
# with a larger XSAVE area (AMX) refuses; the shim pads it (see the file).
#
# Usage: uml.sh [FLAVOUR]   (test, the only UML flavour)
# Environment: TESTS, REPEAT, TEST_TIMEOUT (per test binary, s), TIMEOUT
#              (outer, s), MEM (MiB), APPEND (extra kernel arguments), LOG
#              (console log path).
set -euo pipefail
STEP=boot
export ARCH=um
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=${1:-test}
FLAVOUR=$flavour "$TOP/scripts/options.sh" boot || exit 1
obj=$(obj_dir "$flavour")
kernel=$obj/$KIMAGE
ksft=$obj/kselftest/install
[[ -x $kernel ]] || die "$EX_BUILD" "no UML kernel at $kernel; run 'make build ARCH=um'"
[[ -x $ksft/landlock/base_test ]] || die "$EX_BUILD" "no selftests in $ksft; run 'make build ARCH=um'"
[[ -x /bin/busybox ]] || die "$EX_DEPS" "no /bin/busybox; run 'make deps' (Debian package busybox-static)"
timeout=${TIMEOUT:-1200}
mem=${MEM:-2048}

root=$obj/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root}
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$TOP/guest/init" "$root/init"
cp -a "$ksft" "$root/kselftest"

# Rebuilt each run: a host tool, outside the guest's static programs.
shim=$obj/uml-xstate.so
gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$shim" "$TOP/tools/uml/xstate.c" -ldl ||
	die "$EX_BUILD" "cannot build tools/uml/xstate.c"

tests=${TESTS:-}
args=(mem="${mem}M" root=/dev/root rootfstype=hostfs rootflags="$root" rw
	con=null "con0=null,fd:1" loglevel=5 lsm=landlock init=/init ll.mode=test)
[[ -z $tests ]] || args+=("ll.tests=${tests// /,}")
[[ -z ${REPEAT:-} ]] || args+=("ll.repeat=$REPEAT")
[[ -z ${TEST_TIMEOUT:-} ]] || args+=("ll.timeout=$TEST_TIMEOUT")
read -r -a extra <<<"${APPEND:-}"
args+=("${extra[@]}" stage2)

mkdir -p "$BUILD/logs"
log=${LOG:-$BUILD/logs/um-$flavour.log}
info "um kernel (User-Mode Linux, 1 CPU, PREEMPT), ll.mode=test, hostfs root, ${mem}M, timeout ${timeout}s (log: ${log#"$TOP"/})"

# The kernel starts a session of its own (setsid()), whose process group
# holds the host processes it forks. Its pid, which is that group's id, is
# written down before it starts, and the group is killed when the run ends
# or this script is interrupted: no host process of the kernel outlives the
# run. timeout(1) signals the kernel itself.
ulimit -c 0
pidfile=$obj/uml.pid
rm -f "$pidfile"
: >"$log"
kill_uml() {
	local pid
	pid=$(cat "$pidfile" 2>/dev/null || true)
	[[ -z $pid ]] || kill -KILL -- "-$pid" 2>/dev/null || true
}
trap kill_uml EXIT
# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
(timeout --kill-after=10 "$timeout" sh -c 'echo $$ >"$0" && exec "$@"' "$pidfile" \
	env LD_PRELOAD="$shim" "$kernel" "${args[@]}" </dev/null 2>&1 | sed -u 's/\r//g' >>"$log"
	exit "${PIPESTATUS[0]}") &
run=$!
tail -n +1 --pid="$run" -f "$log" | sed -u -n '/@@LLT-BEGIN/,/@@LLT-END/p' |
	grep --line-buffered -v '^@@LLT-' | awk -v mode=display -f "$TOP/scripts/kernel-log.awk"
uml_rc=0
wait "$run" || uml_rc=$?
kill_uml
rm -f "$pidfile"

boot_verdict "$log" "$uml_rc" "$timeout" UML
reports=$REPORTS
# The totals line is the last line printed; kernel reports count as one
# failed case.
KREPORTS=$(printf '%s' "$reports" | grep -c . || true) \
	"$TOP/scripts/ktap-summary.sh" "$log" || exit "$EX_TEST"
