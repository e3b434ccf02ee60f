// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios with io_uring, whose kernel threads (io-wq workers, the SQPOLL
 * thread) belong to the process but never run user code, and whose
 * io_uring_enter() and execve() run task_work in the kernel:
 *
 *   io_uring       one sibling keeps an IOSQE_ASYNC read of a pipe in flight
 *                  (an io-wq worker blocks in it) and waits for its
 *                  completion in io_uring_enter(), which runs task_work
 *                  itself; another feeds an IORING_SETUP_SQPOLL ring. Every
 *                  thread but the workers must be restricted after each
 *                  call, and both kinds of workers must have been seen.
 *   io_uring_exec  a sibling with an io-wq worker and a read of an empty
 *                  pipe in flight calls execve() during the call: exec
 *                  cancels the read and runs task_work before de_thread()
 *                  (the v1 escape). The new image must be consistent, and
 *                  restricted if the call returned 0.
 */

#include <linux/io_uring.h>
#include <sys/mman.h>

#include "../scenario.h"

struct ring {
	int fd;
	struct io_uring_params p;
	void *sq, *cq;
	struct io_uring_sqe *sqes;
	size_t sq_len, cq_len;
};

static void ring_setup(struct ring *r, unsigned int flags)
{
	struct io_uring_params *p = &r->p;

	memset(r, 0, sizeof(*r));
	p->flags = flags;
	p->sq_thread_idle = 10; /* ms: let the SQPOLL thread sleep too */
	r->fd = syscall(__NR_io_uring_setup, 8, p);
	if (r->fd < 0)
		setup_failed(
			"io_uring_setup (CONFIG_IO_URING, kernel.io_uring_disabled)");
	r->sq_len = p->sq_off.array + p->sq_entries * sizeof(__u32);
	r->cq_len =
		p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		if (r->cq_len > r->sq_len)
			r->sq_len = r->cq_len;
		r->cq_len = r->sq_len;
	}
	r->sq = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	if (r->sq == MAP_FAILED)
		setup_failed("mmap(IORING_OFF_SQ_RING)");
	r->cq = r->sq;
	if (!(p->features & IORING_FEAT_SINGLE_MMAP)) {
		r->cq = mmap(NULL, r->cq_len, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_POPULATE, r->fd,
			     IORING_OFF_CQ_RING);
		if (r->cq == MAP_FAILED)
			setup_failed("mmap(IORING_OFF_CQ_RING)");
	}
	r->sqes = mmap(NULL, p->sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		       IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		setup_failed("mmap(IORING_OFF_SQES)");
}

static unsigned int *sq_word(const struct ring *r, __u32 off)
{
	return (unsigned int *)((char *)r->sq + off);
}

static unsigned int *cq_word(const struct ring *r, __u32 off)
{
	return (unsigned int *)((char *)r->cq + off);
}

/* Queue @sqe in the submission ring (not submitted yet). */
static void ring_queue(struct ring *r, const struct io_uring_sqe *sqe)
{
	unsigned int *tail = sq_word(r, r->p.sq_off.tail);
	unsigned int i = *tail & *sq_word(r, r->p.sq_off.ring_mask);

	r->sqes[i] = *sqe;
	sq_word(r, r->p.sq_off.array)[i] = i;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
}

/* io_uring_enter(); returns its result or -errno. */
static int ring_enter(struct ring *r, unsigned int submit, unsigned int wait,
		      unsigned int flags)
{
	int ret = syscall(__NR_io_uring_enter, r->fd, submit, wait,
			  flags | (wait ? IORING_ENTER_GETEVENTS : 0), NULL, 0);

	return ret < 0 ? -errno : ret;
}

/* Consume every completion; returns how many, failed ones in *@failed. */
static unsigned int ring_reap(struct ring *r, unsigned int *failed)
{
	unsigned int *head = cq_word(r, r->p.cq_off.head);
	unsigned int tail =
		__atomic_load_n(cq_word(r, r->p.cq_off.tail), __ATOMIC_ACQUIRE);
	unsigned int mask = *cq_word(r, r->p.cq_off.ring_mask);
	struct io_uring_cqe *cqes = (void *)((char *)r->cq + r->p.cq_off.cqes);
	unsigned int n = 0;

	for (; *head != tail; n++) {
		if (cqes[*head & mask].res < 0)
			(*failed)++;
		__atomic_store_n(head, *head + 1, __ATOMIC_RELEASE);
	}
	return n;
}

static void prep_read(struct io_uring_sqe *sqe, int fd, void *buf)
{
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_READ;
	sqe->fd = fd;
	sqe->addr = (uintptr_t)buf;
	sqe->len = 1;
	sqe->off = -1;
}

/*
 * A read of an empty pipe, forced to an io-wq worker (IOSQE_ASYNC), which
 * blocks in it until this thread writes the byte; then this thread waits
 * for the completion in io_uring_enter().
 */
static void *async_main(void *arg)
{
	struct io_uring_sqe sqe;
	unsigned int failed = 0;
	struct ring r;
	char buf;
	int p[2], ret;

	ring_setup(&r, 0);
	if (pipe2(p, O_CLOEXEC))
		setup_failed("pipe2");
	join_registry();
	for (;;) {
		prep_read(&sqe, p[0], &buf);
		sqe.flags = IOSQE_ASYNC;
		ring_queue(&r, &sqe);
		ret = ring_enter(&r, 1, 0, 0);
		if (ret != 1)
			deviation("io_uring_enter(submit): %d", ret);
		ll_poll();
		ll_sleep_us(ll_rand() % 3000);
		ll_poll();
		if (write(p[1], "x", 1) != 1)
			deviation("write: %s", strerror(errno));
		do {
			ret = ring_enter(&r, 0, 1, 0);
		} while (ret == -EINTR);
		if (ret < 0)
			deviation("io_uring_enter(wait): %s", strerror(-ret));
		ll_store(&rep->events,
			 ll_load(&rep->events) + ring_reap(&r, &failed));
		if (failed)
			deviation("%u io_uring reads failed", failed);
		failed = 0;
	}
	return NULL;
}

/* NOPs through an SQPOLL ring: the SQPOLL thread submits them. */
static void *sqpoll_main(void *arg)
{
	struct io_uring_sqe sqe = { .opcode = IORING_OP_NOP };
	unsigned int failed = 0, *flags;
	struct ring r;

	ring_setup(&r, IORING_SETUP_SQPOLL);
	flags = sq_word(&r, r.p.sq_off.flags);
	join_registry();
	for (;;) {
		ring_queue(&r, &sqe);
		if (__atomic_load_n(flags, __ATOMIC_ACQUIRE) &
		    IORING_SQ_NEED_WAKEUP)
			ring_enter(&r, 0, 0, IORING_ENTER_SQ_WAKEUP);
		ll_sleep_us(500 + ll_rand() % 2000);
		ll_poll();
		ll_store(&rep->events,
			 ll_load(&rep->events) + ring_reap(&r, &failed));
		if (failed)
			deviation("%u io_uring NOPs failed", failed);
		failed = 0;
	}
	return NULL;
}

static void run_io_uring(void)
{
	spawn_idle(opt_threads);
	spawn(async_main, NULL);
	spawn(sqpoll_main, NULL);
	ll_sleep_us(5000);
	calls_loop();
	/* The SQPOLL thread and at least one io-wq worker. */
	if (ll_load(&rep->workers) < 2)
		deviation("only %u io_uring worker(s) seen by the checks",
			  ll_load(&rep->workers));
}

const struct scenario scenario_io_uring = {
	.name = "io_uring",
	.run = run_io_uring,
	.events = "io_uring completions",
};

/* io_uring_exec */

static void *io_exec_main(void *arg)
{
	struct io_uring_sqe sqe = { .opcode = IORING_OP_NOP };
	static char buf;
	unsigned int failed = 0;
	struct ring r;
	int p[2], ret;

	block_emulation_signal();
	ring_setup(&r, 0);
	if (pipe2(p, O_CLOEXEC))
		setup_failed("pipe2");
	/* An io-wq worker, which execve() has to wait for. */
	sqe.flags = IOSQE_ASYNC;
	ring_queue(&r, &sqe);
	ret = ring_enter(&r, 1, 1, 0);
	if (ret != 1 || ring_reap(&r, &failed) != 1 || failed)
		deviation("async NOP: %d", ret);
	/* In flight until execve() cancels it: nothing writes the pipe. */
	prep_read(&sqe, p[0], &buf);
	ring_queue(&r, &sqe);
	ret = ring_enter(&r, 1, 0, 0);
	if (ret != 1)
		deviation("io_uring_enter(read): %d", ret);
	delay_into_call();
	exec_checker();
}

static void run_io_uring_exec(void)
{
	one_call_then_wait(io_exec_main);
}

const struct scenario scenario_io_uring_exec = {
	.name = "io_uring_exec",
	.run = run_io_uring_exec,
	.end = END_EXEC,
};
