/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the TSYNC stress program and the allocation-failure
 * sweep: Landlock wrappers, a per-thread state probe, and a registry of the
 * threads of the process, so that after a TSYNC call every live thread can
 * be asked to probe itself and the answers can be matched against
 * /proc/self/task.
 *
 * The probe is what a thread observes from the inside: which of the probed
 * file accesses Landlock denies it (EACCES), its uids, its capabilities and
 * its no_new_privs flag. Only a thread can tell which domain it runs in, so
 * each thread answers for itself.
 */

#ifndef LL_STRESS_H
#define LL_STRESS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/landlock.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef __maybe_unused
#define __maybe_unused __attribute__((__unused__))
#endif
#ifndef __noreturn
#define __noreturn __attribute__((__noreturn__))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#include "../common.h"
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

/* The first Landlock ABI with LANDLOCK_RESTRICT_SELF_TSYNC. */
#define LL_ABI_TSYNC 8

/* Exit statuses shared by both programs. */
#define LL_EX_DEVIATION 1 /* a check failed */
#define LL_EX_SETUP 2 /* usage or setup error */
#define LL_EX_NO_TSYNC 3 /* the kernel has no TSYNC */
#define LL_EX_NO_FAULT 4 /* no fault injection (fail-nth) */

#define LL_MAX_THREADS 1024

/* What a thread can probe about itself; bits of ll_registry.probes. */
#define LL_PROBE_READ (1U << 0) /* LANDLOCK_ACCESS_FS_READ_FILE */
#define LL_PROBE_WRITE (1U << 1) /* LANDLOCK_ACCESS_FS_WRITE_FILE */
#define LL_PROBE_READDIR (1U << 2) /* LANDLOCK_ACCESS_FS_READ_DIR */
#define LL_PROBE_TRUNCATE (1U << 3) /* LANDLOCK_ACCESS_FS_TRUNCATE */
#define LL_PROBE_ALL 0xfU

/**
 * struct ll_state - What a thread observes about itself.
 * @denied: probes (LL_PROBE_*) that failed with EACCES.
 * @failed: probes that failed with another error.
 * @err: errno of the first such other error.
 * @nnp: PR_GET_NO_NEW_PRIVS.
 * @uid: real, effective and saved uid.
 * @cap: capget() data, effective/permitted/inheritable, two words.
 */
struct ll_state {
	unsigned int denied;
	unsigned int failed;
	int err;
	int nnp;
	uid_t uid[3];
	struct __user_cap_data_struct cap[2];
};

/**
 * struct ll_slot - One registered thread and its last answer.
 * @tid: owner, 0 when free.
 * @seq: odd while the owner writes @gen and @state (a seqlock).
 * @gen: probe round that @state answers.
 * @state: the answer.
 */
struct ll_slot {
	int tid;
	unsigned int seq;
	unsigned int gen;
	struct ll_state state;
};

/**
 * struct ll_registry - Threads of this process that answer probe rounds.
 * @gen: current probe round; also the futex idle threads sleep on.
 * @probes: LL_PROBE_* bits each thread checks.
 * @file: regular file that the READ, WRITE and TRUNCATE probes use.
 * @dir: directory that the READDIR probe opens.
 * @high: one past the highest slot ever claimed.
 * @slot: the threads.
 */
struct ll_registry {
	unsigned int gen;
	unsigned int probes;
	const char *file;
	const char *dir;
	unsigned int high;
	struct ll_slot slot[LL_MAX_THREADS];
};

/*
 * One definition per program: the file with main() defines LL_DEFINE_GLOBALS
 * before including this header, every other file sees declarations.
 */
#ifdef LL_DEFINE_GLOBALS
struct ll_registry ll_reg;
__thread struct ll_slot *ll_self;
unsigned int ll_workers_seen;
#else
extern struct ll_registry ll_reg;
extern __thread struct ll_slot *ll_self;
extern unsigned int ll_workers_seen;
#endif

#define ll_load(p) __atomic_load_n(p, __ATOMIC_SEQ_CST)
#define ll_store(p, v) __atomic_store_n(p, v, __ATOMIC_SEQ_CST)
#define ll_inc(p) __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST)

/*
 * Count a deviation in @count (shared between processes); print it, after
 * @prefix, if fewer than @quota were counted before.
 */
static inline __maybe_unused void ll_vdeviation(unsigned int *count,
						unsigned int quota,
						const char *prefix,
						const char *fmt, va_list ap)
{
	char buf[256];

	if (ll_inc(count) > quota)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	printf("%s%s\n", prefix, buf);
	fflush(stdout);
}

static inline int ll_gettid(void)
{
	return syscall(SYS_gettid);
}

static inline uint64_t ll_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline void ll_sleep_us(unsigned int us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (us % 1000000) * 1000L,
	};

	nanosleep(&ts, NULL);
}

/* A small per-thread PRNG (xorshift32); seeded lazily from tid and time. */
static inline unsigned int ll_rand(void)
{
	static __thread unsigned int x;

	if (!x)
		x = (ll_gettid() * 2654435761U) ^ (unsigned int)ll_now_ns() ^ 1;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static inline long ll_futex_wait(unsigned int *uaddr, unsigned int val,
				 unsigned int timeout_ms)
{
	struct timespec ts = {
		.tv_sec = timeout_ms / 1000,
		.tv_nsec = (timeout_ms % 1000) * 1000000L,
	};

	return syscall(SYS_futex, uaddr, FUTEX_WAIT_PRIVATE, val,
		       timeout_ms ? &ts : NULL, NULL, 0);
}

static inline long ll_futex_wake(unsigned int *uaddr)
{
	return syscall(SYS_futex, uaddr, FUTEX_WAKE_PRIVATE, INT_MAX, NULL,
		       NULL, 0);
}

static inline int ll_abi(void)
{
	return syscall(__NR_landlock_create_ruleset, NULL, 0,
		       LANDLOCK_CREATE_RULESET_VERSION);
}

static inline int ll_restrict_self(int ruleset_fd, unsigned int flags)
{
	return syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}

static inline __u64 ll_probe_access(unsigned int probes)
{
	__u64 access = 0;

	if (probes & LL_PROBE_READ)
		access |= LANDLOCK_ACCESS_FS_READ_FILE;
	if (probes & LL_PROBE_WRITE)
		access |= LANDLOCK_ACCESS_FS_WRITE_FILE;
	if (probes & LL_PROBE_READDIR)
		access |= LANDLOCK_ACCESS_FS_READ_DIR;
	if (probes & LL_PROBE_TRUNCATE)
		access |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return access;
}

static inline int ll_add_path(int ruleset_fd, const char *path, __u64 allowed)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = allowed };
	int err;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return -1;
	err = syscall(__NR_landlock_add_rule, ruleset_fd,
		      LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(pb.parent_fd);
	return err;
}

/**
 * ll_ruleset_access() - Create a ruleset handling @handled, allowing /proc.
 * @handled: LANDLOCK_ACCESS_FS_* rights the ruleset handles.
 *
 * /proc stays fully usable (the programs enumerate /proc/self/task and use
 * fail-nth after restricting themselves) and so does the running executable
 * (a stress scenario execs it): only the probe file and directory are
 * denied.
 *
 * Return: the ruleset fd, or -1 with errno set.
 */
static inline int ll_ruleset_access(__u64 handled)
{
	const __u64 file_access =
		LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
		LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = handled,
	};
	int fd, saved;

	fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return -1;
	if (ll_add_path(fd, "/proc", handled))
		goto err_close;
	if ((handled & file_access) &&
	    ll_add_path(fd, "/proc/self/exe", handled & file_access))
		goto err_close;
	return fd;

err_close:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Create a ruleset that denies the accesses of @probes (LL_PROBE_*). */
static inline __maybe_unused int ll_ruleset(unsigned int probes)
{
	return ll_ruleset_access(ll_probe_access(probes));
}

/* Return 1 if denied by Landlock (EACCES), 0 if allowed, -errno otherwise. */
static inline int ll_probe_one(unsigned int probe)
{
	int ret = -1;

	do {
		switch (probe) {
		case LL_PROBE_READ:
			ret = open(ll_reg.file, O_RDONLY | O_CLOEXEC);
			break;
		case LL_PROBE_WRITE:
			ret = open(ll_reg.file, O_WRONLY | O_CLOEXEC);
			break;
		case LL_PROBE_READDIR:
			ret = open(ll_reg.dir,
				   O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			break;
		case LL_PROBE_TRUNCATE:
			ret = truncate(ll_reg.file, 0);
			break;
		}
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return errno == EACCES ? 1 : -errno;
	if (probe != LL_PROBE_TRUNCATE)
		close(ret);
	return 0;
}

/**
 * ll_probe_self() - Fill @st with what the calling thread observes.
 * @st: where to store the observation.
 *
 * Uses only per-thread syscalls (no libc setxid broadcast).
 */
static inline void ll_probe_self(struct ll_state *st)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	unsigned int p;

	memset(st, 0, sizeof(*st));
	for (p = 1; p & LL_PROBE_ALL; p <<= 1) {
		int r;

		if (!(ll_reg.probes & p))
			continue;
		r = ll_probe_one(p);
		if (r > 0) {
			st->denied |= p;
		} else if (r < 0) {
			st->failed |= p;
			if (!st->err)
				st->err = -r;
		}
	}
	st->nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	syscall(SYS_getresuid, &st->uid[0], &st->uid[1], &st->uid[2]);
	syscall(SYS_capget, &hdr, st->cap);
}

/* Answer probe round @gen in the calling thread's slot. */
static inline void ll_answer(unsigned int gen)
{
	struct ll_state st;

	ll_probe_self(&st);
	ll_inc(&ll_self->seq);
	ll_self->state = st;
	ll_store(&ll_self->gen, gen);
	ll_inc(&ll_self->seq);
}

/**
 * ll_register() - Give the calling thread a slot in the registry.
 *
 * Return: 0, or -1 if the registry is full.
 */
static inline int ll_register(void)
{
	int tid = ll_gettid();
	unsigned int i;

	for (i = 0; i < LL_MAX_THREADS; i++) {
		int free_tid = 0;

		if (__atomic_compare_exchange_n(&ll_reg.slot[i].tid, &free_tid,
						tid, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			unsigned int high = ll_load(&ll_reg.high);

			while (high < i + 1 &&
			       !__atomic_compare_exchange_n(
				       &ll_reg.high, &high, i + 1, false,
				       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
				;
			ll_self = &ll_reg.slot[i];
			return 0;
		}
	}
	return -1;
}

/* Release the calling thread's slot (the thread is about to exit). */
static inline __maybe_unused void ll_unregister(void)
{
	if (!ll_self)
		return;
	ll_inc(&ll_self->seq);
	ll_store(&ll_self->gen, 0);
	ll_inc(&ll_self->seq);
	ll_store(&ll_self->tid, 0);
	ll_self = NULL;
}

/* Answer the current probe round if not done yet; for busy loops. */
static inline void ll_poll(void)
{
	unsigned int gen = ll_load(&ll_reg.gen);

	if (ll_self && gen != ll_load(&ll_self->gen))
		ll_answer(gen);
}

/* Wait up to @ms for a probe round and answer it; for idle loops. */
static inline __maybe_unused void ll_idle(unsigned int ms)
{
	unsigned int gen = ll_load(&ll_reg.gen);

	if (ll_self && gen != ll_load(&ll_self->gen)) {
		ll_answer(gen);
		return;
	}
	ll_futex_wait(&ll_reg.gen, gen, ms);
}

/* Start a probe round and wake the idle threads; returns the round. */
static inline unsigned int ll_request(void)
{
	unsigned int gen = ll_inc(&ll_reg.gen);

	/* 0 means "never answered" in a slot. */
	if (!gen)
		gen = ll_inc(&ll_reg.gen);
	ll_futex_wake(&ll_reg.gen);
	return gen;
}

/* Read slot @i consistently; return its tid, or 0 if it is being written. */
static inline int ll_read_slot(unsigned int i, unsigned int *gen,
			       struct ll_state *st)
{
	struct ll_slot *s = &ll_reg.slot[i];
	unsigned int seq = ll_load(&s->seq);
	int tid;

	if (seq & 1)
		return 0;
	tid = ll_load(&s->tid);
	*gen = ll_load(&s->gen);
	*st = s->state;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (ll_load(&s->seq) != seq || ll_load(&s->tid) != tid)
		return 0;
	return tid;
}

/* Find @tid's answer to round @gen; 1 if found, 0 if not (yet). */
static inline int ll_find_answer(int tid, unsigned int gen, struct ll_state *st)
{
	unsigned int i, high = ll_load(&ll_reg.high);

	for (i = 0; i < high; i++) {
		unsigned int g;

		if (ll_load(&ll_reg.slot[i].tid) != tid)
			continue;
		if (ll_read_slot(i, &g, st) != tid)
			return 0;
		return g && (int)(g - gen) >= 0;
	}
	return 0;
}

/*
 * Read the start of a small file (/proc, cgroupfs) into @buf, NUL-terminated;
 * returns false if it cannot be read or is empty.
 */
static inline bool ll_read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

/*
 * Is @tid a user worker (an io_uring io-wq worker or SQPOLL thread, a vhost
 * worker)? Such threads belong to the process but never run user code, so
 * they cannot answer a probe round; PF_USER_WORKER in /proc/<tid>/stat.
 */
static inline bool ll_user_worker(int tid)
{
	char path[64], buf[512], *p;
	unsigned int flags;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	if (!ll_read_small(path, buf, sizeof(buf)))
		return false;
	/* The command name may hold anything: fields follow the last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %u", &flags) != 1)
		return false;
	return flags & 0x4000; /* PF_USER_WORKER */
}

/**
 * typedef ll_check_fn - Called once per thread that answered a round.
 * @tid: the thread.
 * @st: its answer.
 * @ctx: caller's context.
 */
typedef void (*ll_check_fn)(int tid, const struct ll_state *st, void *ctx);

/**
 * ll_collect() - Have every live thread of the process answer a probe round.
 * @timeout_ms: how long to wait for threads that do not answer.
 * @check: called once for each thread that answered (the caller included).
 * @ctx: passed to @check.
 * @missing: set to the first thread that never answered, or 0.
 *
 * Starts a round, then enumerates /proc/self/task until every listed thread
 * has answered the round or is gone. A thread that answered is checked the
 * first time it is seen, so a thread that answers and exits is checked too.
 * Threads that cannot answer right now (stopped, traced, in vfork) answer
 * when they run again. User workers (ll_user_worker()) are not asked; the
 * largest number of them seen in one round is kept in ll_workers_seen.
 *
 * Return: the number of threads checked, or -1 on timeout (@missing set).
 */
static inline __maybe_unused int
ll_collect(unsigned int timeout_ms, ll_check_fn check, void *ctx, int *missing)
{
	static int seen[4 * LL_MAX_THREADS];
	uint64_t deadline = ll_now_ns() + timeout_ms * 1000000ULL;
	unsigned int gen = ll_request();
	int nseen = 0, workers = 0;

	*missing = 0;
	ll_poll();
	for (;;) {
		struct dirent *de;
		int pending = 0;
		DIR *d;

		d = opendir("/proc/self/task");
		if (!d) {
			*missing = -errno;
			return -1;
		}
		while ((de = readdir(d))) {
			struct ll_state st;
			int tid = atoi(de->d_name);
			int j;

			if (tid <= 0)
				continue;
			for (j = 0; j < nseen && seen[j] != tid; j++)
				;
			if (j < nseen)
				continue;
			if (!ll_find_answer(tid, gen, &st)) {
				if (ll_user_worker(tid)) {
					if (nseen < (int)ARRAY_SIZE(seen))
						seen[nseen++] = tid;
					workers++;
					continue;
				}
				if (!pending++)
					*missing = tid;
				continue;
			}
			if (nseen < (int)ARRAY_SIZE(seen))
				seen[nseen++] = tid;
			check(tid, &st, ctx);
		}
		closedir(d);
		if (!pending) {
			*missing = 0;
			if (workers > (int)ll_load(&ll_workers_seen))
				ll_store(&ll_workers_seen, workers);
			return nseen - workers;
		}
		if (ll_now_ns() > deadline)
			return -1;
		ll_futex_wake(&ll_reg.gen);
		ll_sleep_us(500);
	}
}

/*
 * Emulation of TSYNC in user space, the way libpsx does it: signal every
 * thread, each restricts itself. Not atomic, and it misses threads created
 * meanwhile: a negative control (-E) that the checks must catch.
 */

#define LL_EMU_SIG (SIGRTMIN + 1)

struct ll_emu_call {
	int fd;
	unsigned int acks;
	int err;
};

static __maybe_unused void ll_emu_handler(int sig, siginfo_t *si, void *uc)
{
	struct ll_emu_call *call = si->si_value.sival_ptr;
	int saved = errno;

	if (si->si_code != SI_QUEUE || !call)
		return;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    ll_restrict_self(call->fd, 0))
		ll_store(&call->err, errno);
	ll_inc(&call->acks);
	ll_futex_wake(&call->acks);
	errno = saved;
}

static inline __maybe_unused void ll_emu_install(void)
{
	struct sigaction sa = {
		.sa_sigaction = ll_emu_handler,
		.sa_flags = SA_SIGINFO | SA_RESTART,
	};

	sigemptyset(&sa.sa_mask);
	sigaction(LL_EMU_SIG, &sa, NULL);
}

/* Emulated TSYNC call (see above); returns like landlock_restrict_self(). */
static inline __maybe_unused int ll_emu_tsync(int fd)
{
	/* Never freed: a late handler may still use it. */
	struct ll_emu_call *call = calloc(1, sizeof(*call));
	uint64_t deadline = ll_now_ns() + 2000000000ULL;
	unsigned int sent = 0, acks;
	struct dirent *de;
	DIR *d;

	if (!call)
		return -1;
	call->fd = fd;
	d = opendir("/proc/self/task");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		int tid = atoi(de->d_name);
		siginfo_t si = {
			.si_signo = LL_EMU_SIG,
			.si_code = SI_QUEUE,
		};

		if (tid <= 0 || tid == ll_gettid())
			continue;
		si.si_pid = getpid();
		si.si_uid = getuid();
		si.si_value.sival_ptr = call;
		if (!syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, LL_EMU_SIG,
			     &si))
			sent++;
	}
	closedir(d);
	while ((acks = ll_load(&call->acks)) < sent && ll_now_ns() < deadline)
		ll_futex_wait(&call->acks, acks, 10);
	if (call->err) {
		errno = call->err;
		return -1;
	}
	return ll_restrict_self(fd, 0);
}

/* Create the probe directory and file; 0 or -1 (errno set). */
static inline __maybe_unused int ll_probe_setup(void)
{
	static char dir[] = "/tmp/ll-stress.XXXXXX";
	static char file[sizeof(dir) + 2];
	int fd;

	if (!mkdtemp(dir) || chmod(dir, 0755))
		return -1;
	snprintf(file, sizeof(file), "%s/f", dir);
	fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0 || fchmod(fd, 0666))
		return -1;
	close(fd);
	ll_reg.dir = dir;
	ll_reg.file = file;
	return 0;
}

static inline __maybe_unused void ll_probe_cleanup(void)
{
	if (ll_reg.file)
		unlink(ll_reg.file);
	if (ll_reg.dir)
		rmdir(ll_reg.dir);
}

#endif /* LL_STRESS_H */
