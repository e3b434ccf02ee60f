// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation-failure sweep of LANDLOCK_RESTRICT_SELF_TSYNC: fail the k-th
 * fault point (slab or page allocation) inside one TSYNC call, for k = 1, 2,
 * 3, ... until a call completes without reaching the injected failure, and
 * check that the call was all or nothing:
 *
 *   - it returned 0 and every thread is restricted (the caller's domain, not
 *     stacked on a sibling's own), has no_new_privs, and kept its own uids
 *     and capabilities; or
 *   - it returned ENOMEM and every thread's domain (probed), uids,
 *     capabilities and no_new_privs are exactly as before the call.
 *
 * /proc/<pid>/task/<tid>/fail-nth counts the fault points of the task whose
 * file is written, so the caller's points and a sibling's points are swept
 * separately, the latter by writing the sibling's file before the call.
 * Configurations: 1, 2 and 64 siblings; siblings sharing the caller's cred,
 * or each with its own (its own Landlock domain, a different euid, fewer
 * capabilities, in turn). A sibling that shares the caller's cred must not
 * allocate at all; one with its own cred must reach at least one point (its
 * prepare_creds()).
 *
 * A child process sets the threads up and serves consecutive k as long as
 * the calls fail: a failed call changed nothing (checked), so the next call
 * starts from the same state. After a successful call, the next k gets a
 * fresh child. The guest must set failslab's and
 * fail_page_alloc's ignore-gfp-wait to N (else GFP_KERNEL allocations never
 * fail).
 *
 * With -S, each injected failure is located: with the fault attributes'
 * verbose at 2, the kernel logs a stack trace for it, which the child reads
 * from /dev/kmsg right after the call; the first two callers above the
 * allocator name the failure site.
 *
 * Output: with -S, one line per injected failure, "failsweep: <config>:
 * k=K: <outcome> at <site>"; one line per configuration, "failsweep:
 * <config>: P failure points (k=...), E ENOMEM, C completed, D
 * deviations", each deviation on its own line. Exit status 0, 1 on any
 * deviation or unfinished sweep, 2 on a usage error, 3 without TSYNC, 4
 * without fault injection.
 */

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define LL_DEFINE_GLOBALS
#include "stress.h"

static unsigned int opt_deadline = 900; /* -d: seconds for the sweep */
static unsigned int opt_kmax = 2000; /* -k: highest k tried */
static unsigned int opt_timeout = 120; /* -T: seconds per child */
static const char *opt_siblings = "1,2,64"; /* -s: sibling counts */
static bool opt_emulate; /* -E: user-space broadcast instead */
static bool opt_dry; /* -D: no fault injection */
static bool opt_verbose; /* -v: time each phase */
static bool opt_sites; /* -S: locate each failure */

#define MAX_SIBLINGS 256
#define MAX_PRINTED 10
#define STACK_SIZE (128 * 1024)
#define OTHER_EUID 1000

enum sib_kind { SIB_SHARED, SIB_DOMAIN, SIB_EUID, SIB_CAPS };

static const char *const kind_name[] = {
	"shared cred",
	"own domain",
	"own euid",
	"fewer capabilities",
};

/**
 * struct config - One sweep.
 * @target_sibling: sweep a sibling's fault points, else the caller's.
 * @own_cred: siblings change their own credentials first.
 * @n: number of siblings.
 */
struct config {
	bool target_sibling;
	bool own_cred;
	unsigned int n;
};

/**
 * struct outcome - One TSYNC call with fault point k armed.
 * @k: the fault point armed.
 * @ret: the call's return value.
 * @err: its errno.
 * @remaining: fail-nth read back after the call; 0: the failure was injected.
 * @site: with -S, where the failure was injected.
 */
struct outcome {
	unsigned int k;
	int ret;
	int err;
	unsigned int remaining;
	char site[160];
};

#define MAX_OUTCOMES 64

/**
 * struct report - What a child tells the parent.
 * @deviations: deviations found.
 * @quota: deviation lines the child may still print.
 * @n: number of calls made.
 * @out: their outcomes, in order.
 */
struct report {
	unsigned int deviations;
	unsigned int quota;
	unsigned int n;
	struct outcome out[MAX_OUTCOMES];
};

/**
 * struct sibling - One sibling thread of the child.
 * @kind: how it changes its credentials first.
 * @tid: its thread id, once started.
 */
struct sibling {
	enum sib_kind kind;
	int tid;
};

/**
 * struct snapshot - The answers of every thread to one probe round.
 * @n: number of threads.
 * @tid: their ids.
 * @st: their answers.
 */
struct snapshot {
	int n;
	int tid[MAX_SIBLINGS + 1];
	struct ll_state st[MAX_SIBLINGS + 1];
};

static struct report *rep;
static char cfg_name[64];
static unsigned int cur_k;
static unsigned int ready;
static int setup_err;

static void deviation(const char *fmt, ...)
{
	char prefix[128];
	va_list ap;

	snprintf(prefix, sizeof(prefix),
		 "failsweep: %s: deviation at k=%u: ", cfg_name, cur_k);
	va_start(ap, fmt);
	ll_vdeviation(&rep->deviations, rep->quota, prefix, fmt, ap);
	va_end(ap);
}

static void __noreturn setup_failed(const char *what, int err)
{
	printf("failsweep: %s: setup error at k=%u: %s: %s\n", cfg_name, cur_k,
	       what, strerror(err));
	fflush(stdout);
	_exit(LL_EX_SETUP);
}

/* Change the calling thread's own credentials, per thread (raw syscalls). */
static int diverge(enum sib_kind kind)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct cap[2];
	int fd, ret;

	switch (kind) {
	case SIB_SHARED:
		return 0;
	case SIB_DOMAIN:
		/* Root: CAP_SYS_ADMIN, so no no_new_privs needed. */
		fd = ll_ruleset(LL_PROBE_READDIR);
		if (fd < 0)
			return -1;
		ret = ll_restrict_self(fd, 0);
		close(fd);
		return ret;
	case SIB_EUID:
		return syscall(SYS_setresuid, -1, OTHER_EUID, -1);
	case SIB_CAPS:
		if (syscall(SYS_capget, &hdr, cap))
			return -1;
		cap[CAP_SYS_NICE / 32].effective &=
			~(1U << (CAP_SYS_NICE % 32));
		cap[CAP_SYS_NICE / 32].permitted &=
			~(1U << (CAP_SYS_NICE % 32));
		return syscall(SYS_capset, &hdr, cap);
	}
	return 0;
}

static void *sibling_main(void *arg)
{
	struct sibling *s = arg;

	if (ll_register())
		ll_store(&setup_err, ENOSPC);
	else if (diverge(s->kind))
		ll_store(&setup_err, errno);
	ll_store(&s->tid, ll_gettid());
	ll_inc(&ready);
	ll_futex_wake(&ready);
	for (;;)
		ll_idle(1000);
	return NULL;
}

static void take(int tid, const struct ll_state *st, void *ctx)
{
	struct snapshot *snap = ctx;

	if (snap->n > MAX_SIBLINGS)
		return;
	snap->tid[snap->n] = tid;
	snap->st[snap->n] = *st;
	snap->n++;
}

static void snapshot(struct snapshot *snap)
{
	int missing;

	snap->n = 0;
	if (ll_collect(opt_timeout * 1000 / 4, take, snap, &missing) < 0)
		deviation("thread %d never answered the probe round", missing);
}

static const char *kind_of(int tid, const struct sibling *sib, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (sib[i].tid == tid)
			return kind_name[sib[i].kind];
	return "caller";
}

static bool same_ids(const struct ll_state *a, const struct ll_state *b)
{
	return !memcmp(a->uid, b->uid, sizeof(a->uid)) &&
	       !memcmp(a->cap, b->cap, sizeof(a->cap));
}

/*
 * Compare every thread after a call with before it: after a success, every
 * thread is denied exactly @handled (the caller's domain, whatever domain
 * the thread had) and has no_new_privs; after a failure, everything is as
 * before. Uids and capabilities never change.
 */
static void compare(const struct snapshot *before, const struct snapshot *after,
		    bool success, unsigned int handled,
		    const struct sibling *sib, unsigned int n)
{
	int i, j;

	for (i = 0; i < before->n; i++) {
		const struct ll_state *b = &before->st[i], *a = NULL;
		int tid = before->tid[i];
		const char *who = kind_of(tid, sib, n);

		for (j = 0; j < after->n; j++)
			if (after->tid[j] == tid)
				a = &after->st[j];
		if (!a) {
			deviation("thread %d (%s) vanished", tid, who);
			continue;
		}
		if (a->failed)
			deviation("thread %d (%s): probe failed: %s", tid, who,
				  strerror(a->err));
		if (!same_ids(a, b))
			deviation(
				"thread %d (%s): uids or capabilities changed: euid %u -> %u, cap_eff %#x -> %#x",
				tid, who, b->uid[1], a->uid[1],
				b->cap[0].effective, a->cap[0].effective);
		if (success) {
			if (a->denied != handled)
				deviation(
					"thread %d (%s) lacks the caller's domain after success: denied %#x, expected %#x",
					tid, who, a->denied, handled);
			if (a->nnp != 1)
				deviation(
					"thread %d (%s) lacks no_new_privs after success",
					tid, who);
		} else {
			if (a->denied != b->denied)
				deviation(
					"thread %d (%s): domain changed by a failed call: denied %#x -> %#x",
					tid, who, b->denied, a->denied);
			if (a->nnp != b->nnp)
				deviation(
					"thread %d (%s): no_new_privs changed by a failed call: %d -> %d",
					tid, who, b->nnp, a->nnp);
		}
	}
	if (after->n != before->n)
		deviation("%d threads before the call, %d after", before->n,
			  after->n);
}

/* Frames of the allocators and of fault injection, skipped (prefixes). */
static const char *const alloc_frames[] = {
	"dump_stack",
	"fail_dump",
	"should_fail",
	"__should_fail",
	"slab_",
	"___slab",
	"__slab",
	"new_slab",
	"allocate_slab",
	"alloc_slab",
	"kmem_cache_alloc",
	"__kmem_cache",
	"kmalloc",
	"__kmalloc",
	"kvmalloc",
	"__kvmalloc",
	"kvcalloc",
	"kcalloc",
	"kzalloc",
	"kmemdup",
	"krealloc",
	"__alloc_pages",
	"alloc_pages",
	"__alloc_frozen",
	"prepare_alloc_pages",
	"get_page_from_freelist",
	"__get_free_pages",
	"__folio_alloc",
	"folio_alloc",
	"__vmalloc",
	"vmalloc",
	"vm_area_",
	"__get_vm_area",
	"alloc_vmap_area",
	"kasan",
	"kmemleak",
};

static bool alloc_frame(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(alloc_frames); i++)
		if (!strncmp(name, alloc_frames[i], strlen(alloc_frames[i])))
			return true;
	return false;
}

/*
 * Read the kernel log records logged since @kfd was positioned, and find
 * the stack trace of an injected failure: "<attr>: <allocator>() in
 * <function>+<offset> <- <its caller>()", the function being the first
 * reliable frame above the allocators (the offset tells apart two sites
 * of one function, inlined helpers included).
 */
static void locate(int kfd, char *site, size_t size)
{
	char rec[8192], fault[32] = "?", frame[3][64] = { "", "", "" };
	bool found = false, trace = false;
	unsigned int nframe = 0;
	ssize_t got;

	/* fail_dump() is silent for __GFP_NOWARN, e.g. kvmalloc()'s kmalloc(). */
	snprintf(site, size, "(no stack trace: a __GFP_NOWARN allocation)");
	for (;;) {
		char *text, *end;

		got = read(kfd, rec, sizeof(rec) - 1);
		if (got < 0 && errno == EPIPE)
			continue; /* overwritten records: skip them */
		if (got <= 0)
			break;
		rec[got] = '\0';
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		end = strchr(text, '\n');
		if (end)
			*end = '\0';
		/* "FAULT_INJECTION: ...\x0aname failslab, interval 1, ..." */
		if (strstr(text, "FAULT_INJECTION: forcing a failure")) {
			end = strstr(text, "name ");
			if (end)
				snprintf(fault, sizeof(fault), "%.*s",
					 (int)strcspn(end + 5, ","), end + 5);
			found = true;
			continue;
		}
		if (found && strstr(text, "Call Trace:")) {
			trace = true;
			continue;
		}
		if (!trace || nframe == 3)
			continue;
		text += strspn(text, " ");
		if (!strncmp(text, "</TASK>", 7) ||
		    !strncmp(text, "</IRQ>", 6)) {
			trace = false;
			continue;
		}
		/* Unreliable frames ("? "), markers ("<TASK>"). */
		if (*text == '?' || *text == '<')
			continue;
		/* "fn+0x23/0x2b2": keep "fn+0x23". */
		text[strcspn(text, "/ ")] = '\0';
		if (!*text)
			continue;
		if (!nframe && alloc_frame(text)) {
			/* The allocator frame nearest the function, so far. */
			snprintf(frame[0], sizeof(frame[0]), "%s", text);
			continue;
		}
		nframe = nframe ? 3 : 2;
		snprintf(frame[nframe - 1], sizeof(frame[0]), "%s", text);
	}
	if (nframe) {
		/* Names without offsets, but for the function itself. */
		frame[0][strcspn(frame[0], "+")] = '\0';
		frame[2][strcspn(frame[2], "+.")] = '\0';
		snprintf(site, size, "%s: %s() in %s%s%s%s", fault,
			 *frame[0] ? frame[0] : "?", frame[1],
			 *frame[2] ? " <- " : "", frame[2],
			 *frame[2] ? "()" : "");
	}
}

static int open_fail_nth(int tid)
{
	char path[64];

	if (tid)
		snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth",
			 tid);
	else
		snprintf(path, sizeof(path), "/proc/thread-self/fail-nth");
	return open(path, O_RDWR | O_CLOEXEC);
}

/*
 * Make one call with fault point @k armed (none if dry); record it, and
 * locate the failure from the kernel log @kfd (-S).
 */
static struct outcome *armed_call(int fnfd, int rfd, int kfd, unsigned int k)
{
	struct outcome *o = &rep->out[rep->n];
	char buf[32];
	ssize_t got;
	int len;

	o->k = k;
	o->remaining = 1;
	o->site[0] = '\0';
	if (kfd >= 0 && lseek(kfd, 0, SEEK_END) < 0)
		setup_failed("seeking /dev/kmsg", errno);
	/* Nothing may allocate in this task between arming and the call. */
	len = snprintf(buf, sizeof(buf), "%u", k);
	if (fnfd >= 0 && pwrite(fnfd, buf, len, 0) != len)
		setup_failed("arming fail-nth", errno);
	if (opt_emulate)
		o->ret = ll_emu_tsync(rfd);
	else
		o->ret = ll_restrict_self(rfd, LANDLOCK_RESTRICT_SELF_TSYNC);
	o->err = errno;
	if (fnfd >= 0) {
		got = pread(fnfd, buf, sizeof(buf) - 1, 0);
		if (pwrite(fnfd, "0", 1, 0) != 1 || got <= 0)
			setup_failed("reading fail-nth", errno);
		buf[got] = '\0';
		o->remaining = strtoul(buf, NULL, 10);
	}
	if (kfd >= 0 && !o->remaining)
		locate(kfd, o->site, sizeof(o->site));
	ll_inc(&rep->n);
	return o;
}

/*
 * One child: set up the threads, then call with k = @k, @k + 1, ... armed
 * and check each call. A call that failed changed nothing (checked), so the
 * next k starts from the same state and goes through the same allocations;
 * a call that succeeded changed every thread, so the next k needs a fresh
 * child, and a call that did not reach its fault point ends the sweep.
 */
static void __noreturn child_main(const struct config *cfg, unsigned int k)
{
	static struct snapshot before, after;
	static struct sibling sib[MAX_SIBLINGS];
	unsigned int i, r, target;
	pthread_attr_t attr;
	int fnfd = -1, kfd = -1, rfd;
	uint64_t t[4];

	cur_k = k;
	if (ll_register())
		setup_failed("registry", ENOSPC);
	if (opt_emulate)
		ll_emu_install();
	t[0] = ll_now_ns();
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < cfg->n; i++) {
		pthread_t thread;
		int err;

		sib[i].kind = cfg->own_cred ? SIB_DOMAIN + i % 3 : SIB_SHARED;
		err = pthread_create(&thread, &attr, sibling_main, &sib[i]);
		if (err)
			setup_failed("pthread_create", err);
	}
	while ((r = ll_load(&ready)) < cfg->n)
		ll_futex_wait(&ready, r, 100);
	t[1] = ll_now_ns();
	if (setup_err)
		setup_failed("sibling credentials", setup_err);

	/* Siblings were created without no_new_privs: the call must set it. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		setup_failed("PR_SET_NO_NEW_PRIVS", errno);
	rfd = ll_ruleset(LL_PROBE_READ);
	if (rfd < 0)
		setup_failed("ruleset", errno);
	target = cfg->n > 2 ? 2 : cfg->n - 1;
	if (!opt_dry) {
		fnfd = open_fail_nth(cfg->target_sibling ? sib[target].tid : 0);
		if (fnfd < 0)
			setup_failed("fail-nth", errno);
	}
	if (opt_sites) {
		kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (kfd < 0)
			setup_failed("/dev/kmsg", errno);
	}
	ll_reg.probes = LL_PROBE_READ | LL_PROBE_READDIR;
	snapshot(&before);
	t[2] = ll_now_ns();
	if ((unsigned int)before.n != cfg->n + 1)
		setup_failed("thread count", EINVAL);

	for (;; k++) {
		struct outcome *o;

		cur_k = k;
		o = armed_call(fnfd, rfd, kfd, k);
		snapshot(&after);
		t[3] = ll_now_ns();
		if (o->ret && o->err != ENOMEM)
			deviation("call failed with %s (expected 0 or ENOMEM)",
				  strerror(o->err));
		if (o->ret && o->remaining)
			deviation(
				"call failed with %s though no failure was injected",
				strerror(o->err));
		compare(&before, &after, !o->ret, LL_PROBE_READ, sib, cfg->n);
		if (opt_verbose)
			printf("failsweep: %s: k=%u: %s%s; threads %.0f ms, snapshot %.0f ms, call+snapshot %.0f ms\n",
			       cfg_name, k,
			       o->ret ? strerror(o->err) : "success",
			       o->remaining ? " (not reached)" : "",
			       (t[1] - t[0]) / 1e6, (t[2] - t[1]) / 1e6,
			       (t[3] - t[2]) / 1e6);
		t[0] = t[1] = t[2] = t[3];
		if (!o->ret || o->remaining || ll_load(&rep->deviations) ||
		    rep->n == MAX_OUTCOMES)
			break;
	}
	fflush(stdout);
	_exit(ll_load(&rep->deviations) ? LL_EX_DEVIATION : 0);
}

/**
 * struct result - One configuration's sweep.
 * @points: fault points reached (and failed), i.e. k = 1..@points.
 * @enomem: calls that returned ENOMEM.
 * @completed: calls that succeeded despite the failure (a fallback).
 * @deviations: deviations found.
 * @printed: deviation lines printed.
 * @clean_k: the first k not reached.
 * @unfinished: why the sweep stopped before a clean call, or NULL.
 */
struct result {
	unsigned int points;
	unsigned int enomem;
	unsigned int completed;
	unsigned int deviations;
	unsigned int printed;
	unsigned int clean_k;
	const char *unfinished;
};

/*
 * Run a child from fault point @k on; returns the next k to try, or 0 when
 * the sweep is over (@res->unfinished set if it did not end cleanly).
 */
static unsigned int run_child(const struct config *cfg, unsigned int k,
			      struct result *res)
{
	uint64_t start = ll_now_ns();
	uint64_t deadline = start + opt_timeout * 1000000000ULL;
	int status = 0;
	unsigned int i;
	pid_t pid, r;

	memset(rep, 0, sizeof(*rep));
	rep->quota = res->printed < MAX_PRINTED ? MAX_PRINTED - res->printed :
						  0;
	cur_k = k;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("failsweep: fork");
		res->unfinished = "fork failed";
		return 0;
	}
	if (!pid)
		child_main(cfg, k);
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 &&
	       ll_now_ns() < deadline)
		ll_sleep_us(2000);
	if (!r) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		printf("failsweep: %s: deviation at k=%u: still running after %u s (hang?), killed\n",
		       cfg_name, k + rep->n, opt_timeout);
		res->deviations++;
		res->unfinished = "hang";
		return 0;
	}
	if (opt_verbose)
		printf("failsweep: %s: k=%u..%u: child %.0f ms\n", cfg_name, k,
		       k + rep->n - 1, (ll_now_ns() - start) / 1e6);
	res->deviations += rep->deviations;
	res->printed += rep->deviations < rep->quota ? rep->deviations :
						       rep->quota;
	for (i = 0; i < rep->n; i++) {
		const struct outcome *o = &rep->out[i];

		if (o->remaining) {
			res->clean_k = o->k;
			return 0;
		}
		res->points++;
		if (o->ret)
			res->enomem++;
		else
			res->completed++;
		if (opt_sites)
			printf("failsweep: %s: k=%u: %s at %s\n", cfg_name,
			       o->k, o->ret ? "ENOMEM" : "completed", o->site);
	}
	if (!rep->n || !WIFEXITED(status) ||
	    (WEXITSTATUS(status) && !rep->deviations)) {
		printf("failsweep: %s: deviation at k=%u: child ended with status %#x\n",
		       cfg_name, k + rep->n, status);
		res->deviations++;
		res->unfinished = "child failed";
		return 0;
	}
	return k + rep->n;
}

static void sweep(const struct config *cfg, uint64_t deadline,
		  struct result *res)
{
	unsigned int k = 1;

	memset(res, 0, sizeof(*res));
	while (k) {
		if (k > opt_kmax) {
			res->unfinished = "k limit";
			return;
		}
		if (ll_now_ns() > deadline) {
			res->unfinished = "deadline";
			return;
		}
		k = run_child(cfg, k, res);
	}
	if (res->unfinished)
		return;
	if (cfg->target_sibling && !cfg->own_cred && res->points) {
		printf("failsweep: %s: deviation: a sibling sharing the caller's cred reached %u fault points (expected none)\n",
		       cfg_name, res->points);
		res->deviations++;
	}
	if ((!cfg->target_sibling || cfg->own_cred) && !res->points &&
	    !opt_dry) {
		printf("failsweep: %s: deviation: no fault point reached (is ignore-gfp-wait N?)\n",
		       cfg_name);
		res->deviations++;
	}
}

static void print_result(const struct result *res)
{
	char range[48];

	if (res->unfinished)
		snprintf(range, sizeof(range), "k=1..%u, stopped: %s",
			 res->points + 1, res->unfinished);
	else if (res->points)
		snprintf(range, sizeof(range), "k=1..%u failed, k=%u clean",
			 res->points, res->clean_k);
	else
		snprintf(range, sizeof(range), "k=1 clean");
	printf("failsweep: %s: %u failure points (%s), %u ENOMEM, %u completed, %u deviations%s\n",
	       cfg_name, res->points, range, res->enomem, res->completed,
	       res->deviations, res->unfinished ? ", UNFINISHED" : "");
	fflush(stdout);
}

/* Warn about knobs that make the sweep meaningless or noisy. */
static void check_knobs(void)
{
	static const char *const knobs[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "2" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "2" },
	};
	unsigned int i;

	/* Without -S, any verbose value does: only the sites need 2. */
	for (i = 0; i < (opt_sites ? 4 : 2); i++) {
		char buf[16] = "";
		FILE *f = fopen(knobs[i][0], "r");

		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = '\0';
			fclose(f);
		}
		buf[strcspn(buf, "\n")] = '\0';
		if (strcmp(buf, knobs[i][1]))
			printf("failsweep: warning: %s is '%s', expected %s\n",
			       knobs[i][0], f ? buf : "(missing)", knobs[i][1]);
	}
}

static void __noreturn usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-d SECONDS] [-k KMAX] [-T SECONDS] [-s N,N,...] [-E] [-D] [-S] [-v]\n"
		"  -d SECONDS  deadline for the whole sweep (%u)\n"
		"  -k KMAX     highest k tried per configuration (%u)\n"
		"  -T SECONDS  a child running longer is a hang (%u)\n"
		"  -s LIST     sibling counts, 1-%d (%s)\n"
		"  -E          emulate TSYNC with a per-thread signal broadcast\n"
		"              (negative control: the checks must catch it)\n"
		"  -D          dry run: no fault injection, one call per\n"
		"              configuration (checks the checks without fail-nth)\n"
		"  -S          locate each failure from its stack trace in\n"
		"              /dev/kmsg (needs the fault attributes' verbose at 2)\n"
		"  -v          print each call's outcome and how long it took\n",
		prog, opt_deadline, opt_kmax, opt_timeout, MAX_SIBLINGS,
		opt_siblings);
	exit(LL_EX_SETUP);
}

static unsigned int parse_uint(const char *s, char **end, const char *prog)
{
	unsigned long v = strtoul(s, end, 10);

	if (*end == s || v > 1000000)
		usage(prog);
	return v;
}

int main(int argc, char *argv[])
{
	unsigned int counts[8], ncounts = 0, i, failed = 0;
	uint64_t deadline;
	const char *p;
	char *end;
	int opt, abi;

	while ((opt = getopt(argc, argv, "d:k:T:s:EDSv")) != -1) {
		switch (opt) {
		case 'd':
			opt_deadline = parse_uint(optarg, &end, argv[0]);
			break;
		case 'k':
			opt_kmax = parse_uint(optarg, &end, argv[0]);
			break;
		case 'T':
			opt_timeout = parse_uint(optarg, &end, argv[0]);
			break;
		case 's':
			opt_siblings = optarg;
			break;
		case 'E':
			opt_emulate = true;
			break;
		case 'D':
			opt_dry = true;
			break;
		case 'S':
			opt_sites = true;
			break;
		case 'v':
			opt_verbose = true;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc || !opt_kmax || opt_timeout < 4)
		usage(argv[0]);
	for (p = opt_siblings; *p; p = *end ? end + 1 : end) {
		unsigned int n = parse_uint(p, &end, argv[0]);

		if (!n || n > MAX_SIBLINGS || ncounts == 8 ||
		    (*end && *end != ','))
			usage(argv[0]);
		counts[ncounts++] = n;
	}

	if (!opt_dry && access("/proc/thread-self/fail-nth", F_OK)) {
		printf("failsweep: fault injection unavailable: no /proc/thread-self/fail-nth (needs CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB)\n");
		return LL_EX_NO_FAULT;
	}
	abi = ll_abi();
	if (abi < LL_ABI_TSYNC && !opt_emulate) {
		printf("failsweep: TSYNC unavailable: Landlock ABI %d < %d\n",
		       abi, LL_ABI_TSYNC);
		return LL_EX_NO_TSYNC;
	}
	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED || ll_probe_setup()) {
		perror("failsweep: setup");
		return LL_EX_SETUP;
	}
	if (!opt_dry)
		check_knobs();
	printf("failsweep: Landlock ABI %d%s, sibling counts %s, deadline %u s\n",
	       abi, opt_emulate ? " (TSYNC emulated in user space)" : "",
	       opt_siblings, opt_deadline);
	fflush(stdout);

	deadline = ll_now_ns() + opt_deadline * 1000000000ULL;
	for (i = 0; i < 4 * ncounts; i++) {
		struct config cfg = {
			.target_sibling = i / (2 * ncounts),
			.own_cred = i / ncounts % 2,
			.n = counts[i % ncounts],
		};
		struct result res;

		snprintf(cfg_name, sizeof(cfg_name),
			 "%s points, %u sibling%s, %s",
			 cfg.target_sibling ? "sibling" : "caller", cfg.n,
			 cfg.n == 1 ? "" : "s",
			 cfg.own_cred ? "own cred" : "shared cred");
		sweep(&cfg, deadline, &res);
		print_result(&res);
		failed += res.deviations || res.unfinished;
	}
	ll_probe_cleanup();
	return failed ? LL_EX_DEVIATION : 0;
}
