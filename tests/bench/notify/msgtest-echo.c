// SPDX-License-Identifier: GPL-2.0-only
/* partita-msgtest echo: timed event and message round trips with evtchn-peer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msgtest.h"
#include "ptbench-print.h"

#define ECHO_TIMEOUT_MS 5000 /* one round trip; far above any real one */
#define NULL_CALLS 2000	     /* null hypercalls for the baseline */
#define RECORDS_WARMUP 10    /* --records: untimed round trips of each kind */

struct echo {
	struct root_dev dev;
	struct root_evtchn ev;
	struct root_msgfile mf;
	uint32_t peer, peer_port, peer_conn, port, own_conn;
	uint64_t events, messages;
};

/* notify, wait for the port to fire, unmask: one event round trip. */
static int event_round_trip(struct echo *e, uint64_t *ns)
{
	uint32_t fired[16];
	uint64_t t0 = msgtest_now_ns();
	size_t n;
	int err;

	if (root_evtchn_notify(&e->ev, e->port))
		return msgtest_fail_dev(&e->dev, "notify");
	for (;;) {
		err = root_evtchn_wait(&e->ev, ECHO_TIMEOUT_MS, fired, 16, &n);
		if (err == -ETIMEDOUT)
			return msgtest_fail("no echo on port %u within %d ms "
					    "(event %llu)",
					    e->port, ECHO_TIMEOUT_MS,
					    (unsigned long long)e->events);
		if (err)
			return msgtest_fail_dev(&e->dev, "read ports");
		for (size_t i = 0; i < n; i++) {
			if (fired[i] != e->port)
				return msgtest_fail("port %u fired, only %u "
						    "is bound",
						    fired[i], e->port);
		}
		if (n)
			break;
	}
	*ns = msgtest_now_ns() - t0;
	if (root_evtchn_unmask(&e->ev, e->port))
		return msgtest_fail_dev(&e->dev, "unmask");
	return 0;
}

/* post (reply id and sequence in the payload), read the echo: one trip. */
static int message_round_trip(struct echo *e, uint32_t seq, uint64_t *ns,
			      uint64_t *retries)
{
	uint8_t payload[64];
	struct pt_ioc_msg back;
	uint64_t t0;
	int err;

	memcpy(payload, &e->own_conn, 4);
	memcpy(payload + 4, &seq, 4);
	for (size_t i = 8; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(seq + i);
	t0 = msgtest_now_ns();
	if (root_msg_post(&e->mf, e->peer_conn, 7, payload, sizeof(payload),
			  ECHO_TIMEOUT_MS, retries))
		return msgtest_fail_dev(&e->dev, "post");
	err = root_msg_receive(&e->mf, ECHO_TIMEOUT_MS, &back);
	if (err == -ETIMEDOUT)
		return msgtest_fail("no echo of message %u within %d ms", seq,
				    ECHO_TIMEOUT_MS);
	if (err)
		return msgtest_fail_dev(&e->dev, "receive");
	*ns = msgtest_now_ns() - t0;
	if (back.connection_id != e->own_conn || back.sender_id != e->peer ||
	    back.message_type != 7 || back.payload_size != sizeof(payload) ||
	    memcmp(back.payload, payload, sizeof(payload)))
		return msgtest_fail(
			"message %u came back as connection 0x%x, "
			"sender %u, type %u, %u bytes, payload "
			"%s",
			seq, back.connection_id, back.sender_id,
			back.message_type, back.payload_size,
			memcmp(back.payload, payload, sizeof(payload))
				? "changed"
				: "equal");
	return 0;
}

static int null_baseline(struct echo *e)
{
	uint64_t *s = calloc(NULL_CALLS, sizeof(*s));

	if (!s)
		return msgtest_fail("out of memory");
	for (size_t i = 0; i < NULL_CALLS; i++) {
		uint64_t t0 = msgtest_now_ns();

		if (root_null_call(&e->dev)) {
			free(s);
			return msgtest_fail_dev(&e->dev, "null hypercall");
		}
		s[i] = msgtest_now_ns() - t0;
	}
	msgtest_report("null hypercall (ioctl)", s, NULL_CALLS);
	free(s);
	return 0;
}

/*
 * `warmup` untimed round trips of each kind first (--records), so that the
 * suite's samples start with every path translated, as its others do.
 */
static int run(struct echo *e, uint64_t events, uint64_t messages,
	       unsigned warmup, int records)
{
	uint64_t n = (events > messages ? events : messages) + warmup;
	uint64_t *s = calloc(n, sizeof(*s));
	uint64_t retries = 0;
	int rc = 0;

	if (!s)
		return msgtest_fail("out of memory");
	for (e->events = 0; !rc && e->events < events + warmup; e->events++)
		rc = event_round_trip(e, &s[e->events]);
	if (!rc) {
		msgtest_report("events", s + warmup, events);
		if (records)
			ptbench_print("root_event_pingpong", s + warmup, events,
				      warmup);
	}
	for (e->messages = 0; !rc && e->messages < messages + warmup;
	     e->messages++)
		rc = message_round_trip(e, (uint32_t)e->messages,
					&s[e->messages], &retries);
	if (!rc) {
		msgtest_report("messages", s + warmup, messages);
		if (records)
			ptbench_print("root_message_pingpong", s + warmup,
				      messages, warmup);
		printf("message posts retried on a full queue: %llu\n",
		       (unsigned long long)retries);
	}
	free(s);
	if (!rc)
		rc = null_baseline(e);
	printf("echo %s events=%llu messages=%llu\n", rc ? "FAILED" : "done",
	       (unsigned long long)e->events, (unsigned long long)e->messages);
	return rc;
}

int msgtest_echo(int argc, char **argv)
{
	struct echo e = { 0 };
	uint64_t peer, port, conn, events, messages;
	int records = 0, rc;

	/* --records: warm-up, then the suite's PTBENCH lines as well. */
	if (argc > 1 && !strcmp(argv[1], "--records")) {
		records = 1;
		argc--;
		argv++;
	}
	if (argc != 6 || msgtest_number(argv[1], UINT32_MAX, &peer) ||
	    msgtest_number(argv[2], PT_EVTCHN_PORTS - 1, &port) ||
	    msgtest_number(argv[3], UINT32_MAX, &conn) ||
	    msgtest_number(argv[4], 10000000, &events) ||
	    msgtest_number(argv[5], 10000000, &messages)) {
		fputs("usage: partita-msgtest echo [--records] PEER PORT "
		      "CONNECTION EVENTS MESSAGES\n",
		      stderr);
		return 2;
	}
	e.peer = (uint32_t)peer;
	e.peer_port = (uint32_t)port;
	e.peer_conn = (uint32_t)conn;
	if (root_open(&e.dev, NULL))
		return msgtest_fail_dev(&e.dev, "open");
	e.ev.fd = e.mf.fd = -1;
	if (root_evtchn_open(&e.dev, &e.ev) ||
	    root_evtchn_bind_interdomain(&e.ev, e.peer, e.peer_port, &e.port) ||
	    root_msg_open(&e.dev, &e.mf) ||
	    root_msg_connect(&e.mf, e.peer, 0, &e.own_conn)) {
		rc = msgtest_fail_dev(&e.dev, "set-up");
		goto out;
	}
	printf("bound root port %u to port %u of partition %u; message "
	       "connection 0x%x\n",
	       e.port, e.peer_port, e.peer, e.own_conn);
	rc = run(&e, events, messages, records ? RECORDS_WARMUP : 0, records);
out:
	root_msg_close(&e.mf);
	root_evtchn_close(&e.ev);
	root_close(&e.dev);
	return rc;
}
