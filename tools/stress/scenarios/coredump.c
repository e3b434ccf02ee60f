// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario coredump: a sibling dies of SIGSEGV during the call and the
 * process dumps core (core_pattern: a file in /tmp). The dump first stops
 * every other thread (zap_threads() sends them SIGKILL and waits for them),
 * so a call must let its siblings go when its caller is killed: the
 * process must end promptly, killed by SIGSEGV with a core written, and the
 * core file must be there and not empty.
 *
 * The call handles LANDLOCK_ACCESS_FS_READ_FILE only: the core file is
 * opened with the dumping thread's credentials, which may have the new
 * domain by then, and writing it must stay allowed.
 */

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../scenario.h"

#define CORE_DIR "/tmp"
#define CORE_PATTERN CORE_DIR "/ll-stress-core.%p"

static int *volatile nowhere;

static void *segv_main(void *arg)
{
	delay_into_call();
	/* A real fault, not a signal sent: the kernel's own SIGSEGV. */
	*nowhere = 0;
	deviation("no SIGSEGV");
	return NULL;
}

static void run_coredump(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int fd;

	fd = open("/proc/sys/kernel/core_pattern", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, CORE_PATTERN, strlen(CORE_PATTERN)) < 0)
		setup_failed("writing /proc/sys/kernel/core_pattern");
	close(fd);
	if (setrlimit(RLIMIT_CORE, &rl))
		setup_failed("setrlimit(RLIMIT_CORE)");
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		setup_failed("PR_SET_DUMPABLE");
	one_call_then_wait(segv_main);
}

/* In the parent: the core file must have been written; remove it. */
static unsigned int coredump_reaped(pid_t pid, int status,
				    unsigned long *events)
{
	char path[64];
	struct stat st;
	unsigned int dev = 0;

	snprintf(path, sizeof(path), CORE_DIR "/ll-stress-core.%d", pid);
	if (stat(path, &st)) {
		if (WIFSIGNALED(status) && WCOREDUMP(status))
			dev = reap_deviation("no core file %s: %s", path,
					     strerror(errno));
		return dev;
	}
	if (!st.st_size)
		dev = reap_deviation("core file %s is empty", path);
	else
		(*events)++;
	unlink(path);
	return dev;
}

const struct scenario scenario_coredump = {
	.name = "coredump",
	.run = run_coredump,
	.end = END_CORE,
	.events = "cores written",
	.reaped = coredump_reaped,
};
