// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario seccomp: two siblings install seccomp filters with
 * SECCOMP_FILTER_FLAG_TSYNC now and then. seccomp() waits for
 * cred_guard_mutex killably, which TWA_SIGNAL does not interrupt: a TSYNC
 * call that held that mutex could not reach such a sibling (calls took
 * seconds, "over 0.9 s").
 */

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "../scenario.h"

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
				  ret < 0 ? strerror(errno) :
					    "thread not synced");
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

const struct scenario scenario_seccomp = {
	.name = "seccomp",
	.run = run_seccomp,
	.events = "filters installed",
};
