/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tools need from the UAPI headers that a base kernel's lack (make
 * bench builds them against the unpatched base too).
 */
#ifndef TOOLS_COMMON_H
#define TOOLS_COMMON_H

#include <linux/landlock.h>

#ifndef LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2)
#endif
#ifndef LANDLOCK_RESTRICT_SELF_TSYNC
#define LANDLOCK_RESTRICT_SELF_TSYNC (1U << 3)
#endif

#endif /* TOOLS_COMMON_H */
