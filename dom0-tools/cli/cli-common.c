// SPDX-License-Identifier: GPL-2.0-only
/* What every partita command shares: opening the device, exit codes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli-args.h"
#include "cli.h"

int cli_exit_code(int err)
{
	if (!err)
		return CLI_EXIT_OK;
	return root_error_is_unavailable(err) ? CLI_EXIT_UNAVAILABLE
					      : CLI_EXIT_FAILED;
}

int cli_report(const struct root_dev *dev, int err)
{
	fprintf(stderr, "partita: %s\n", root_error(dev));
	return cli_exit_code(err);
}

int cli_open_device(struct root_dev *dev)
{
	int err = root_open(dev, NULL);

	return err ? cli_report(dev, err) : CLI_EXIT_OK;
}

int cli_usage_error(const char *cmd, const char *message)
{
	fprintf(stderr, "partita %s: %s\nRun 'partita help %s' for usage.\n",
		cmd, message, cmd);
	return CLI_EXIT_USAGE;
}

int cli_parse_seconds(const char *text, int *ms)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(text, &end);
	if (end == text || *end || errno || !(s >= 0) || s > 86400.0)
		return -1;
	*ms = (int)(s * 1000.0 + 0.5);
	return 0;
}

long long cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
