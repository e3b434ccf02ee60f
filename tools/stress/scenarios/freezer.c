// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario freezer: a helper process outside the iteration's cgroup v2
 * freezes and thaws it (cgroup.freeze) over and over while calls run. A
 * frozen thread sleeps in the signal path, where a kick wakes it to run
 * task_work and where a caller interrupted by the freeze restarts its call
 * after the thaw. Every call must return 0, every thread be restricted
 * after it, and every freeze must complete (cgroup.events "frozen 1"):
 * a sibling that a call left waiting would keep the cgroup from freezing.
 *
 * Needs cgroup v2 at /sys/fs/cgroup (the guest mounts it); without it the
 * iteration fails with a setup error.
 */

#include <sys/stat.h>

#include "../scenario.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define FREEZE_NS 2000000000ULL /* a freeze taking longer: a deviation */

static void cgroup_path(char *buf, size_t size, pid_t pid, const char *file)
{
	snprintf(buf, size, CGROUP_ROOT "/ll-stress-%d%s%s", pid,
		 file ? "/" : "", file ? file : "");
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -1;
	close(fd);
	return ret;
}

/* Is the cgroup frozen (cgroup.events)? */
static bool frozen(const char *events)
{
	char buf[256];

	return ll_read_small(events, buf, sizeof(buf)) &&
	       strstr(buf, "frozen 1");
}

static void freezer_helper(pid_t target)
{
	char freeze[128], events[128];
	uint64_t t0;

	cgroup_path(freeze, sizeof(freeze), target, "cgroup.freeze");
	cgroup_path(events, sizeof(events), target, "cgroup.events");
	wait_go();
	while (!ll_load(&rep->quit)) {
		if (write_file(freeze, "1")) {
			rep->helper_err = errno;
			break;
		}
		t0 = ll_now_ns();
		while (!frozen(events) && ll_now_ns() - t0 < FREEZE_NS)
			ll_sleep_us(200);
		if (frozen(events))
			ll_inc(&rep->events);
		else
			deviation(
				"the cgroup was not frozen %.1f s after cgroup.freeze=1",
				FREEZE_NS / 1e9);
		ll_sleep_us(ll_rand() % 3000);
		if (write_file(freeze, "0")) {
			rep->helper_err = errno;
			break;
		}
		ll_sleep_us(500 + ll_rand() % 5000);
	}
	write_file(freeze, "0");
}

static void run_freezer(void)
{
	char path[128];
	pid_t helper;

	cgroup_path(path, sizeof(path), getpid(), NULL);
	if (mkdir(path, 0755))
		setup_failed("mkdir " CGROUP_ROOT
			     "/ll-stress-PID (cgroup v2 mounted?)");
	/* The helper stays outside: fork it first. */
	helper = spawn_helper(freezer_helper);
	cgroup_path(path, sizeof(path), getpid(), "cgroup.procs");
	if (write_file(path, "0"))
		setup_failed("joining the cgroup");
	spawn_idle(opt_threads);
	spawn(busy_main, NULL);
	ll_sleep_us(1000);
	set_go();
	calls_loop();
	stop_helper(helper);
	if (!ll_load(&rep->events))
		deviation("the cgroup was never frozen");
}

/* In the parent: thaw (after a hang) and remove the iteration's cgroup. */
static unsigned int freezer_reaped(pid_t pid, int status, unsigned long *events)
{
	char path[128];
	int i;

	cgroup_path(path, sizeof(path), pid, "cgroup.freeze");
	write_file(path, "0");
	cgroup_path(path, sizeof(path), pid, NULL);
	/* The last task leaves the cgroup a little after it was reaped. */
	for (i = 0; i < 1000; i++) {
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		ll_sleep_us(1000);
	}
	return reap_deviation("cannot remove %s: %s", path, strerror(errno));
}

const struct scenario scenario_freezer = {
	.name = "freezer",
	.run = run_freezer,
	.events = "freezes",
	.reaped = freezer_reaped,
};
