// SPDX-License-Identifier: GPL-2.0-only
/* partita-msgtest evrace: bind, read and drop a storming guest's ports, in rounds. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "msgtest-evrace.h"
#include "msgtest.h"

#define GUEST_PORTS 4
#define EVENT_WAIT_MS 3000 /* a storming peer fires a bound port by then */
#define JOIN_MS 5000	   /* a reader on a closed file has ended by then */

/* How a round ends its ports (round number modulo VARIANTS). */
enum variant {
	V_UNBIND,	 /* UNBIND each, check nothing stale, rebind two */
	V_RELEASE,	 /* close with every port bound, some fired */
	V_RELEASE_BOUND, /* close right after the binds, no read */
	V_READER_READ,	 /* close while a thread is blocked in read() */
	V_READER_POLL,	 /* ... in poll() */
	V_READER_EPOLL,	 /* ... in epoll_wait() */
	V_UNBIND_READER, /* UNBIND all under a blocked reader, rebind */
	V_CHILD,	 /* a child holds the file, killed in read() */
	VARIANTS
};

static const char *const variant_names[VARIANTS] = {
	"unbind",      "release",      "release-unread", "reader-read",
	"reader-poll", "reader-epoll", "unbind-reader",	 "child-killed",
};

struct evrace {
	struct root_dev dev;
	uint32_t peer, gports[GUEST_PORTS];
	uint64_t round, events, unbinds, closes;
	uint64_t per_variant[VARIANTS];
	/* The root ports the current file holds or held this round. */
	uint32_t bound[2 * GUEST_PORTS];
	size_t nbound;
	uint64_t seed;
};

static uint32_t rnd(struct evrace *e, uint32_t n)
{
	e->seed = e->seed * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(e->seed >> 33) % n;
}

static int held(const struct evrace *e, uint32_t port)
{
	for (size_t i = 0; i < e->nbound; i++)
		if (e->bound[i] == port)
			return 1;
	return 0;
}

static int stray(const struct evrace *e, const char *how, uint32_t port)
{
	return msgtest_fail("round %llu: %s returned port %u, which this "
			    "file never held this round",
			    (unsigned long long)e->round, how, port);
}

/* Binds guest ports [from, to) through ev, recording the root ports. */
static int bind_range(struct evrace *e, struct root_evtchn *ev, int from,
		      int to)
{
	uint32_t port;

	for (int i = from; i < to; i++) {
		if (root_evtchn_bind_interdomain(ev, e->peer, e->gports[i],
						 &port))
			return msgtest_fail_dev(&e->dev, "bind");
		e->bound[e->nbound++] = port;
	}
	return 0;
}

/*
 * Reads until `want` ports fired (each one checked and unmasked, so that
 * it fires again); a storming peer must get there within EVENT_WAIT_MS.
 */
static int take(struct evrace *e, struct root_evtchn *ev, unsigned want)
{
	uint64_t end = msgtest_now_ns() + EVENT_WAIT_MS * 1000000ull;
	uint32_t ports[16];
	unsigned got = 0;
	size_t n;
	int err;

	while (got < want) {
		if (msgtest_now_ns() > end)
			return msgtest_fail("round %llu: %u of %u events in %d "
					    "ms from a storming peer",
					    (unsigned long long)e->round, got,
					    want, EVENT_WAIT_MS);
		err = root_evtchn_wait(ev, 100, ports, 16, &n);
		if (err == -ETIMEDOUT)
			continue;
		if (err)
			return msgtest_fail_dev(&e->dev, "read ports");
		for (size_t i = 0; i < n; i++) {
			if (!held(e, ports[i]))
				return stray(e, "read", ports[i]);
			if (root_evtchn_unmask(ev, ports[i]))
				return msgtest_fail_dev(&e->dev, "unmask");
		}
		got += (unsigned)n;
		e->events += n;
	}
	return 0;
}

/* UNBIND every port of the file, in a random order. */
static int unbind_all(struct evrace *e, struct root_evtchn *ev)
{
	uint32_t order[2 * GUEST_PORTS];
	size_t n = e->nbound;

	memcpy(order, e->bound, n * sizeof(order[0]));
	for (size_t i = n; i > 1; i--) {
		size_t j = rnd(e, (uint32_t)i), t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = (uint32_t)t;
	}
	for (size_t i = 0; i < n; i++) {
		if (root_evtchn_unbind(ev, order[i]))
			return msgtest_fail_dev(&e->dev, "unbind");
		e->unbinds++;
	}
	return 0;
}

/* After every port was unbound, nothing fired may be left on the file. */
static int nothing_left(struct evrace *e, struct root_evtchn *ev)
{
	struct pollfd p = { .fd = root_evtchn_fd(ev), .events = POLLIN };
	uint32_t ports[16];
	size_t n;
	int err;

	if (poll(&p, 1, 0) != 0)
		return msgtest_fail("round %llu: the file polls readable "
				    "(0x%x) with no port bound",
				    (unsigned long long)e->round, p.revents);
	err = root_evtchn_wait(ev, 0, ports, 16, &n);
	if (err == -ETIMEDOUT)
		return 0;
	if (err)
		return msgtest_fail_dev(&e->dev, "read with no port bound");
	return msgtest_fail("round %llu: read port %u after every port was "
			    "unbound",
			    (unsigned long long)e->round, ports[0]);
}

/* The ports a background reader saw must be ports of the round. */
static int reader_seen(struct evrace *e, const struct evrace_reader *r)
{
	uint32_t k = r->events < EVRACE_SEEN_MAX ? r->events : EVRACE_SEEN_MAX;

	if (r->error)
		return msgtest_fail("round %llu: the blocked reader failed: %s",
				    (unsigned long long)e->round,
				    strerror(r->error));
	for (uint32_t i = 0; i < k; i++)
		if (!held(e, r->seen[i]))
			return stray(e, "background read", r->seen[i]);
	e->events += r->events;
	return 0;
}

/* Waits until the reader has read more than `than` ports. */
static int reader_wait(struct evrace *e, struct evrace_reader *r, uint32_t than)
{
	uint64_t end = msgtest_now_ns() + EVENT_WAIT_MS * 1000000ull;
	struct timespec nap = { 0, 200000 };

	while (__atomic_load_n(&r->events, __ATOMIC_ACQUIRE) <= than) {
		if (r->stop == 2 || msgtest_now_ns() > end)
			return msgtest_fail("round %llu: the blocked reader "
					    "read %u ports in %d ms (%s)",
					    (unsigned long long)e->round,
					    r->events, EVENT_WAIT_MS,
					    r->error ? strerror(r->error)
						     : "storming peer");
		nanosleep(&nap, NULL);
	}
	return 0;
}

/* A thread blocked on the file while this one unbinds or closes it. */
static int with_reader(struct evrace *e, struct root_evtchn *ev,
		       enum evrace_wait how, int unbind_first)
{
	struct evrace_reader r;
	int err;

	err = evrace_reader_start(&r, root_evtchn_fd(ev), how);
	if (err)
		return msgtest_fail("round %llu: reader: %s",
				    (unsigned long long)e->round,
				    strerror(-err));
	err = reader_wait(e, &r, 0);
	if (!err && unbind_first) {
		/* The reader stays blocked on a file with no port... */
		uint32_t before = r.events;

		err = unbind_all(e, ev);
		if (!err)
			err = bind_range(e, ev, 0, 1);
		/* ...until the rebound port wakes it. */
		if (!err)
			err = reader_wait(e, &r, before);
	}
	root_evtchn_close(ev);
	e->closes++;
	if (evrace_reader_join(&r, JOIN_MS)) {
		/* The stuck reader still holds the file: show its ports. */
		printf("stuck reader (%s) read %u ports; this round held",
		       how == EVRACE_READ ? "read" : "poll/epoll", r.events);
		for (size_t i = 0; i < e->nbound; i++)
			printf(" %u", e->bound[i]);
		printf("; the root's ports now:\n");
		fflush(stdout);
		if (system("timeout 10 partita info root | "
			   "sed -n '/^Event ports/,$p'"))
			printf("(partita info root failed)\n");
		return msgtest_fail("round %llu: a reader blocked on the file "
				    "did not return within %d ms of its close",
				    (unsigned long long)e->round, JOIN_MS);
	}
	return err ? err : reader_seen(e, &r);
}

/* A child holds the file, reading; it is killed while it waits. */
static int with_child(struct evrace *e, struct root_evtchn *ev)
{
	struct pollfd p;
	int rfd, status;
	char c;
	pid_t pid = evrace_child_start(root_evtchn_fd(ev), &rfd);

	if (pid < 0)
		return msgtest_fail("fork: %s", strerror(errno));
	root_evtchn_close(ev);
	e->closes++;
	p.fd = rfd;
	p.events = POLLIN;
	if (poll(&p, 1, EVENT_WAIT_MS) != 1 || read(rfd, &c, 1) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		close(rfd);
		return msgtest_fail("round %llu: the child read no port in "
				    "%d ms (wait status 0x%x)",
				    (unsigned long long)e->round, EVENT_WAIT_MS,
				    status);
	}
	e->events++;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(rfd);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		return msgtest_fail("round %llu: the child ended with status "
				    "0x%x before it was killed",
				    (unsigned long long)e->round, status);
	return 0;
}

static int one_round(struct evrace *e, enum variant v)
{
	struct root_evtchn ev = { .fd = -1 };
	int err;

	e->nbound = 0;
	if (root_evtchn_open(&e->dev, &ev))
		return msgtest_fail_dev(&e->dev, "open an event port file");
	err = bind_range(e, &ev, 0, GUEST_PORTS);
	switch (err ? VARIANTS : v) {
	case V_UNBIND:
		err = take(e, &ev, 1 + rnd(e, 3));
		if (!err)
			err = unbind_all(e, &ev);
		if (!err)
			err = nothing_left(e, &ev);
		if (!err)
			err = bind_range(e, &ev, 0, 2);
		if (!err)
			err = take(e, &ev, 1);
		break;
	case V_RELEASE:
		err = take(e, &ev, 1 + rnd(e, 3));
		break;
	case V_RELEASE_BOUND:
		break;
	case V_READER_READ:
		return with_reader(e, &ev, EVRACE_READ, 0);
	case V_READER_POLL:
		return with_reader(e, &ev, EVRACE_POLL, 0);
	case V_READER_EPOLL:
		return with_reader(e, &ev, EVRACE_EPOLL, 0);
	case V_UNBIND_READER:
		return with_reader(e, &ev, EVRACE_READ, 1);
	case V_CHILD:
		return with_child(e, &ev);
	case VARIANTS:
		break;
	}
	root_evtchn_close(&ev);
	e->closes++;
	return err;
}

static void report(const struct evrace *e, const char *what)
{
	printf("%s rounds=%llu events=%llu unbinds=%llu closes=%llu", what,
	       (unsigned long long)e->round, (unsigned long long)e->events,
	       (unsigned long long)e->unbinds, (unsigned long long)e->closes);
	for (int v = 0; v < VARIANTS; v++)
		printf(" %s=%llu", variant_names[v],
		       (unsigned long long)e->per_variant[v]);
	putchar('\n');
}

int msgtest_evrace(int argc, char **argv)
{
	struct evrace e = { 0 };
	uint64_t v, secs, max_rounds, end;
	char *list, *tok;
	int rc = 0, n = 0;

	if (argc != 5 || msgtest_number(argv[1], UINT32_MAX, &v)) {
		fputs("usage: partita-msgtest evrace PEER P0,P1,P2,P3 SECONDS "
		      "ROUNDS\n",
		      stderr);
		return 2;
	}
	e.peer = (uint32_t)v;
	list = argv[2];
	while ((tok = strsep(&list, ",")) && n < GUEST_PORTS) {
		if (msgtest_number(tok, PT_EVTCHN_PORTS - 1, &v))
			break;
		e.gports[n++] = (uint32_t)v;
	}
	if (n != GUEST_PORTS || tok || msgtest_number(argv[3], 3600, &secs) ||
	    msgtest_number(argv[4], 1000000, &max_rounds)) {
		fputs("partita-msgtest evrace: need 4 ports, SECONDS and "
		      "ROUNDS\n",
		      stderr);
		return 2;
	}
	if (root_open(&e.dev, NULL))
		return msgtest_fail_dev(&e.dev, "open");
	e.seed = msgtest_now_ns();
	end = msgtest_now_ns() + secs * 1000000000ull;
	while (!rc && e.round < max_rounds && msgtest_now_ns() < end) {
		/* Mostly the cheap variants; a child every 16th round. */
		enum variant var = (enum variant)(
			e.round % 16 == 15 ? V_CHILD
					   : e.round % (VARIANTS - 1));

		rc = one_round(&e, var);
		if (!rc)
			e.per_variant[var]++;
		e.round++;
		if (e.round % 500 == 0)
			report(&e, "progress");
	}
	report(&e, rc ? "evrace FAILED" : "evrace done");
	root_close(&e.dev);
	return rc;
}
