// SPDX-License-Identifier: GPL-2.0

package main

// The benchmark: the same lines as tools/bench/bench.c, for methods
// "go-tsync" and "go-allthreads":
//
//	BENCH,<method>,<N>,<median_us>,<min_us>,<max_us>,<reps>
//	STAB,<method>,<N>,<lowest_us>,<highest_us>,<block>  (medians of 4 blocks)
//	VOID,<method>,<N>,<layer>,<reason>  an enforcement that did not restrict
//	ERROR,<method>,<N>,<reason>         a batch that could not run
//	SKIP,<method>,<reason>              a method this kernel lacks
//
// N is the number of goroutines locked to their own OS thread and parked on
// a channel; the process also has its main thread and the Go runtime's own
// (GOMAXPROCS as the runtime chose it). A process stacks at most 16 Landlock
// layers, so each batch of up to 16 timed calls runs in a fresh process: this
// program again, with -bench-child. Call i of a batch adds a layer that
// denies reading probe file i and allows the later ones; after each call
// every locked thread opens probe i and must get EACCES, or the call is void.

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

const maxLayers = 16

func benchName(m method) string {
	return "go-" + m.String()
}

// chainDir: dir/chain/d1/.../d<layer>, where probe <layer> lives.
func chainDir(dir string, layer int) string {
	p := filepath.Join(dir, "chain")
	for i := 1; i <= layer; i++ {
		p = filepath.Join(p, "d"+strconv.Itoa(i))
	}
	return p
}

func probePath(dir string, layer int) string {
	return filepath.Join(chainDir(dir, layer), "probe")
}

func setupChain(dir string) error {
	for i := 0; i <= maxLayers; i++ {
		if err := os.MkdirAll(chainDir(dir, i), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(probePath(dir, i), os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		f.Close()
	}
	return nil
}

// probeDenied: the calling thread may not read path (EACCES).
func probeDenied(path string) bool {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err == nil {
		syscall.Close(fd)
		return false
	}
	return errnoOf(err) == int(syscall.EACCES)
}

// layerRuleset: reading files handled, allowed beneath chain/d1/.../d<layer+1>.
func layerRuleset(dir string, layer, abi int) (int, error) {
	fd, err := createRuleset(rulesetAttr{handledAccessFS: accessFSReadFile}, abi)
	if err != nil {
		return -1, err
	}
	if err := allowBeneath(fd, chainDir(dir, layer+1), accessFSReadFile); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}

// benchChild: one batch of calls timed in this (fresh) process, n locked
// threads parked. Prints THREADS,<threads in the process>, SAMPLE,<us>
// per verified call, VOID lines, or ERROR,<reason>.
func benchChild(m method, n, calls int, dir string, abi int) int {
	th := startThreads(n)
	fmt.Printf("THREADS,%d\n", processThreads())
	if err := setNoNewPrivs(m); err != nil {
		fmt.Printf("ERROR,no_new_privs: %v\n", err)
		return 1
	}
	for i := 0; i < calls; i++ {
		fd, err := layerRuleset(dir, i, abi)
		if err != nil {
			fmt.Printf("ERROR,cannot build ruleset %d: %v\n", i, err)
			return 1
		}
		probe := probePath(dir, i)
		if probeDenied(probe) {
			fmt.Printf("ERROR,probe %d denied before its layer\n", i)
			return 1
		}
		start := time.Now()
		err = restrictSelf(m, fd)
		us := float64(time.Since(start).Nanoseconds()) / 1e3
		syscall.Close(fd)
		if err != nil {
			fmt.Printf("VOID,%s,%d,%d,enforcement failed: %v\n", benchName(m), n, i, err)
			continue
		}
		var bad int32
		th.onEach(func(int) {
			if !probeDenied(probe) {
				atomic.AddInt32(&bad, 1)
			}
		})
		if bad != 0 {
			fmt.Printf("VOID,%s,%d,%d,%d of %d threads not restricted\n",
				benchName(m), n, i, bad, n+1)
			continue
		}
		fmt.Printf("SAMPLE,%.1f\n", us)
	}
	return 0
}

type series struct {
	us      []float64 // in the order taken
	threads int       // threads in the process, from the last batch
	err     string
}

// batch runs one child for up to maxLayers calls; VOID lines pass through.
func (s *series) batch(m method, n, calls int, dir string) {
	exe, err := os.Executable()
	if err == nil {
		cmd := exec.Command(exe, "-bench-child", "-method", m.String(),
			"-threads", strconv.Itoa(n), "-calls", strconv.Itoa(calls), "-dir", dir)
		cmd.Stderr = os.Stderr
		var out []byte
		out, err = cmd.Output()
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			line := sc.Text()
			f := strings.SplitN(line, ",", 2)
			switch f[0] {
			case "THREADS":
				s.threads, _ = strconv.Atoi(f[1])
			case "SAMPLE":
				v, _ := strconv.ParseFloat(f[1], 64)
				s.us = append(s.us, v)
			case "VOID":
				fmt.Println(line)
			case "ERROR":
				s.err = f[1]
			}
		}
	}
	if s.err == "" && err != nil {
		s.err = fmt.Sprintf("child: %v", err)
	}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// print writes the STAB, BENCH and human lines of one series, as bench.c.
func (s *series) print(name string, n int) {
	nr := len(s.us)
	if nr == 0 {
		return
	}
	if l := nr / 4; l >= 2 {
		lo, hi := 0.0, 0.0
		for i := 0; i < 4; i++ {
			b := median(s.us[i*l : (i+1)*l])
			if i == 0 || b < lo {
				lo = b
			}
			if i == 0 || b > hi {
				hi = b
			}
		}
		fmt.Printf("STAB,%s,%d,%.1f,%.1f,%d\n", name, n, lo, hi, l)
	}
	sorted := append([]float64(nil), s.us...)
	sort.Float64s(sorted)
	med := median(sorted)
	fmt.Printf("BENCH,%s,%d,%.1f,%.1f,%.1f,%d\n", name, n, med, sorted[0], sorted[nr-1], nr)
	fmt.Printf("# %-13s N=%-4d %3d reps: median %10.1f us  min %10.1f  max %10.1f  (%d threads in the process)\n",
		name, n, nr, med, sorted[0], sorted[nr-1], s.threads)
}

// benchMain: reps timed calls of each method at each thread count, the
// methods alternating batch by batch so that both see the same conditions.
func benchMain(ns []int, reps int, dir string, abi int) int {
	start := time.Now()
	if err := setupChain(dir); err != nil {
		fmt.Printf("ERROR,go,0,cannot set up %s: %v\n", dir, err)
		return 1
	}
	methods := []method{methodTSYNC, methodAllThreads}
	if abi < 8 {
		fmt.Printf("SKIP,go-tsync,Landlock ABI %d < 8: LANDLOCK_RESTRICT_SELF_TSYNC unavailable\n", abi)
		methods = methods[1:]
	}
	fmt.Printf("# go: %s, CGO_ENABLED=0, GOMAXPROCS %d, Landlock ABI %d: TSYNC against syscall.AllThreadsSyscall\n",
		runtime.Version(), runtime.GOMAXPROCS(0), abi)
	for _, n := range ns {
		fmt.Printf("# go: N=%d goroutines locked to their threads, %d reps per method (at %.0f s)\n",
			n, reps, time.Since(start).Seconds())
		res := make([]series, len(methods))
		for more := true; more; {
			more = false
			for i, m := range methods {
				s := &res[i]
				left := reps - len(s.us)
				if s.err != "" || left <= 0 {
					continue
				}
				if left > maxLayers {
					left = maxLayers
				}
				before := len(s.us)
				s.batch(m, n, left, dir)
				if s.err == "" && len(s.us) == before {
					s.err = "a batch measured nothing"
				}
				more = more || (s.err == "" && len(s.us) < reps)
			}
		}
		for i, m := range methods {
			if res[i].err != "" {
				fmt.Printf("ERROR,%s,%d,%s\n", benchName(m), n, res[i].err)
			}
			res[i].print(benchName(m), n)
		}
	}
	fmt.Printf("# go: done in %.0f s\n", time.Since(start).Seconds())
	return 0
}
