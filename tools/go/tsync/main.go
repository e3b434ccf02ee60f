// SPDX-License-Identifier: GPL-2.0

// Command go-tsync: a Go program sandboxes itself with Landlock on every
// thread, through raw system calls and without cgo.
//
// Every Go program is multithreaded before main(), and
// landlock_restrict_self() restricts only the calling thread. With Landlock
// ABI 8 one call with LANDLOCK_RESTRICT_SELF_TSYNC puts every thread in the
// caller's new domain; before it, Go's answer is syscall.AllThreadsSyscall
// (the world stops and every thread makes the call from a signal handler,
// each creating its own domain; it refuses to run in a program with cgo).
//
// Usage:
//
//	go-tsync [-method auto|tsync|allthreads] [-threads N]
//	    sandbox this process (auto: TSYNC on ABI 8, else AllThreadsSyscall)
//	    with main + N goroutines (default 8) locked to their own OS thread,
//	    then print, for each thread, its tid and whether it may still write
//	    a file and connect to the next thread's abstract socket, and a verdict
//	go-tsync -panel [-threads N] [-rounds 5]
//	    the "make run" panel: TSYNC and AllThreadsSyscall side by side, each
//	    in fresh processes (times: the median of the rounds)
//	go-tsync -bench [-threads 4,8,16,32,64] [-reps 200] [-dir DIR]
//	    time both methods, lines as tools/bench/bench.c's (see bench.go)
//
// Exit status: 0 as designed, 1 if not (or on error), 2 if the kernel lacks
// what was asked for (Landlock, or ABI 8 for TSYNC).
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func parseList(s string) ([]int, error) {
	var v []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ':' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("-threads %s: not a list of thread counts", s)
		}
		v = append(v, n)
	}
	if len(v) == 0 {
		return nil, fmt.Errorf("-threads %s: empty", s)
	}
	return v, nil
}

func main() {
	methodFlag := flag.String("method", "auto", "auto, tsync or allthreads")
	threadsFlag := flag.String("threads", "", "goroutines locked to their own thread (default 8; -bench: a list, default 4,8,16,32,64)")
	panel := flag.Bool("panel", false, "compare TSYNC and AllThreadsSyscall side by side")
	bench := flag.Bool("bench", false, "time both methods")
	reps := flag.Int("reps", 200, "-bench: timed calls per method and thread count")
	dir := flag.String("dir", "/tmp/landlock-go-bench", "-bench: directory for the probe files")
	report := flag.Bool("report", false, "(internal) machine-readable result for -panel")
	benchChildFlag := flag.Bool("bench-child", false, "(internal) one batch of -bench")
	calls := flag.Int("calls", maxLayers, "(internal) calls in one -bench-child batch")
	rounds := flag.Int("rounds", 5, "-panel: fresh processes per method")
	flag.Parse()

	abi, err := abiVersion()
	if err != nil {
		fmt.Printf("ERROR,go,0,Landlock unavailable: %v\n", err)
		os.Exit(2)
	}
	threads := *threadsFlag
	if threads == "" {
		threads = "8"
		if *bench {
			threads = "4,8,16,32,64"
		}
	}
	ns, err := parseList(threads)
	if err != nil || *reps < 1 || *calls < 1 || *calls > maxLayers || *rounds < 1 {
		flag.Usage()
		os.Exit(1)
	}
	switch {
	case *bench:
		os.Exit(benchMain(ns, *reps, *dir, abi))
	case *panel:
		os.Exit(panelMain(ns[0], abi, *rounds))
	}
	m, err := parseMethod(*methodFlag, abi)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-tsync: %v\n", err)
		os.Exit(2)
	}
	if *benchChildFlag {
		os.Exit(benchChild(m, ns[0], *calls, *dir, abi))
	}
	os.Exit(demoMain(m, ns[0], abi, *report))
}
