// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for the 6.12 UML kernel (make test ARCH=um), on hosts whose
 * XSAVE area is larger than the one 6.12's UML knows.
 *
 * 6.12's UML saves and restores the FP registers of its host processes with
 * PTRACE_{GET,SET}REGSET NT_X86_XSTATE and a fixed buffer of 2,696 bytes
 * (HOST_FP_SIZE in arch/x86/um/user-offsets.c: up to AVX-512 and PKRU). The
 * host kernel truncates a GETREGSET to the buffer, but refuses a SETREGSET
 * whose size is not its whole XSAVE area with EFAULT. On a host with AMX
 * (11,008 bytes), UML's init dies with "ptrace set fp regs failed, errno = 14"
 * before any test runs. Mainline UML sizes the buffer from the host since
 * v6.13 (commit 3f17fed21491, "um: switch to regset API and depend on
 * XSTATE"), too large a change to backport; Landlock's own test tools patch
 * 6.12's UML for this instead (landlock-test-tools, kernels/0003-um-x86-
 * adaptive-xstate-fp.patch). This shim leaves the tree under test as the
 * series makes it.
 *
 * This shim pads such a SETREGSET: it reads the whole area of the tracee,
 * overlays the bytes UML gave, and writes the whole area. The components past
 * UML's buffer (AMX) keep the tracee's own state; UML's processes never get
 * permission to use AMX, so that state is the initial one. Nothing else is
 * changed, and nothing at all on a host whose area fits UML's buffer.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <linux/elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Larger than any XSAVE area of today's x86 CPUs. */
static char area[64 * 1024];

long ptrace(enum __ptrace_request request, ...)
{
	static long (*real)(enum __ptrace_request, pid_t, void *, void *);
	static int said;
	struct iovec *iov, whole = { area, sizeof(area) };
	void *addr, *data;
	va_list ap;
	pid_t pid;

	va_start(ap, request);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = dlsym(RTLD_NEXT, "ptrace");
	iov = data;
	if (request != PTRACE_SETREGSET || (long)addr != NT_X86_XSTATE)
		return real(request, pid, addr, data);
	/* 6.12's UML is uniprocessor and calls ptrace() from one thread. */
	if (real(PTRACE_GETREGSET, pid, addr, &whole) < 0 ||
	    iov->iov_len >= whole.iov_len)
		return real(request, pid, addr, data);
	if (!said++)
		fprintf(stderr,
			"uml-xstate: host XSAVE area %zu bytes, UML's %zu: padding PTRACE_SETREGSET\n",
			whole.iov_len, iov->iov_len);
	memcpy(area, iov->iov_base, iov->iov_len);
	return real(request, pid, addr, &whole);
}
