// SPDX-License-Identifier: GPL-2.0
/*
 * tsync-maps: mainline's TSYNC against threads that read /proc/self/maps.
 *
 * READERS sibling threads loop reading /proc/self/maps (as glibc's
 * pthread_getattr_np(), profilers and runtimes' stack-guard code do: the
 * read takes the process's exec_update_lock for read, killably, in
 * mm_access()), while the main thread makes CALLS calls of
 * landlock_restrict_self(-1, LOG_SUBDOMAINS_OFF | TSYNC). A watchdog
 * (alarm) ends the program after TIMEOUT seconds with the count of calls
 * that returned, instead of hanging.
 *
 * Usage: tsync-maps [READERS [CALLS [TIMEOUT [FILE]]]]
 *        (default: 4 200 10 /proc/self/maps; /proc/self/stat takes the
 *        same lock)
 * Prints one line; exit 0 if every call returned 0, 1 if one failed,
 * 2 if the watchdog fired.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../common.h"

static atomic_int done_calls;
static int calls = 200, readers = 4, timeout_s = 10;
static const char *path = "/proc/self/maps";
static atomic_long reads;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void watchdog(int sig)
{
	char buf[200];
	int n;

	n = snprintf(
		buf, sizeof(buf),
		"tsync-maps: HANG: %d of %d calls returned within %d s (%d readers of %s, %ld reads)\n",
		atomic_load(&done_calls), calls, timeout_s, readers, path,
		atomic_load(&reads));
	if (write(STDOUT_FILENO, buf, n) < 0)
		_exit(3);
	_exit(2);
}

static void *reader(void *arg)
{
	char buf[4096];

	for (;;) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			continue;
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
		atomic_fetch_add(&reads, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	double start, t, longest = 0;
	pthread_t thread;
	int i;

	if (argc > 1)
		readers = atoi(argv[1]);
	if (argc > 2)
		calls = atoi(argv[2]);
	if (argc > 3)
		timeout_s = atoi(argv[3]);
	if (argc > 4)
		path = argv[4];
	setvbuf(stdout, NULL, _IONBF, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("prctl(PR_SET_NO_NEW_PRIVS)");
		return 1;
	}
	for (i = 0; i < readers; i++) {
		if (pthread_create(&thread, NULL, reader, NULL)) {
			perror("pthread_create");
			return 1;
		}
	}
	/* Let the readers start. */
	while (atomic_load(&reads) < readers)
		usleep(1000);

	signal(SIGALRM, watchdog);
	alarm(timeout_s);
	start = now_ms();
	for (i = 0; i < calls; i++) {
		t = now_ms();
		if (syscall(SYS_landlock_restrict_self, -1,
			    LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF |
				    LANDLOCK_RESTRICT_SELF_TSYNC)) {
			printf("tsync-maps: call %d failed: %s\n", i,
			       strerror(errno));
			return 1;
		}
		t = now_ms() - t;
		if (t > longest)
			longest = t;
		atomic_fetch_add(&done_calls, 1);
	}
	alarm(0);
	printf("tsync-maps: %d of %d calls returned in %.1f s (%d readers of %s), longest call %.1f ms\n",
	       calls, calls, (now_ms() - start) / 1e3, readers, path, longest);
	return 0;
}
