// SPDX-License-Identifier: GPL-2.0-only
/* partita console NAME: finding the guest's virtio console pty in the store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-store.h"
#include "cli.h"
#include "console-attach.h"
#include "store-client.h"
#include "toolstack-devices.h"

/* How long partita-backd has to publish a console's pty. */
#define CONSOLE_TTY_WAIT_MS 5000

int cli_console_attach(const struct pt_partition_entry *e, int linger_ms)
{
	struct store_client *c;
	char why[192], *tty = NULL;
	int err, rc;

	c = cli_store_open(why, sizeof(why));
	if (!c) {
		fprintf(stderr,
			"partita: cannot find %s's virtio console: %s; "
			"'partita console --debug %s' shows its debug "
			"console\n",
			e->name, why, e->name);
		return CLI_EXIT_UNAVAILABLE;
	}
	err = ts_console_tty(c, e->id, 0, CONSOLE_TTY_WAIT_MS, &tty);
	store_client_close(c);
	switch (err) {
	case 0:
		break;
	case -ENODEV:
		fprintf(stderr,
			"partita: %s has no virtio console (its config lists "
			"no 'console: {}' device); 'partita console --debug "
			"%s' shows its debug console\n",
			e->name, e->name);
		return CLI_EXIT_FAILED;
	case -ETIMEDOUT:
		fprintf(stderr,
			"partita: %s's virtio console has no pty: "
			"partita-backd did not publish one within %d s (is "
			"it running?); 'partita console --debug %s' shows its "
			"debug console\n",
			e->name, CONSOLE_TTY_WAIT_MS / 1000, e->name);
		return CLI_EXIT_FAILED;
	default:
		fprintf(stderr,
			"partita: cannot find %s's virtio console: the store "
			"answered %s\n",
			e->name, strerror(-err));
		return CLI_EXIT_FAILED;
	}
	rc = cli_console_pty(e->name, tty, linger_ms);
	free(tty);
	return rc;
}
