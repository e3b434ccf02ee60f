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
 * the last call reached every thread (user workers, the io_uring threads
 * that never run user code, are left out). The scenarios live in
 * scenarios/, one file per family, named after it; the file's comment says
 * what each scenario does and checks:
 *
 *   churn.c       churn (threads created and exiting during the calls)
 *   concurrent.c  concurrent (four callers at once)
 *   signals.c     signals, stop, ptrace
 *   exec.c        exec, exit (a sibling ends the process during a call)
 *   vfork.c       vfork, vfork_exec
 *   busy.c        busy (siblings spinning in user space)
 *   seccomp.c     seccomp (siblings in seccomp(SECCOMP_FILTER_FLAG_TSYNC))
 *   io_uring.c    io_uring (io-wq and SQPOLL workers), io_uring_exec
 *   freezer.c     freezer (cgroup v2 freeze and thaw)
 *   coredump.c    coredump (a sibling's SIGSEGV dumps core)
 *
 * Every scenario counts its slow calls (over 0.9 s: a call that backed off,
 * or that waited for a stopped sibling).
 *
 * Output: one line per scenario, "stress: <scenario>: N iterations, D
 * deviations (...)", and each deviation on its own line. Exit status 0, 1 on
 * any deviation, 2 on a usage error, 3 when the kernel has no TSYNC.
 */

#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define LL_DEFINE_GLOBALS
#include "scenario.h"

/* Options. */
static unsigned int opt_iter = 10; /* -n: iterations per scenario */
static unsigned int opt_deadline = 300; /* -d: seconds for all scenarios */
unsigned int opt_calls = 4; /* -c: TSYNC calls per iteration */
unsigned int opt_threads = 4; /* -t: idle siblings per iteration */
unsigned int opt_timeout = 60; /* -T: seconds per iteration */
static const char *opt_only; /* -s: comma-separated scenarios */
bool opt_emulate; /* -E: user-space broadcast instead */

struct report *rep;
const struct scenario *cur;
int controller_tid;
unsigned int hold;
unsigned int calling;

void deviation(const char *fmt, ...)
{
	char prefix[64];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "stress: %s: deviation: ", cur->name);
	va_start(ap, fmt);
	ll_vdeviation(&rep->deviations, rep->quota, prefix, fmt, ap);
	va_end(ap);
}

void __noreturn setup_failed(const char *what)
{
	printf("stress: %s: setup error: %s: %s\n", cur->name, what,
	       strerror(errno));
	fflush(stdout);
	_exit(LL_EX_SETUP);
}

void spawn(void *(*fn)(void *), void *arg)
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

void join_registry(void)
{
	if (ll_register())
		deviation("thread %d: thread registry full", ll_gettid());
}

/* Idle sibling: sleeps, answers probe rounds. */
void *idle_main(void *arg)
{
	join_registry();
	for (;;)
		ll_idle(100);
	return NULL;
}

/* Busy sibling: spins in user space, answers probe rounds. */
void *busy_main(void *arg)
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
void spawn_idle(unsigned int n)
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
int timed_tsync(int fd)
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
		deviation(
			"thread %d is not restricted after the call: denied %#x, expected %#x",
			tid, st->denied, want);
	if (st->failed)
		deviation("thread %d: probe %#x failed: %s", tid, st->failed,
			  strerror(st->err));
	if (st->nnp != 1)
		deviation("thread %d has no no_new_privs after the call (%d)",
			  tid, st->nnp);
}

/*
 * Every live thread (but user workers) must be denied @want and have
 * no_new_privs.
 */
void check_all(unsigned int want)
{
	int n, missing;

	ll_store(&hold, 1);
	ll_store(&ll_reg.probes, want);
	n = ll_collect(opt_timeout * 1000 / 2, check_one, &want, &missing);
	if (n < 0)
		deviation("thread %d never answered the probe round (%u s)",
			  missing, opt_timeout / 2);
	if (ll_load(&ll_workers_seen) > ll_load(&rep->workers))
		ll_store(&rep->workers, ll_load(&ll_workers_seen));
	ll_store(&hold, 0);
}

const unsigned int call_probe[4] = {
	LL_PROBE_READ,
	LL_PROBE_WRITE,
	LL_PROBE_READDIR,
	LL_PROBE_TRUNCATE,
};

/*
 * The caller's call number @c (from 0): handle one more right than the
 * previous calls, then check every thread.
 */
void calls_loop_one(unsigned int c)
{
	static unsigned int want; /* rights handled so far */
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
void calls_loop(void)
{
	unsigned int c;

	for (c = 0; c < opt_calls; c++)
		calls_loop_one(c);
}

/* Helper processes: forked while the child is still single-threaded. */

pid_t spawn_helper(void (*fn)(pid_t target))
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

void stop_helper(pid_t pid)
{
	ll_store(&rep->quit, 1);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (rep->helper_err)
		deviation("helper: %s", strerror(rep->helper_err));
}

void wait_go(void)
{
	while (!ll_load(&rep->go))
		ll_futex_wait(&rep->go, 0, 10);
}

void set_go(void)
{
	ll_store(&rep->go_ns, ll_now_ns());
	ll_store(&rep->go, 1);
	ll_futex_wake(&rep->go);
}

/*
 * In the disturbing sibling of one_call_then_wait(): say it is ready, wait
 * for the caller to enter the call, then a random part of the window.
 */
void delay_into_call(void)
{
	uint64_t until;

	ll_store(&rep->ready, 1);
	ll_futex_wake(&rep->ready);
	wait_go();
	until = ll_load(&rep->go_ns) + ll_rand() % (rep->window_ns + 1);
	while (ll_now_ns() < until)
		;
}

/* The caller's side: one call, then wait for the sibling to end it all. */
void one_call_then_wait(void *(*fn)(void *))
{
	uint64_t deadline;
	int fd, err;

	spawn_idle(opt_threads);
	spawn(busy_main, NULL);
	spawn(fn, NULL);
	/* The sibling has set up what it needs (delay_into_call()). */
	deadline = ll_now_ns() + 10000000000ULL;
	while (!ll_load(&rep->ready) && ll_now_ns() < deadline)
		ll_futex_wait(&rep->ready, 0, 10);
	if (!ll_load(&rep->ready))
		setup_failed("the disturbing sibling never got ready");
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

/* The exec'd image (exec scenarios): all or nothing, one thread. */
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
		printf("stress: exec-check: deviation: exec'd image: %d threads, probe error %s\n",
		       threads, strerror(st.err));
		return EXEC_ERROR;
	}
	if (st.denied && st.nnp == 1)
		return EXEC_RESTRICTED;
	if (!st.denied && st.nnp == 0)
		return EXEC_UNRESTRICTED;
	printf("stress: exec-check: deviation: exec'd image is %srestricted but has no_new_privs=%d\n",
	       st.denied ? "" : "not ", st.nnp);
	return EXEC_INCONSISTENT;
}

static const struct scenario *const scenarios[] = {
	&scenario_churn,	 &scenario_concurrent, &scenario_signals,
	&scenario_stop,		 &scenario_ptrace,     &scenario_exec,
	&scenario_exit,		 &scenario_vfork,      &scenario_vfork_exec,
	&scenario_busy,		 &scenario_seccomp,    &scenario_io_uring,
	&scenario_io_uring_exec, &scenario_freezer,    &scenario_coredump,
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
 * @end_max_ns: exec, exit, core: longest time from the call to the end.
 * @workers: most user workers (io_uring) seen in one probe round.
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
	unsigned int workers;
};

static struct totals *tot; /* the scenario's, for reap_deviation() */

static unsigned int vchild_deviation(struct totals *t, const char *fmt,
				     va_list ap)
{
	char buf[256];

	if (t->printed + rep->deviations < MAX_PRINTED) {
		t->printed++;
		vsnprintf(buf, sizeof(buf), fmt, ap);
		printf("stress: %s: deviation: %s\n", cur->name, buf);
		fflush(stdout);
	}
	return 1;
}

/* A deviation the parent finds about a child; returns 1. */
static __attribute__((format(printf, 2, 3))) unsigned int
child_deviation(struct totals *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vchild_deviation(t, fmt, ap);
	va_end(ap);
	return 1;
}

unsigned int reap_deviation(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vchild_deviation(tot, fmt, ap);
	va_end(ap);
	return 1;
}

static const char *describe(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d%s", WTERMSIG(status),
			 WCOREDUMP(status) ? " (core dumped)" : "");
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
			/*
			 * A sibling that had not entered execve() when the
			 * call returned 0 got the domain first; one already
			 * in it must have made the call fail (restart).
			 */
			if (code == EXEC_UNRESTRICTED && rep->calls)
				return child_deviation(
					t,
					"the call returned 0, but the exec'd image is not restricted");
			return 0;
		}
		/* The new image or the sibling said why. */
		if (code == EXEC_INCONSISTENT || code == EXEC_ERROR)
			return !rep->deviations;
		break;
	case END_CORE:
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV &&
		    WCOREDUMP(status))
			return 0;
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
		dev += child_deviation(
			t, "process took %.1f s to end after the call started",
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
		dev += child_deviation(
			t, "iteration still running after %u s (hang?), killed",
			opt_timeout);
	} else {
		uint64_t reaped = ll_now_ns();

		/* Helpers left behind, if any. */
		kill(-pid, SIGKILL);
		dev = rep->deviations + judge(t, status, reaped);
	}
	if (cur->reaped)
		dev += cur->reaped(pid, status, &t->events);
	t->printed += rep->deviations < rep->quota ? rep->deviations :
						     rep->quota;
	t->calls += rep->calls;
	t->call_ns += rep->call_ns;
	if (rep->call_max_ns > t->call_max_ns)
		t->call_max_ns = rep->call_max_ns;
	t->slow += rep->slow;
	t->events += rep->events;
	if (rep->workers > t->workers)
		t->workers = rep->workers;
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
	char extra[256] = "";
	size_t n = 0;

	if (cur->events)
		n += snprintf(extra + n, sizeof(extra) - n, ", %lu %s",
			      t->events, cur->events);
	if (cur->end == END_EXEC)
		n += snprintf(extra + n, sizeof(extra) - n,
			      ", %u exec'd restricted, %u not", t->outcome[0],
			      t->outcome[1]);
	if (cur->end != END_NORMAL)
		n += snprintf(extra + n, sizeof(extra) - n, ", max end %.1f ms",
			      t->end_max_ns / 1e6);
	if (t->workers)
		snprintf(extra + n, sizeof(extra) - n,
			 ", up to %u io_uring workers left out", t->workers);
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
		fprintf(stderr, " %s", scenarios[i]->name);
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
	if (optind != argc || !opt_calls || opt_calls > 15 || !opt_threads ||
	    opt_threads >= MAX_TIDS || opt_timeout < 2)
		usage(argv[0]);
	for (i = 0; i < NSCENARIOS; i++)
		nsel += selected(scenarios[i]->name);
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

		tot = &t;
		cur = scenarios[i];
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
