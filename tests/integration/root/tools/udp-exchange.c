// SPDX-License-Identifier: GPL-2.0-only
/*
 * partita-udp-exchange: sends numbered UDP datagrams to an echo service and
 * checks every answer, or serves as that echo service (the baseline's peer).
 *
 * Client: at most WINDOW datagrams are outstanding, so a guest whose
 * receive queue holds fewer buffers loses what a full queue drops and no
 * more; each answer must carry the sequence number and pattern it was sent
 * with. Prints one line:
 *   udp sent=N received=N lost=N corrupt=N dup=N ms=T kpps=X mbit=Y
 *       rtt-us median=A p99=B
 * and exits 0 when nothing was corrupt (losses are reported, not judged).
 *
 * usage: partita-udp-exchange [--count N] [--size BYTES] [--window W]
 *                             [--port P] [--wait-ms MS] HOST
 *        partita-udp-exchange --serve PORT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SIZE_MAX_UDP 1472 /* one 1500-byte frame: no IP fragments */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The payload after the 8-byte sequence number: a function of both. */
static void fill(uint8_t *buf, size_t size, uint64_t seq)
{
	memcpy(buf, &seq, sizeof(seq));
	for (size_t i = sizeof(seq); i < size; i++)
		buf[i] = (uint8_t)(seq * 31u + i);
}

static int serve(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	uint8_t buf[65536];
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)))
		return perror("udp-exchange: bind"), 1;
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return perror("udp-exchange: recvfrom"), 1;
		sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct run {
	uint64_t count, sent, received, corrupt, dup;
	uint64_t *sent_at, *rtt;
	uint8_t *seen;
	size_t size;
};

/* Takes one answer; returns 0, or -1 when the socket is empty. */
static int take_answer(int s, struct run *r)
{
	uint8_t buf[SIZE_MAX_UDP + 1], want[SIZE_MAX_UDP];
	ssize_t n = recv(s, buf, sizeof(buf), MSG_DONTWAIT);
	uint64_t seq;

	if (n < 0)
		return -1;
	if ((size_t)n != r->size) {
		r->corrupt++;
		return 0;
	}
	memcpy(&seq, buf, sizeof(seq));
	if (seq >= r->sent) {
		r->corrupt++;
		return 0;
	}
	fill(want, r->size, seq);
	if (memcmp(buf, want, r->size)) {
		r->corrupt++;
		return 0;
	}
	if (r->seen[seq]) {
		r->dup++;
		return 0;
	}
	r->seen[seq] = 1;
	r->rtt[r->received++] = now_ns() - r->sent_at[seq];
	return 0;
}

int main(int argc, char **argv)
{
	struct run r = { .count = 10000, .size = 64 };
	uint64_t window = 32, wait_ms = 2000, t0, t_end, last_answer;
	uint64_t presumed_lost = 0;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(7) };
	const char *host = NULL;
	uint8_t buf[SIZE_MAX_UDP];
	int s, i;

	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--serve") && v)
			return serve(atoi(v));
		else if (!strcmp(argv[i], "--count") && v)
			r.count = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--size") && v)
			r.size = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--window") && v)
			window = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--port") && v)
			a.sin_port = htons((uint16_t)atoi(argv[++i]));
		else if (!strcmp(argv[i], "--wait-ms") && v)
			wait_ms = strtoull(argv[++i], NULL, 0);
		else if (argv[i][0] != '-' && !host)
			host = argv[i];
		else
			break;
	}
	if (i < argc || !host || r.size < 8 || r.size > SIZE_MAX_UDP ||
	    !r.count || !window || inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		fprintf(stderr,
			"usage: %s [--count N] [--size 8..%d] [--window W] "
			"[--port P] [--wait-ms MS] IPV4 | --serve PORT\n",
			argv[0], SIZE_MAX_UDP);
		return 2;
	}
	r.sent_at = calloc(r.count, sizeof(*r.sent_at));
	r.rtt = calloc(r.count, sizeof(*r.rtt));
	r.seen = calloc(r.count, 1);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (!r.sent_at || !r.rtt || !r.seen || s < 0 ||
	    connect(s, (struct sockaddr *)&a, sizeof(a)))
		return perror("udp-exchange"), 1;

	t0 = last_answer = now_ns();
	for (;;) {
		uint64_t answered = r.received + r.corrupt + r.dup;
		uint64_t outstanding;
		struct pollfd p = { .fd = s, .events = POLLIN };

		if (answered + presumed_lost > r.sent)
			presumed_lost = r.sent - answered;
		outstanding = r.sent - answered - presumed_lost;
		if (r.sent == r.count && !outstanding)
			break;
		/*
		 * After a quiet spell the datagrams still out are taken as
		 * lost (a full queue dropped them), so the window reopens;
		 * at the end, the spell ends the run.
		 */
		if (now_ns() - last_answer > wait_ms * 1000000ull) {
			if (r.sent == r.count)
				break;
			presumed_lost += outstanding;
			last_answer = now_ns();
			continue;
		}
		if (r.sent < r.count && outstanding < window) {
			fill(buf, r.size, r.sent);
			r.sent_at[r.sent] = now_ns();
			if (send(s, buf, r.size, 0) == (ssize_t)r.size)
				r.sent++;
			else if (errno != ENOBUFS && errno != EAGAIN &&
				 errno != ECONNREFUSED)
				return perror("udp-exchange: send"), 1;
			continue;
		}
		if (poll(&p, 1, 100) > 0)
			while (take_answer(s, &r) == 0)
				last_answer = now_ns();
	}
	t_end = now_ns();
	qsort(r.rtt, r.received, sizeof(*r.rtt), cmp_u64);
	{
		double ms = (double)(t_end - t0) / 1e6;
		uint64_t lost = r.count - r.received;

		printf("udp sent=%llu received=%llu lost=%llu corrupt=%llu "
		       "dup=%llu ms=%.0f kpps=%.2f mbit=%.2f rtt-us "
		       "median=%.1f "
		       "p99=%.1f\n",
		       (unsigned long long)r.sent,
		       (unsigned long long)r.received, (unsigned long long)lost,
		       (unsigned long long)r.corrupt, (unsigned long long)r.dup,
		       ms, ms > 0 ? (double)r.received / ms : 0.0,
		       ms > 0 ? (double)r.received * (double)r.size * 8.0 /
					(ms * 1000.0)
			      : 0.0,
		       r.received ? (double)r.rtt[r.received / 2] / 1e3 : 0.0,
		       r.received ? (double)r.rtt[r.received * 99 / 100] / 1e3
				  : 0.0);
	}
	return r.corrupt ? 1 : 0;
}
