// SPDX-License-Identifier: GPL-2.0
/*
 * The program that make clients runs under landrun: NR_THREADS threads and
 * the main thread each open FILE for reading and for writing, and report
 * what happened.  Run as root, so that only Landlock can deny the write.
 *
 * Usage: probe allowed|denied FILE
 *   allowed: every thread must be able to write FILE (no sandbox);
 *   denied:  every thread must be denied writing FILE (EACCES), and still
 *            be able to read it.
 * Exit status: 0 if every thread saw what was expected, 1 if not, 2 on a
 * usage error.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NR_THREADS 4

static const char *file;
static int expect_denied;

/* Returns 0 if this thread saw what was expected, 1 otherwise. */
static int probe(const char *who)
{
	int rfd, wfd, werr, ok;

	rfd = open(file, O_RDONLY | O_CLOEXEC);
	wfd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC);
	werr = wfd < 0 ? errno : 0;
	ok = rfd >= 0 && (expect_denied ? werr == EACCES : wfd >= 0);
	printf("probe: %s (tid %d): read %s, write %s%s\n", who, gettid(),
	       rfd >= 0 ? "allowed" : "failed",
	       wfd >= 0 ? "allowed" : strerror(werr), ok ? "" : " UNEXPECTED");
	if (rfd >= 0)
		close(rfd);
	if (wfd >= 0)
		close(wfd);
	return !ok;
}

static void *thread_main(void *arg)
{
	return (void *)(long)probe("thread");
}

int main(int argc, char *argv[])
{
	pthread_t threads[NR_THREADS];
	int i, failed = 0;
	void *ret;

	if (argc != 3 ||
	    (strcmp(argv[1], "allowed") && strcmp(argv[1], "denied"))) {
		fprintf(stderr, "usage: %s allowed|denied FILE\n", argv[0]);
		return 2;
	}
	expect_denied = !strcmp(argv[1], "denied");
	file = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < NR_THREADS; i++) {
		if (pthread_create(&threads[i], NULL, thread_main, NULL)) {
			fprintf(stderr, "probe: pthread_create failed\n");
			return 1;
		}
	}
	failed += probe("main");
	for (i = 0; i < NR_THREADS; i++) {
		if (pthread_join(threads[i], &ret))
			return 1;
		failed += (long)ret;
	}
	printf("probe: %d of %d threads saw the write %s\n",
	       NR_THREADS + 1 - failed, NR_THREADS + 1, argv[1]);
	return failed ? 1 : 0;
}
