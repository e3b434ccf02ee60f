// SPDX-License-Identifier: GPL-2.0
/*
 * Print the Landlock ABI version that the running kernel reports, or, with
 * --errata, the bitmask of the errata it reports fixed.
 */

#include <errno.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef LANDLOCK_CREATE_RULESET_ERRATA
#define LANDLOCK_CREATE_RULESET_ERRATA (1U << 1)
#endif

int main(int argc, char *argv[])
{
	unsigned int flag = LANDLOCK_CREATE_RULESET_VERSION;
	long ret;

	if (argc > 1 && !strcmp(argv[1], "--errata"))
		flag = LANDLOCK_CREATE_RULESET_ERRATA;
	ret = syscall(__NR_landlock_create_ruleset, NULL, 0, flag);
	if (ret < 0) {
		printf("unavailable (%s)\n", strerror(errno));
		return 1;
	}
	printf("%ld\n", ret);
	return 0;
}
