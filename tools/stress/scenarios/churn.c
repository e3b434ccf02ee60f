// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario churn: threads are created and exit during the calls, some
 * created by short-lived threads themselves; those created while a call runs
 * stay for the check that follows it (a call that missed one must not get
 * away with it).
 */

#include "../scenario.h"

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
			     (void *)(uintptr_t) !!ll_load(&calling));
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

const struct scenario scenario_churn = {
	.name = "churn",
	.run = run_churn,
	.events = "threads created",
};
