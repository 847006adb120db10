// SPDX-License-Identifier: GPL-2.0-only
/* partita console's copying over real ptys: scripts, Ctrl-], signals, hang-up. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "console-attach.h"

/* The console's pty as partita-backd holds it: the master here. */
struct backd {
	int master;
	char path[64];
};

static void backd_open(struct backd *b)
{
	int slave;

	cr_assert_eq(openpty(&b->master, &slave, b->path, NULL, NULL), 0);
	close(slave);
}

/* Reads from fd until `want` has been seen or 5 s passed; 1 if seen. */
static int read_until(int fd, const char *want, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < 50 && !strstr(buf, want); i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, buf + len, size - len - 1);
		if (n < 0 && errno == EIO) {
			/* A master reads EIO until the console opens the pty. */
			usleep(100000);
			continue;
		}
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
	}
	return strstr(buf, want) != NULL;
}

static int wait_exit(pid_t pid)
{
	int status = -1;

	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Runs the console in a child with the given stdin/stdout/stderr. */
static pid_t run_console(const char *path, int in, int out, int linger)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(in, STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		/* Only 0-2: a pipe's write end kept here would hide its end. */
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		_exit(cli_console_pty("shell", path, linger));
	}
	return pid;
}

Test(pty, a_script_sends_its_input_and_reads_the_answer)
{
	struct backd b;
	int in[2], out[2];
	char buf[512];
	pid_t pid;

	backd_open(&b);
	cr_assert_eq(pipe(in), 0);
	cr_assert_eq(pipe(out), 0);
	pid = run_console(b.path, in[0], out[1], 300);
	close(in[0]);
	close(out[1]);
	cr_assert_eq(write(in[1], "echo hello\n", 11), 11);
	close(in[1]);
	cr_assert(read_until(b.master, "echo hello\n", buf, sizeof(buf)),
		  "the guest got '%s'", buf);
	/* The shell's answer comes after the script's input ended. */
	cr_assert_eq(write(b.master, "hello\r\n", 7), 7);
	cr_expect_eq(wait_exit(pid), 0);
	cr_expect(read_until(out[0], "hello\r\n", buf, sizeof(buf)),
		  "the user saw '%s'", buf);
	cr_expect_null(strstr(buf, "partita:"), "%s", buf);
	close(out[0]);
	close(b.master);
}

/* A user's terminal: a second pty whose slave is the console's stdin. */
struct term {
	int master, slave;
};

static void term_open(struct term *t)
{
	cr_assert_eq(openpty(&t->master, &t->slave, NULL, NULL, NULL), 0);
}

static int term_is_raw(const struct term *t)
{
	struct termios tio;

	return !tcgetattr(t->slave, &tio) && !(tio.c_lflag & (ICANON | ECHO));
}

static void wait_raw(const struct term *t)
{
	for (int i = 0; i < 100 && !term_is_raw(t); i++)
		usleep(20000);
	cr_assert(term_is_raw(t), "the terminal never went raw");
}

static void expect_restored(const struct term *t)
{
	struct termios tio;

	cr_assert_eq(tcgetattr(t->slave, &tio), 0);
	cr_expect(tio.c_lflag & ICANON, "ICANON not restored");
	cr_expect(tio.c_lflag & ECHO, "ECHO not restored");
	cr_expect(tio.c_lflag & ISIG, "ISIG not restored");
}

Test(pty, ctrl_bracket_leaves_with_a_newline_and_restores_the_terminal)
{
	struct backd b;
	struct term t;
	char buf[512];
	pid_t pid;

	backd_open(&b);
	term_open(&t);
	pid = run_console(b.path, t.slave, t.slave, 300);
	wait_raw(&t);
	/* Ctrl-C is a byte for the guest; Ctrl-] leaves and is not sent. */
	cr_assert_eq(write(t.master, "ls\x03\x1dnot-sent", 12), 12);
	cr_assert(read_until(b.master, "ls\x03", buf, sizeof(buf)), "got '%s'",
		  buf);
	cr_expect_eq(wait_exit(pid), 0);
	cr_expect_null(strstr(buf, "not-sent"));
	cr_expect_null(strchr(buf, 0x1d));
	/* Nothing but a newline on leaving. */
	cr_expect(read_until(t.master, "\n", buf, sizeof(buf)));
	cr_expect(strcmp(buf, "\r\n") == 0 || strcmp(buf, "\n") == 0,
		  "printed '%s' on leaving", buf);
	expect_restored(&t);
	close(t.master);
	close(t.slave);
	close(b.master);
}

Test(pty, guest_output_reaches_the_terminal)
{
	struct backd b;
	struct term t;
	char buf[512];
	pid_t pid;

	backd_open(&b);
	term_open(&t);
	pid = run_console(b.path, t.slave, t.slave, 300);
	wait_raw(&t);
	cr_assert_eq(write(b.master, "$ ", 2), 2);
	cr_expect(read_until(t.master, "$ ", buf, sizeof(buf)));
	cr_assert_eq(write(t.master, "\x1d", 1), 1);
	cr_expect_eq(wait_exit(pid), 0);
	expect_restored(&t);
	close(t.master);
	close(t.slave);
	close(b.master);
}

Test(pty, sigterm_restores_the_terminal)
{
	struct backd b;
	struct term t;
	pid_t pid;

	backd_open(&b);
	term_open(&t);
	pid = run_console(b.path, t.slave, t.slave, 300);
	wait_raw(&t);
	kill(pid, SIGTERM);
	cr_expect_eq(wait_exit(pid), 0);
	expect_restored(&t);
	close(t.master);
	close(t.slave);
	close(b.master);
}

Test(pty, the_backend_going_away_ends_it_with_a_sentence)
{
	struct backd b;
	int in[2], out[2];
	char buf[512];
	pid_t pid;

	backd_open(&b);
	cr_assert_eq(pipe(in), 0);
	cr_assert_eq(pipe(out), 0);
	pid = run_console(b.path, in[0], out[1], 300);
	close(in[0]);
	close(out[1]);
	cr_assert_eq(write(in[1], "x", 1), 1);
	cr_assert(read_until(b.master, "x", buf, sizeof(buf)));
	close(b.master); /* partita-backd ends */
	cr_expect_eq(wait_exit(pid), 1);
	cr_expect(
		read_until(out[0], "closed by its back-end", buf, sizeof(buf)),
		"said '%s'", buf);
	close(in[1]);
	close(out[0]);
}

Test(pty, a_missing_pty_is_a_sentence)
{
	int out[2];
	char buf[512];
	pid_t pid;

	cr_assert_eq(pipe(out), 0);
	pid = run_console("/dev/pts/no-such-pty", STDIN_FILENO, out[1], 0);
	close(out[1]);
	cr_expect_eq(wait_exit(pid), 1);
	cr_expect(read_until(out[0],
			     "cannot open shell's console at "
			     "/dev/pts/no-such-pty",
			     buf, sizeof(buf)),
		  "said '%s'", buf);
	close(out[0]);
}
