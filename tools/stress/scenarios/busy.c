// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario busy: siblings spinning in user space, reached only by the
 * kick's interrupt.
 */

#include "../scenario.h"

static void run_busy(void)
{
	unsigned int i;

	spawn_idle(opt_threads / 2);
	for (i = 0; i < 4; i++)
		spawn(busy_main, NULL);
	ll_sleep_us(1000);
	calls_loop();
}

const struct scenario scenario_busy = {
	.name = "busy",
	.run = run_busy,
};
