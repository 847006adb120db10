// SPDX-License-Identifier: GPL-2.0-only
/* partita-msgtest: grant mapping, event and message round trips, floods. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msgtest.h"

static const char usage[] =
	"usage: partita-msgtest COMMAND ARGS\n"
	"  grant GRANTER REF   map the grant read-write through the gntdev\n"
	"                      file, write the test pattern, then take\n"
	"                      commands on stdin: check, copy, unmap, quit\n"
	"  echo [--records] PEER PORT CONNECTION EVENTS MESSAGES\n"
	"                      bind PEER's PORT, run EVENTS event and "
	"MESSAGES\n"
	"                      message round trips with an echoing peer and\n"
	"                      print min/median/p99 in ns (--records: after\n"
	"                      10 untimed ones of each, also the benchmark\n"
	"                      suite's PTBENCH lines)\n"
	"  flood               connect a message file, print its id, then "
	"take\n"
	"                      commands on stdin: bind PEER PORT, slow MS,\n"
	"                      drain, quit\n"
	"  evrace PEER P0,P1,P2,P3 SECONDS ROUNDS\n"
	"                      in rounds, bind PEER's four storming ports,\n"
	"                      read some events, then unbind them or close\n"
	"                      the file (also under a blocked reader)\n"
	"Every command prints one line per step; failures start with\n"
	"\"partita-msgtest: \" and the exit status is 1 (2: usage).\n";

uint8_t msgtest_grant_byte(size_t i)
{
	if (i < sizeof(MSGTEST_GRANT_MAGIC) - 1)
		return (uint8_t)MSGTEST_GRANT_MAGIC[i];
	return (uint8_t)((i * 7 + 3) & 0xff);
}

uint64_t msgtest_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int msgtest_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("partita-msgtest: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	return 1;
}

int msgtest_fail_dev(const struct root_dev *dev, const char *doing)
{
	return msgtest_fail("%s: %s", doing, root_error(dev));
}

int msgtest_number(const char *text, uint64_t max, uint64_t *v)
{
	char *end;

	if (!text || !*text || *text == '-')
		return -1;
	errno = 0;
	*v = strtoull(text, &end, 0);
	return *end || errno || *v > max ? -1 : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void msgtest_report(const char *what, uint64_t *samples, size_t n)
{
	if (!n) {
		printf("%s: no samples\n", what);
		return;
	}
	qsort(samples, n, sizeof(*samples), cmp_u64);
	printf("%s: %zu round trips, min %llu ns, median %llu ns, "
	       "p99 %llu ns\n",
	       what, n, (unsigned long long)samples[0],
	       (unsigned long long)samples[n / 2],
	       (unsigned long long)
		       samples[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1]);
	fflush(stdout);
}

/* Bytes of stdin read but not yet returned as a line. */
static char pending[512];
static size_t pending_len;

int msgtest_command(char *line, size_t size, int timeout_ms)
{
	uint64_t deadline = msgtest_now_ns() + (uint64_t)timeout_ms * 1000000;
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	for (;;) {
		char *nl = memchr(pending, '\n', pending_len);
		ssize_t n;
		int wait = -1;

		if (nl) {
			size_t len = (size_t)(nl - pending);

			snprintf(line, size, "%.*s", (int)len, pending);
			pending_len -= len + 1;
			memmove(pending, nl + 1, pending_len);
			return 1;
		}
		if (pending_len == sizeof(pending))
			pending_len = 0; /* a line too long: dropped */
		if (timeout_ms >= 0) {
			uint64_t now = msgtest_now_ns();

			if (now >= deadline)
				return -ETIMEDOUT;
			wait = (int)((deadline - now) / 1000000) + 1;
		}
		if (poll(&p, 1, wait) <= 0)
			continue;
		n = read(STDIN_FILENO, pending + pending_len,
			 sizeof(pending) - pending_len);
		if (n <= 0)
			return 0;
		pending_len += (size_t)n;
	}
}

int main(int argc, char **argv)
{
	/* Lines must reach a script reading a pipe or file at once. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "grant"))
		return msgtest_grant(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "echo"))
		return msgtest_echo(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "flood"))
		return msgtest_flood(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "evrace"))
		return msgtest_evrace(argc - 1, argv + 1);
	fputs(usage, argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
	return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : 2;
}
