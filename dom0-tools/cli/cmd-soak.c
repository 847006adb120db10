// SPDX-License-Identifier: GPL-2.0-only
/* partita soak: create/destroy cycles in one process, checking for leaks. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli-args.h"
#include "cli.h"

/* Open file descriptors of this process, counted in /proc/self/fd. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

static int pool_free(uint64_t *frames)
{
	struct pt_hv_info hv;
	struct root_dev dev;
	int rc, err;

	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	err = root_hv_info(&dev, &hv);
	rc = err ? cli_report(&dev, err) : CLI_EXIT_OK;
	*frames = hv.pool_frames_free;
	root_close(&dev);
	return rc;
}

/* The new partition runs: its state through a fresh handle, as info would. */
static int check_running(uint32_t id)
{
	struct pt_partition_info info;
	struct root_dev dev;
	int rc, err;

	rc = cli_open_device(&dev);
	if (rc)
		return rc;
	err = root_partition_info(&dev, id, &info);
	if (err)
		rc = cli_report(&dev, err);
	else if (info.entry.state != PT_PARTITION_STATE_RUNNING) {
		fprintf(stderr, "partita soak: partition %u is not running\n",
			id);
		rc = CLI_EXIT_FAILED;
	}
	root_close(&dev);
	return rc;
}

int cmd_soak(int argc, char **argv)
{
	const struct cli_option options[] = { { NULL } };
	char *pos[2], id_text[12], *end;
	uint64_t free_before = 0, free_after = 0;
	int fds_before, fds_after, npos, rc;
	long cycles, done = 0;
	long long t0, ms;
	uint32_t id;

	rc = cli_parse_command("soak", argc, argv, options, pos, 2, 2, &npos);
	if (rc >= 0)
		return rc;
	cycles = strtol(pos[1], &end, 10);
	if (*end || end == pos[1] || cycles < 1)
		return cli_usage_error("soak", "CYCLES must be 1 or more");
	rc = pool_free(&free_before);
	if (rc)
		return rc;
	fds_before = open_fds();
	t0 = cli_now_ms();
	while (done < cycles) {
		int gone;

		rc = cli_create_file(pos[0], CLI_CREATE_SILENT, &id);
		if (rc)
			break;
		rc = check_running(id);
		snprintf(id_text, sizeof(id_text), "%u", id);
		gone = cli_destroy(id_text, 1);
		rc = rc ? rc : gone;
		if (rc)
			break;
		if (++done % 50 == 0) {
			printf("soak: %ld cycles\n", done);
			fflush(stdout);
		}
	}
	ms = cli_now_ms() - t0;
	fds_after = open_fds();
	if (!rc)
		rc = pool_free(&free_after);
	printf("soak: %ld of %ld cycles in %lld.%03lld s (%lld ms each): pool "
	       "free frames %llu -> %llu, open fds %d -> %d\n",
	       done, cycles, ms / 1000, ms % 1000, done ? ms / done : 0,
	       (unsigned long long)free_before, (unsigned long long)free_after,
	       fds_before, fds_after);
	if (rc)
		return rc;
	if (free_after != free_before || fds_after != fds_before) {
		fprintf(stderr, "partita soak: something leaked: the pool's "
				"free frames or this process's open files "
				"differ from before\n");
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}
