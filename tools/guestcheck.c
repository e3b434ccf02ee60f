// SPDX-License-Identifier: GPL-2.0
/*
 * guestcheck: what an ordinary program expects of the guest it runs in,
 * checked the way such a program uses it. make test runs it in every guest
 * mode (scripts/shell-test.sh): statically linked in make exec's minimal
 * guest, dynamically linked (guestcheck-dynamic) from a directory under the
 * host's /tmp in make shell's guest.
 *
 * Required (exit status 1 if one fails):
 *   loopback   a TCP server on 127.0.0.1 (and on ::1) accepts a
 *              connection from this process and echoes what it sent
 *   localhost  getaddrinfo("localhost") gives only loopback addresses
 * Reported, one line each ("guestcheck: info ..."):
 *   cwd, /dev/shm (shm_open), /dev/pts (posix_openpt), /proc/self/maps,
 *   /etc/passwd (root's entry), $HOME writable, ulimit -n, online CPUs,
 *   clock (wall-clock year) and timezone.
 *
 * Usage: guestcheck [-q]   (-q: only the required checks and failures)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int failed;
static int quiet;

static void fail(const char *what, const char *fmt, const char *arg, int err)
{
	printf("guestcheck: FAIL %s: ", what);
	printf(fmt, arg);
	if (err)
		printf(": %s", strerror(err));
	printf("\n");
	failed = 1;
}

static void info(const char *what, const char *value)
{
	if (!quiet)
		printf("guestcheck: info %s: %s\n", what, value);
}

/*
 * echo_once - connect to a listening socket of our own and read back.
 * Returns 0 on success, else an errno value, with *step naming what failed.
 */
static int echo_once(int family, const char *addr, const char **step)
{
	struct sockaddr_storage ss = { .ss_family = family };
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) :
					    sizeof(struct sockaddr_in6);
	void *ip = family == AF_INET ?
			   (void *)&((struct sockaddr_in *)&ss)->sin_addr :
			   (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
	int srv = -1, cli = -1, conn = -1, err = 0;
	char buf[5] = "";

	*step = "inet_pton";
	if (inet_pton(family, addr, ip) != 1)
		return EINVAL;
	*step = "socket";
	srv = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv < 0)
		return errno;
	*step = "bind";
	if (bind(srv, (struct sockaddr *)&ss, len))
		goto out_errno;
	*step = "listen";
	if (listen(srv, 1))
		goto out_errno;
	*step = "getsockname";
	if (getsockname(srv, (struct sockaddr *)&ss, &len))
		goto out_errno;
	*step = "connect";
	cli = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cli < 0 || connect(cli, (struct sockaddr *)&ss, len))
		goto out_errno;
	*step = "accept";
	conn = accept(srv, NULL, NULL);
	if (conn < 0)
		goto out_errno;
	*step = "send";
	if (write(cli, "ping", 4) != 4)
		goto out_errno;
	*step = "recv";
	if (read(conn, buf, 4) != 4)
		goto out_errno;
	*step = "echo";
	err = strcmp(buf, "ping") ? EIO : 0;
	goto out;
out_errno:
	err = errno ? errno : EIO;
out:
	if (conn >= 0)
		close(conn);
	if (cli >= 0)
		close(cli);
	close(srv);
	return err;
}

static void check_loopback(void)
{
	static const struct {
		int family;
		const char *addr;
	} ends[] = { { AF_INET, "127.0.0.1" }, { AF_INET6, "::1" } };
	unsigned int i;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		const char *step;
		int err = echo_once(ends[i].family, ends[i].addr, &step);

		if (err) {
			printf("guestcheck: FAIL loopback: %s on %s: %s\n",
			       step, ends[i].addr, strerror(err));
			failed = 1;
		} else {
			printf("guestcheck: ok loopback %s\n", ends[i].addr);
		}
	}
}

static void check_localhost(void)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char list[256] = "", host[INET6_ADDRSTRLEN];
	int ret, bad = 0;

	ret = getaddrinfo("localhost", NULL, &hints, &res);
	if (ret) {
		fail("localhost", "getaddrinfo(\"localhost\"): %s",
		     gai_strerror(ret), 0);
		return;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		const void *ip =
			ai->ai_family == AF_INET ?
				(void *)&((struct sockaddr_in *)ai->ai_addr)
					->sin_addr :
				(void *)&((struct sockaddr_in6 *)ai->ai_addr)
					->sin6_addr;

		if (!inet_ntop(ai->ai_family, ip, host, sizeof(host)))
			continue;
		if (strcmp(host, "::1") && strncmp(host, "127.", 4))
			bad = 1;
		if (!strstr(list, host) &&
		    strlen(list) + strlen(host) + 2 < sizeof(list)) {
			strcat(list, " ");
			strcat(list, host);
		}
	}
	freeaddrinfo(res);
	if (bad)
		fail("localhost", "resolves to a non-loopback address:%s", list,
		     0);
	else
		printf("guestcheck: ok localhost:%s\n", list);
}

/* The rest is reported, not required: one line each. */
static void report(void)
{
	char buf[4096], *p;
	struct passwd *pw;
	struct rlimit rl;
	struct tm tm;
	time_t now;
	FILE *f;
	int fd;

	info("cwd", getcwd(buf, sizeof(buf)) ? buf : strerror(errno));

	fd = shm_open("/guestcheck", O_RDWR | O_CREAT | O_EXCL, 0600);
	info("/dev/shm", fd >= 0 ? "shm_open() works" : strerror(errno));
	if (fd >= 0) {
		close(fd);
		shm_unlink("/guestcheck");
	}

	fd = posix_openpt(O_RDWR | O_NOCTTY);
	if (fd >= 0 && !grantpt(fd) && !unlockpt(fd) && ptsname(fd))
		snprintf(buf, sizeof(buf), "posix_openpt() works (%s)",
			 ptsname(fd));
	else
		snprintf(buf, sizeof(buf), "posix_openpt(): %s",
			 strerror(errno));
	info("/dev/pts", buf);
	if (fd >= 0)
		close(fd);

	f = fopen("/proc/self/maps", "r");
	info("/proc/self/maps",
	     f && fgets(buf, sizeof(buf), f) ? "readable" : strerror(errno));
	if (f)
		fclose(f);

	pw = getpwuid(0);
	snprintf(buf, sizeof(buf), "%s",
		 pw ? pw->pw_name : "no entry for uid 0");
	info("/etc/passwd (uid 0)", buf);

	p = getenv("HOME");
	if (!p) {
		info("$HOME", "unset");
	} else {
		char path[4096];

		snprintf(path, sizeof(path), "%s/.guestcheck.XXXXXX", p);
		fd = mkstemp(path);
		snprintf(buf, sizeof(buf), "%s %s", p,
			 fd >= 0 ? "(writable)" : strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		info("$HOME", buf);
	}

	getrlimit(RLIMIT_NOFILE, &rl);
	snprintf(buf, sizeof(buf), "%llu (hard %llu)",
		 (unsigned long long)rl.rlim_cur,
		 (unsigned long long)rl.rlim_max);
	info("ulimit -n", buf);

	snprintf(buf, sizeof(buf), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	info("online CPUs", buf);

	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %Z", &tm);
	info("clock", buf);
	info("TZ", getenv("TZ") ? getenv("TZ") : "unset");
}

int main(int argc, char *argv[])
{
	quiet = argc > 1 && !strcmp(argv[1], "-q");
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_loopback();
	check_localhost();
	report();
	printf("guestcheck: %s\n", failed ? "FAILED" : "passed");
	return failed;
}
