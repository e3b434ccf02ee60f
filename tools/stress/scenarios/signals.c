// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios of signals and stops:
 *
 *   signals  a signal storm at the caller and the siblings, from inside and
 *            from a helper process; handlers without SA_RESTART, so an EINTR
 *            leaking out of the call shows
 *   stop     a helper process sends SIGSTOP/SIGCONT to the process
 *   ptrace   a helper process seizes, interrupts and detaches siblings
 */

#include <sys/ptrace.h>
#include <sys/wait.h>

#include "../scenario.h"

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
			syscall(SYS_tgkill, target, rep->tids[ll_rand() % n],
				SIGUSR1);
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

/* stop */

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

/* ptrace */

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

const struct scenario scenario_signals = {
	.name = "signals",
	.run = run_signals,
	.events = "signals handled",
};

const struct scenario scenario_stop = {
	.name = "stop",
	.run = run_stop,
	.events = "stop/continue cycles",
};

const struct scenario scenario_ptrace = {
	.name = "ptrace",
	.run = run_ptrace,
	.events = "ptrace stops",
};
