// SPDX-License-Identifier: GPL-2.0-only
/* partita-msgtest flood: read a flooding evtchn-peer slowly, then drain it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "msgtest.h"

#define DRAIN_QUIET_MS 1000 /* nothing for this long: the flood is over */

struct flood {
	struct root_dev dev;
	struct root_evtchn ev;
	struct root_msgfile mf;
	uint32_t conn, peer, port;
	int bound;
	uint64_t fired, messages, wrong, next_seq;
};

/* Every port that fired: counted, then unmasked so it may fire again. */
static int take_events(struct flood *f, int timeout_ms)
{
	uint32_t fired[64];
	size_t n;
	int err;

	if (!f->bound)
		return 0;
	err = root_evtchn_wait(&f->ev, timeout_ms, fired, 64, &n);
	if (err == -ETIMEDOUT)
		return 0;
	if (err)
		return msgtest_fail_dev(&f->dev, "read ports");
	for (size_t i = 0; i < n; i++) {
		f->fired++;
		if (root_evtchn_unmask(&f->ev, fired[i]))
			return msgtest_fail_dev(&f->dev, "unmask");
	}
	return 0;
}

/*
 * One message: 1 read, 0 none waiting. The flood's messages carry their
 * sequence number in bytes 4..7; a gap or a repeat means one was lost.
 */
static int take_message(struct flood *f, int timeout_ms)
{
	struct pt_ioc_msg m;
	uint32_t seq;
	int err = root_msg_receive(&f->mf, timeout_ms, &m);

	if (err == -ETIMEDOUT)
		return 0;
	if (err)
		return -msgtest_fail_dev(&f->dev, "receive");
	memcpy(&seq, m.payload + 4, 4);
	if (m.connection_id != f->conn ||
	    (f->bound && m.sender_id != f->peer) || m.message_type != 1 ||
	    m.payload_size != PT_MSG_PAYLOAD_MAX || seq != f->next_seq) {
		if (!f->wrong)
			printf("unexpected message: connection 0x%x sender %u "
			       "type %u, %u bytes, sequence %u (want %llu)\n",
			       m.connection_id, m.sender_id, m.message_type,
			       m.payload_size, seq,
			       (unsigned long long)f->next_seq);
		f->wrong++;
	}
	f->next_seq = (uint64_t)seq + 1;
	f->messages++;
	return 1;
}

static void counts(const struct flood *f, const char *what)
{
	printf("%s events=%llu messages=%llu wrong=%llu\n", what,
	       (unsigned long long)f->fired, (unsigned long long)f->messages,
	       (unsigned long long)f->wrong);
}

/* Everything that is left, until nothing arrived for DRAIN_QUIET_MS. */
static int drain(struct flood *f)
{
	uint64_t quiet_since = msgtest_now_ns();
	int got;

	while (msgtest_now_ns() - quiet_since < DRAIN_QUIET_MS * 1000000ull) {
		if (take_events(f, 0))
			return 1;
		got = take_message(f, 10);
		if (got < 0)
			return 1;
		if (got)
			quiet_since = msgtest_now_ns();
	}
	counts(f, "drained");
	return 0;
}

static int command(struct flood *f, char *line, int *interval_ms)
{
	uint64_t a, b;
	char x[32], y[32];

	if (sscanf(line, "bind %31s %31s", x, y) == 2) {
		if (msgtest_number(x, UINT32_MAX, &a) ||
		    msgtest_number(y, PT_EVTCHN_PORTS - 1, &b))
			return msgtest_fail("bind takes PEER PORT, not '%s'",
					    line);
		f->peer = (uint32_t)a;
		if (root_evtchn_bind_interdomain(&f->ev, f->peer, (uint32_t)b,
						 &f->port))
			return msgtest_fail_dev(&f->dev, "bind");
		f->bound = 1;
		printf("bound root port %u to port %llu of partition %u\n",
		       f->port, (unsigned long long)b, f->peer);
	} else if (sscanf(line, "slow %31s", x) == 1) {
		if (msgtest_number(x, 60000, &a) || !a)
			return msgtest_fail("slow takes 1..60000 ms");
		*interval_ms = (int)a;
		printf("reading one message every %d ms\n", *interval_ms);
	} else if (!strcmp(line, "drain")) {
		return drain(f);
	} else if (!strcmp(line, "counts")) {
		counts(f, "read");
	} else if (line[0]) {
		printf("unknown command '%s'\n", line);
	}
	return 0;
}

static int run(struct flood *f)
{
	int interval_ms = 100, got, rc = 0;
	uint64_t next = msgtest_now_ns();
	char line[128];

	while (!rc) {
		uint64_t now = msgtest_now_ns();

		if (now >= next) {
			/* Slowly, so that the guest finds the queue full. */
			rc = take_events(f, 0);
			if (!rc && take_message(f, 0) < 0)
				rc = 1;
			next = now + (uint64_t)interval_ms * 1000000;
			continue;
		}
		got = msgtest_command(line, sizeof(line),
				      (int)((next - now) / 1000000) + 1);
		if (got == -ETIMEDOUT)
			continue;
		if (got == 0 || !strcmp(line, "quit"))
			break;
		rc = command(f, line, &interval_ms);
	}
	counts(f, rc ? "flood FAILED" : "flood done");
	return rc;
}

int msgtest_flood(int argc, char **argv)
{
	struct flood f = { 0 };
	int rc;

	(void)argv;
	if (argc != 1) {
		fputs("usage: partita-msgtest flood\n", stderr);
		return 2;
	}
	f.ev.fd = f.mf.fd = -1;
	if (root_open(&f.dev, NULL))
		return msgtest_fail_dev(&f.dev, "open");
	/* The sender is not created yet: accept any. */
	if (root_msg_open(&f.dev, &f.mf) ||
	    root_msg_connect(&f.mf, PT_MSG_ANY_SENDER, 0, &f.conn) ||
	    root_evtchn_open(&f.dev, &f.ev)) {
		rc = msgtest_fail_dev(&f.dev, "set-up");
		goto out;
	}
	printf("connection=0x%x\n", f.conn);
	rc = run(&f);
out:
	root_evtchn_close(&f.ev);
	root_msg_close(&f.mf);
	root_close(&f.dev);
	return rc;
}
