// SPDX-License-Identifier: GPL-2.0
/*
 * Stress LANDLOCK_RESTRICT_SELF_TSYNC: loop TSYNC calls while the process is
 * being disturbed, and after every successful call check that every live
 * thread of the process is denied the handled accesses and has
 * no_new_privs.
 *
 * Each iteration runs in a fresh child process (a process stacks at most 16
 * Landlock layers). The child starts its disturbing threads and helper
 * processes, then calls TSYNC -c times, each call handling one more access
 * right (read, write, readdir, truncate), so that every check tells whether
 * the last call reached every thread. Scenarios:
 *
 *   churn       threads created and exiting during the calls, some created
 *               by short-lived threads themselves; those created while a
 *               call runs stay for the check that follows it
 *   concurrent  four threads call TSYNC at once, each handling its own
 *               right; every thread must end up with all four (a serial
 *               order of the calls)
 *   signals     a signal storm at the caller and the siblings, from inside
 *               and from a helper process; handlers without SA_RESTART, so
 *               an EINTR leaking out of the call shows
 *   stop        a helper process sends SIGSTOP/SIGCONT to the process
 *   ptrace      a helper process seizes, interrupts and detaches siblings
 *   exec        a sibling calls execve() during the call; the new image
 *               checks that it is single-threaded and that its domain and
 *               no_new_privs agree (all or nothing)
 *   exit        a sibling calls exit_group() during the call; the process
 *               must end promptly with the sibling's status
 *   vfork       siblings in vfork() (uninterruptible) while the child sleeps
 *               a few ms; a CLONE_VM process outside the thread group must
 *               stay unrestricted
 *   busy        siblings spinning in user space
 *   seccomp     two siblings install seccomp filters with
 *               SECCOMP_FILTER_FLAG_TSYNC now and then; seccomp() waits
 *               for cred_guard_mutex killably, which TWA_SIGNAL does not
 *               interrupt: a TSYNC call that held that mutex could not
 *               reach such a sibling (calls took seconds, "over 0.9 s")
 *
 * Every scenario counts its slow calls (over 0.9 s: a call that backed off,
 * or that waited for a stopped sibling).
 *
 * Output: one line per scenario, "stress: <scenario>: N iterations, D
 * deviations (...)", and each deviation on its own line. Exit status 0, 1 on
 * any deviation, 2 on a usage error, 3 when the kernel has no TSYNC.
 */

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "stress.h"

/* Options. */
static unsigned int opt_iter = 10;	/* -n: iterations per scenario */
static unsigned int opt_deadline = 300;	/* -d: seconds for all scenarios */
static unsigned int opt_calls = 4;	/* -c: TSYNC calls per iteration */
static unsigned int opt_threads = 4;	/* -t: idle siblings per iteration */
static unsigned int opt_timeout = 60;	/* -T: seconds per iteration */
static const char *opt_only;		/* -s: comma-separated scenarios */
static bool opt_emulate;		/* -E: user-space broadcast instead */

#define MAX_PRINTED 10		/* deviation lines printed per scenario */
#define MAX_TIDS 64
#define EXIT_STATUS 42		/* the exit scenario's exit_group() status */
#define STACK_SIZE (256 * 1024)
#define PROMPT_NS 10000000000ULL	/* exec, exit: ends within 10 s */
#define SLOW_NS 900000000ULL	/* a call this long backed off or waited */

/* What the exec'd image reports (exec scenario). */
#define EXEC_RESTRICTED 10
#define EXEC_UNRESTRICTED 11
#define EXEC_INCONSISTENT 12
#define EXEC_ERROR 13

/**
 * struct report - Shared between the parent, one child and its helpers.
 * @deviations: deviations found in this iteration.
 * @quota: deviation lines the child may still print.
 * @calls: successful TSYNC calls.
 * @call_ns: their total duration.
 * @call_max_ns: the longest one.
 * @slow: successful calls longer than SLOW_NS.
 * @events: scenario-specific count (threads created, signals, ...).
 * @window_ns: exec, exit: range of the disturbing sibling's delay.
 * @go_ns: exec, exit: when the caller entered the call.
 * @go: futex word: the caller is about to call.
 * @quit: helpers must stop.
 * @helper_err: first unexpected errno seen by a helper.
 * @ntids: number of valid @tids.
 * @tids: siblings a helper may target.
 */
struct report {
	unsigned int deviations;
	unsigned int quota;
	unsigned int calls;
	uint64_t call_ns;
	uint64_t call_max_ns;
	unsigned int slow;
	unsigned int events;
	uint64_t window_ns;
	uint64_t go_ns;
	unsigned int go;
	unsigned int quit;
	int helper_err;
	int ntids;
	int tids[MAX_TIDS];
};

/**
 * struct scenario - One way of disturbing the process.
 * @name: its name on the command line and in the output.
 * @run: the child's body: start the disturbance, call, check.
 * @end: how the child ends: normally, by exit_group(), by execve().
 * @events: what &report.events counts, if anything.
 */
struct scenario {
	const char *name;
	void (*run)(void);
	enum { END_NORMAL, END_EXIT, END_EXEC } end;
	const char *events;
};

static struct report *rep;
static const struct scenario *cur;
static int controller_tid;
static unsigned int hold;	/* churn: no new threads while checking */
static unsigned int calling;	/* TSYNC calls in progress */

static void deviation(const char *fmt, ...)
{
	char prefix[64];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "stress: %s: deviation: ", cur->name);
	va_start(ap, fmt);
	ll_vdeviation(&rep->deviations, rep->quota, prefix, fmt, ap);
	va_end(ap);
}

static void __noreturn setup_failed(const char *what)
{
	printf("stress: %s: setup error: %s: %s\n", cur->name, what,
	       strerror(errno));
	fflush(stdout);
	_exit(LL_EX_SETUP);
}

static void spawn(void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	pthread_t t;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (err) {
		errno = err;
		setup_failed("pthread_create");
	}
}

static void join_registry(void)
{
	if (ll_register())
		deviation("thread %d: thread registry full", ll_gettid());
}

/* Idle sibling: sleeps, answers probe rounds. */
static void *idle_main(void *arg)
{
	join_registry();
	for (;;)
		ll_idle(100);
	return NULL;
}

/* Busy sibling: spins in user space, answers probe rounds. */
static void *busy_main(void *arg)
{
	unsigned long x = 1;
	unsigned int i;

	join_registry();
	for (;;) {
		for (i = 0; i < 20000; i++) {
			x = x * 6364136223846793005UL + i;
			/* Keep the loop: x is "used". */
			asm volatile("" : "+r"(x));
		}
		ll_poll();
	}
	return NULL;
}

/* Start @n idle siblings and record their tids for helpers. */
static void spawn_idle(unsigned int n)
{
	unsigned int i, high = 0;

	for (i = 0; i < n; i++)
		spawn(idle_main, NULL);
	/* Wait until they registered, then publish their tids. */
	for (i = 0; i < 1000; i++) {
		unsigned int j, live = 0;

		high = ll_load(&ll_reg.high);
		for (j = 0; j < high; j++)
			live += !!ll_load(&ll_reg.slot[j].tid);
		if (live >= n + 1)
			break;
		ll_sleep_us(1000);
	}
	rep->ntids = 0;
	for (i = 0; i < high && rep->ntids < MAX_TIDS; i++) {
		int tid = ll_load(&ll_reg.slot[i].tid);

		if (tid && tid != controller_tid)
			rep->tids[rep->ntids++] = tid;
	}
}

static int tsync(int fd)
{
	if (opt_emulate)
		return ll_emu_tsync(fd);
	return ll_restrict_self(fd, LANDLOCK_RESTRICT_SELF_TSYNC);
}

/* Call TSYNC on @fd and account for its duration; returns errno or 0. */
static int timed_tsync(int fd)
{
	uint64_t t0, dt, max;
	int ret, err;

	ll_inc(&calling);
	t0 = ll_now_ns();
	ret = tsync(fd);
	err = errno;
	dt = ll_now_ns() - t0;
	__atomic_sub_fetch(&calling, 1, __ATOMIC_SEQ_CST);
	if (ret)
		return err;
	ll_inc(&rep->calls);
	if (dt > SLOW_NS)
		ll_inc(&rep->slow);
	__atomic_add_fetch(&rep->call_ns, dt, __ATOMIC_SEQ_CST);
	max = ll_load(&rep->call_max_ns);
	while (dt > max &&
	       !__atomic_compare_exchange_n(&rep->call_max_ns, &max, dt, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	return 0;
}

static void check_one(int tid, const struct ll_state *st, void *ctx)
{
	unsigned int want = *(unsigned int *)ctx;

	if ((st->denied & want) != want)
		deviation("thread %d is not restricted after the call: denied %#x, expected %#x",
			  tid, st->denied, want);
	if (st->failed)
		deviation("thread %d: probe %#x failed: %s", tid, st->failed,
			  strerror(st->err));
	if (st->nnp != 1)
		deviation("thread %d has no no_new_privs after the call (%d)",
			  tid, st->nnp);
}

/* Every live thread must be denied @want and have no_new_privs. */
static void check_all(unsigned int want)
{
	int n, missing;

	ll_store(&hold, 1);
	ll_store(&ll_reg.probes, want);
	n = ll_collect(opt_timeout * 1000 / 2, check_one, &want, &missing);
	if (n < 0)
		deviation("thread %d never answered the probe round (%u s)",
			  missing, opt_timeout / 2);
	ll_store(&hold, 0);
}

static const unsigned int call_probe[] = {
	LL_PROBE_READ, LL_PROBE_WRITE, LL_PROBE_READDIR, LL_PROBE_TRUNCATE,
};

/*
 * The caller's call number @c (from 0): handle one more right than the
 * previous calls, then check every thread.
 */
static void calls_loop_one(unsigned int c)
{
	static unsigned int want;
	unsigned int probe = call_probe[c % 4];
	int fd, err;

	if (!c) {
		want = 0;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			setup_failed("PR_SET_NO_NEW_PRIVS");
	}
	fd = ll_ruleset(probe);
	if (fd < 0)
		setup_failed("ruleset");
	/* Let the disturbance (re)start: checks pause the churn. */
	ll_sleep_us(2000 + ll_rand() % 8000);
	err = timed_tsync(fd);
	close(fd);
	if (err) {
		deviation("call %u failed: %s", c + 1, strerror(err));
		return;
	}
	want |= probe;
	check_all(want);
}

/* The caller's loop: -c calls, each handling one more right, each checked. */
static void calls_loop(void)
{
	unsigned int c;

	for (c = 0; c < opt_calls; c++)
		calls_loop_one(c);
}

/* Helper processes: forked while the child is still single-threaded. */

static pid_t spawn_helper(void (*fn)(pid_t target))
{
	pid_t target = getpid(), pid;

	pid = fork();
	if (pid < 0)
		setup_failed("fork");
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == target)
			fn(target);
		_exit(0);
	}
	return pid;
}

static void stop_helper(pid_t pid)
{
	ll_store(&rep->quit, 1);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (rep->helper_err)
		deviation("helper: %s", strerror(rep->helper_err));
}

static void wait_go(void)
{
	while (!ll_load(&rep->go))
		ll_futex_wait(&rep->go, 0, 10);
}

static void set_go(void)
{
	ll_store(&rep->go_ns, ll_now_ns());
	ll_store(&rep->go, 1);
	ll_futex_wake(&rep->go);
}

/* Scenario: churn. */

#define CHURN_MAX 24

static unsigned int churn_live;

static void *churn_leaf(void *arg);

static bool churn_spawn(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int err;

	if (ll_load(&hold) || ll_inc(&churn_live) > CHURN_MAX) {
		__atomic_sub_fetch(&churn_live, 1, __ATOMIC_SEQ_CST);
		return false;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Created while a call runs: the leaf may have been missed by it. */
	err = pthread_create(&t, &attr, churn_leaf,
			     (void *)(uintptr_t)!!ll_load(&calling));
	pthread_attr_destroy(&attr);
	if (err) {
		__atomic_sub_fetch(&churn_live, 1, __ATOMIC_SEQ_CST);
		return false;
	}
	ll_inc(&rep->events);
	return true;
}

/*
 * A short-lived thread; one in four creates another one. A thread created
 * while a call was running stays until it answered the check that follows
 * (at most 2 s): a call that missed it must not get away with it.
 */
static void *churn_leaf(void *arg)
{
	unsigned int i, n = ll_rand() % 200, born = ll_load(&ll_reg.gen);
	bool witness = arg || ll_load(&calling);
	uint64_t until = ll_now_ns() + 2000000000ULL;

	if (!ll_register()) {
		ll_poll();
		if (!(ll_rand() % 4))
			churn_spawn();
		for (i = 0; i < n; i++) {
			ll_poll();
			sched_yield();
		}
		while (witness && ll_now_ns() < until &&
		       (ll_load(&ll_reg.gen) == born ||
			ll_load(&ll_self->gen) != ll_load(&ll_reg.gen)))
			ll_idle(1);
		ll_poll();
		ll_unregister();
	}
	__atomic_sub_fetch(&churn_live, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *churn_spawner(void *arg)
{
	join_registry();
	for (;;) {
		ll_poll();
		if (!churn_spawn())
			ll_idle(1);
	}
	return NULL;
}

static void run_churn(void)
{
	spawn_idle(opt_threads);
	spawn(churn_spawner, NULL);
	spawn(churn_spawner, NULL);
	ll_sleep_us(2000);
	calls_loop();
}

/* Scenario: concurrent. */

#define NCALLERS 4

static unsigned int conc_round;
static unsigned int conc_done;
static int conc_fd[NCALLERS];
static int conc_err[NCALLERS];

static void *conc_main(void *arg)
{
	unsigned int i = (uintptr_t)arg, round = 0, r;

	join_registry();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		setup_failed("PR_SET_NO_NEW_PRIVS");
	for (;;) {
		r = ll_load(&conc_round);
		if (r == round) {
			ll_poll();
			ll_futex_wait(&conc_round, r, 10);
			continue;
		}
		round = r;
		conc_err[i] = timed_tsync(conc_fd[i]);
		ll_inc(&conc_done);
		ll_futex_wake(&conc_done);
	}
	return NULL;
}

static void run_concurrent(void)
{
	unsigned int i, round, rounds = opt_calls < 3 ? opt_calls : 3;
	uint64_t deadline;

	spawn_idle(opt_threads);
	for (i = 0; i < NCALLERS; i++)
		spawn(conc_main, (void *)(uintptr_t)i);
	ll_sleep_us(1000);
	for (round = 1; round <= rounds; round++) {
		unsigned int done;

		for (i = 0; i < NCALLERS; i++) {
			conc_fd[i] = ll_ruleset(call_probe[i]);
			if (conc_fd[i] < 0)
				setup_failed("ruleset");
		}
		ll_store(&conc_done, 0);
		ll_store(&conc_round, round);
		ll_futex_wake(&conc_round);
		deadline = ll_now_ns() + opt_timeout * 1000000000ULL / 2;
		while ((done = ll_load(&conc_done)) < NCALLERS &&
		       ll_now_ns() < deadline) {
			ll_poll();
			ll_futex_wait(&conc_done, done, 10);
		}
		if (done < NCALLERS) {
			deviation("round %u: %u of %u callers still in the call",
				  round, NCALLERS - done, NCALLERS);
			return;
		}
		for (i = 0; i < NCALLERS; i++) {
			close(conc_fd[i]);
			if (conc_err[i])
				deviation("round %u: caller %u failed: %s",
					  round, i, strerror(conc_err[i]));
		}
		/* Some serial order of the calls: every thread has all. */
		check_all(LL_PROBE_ALL);
	}
}

/* Scenario: signals. */

static void count_signal(int sig)
{
	ll_inc(&rep->events);
}

static void *storm_main(void *arg)
{
	pid_t pid = getpid();

	join_registry();
	for (;;) {
		unsigned int high = ll_load(&ll_reg.high);
		int tid = controller_tid;

		if (ll_rand() % 2 && high)
			tid = ll_load(&ll_reg.slot[ll_rand() % high].tid);
		if (tid > 0)
			syscall(SYS_tgkill, pid, tid, SIGUSR1);
		if (!(ll_rand() % 8))
			kill(pid, SIGUSR2);
		ll_poll();
		ll_sleep_us(ll_rand() % 200);
	}
	return NULL;
}

static void storm_helper(pid_t target)
{
	while (!ll_load(&rep->quit)) {
		int n = ll_load(&rep->ntids);

		kill(target, SIGUSR2);
		syscall(SYS_tgkill, target, target, SIGUSR1);
		if (n > 0)
			syscall(SYS_tgkill, target,
				rep->tids[ll_rand() % n], SIGUSR1);
		ll_sleep_us(ll_rand() % 300);
	}
}

static void run_signals(void)
{
	struct sigaction sa = { .sa_handler = count_signal };
	pid_t helper;

	/* No SA_RESTART: an EINTR leaking out of the call would show. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	helper = spawn_helper(storm_helper);
	spawn_idle(opt_threads);
	spawn(storm_main, NULL);
	spawn(busy_main, NULL);
	ll_sleep_us(1000);
	calls_loop();
	stop_helper(helper);
}

/* Scenario: stop. */

static void stop_helper_main(pid_t target)
{
	while (!ll_load(&rep->quit)) {
		kill(target, SIGSTOP);
		ll_sleep_us(100 + ll_rand() % 2000);
		kill(target, SIGCONT);
		ll_inc(&rep->events);
		ll_sleep_us(100 + ll_rand() % 3000);
	}
}

static void run_stop(void)
{
	pid_t helper = spawn_helper(stop_helper_main);

	spawn_idle(opt_threads);
	spawn(busy_main, NULL);
	calls_loop();
	stop_helper(helper);
}

/* Scenario: ptrace. */

static void ptrace_helper(pid_t target)
{
	wait_go();
	while (!ll_load(&rep->quit)) {
		int tid = rep->tids[ll_rand() % rep->ntids], status;

		if (ptrace(PTRACE_SEIZE, tid, 0, 0)) {
			if (errno != ESRCH && !rep->helper_err)
				rep->helper_err = errno;
			ll_sleep_us(1000);
			continue;
		}
		if (!ptrace(PTRACE_INTERRUPT, tid, 0, 0))
			waitpid(tid, &status, __WALL);
		ll_sleep_us(100 + ll_rand() % 3000);
		ptrace(PTRACE_DETACH, tid, 0, 0);
		ll_inc(&rep->events);
		ll_sleep_us(ll_rand() % 1000);
	}
}

static void run_ptrace(void)
{
	pid_t helper = spawn_helper(ptrace_helper);

	spawn_idle(opt_threads);
	if (!rep->ntids)
		setup_failed("no sibling to trace");
	set_go();
	ll_sleep_us(1000);
	calls_loop();
	stop_helper(helper);
}

/* Scenarios: exec and exit. */

/* Wait for the caller to enter the call, then a random part of the window. */
static void delay_into_call(void)
{
	uint64_t until;

	wait_go();
	until = ll_load(&rep->go_ns) + ll_rand() % (rep->window_ns + 1);
	while (ll_now_ns() < until)
		;
}

static void *exec_main(void *arg)
{
	char *const argv[] = {
		"stress", "--exec-check", (char *)ll_reg.file, NULL,
	};

	/* The emulation's signal would kill the new image. */
	if (opt_emulate) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, LL_EMU_SIG);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
	}
	delay_into_call();
	execve("/proc/self/exe", argv, (char *const[]){ NULL });
	deviation("execve: %s", strerror(errno));
	_exit(EXEC_ERROR);
}

static void *exit_main(void *arg)
{
	delay_into_call();
	syscall(SYS_exit_group, EXIT_STATUS);
	return NULL;
}

/* The caller's side: one call, then wait for the sibling to end it all. */
static void one_call_then_wait(void *(*fn)(void *))
{
	int fd, err;

	spawn_idle(opt_threads);
	spawn(busy_main, NULL);
	spawn(fn, NULL);
	ll_sleep_us(1000);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		setup_failed("PR_SET_NO_NEW_PRIVS");
	fd = ll_ruleset(LL_PROBE_READ);
	if (fd < 0)
		setup_failed("ruleset");
	set_go();
	err = timed_tsync(fd);
	if (err)
		deviation("call failed: %s", strerror(err));
	for (;;)
		pause();
}

static void run_exec(void)
{
	one_call_then_wait(exec_main);
}

static void run_exit(void)
{
	one_call_then_wait(exit_main);
}

/* The exec'd image (exec scenario): all or nothing, one thread. */
static int exec_check(const char *file)
{
	struct ll_state st;
	struct dirent *de;
	int threads = 0;
	DIR *d;

	d = opendir("/proc/self/task");
	if (!d)
		return EXEC_ERROR;
	while ((de = readdir(d)))
		threads += atoi(de->d_name) > 0;
	closedir(d);
	ll_reg.file = file;
	ll_reg.probes = LL_PROBE_READ;
	ll_probe_self(&st);
	if (st.failed || threads != 1) {
		printf("stress: exec: deviation: exec'd image: %d threads, probe error %s\n",
		       threads, strerror(st.err));
		return EXEC_ERROR;
	}
	if (st.denied && st.nnp == 1)
		return EXEC_RESTRICTED;
	if (!st.denied && st.nnp == 0)
		return EXEC_UNRESTRICTED;
	printf("stress: exec: deviation: exec'd image is %srestricted but has no_new_privs=%d\n",
	       st.denied ? "" : "not ", st.nnp);
	return EXEC_INCONSISTENT;
}

/* Scenario: vfork. */

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
		raw_syscall5(SYS_futex, (long)&b->req, FUTEX_WAIT_PRIVATE, 0,
			     0, 0);
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
		deviation("CLONE_VM process %d outside the thread group was touched: open %ld, no_new_privs %ld",
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

/* Scenario: busy. */

static void run_busy(void)
{
	unsigned int i;

	spawn_idle(opt_threads / 2);
	for (i = 0; i < 4; i++)
		spawn(busy_main, NULL);
	ll_sleep_us(1000);
	calls_loop();
}

/* Scenario: seccomp. */

/*
 * Filters per seccomp thread and iteration: each could cost a call a 1 s
 * back-off when TSYNC held cred_guard_mutex; an iteration must end well
 * within -T even then.
 */
#define SECCOMP_FILTERS 6

static void *seccomp_main(void *arg)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	unsigned int n = 0;
	long ret;

	join_registry();
	for (;;) {
		ll_poll();
		if (n == SECCOMP_FILTERS) {
			ll_idle(10);
			continue;
		}
		n++;
		/* Every thread shares the filters: TSYNC cannot fail. */
		ret = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			      SECCOMP_FILTER_FLAG_TSYNC, &prog);
		if (ret)
			deviation("seccomp(TSYNC) returned %ld: %s", ret,
				  ret < 0 ? strerror(errno) : "thread not synced");
		else
			ll_inc(&rep->events);
		/* Spread over the iteration's calls. */
		ll_sleep_us(ll_rand() % 20000);
	}
	return NULL;
}

static void run_seccomp(void)
{
	spawn_idle(opt_threads);
	spawn(seccomp_main, NULL);
	spawn(seccomp_main, NULL);
	ll_sleep_us(1000);
	calls_loop();
	if (!ll_load(&rep->events))
		deviation("no seccomp filter installed");
}

static const struct scenario scenarios[] = {
	{ "churn", run_churn, END_NORMAL, "threads created" },
	{ "concurrent", run_concurrent, END_NORMAL, NULL },
	{ "signals", run_signals, END_NORMAL, "signals handled" },
	{ "stop", run_stop, END_NORMAL, "stop/continue cycles" },
	{ "ptrace", run_ptrace, END_NORMAL, "ptrace stops" },
	{ "exec", run_exec, END_EXEC, NULL },
	{ "exit", run_exit, END_EXIT, NULL },
	{ "vfork", run_vfork, END_NORMAL, "vforks" },
	{ "busy", run_busy, END_NORMAL, NULL },
	{ "seccomp", run_seccomp, END_NORMAL, "filters installed" },
};

#define NSCENARIOS ARRAY_SIZE(scenarios)

static void __noreturn child_main(void)
{
	setpgid(0, 0);
	controller_tid = ll_gettid();
	if (ll_register())
		setup_failed("registry");
	if (opt_emulate)
		ll_emu_install();
	cur->run();
	fflush(stdout);
	_exit(ll_load(&rep->deviations) ? LL_EX_DEVIATION : 0);
}

/**
 * struct totals - What the parent sums up for one scenario.
 * @iterations: children run.
 * @deviations: deviations found.
 * @printed: deviation lines printed.
 * @calls: successful TSYNC calls.
 * @call_ns: their total duration.
 * @call_max_ns: the longest one.
 * @slow: successful calls longer than SLOW_NS.
 * @events: sum of &report.events.
 * @outcome: exec: new images restricted, and not restricted.
 * @end_max_ns: exec, exit: longest time from the call to the process end.
 */
struct totals {
	unsigned int iterations;
	unsigned int deviations;
	unsigned int printed;
	unsigned int calls;
	uint64_t call_ns;
	uint64_t call_max_ns;
	unsigned int slow;
	unsigned long events;
	unsigned int outcome[2];
	uint64_t end_max_ns;
};

static unsigned int child_deviation(struct totals *t, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (t->printed + rep->deviations < MAX_PRINTED) {
		t->printed++;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		printf("stress: %s: deviation: %s\n", cur->name, buf);
		fflush(stdout);
	}
	return 1;
}

static const char *describe(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "status %#x", status);
	return buf;
}

/* Judge the status an iteration's child ended with; returns deviations. */
static unsigned int judge_status(struct totals *t, int status)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	char buf[64];

	switch (cur->end) {
	case END_NORMAL:
		if (code == 0 || (code == LL_EX_DEVIATION && rep->deviations))
			return 0;
		break;
	case END_EXIT:
		if (code == EXIT_STATUS)
			return 0;
		break;
	case END_EXEC:
		if (code == EXEC_RESTRICTED || code == EXEC_UNRESTRICTED) {
			t->outcome[code - EXEC_RESTRICTED]++;
			return 0;
		}
		/* The new image or the sibling said why. */
		if (code == EXEC_INCONSISTENT || code == EXEC_ERROR)
			return !rep->deviations;
		break;
	}
	return child_deviation(t, "iteration ended with %s",
			       describe(status, buf, sizeof(buf)));
}

/* Judge how an iteration's child ended; returns extra deviations. */
static unsigned int judge(struct totals *t, int status, uint64_t reaped_ns)
{
	uint64_t end_ns = 0;
	unsigned int dev = 0;

	if (cur->end != END_NORMAL && rep->go_ns && reaped_ns > rep->go_ns)
		end_ns = reaped_ns - rep->go_ns;
	if (end_ns > t->end_max_ns)
		t->end_max_ns = end_ns;
	if (end_ns > PROMPT_NS)
		dev += child_deviation(t, "process took %.1f s to end after the call started",
				       end_ns / 1e9);
	return dev + judge_status(t, status);
}

/* Run one iteration in a fresh child; returns its deviations. */
static unsigned int run_child(struct totals *t, uint64_t window_ns)
{
	uint64_t deadline = ll_now_ns() + opt_timeout * 1000000000ULL;
	unsigned int dev;
	int status = 0;
	pid_t pid, r;

	memset(rep, 0, sizeof(*rep));
	rep->quota = t->printed < MAX_PRINTED ? MAX_PRINTED - t->printed : 0;
	rep->window_ns = window_ns;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("stress: fork");
		return 1;
	}
	if (!pid)
		child_main();
	setpgid(pid, pid);
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 &&
	       ll_now_ns() < deadline)
		ll_sleep_us(1000);
	if (r == 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		dev = rep->deviations;
		dev += child_deviation(t, "iteration still running after %u s (hang?), killed",
				       opt_timeout);
	} else {
		uint64_t reaped = ll_now_ns();

		/* Helpers left behind, if any. */
		kill(-pid, SIGKILL);
		dev = rep->deviations + judge(t, status, reaped);
	}
	t->printed += rep->deviations < rep->quota ? rep->deviations :
		rep->quota;
	t->calls += rep->calls;
	t->call_ns += rep->call_ns;
	if (rep->call_max_ns > t->call_max_ns)
		t->call_max_ns = rep->call_max_ns;
	t->slow += rep->slow;
	t->events += rep->events;
	return dev;
}

static bool selected(const char *name)
{
	size_t len = strlen(name);
	const char *p = opt_only;

	if (!p)
		return true;
	while (p && *p) {
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static void print_totals(const struct totals *t)
{
	char extra[128] = "";

	if (cur->events)
		snprintf(extra, sizeof(extra), ", %lu %s", t->events,
			 cur->events);
	if (cur->end == END_EXEC)
		snprintf(extra, sizeof(extra),
			 ", %u exec'd restricted, %u not, max end %.1f ms",
			 t->outcome[0], t->outcome[1], t->end_max_ns / 1e6);
	if (cur->end == END_EXIT)
		snprintf(extra, sizeof(extra), ", max end %.1f ms",
			 t->end_max_ns / 1e6);
	printf("stress: %s: %u iterations, %u deviations (%u calls, mean %.2f ms, max %.2f ms, %u over %.1f s%s)\n",
	       cur->name, t->iterations, t->deviations, t->calls,
	       t->calls ? t->call_ns / 1e6 / t->calls : 0.0,
	       t->call_max_ns / 1e6, t->slow, SLOW_NS / 1e9, extra);
	fflush(stdout);
}

static void usage(const char *prog)
{
	unsigned int i;

	fprintf(stderr,
		"usage: %s [-n ITER] [-d SECONDS] [-c CALLS] [-t THREADS] [-T SECONDS] [-s LIST] [-E]\n"
		"  -n ITER     iterations (child processes) per scenario (%u)\n"
		"  -d SECONDS  deadline for all scenarios, shared evenly (%u)\n"
		"  -c CALLS    TSYNC calls per iteration, 1-15 (%u)\n"
		"  -t THREADS  idle siblings per iteration, 1-%d (%u)\n"
		"  -T SECONDS  an iteration running longer is a hang (%u)\n"
		"  -s LIST     comma-separated scenarios (all):",
		prog, opt_iter, opt_deadline, opt_calls, MAX_TIDS - 1,
		opt_threads, opt_timeout);
	for (i = 0; i < NSCENARIOS; i++)
		fprintf(stderr, " %s", scenarios[i].name);
	fprintf(stderr,
		"\n  -E          emulate TSYNC with a per-thread signal broadcast\n"
		"              (negative control: the checks must catch it)\n");
	exit(LL_EX_SETUP);
}

static unsigned int parse_uint(const char *s, const char *prog)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > 100000)
		usage(prog);
	return v;
}

int main(int argc, char *argv[])
{
	unsigned int i, nsel = 0, done = 0, failed = 0;
	uint64_t start = ll_now_ns(), est_ns = 2000000;
	int opt, abi;

	if (argc == 3 && !strcmp(argv[1], "--exec-check"))
		return exec_check(argv[2]);
	while ((opt = getopt(argc, argv, "n:d:c:t:T:s:E")) != -1) {
		switch (opt) {
		case 'n':
			opt_iter = parse_uint(optarg, argv[0]);
			break;
		case 'd':
			opt_deadline = parse_uint(optarg, argv[0]);
			break;
		case 'c':
			opt_calls = parse_uint(optarg, argv[0]);
			break;
		case 't':
			opt_threads = parse_uint(optarg, argv[0]);
			break;
		case 'T':
			opt_timeout = parse_uint(optarg, argv[0]);
			break;
		case 's':
			opt_only = optarg;
			break;
		case 'E':
			opt_emulate = true;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc || !opt_calls || opt_calls > 15 ||
	    !opt_threads || opt_threads >= MAX_TIDS || opt_timeout < 2)
		usage(argv[0]);
	for (i = 0; i < NSCENARIOS; i++)
		nsel += selected(scenarios[i].name);
	if (!nsel)
		usage(argv[0]);

	abi = ll_abi();
	if (abi < LL_ABI_TSYNC && !opt_emulate) {
		if (abi < 0)
			printf("stress: TSYNC unavailable: Landlock is off (%s)\n",
			       strerror(errno));
		else
			printf("stress: TSYNC unavailable: Landlock ABI %d < %d\n",
			       abi, LL_ABI_TSYNC);
		return LL_EX_NO_TSYNC;
	}
	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED || ll_probe_setup()) {
		perror("stress: setup");
		return LL_EX_SETUP;
	}
	printf("stress: Landlock ABI %d%s, %u iterations x %u calls per scenario, %u idle siblings, deadline %u s\n",
	       abi, opt_emulate ? " (TSYNC emulated in user space)" : "",
	       opt_iter, opt_calls, opt_threads, opt_deadline);
	fflush(stdout);

	for (i = 0; i < NSCENARIOS; i++) {
		uint64_t now = ll_now_ns(), end, budget;
		struct totals t = { 0 };

		cur = &scenarios[i];
		if (!selected(cur->name))
			continue;
		/* Each scenario gets an even share of the time left. */
		end = start + opt_deadline * 1000000000ULL;
		budget = end > now ? (end - now) / (nsel - done) : 0;
		end = now + budget;
		while (t.iterations < opt_iter &&
		       (!t.iterations || ll_now_ns() < end)) {
			t.deviations += run_child(&t, 2 * est_ns);
			t.iterations++;
		}
		if (t.calls)
			est_ns = t.call_ns / t.calls;
		print_totals(&t);
		failed += t.deviations > 0;
		done++;
	}
	ll_probe_cleanup();
	return failed ? LL_EX_DEVIATION : 0;
}
