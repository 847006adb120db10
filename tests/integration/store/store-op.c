// SPDX-License-Identifier: GPL-2.0-only
/* partita-store-op: sends one store operation the stock tools cannot send. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store-client.h"
#include "store-msg.h"

/*
 * For root test scripts: introduce, release, is-introduced, resume,
 * get-domain-path and control (e.g. "control stats"). Prints the reply,
 * NUL separators shown as spaces; on an error prints the store's error
 * name on stderr and exits 1; bad usage exits 2.
 */
static const struct {
	const char *name;
	uint32_t type;
	int nargs; /* -1: one or more */
} ops[] = {
	{ "introduce", PT_STORE_OP_INTRODUCE, 3 },
	{ "release", PT_STORE_OP_RELEASE, 1 },
	{ "is-introduced", PT_STORE_OP_IS_DOMAIN_INTRODUCED, 1 },
	{ "resume", PT_STORE_OP_RESUME, 1 },
	{ "get-domain-path", PT_STORE_OP_GET_DOMAIN_PATH, 1 },
	{ "control", PT_STORE_OP_CONTROL, -1 },
};

static void usage(void)
{
	size_t i;

	fprintf(stderr, "usage: partita-store-op OP ARG...\n  OP:");
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		fprintf(stderr, " %s", ops[i].name);
	fprintf(stderr, "\n  the socket: $XENSTORED_PATH or the default\n");
}

int main(int argc, char **argv)
{
	const void *parts[8];
	uint32_t lens[8], rlen = 0, i;
	struct store_client *c;
	char *reply = NULL;
	size_t k;
	int ret;

	if (argc < 2)
		goto bad_usage;
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (!strcmp(argv[1], ops[k].name))
			break;
	if (k == sizeof(ops) / sizeof(ops[0]) || argc - 2 > 8 ||
	    (ops[k].nargs >= 0 && argc - 2 != ops[k].nargs) || argc < 3)
		goto bad_usage;
	for (i = 0; i < (uint32_t)argc - 2; i++) {
		parts[i] = argv[i + 2];
		lens[i] = (uint32_t)strlen(argv[i + 2]) + 1;
	}
	c = store_client_open(NULL);
	if (!c) {
		perror("partita-store-op: connecting to the store");
		return 1;
	}
	ret = store_client_request(c, ops[k].type, 0, parts, lens,
				   (unsigned int)argc - 2, &reply, &rlen);
	store_client_close(c);
	if (ret) {
		fprintf(stderr, "%s\n", store_err_name(-ret));
		return 1;
	}
	/* a final NUL is dropped, inner ones separate words */
	for (i = 0; i < rlen; i++)
		if (reply[i] || i + 1 < rlen)
			putchar(reply[i] ? reply[i] : ' ');
	putchar('\n');
	free(reply);
	return 0;

bad_usage:
	usage();
	return 2;
}
