// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios with vfork(), whose parent waits for its child killably (the
 * kick cannot interrupt that wait: the call waits for the child to exec or
 * exit):
 *
 *   vfork       siblings in vfork() while the child sleeps a few ms; a
 *               CLONE_VM process outside the thread group must stay
 *               unrestricted
 *   vfork_exec  a sibling in vfork() whose child sleeps 200 ms, then
 *               executes this program's --exec-check: the first call waits
 *               for it, returns 0, and the child's new image (another
 *               process, forked before the call) is not restricted
 */

#include <sys/mman.h>
#include <sys/wait.h>

#include "../scenario.h"

static void *vfork_main(void *arg)
{
	join_registry();
	for (;;) {
		unsigned int us = 1000 + ll_rand() % 4000;
		pid_t pid = vfork();

		if (!pid) {
			/* Shares our memory and stack: sleep and leave. */
			ll_sleep_us(us);
			_exit(0);
		}
		if (pid > 0) {
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			ll_inc(&rep->events);
		}
		ll_poll();
	}
	return NULL;
}

/*
 * A CLONE_VM process outside the thread group (a bystander) must never be
 * touched by TSYNC. It shares our memory but not our TLS, so it uses raw
 * syscalls only (no errno).
 */
struct bystander {
	unsigned int req;
	unsigned int done;
	long open_ret;
	long nnp;
};

#ifdef __x86_64__
static long raw_syscall5(long n, long a1, long a2, long a3, long a4, long a5)
{
	register long r10 asm("r10") = a4;
	register long r8 asm("r8") = a5;
	long ret;

	asm volatile("syscall"
		     : "=a"(ret)
		     : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8)
		     : "rcx", "r11", "memory");
	return ret;
}

static int bystander_main(void *arg)
{
	struct bystander *b = arg;

	while (!__atomic_load_n(&b->req, __ATOMIC_SEQ_CST))
		raw_syscall5(SYS_futex, (long)&b->req, FUTEX_WAIT_PRIVATE, 0, 0,
			     0);
	b->open_ret = raw_syscall5(SYS_open, (long)ll_reg.file,
				   O_RDONLY | O_CLOEXEC, 0, 0, 0);
	if (b->open_ret >= 0)
		raw_syscall5(SYS_close, b->open_ret, 0, 0, 0, 0);
	b->nnp = raw_syscall5(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	__atomic_store_n(&b->done, 1, __ATOMIC_SEQ_CST);
	raw_syscall5(SYS_futex, (long)&b->done, FUTEX_WAKE_PRIVATE, 1, 0, 0);
	return 0;
}

static pid_t start_bystander(struct bystander *b)
{
	void *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	pid_t pid;

	if (stack == MAP_FAILED)
		setup_failed("mmap");
	pid = clone(bystander_main, (char *)stack + STACK_SIZE,
		    CLONE_VM | SIGCHLD, b);
	if (pid < 0)
		setup_failed("clone(CLONE_VM)");
	return pid;
}

static void check_bystander(struct bystander *b, pid_t pid)
{
	uint64_t deadline = ll_now_ns() + 10000000000ULL;

	ll_store(&b->req, 1);
	ll_futex_wake(&b->req);
	while (!ll_load(&b->done) && ll_now_ns() < deadline)
		ll_futex_wait(&b->done, 0, 10);
	if (!ll_load(&b->done))
		deviation("CLONE_VM bystander %d did not answer", pid);
	else if (b->open_ret < 0 || b->nnp != 0)
		deviation(
			"CLONE_VM process %d outside the thread group was touched: open %ld, no_new_privs %ld",
			pid, b->open_ret, b->nnp);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
#endif /* __x86_64__ */

static void run_vfork(void)
{
#ifdef __x86_64__
	static struct bystander b;
	pid_t pid = start_bystander(&b);
#endif

	spawn_idle(opt_threads);
	spawn(vfork_main, NULL);
	spawn(vfork_main, NULL);
	ll_sleep_us(2000);
	calls_loop();
#ifdef __x86_64__
	check_bystander(&b, pid);
#endif
}

const struct scenario scenario_vfork = {
	.name = "vfork",
	.run = run_vfork,
	.events = "vforks",
};

/* vfork_exec */

#define VFORK_SLEEP_US 200000

static unsigned int vfork_started; /* the vfork child runs */
static uint64_t vfork_exec_ns; /* when it called execve() */
static int vfork_status = -1; /* how it ended */

static void *vfork_exec_main(void *arg)
{
	pid_t pid;
	int status;

	join_registry();
	wait_go();
	pid = vfork();
	if (!pid) {
		/* Shares our memory and stack, not our thread group. */
		ll_store(&vfork_started, 1);
		ll_futex_wake(&vfork_started);
		ll_sleep_us(VFORK_SLEEP_US);
		ll_store(&vfork_exec_ns, ll_now_ns());
		exec_checker();
	}
	if (pid < 0) {
		deviation("vfork: %s", strerror(errno));
		ll_store(&vfork_started, 1);
		ll_futex_wake(&vfork_started);
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		ll_store(&vfork_status, status);
	}
	for (;;)
		ll_idle(100);
	return NULL;
}

static void run_vfork_exec(void)
{
	uint64_t returned_ns;
	unsigned int c;
	int status;

	spawn_idle(opt_threads);
	spawn(vfork_exec_main, NULL);
	ll_sleep_us(1000);
	set_go();
	while (!ll_load(&vfork_started))
		ll_futex_wait(&vfork_started, 0, 10);
	/* The sibling is in vfork() (or leaving it): kick it now. */
	calls_loop_one(0);
	returned_ns = ll_now_ns();
	if (!ll_load(&rep->calls))
		return;
	if (!ll_load(&vfork_exec_ns) || ll_load(&vfork_exec_ns) > returned_ns)
		deviation(
			"the call returned before the vfork child called execve()");
	while ((status = ll_load(&vfork_status)) == -1)
		ll_sleep_us(1000);
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXEC_UNRESTRICTED)
		ll_inc(&rep->events);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == EXEC_RESTRICTED)
		deviation(
			"the vfork child's new image is restricted: TSYNC reached another process");
	else
		deviation("the vfork child's new image ended with status %#x",
			  status);
	for (c = 1; c < opt_calls; c++)
		calls_loop_one(c);
}

const struct scenario scenario_vfork_exec = {
	.name = "vfork_exec",
	.run = run_vfork_exec,
	.events = "unrestricted vfork children",
};
