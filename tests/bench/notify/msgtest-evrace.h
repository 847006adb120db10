/* SPDX-License-Identifier: GPL-2.0-only */
/* partita-msgtest evrace: the readers that block on a port file it closes. */
#ifndef PARTITA_MSGTEST_EVRACE_H
#define PARTITA_MSGTEST_EVRACE_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#define EVRACE_SEEN_MAX 256

/* How a reader waits on the event port file. */
enum evrace_wait { EVRACE_READ, EVRACE_POLL, EVRACE_EPOLL };

/*
 * A thread reading a port file (and unmasking what it read) until the
 * file is gone under it: read() or poll() fail with EBADF once the main
 * thread closed the fd, an epoll reader stops when told.
 */
struct evrace_reader {
	pthread_t thread;
	int fd, epfd;
	enum evrace_wait how;
	volatile int stop;
	volatile uint32_t events;	/* ports read so far */
	uint32_t seen[EVRACE_SEEN_MAX]; /* the first ports read */
	volatile int error;		/* an errno other than the file's end */
};

int evrace_reader_start(struct evrace_reader *r, int fd, enum evrace_wait how);
/* Waits up to timeout_ms for the thread to end; -ETIMEDOUT if it did not. */
int evrace_reader_join(struct evrace_reader *r, int timeout_ms);

/*
 * A child process that reads the file (its own reference to it) and
 * writes one byte to the returned pipe per read; the parent kills it
 * while it waits, so the file's last reference goes in the child's exit.
 */
pid_t evrace_child_start(int fd, int *pipe_out);

/* Unmasks one port through a raw ioctl: 0 or an errno. */
int evrace_unmask(int fd, uint32_t port);

#endif
