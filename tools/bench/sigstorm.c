// SPDX-License-Identifier: GPL-2.0
/*
 * What the grace after a signal buys: TSYNC calls made while another
 * process signals the calling thread every P microseconds.
 *
 * The caller has N parked siblings and a domain; each call is
 * landlock_restrict_self(-1, LOG_SUBDOMAINS_OFF | TSYNC), which installs
 * the caller's domain on every sibling again without adding a layer.  A
 * signal that aborts an attempt restarts the call after the handler (user
 * space never sees EINTR): without a grace, a call whose attempt takes
 * longer than the signal period restarts for as long as the signals come.
 *
 * Prints one line per phase: calls completed in the phase (a call that
 * the storm holds back returns once the storm, as long as the phase, ends),
 * their median and longest time, and the signals handled:
 *   STORM,<phase>,<siblings>,<period_us>,<seconds>,<calls>,<median_ms>,<max_ms>,<signals>
 *
 * Usage: sigstorm [-n siblings] [-p period_us] [-t seconds]
 */

#include <errno.h>
#include <linux/landlock.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common.h"

#define MAX_CALLS 100000

static atomic_uint signals;
static double times[MAX_CALLS];

static void handler(int sig)
{
	(void)sig;
	atomic_fetch_add(&signals, 1);
}

static void *sibling(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static double now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		abort();
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void die(const char *what)
{
	fprintf(stderr, "sigstorm: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Calls TSYNC for @seconds, with a storm every @period_us if not 0. */
static void phase(const char *name, int nr, int period_us, int seconds)
{
	const pid_t pid = getpid(), tid = syscall(SYS_gettid);
	unsigned int calls = 0;
	double end, start;
	pid_t storm = 0;

	if (period_us) {
		storm = fork();
		if (storm < 0)
			die("fork");
		if (!storm) {
			/* Ends on its own: a call may not return before. */
			const struct timespec ts = { 0, period_us * 1000L };
			const double stop = now_ms() + seconds * 1e3;

			while (now_ms() < stop) {
				if (syscall(SYS_tgkill, pid, tid, SIGUSR1))
					_exit(1);
				nanosleep(&ts, NULL);
			}
			_exit(0);
		}
	}
	atomic_store(&signals, 0);
	end = now_ms() + seconds * 1e3;
	while ((start = now_ms()) < end && calls < MAX_CALLS) {
		if (syscall(SYS_landlock_restrict_self, -1,
			    LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF |
				    LANDLOCK_RESTRICT_SELF_TSYNC))
			die("landlock_restrict_self");
		times[calls++] = now_ms() - start;
	}
	if (storm) {
		int status;

		if (waitpid(storm, &status, 0) != storm || status)
			die("storm");
	}
	qsort(times, calls, sizeof(times[0]), cmp);
	printf("STORM,%s,%d,%d,%d,%u,%.3f,%.3f,%u\n", name, nr, period_us,
	       seconds, calls, calls ? times[calls / 2] : 0,
	       calls ? times[calls - 1] : 0, atomic_load(&signals));
	fflush(stdout);
}

int main(int argc, char *argv[])
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_DIR,
	};
	int nr = 64, period_us = 1000, seconds = 5, opt, fd, i;
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART };
	pthread_t thread;

	while ((opt = getopt(argc, argv, "n:p:t:")) != -1) {
		if (opt == 'n')
			nr = atoi(optarg);
		else if (opt == 'p')
			period_us = atoi(optarg);
		else if (opt == 't')
			seconds = atoi(optarg);
		else
			return 2;
	}
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");
	for (i = 0; i < nr; i++)
		if (pthread_create(&thread, NULL, sibling, NULL))
			die("pthread_create");
	fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_landlock_restrict_self, fd,
		    LANDLOCK_RESTRICT_SELF_TSYNC))
		die("enforce");
	phase("quiet", nr, 0, seconds);
	phase("storm", nr, period_us, seconds);
	return 0;
}
