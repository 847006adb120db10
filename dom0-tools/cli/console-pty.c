// SPDX-License-Identifier: GPL-2.0-only
/* Copying between the user and a console pty until Ctrl-], EOF or a signal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "console-attach.h"
#include "console-escape.h"

static volatile sig_atomic_t attach_stop;
static struct termios saved_termios;
static int termios_saved;

static void on_signal(int sig)
{
	(void)sig;
	attach_stop = 1;
}

/* Puts the terminal back as it was; safe to call more than once. */
static void restore_terminal(void)
{
	if (termios_saved) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
		termios_saved = 0;
	}
}

/*
 * Keys go to the guest as typed (no line editing, no echo, Ctrl-C and
 * Ctrl-] as bytes), while output keeps turning "\n" into "\r\n" so that
 * a guest writing plain newlines reads well.
 */
static int raw_terminal(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_termios))
		return -errno;
	t = saved_termios;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR;
	termios_saved = 1;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t)) {
		termios_saved = 0;
		return -errno;
	}
	return 0;
}

/*
 * The pty's own line discipline must pass bytes untouched: with echo on,
 * the guest's output would come back to it as input.
 */
static void raw_pty(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return;
	cfmakeraw(&t);
	tcsetattr(fd, TCSANOW, &t);
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	atexit(restore_terminal);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR && !attach_stop)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

struct attach {
	const char *name;
	int tty;       /* the pty */
	int raw;       /* stdin is a terminal, now raw */
	int in_eof;    /* stdin ended (scripts) */
	int linger_ms; /* after in_eof: leave once output is this quiet */
	long long quiet_since;
};

/* Typed bytes to the guest. 1: leave (escape or end), 0 go on, <0 error. */
static int from_user(struct attach *a)
{
	char buf[512];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
	size_t pass;
	int found, err;

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0) {
		a->in_eof = 1;
		a->quiet_since = cli_now_ms();
		return 0;
	}
	pass = console_escape_scan(buf, (size_t)n, &found);
	err = write_all(a->tty, buf, pass);
	if (err)
		return err;
	return found;
}

/* Guest output to the user. 1: the pty closed, 0 go on, <0 error. */
static int from_guest(struct attach *a)
{
	char buf[4096];
	ssize_t n = read(a->tty, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0 && errno != EIO)
		return -errno;
	if (n <= 0)
		return 1; /* EIO: the back-end closed its side */
	a->quiet_since = cli_now_ms();
	return write_all(STDOUT_FILENO, buf, (size_t)n);
}

static int copy_loop(struct attach *a)
{
	struct pollfd p[2];
	int ret = 0;

	while (!attach_stop && !ret) {
		int timeout = -1, nfds = 0;

		p[nfds++] = (struct pollfd){ .fd = a->tty, .events = POLLIN };
		if (!a->in_eof)
			p[nfds++] = (struct pollfd){ .fd = STDIN_FILENO,
						     .events = POLLIN };
		else {
			long long left =
				a->quiet_since + a->linger_ms - cli_now_ms();

			if (left <= 0)
				return 0;
			timeout = (int)left;
		}
		if (poll(p, (nfds_t)nfds, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			ret = from_guest(a);
		if (ret)
			break;
		if (nfds > 1 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
			ret = from_user(a);
		if (ret == 1)
			return 0; /* the escape: leave quietly */
	}
	if (ret == 1) {
		restore_terminal();
		fprintf(stderr,
			"\npartita: %s's console was closed by its back-end "
			"(partita-backd ended or the device went away)\n",
			a->name);
		return -EPIPE;
	}
	return ret;
}

int cli_console_pty(const char *name, const char *path, int linger_ms)
{
	struct attach a = { .name = name, .linger_ms = linger_ms };
	int ret;

	a.tty = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (a.tty < 0) {
		fprintf(stderr, "partita: cannot open %s's console at %s: %s\n",
			name, path, strerror(errno));
		return CLI_EXIT_FAILED;
	}
	raw_pty(a.tty);
	catch_signals();
	if (isatty(STDIN_FILENO)) {
		ret = raw_terminal();
		if (ret) {
			fprintf(stderr,
				"partita: cannot put this terminal in raw "
				"mode: %s\n",
				strerror(-ret));
			close(a.tty);
			return CLI_EXIT_FAILED;
		}
		a.raw = 1;
	}
	ret = copy_loop(&a);
	if (a.raw) {
		restore_terminal();
		fputc('\n', stdout);
	}
	fflush(stdout);
	close(a.tty);
	if (ret && ret != -EPIPE)
		fprintf(stderr, "partita: %s's console: %s\n", name,
			strerror(-ret));
	return ret ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}
