// SPDX-License-Identifier: GPL-2.0
/*
 * The "make run" demo: a process that is already multithreaded sandboxes
 * itself, once with LANDLOCK_RESTRICT_SELF_TSYNC and once with the libpsx
 * broadcast that user space uses without it, and shows the difference.
 *
 * Each experiment runs in a fresh forked process with 8 worker threads
 * started before the sandbox, as in a Go program.  The ruleset denies
 * writing files, holds NR_RULES TCP bind rules (so that a domain has a
 * visible size) and scopes abstract UNIX sockets and signals.  After the
 * call, every thread tries to write a file, binds an abstract UNIX socket,
 * connects to the sockets of all its siblings and signals the next thread.
 *
 * Usage: demo [--psx-only]   (--psx-only: skip TSYNC, e.g. on an old kernel)
 * Exit status: 0 if TSYNC behaved as designed, 1 if not, 2 if the kernel
 * lacks Landlock ABI 8.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/psx_syscall.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common.h"

#define NR_WORKERS 8
#define NR_THREADS (NR_WORKERS + 1)
#define NR_RULES 2000
#define MAX_LAYERS 16
#define WRITE_PATH "/tmp/landlock-demo"

enum mode { MODE_TSYNC, MODE_PSX };

struct thread_result {
	int write_err; /* errno of open(O_WRONLY), 0 if allowed */
	int signal_err; /* errno of tgkill(next), or EAGAIN if lost */
	int connect_err; /* errno of connect(next's socket), 0 if allowed */
	bool can_connect[NR_THREADS];
};

struct run {
	bool done; /* the forked process ran to the end */
	int call_err; /* errno of the restrict call, 0 on success */
	long long call_ns;
	long slab_kb; /* slab growth over the call */
	struct thread_result t[NR_THREADS];
};

/* Shared between the forked experiments and the parent that prints. */
static struct {
	struct run tsync, psx, tsync_limit, psx_limit;
} *shared;

/* State of the current experiment, in its own process. */
static enum mode mode;
static bool sibling_at_limit;
static struct run *res;
static int ruleset_fd;
static pid_t tids[NR_THREADS];
static pthread_barrier_t barrier;

static int restrict_self(int fd, __u32 flags)
{
	return syscall(__NR_landlock_restrict_self, fd, flags);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Slab in use, in kB.  Reading vm/stat_refresh first folds the per-CPU
 * counters into the global ones, so that /proc/meminfo is exact.
 */
static long slab_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f;
	int fd;

	fd = open("/proc/sys/vm/stat_refresh", O_RDONLY);
	if (fd >= 0) {
		/* The read does the refresh; it returns nothing. */
		if (read(fd, line, sizeof(line)) < 0)
			perror("demo: stat_refresh");
		close(fd);
	}
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int create_ruleset(void)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_WRITE_FILE,
		.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP,
		.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
			  LANDLOCK_SCOPE_SIGNAL,
	};
	struct landlock_net_port_attr port = {
		.allowed_access = LANDLOCK_ACCESS_NET_BIND_TCP,
	};
	int fd;

	fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return -1;
	for (port.port = 1; port.port <= NR_RULES; port.port++) {
		if (syscall(__NR_landlock_add_rule, fd, LANDLOCK_RULE_NET_PORT,
			    &port, 0)) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Stack MAX_LAYERS unrelated layers on the calling thread. */
static int fill_layers(void)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK,
	};
	int fd, i, err = 0;

	fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return -1;
	for (i = 0; i < MAX_LAYERS && !err; i++)
		err = restrict_self(fd, 0);
	close(fd);
	return err;
}

static socklen_t socket_name(struct sockaddr_un *addr, int idx)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	/* Abstract: sun_path[0] stays '\0'. */
	snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1,
		 "landlock-demo-%d-%d", getpid(), idx);
	return offsetof(struct sockaddr_un, sun_path) + 1 +
	       strlen(addr->sun_path + 1);
}

static int try_connect(int idx)
{
	struct sockaddr_un addr;
	socklen_t len = socket_name(&addr, idx);
	int fd, err = 0;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, (struct sockaddr *)&addr, len))
		err = errno;
	close(fd);
	return err;
}

/* Everything a thread checks once the call has returned. */
static void probe(int idx)
{
	struct thread_result *t = &res->t[idx];
	int next = (idx + 1) % NR_THREADS;
	struct timespec timeout = { .tv_sec = 2 };
	struct sockaddr_un addr;
	socklen_t len;
	sigset_t set;
	int fd, lfd, i;

	fd = open(WRITE_PATH, O_WRONLY | O_CLOEXEC);
	t->write_err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);

	/*
	 * The socket is created and bound after the call, so that it belongs
	 * to the thread's new domain.
	 */
	len = socket_name(&addr, idx);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, len) ||
	    listen(lfd, 2 * NR_THREADS)) {
		perror("demo: listening socket");
		exit(1);
	}
	pthread_barrier_wait(&barrier);
	for (i = 0; i < NR_THREADS; i++) {
		int err = i == idx ? 0 : try_connect(i);

		t->can_connect[i] = !err;
		if (i == next)
			t->connect_err = err;
	}
	pthread_barrier_wait(&barrier);
	close(lfd);

	/* SIGUSR1 is blocked everywhere: each thread takes its own. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	t->signal_err = 0;
	if (syscall(__NR_tgkill, getpid(), tids[next], SIGUSR1))
		t->signal_err = errno;
	pthread_barrier_wait(&barrier);
	if (sigtimedwait(&set, NULL, &timeout) < 0) {
		int prev = (idx + NR_THREADS - 1) % NR_THREADS;

		if (!res->t[prev].signal_err)
			res->t[prev].signal_err = EAGAIN;
	}
}

static void *worker(void *arg)
{
	int idx = (int)(long)arg;

	tids[idx] = gettid();
	if (sibling_at_limit && idx == NR_WORKERS && fill_layers()) {
		perror("demo: stacking layers");
		exit(1);
	}
	/* All threads exist (and the last one is at the limit)... */
	pthread_barrier_wait(&barrier);
	/* ...then wait, idle, while the main thread sandboxes the process. */
	pthread_barrier_wait(&barrier);
	probe(idx);
	return NULL;
}

/* One experiment, in a fresh process: returns its exit status. */
static int experiment(void)
{
	pthread_t threads[NR_WORKERS];
	long long start;
	long slab;
	int i, ret;

	ruleset_fd = create_ruleset();
	if (ruleset_fd < 0) {
		perror("demo: creating the ruleset");
		return 1;
	}
	tids[0] = gettid();
	pthread_barrier_init(&barrier, NULL, NR_THREADS);
	for (i = 0; i < NR_WORKERS; i++) {
		if (pthread_create(&threads[i], NULL, worker,
				   (void *)(long)(i + 1))) {
			fprintf(stderr, "demo: cannot create threads\n");
			return 1;
		}
	}
	pthread_barrier_wait(&barrier);

	slab = slab_kb();
	start = now_ns();
	if (mode == MODE_TSYNC)
		ret = restrict_self(ruleset_fd, LANDLOCK_RESTRICT_SELF_TSYNC);
	else
		ret = psx_syscall3(__NR_landlock_restrict_self, ruleset_fd, 0,
				   0);
	res->call_ns = now_ns() - start;
	res->call_err = ret ? errno : 0;
	res->slab_kb = slab_kb() - slab;
	close(ruleset_fd);

	pthread_barrier_wait(&barrier);
	probe(0);
	for (i = 0; i < NR_WORKERS; i++)
		pthread_join(threads[i], NULL);
	res->done = true;
	return 0;
}

static void run(struct run *r, enum mode m, bool at_limit)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("demo: fork");
		exit(1);
	}
	if (!pid) {
		res = r;
		mode = m;
		sibling_at_limit = at_limit;
		_exit(experiment());
	}
	waitpid(pid, &status, 0);
}

static int count_restricted(const struct run *r)
{
	int i, n = 0;

	for (i = 0; i < NR_THREADS; i++)
		n += r->t[i].write_err == EACCES;
	return n;
}

/* Threads that can reach each other's sockets share a domain. */
static int count_domains(const struct run *r)
{
	int i, j, n = 0, class[NR_THREADS];

	for (i = 0; i < NR_THREADS; i++) {
		class[i] = -1;
		for (j = 0; j < i; j++) {
			if (r->t[i].can_connect[j] && r->t[j].can_connect[i]) {
				class[i] = class[j];
				break;
			}
		}
		if (class[i] < 0)
			class[i] = n++;
	}
	return n;
}

static const char *verdict(int err)
{
	if (!err)
		return "ok";
	if (err == EACCES || err == EPERM)
		return "denied";
	if (err == EAGAIN)
		return "lost";
	return strerror(err);
}

static const char *cell(const struct run *r, int err)
{
	return r->done ? verdict(err) : "-";
}

static void print_thread_table(const struct run *a, const struct run *b)
{
	int i;

	printf("%-14s %-20s %-20s %s\n", "", "write a file",
	       "signal next thread", "connect to next's socket");
	printf("%-14s %-9s %-10s %-9s %-10s %-9s %s\n", "thread", "TSYNC",
	       "libpsx", "TSYNC", "libpsx", "TSYNC", "libpsx");
	for (i = 0; i < NR_THREADS; i++) {
		char name[16];

		if (i)
			snprintf(name, sizeof(name), "worker %d", i);
		else
			snprintf(name, sizeof(name), "main (caller)");
		printf("%-14s %-9s %-10s %-9s %-10s %-9s %s\n", name,
		       cell(a, a->t[i].write_err), cell(b, b->t[i].write_err),
		       cell(a, a->t[i].signal_err), cell(b, b->t[i].signal_err),
		       cell(a, a->t[i].connect_err),
		       cell(b, b->t[i].connect_err));
	}
}

static void limit_cell(char *buf, size_t size, const struct run *r)
{
	int n = count_restricted(r);

	if (!r->done)
		snprintf(buf, size, "-");
	else if (r->call_err)
		snprintf(buf, size, "%s, %d/%d restricted",
			 strerrorname_np(r->call_err), n, NR_THREADS);
	else
		snprintf(buf, size, "returns 0, %d/%d restricted", n,
			 NR_THREADS);
}

/* One line of the summary: a label and a value per experiment. */
static void summary_line(const char *label, const struct run *a,
			 const struct run *b, const char *ca, const char *cb)
{
	printf("%-32s %-26s %s\n", label, a->done ? ca : "-",
	       b->done ? cb : "-");
}

static void print_summary(const struct run *a, const struct run *b,
			  const struct run *al, const struct run *bl)
{
	char ca[40], cb[40];

	printf("\n%-32s %-26s %s\n", "", "TSYNC", "libpsx");
	summary_line("result of the call", a, b,
		     a->call_err ? strerrorname_np(a->call_err) : "0",
		     b->call_err ? strerrorname_np(b->call_err) : "0");
	snprintf(ca, sizeof(ca), "%lld us", a->call_ns / 1000);
	snprintf(cb, sizeof(cb), "%lld us", b->call_ns / 1000);
	summary_line("time of the call", a, b, ca, cb);
	snprintf(ca, sizeof(ca), "%d", count_domains(a));
	snprintf(cb, sizeof(cb), "%d", count_domains(b));
	summary_line("domains (threads that connect)", a, b, ca, cb);
	snprintf(ca, sizeof(ca), "%+ld kB", a->slab_kb);
	snprintf(cb, sizeof(cb), "%+ld kB", b->slab_kb);
	summary_line("slab growth over the call", a, b, ca, cb);
	limit_cell(ca, sizeof(ca), al);
	limit_cell(cb, sizeof(cb), bl);
	printf("%-32s %-26s %s\n", "worker 8 already at 16 layers", ca, cb);
}

static bool tsync_as_designed(const struct run *r, const struct run *rl)
{
	int i;

	if (!r->done || r->call_err || count_domains(r) != 1 ||
	    count_restricted(r) != NR_THREADS)
		return false;
	for (i = 0; i < NR_THREADS; i++)
		if (r->t[i].signal_err || r->t[i].connect_err)
			return false;
	return rl->done && !rl->call_err && count_restricted(rl) == NR_THREADS;
}

static void conclude(const struct run *a, const struct run *b,
		     const struct run *bl, bool ok)
{
	int nb = count_domains(b), lost = NR_THREADS - count_restricted(bl);

	printf("\n");
	if (!ok) {
		printf("TSYNC did NOT behave as designed: see the TSYNC columns above.\n");
		return;
	}
	printf("Shown: one TSYNC call put all %d threads in one domain (%+ld kB), where\n"
	       "they still reach each other, while libpsx made %d domains (%+ld kB) whose\n"
	       "threads cannot connect to each other, and %s.\n",
	       NR_THREADS, a->slab_kb, nb, b->slab_kb,
	       lost && !bl->call_err ?
		       "reported success with a thread left unrestricted" :
		       "is not all-or-nothing");
}

int main(int argc, char *argv[])
{
	bool psx_only = argc > 1 && !strcmp(argv[1], "--psx-only");
	struct utsname uts;
	sigset_t set;
	long abi;
	int fd;
	bool ok;

	abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
		      LANDLOCK_CREATE_RULESET_VERSION);
	uname(&uts);
	printf("Landlock TSYNC demo: kernel %s, Landlock ABI %ld\n",
	       uts.release, abi);
	if (abi < 8 && !psx_only) {
		printf("This kernel does not have LANDLOCK_RESTRICT_SELF_TSYNC (Landlock ABI 8):\n"
		       "boot the patched kernel (make run) to see the demo.\n");
		return 2;
	}
	if (abi < 6) {
		printf("Landlock ABI 6 (scoping) is needed even for --psx-only.\n");
		return 2;
	}

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		perror("demo: mmap");
		return 1;
	}
	fd = open(WRITE_PATH, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror("demo: " WRITE_PATH);
		return 1;
	}
	close(fd);
	/* Inherited by every experiment and thread: needed to sandbox. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("demo: no_new_privs");
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	printf("%d threads (the caller and %d workers started first, as in Go) enforce:\n",
	       NR_THREADS, NR_WORKERS);
	printf("no file writes, %d TCP bind rules, scoped abstract sockets and signals.\n\n",
	       NR_RULES);
	if (!psx_only) {
		run(&shared->tsync, MODE_TSYNC, false);
		run(&shared->tsync_limit, MODE_TSYNC, true);
	}
	run(&shared->psx, MODE_PSX, false);
	run(&shared->psx_limit, MODE_PSX, true);

	print_thread_table(&shared->tsync, &shared->psx);
	print_summary(&shared->tsync, &shared->psx, &shared->tsync_limit,
		      &shared->psx_limit);
	if (psx_only)
		return 0;
	ok = tsync_as_designed(&shared->tsync, &shared->tsync_limit);
	conclude(&shared->tsync, &shared->psx, &shared->psx_limit, ok);
	return ok ? 0 : 1;
}
