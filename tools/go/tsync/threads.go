// SPDX-License-Identifier: GPL-2.0

package main

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// threads: the main goroutine (index 0) and n goroutines, each locked to
// its own OS thread (runtime.LockOSThread), which park on a channel until
// they are given something to run on their thread.
type threads struct {
	tids []int
	cmds []chan func(int)
}

// startThreads locks the calling goroutine to its thread and starts n more
// locked goroutines; it returns once all of them run. A locked thread runs
// no other goroutine, so every index has its own OS thread.
func startThreads(n int) *threads {
	runtime.LockOSThread()
	t := &threads{tids: make([]int, n+1), cmds: make([]chan func(int), n+1)}
	t.tids[0] = syscall.Gettid()
	var ready sync.WaitGroup
	ready.Add(n)
	for i := 1; i <= n; i++ {
		t.cmds[i] = make(chan func(int))
		go func(idx int) {
			runtime.LockOSThread()
			t.tids[idx] = syscall.Gettid()
			ready.Done()
			for f := range t.cmds[idx] {
				f(idx)
			}
		}(i)
	}
	ready.Wait()
	return t
}

// onEach runs f(idx) on every thread at once, the caller's (index 0)
// included, and returns when all are done: a barrier between two calls.
func (t *threads) onEach(f func(idx int)) {
	var done sync.WaitGroup
	done.Add(len(t.cmds) - 1)
	for i := 1; i < len(t.cmds); i++ {
		t.cmds[i] <- func(idx int) {
			f(idx)
			done.Done()
		}
	}
	f(0)
	done.Wait()
}

// processThreads: the number of threads in this process (Threads: in
// /proc/self/status), the Go runtime's own included; -1 if unknown.
func processThreads() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := s.Text(); strings.HasPrefix(line, "Threads:") {
			n, err := strconv.Atoi(strings.TrimSpace(line[len("Threads:"):]))
			if err == nil {
				return n
			}
		}
	}
	return -1
}
