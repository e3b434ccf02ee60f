#!/usr/bin/env bash
# Benchmark TSYNC against libpsx and the single-thread lower bound in the
# QEMU guest (tools/bench/bench.c run by guest/bench.sh), then write
# build/bench/bench.csv, bench.md and bench.png and print the table, the
# ratios and one verdict line per target of DESIGN.md section 5.
#
# The flags==0 comparison boots the unpatched base kernel with the same
# guest program when build/base/obj-base and build/initramfs-base.cpio.gz exist.
#
# Where programs live (N = 1 to 64 siblings, 200 calls per point), a second
# boot of the test kernel with idle=poll measures TSYNC and libpsx again:
# in this emulator, waking a halted vCPU costs about a scheduler tick, so
# the default guest shows how many sleep/wake round trips a call makes and
# the idle=poll guest shows the work itself. Both are reported side by
# side, with how stable each median is (the medians of 4 blocks of 50).
#
# Go (tools/go/tsync, after bench.c in the main run, ll.gobench=): one
# TSYNC call against syscall.AllThreadsSyscall, Go's own broadcast, with
# N = 4 to 64 goroutines locked to their threads ("go-tsync",
# "go-allthreads"): a table of its own and two more lines in the plot.
#
# A missed target is reported, not an error. A broken measurement (the VM
# failed, a batch could not run, an enforcement did not restrict every
# thread, a kernel report) exits non-zero once the files are written.
#
# Usage: bench.sh
# Environment: BENCH_ARGS  extra arguments for the guest program, e.g.
#                          "-n 0,1,64 -M 64 -r 3" for a quick run
#              MEM (MiB, default 4096), TIMEOUT (s, main run, default 1500)
#              REUSE=1     no boot: redo the files from the last run's logs
set -euo pipefail
STEP=bench
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

out=$BUILD/bench
logs=$BUILD/logs
# UNFIXED=1 (BASE=mainline): the unfixed kernel runs the same benchmark
# (boot.sh boots it), into build/mainline/bench-unfixed/ and logs named
# unfixed-*: run it, then the fixed one, to compare them in one session.
prefix="test"
if [[ ${UNFIXED:-0} == 1 ]]; then
	out=$BUILD/bench-unfixed
	prefix="unfixed"
fi
mkdir -p "$out" "$logs"
command -v gnuplot >/dev/null || die "$EX_DEPS" "gnuplot not found (Debian package gnuplot-nox)"

broken=0

# guest FLAVOUR LOG TIMEOUT ARGS: boot FLAVOUR with ll.mode=bench, the
# guest program getting ARGS; its result lines land in LOG.lines.
guest() {
	local flavour=$1 log=$2 timeout=$3 args=$4 rc=0

	# On the kernel command line commas stand for spaces; the guest
	# program takes "0:1:4" for "0,1,4".
	args=${args//,/:}

	if [[ ${REUSE:-} == 1 ]]; then
		[[ -f $log ]] || die "$EX_TEST" "REUSE=1: no ${log#"$TOP"/}"
		info "$flavour: reusing ${log#"$TOP"/}"
	else
		MEM=${MEM:-4096} TIMEOUT=$timeout LOG=$log \
			APPEND="${APPEND:-}${args:+ ll.bench=${args// /,}}" \
			"$TOP/scripts/boot.sh" "$flavour" bench || rc=$?
	fi
	grep -aE '^(ABI|BENCH|STAB|MEM|VOID|ERROR|SKIP|DONE),' "$log" >"$log.lines" || true
	if ! grep -q '^DONE,' "$log.lines"; then
		[[ $rc -ne 0 ]] || rc=$EX_VM
		die "$rc" "$flavour: the benchmark did not finish (log: ${log#"$TOP"/})"
	fi
	if [[ $rc -ne 0 ]]; then
		warn "$flavour: boot.sh exited with $rc (log: ${log#"$TOP"/})"
		broken=$rc
	fi
}

main_log=$logs/$prefix-bench.log
info "test kernel: TSYNC, libpsx and reference from 0 to 16384 threads, memory"
APPEND="${APPEND:-} ll.gobench=4,8,16,32,64" \
	guest test "$main_log" "${TIMEOUT:-1500}" "${BENCH_ARGS:-}"

# The same small thread counts in a guest whose idle vCPUs poll.
poll_log=$logs/$prefix-bench-poll.log
poll_args="-p time -n 1,4,16,64"
if [[ -n ${BENCH_ARGS:-} ]]; then
	poll_args="-p time ${BENCH_ARGS}"
fi
info "test kernel booted with idle=poll: TSYNC and libpsx at 1 to 64 siblings"
APPEND="idle=poll ${APPEND:-}" guest test "$poll_log" "${TIMEOUT:-1500}" "$poll_args"

# flags==0 against the base, each in its own boot with the same program,
# with QEMU's -icount (ICOUNT=1): the guest's clock then counts
# instructions, so that the medians are instruction counts and the verdict
# is the same run after run.
base_lines=/dev/null
test_single_lines=/dev/null
single_args="-p single -S 160"
# (The 6.12 series only: the mainline series leaves that path alone.)
if [[ $BASE != mainline && -f $(obj_dir base)/arch/x86/boot/bzImage &&
	-f $BUILD/initramfs-base.cpio.gz ]]; then
	info "flags==0 single-thread cost: patched, then base"
	ICOUNT=1 guest test "$logs/test-bench-single.log" 300 "$single_args"
	ICOUNT=1 guest base "$logs/base-bench-single.log" 300 "$single_args"
	test_single_lines=$logs/test-bench-single.log.lines
	base_lines=$logs/base-bench-single.log.lines
else
	info "base kernel not built: ratio not measured"
fi

base_version=$(cat "$BUILD/base-version" 2>/dev/null || echo unknown)
awk -F, -v out="$out" -v base_version="$base_version" \
	-v date="$(date -u -r "$main_log" '+%Y-%m-%d %H:%M UTC')" -v mem="${MEM:-4096}" \
	-v main="$main_log.lines" -v tsingle="$test_single_lines" \
	-v bsingle="$base_lines" -v poll="$poll_log.lines" '
function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.1f", x) }
# An instruction count (-icount), in thousands: to the instruction.
function icell(k) {
	return sprintf("%.3f [%.3f–%.3f]", med[k], lo[k], hi[k])
}
function cell(k) {
	if (!(k in med))
		return "-"
	return fmt(med[k]) " [" fmt(lo[k]) "–" fmt(hi[k]) "]"
}
function scell(kernel, m, n,   k) {
	k = kernel SUBSEP m SUBSEP n
	if (!(k in med))
		return "-"
	if (!(k in slo))
		return fmt(med[k])
	return fmt(med[k]) " (" fmt(slo[k]) "–" fmt(shi[k]) ")"
}
function sratio(a, b) {
	if (!(a in med) || !(b in med))
		return "-"
	return sprintf("%.2f", med[a] / med[b])
}
function csv(kernel, metric, m, n, rules, a, b, c, reps, unit) {
	printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", kernel, metric, m, n, \
		rules, a, b, c, reps, unit >> csvf
}
function verdict(text, state, detail) {
	v = sprintf("target: %s ... %s (%s)", text, state, detail)
	verdicts = verdicts "- " v "\n"
	print v > vf
}
# Slope of the SUnreclaim growth per extra thread (bytes), 64 -> 1024.
function slope(m, r) {
	if (!((m SUBSEP 64 SUBSEP r) in sunr) || !((m SUBSEP 1024 SUBSEP r) in sunr))
		return ""
	return (sunr[m, 1024, r] - sunr[m, 64, r]) * 1024 / 960
}
BEGIN {
	csvf = out "/bench.csv"; mdf = out "/bench.md"; vf = out "/verdicts.txt"
	printf "" > vf
	print "kernel,metric,method,threads,rules,median,min,max,reps,unit" > csvf
	files[1] = main; files[2] = tsingle; files[3] = bsingle; files[4] = poll
	for (f = 1; f <= 4; f++) {
		kernel = f == 3 ? "base" : f == 4 ? "poll" : "test"
		while ((getline line < files[f]) > 0) {
			n = split(line, a, ",")
			if (a[1] == "ABI") {
				abi[kernel] = a[2]
			} else if (a[1] == "BENCH" && n == 7) {
				m = a[2]
				if (f == 2 || f == 3) {
					if (m != "single")
						continue
					m = "flags0"
				}
				k = kernel SUBSEP m SUBSEP a[3]
				med[k] = a[4]; lo[k] = a[5]; hi[k] = a[6]; reps[k] = a[7]
				csv(kernel, "time", m, a[3], 1, a[4], a[5], a[6], a[7], "us")
				if (f == 1 && m == "psx")
					ns[++nr_ns] = a[3]
				if (f == 1 && m == "go-allthreads")
					gns[++nr_gns] = a[3]
			} else if (a[1] == "STAB" && n == 6 && (f == 1 || f == 4)) {
				k = kernel SUBSEP a[2] SUBSEP a[3]
				slo[k] = a[4]; shi[k] = a[5]
				csv(kernel, "block_medians", a[2], a[3], 1, "NA", a[4], a[5], 4 * a[6], "us")
			} else if (a[1] == "MEM" && n == 12 && f == 1) {
				k = a[2] SUBSEP a[3] SUBSEP a[4]
				mems[++nr_mem] = k
				mslab[k] = a[5] " [" a[6] "–" a[7] "]"
				msunr[k] = a[8] " [" a[9] "–" a[10] "]"
				sunr[k] = a[8]
				csv("test", "slab", a[2], a[3], a[4], a[5], a[6], a[7], a[12], "kB")
				csv("test", "sunreclaim", a[2], a[3], a[4], a[8], a[9], a[10], a[12], "kB")
				if (a[11] != "NA")
					csv("test", "cred_jar", a[2], a[3], a[4], a[11], "NA", "NA", a[12], "objects")
			} else if (a[1] == "SKIP") {
				skip[kernel, a[2]] = a[3]
			} else if (a[1] == "VOID") {
				voids = voids sprintf("- %s: %s, N=%s, layer %s: %s\n", kernel, a[2], a[3], a[4], a[5])
			} else if (a[1] == "ERROR") {
				errors = errors sprintf("- %s: %s, N=%s: %s\n", kernel, a[2], a[3], a[4])
			}
		}
		close(files[f])
	}

	# The plot: time against threads in the process (N + 1), log-log.
	for (i = 1; i <= nr_ns; i++) {
		split("tsync psx ref wake", ms, " ")
		for (j = 1; j <= 4; j++) {
			k = "test" SUBSEP ms[j] SUBSEP ns[i]
			if (k in med)
				printf "%d %s %s %s\n", ns[i] + 1, med[k], lo[k], hi[k] > (out "/" ms[j] ".dat")
			k = "poll" SUBSEP ms[j] SUBSEP ns[i]
			if (j <= 2 && (k in med))
				printf "%d %s %s %s\n", ns[i] + 1, med[k], lo[k], hi[k] > (out "/poll-" ms[j] ".dat")
		}
	}
	for (i = 1; i <= nr_gns; i++)
		for (j = 1; j <= 2; j++) {
			m = j == 1 ? "go-tsync" : "go-allthreads"
			k = "test" SUBSEP m SUBSEP gns[i]
			if (k in med)
				printf "%d %s %s %s\n", gns[i] + 1, med[k], lo[k], hi[k] > (out "/" m ".dat")
		}

	# Verdicts.
	no_tsync = ("test" SUBSEP "tsync") in skip
	why = no_tsync ? "TSYNC unavailable: Landlock ABI " abi["test"] : ""
	t1k = "test" SUBSEP "tsync" SUBSEP 1024; t16k = "test" SUBSEP "tsync" SUBSEP 16384
	if (no_tsync || !(t1k in med) || !(t16k in med)) {
		verdict("TSYNC(16384)/TSYNC(1024) <= 20", "not measured", why ? why : "N=1024 or 16384 missing")
	} else {
		r = med[t16k] / med[t1k]
		w1k = "test" SUBSEP "wake" SUBSEP 1024; w16k = "test" SUBSEP "wake" SUBSEP 16384
		detail = sprintf("%.2f", r)
		if ((w1k in med) && (w16k in med))
			detail = detail sprintf("; waking every thread once: %.2f", med[w16k] / med[w1k])
		verdict("TSYNC(16384)/TSYNC(1024) <= 20", r <= 20 ? "met" : "missed", detail)
	}
	worst = ""; worst64 = ""; cnt = 0; cnt64 = 0
	for (i = 1; i <= nr_ns; i++) {
		kt = "test" SUBSEP "tsync" SUBSEP ns[i]; kp = "test" SUBSEP "psx" SUBSEP ns[i]
		if (!(kt in med) || !(kp in med))
			continue
		r = med[kp] / med[kt]
		ratio[ns[i]] = r
		cnt++
		if (worst == "" || r < worst) { worst = r; worst_n = ns[i] }
		if (ns[i] >= 64) {
			cnt64++
			if (worst64 == "" || r < worst64) { worst64 = r; worst64_n = ns[i] }
		}
	}
	if (!cnt)
		verdict("TSYNC faster than libpsx at every N", "not measured", why ? why : "no N with both")
	else
		verdict("TSYNC faster than libpsx at every N", worst > 1 ? "met" : "missed", \
			sprintf("lowest libpsx/TSYNC %.2f at N=%d, %d thread counts", worst, worst_n, cnt))
	if (!cnt64)
		verdict("TSYNC >= 2x faster than libpsx from 64 threads", "not measured", why ? why : "no N >= 64")
	else
		verdict("TSYNC >= 2x faster than libpsx from 64 threads", worst64 >= 2 ? "met" : "missed", \
			sprintf("lowest libpsx/TSYNC %.2f at N=%d", worst64, worst64_n))

	# Where programs live: N = 1 to 64, both guest idle modes.
	split("1 4 16 64", small, " ")
	pw = ""; pww = ""; dw = ""; cnt_p = 0; cnt_d = 0; few = ""
	for (i = 1; i <= 4; i++) {
		n = small[i]
		kt = "poll" SUBSEP "tsync" SUBSEP n; kp = "poll" SUBSEP "psx" SUBSEP n
		kw = "poll" SUBSEP "wake" SUBSEP n
		if ((kt in med) && (kp in med) && (kw in med)) {
			cnt_p++
			r = med[kp] / med[kt]; pratio[n] = r
			if (pw == "" || r < pw) { pw = r; pw_n = n }
			r = med[kt] / med[kw]; pwake[n] = r
			if (pww == "" || r > pww) { pww = r; pww_n = n }
		}
		kt = "test" SUBSEP "tsync" SUBSEP n; kp = "test" SUBSEP "psx" SUBSEP n
		if ((kt in med) && (kp in med)) {
			cnt_d++
			r = med[kp] / med[kt]
			if (dw == "" || r < dw) { dw = r; dw_n = n }
		}
		split("test poll", ks, " ")
		for (j = 1; j <= 2; j++)
			for (q = 1; q <= 2; q++) {
				k = ks[j] SUBSEP (q == 1 ? "tsync" : "psx") SUBSEP n
				if ((k in reps) && reps[k] < 200)
					few = few sprintf(" %s %s N=%d: %d;", ks[j], q == 1 ? "TSYNC" : "libpsx", n, reps[k])
			}
	}
	if (cnt_p < 4)
		verdict("idle=poll: TSYNC >= 2x faster than libpsx at N = 1, 4, 16, 64", "not measured", why ? why : "the idle=poll run lacks a thread count")
	else
		verdict("idle=poll: TSYNC >= 2x faster than libpsx at N = 1, 4, 16, 64", pw >= 2 ? "met" : "missed", \
			sprintf("lowest libpsx/TSYNC %.2f at N=%d", pw, pw_n))
	if (cnt_p < 4)
		verdict("idle=poll: TSYNC within 2x of wake-all at N = 1, 4, 16, 64", "not measured", why ? why : "the idle=poll run lacks a thread count")
	else
		verdict("idle=poll: TSYNC within 2x of wake-all at N = 1, 4, 16, 64", pww <= 2 ? "met" : "missed", \
			sprintf("highest TSYNC/wake-all %.2f at N=%d", pww, pww_n))
	if (cnt_d < 4)
		verdict("default idle: TSYNC at least as fast as libpsx at N = 1, 4, 16, 64", "not measured", why ? why : "a thread count is missing")
	else
		verdict("default idle: TSYNC at least as fast as libpsx at N = 1, 4, 16, 64", dw >= 1 ? "met" : "missed", \
			sprintf("lowest libpsx/TSYNC %.2f at N=%d", dw, dw_n))
	if (cnt_p < 4 || cnt_d < 4)
		verdict("at least 200 calls per point at N <= 64", "not measured", "a thread count is missing")
	else
		verdict("at least 200 calls per point at N <= 64", few == "" ? "met" : "missed", \
			few == "" ? "TSYNC and libpsx, both guest modes; medians of 4 blocks in the table" : "fewer:" few)

	# Memory: TSYNC keeps the growth of one cred and one domain whatever
	# N (a struct cred alone is 192 bytes of slab), libpsx grows per thread.
	ts1 = slope("tsync", 1); ts1k = slope("tsync", 1000)
	ps1 = slope("psx", 1); ps1k = slope("psx", 1000)
	dom = ("single" SUBSEP 0 SUBSEP 1000) in sunr ? sunr["single", 0, 1000] : ""
	text = "one new cred and one new domain per TSYNC call"
	if (no_tsync || ts1 == "" || ts1k == "" || ps1 == "" || ps1k == "" || dom == "") {
		verdict(text, "not measured", why ? why : "memory runs at N=64 and 1024 with 1 and 1000 rules missing")
	} else {
		ok = ts1 < 64 && ts1k < 64
		ok = ok && sunr["tsync", 1024, 1000] <= 1.5 * dom + 16
		shown = ps1 >= 128 && ps1k * 2 >= dom * 1024
		detail = sprintf("TSYNC %+.0f B/thread (1 rule), %+.0f B/thread (1000 rules), %s kB/call at N=1024 vs %s kB for one single-thread domain; libpsx %+.0f and %+.0f B/thread", \
			ts1, ts1k, sunr["tsync", 1024, 1000], dom, ps1, ps1k)
		if (!shown)
			detail = detail "; libpsx shows no per-thread growth: memory numbers inconclusive"
		verdict(text, ok && shown ? "met" : "missed", detail)
	}
	kb = "base" SUBSEP "flags0" SUBSEP 0; kp = "test" SUBSEP "flags0" SUBSEP 0
	if (!(kb in med) || !(kp in med)) {
		verdict("flags==0 patched/base <= 1.05", "not measured", "base kernel not built: ratio not measured")
	} else {
		# Under -icount, the instruction count of the cheapest call is
		# the same boot after boot; the median moves by a few percent
		# with the state of the allocators, for both kernels alike.
		r = lo[kp] / lo[kb]
		verdict("flags==0 patched/base <= 1.05", r <= 1.05 ? "met" : "missed", \
			sprintf("%.4f (cheapest call, guest instructions: the same every boot); median/median %.3f; patched %s, base %s thousand guest instructions (QEMU -icount), median [min–max]", \
				r, med[kp] / med[kb], icell(kp), icell(kb)))
	}

	# The markdown report.
	printf "# Landlock TSYNC benchmark\n\n" > mdf
	printf "Linux %s (Debian linux-source-6.12) %s, Landlock ABI %s; QEMU software emulation, 2 vCPUs, %s MiB; %s.\n\n", \
		base_version, no_tsync ? "without the TSYNC series" : "with the TSYNC series", \
		abi["test"], mem, date > mdf
	if (no_tsync)
		printf "**TSYNC not measured: %s.**\n\n", skip["test", "tsync"] > mdf
	printf "## One enforcement on every thread (µs, median [min–max])\n\n" > mdf
	printf "N idle siblings; reference = single-thread `landlock_restrict_self()` × (N+1); " > mdf
	printf "wake-all = every sibling wakes up and opens a file once (the O(N) cost of touching every thread here).\n\n" > mdf
	printf "| N | TSYNC | libpsx | reference | wake-all | libpsx/TSYNC | reps |\n" > mdf
	printf "|--:|--:|--:|--:|--:|--:|--:|\n" > mdf
	for (i = 1; i <= nr_ns; i++) {
		n = ns[i]
		printf "| %d | %s | %s | %s | %s | %s | %s |\n", n, cell("test" SUBSEP "tsync" SUBSEP n), \
			cell("test" SUBSEP "psx" SUBSEP n), cell("test" SUBSEP "ref" SUBSEP n), \
			cell("test" SUBSEP "wake" SUBSEP n), \
			(n in ratio) ? sprintf("%.2f", ratio[n]) : "-", reps["test", "psx", n] > mdf
	}
	printf "\n## Where programs live: 1 to 64 siblings, both guest idle modes (µs)\n\n" > mdf
	printf "Median of 200 calls, and in parentheses the lowest and highest median of 4 blocks of 50 consecutive calls (how stable the median is). " > mdf
	printf "Default guest: an idle vCPU halts, and waking it costs about a scheduler tick in this emulator, so sleep/wake round trips dominate; " > mdf
	printf "idle=poll: idle vCPUs poll, the work itself shows.\n\n" > mdf
	printf "| N | default: TSYNC | libpsx | libpsx/TSYNC | idle=poll: TSYNC | libpsx | libpsx/TSYNC | wake-all | TSYNC/wake-all |\n" > mdf
	printf "|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n" > mdf
	for (i = 1; i <= 4; i++) {
		n = small[i]
		printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", n, \
			scell("test", "tsync", n), scell("test", "psx", n), \
			sratio("test" SUBSEP "psx" SUBSEP n, "test" SUBSEP "tsync" SUBSEP n), \
			scell("poll", "tsync", n), scell("poll", "psx", n), \
			sratio("poll" SUBSEP "psx" SUBSEP n, "poll" SUBSEP "tsync" SUBSEP n), \
			scell("poll", "wake", n), \
			sratio("poll" SUBSEP "tsync" SUBSEP n, "poll" SUBSEP "wake" SUBSEP n) > mdf
	}
	if (nr_gns) {
		printf "\n## Go: AllThreadsSyscall vs TSYNC (µs, median [min–max])\n\n" > mdf
		printf "A static Go program (tools/go/tsync, CGO_ENABLED=0, GOMAXPROCS as the runtime chose it) with N goroutines locked to their own OS thread and parked on a channel, " > mdf
		printf "beside its main thread and the threads of the runtime: one `landlock_restrict_self()` with TSYNC against `syscall.AllThreadsSyscall` " > mdf
		printf "(the broadcast of the Go runtime: the world stops and every thread makes the call from a signal handler, one domain each). " > mdf
		printf "TSYNC and libpsx from the C program at the same N where measured.\n\n" > mdf
		if (("test" SUBSEP "go-tsync") in skip)
			printf "**Go TSYNC not measured: %s.**\n\n", skip["test", "go-tsync"] > mdf
		printf "| N | Go: TSYNC | AllThreadsSyscall | AllThreadsSyscall/TSYNC | C: TSYNC | libpsx | reps |\n" > mdf
		printf "|--:|--:|--:|--:|--:|--:|--:|\n" > mdf
		for (i = 1; i <= nr_gns; i++) {
			n = gns[i]
			printf "| %d | %s | %s | %s | %s | %s | %s |\n", n, cell("test" SUBSEP "go-tsync" SUBSEP n), \
				cell("test" SUBSEP "go-allthreads" SUBSEP n), \
				sratio("test" SUBSEP "go-allthreads" SUBSEP n, "test" SUBSEP "go-tsync" SUBSEP n), \
				cell("test" SUBSEP "tsync" SUBSEP n), cell("test" SUBSEP "psx" SUBSEP n), \
				reps["test", "go-allthreads", n] > mdf
		}
	}
	if (nr_mem) {
		printf "\n## Slab growth of one enforcement (kB, median [min–max], fresh process each)\n\n" > mdf
		printf "| method | N | rules | Slab | SUnreclaim |\n|:--|--:|--:|--:|--:|\n" > mdf
		for (i = 1; i <= nr_mem; i++) {
			split(mems[i], a, SUBSEP)
			printf "| %s | %s | %s | %s | %s |\n", a[1], a[2], a[3], mslab[mems[i]], msunr[mems[i]] > mdf
		}
		printf "\nSUnreclaim growth per extra thread, N=64 → 1024 (bytes): TSYNC %s / %s, libpsx %s / %s (1 / 1000 rules).\n", \
			ts1 == "" ? "-" : sprintf("%+.0f", ts1), ts1k == "" ? "-" : sprintf("%+.0f", ts1k), \
			ps1 == "" ? "-" : sprintf("%+.0f", ps1), ps1k == "" ? "-" : sprintf("%+.0f", ps1k) > mdf
	}
	if ((kb in med) && (kp in med)) {
		printf "\n## flags == 0, single thread (thousands of guest instructions: QEMU -icount, 1 ns each)\n\n| kernel | median | min | max | reps |\n|:--|--:|--:|--:|--:|\n" > mdf
		printf "| patched | %.3f | %.3f | %.3f | %s |\n", med[kp], lo[kp], hi[kp], reps[kp] > mdf
		printf "| base | %.3f | %.3f | %.3f | %s |\n", med[kb], lo[kb], hi[kb], reps[kb] > mdf
	}
	printf "\n## Verdicts\n\n%s", verdicts > mdf
	if (voids != "" || errors != "")
		printf "\n## Broken measurements\n\n%s%s", voids, errors > mdf
	printf "\n![time against threads](bench.png)\n" > mdf
}' </dev/null

# The plot, from the per-method data files written above.
rm -f "$out/bench.png"
plots=()
declare -A title=([tsync]=TSYNC [psx]=libpsx [ref]="reference: single x (N+1)"
	[wake]="wake-all: every thread runs once" [poll-tsync]="TSYNC, idle=poll guest"
	[poll-psx]="libpsx, idle=poll guest")
title[go-tsync]="Go: TSYNC (N locked goroutines)"
title[go-allthreads]="Go: syscall.AllThreadsSyscall"
for m in tsync psx ref wake poll-tsync poll-psx go-tsync go-allthreads; do
	[[ -s $out/$m.dat ]] || continue
	# The reference is derived (single x (N+1)): no error bars, one slow
	# single call would stretch them over orders of magnitude.
	style="using 1:2:3:4 with yerrorlines"
	[[ $m != ref ]] || style="using 1:2 with linespoints dashtype 2"
	plots+=("'$out/$m.dat' $style title '${title[$m]}'")
done
term="pngcairo size 900,600"
gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo || term="png size 900,600"
if ((${#plots[@]})); then
	gnuplot <<EOF || warn "gnuplot failed"
set terminal $term
set output '$out/bench.png'
set title "landlock_restrict_self() on every thread (QEMU TCG, 2 vCPUs)" noenhanced
set xlabel "threads in the process (N idle siblings + 1)"
set ylabel "time (us), median with min-max"
set logscale xy
set format y "10^{%L}"
set grid
set key top left
plot $(IFS=,; echo "${plots[*]}")
EOF
fi
rm -f "$out"/{tsync,psx,ref,wake,poll-tsync,poll-psx,go-tsync,go-allthreads}.dat

cat "$out/bench.md"
echo
cat "$out/verdicts.txt"
rm -f "$out/verdicts.txt"

voids=$(cat "$main_log.lines" "$poll_log.lines" "$test_single_lines" "$base_lines" | grep -c '^VOID,' || true)
errors=$(cat "$main_log.lines" "$poll_log.lines" "$test_single_lines" "$base_lines" | grep -c '^ERROR,' || true)
if ((voids || errors)); then
	die "$EX_TEST" "broken measurement: $voids void enforcement(s), $errors failed batch(es) (see build/bench/bench.md)"
fi
[[ $broken -eq 0 ]] || die "$broken" "a guest run failed (see the warnings above)"
done_step "wrote ${out#"$TOP"/}/bench.csv, bench.md, bench.png"
