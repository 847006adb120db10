// SPDX-License-Identifier: GPL-2.0-only
/* partita-msgtest evrace: readers blocked in read/poll/epoll as the file goes. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <partita/root-ioctl.h>

#include "msgtest-evrace.h"
#include "msgtest.h"

/*
 * Raw ioctls: the library's handle keeps its error text in the shared
 * root_dev, which the main thread uses at the same time.
 */
int evrace_unmask(int fd, uint32_t port)
{
	struct pt_ioc_evtchn a = { .abi_version = PT_ROOT_IOCTL_VERSION,
				   .port = port };

	return ioctl(fd, PT_IOC_EVTCHN_UNMASK, &a) ? errno : 0;
}

/* Ports a read returned: recorded, then unmasked. 0, or the errno. */
static int took(struct evrace_reader *r, const uint32_t *ports, ssize_t n)
{
	for (ssize_t i = 0; i < n; i++) {
		uint32_t k = r->events;

		if (k < EVRACE_SEEN_MAX)
			r->seen[k] = ports[i];
		__atomic_store_n(&r->events, k + 1, __ATOMIC_RELEASE);
		int err = evrace_unmask(r->fd, ports[i]);

		/* ENOENT: the main thread unbound the port meanwhile. */
		if (err && err != ENOENT)
			return err;
	}
	return 0;
}

/* The main thread closed the fd: the reader's normal end. */
static int file_gone(int err)
{
	return err == EBADF;
}

static void *reader(void *arg)
{
	struct evrace_reader *r = arg;
	struct epoll_event ev;
	uint32_t ports[16];
	struct pollfd p;
	ssize_t n;
	int err = 0;

	while (!err) {
		switch (r->how) {
		case EVRACE_POLL:
			p.fd = r->fd;
			p.events = POLLIN;
			/* poll holds the file while it sleeps: release waits. */
			if (poll(&p, 1, 100) < 0) {
				err = errno;
				continue;
			}
			if (p.revents & POLLNVAL) {
				err = EBADF;
				continue;
			}
			if (!(p.revents & POLLIN)) {
				if (r->stop)
					err = EBADF;
				continue;
			}
			break;
		case EVRACE_EPOLL:
			/* epoll holds no reference: the close releases the
			 * file while this thread is parked on its queue. */
			if (epoll_wait(r->epfd, &ev, 1, 20) <= 0) {
				if (r->stop)
					err = EBADF;
				continue;
			}
			break;
		case EVRACE_READ:
			break;
		}
		if (r->how != EVRACE_READ && r->stop) {
			err = EBADF;
			continue;
		}
		n = read(r->fd, ports, sizeof(ports));
		if (n < 0) {
			/* poll/epoll woke for a port another read took. */
			if (errno != EAGAIN)
				err = errno;
			continue;
		}
		err = took(r, ports, n / (ssize_t)sizeof(ports[0]));
	}
	if (!file_gone(err))
		r->error = err;
	__atomic_store_n(&r->stop, 2, __ATOMIC_RELEASE);
	return NULL;
}

int evrace_reader_start(struct evrace_reader *r, int fd, enum evrace_wait how)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int err;

	r->fd = fd;
	r->how = how;
	r->stop = 0;
	r->events = 0;
	r->error = 0;
	r->epfd = -1;
	if (how == EVRACE_EPOLL) {
		r->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (r->epfd < 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev))
			return -errno;
	}
	/*
	 * The library opens the file non-blocking. A read() reader must
	 * block in the driver; after poll or epoll a read must not, since the
	 * wake-up may be for a port that is gone again.
	 */
	if (fcntl(fd, F_SETFL, how == EVRACE_READ ? 0 : O_NONBLOCK))
		return -errno;
	err = pthread_create(&r->thread, NULL, reader, r);
	return -err;
}

int evrace_reader_join(struct evrace_reader *r, int timeout_ms)
{
	uint64_t end = msgtest_now_ns() + (uint64_t)timeout_ms * 1000000;
	struct timespec nap = { 0, 1000000 };

	r->stop = r->stop ? r->stop : 1;
	while (__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) != 2) {
		if (msgtest_now_ns() > end)
			return -ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
	pthread_join(r->thread, NULL);
	if (r->epfd >= 0)
		close(r->epfd);
	r->epfd = -1;
	return 0;
}

pid_t evrace_child_start(int fd, int *pipe_out)
{
	uint32_t ports[16];
	int pfd[2];
	pid_t pid;

	/* The child blocks in the driver's read (see above). */
	if (fcntl(fd, F_SETFL, 0) || pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		/* The exit status says what went wrong: 100 + errno of a
		 * read, 200 + errno of an unmask, 3 for an empty read. */
		close(pfd[0]);
		for (;;) {
			ssize_t n = read(fd, ports, sizeof(ports));

			if (n < 0)
				_exit(100 + (errno < 100 ? errno : 99));
			if (n == 0)
				_exit(3);
			for (ssize_t i = 0; i < n / 4; i++) {
				int err = evrace_unmask(fd, ports[i]);

				if (err)
					_exit(200 + (err < 50 ? err : 49));
			}
			if (write(pfd[1], "e", 1) != 1)
				_exit(4);
		}
	}
	close(pfd[1]);
	*pipe_out = pfd[0];
	return pid;
}
