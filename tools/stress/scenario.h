/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stress program's harness, as its scenarios see it (tools/stress/
 * scenarios/): the report shared with the parent, the siblings every
 * scenario can start, the caller's loop of checked TSYNC calls, helper
 * processes, and the scenario descriptor each scenario file defines.
 *
 * Every scenario runs in a fresh child process per iteration. Its run()
 * starts the disturbance, makes TSYNC calls and checks every thread after
 * each successful one (calls_loop() does both); the parent then judges how
 * the child ended (struct scenario's @end) and may look at what it left
 * behind (@reaped).
 */

#ifndef LL_SCENARIO_H
#define LL_SCENARIO_H

#include <pthread.h>
#include <sys/types.h>

#include "stress.h"

#define MAX_PRINTED 10 /* deviation lines printed per scenario */
#define MAX_TIDS 64
#define EXIT_STATUS 42 /* the exit scenario's exit_group() status */
#define STACK_SIZE (256 * 1024)
#define PROMPT_NS 10000000000ULL /* exec, exit: ends within 10 s */
#define SLOW_NS 900000000ULL /* a call this long backed off or waited */

/* What the exec'd image reports (exec scenarios). */
#define EXEC_RESTRICTED 10
#define EXEC_UNRESTRICTED 11
#define EXEC_INCONSISTENT 12
#define EXEC_ERROR 13

/**
 * struct report - Shared between the parent, one child and its helpers.
 * @deviations: deviations found in this iteration.
 * @quota: deviation lines the child may still print.
 * @calls: successful TSYNC calls.
 * @call_ns: their total duration.
 * @call_max_ns: the longest one.
 * @slow: successful calls longer than SLOW_NS.
 * @events: scenario-specific count (threads created, signals, ...).
 * @window_ns: exec, exit: range of the disturbing sibling's delay.
 * @go_ns: exec, exit: when the caller entered the call.
 * @ready: futex word: the disturbing sibling is ready (exec, exit, ...).
 * @go: futex word: the caller is about to call.
 * @quit: helpers must stop.
 * @helper_err: first unexpected errno seen by a helper.
 * @workers: user workers (io_uring) seen in one probe round, at most.
 * @ntids: number of valid @tids.
 * @tids: siblings a helper may target.
 */
struct report {
	unsigned int deviations;
	unsigned int quota;
	unsigned int calls;
	uint64_t call_ns;
	uint64_t call_max_ns;
	unsigned int slow;
	unsigned int events;
	uint64_t window_ns;
	uint64_t go_ns;
	unsigned int ready;
	unsigned int go;
	unsigned int quit;
	int helper_err;
	unsigned int workers;
	int ntids;
	int tids[MAX_TIDS];
};

/**
 * enum scenario_end - How an iteration's child process ends.
 * @END_NORMAL: it returns from run(), exit status 0.
 * @END_EXIT: a sibling calls exit_group(EXIT_STATUS).
 * @END_EXEC: a sibling calls execve() of this program's --exec-check, whose
 *            status says whether the new image is restricted; after a call
 *            that returned 0, it must be.
 * @END_CORE: a sibling dies of SIGSEGV, and the process dumps core.
 */
enum scenario_end { END_NORMAL, END_EXIT, END_EXEC, END_CORE };

/**
 * struct scenario - One way of disturbing the process.
 * @name: its name on the command line and in the output.
 * @run: the child's body: start the disturbance, call, check.
 * @end: how the child ends.
 * @events: what &report.events counts, if anything.
 * @reaped: called in the parent once the child is reaped (or killed after
 *          a hang) with its status: check and remove what the iteration
 *          left behind, add to the scenario's events; returns the
 *          deviations found (reap_deviation()).
 */
struct scenario {
	const char *name;
	void (*run)(void);
	enum scenario_end end;
	const char *events;
	unsigned int (*reaped)(pid_t pid, int status, unsigned long *events);
};

/* Options. */
extern unsigned int opt_calls; /* -c: TSYNC calls per iteration */
extern unsigned int opt_threads; /* -t: idle siblings per iteration */
extern unsigned int opt_timeout; /* -T: seconds per iteration */
extern bool opt_emulate; /* -E: user-space broadcast instead */

extern struct report *rep;
extern const struct scenario *cur;
extern int controller_tid; /* the iteration's first thread */
extern unsigned int calling; /* TSYNC calls in progress */
extern unsigned int hold; /* checking: no new threads please */
extern const unsigned int call_probe[4];

/* In the child (any thread, any helper): count and print a deviation. */
void deviation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* In the parent, from a @reaped hook: same, returns 1. */
unsigned int reap_deviation(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void __noreturn setup_failed(const char *what);

/* Siblings: detached threads; they join the probe registry themselves. */
void spawn(void *(*fn)(void *), void *arg);
void join_registry(void);
void *idle_main(void *arg);
void *busy_main(void *arg);
void spawn_idle(unsigned int n);

/* The caller. */
int timed_tsync(int fd);
void check_all(unsigned int want);
void calls_loop_one(unsigned int c);
void calls_loop(void);
void one_call_then_wait(void *(*fn)(void *));

/* Helper processes, forked while the child is still single-threaded. */
pid_t spawn_helper(void (*fn)(pid_t target));
void stop_helper(pid_t pid);
void wait_go(void);
void set_go(void);
void delay_into_call(void);

/* The exec scenarios: execute this program's --exec-check. */
void __noreturn exec_checker(void);
void block_emulation_signal(void);

/* The scenarios, one file each (or one per family) in scenarios/. */
extern const struct scenario scenario_churn;
extern const struct scenario scenario_concurrent;
extern const struct scenario scenario_signals;
extern const struct scenario scenario_stop;
extern const struct scenario scenario_ptrace;
extern const struct scenario scenario_exec;
extern const struct scenario scenario_exit;
extern const struct scenario scenario_vfork;
extern const struct scenario scenario_vfork_exec;
extern const struct scenario scenario_busy;
extern const struct scenario scenario_seccomp;
extern const struct scenario scenario_io_uring;
extern const struct scenario scenario_io_uring_exec;
extern const struct scenario scenario_freezer;
extern const struct scenario scenario_coredump;

#endif /* LL_SCENARIO_H */
