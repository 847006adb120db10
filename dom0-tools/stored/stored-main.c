// SPDX-License-Identifier: GPL-2.0-only
/* partita-stored: the configuration store daemon's socket loop and options. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "stored-hv.h"

#define STORED_DEFAULT_SOCKET "/var/run/xenstored/socket"
/* Read budget per client per poll round, so one client cannot starve all. */
#define STORED_READ_BUDGET (64 * 1024)

struct stored_client {
	int fd;
	struct store_conn *conn;
};

struct stored {
	struct store st;
	const char *socket_path;
	const char *pid_file;
	unsigned int max_clients;
	int listen_fd;
	int signal_fd;
	struct stored_client *clients;
	unsigned int nclients;
	struct stored_hv hv;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: partita-stored [options]\n"
		"Serves the Partita configuration store (xenstore wire "
		"format).\n"
		"Runs in the foreground and logs to stderr.\n\n"
		"  --socket PATH           Unix socket for root tools\n"
		"                          (default %s; clients use\n"
		"                          XENSTORED_PATH to find it)\n"
		"  --pid-file PATH         write the daemon's pid there\n"
		"  --max-clients N         socket connections at once (256)\n"
		"Guests' limits (root clients are exempt from all but\n"
		"--quota-outbuf; 0 means unlimited):\n"
		"  --quota-nodes N         nodes owned per partition (10000)\n"
		"  --quota-value-size N    bytes per value (2048)\n"
		"  --quota-watches N       watches per connection (128)\n"
		"  --quota-transactions N  open transactions per connection "
		"(10)\n"
		"  --quota-txn-ops N       paths and changes per transaction "
		"(1024)\n"
		"  --quota-outbuf N        bytes queued for a client "
		"(1048576)\n"
		"  --quota-requests N      replies a guest has not taken "
		"(4)\n"
		"  --quota-watch-events N  events queued for a guest, then "
		"dropped (128)\n"
		"  --verbose               log every connection\n"
		"  --help                  this text\n",
		STORED_DEFAULT_SOCKET);
}

static int parse_num(const char *s, uint32_t *out)
{
	if (store_parse_u32(s, out)) {
		fprintf(stderr, "partita-stored: bad number '%s'\n", s);
		return -1;
	}
	return 0;
}

static int parse_args(struct stored *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "max-clients", required_argument, NULL, 'm' },
		{ "quota-nodes", required_argument, NULL, 'N' },
		{ "quota-value-size", required_argument, NULL, 'V' },
		{ "quota-watches", required_argument, NULL, 'W' },
		{ "quota-transactions", required_argument, NULL, 'T' },
		{ "quota-txn-ops", required_argument, NULL, 'O' },
		{ "quota-outbuf", required_argument, NULL, 'B' },
		{ "quota-requests", required_argument, NULL, 'R' },
		{ "quota-watch-events", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_quota *q = &d->st.quota;
	uint32_t n;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			d->socket_path = optarg;
			break;
		case 'p':
			d->pid_file = optarg;
			break;
		case 'm':
			if (parse_num(optarg, &n) || n == 0)
				return -1;
			d->max_clients = n;
			break;
		case 'N':
			if (parse_num(optarg, &q->nodes))
				return -1;
			break;
		case 'V':
			if (parse_num(optarg, &q->value_size))
				return -1;
			break;
		case 'W':
			if (parse_num(optarg, &q->watches))
				return -1;
			break;
		case 'T':
			if (parse_num(optarg, &q->transactions))
				return -1;
			break;
		case 'O':
			if (parse_num(optarg, &q->txn_ops))
				return -1;
			break;
		case 'B':
			if (parse_num(optarg, &q->outbuf))
				return -1;
			break;
		case 'R':
			if (parse_num(optarg, &q->requests))
				return -1;
			break;
		case 'E':
			if (parse_num(optarg, &q->watch_events))
				return -1;
			break;
		case 'v':
			d->st.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static int open_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "partita-stored: socket path too long\n");
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto err_msg;
	/* A socket file nobody answers on is a leftover from a crash. */
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
		fprintf(stderr, "partita-stored: %s is in use\n", path);
		goto err_fd;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(path, 0600) || listen(fd, 64))
		goto err_msg;
	return fd;

err_msg:
	fprintf(stderr, "partita-stored: %s: %s\n", path, strerror(errno));
err_fd:
	if (fd >= 0)
		close(fd);
	return -1;
}

static void drop_client(struct stored *d, unsigned int i, const char *why)
{
	if (d->st.verbose || why)
		fprintf(stderr, "partita-stored: client fd %d closed%s%s\n",
			d->clients[i].fd, why ? ": " : "", why ? why : "");
	close(d->clients[i].fd);
	store_conn_free(d->clients[i].conn);
	d->clients[i] = d->clients[--d->nclients];
}

static void accept_clients(struct stored *d)
{
	for (;;) {
		int fd = accept4(d->listen_fd, NULL, NULL,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct store_conn *conn;

		if (fd < 0)
			return;
		if (d->nclients == d->max_clients) {
			fprintf(stderr, "partita-stored: too many clients\n");
			close(fd);
			continue;
		}
		/* The socket is mode 0600: only the root partition's root. */
		conn = store_conn_new(&d->st, 0, 1);
		if (!conn) {
			close(fd);
			continue;
		}
		d->clients[d->nclients].fd = fd;
		d->clients[d->nclients].conn = conn;
		d->nclients++;
		if (d->st.verbose)
			fprintf(stderr, "partita-stored: client fd %d\n", fd);
	}
}

/* Stop reading from a client while it is not taking its replies. */
static int throttled(const struct stored *d, const struct stored_client *c)
{
	return d->st.quota.outbuf &&
	       c->conn->out_bytes > d->st.quota.outbuf / 2;
}

/* Returns a reason to drop the client, or NULL. */
static const char *client_read(struct stored *d, struct stored_client *c)
{
	uint32_t budget = STORED_READ_BUDGET;

	while (budget) {
		uint8_t *dst;
		uint32_t want = store_rx_want(&c->conn->rx, &dst);
		ssize_t n;
		int ret;

		if (throttled(d, c))
			return NULL;
		n = read(c->fd, dst, want);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? NULL
								 : "error";
		if (n == 0)
			return "";
		budget -= (uint32_t)n < budget ? (uint32_t)n : budget;
		ret = store_rx_commit(&c->conn->rx, (uint32_t)n);
		if (ret < 0)
			return "bad message framing";
		if (ret == 1 && store_conn_rx_ready(c->conn))
			return "output quota exceeded";
	}
	return NULL;
}

static const char *client_write(struct stored_client *c)
{
	while (c->conn->out_head) {
		struct store_out *o = c->conn->out_head;
		ssize_t n = send(c->fd, o->data + o->off, o->len - o->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? NULL
								 : "error";
		store_conn_out_advance(c->conn, (uint32_t)n);
	}
	return NULL;
}

/*
 * One round serves every connection at most its budget: each socket client
 * STORED_READ_BUDGET bytes, each woken guest STORE_GUEST_BUDGET requests.
 * While a guest has work left the next poll() does not sleep, so it is
 * served again after everyone else had their turn; otherwise the daemon
 * sleeps until a socket or an event port wakes it.
 */
static int run(struct stored *d)
{
	struct pollfd *pfd = calloc(d->max_clients + 3, sizeof(*pfd));
	int again = 0;

	if (!pfd)
		return -1;
	for (;;) {
		unsigned int i, n = 3, base = 3;
		int hv_fd = stored_hv_fd(&d->hv);

		pfd[0] =
			(struct pollfd){ .fd = d->signal_fd, .events = POLLIN };
		pfd[1] =
			(struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
		/* a negative fd is ignored by poll() */
		pfd[2] = (struct pollfd){ .fd = hv_fd, .events = POLLIN };
		for (i = 0; i < d->nclients; i++) {
			struct stored_client *c = &d->clients[i];

			pfd[n].fd = c->fd;
			/* level-triggered: asking for input we will not read spins */
			pfd[n].events = throttled(d, c) ? 0 : POLLIN;
			if (c->conn->out_head)
				pfd[n].events |= POLLOUT;
			pfd[n].revents = 0;
			n++;
		}
		if (poll(pfd, n, again ? 0 : -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("partita-stored: poll");
			break;
		}
		if (pfd[0].revents)
			break;
		if (pfd[2].revents & POLLIN)
			stored_hv_events(&d->hv);
		/* Walk backwards: dropping moves the last client into i. */
		for (i = n - base; i-- > 0;) {
			struct stored_client *c = &d->clients[i];
			short ev = pfd[i + base].revents;
			const char *why = NULL;

			if (ev & (POLLIN | POLLHUP | POLLERR))
				why = client_read(d, c);
			if (!why && (ev & (POLLHUP | POLLERR)) &&
			    throttled(d, c))
				why = "hung up";
			if (!why)
				why = client_write(c);
			if (!why && c->conn->broken)
				why = "quota or framing violation";
			if (why)
				drop_client(d, i, *why ? why : NULL);
		}
		if (pfd[1].revents & POLLIN)
			accept_clients(d);
		/* Guests introduced in this round are served at once too. */
		again = store_guests_serve(&d->st, STORE_GUEST_BUDGET);
	}
	free(pfd);
	return 0;
}

static int write_pid_file(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
		fprintf(stderr, "partita-stored: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct stored d = { .socket_path = STORED_DEFAULT_SOCKET,
			    .max_clients = 256 };
	sigset_t mask;
	int ret = 1;

	int verbose;

	store_default_quota(&d.st.quota);
	if (parse_args(&d, argc, argv))
		return 2;
	verbose = d.st.verbose;
	if (store_init(&d.st, &d.st.quota)) {
		fprintf(stderr, "partita-stored: out of memory\n");
		return 1;
	}
	d.st.verbose = verbose;
	d.hv.st = &d.st;
	d.st.hv = &stored_hv_ops;
	d.st.hv_ctx = &d.hv;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d.signal_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	d.clients = calloc(d.max_clients, sizeof(*d.clients));
	if (d.signal_fd < 0 || !d.clients)
		goto err_store;
	d.listen_fd = open_socket(d.socket_path);
	if (d.listen_fd < 0)
		goto err_store;
	if (d.pid_file && write_pid_file(d.pid_file))
		goto err_socket;
	fprintf(stderr, "partita-stored: listening on %s\n", d.socket_path);
	if (run(&d) == 0)
		ret = 0;
	fprintf(stderr, "partita-stored: shutting down\n");
	while (d.nclients)
		drop_client(&d, d.nclients - 1, NULL);
	if (d.pid_file)
		unlink(d.pid_file);
err_socket:
	close(d.listen_fd);
	unlink(d.socket_path);
err_store:
	free(d.clients);
	store_fini(&d.st); /* unmaps and unbinds every guest first */
	stored_hv_close(&d.hv);
	return ret;
}
