// SPDX-License-Identifier: GPL-2.0

package main

// Landlock through raw system calls: the numbers, flags and structures of
// include/uapi/linux/landlock.h, without cgo and without external modules.

import (
	"errors"
	"fmt"
	"syscall"
	"unsafe"
)

const (
	// The same number on every architecture since Linux 5.13.
	sysLandlockCreateRuleset = 444
	sysLandlockAddRule       = 445
	sysLandlockRestrictSelf  = 446

	createRulesetVersion = 1 << 0
	restrictSelfTSYNC    = 1 << 3 // Landlock ABI 8

	accessFSWriteFile       = 1 << 1
	accessFSReadFile        = 1 << 2
	scopeAbstractUnixSocket = 1 << 0 // Landlock ABI 6
	rulePathBeneath         = 1

	prSetNoNewPrivs = 38
	oPath           = 0x200000
)

// struct landlock_ruleset_attr; its size tells the kernel which fields the
// caller knows (8 bytes up to ABI 3, 16 with the network, 24 with scoping).
type rulesetAttr struct {
	handledAccessFS  uint64
	handledAccessNet uint64
	scoped           uint64
}

// struct landlock_path_beneath_attr is packed (12 bytes): the first 12
// bytes of this one.
type pathBeneathAttr struct {
	allowedAccess uint64
	parentFd      int32
	_             int32
}

// method is how a Go program puts every thread in a Landlock domain.
type method int

const (
	// methodTSYNC: one landlock_restrict_self(fd,
	// LANDLOCK_RESTRICT_SELF_TSYNC) from one thread; the kernel installs
	// the caller's new domain (and no_new_privs) on every thread.
	methodTSYNC method = iota
	// methodAllThreads: syscall.AllThreadsSyscall, Go's user-space
	// broadcast: the world stops and every M runs the system call from a
	// signal handler, each creating its own domain.
	methodAllThreads
)

func (m method) String() string {
	if m == methodTSYNC {
		return "tsync"
	}
	return "allthreads"
}

func (m method) title() string {
	if m == methodTSYNC && tsyncLibrary != "" {
		return "TSYNC (" + tsyncLibrary + ")"
	}
	if m == methodTSYNC {
		return "TSYNC"
	}
	return "AllThreadsSyscall"
}

func parseMethod(s string, abi int) (method, error) {
	switch s {
	case "auto":
		if abi >= 8 {
			return methodTSYNC, nil
		}
		return methodAllThreads, nil
	case "tsync":
		if abi < 8 {
			return 0, fmt.Errorf("LANDLOCK_RESTRICT_SELF_TSYNC needs Landlock ABI 8, this kernel has %d", abi)
		}
		return methodTSYNC, nil
	case "allthreads":
		return methodAllThreads, nil
	}
	return 0, fmt.Errorf("-method=%s: must be auto, tsync or allthreads", s)
}

// abiVersion returns the Landlock ABI version of the running kernel.
func abiVersion() (int, error) {
	r, _, e := syscall.Syscall(sysLandlockCreateRuleset, 0, 0, createRulesetVersion)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// createRuleset creates a ruleset; the fields that ABI abi lacks are left out.
func createRuleset(attr rulesetAttr, abi int) (int, error) {
	size := unsafe.Sizeof(attr)
	switch {
	case abi < 4:
		size = unsafe.Offsetof(attr.handledAccessNet)
	case abi < 6:
		size = unsafe.Offsetof(attr.scoped)
	}
	r, _, e := syscall.Syscall(sysLandlockCreateRuleset,
		uintptr(unsafe.Pointer(&attr)), size, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), nil
}

// allowBeneath adds a rule allowing access beneath the directory path.
func allowBeneath(rulesetFd int, path string, access uint64) error {
	fd, err := syscall.Open(path, oPath|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	attr := pathBeneathAttr{allowedAccess: access, parentFd: int32(fd)}
	_, _, e := syscall.Syscall6(sysLandlockAddRule, uintptr(rulesetFd),
		rulePathBeneath, uintptr(unsafe.Pointer(&attr)), 0, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// setNoNewPrivs sets no_new_privs where m needs it: on the calling thread
// for TSYNC (the call passes it on to every sibling), on every thread for
// AllThreadsSyscall (each thread's own landlock_restrict_self() checks its
// own no_new_privs). The caller must be locked to its OS thread.
func setNoNewPrivs(m method) error {
	var e syscall.Errno
	if m == methodTSYNC {
		_, _, e = syscall.RawSyscall(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0)
	} else {
		_, _, e = syscall.AllThreadsSyscall(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0)
	}
	if e != 0 {
		return e
	}
	return nil
}

// restrictSelf enforces the ruleset on every thread of the process with m.
// AllThreadsSyscall refuses (ENOTSUP) in a program that uses cgo.
func restrictSelf(m method, rulesetFd int) error {
	var e syscall.Errno
	if m == methodTSYNC {
		_, _, e = syscall.Syscall(sysLandlockRestrictSelf,
			uintptr(rulesetFd), restrictSelfTSYNC, 0)
	} else {
		_, _, e = syscall.AllThreadsSyscall(sysLandlockRestrictSelf,
			uintptr(rulesetFd), 0, 0)
	}
	if e != 0 {
		return e
	}
	return nil
}

var errnoNames = map[syscall.Errno]string{
	syscall.EACCES:       "EACCES",
	syscall.EPERM:        "EPERM",
	syscall.ENOENT:       "ENOENT",
	syscall.EINVAL:       "EINVAL",
	syscall.E2BIG:        "E2BIG",
	syscall.EBADF:        "EBADF",
	syscall.ENOSYS:       "ENOSYS",
	syscall.EOPNOTSUPP:   "EOPNOTSUPP",
	syscall.ECONNREFUSED: "ECONNREFUSED",
	syscall.EADDRINUSE:   "EADDRINUSE",
	syscall.EINTR:        "EINTR",
	syscall.ENOMEM:       "ENOMEM",
	syscall.EAGAIN:       "EAGAIN",
}

// errnoOf returns the errno of err, 0 for nil, -1 for anything else.
func errnoOf(err error) int {
	if err == nil {
		return 0
	}
	var e syscall.Errno
	if errors.As(err, &e) {
		return int(e)
	}
	return -1
}

// errnoName: "EACCES" for 13, "0" for 0.
func errnoName(e int) string {
	if e == 0 {
		return "0"
	}
	if n, ok := errnoNames[syscall.Errno(e)]; ok {
		return n
	}
	return fmt.Sprintf("errno %d", e)
}

// outcome: "ok", "denied" (EACCES or EPERM) or the errno's name.
func outcome(e int) string {
	switch syscall.Errno(e) {
	case 0:
		return "ok"
	case syscall.EACCES, syscall.EPERM:
		return "denied"
	}
	return errnoName(e)
}
