// SPDX-License-Identifier: GPL-2.0

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// threadResult: what one locked thread saw once the process was sandboxed.
type threadResult struct {
	tid         int
	writeErr    int    // errno of open(O_WRONLY) of the demo file, 0 if allowed
	bindErr     int    // errno of binding its abstract socket, 0 if bound
	connectNext int    // errno of connect() to the next thread's socket
	reach       []bool // reach[j]: it could connect to thread j's socket
}

// runResult: one sandboxing of one process with one method.
type runResult struct {
	method      method
	abi         int
	callErr     int     // errno of the landlock_restrict_self() call
	callUS      float64 // its duration
	nnpUS       float64 // setting no_new_privs before it
	procThreads int     // threads in the process, the runtime's included
	gomaxprocs  int
	scoped      bool // the ruleset scopes abstract UNIX sockets (ABI >= 6)
	t           []threadResult
}

func demoFile() string {
	return filepath.Join(os.TempDir(), "landlock-go-demo")
}

func socketName(idx int) string {
	// '@': an abstract socket (Go writes sun_path[0] = '\0').
	return fmt.Sprintf("@landlock-go-%d-%d", os.Getpid(), idx)
}

func tryConnect(idx int) int {
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return errnoOf(err)
	}
	defer syscall.Close(fd)
	return errnoOf(syscall.Connect(fd, &syscall.SockaddrUnix{Name: socketName(idx)}))
}

// experiment sandboxes this process with m while it runs main + workers
// locked threads, then has every one of them try to write a file, bind an
// abstract socket and connect to the sockets of all the others.
func experiment(m method, workers, abi int) (*runResult, error) {
	path := demoFile()
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_CLOEXEC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	syscall.Close(fd)

	th := startThreads(workers)
	nr := workers + 1
	r := &runResult{method: m, abi: abi, gomaxprocs: runtime.GOMAXPROCS(0),
		scoped: abi >= 6, t: make([]threadResult, nr)}
	attr := rulesetAttr{handledAccessFS: accessFSWriteFile}
	if r.scoped {
		attr.scoped = scopeAbstractUnixSocket
	}
	if m == methodTSYNC && tsyncLibrary != "" {
		// The library creates the ruleset and sets no_new_privs: its
		// time is all of it.
		start := time.Now()
		err = tsyncRestrict(attr)
		r.callUS = float64(time.Since(start).Nanoseconds()) / 1e3
		r.callErr = errnoOf(err)
		if err != nil {
			fmt.Fprintf(os.Stderr, "go-tsync: %s: %v\n", tsyncLibrary, err)
		}
	} else {
		rfd, err := createRuleset(attr, abi)
		if err != nil {
			return nil, fmt.Errorf("landlock_create_ruleset: %w", err)
		}
		start := time.Now()
		if err := setNoNewPrivs(m); err != nil {
			return nil, fmt.Errorf("no_new_privs: %w", err)
		}
		r.nnpUS = float64(time.Since(start).Nanoseconds()) / 1e3
		start = time.Now()
		err = restrictSelf(m, rfd)
		r.callUS = float64(time.Since(start).Nanoseconds()) / 1e3
		r.callErr = errnoOf(err)
		syscall.Close(rfd)
	}
	r.procThreads = processThreads()

	// Sockets are created and bound after the call, so that each belongs
	// to the domain its thread is in now.
	lfds := make([]int, nr)
	th.onEach(func(i int) {
		t := &r.t[i]
		t.tid = th.tids[i]
		fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_CLOEXEC, 0)
		t.writeErr = errnoOf(err)
		if err == nil {
			syscall.Close(fd)
		}
		lfds[i] = -1
		if !r.scoped {
			return
		}
		fd, err = syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err == nil {
			lfds[i] = fd
			err = syscall.Bind(fd, &syscall.SockaddrUnix{Name: socketName(i)})
		}
		if err == nil {
			err = syscall.Listen(fd, 2*nr)
		}
		t.bindErr = errnoOf(err)
	})
	th.onEach(func(i int) {
		t := &r.t[i]
		t.reach = make([]bool, nr)
		for j := 0; j < nr && r.scoped; j++ {
			e := 0
			if j != i {
				e = tryConnect(j)
			}
			t.reach[j] = e == 0
			if j == (i+1)%nr {
				t.connectNext = e
			}
		}
	})
	th.onEach(func(i int) {
		if lfds[i] >= 0 {
			syscall.Close(lfds[i])
		}
	})
	return r, nil
}

func (r *runResult) restricted() int {
	n := 0
	for _, t := range r.t {
		if t.writeErr == int(syscall.EACCES) {
			n++
		}
	}
	return n
}

// domains: threads that reach each other's sockets share a domain.
func (r *runResult) domains() int {
	class := make([]int, len(r.t))
	n := 0
	for i := range r.t {
		class[i] = -1
		for j := 0; j < i; j++ {
			if r.t[i].reach[j] && r.t[j].reach[i] {
				class[i] = class[j]
				break
			}
		}
		if class[i] < 0 {
			class[i] = n
			n++
		}
	}
	return n
}

// countConnected: threads that could connect to the next one's socket.
func countConnected(r *runResult) int {
	n := 0
	for _, t := range r.t {
		if t.bindErr == 0 && t.connectNext == 0 {
			n++
		}
	}
	return n
}

func (r *runResult) connectsAll() bool {
	for _, t := range r.t {
		if t.bindErr != 0 || t.connectNext != 0 {
			return false
		}
	}
	return true
}

// asDesigned: what TSYNC must show: the call succeeded, every thread is
// restricted, and all threads share one domain (they reach each other).
func (r *runResult) asDesigned() bool {
	return r.callErr == 0 && r.restricted() == len(r.t) &&
		(!r.scoped || (r.domains() == 1 && r.connectsAll()))
}

func threadName(i int) string {
	if i == 0 {
		return "main (caller)"
	}
	return fmt.Sprintf("goroutine %d", i)
}

// report writes r in lines that the panel reads back.
func (r *runResult) report() {
	scoped := 0
	if r.scoped {
		scoped = 1
	}
	fmt.Printf("RUN,%s,%d,%d,%.1f,%.1f,%d,%d,%d\n", r.method, r.abi, r.callErr,
		r.callUS, r.nnpUS, r.procThreads, r.gomaxprocs, scoped)
	for i, t := range r.t {
		var reach strings.Builder
		for _, ok := range t.reach {
			if ok {
				reach.WriteByte('1')
			} else {
				reach.WriteByte('0')
			}
		}
		fmt.Printf("THREAD,%d,%d,%d,%d,%d,%s\n", i, t.tid, t.writeErr, t.bindErr,
			t.connectNext, reach.String())
	}
}

func parseReport(out []byte) (*runResult, error) {
	var r *runResult
	s := bufio.NewScanner(bytes.NewReader(out))
	for s.Scan() {
		f := strings.Split(s.Text(), ",")
		n := make([]int, len(f))
		fl := make([]float64, len(f))
		for i := range f {
			n[i], _ = strconv.Atoi(f[i])
			fl[i], _ = strconv.ParseFloat(f[i], 64)
		}
		switch {
		case f[0] == "RUN" && len(f) == 9:
			m := methodTSYNC
			if f[1] != m.String() {
				m = methodAllThreads
			}
			r = &runResult{method: m, abi: n[2], callErr: n[3], callUS: fl[4],
				nnpUS: fl[5], procThreads: n[6], gomaxprocs: n[7], scoped: n[8] == 1}
		case f[0] == "THREAD" && len(f) == 7 && r != nil:
			t := threadResult{tid: n[2], writeErr: n[3], bindErr: n[4], connectNext: n[5]}
			for _, c := range f[6] {
				t.reach = append(t.reach, c == '1')
			}
			r.t = append(r.t, t)
		}
	}
	if r == nil || len(r.t) == 0 {
		return nil, fmt.Errorf("no result")
	}
	return r, nil
}

// demoMain: sandbox this process with m and show every thread's view.
func demoMain(m method, workers, abi int, machine bool) int {
	r, err := experiment(m, workers, abi)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-tsync: %v\n", err)
		return 1
	}
	if machine {
		r.report()
		return 0
	}
	how := "landlock_restrict_self(fd, LANDLOCK_RESTRICT_SELF_TSYNC) from the main goroutine"
	if m == methodAllThreads {
		how = "syscall.AllThreadsSyscall(SYS_LANDLOCK_RESTRICT_SELF, fd, 0, 0)"
	}
	fmt.Printf("Go %s, GOMAXPROCS %d, Landlock ABI %d; %d threads in the process\n",
		runtime.Version(), r.gomaxprocs, abi, r.procThreads)
	fmt.Printf("%s: %s in %.0f us\n", how, errnoName(r.callErr), r.callUS)
	fmt.Printf("each thread opens %s for writing (denied by the ruleset),\n", demoFile())
	fmt.Printf("binds an abstract socket and connects to the next thread's:\n")
	fmt.Printf("%-14s %-7s %-18s %s\n", "thread", "tid", "write a file", "connect to next's socket")
	for i, t := range r.t {
		conn := "-"
		if r.scoped {
			conn = outcome(t.connectNext)
			if t.connectNext != 0 {
				conn += " (" + errnoName(t.connectNext) + ")"
			}
		}
		write := outcome(t.writeErr)
		if t.writeErr != 0 {
			write += " (" + errnoName(t.writeErr) + ")"
		}
		fmt.Printf("%-14s %-7d %-18s %s\n", threadName(i), t.tid, write, conn)
	}
	n := r.restricted()
	ok := r.callErr == 0 && n == len(r.t)
	verdict := "every thread is restricted"
	if !ok {
		verdict = fmt.Sprintf("NOT every thread is restricted (%d of %d)", n, len(r.t))
	}
	if r.scoped {
		d := r.domains()
		if d == 1 {
			verdict += "; 1 domain: the threads still connect to each other's abstract sockets"
		} else {
			verdict += fmt.Sprintf("; %d domains: threads cannot connect to each other's abstract sockets", d)
		}
	}
	fmt.Printf("verdict: %s\n", verdict)
	if !ok || (m == methodTSYNC && !r.asDesigned()) {
		return 1
	}
	return 0
}

// runChild runs this program again with args and reads its report.
func runChild(args ...string) (*runResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	return parseReport(out)
}

// wrap prints text in lines of at most width columns.
func wrap(text string, width int) {
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			fmt.Println(line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		fmt.Println(line)
	}
}

func panelLine(label string, a, b string) {
	fmt.Printf("%-32s %-26s %s\n", label, a, b)
}

// panelMain: the "make run" panel: TSYNC and AllThreadsSyscall, each in a
// fresh process, side by side.
func panelMain(workers, abi, rounds int) int {
	var runs [2]*runResult
	var callUS, nnpUS [2][]float64
	designed := true
	// Each method in rounds fresh processes, alternating: the times are
	// medians, the threads' results those of the last round.
	for round := 0; round < rounds; round++ {
		for i, m := range []method{methodTSYNC, methodAllThreads} {
			if m == methodTSYNC && abi < 8 {
				continue
			}
			r, err := runChild("-report", "-method", m.String(), "-threads", strconv.Itoa(workers))
			if err != nil {
				fmt.Fprintf(os.Stderr, "go-tsync: %s run: %v\n", m.title(), err)
				return 1
			}
			if m == methodTSYNC && !r.asDesigned() {
				designed = false
			}
			callUS[i] = append(callUS[i], r.callUS)
			nnpUS[i] = append(nnpUS[i], r.nnpUS)
			runs[i] = r
		}
	}
	for i, r := range runs {
		if r != nil {
			r.callUS, r.nnpUS = median(callUS[i]), median(nnpUS[i])
		}
	}
	ts, at := runs[0], runs[1]
	first := at
	if ts != nil {
		first = ts
	}
	nr := workers + 1
	fmt.Printf("Go (%s, CGO_ENABLED=0, GOMAXPROCS %d): main + %d goroutines, each locked to its\n",
		runtime.Version(), first.gomaxprocs, workers)
	fmt.Printf("own OS thread, enforce: no file writes, scoped abstract sockets. TSYNC against\n")
	fmt.Printf("syscall.AllThreadsSyscall, Go's own broadcast (stop the world, signal every\n")
	fmt.Printf("thread); each in %d fresh processes, times are medians.\n\n", rounds)

	cell := func(r *runResult, f func(*runResult) string) string {
		if r == nil {
			return "-"
		}
		return f(r)
	}
	fmt.Printf("%-14s %-26s %s\n", "", "write a file", "connect to next's socket")
	fmt.Printf("%-14s %-9s %-16s %-9s %s\n", "thread", "TSYNC", "AllThreads", "TSYNC", "AllThreads")
	for i := 0; i < nr; i++ {
		w := func(r *runResult) string { return outcome(r.t[i].writeErr) }
		c := func(r *runResult) string {
			if !r.scoped {
				return "-"
			}
			return outcome(r.t[i].connectNext)
		}
		fmt.Printf("%-14s %-9s %-16s %-9s %s\n", threadName(i), cell(ts, w), cell(at, w),
			cell(ts, c), cell(at, c))
	}
	fmt.Println()
	panelLine("", methodTSYNC.title(), "AllThreadsSyscall")
	panelLine("result of the call",
		cell(ts, func(r *runResult) string { return errnoName(r.callErr) }),
		cell(at, func(r *runResult) string { return errnoName(r.callErr) }))
	tsTime := "%.0f us"
	if tsyncLibrary != "" {
		tsTime = "%.0f us (all of Restrict())"
	}
	panelLine("time of the call",
		cell(ts, func(r *runResult) string { return fmt.Sprintf(tsTime, r.callUS) }),
		cell(at, func(r *runResult) string { return fmt.Sprintf("%.0f us", r.callUS) }))
	panelLine("no_new_privs on every thread",
		cell(ts, func(r *runResult) string { return "passed on by the call" }),
		cell(at, func(r *runResult) string { return fmt.Sprintf("a broadcast first: %.0f us", r.nnpUS) }))
	restr := func(r *runResult) string {
		return fmt.Sprintf("%d/%d locked threads", r.restricted(), len(r.t))
	}
	panelLine("restricted", cell(ts, restr), cell(at, restr))
	dom := func(r *runResult) string {
		if !r.scoped {
			return "- (ABI < 6)"
		}
		d := r.domains()
		if d == 1 {
			return "1 (shared)"
		}
		if d == len(r.t) {
			return fmt.Sprintf("%d (one per thread)", d)
		}
		return strconv.Itoa(d)
	}
	panelLine("domains (threads that connect)", cell(ts, dom), cell(at, dom))
	conn := func(r *runResult) string {
		if !r.scoped {
			return "-"
		}
		if r.connectsAll() {
			return "yes"
		}
		return fmt.Sprintf("no: %d/%d denied (%s)", len(r.t)-countConnected(r), len(r.t),
			errnoName(r.t[0].connectNext))
	}
	panelLine("siblings connect to each other", cell(ts, conn), cell(at, conn))
	thr := func(r *runResult) string { return strconv.Itoa(r.procThreads) }
	panelLine("threads in the process", cell(ts, thr), cell(at, thr))
	fmt.Println()

	if ts == nil {
		fmt.Printf("Landlock ABI %d: no LANDLOCK_RESTRICT_SELF_TSYNC here, AllThreadsSyscall only.\n", abi)
		return 2
	}
	if !designed || !ts.asDesigned() {
		fmt.Println("Go: TSYNC did NOT behave as designed: see the TSYNC columns above.")
		return 1
	}
	apart := fmt.Sprintf("made %d domains among the %d locked threads", at.domains(), nr)
	if at.domains() == nr {
		apart = "gave every thread its own domain"
	}
	took := fmt.Sprintf("AllThreadsSyscall took %.1fx as long, after a broadcast of its own "+
		"for no_new_privs", at.callUS/ts.callUS)
	if tsyncLibrary != "" {
		// The library's time includes its ruleset and no_new_privs:
		// compare it with both of AllThreadsSyscall's broadcasts.
		took = fmt.Sprintf("AllThreadsSyscall, with its broadcast for no_new_privs, took "+
			"%.1fx as long as all of %s's Restrict()", (at.callUS+at.nnpUS)/ts.callUS, tsyncLibrary)
	}
	wrap(fmt.Sprintf("Shown: in Go, one TSYNC call put all %d threads of the process in one "+
		"domain, where the locked goroutines still reach each other's sockets; "+
		"%s, and %s: %d of %d locked threads cannot connect to the next one's socket.",
		ts.procThreads, took, apart, nr-countConnected(at), nr), 78)
	return 0
}
