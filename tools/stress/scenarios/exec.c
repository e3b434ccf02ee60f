// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios that end the process from a sibling while a call runs:
 *
 *   exec  a sibling calls execve() during the call; the new image checks
 *         that it is single-threaded and that its domain and no_new_privs
 *         agree (all or nothing), and the parent that it is restricted if
 *         the call returned 0
 *   exit  a sibling calls exit_group() during the call; the process must
 *         end promptly with the sibling's status
 */

#include "../scenario.h"

/* Block the emulation's signal: it would kill the new image. */
void block_emulation_signal(void)
{
	sigset_t set;

	if (!opt_emulate)
		return;
	sigemptyset(&set);
	sigaddset(&set, LL_EMU_SIG);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* Execute this program's --exec-check; never returns. */
void __noreturn exec_checker(void)
{
	char *const argv[] = {
		"stress",
		"--exec-check",
		(char *)ll_reg.file,
		NULL,
	};

	execve("/proc/self/exe", argv, (char *const[]){ NULL });
	deviation("execve: %s", strerror(errno));
	_exit(EXEC_ERROR);
}

static void *exec_main(void *arg)
{
	block_emulation_signal();
	delay_into_call();
	exec_checker();
}

static void *exit_main(void *arg)
{
	delay_into_call();
	syscall(SYS_exit_group, EXIT_STATUS);
	return NULL;
}

static void run_exec(void)
{
	one_call_then_wait(exec_main);
}

static void run_exit(void)
{
	one_call_then_wait(exit_main);
}

const struct scenario scenario_exec = {
	.name = "exec",
	.run = run_exec,
	.end = END_EXEC,
};

const struct scenario scenario_exit = {
	.name = "exit",
	.run = run_exit,
	.end = END_EXIT,
};
