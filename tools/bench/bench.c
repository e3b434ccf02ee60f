// SPDX-License-Identifier: GPL-2.0
/*
 * Cost of restricting every thread of a process with Landlock: the kernel's
 * LANDLOCK_RESTRICT_SELF_TSYNC against libpsx's user-space broadcast
 * (psx_syscall3(), one landlock_restrict_self() per thread from a signal
 * handler), and against the lower bound "one single-thread
 * landlock_restrict_self() times the number of threads".
 *
 * Each batch of measurements runs in a fresh child process (a process can
 * stack at most 16 Landlock layers) with N idle sibling threads parked on a
 * futex. TSYNC and libpsx alternate within a batch, so that both see the
 * same conditions (an untimed TSYNC after each libpsx call makes the
 * siblings share the caller's credentials again, as in a fresh process).
 * Enforcement i adds a layer that denies reading probe file i and allows
 * probes i+1..15, so that every enforcement is checked on its own:
 * afterwards every thread opens probe i itself and must get EACCES, or the
 * measurement is void.
 *
 * Machine-readable output, one line per result (times in microseconds,
 * memory in kB; human-readable lines start with '#'):
 *
 *   ABI,<landlock ABI version>
 *   BENCH,<method>,<N>,<median_us>,<min_us>,<max_us>,<reps>
 *   STAB,<method>,<N>,<lowest_us>,<highest_us>,<block>  the medians of 4
 *       blocks of <block> consecutive samples: how stable the median is
 *   MEM,<method>,<N>,<rules>,<slab_median_kB>,<slab_min_kB>,<slab_max_kB>,
 *       <sunreclaim_median_kB>,<sunreclaim_min_kB>,<sunreclaim_max_kB>,
 *       <cred_jar_objs_median|NA>,<reps>
 *   VOID,<method>,<N>,<layer>,<reason>  a measurement that did not restrict
 *   ERROR,<method>,<N>,<reason>         a batch that could not run
 *   SKIP,<method>,<reason>              a method this kernel lacks
 *   DONE,<voids>,<errors>
 *
 * Methods: "single" (flags 0, no sibling), "tsync", "psx", "ref"
 * (single x (N + 1), derived) and "wake" (the time for all N siblings to
 * wake up and open() a file once, measured after TSYNC, or after libpsx
 * without TSYNC: the O(N) cost of touching every thread on this machine).
 * MEM lines give the slab growth of one enforcement (Slab and SUnreclaim
 * from /proc/meminfo after /proc/sys/vm/stat_refresh, cred_jar objects when
 * /proc/slabinfo exists).
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/landlock.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/psx_syscall.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_LAYERS 16
#define MAX_SAMPLES 256
#define NR_FILES 1000

/*
 * M_PAIR is not a method but a batch plan: TSYNC and libpsx alternate in
 * one process, so that both see the same load on the host and share the
 * cost of creating the threads.
 */
enum method { M_SINGLE, M_TSYNC, M_PSX, NR_METHODS, M_PAIR = NR_METHODS };
static const char *const method_names[] = { "single", "tsync", "psx" };

/* Results of one batch, written by the child, read by the parent. */
struct batch {
	int nr[NR_METHODS];
	double us[NR_METHODS][MAX_SAMPLES];
	double wake_us[NR_METHODS][MAX_SAMPLES];
	int nr_mem;
	long slab_kb[MAX_SAMPLES];
	long sunr_kb[MAX_SAMPLES];
	long cred_objs[MAX_SAMPLES];
	int nr_void;
	char error[200];
};

struct meminfo {
	long slab_kb;
	long sunr_kb;
	long cred_objs; /* -1: no /proc/slabinfo */
};

static const char *root = "/tmp/bench";
static size_t stack_size = 32 * 1024;
static int abi;
static int nr_voids, nr_errors;

/* Worker threads: parked on cmd_seq, probe when it changes. */
static uint32_t cmd_seq;
static uint32_t nr_ready, nr_done, nr_bad;
static uint32_t nr_workers;
static char probe_path[PATH_MAX];

/* Files the child opens before it restricts itself. */
static int meminfo_fd = -1, refresh_fd = -1, slabinfo_fd = -1;

static long sys_create_ruleset(const struct landlock_ruleset_attr *attr,
			       size_t size, uint32_t flags)
{
	return syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static long sys_add_rule(int fd, enum landlock_rule_type type, const void *attr,
			 uint32_t flags)
{
	return syscall(__NR_landlock_add_rule, fd, type, attr, flags);
}

static long sys_restrict_self(int fd, uint32_t flags)
{
	return syscall(__NR_landlock_restrict_self, fd, flags);
}

static void futex_wait(uint32_t *addr, uint32_t val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(uint32_t *addr, int nr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, nr, NULL, NULL, 0);
}

/* Wait until *cnt == target; the last incrementer wakes us. */
static void wait_count(uint32_t *cnt, uint32_t target)
{
	uint32_t v;

	while ((v = __atomic_load_n(cnt, __ATOMIC_ACQUIRE)) != target)
		futex_wait(cnt, v);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* True if the calling thread may not read @path (EACCES). */
static bool probe_denied(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EACCES;
}

static void *worker(void *arg)
{
	uint32_t seen = 0, seq;

	if (__atomic_add_fetch(&nr_ready, 1, __ATOMIC_ACQ_REL) == nr_workers)
		futex_wake(&nr_ready, 1);
	for (;;) {
		seq = __atomic_load_n(&cmd_seq, __ATOMIC_ACQUIRE);
		if (seq == seen) {
			futex_wait(&cmd_seq, seen);
			continue;
		}
		seen = seq;
		if (!probe_denied(probe_path))
			__atomic_add_fetch(&nr_bad, 1, __ATOMIC_ACQ_REL);
		if (__atomic_add_fetch(&nr_done, 1, __ATOMIC_ACQ_REL) ==
		    nr_workers)
			futex_wake(&nr_done, 1);
	}
	return NULL;
}

/* Create @n workers and wait until all of them run; 0 or -1 with @err. */
static int spawn_workers(uint32_t n, char *err, size_t err_size)
{
	pthread_attr_t attr;
	pthread_t t;
	uint32_t i;
	int ret;

	nr_workers = n;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, stack_size);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < n; i++) {
		ret = pthread_create(&t, &attr, worker, NULL);
		if (ret) {
			snprintf(err, err_size,
				 "pthread_create failed after %u threads: %s",
				 i, strerror(ret));
			return -1;
		}
	}
	pthread_attr_destroy(&attr);
	wait_count(&nr_ready, n);
	return 0;
}

/* Let the workers go back to sleep before the next enforcement. */
static void let_workers_park(void)
{
	sleep_ms(10 + nr_workers / 1000);
}

/*
 * Ask every worker to probe probe_path; returns the number of threads
 * (the caller included) that could still read it.
 */
static uint32_t verify_all(void)
{
	uint32_t bad = probe_denied(probe_path) ? 0 : 1;

	if (!nr_workers)
		return bad;
	__atomic_store_n(&nr_done, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&nr_bad, 0, __ATOMIC_RELEASE);
	__atomic_add_fetch(&cmd_seq, 1, __ATOMIC_ACQ_REL);
	futex_wake(&cmd_seq, INT_MAX);
	wait_count(&nr_done, nr_workers);
	return bad + __atomic_load_n(&nr_bad, __ATOMIC_ACQUIRE);
}

/* root/chain/d1/.../d<layer>: probe <layer> lives there. */
static void chain_dir(char *buf, size_t size, int layer)
{
	int i, len;

	len = snprintf(buf, size, "%s/chain", root);
	for (i = 1; i <= layer && len < (int)size; i++)
		len += snprintf(buf + len, size - len, "/d%d", i);
}

static void set_probe(int layer)
{
	chain_dir(probe_path, sizeof(probe_path) - sizeof("/probe"), layer);
	strcat(probe_path, "/probe");
}

static int make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* The probe chain and the files of the 1,000-rule ruleset. */
static int setup_tree(void)
{
	char path[PATH_MAX];
	int i;

	if (mkdir(root, 0755) && errno != EEXIST)
		goto fail;
	for (i = 0; i <= MAX_LAYERS; i++) {
		chain_dir(path, sizeof(path), i);
		if (mkdir(path, 0755) && errno != EEXIST)
			goto fail;
		set_probe(i);
		if (make_file(probe_path))
			goto fail;
	}
	snprintf(path, sizeof(path), "%s/files", root);
	if (mkdir(path, 0755) && errno != EEXIST)
		goto fail;
	for (i = 0; i < NR_FILES; i++) {
		snprintf(path, sizeof(path), "%s/files/f%03d", root, i);
		if (access(path, F_OK) && make_file(path))
			goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "bench: cannot set up %s: %s\n", path, strerror(errno));
	return -1;
}

static int add_path_rule(int ruleset_fd, const char *path)
{
	struct landlock_path_beneath_attr pb = {
		.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	int ret;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return -1;
	ret = sys_add_rule(ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(pb.parent_fd);
	return ret;
}

/*
 * Ruleset of layer @layer with @rules rules: reading files is handled and
 * allowed beneath chain/d1/.../d<layer+1> (so probe <layer> is denied and
 * later probes are not), plus @rules - 1 single-file rules.
 */
static int make_ruleset(int layer, int rules)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	char path[PATH_MAX];
	int fd, i;

	fd = sys_create_ruleset(&attr, sizeof(attr), 0);
	if (fd < 0)
		return -1;
	chain_dir(path, sizeof(path), layer + 1);
	if (add_path_rule(fd, path))
		goto err;
	for (i = 0; i < rules - 1; i++) {
		snprintf(path, sizeof(path), "%s/files/f%03d", root, i);
		if (add_path_rule(fd, path))
			goto err;
	}
	return fd;
err:
	close(fd);
	return -1;
}

static long enforce(enum method m, int fd)
{
	switch (m) {
	case M_TSYNC:
		return sys_restrict_self(fd, LANDLOCK_RESTRICT_SELF_TSYNC);
	case M_PSX:
		return psx_syscall3(__NR_landlock_restrict_self, fd, 0, 0);
	default:
		return sys_restrict_self(fd, 0);
	}
}

static ssize_t read_at0(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t ret;

	while (len < size - 1) {
		ret = pread(fd, buf + len, size - 1 - len, len);
		if (ret < 0)
			return -1;
		if (!ret)
			break;
		len += ret;
	}
	buf[len] = '\0';
	return len;
}

static long meminfo_field(const char *buf, const char *name)
{
	const char *p = strstr(buf, name);

	return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

static void read_mem(struct meminfo *mi)
{
	static char buf[1 << 16];
	const char *p;

	if (refresh_fd >= 0 && pwrite(refresh_fd, "1\n", 2, 0) < 0)
		refresh_fd = -1;
	read_at0(meminfo_fd, buf, sizeof(buf));
	mi->slab_kb = meminfo_field(buf, "\nSlab:");
	mi->sunr_kb = meminfo_field(buf, "\nSUnreclaim:");
	mi->cred_objs = -1;
	if (slabinfo_fd >= 0 && read_at0(slabinfo_fd, buf, sizeof(buf)) > 0) {
		p = strstr(buf, "\ncred_jar ");
		if (p)
			mi->cred_objs = strtol(p + 10, NULL, 10);
	}
}

/* Read memory counters once they stopped moving (RCU frees, vmstat). */
static void settle(struct meminfo *mi)
{
	struct meminfo prev;
	int i;

	read_mem(&prev);
	for (i = 0; i < 8; i++) {
		sleep_ms(50);
		read_mem(mi);
		if (mi->slab_kb == prev.slab_kb && mi->sunr_kb == prev.sunr_kb)
			return;
		prev = *mi;
	}
}

static void print_void(enum method m, uint32_t n, int layer, const char *why)
{
	printf("VOID,%s,%u,%d,%s\n", method_names[m], n, layer, why);
	fflush(stdout);
}

/*
 * Method of layer @i of a batch run with @plan. A pair is a timed TSYNC, a
 * timed libpsx call, then an untimed TSYNC that makes the siblings share
 * the caller's credentials again, as they did in a fresh process.
 */
static enum method layer_method(enum method plan, int i, bool *timed)
{
	*timed = true;
	if (plan != M_PAIR)
		return plan;
	switch (i % 3) {
	case 0:
		return M_TSYNC;
	case 1:
		return M_PSX;
	default:
		*timed = false;
		return M_TSYNC;
	}
}

/*
 * Child: one batch of @layers enforcements with @plan, with @n siblings.
 * With @mem, the slab growth of each enforcement of @rules-rule rulesets
 * (one layer per process makes sense); else 1-rule layers, timed.
 */
static int run_batch(struct batch *b, enum method plan, uint32_t n, int layers,
		     bool mem, int rules)
{
	struct meminfo before = {}, after = {};
	double t0, t1, t2, t3;
	enum method m;
	char why[128];
	uint32_t bad;
	bool timed;
	long ret;
	int i, fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(b->error, sizeof(b->error), "no_new_privs: %s",
			 strerror(errno));
		return 1;
	}
	if (mem) {
		meminfo_fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
		refresh_fd =
			open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
		slabinfo_fd = open("/proc/slabinfo", O_RDONLY | O_CLOEXEC);
		if (meminfo_fd < 0) {
			snprintf(b->error, sizeof(b->error),
				 "/proc/meminfo: %s", strerror(errno));
			return 1;
		}
	}
	if (spawn_workers(n, b->error, sizeof(b->error)))
		return 1;

	for (i = 0; i < layers; i++) {
		m = layer_method(plan, i, &timed);
		fd = make_ruleset(i, rules);
		if (fd < 0) {
			snprintf(b->error, sizeof(b->error),
				 "cannot build ruleset %d: %s", i,
				 strerror(errno));
			return 1;
		}
		set_probe(i);
		if (probe_denied(probe_path)) {
			snprintf(b->error, sizeof(b->error),
				 "probe %d denied before its layer", i);
			return 1;
		}
		let_workers_park();
		if (mem)
			settle(&before);
		t0 = now_us();
		ret = enforce(m, fd);
		t1 = now_us();
		if (ret) {
			snprintf(why, sizeof(why), "enforcement failed: %s",
				 strerror(errno));
			print_void(m, n, i, why);
			b->nr_void++;
			close(fd);
			continue;
		}
		if (mem)
			settle(&after);
		close(fd);
		t2 = now_us();
		bad = verify_all();
		t3 = now_us();
		if (bad) {
			snprintf(why, sizeof(why),
				 "%u of %u threads not restricted", bad, n + 1);
			print_void(m, n, i, why);
			b->nr_void++;
			continue;
		}
		if (!timed)
			continue;
		b->us[m][b->nr[m]] = t1 - t0;
		b->wake_us[m][b->nr[m]] = t3 - t2;
		b->nr[m]++;
		if (!mem)
			continue;
		b->slab_kb[b->nr_mem] = after.slab_kb - before.slab_kb;
		b->sunr_kb[b->nr_mem] = after.sunr_kb - before.sunr_kb;
		b->cred_objs[b->nr_mem] =
			before.cred_objs < 0 ?
				-1 :
				after.cred_objs - before.cred_objs;
		b->nr_mem++;
	}
	return 0;
}

/* Append the samples of @from to @to. */
static void add_samples(struct batch *to, const struct batch *from)
{
	int m, i;

	for (m = 0; m < NR_METHODS; m++) {
		for (i = 0; i < from->nr[m] && to->nr[m] < MAX_SAMPLES; i++) {
			to->us[m][to->nr[m]] = from->us[m][i];
			to->wake_us[m][to->nr[m]] = from->wake_us[m][i];
			to->nr[m]++;
		}
	}
	for (i = 0; i < from->nr_mem && to->nr_mem < MAX_SAMPLES; i++) {
		to->slab_kb[to->nr_mem] = from->slab_kb[i];
		to->sunr_kb[to->nr_mem] = from->sunr_kb[i];
		to->cred_objs[to->nr_mem] = from->cred_objs[i];
		to->nr_mem++;
	}
	to->nr_void += from->nr_void;
}

/* Fork a child for one batch; appends its samples to @acc. */
static int batch(struct batch *acc, struct batch *shared, enum method plan,
		 uint32_t n, int layers, bool mem, int rules)
{
	int status;
	pid_t pid;

	memset(shared, 0, sizeof(*shared));
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(acc->error, sizeof(acc->error), "fork: %s",
			 strerror(errno));
		return -1;
	}
	if (!pid) {
		status = run_batch(shared, plan, n, layers, mem, rules);
		fflush(stdout);
		_exit(status);
	}
	if (waitpid(pid, &status, 0) < 0)
		status = -1;
	add_samples(acc, shared);
	if (shared->error[0]) {
		memcpy(acc->error, shared->error, sizeof(acc->error));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (WIFSIGNALED(status))
			snprintf(acc->error, sizeof(acc->error),
				 "child killed by signal %d", WTERMSIG(status));
		else
			snprintf(acc->error, sizeof(acc->error),
				 "child failed (status %#x)", status);
		return -1;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static double median_d(double *v, int nr)
{
	qsort(v, nr, sizeof(*v), cmp_double);
	return nr % 2 ? v[nr / 2] : (v[nr / 2 - 1] + v[nr / 2]) / 2;
}

static long median_l(long *v, int nr)
{
	qsort(v, nr, sizeof(*v), cmp_long);
	return v[(nr - 1) / 2];
}

static void report_error(enum method plan, uint32_t n, const char *error)
{
	printf("ERROR,%s,%u,%s\n",
	       plan == M_PAIR ? "tsync+psx" : method_names[plan], n, error);
	nr_errors++;
}

/* Print a BENCH line (and a human one) for @nr samples; sorts @v. */
static void print_stats(const char *name, uint32_t n, double *v, int nr,
			double out[4])
{
	double block[MAX_SAMPLES / 4], lo = 0, hi = 0, b;
	int i, j, len = nr / 4;

	/*
	 * How stable the median is: the medians of 4 blocks of consecutive
	 * samples (in the order they were taken), smallest and largest.
	 */
	for (i = 0; len >= 2 && i < 4; i++) {
		for (j = 0; j < len; j++)
			block[j] = v[i * len + j];
		b = median_d(block, len);
		if (!i || b < lo)
			lo = b;
		if (!i || b > hi)
			hi = b;
	}
	if (len >= 2)
		printf("STAB,%s,%u,%.1f,%.1f,%d\n", name, n, lo, hi, len);
	out[0] = median_d(v, nr);
	out[1] = v[0];
	out[2] = v[nr - 1];
	out[3] = nr;
	printf("BENCH,%s,%u,%.3f,%.3f,%.3f,%d\n", name, n, out[0], out[1],
	       out[2], nr);
	printf("# %-6s N=%-5u %3d reps: ", name, n, nr);
	printf("median %10.1f us  min %10.1f  max %10.1f\n", out[0], out[1],
	       out[2]);
}

/*
 * @reps timed enforcements of each method of @plan with @n siblings, in as
 * many fresh processes as 16 layers require; prints BENCH lines, and the
 * "wake" line: how long all threads took to wake up and probe once after
 * each TSYNC (after libpsx without TSYNC), an O(N) baseline of what
 * touching N threads costs on this machine. @out gets the statistics of
 * the last method printed.
 */
static int time_plan(struct batch *shared, enum method plan, uint32_t n,
		     int reps, double out[4])
{
	static struct batch acc;
	int per_batch = plan == M_PAIR ? (MAX_LAYERS + 1) / 3 : MAX_LAYERS;
	enum method wake = plan == M_PAIR ? M_TSYNC : plan;
	int left, chunk, ret = 0, m;
	double tmp[4];

	memset(&acc, 0, sizeof(acc));
	for (left = reps; left > 0 && !ret; left -= chunk) {
		chunk = left < per_batch ? left : per_batch;
		ret = batch(&acc, shared, plan, n,
			    plan == M_PAIR ? 3 * chunk - 1 : chunk, false, 1);
	}
	nr_voids += acc.nr_void;
	if (ret)
		report_error(plan, n, acc.error);
	ret = -1;
	for (m = 0; m < NR_METHODS; m++) {
		if (!acc.nr[m])
			continue;
		if (m == (int)wake && n)
			print_stats("wake", n, acc.wake_us[m], acc.nr[m], tmp);
		print_stats(method_names[m], n, acc.us[m], acc.nr[m], out);
		ret = 0;
	}
	fflush(stdout);
	return ret;
}

/* Slab growth of one enforcement, each in a fresh process; print MEM. */
static void mem_method(struct batch *shared, enum method m, uint32_t n,
		       int rules, int reps)
{
	static struct batch acc;
	long slab[3], sunr[3], cred;
	int i;

	memset(&acc, 0, sizeof(acc));
	for (i = 0; i < reps; i++)
		if (batch(&acc, shared, m, n, 1, true, rules))
			break;
	nr_voids += acc.nr_void;
	if (acc.error[0])
		report_error(m, n, acc.error);
	if (!acc.nr_mem) {
		fflush(stdout);
		return;
	}
	cred = acc.cred_objs[0] < 0 ? -1 : median_l(acc.cred_objs, acc.nr_mem);
	sunr[0] = median_l(acc.sunr_kb, acc.nr_mem);
	sunr[1] = acc.sunr_kb[0];
	sunr[2] = acc.sunr_kb[acc.nr_mem - 1];
	slab[0] = median_l(acc.slab_kb, acc.nr_mem);
	slab[1] = acc.slab_kb[0];
	slab[2] = acc.slab_kb[acc.nr_mem - 1];
	printf("MEM,%s,%u,%d,%ld,%ld,%ld,%ld,%ld,%ld,", method_names[m], n,
	       rules, slab[0], slab[1], slab[2], sunr[0], sunr[1], sunr[2]);
	if (cred < 0)
		printf("NA,%d\n", acc.nr_mem);
	else
		printf("%ld,%d\n", cred, acc.nr_mem);
	printf("# mem %-6s N=%-5u rules=%-4d %d reps: ", method_names[m], n,
	       rules, acc.nr_mem);
	printf("slab %+ld kB (min %+ld, max %+ld), SUnreclaim %+ld kB\n",
	       slab[0], slab[1], slab[2], sunr[0]);
	fflush(stdout);
}

/*
 * Repetitions per thread count: at least 200 where programs live (N <= 64),
 * fewer where a batch costs seconds.
 */
static int reps_for(uint32_t n, int max_reps)
{
	int reps = n >= 16384 ? 5 : n >= 4096 ? 9 : n > 64 ? 16 : 200;

	return reps < max_reps ? reps : max_reps;
}

/* "0,1,4" or "0:1:4" (commas stand for spaces on the kernel command line) */
static int parse_list(const char *s, uint32_t *v, int max)
{
	char *end;
	int nr = 0;

	while (*s && nr < max) {
		v[nr++] = strtoul(s, &end, 10);
		if (end == s || (*end && *end != ',' && *end != ':'))
			return -1;
		s = *end ? end + 1 : end;
	}
	return nr;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-p single,time,mem] [-n N,...] [-M N,...] [-r max_reps]\n"
		"          [-R mem_reps] [-S single_reps] [-s stack_KiB] [-d dir]\n",
		prog);
	exit(2);
}

int main(int argc, char *argv[])
{
	static const uint32_t default_ns[] = { 0,   1,	  4,	16,   64,
					       256, 1024, 4096, 16384 };
	static const enum method mem_methods[] = { M_SINGLE, M_TSYNC, M_PSX };
	uint32_t ns[32], mem_ns[8] = { 64, 1024 };
	int nr_ns = 0, nr_mem_ns = 2, max_reps = MAX_SAMPLES;
	int mem_reps = 5, single_reps = 4 * MAX_LAYERS;
	bool do_single = false, do_time = false, do_mem = false;
	double single[4] = {}, res[4], start;
	bool have_single = false, have_tsync;
	const char *parts = "single,time,mem";
	struct batch *shared;
	int opt, i, j, k;

	start = now_us();
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "p:n:M:r:R:S:s:d:h")) != -1) {
		switch (opt) {
		case 'p':
			parts = optarg;
			break;
		case 'n':
			nr_ns = parse_list(optarg, ns, 32);
			if (nr_ns < 0)
				usage(argv[0]);
			break;
		case 'M':
			nr_mem_ns = parse_list(optarg, mem_ns, 8);
			if (nr_mem_ns < 0)
				usage(argv[0]);
			break;
		case 'r':
			max_reps = atoi(optarg);
			break;
		case 'R':
			mem_reps = atoi(optarg);
			break;
		case 'S':
			single_reps = atoi(optarg);
			break;
		case 's':
			stack_size = atoi(optarg) * 1024UL;
			break;
		case 'd':
			root = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (max_reps < 1 || max_reps > MAX_SAMPLES || mem_reps < 1 ||
	    mem_reps > MAX_SAMPLES || single_reps < 1 ||
	    single_reps > MAX_SAMPLES)
		usage(argv[0]);
	if (!nr_ns) {
		nr_ns = ARRAY_SIZE(default_ns);
		memcpy(ns, default_ns, sizeof(default_ns));
	}
	do_single = strstr(parts, "single") || strstr(parts, "time");
	do_time = strstr(parts, "time");
	do_mem = strstr(parts, "mem");

	abi = sys_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		printf("ERROR,all,0,Landlock unavailable: %s\n",
		       strerror(errno));
		return 1;
	}
	printf("ABI,%d\n", abi);
	have_tsync = abi >= 8;
	if (!have_tsync)
		printf("SKIP,tsync,Landlock ABI %d < 8: LANDLOCK_RESTRICT_SELF_TSYNC unavailable\n",
		       abi);
	if (setup_tree())
		return 1;
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		perror("mmap");
		return 1;
	}

	/*
	 * Memory first, on a fresh guest, and TSYNC before libpsx: freed
	 * objects left in partial slabs hide later growth, so the method
	 * that must show none gets the cleanest slate.
	 */
	for (j = 0; do_mem && j < 3; j++) {
		if (mem_methods[j] == M_TSYNC && !have_tsync)
			continue;
		for (k = 0; k < 2; k++) {
			int rules = k ? NR_FILES : 1;

			if (mem_methods[j] == M_SINGLE) {
				mem_method(shared, M_SINGLE, 0, rules,
					   mem_reps);
				continue;
			}
			for (i = 0; i < nr_mem_ns; i++)
				mem_method(shared, mem_methods[j], mem_ns[i],
					   rules, mem_reps);
		}
	}
	if (do_single) {
		printf("# single-thread landlock_restrict_self(fd, 0), %d reps\n",
		       single_reps);
		have_single =
			!time_plan(shared, M_SINGLE, 0, single_reps, single);
	}
	for (i = 0; do_time && i < nr_ns; i++) {
		int reps = reps_for(ns[i], max_reps);

		printf("# N=%u idle siblings, %d reps per method (at %.0f s)\n",
		       ns[i], reps, (now_us() - start) / 1e6);
		time_plan(shared, have_tsync ? M_PAIR : M_PSX, ns[i], reps,
			  res);
		if (have_single)
			printf("BENCH,ref,%u,%.1f,%.1f,%.1f,%d\n", ns[i],
			       single[0] * (ns[i] + 1), single[1] * (ns[i] + 1),
			       single[2] * (ns[i] + 1), (int)single[3]);
	}
	printf("# done in %.0f s\n", (now_us() - start) / 1e6);
	printf("DONE,%d,%d\n", nr_voids, nr_errors);
	return 0;
}
