// SPDX-License-Identifier: GPL-2.0-only
/*
 * Times the virtio console's echo round trip from the root: one byte into
 * the pty partita-backd serves, through the guest's console front-end and
 * the shell guest's echo, back out of the pty. With --missed it checks the
 * back-end's history instead: a command sent and the pty closed at once,
 * its answer must show on the next open.
 *
 * usage: partita-console-bench TTY SAMPLES | partita-console-bench TTY --missed
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ptbench-print.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int open_tty(const char *path)
{
	struct termios t;
	int fd = open(path, O_RDWR | O_NOCTTY);

	if (fd < 0 || tcgetattr(fd, &t) == 0) {
		if (fd >= 0) {
			cfmakeraw(&t);
			tcsetattr(fd, TCSANOW, &t);
		}
	}
	return fd;
}

/* Reads until `want` appears (kept in buf) or timeout_ms: 0 or -1. */
static int read_until(int fd, const char *want, char *buf, size_t cap,
		      int timeout_ms)
{
	long long end = now_ns() + timeout_ms * 1000000ll;
	size_t n = 0;

	buf[0] = 0;
	while (now_ns() < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, 50) <= 0)
			continue;
		r = read(fd, buf + n, cap - 1 - n);
		if (r <= 0)
			continue;
		n += (size_t)r;
		buf[n] = 0;
		if (strstr(buf, want))
			return 0;
		if (n > cap / 2) { /* keep the tail: the marker may straddle */
			memmove(buf, buf + n - 64, 64);
			n = 64;
			buf[n] = 0;
		}
	}
	return -1;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static int missed(const char *tty)
{
	char cmd[64], want[32], buf[8192];
	int fd = open_tty(tty);

	if (fd < 0)
		return perror(tty), 1;
	snprintf(want, sizeof(want), "missed-%d", getpid());
	/* A leading CR ends whatever line an earlier user left unfinished. */
	snprintf(cmd, sizeof(cmd), "\recho %s\r", want);
	if (write(fd, cmd, strlen(cmd)) < 0)
		return perror("write"), 1;
	close(fd); /* nobody attached while the guest answers */
	sleep(2);
	fd = open_tty(tty);
	if (fd < 0)
		return perror(tty), 1;
	/* The answer line itself, not the typed echo. */
	snprintf(cmd, sizeof(cmd), "\n%s", want);
	if (read_until(fd, cmd, buf, sizeof(buf), 3000)) {
		printf("console-bench missed: NOT shown on reattach\n");
		return 1;
	}
	printf("console-bench missed: %s shown on reattach\n", want);
	return 0;
}

int main(int argc, char **argv)
{
	char buf[8192];
	long long *t;
	int fd, n;

	/* A 4th argument --records: also the suite's PTBENCH lines. */
	if (argc != 3 && !(argc == 4 && !strcmp(argv[3], "--records"))) {
		fprintf(stderr,
			"usage: %s TTY SAMPLES [--records] | TTY --missed\n",
			argv[0]);
		return 2;
	}
	if (!strcmp(argv[2], "--missed"))
		return missed(argv[1]);
	n = atoi(argv[2]);
	t = calloc(n > 0 ? n : 1, sizeof(*t));
	fd = open_tty(argv[1]);
	if (n <= 0 || !t || fd < 0)
		return perror(argv[1]), 1;
	if (write(fd, "\r", 1) != 1 ||
	    read_until(fd, "shell> ", buf, sizeof(buf), 5000))
		return fprintf(stderr, "no prompt from the shell\n"), 1;
	for (int i = 0; i < n; i++) {
		long long t0 = now_ns();

		if (write(fd, "x", 1) != 1 ||
		    read_until(fd, "x", buf, sizeof(buf), 5000))
			return fprintf(stderr, "no echo of sample %d\n", i), 1;
		t[i] = now_ns() - t0;
		/* A short line: the shell answers it, then a prompt again. */
		if (i % 32 == 31 &&
		    (write(fd, "\r", 1) != 1 ||
		     read_until(fd, "shell> ", buf, sizeof(buf), 5000)))
			return fprintf(stderr, "no prompt after a line\n"), 1;
	}
	if (write(fd, "\r", 1) != 1) /* leave no unfinished line behind */
		return perror("write"), 1;
	qsort(t, n, sizeof(*t), cmp);
	printf("console-bench echo samples=%d min=%lld median=%lld p99=%lld "
	       "max=%lld ns\n",
	       n, t[0], t[n / 2], t[n * 99 / 100], t[n - 1]);
	if (argc == 4) {
		uint64_t *ns = calloc(n, sizeof(*ns));

		if (!ns)
			return perror("calloc"), 1;
		for (int i = 0; i < n; i++)
			ns[i] = (uint64_t)t[i];
		ptbench_print("console_echo", ns, n, 0);
		free(ns);
	}
	return 0;
}
