// SPDX-License-Identifier: GPL-2.0-only
/* partita-backd: the split-driver back-end daemon's options and loop. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "backd-sys.h"

#define BACKD_TIMER_MS 250
#define BACKD_POLL_MAX 512
#define BACKD_PORTS_PER_READ 64

struct options {
	const char *socket, *device, *pid_file;
	uint32_t history, inflight, store_wait;
	int verbose;
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: partita-backd [options]\n"
		   "Serves guests' split-driver devices (virtio console, block "
		   "and "
		   "network)\nfrom the root.\n"
		   "Runs in the foreground and logs to stderr.\n\n"
		   "  --socket PATH     the store's Unix socket (default: "
		   "$XENSTORED_PATH,\n"
		   "                    else /var/run/xenstored/socket)\n"
		   "  --device PATH     the Partita device (default: "
		   "$PARTITA_DEVICE,\n"
		   "                    else /dev/partita)\n"
		   "  --history BYTES   console output kept while nobody is "
		   "attached\n"
		   "                    (65536; 1024 to 16777216)\n"
		   "  --inflight N      chains in flight per queue (32; 1 to "
		   "256)\n"
		   "  --store-wait S    keep trying to reach the store for S "
		   "seconds\n"
		   "                    at start (10; 0 to 600)\n"
		   "  --pid-file PATH   write the daemon's pid there\n"
		   "  --verbose         log every state change\n"
		   "  --help            this text\n");
}

static int parse_num(const char *opt, const char *s, uint32_t min, uint32_t max,
		     uint32_t *out)
{
	if (xb_parse_u32(s, max, out) || *out < min) {
		fprintf(stderr,
			"partita-backd: --%s '%s' is not a number from %u to "
			"%u\n",
			opt, s, min, max);
		return -1;
	}
	return 0;
}

static int parse_args(struct options *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'd' },
		{ "history", required_argument, NULL, 'H' },
		{ "inflight", required_argument, NULL, 'i' },
		{ "store-wait", required_argument, NULL, 'w' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->socket = optarg;
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'H':
			if (parse_num("history", optarg, 1024, 16u << 20,
				      &o->history))
				return -1;
			break;
		case 'i':
			if (parse_num("inflight", optarg, 1, PT_VIRTQ_SIZE_MAX,
				      &o->inflight))
				return -1;
			break;
		case 'w':
			if (parse_num("store-wait", optarg, 0, 600,
				      &o->store_wait))
				return -1;
			break;
		case 'p':
			o->pid_file = optarg;
			break;
		case 'v':
			o->verbose = 1;
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

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Every watch event the store client has read or kept. 0, or -EPIPE. */
static int drain_watches(struct backd *d, struct backd_sys *sys)
{
	for (;;) {
		char *path, *token;
		int err = store_client_read_watch(sys->store, &path, &token, 0);

		if (err == -ETIMEDOUT)
			return 0;
		if (err == -EPROTO)
			continue;
		if (err)
			return err;
		backd_watch_event(d, path, token);
		free(path);
	}
}

static void ports_fired(struct backd *d, struct backd_sys *sys)
{
	uint32_t ports[BACKD_PORTS_PER_READ];
	size_t n = 0, i;

	if (root_evtchn_wait(&sys->evtchn, 0, ports, BACKD_PORTS_PER_READ, &n))
		return;
	for (i = 0; i < n; i++) {
		backd_port_fired(d, ports[i]);
		/* Served: the port may fire again. */
		if (root_evtchn_unmask(&sys->evtchn, ports[i]))
			backd_log(d, NULL, "%s", root_error(&sys->dev));
	}
}

static int run(struct backd *d, struct backd_sys *sys, int sig_fd)
{
	struct pollfd fds[BACKD_POLL_MAX];
	struct backd_dev *devs[BACKD_POLL_MAX];
	unsigned int slots[BACKD_POLL_MAX];

	for (;;) {
		struct backd_dev *dev;
		int more, timeout, err;
		unsigned int n = 0, i;

		d->now_ms = now_ms();
		err = drain_watches(d, sys);
		if (err) {
			backd_log(d, NULL, "lost the store: %s",
				  strerror(-err));
			return 1;
		}
		more = backd_service(d);
		/* Serving wrote to the store: events may be waiting again. */
		if (drain_watches(d, sys))
			continue;
		fds[n++] = (struct pollfd){ store_client_fd(sys->store), POLLIN,
					    0 };
		fds[n++] = (struct pollfd){ root_evtchn_fd(&sys->evtchn),
					    POLLIN, 0 };
		fds[n++] = (struct pollfd){ sig_fd, POLLIN, 0 };
		for (dev = d->devs; dev && n < BACKD_POLL_MAX;
		     dev = dev->next) {
			unsigned int k, got, room = BACKD_POLL_MAX - n;

			if (!dev->kind->poll_fds)
				continue;
			if (room > BACKD_KIND_FDS_MAX)
				room = BACKD_KIND_FDS_MAX;
			got = dev->kind->poll_fds(dev, fds + n, room);
			for (k = 0; k < got; k++) {
				devs[n + k] = dev;
				slots[n + k] = k;
			}
			n += got;
		}
		timeout = more ? 0 : backd_needs_timer(d) ? BACKD_TIMER_MS : -1;
		if (poll(fds, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			backd_log(d, NULL, "poll: %s", strerror(errno));
			return 1;
		}
		if (fds[2].revents) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si))
				backd_log(d, NULL, "signal %u: shutting down",
					  si.ssi_signo);
			return 0;
		}
		if (fds[0].revents & (POLLHUP | POLLERR)) {
			backd_log(d, NULL, "the store closed its socket");
			return 1;
		}
		if (fds[1].revents)
			ports_fired(d, sys);
		for (i = 3; i < n; i++)
			if (fds[i].revents && devs[i]->kind->polled)
				devs[i]->kind->polled(d, devs[i], slots[i],
						      fds[i].revents);
	}
}

/*
 * At boot the store daemon may still be creating its socket: retry while
 * the socket is missing or refuses, up to --store-wait seconds.
 */
static int open_waiting(struct backd_sys *sys, const struct options *o)
{
	uint32_t tries = o->store_wait * 10u;
	int err;

	for (;;) {
		err = backd_sys_open(sys, o->socket, o->device);
		if ((err != -ENOENT && err != -ECONNREFUSED) ||
		    !sys->store_err || !tries--)
			return err;
		usleep(100000);
	}
}

int main(int argc, char **argv)
{
	struct options o = { .history = CONSOLE_HIST_DEFAULT,
			     .inflight = 32,
			     .store_wait = 10 };
	struct backd_sys sys;
	struct backd d;
	sigset_t mask;
	int sig_fd, err, ret;

	if (parse_args(&o, argc, argv))
		return 2;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sig_fd < 0) {
		perror("partita-backd: signalfd");
		return 1;
	}
	err = open_waiting(&sys, &o);
	if (err) {
		fprintf(stderr, "backd: %s\n", sys.error);
		return 1;
	}
	if (o.pid_file) {
		FILE *f = fopen(o.pid_file, "w");

		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
			fprintf(stderr, "backd: cannot write %s: %s\n",
				o.pid_file, strerror(errno));
			backd_sys_close(&sys);
			return 1;
		}
	}
	backd_init(&d, &sys.ops, stderr);
	d.hist_cap = o.history;
	d.inflight_max = (uint16_t)o.inflight;
	d.verbose = o.verbose;
	if (backd_start(&d)) {
		backd_sys_close(&sys);
		return 1;
	}
	backd_log(&d, NULL, "serving %s (pid %d)", BACKD_BACKEND_ROOT,
		  (int)getpid());
	ret = run(&d, &sys, sig_fd);
	backd_shutdown(&d);
	backd_sys_close(&sys);
	if (o.pid_file)
		unlink(o.pid_file);
	backd_log(&d, NULL, "stopped");
	return ret;
}
