#!/usr/bin/env bash
# Boot a kernel in QEMU, run what the guest is asked to (ll.mode), keep the
# serial log under build/logs/, and turn it into a verdict:
#   - no end marker (panic, hang, timeout): EX_VM, with the log's tail;
#   - any kernel report (BUG, WARNING, Oops, lockdep, KASAN, kmemleak,
#     hung task, RCU stall, soft lockup): EX_TEST;
#   - test mode: per-binary results and the totals line; any failure: EX_TEST;
#   - other modes: the guest program's exit status.
# With ARCH=arm64: the arm64 kernel in qemu-system-aarch64 (-machine virt,
# software emulation), console on its PL011 UART; no shell mode.
#
# Usage: boot.sh FLAVOUR MODE [EXTRA_INITRD]
# Environment: ARCH (x86_64 or arm64), TESTS, REPEAT, TEST_TIMEOUT (per test,
#              s), TIMEOUT (outer, s), MEM (MiB), ACCEL (kvm|tcg), APPEND
#              (extra kernel arguments), LOG (serial log path).
set -euo pipefail
STEP=boot
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

flavour=${1:-test}
mode=${2:-test}
extra=${3:-}
# The options (TESTS, REPEAT, TIMEOUT, MEM, ...), before anything boots;
# make checks them earlier still, before it builds.
FLAVOUR=$flavour "$TOP/scripts/options.sh" boot || exit 1
name=$(build_name "$flavour")
obj=$(obj_dir "$flavour")
kernel=$obj/$KIMAGE
initrd=$BUILD/initramfs-$name.cpio.gz
# UNFIXED=1 (BASE=mainline): the unpatched base kernel (the "base"
# flavour) runs the series' selftests and tools, the test flavour's
# initramfs: every new test can be shown failing there.
if [[ ${UNFIXED:-0} == 1 ]]; then
	kernel=$(obj_dir base)/$KIMAGE
	name=unfixed
	[[ -f $kernel ]] || die "$EX_BUILD" "no unfixed kernel at $kernel; run 'make build BASE=mainline UNFIXED=1'"
fi
[[ -f $kernel ]] || die "$EX_BUILD" "no kernel at $kernel; run 'make build'"
[[ -f $initrd ]] || die "$EX_BUILD" "no initramfs at $initrd; run 'make initramfs'"

case $flavour in
debug | kcsan) def_timeout=2400 def_mem=4096 ;;
*) def_timeout=1200 def_mem=2048 ;;
esac
# An interactive shell may last a working day; a scripted one not.
if [[ $mode == shell ]]; then
	def_timeout=600
	[[ ! -t 0 ]] || def_timeout=28800
fi
timeout=${TIMEOUT:-$def_timeout}
mem=${MEM:-$def_mem}

# arm64: the virt
# machine, always in software emulation on this x86_64 host (options.sh
# refuses ACCEL=kvm). CPU "max" (every feature the kernel knows, pointer
# authentication and BTI included) with QEMU's cheap implementation-defined
# pointer-authentication algorithm in place of the architected one (QARMA):
# the selftests took as long here as on cortex-a72 or plain "max" (14 to
# 16 s for the seven binaries other than tsync_test). ARM64_CPU= overrides
# it.
accel=${ACCEL:-}
if [[ $KARCH == arm64 ]]; then
	[[ $mode != shell ]] || die 1 "ARCH=arm64 has no make shell: the host's programs are x86_64"
	accel=tcg
	qemu=(qemu-system-aarch64 -machine virt -cpu "${ARM64_CPU:-max,pauth-impdef=on}")
	console=ttyAMA0
else
	qemu=(qemu-system-x86_64)
	console=ttyS0
fi
# Software emulation unless ACCEL=kvm asks for KVM: a /dev/kvm that passes
# QEMU's vCPU setup may still not run a guest. Measured on this project's
# machines (2026-12): a nested /dev/kvm set up fine, then the guest hung
# before its first console line, intermittently (a 90 s timeout, where
# software emulation boots in 5 s). The targets are ratios, and every
# number in README.md was measured without KVM.
accel=${accel:-tcg}
cpu=max
[[ $accel == kvm ]] && cpu=host
[[ $KARCH == arm64 ]] || qemu+=(-cpu "$cpu")
# ICOUNT=1 (make bench's flags==0 boots): the guest's clock counts
# instructions, one nanosecond each, so that a time is an instruction count,
# the same run after run (whatever the host's load).
[[ ${ICOUNT:-0} != 1 ]] || qemu+=(-icount "shift=0,sleep=off,align=off")

initrds=$initrd
if [[ -n $extra ]]; then
	initrds=$(mktemp "$BUILD/initramfs-$name+extra.XXXXXX")
	trap 'rm -f "$initrds"' EXIT
	cat "$initrd" "$extra" >"$initrds"
fi

tests=${TESTS:-}
# BASE=mainline: every *_test binary of 7.3's Landlock selftests, not
# fs_bench (a benchmark that the selftests' Makefile also lists).
if [[ $BASE == mainline && -z $tests && $mode == test ]]; then
	tests=$(cd "$LINUX/tools/testing/selftests/landlock" &&
		for f in *_test.c; do printf '%s ' "${f%.c}"; done)
	tests=${tests% }
fi
append="console=$console loglevel=5 panic=-1 oops=panic rdinit=/init ll.mode=$mode"
[[ -z $tests ]] || append+=" ll.tests=${tests// /,}"
[[ -z ${REPEAT:-} ]] || append+=" ll.repeat=$REPEAT"
[[ -z ${TEST_TIMEOUT:-} ]] || append+=" ll.timeout=$TEST_TIMEOUT"
# Debug kernel: kmemleak on; and 4-level paging. With 5-level paging (QEMU's
# "-cpu max" has LA57), identify_cpu() clears the boot CPU's capability words
# for a moment, so an interrupt landing then sees pgtable_l5_enabled() false;
# KASAN then places the shadow of every direct-map address wrongly and reports
# a "wild-memory-access" in handle_edge_irq() during early boot (2 boots in
# ~12 here). Nothing to do with Landlock; no5lvl closes the window.
[[ $flavour != debug && $flavour != kcsan ]] || append+=" kmemleak=on no5lvl"
append+=" ${APPEND:-}"

mkdir -p "$BUILD/logs"
log=${LOG:-$BUILD/logs/$name-$mode.log}
what="$flavour kernel"
[[ ${UNFIXED:-0} != 1 ]] || what="unfixed $BASE_PKG kernel (base), with the $flavour flavour's tests"
[[ $KARCH != arm64 ]] || what="arm64 kernel (${qemu[*]:1})"
info "$what, ll.mode=$mode, $accel, -smp 2, ${mem}M, timeout ${timeout}s (log: ${log#"$TOP"/})"

if [[ $mode == shell ]]; then
	# make shell: the host's root directory, read-only over 9p (virtio),
	# under a tmpfs overlay in the guest; the serial console is this
	# terminal (or the commands on stdin), logged to $log. Ctrl-C goes to
	# the guest; Ctrl-A X quits QEMU. QEMU runs in the foreground and is
	# killed with the outer timeout: nothing is left behind.
	# The caller's directory is the shell's (make exec: the program's
	# command line comes in EXTRA_INITRD, as /exec/cmd).
	append+=" ll.cwd=$(pwd | sed 's/[[:space:]]/?/g')"
	set +e
	timeout --foreground --kill-after=10 "$timeout" qemu-system-x86_64 \
		-accel "$accel" -cpu "$cpu" -smp 2 -m "$mem" \
		-kernel "$kernel" -initrd "$initrds" -append "$append" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-chardev stdio,id=con,mux=on,signal=off,logfile="$log" \
		-serial chardev:con -mon chardev=con,mode=readline \
		-display none -nodefaults -no-reboot
	qemu_rc=$?
	set -e
	reports=$(awk -v mode=scan -f "$TOP/scripts/kernel-log.awk" "$log" |
		grep -E '(BUG:|WARNING:|Oops|Kernel panic|KASAN|UBSAN|possible (recursive|circular) locking|Call Trace:)' | head -20 || true)
	[[ -z $reports ]] || die "$EX_TEST" "the kernel reported a problem (see ${log#"$TOP"/}): $reports"
	end=$(tr -d '\r' <"$log" | grep -o '@@LLT-END rc=[0-9]*' | tail -1 || true)
	if [[ -z $end ]]; then
		[[ $qemu_rc -ne 124 && $qemu_rc -ne 137 ]] || die "$EX_VM" "timeout: the shell was still running after ${timeout}s"
		die "$EX_VM" "the guest ended without a verdict (qemu exit $qemu_rc; see ${log#"$TOP"/})"
	fi
	exit "${end##*rc=}"
fi
set +e
timeout --kill-after=10 "$timeout" "${qemu[@]}" \
	-accel "$accel" -smp 2 -m "$mem" \
	-kernel "$kernel" -initrd "$initrds" -append "$append" \
	-display none -serial stdio -monitor none -no-reboot -nodefaults \
	</dev/null 2>&1 | tr -d '\r' | tee "$log" | sed -u -n '/@@LLT-BEGIN/,/@@LLT-END/p' |
	grep --line-buffered -v '^@@LLT-' | awk -v mode=display -f "$TOP/scripts/kernel-log.awk"
qemu_rc=${PIPESTATUS[0]}
set -e

boot_verdict "$log" "$qemu_rc" "$timeout" "VM (qemu)"
guest_rc=$GUEST_RC
reports=$REPORTS
if [[ $mode == test ]]; then
	# The totals line is the last line printed; kernel reports count as
	# one failed case.
	KREPORTS=$(printf '%s' "$reports" | grep -c . || true) \
		"$TOP/scripts/ktap-summary.sh" "$log" || exit "$EX_TEST"
	exit 0
fi
[[ -z $reports ]] || die "$EX_TEST" "the kernel reported a problem (see above)"
if [[ $guest_rc -ne 0 ]]; then
	[[ $mode == exec ]] && exit "$guest_rc"
	die "$EX_TEST" "guest program (ll.mode=$mode) exited with $guest_rc"
fi
done_step "$name: ll.mode=$mode ok"
