// SPDX-License-Identifier: GPL-2.0-only
/* A real partita-stored per test, on a socket of its own, and store checks. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-fixture.h"

char store_dir[64], store_sock[96];
struct store_client *c;
static pid_t daemon_pid;

/*
 * The daemon dies with the test process whatever way it ends (a failed
 * assertion in .init skips .fini), and does not hold the test's output
 * open: a daemon left behind would keep ctest waiting for end of file.
 */
static void exec_daemon(void)
{
	int null = open("/dev/null", O_WRONLY);

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		_exit(126);
	if (null >= 0) {
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	execl(PARTITA_STORED_BIN, "partita-stored", "--socket", store_sock,
	      (char *)NULL);
	_exit(127);
}

void start_store(void)
{
	int err = 0;

	snprintf(store_dir, sizeof(store_dir), "/tmp/partita-ts.XXXXXX");
	cr_assert_not_null(mkdtemp(store_dir));
	snprintf(store_sock, sizeof(store_sock), "%s/socket", store_dir);
	daemon_pid = fork();
	cr_assert_geq(daemon_pid, 0);
	if (daemon_pid == 0)
		exec_daemon();
	/*
	 * Connecting is the test of "up": the socket file exists from the
	 * daemon's bind() on, but connect() is refused until its listen().
	 * Generous: a loaded two-core machine may take seconds to exec.
	 */
	for (int i = 0; i < 1000 && !c; i++) {
		c = store_client_open(store_sock);
		if (!c) {
			err = errno;
			usleep(10000);
		}
	}
	if (!c) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
	}
	cr_assert_not_null(c,
			   "partita-stored took no connection within 10 s: %s",
			   strerror(err));
}

void stop_store(void)
{
	int status;

	store_client_close(c);
	c = NULL;
	kill(daemon_pid, SIGTERM);
	waitpid(daemon_pid, &status, 0);
	rmdir(store_dir);
}

void expect_value(const char *path, const char *want)
{
	char *v = NULL;
	int err = store_client_read(c, 0, path, &v, NULL);

	cr_assert_eq(err, 0, "read %s: %s", path, strerror(-err));
	cr_expect_str_eq(v, want, "%s", path);
	free(v);
}

void expect_missing(const char *path)
{
	char *v = NULL;

	cr_expect_eq(store_client_read(c, 0, path, &v, NULL), -ENOENT,
		     "%s is still there", path);
	free(v);
}

void expect_perms(const char *path, const char *want)
{
	char *p = NULL, joined[128] = "";
	uint32_t len = 0;
	int err = store_client_get_perms(c, 0, path, &p, &len);

	cr_assert_eq(err, 0, "get-perms %s: %s", path, strerror(-err));
	for (uint32_t off = 0; off < len; off += strlen(p + off) + 1) {
		if (off)
			strcat(joined, ",");
		strncat(joined, p + off, sizeof(joined) - strlen(joined) - 2);
	}
	cr_expect_str_eq(joined, want, "permissions of %s", path);
	free(p);
}

void put_value(const char *path, const char *value)
{
	int err =
		store_client_write(c, 0, path, value, (uint32_t)strlen(value));

	cr_assert_eq(err, 0, "write %s: %s", path, strerror(-err));
}
