// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hostile back-end's doorbell (XSA-391, evtchn-storm.sh): EVTCHN_SEND on
 * one of the root's interdomain ports, as fast as the root can make the
 * call, for a number of seconds, so the guest at the other end is woken
 * again and again with nothing on its rings.
 */
#include <partita/hypercall.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "root-client.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct root_dev dev;
	unsigned long long sends = 0;
	double start, end, seconds;
	unsigned long port;
	char *endp;

	if (argc != 3) {
		fprintf(stderr, "usage: %s ROOT_PORT SECONDS\n", argv[0]);
		return 2;
	}
	port = strtoul(argv[1], &endp, 0);
	seconds = strtod(argv[2], NULL);
	if (*endp || !port || port > 0xffffffffu || !(seconds > 0)) {
		fprintf(stderr, "%s: bad port or duration\n", argv[0]);
		return 2;
	}
	if (root_open(&dev, NULL)) {
		printf("evtchn-storm: %s\n", root_error(&dev));
		return 1;
	}
	start = now_s();
	end = start + seconds;
	/* The clock is read once per 64 sends: the sends are the point. */
	for (;;) {
		struct pt_ioc_hypercall hc = {
			.code = PT_CALL_EVTCHN_SEND,
			.flags = PT_IOC_HC_FAST,
			.fast_in = { port, 0 },
		};

		/* A send that fails means the port went away under us: the
		 * test must hear of it, not count a quiet storm. */
		if (root_hypercall(&dev, &hc)) {
			printf("evtchn-storm: send %llu on port %lu failed: "
			       "%s\n",
			       sends + 1, port, root_error(&dev));
			root_close(&dev);
			return 1;
		}
		sends++;
		if (!(sends % 64) && now_s() >= end)
			break;
	}
	seconds = now_s() - start;
	printf("evtchn-storm: port %lu: %llu sends in %.3f s (%.0f per "
	       "second)\n",
	       port, sends, seconds, (double)sends / seconds);
	root_close(&dev);
	return 0;
}
