// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario concurrent: four threads call TSYNC at once, each handling its
 * own right; every thread must end up with all four (some serial order of
 * the calls).
 */

#include "../scenario.h"

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
			deviation(
				"round %u: %u of %u callers still in the call",
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

const struct scenario scenario_concurrent = {
	.name = "concurrent",
	.run = run_concurrent,
};
