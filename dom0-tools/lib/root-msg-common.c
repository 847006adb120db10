// SPDX-License-Identifier: GPL-2.0-only
/* What the messaging files share: opening one, waiting, errno sentences. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "root-internal.h"
#include "root-messaging.h"

/* root-ioctl.h maps hypervisor statuses to these errno values. */
const char *root_msg_errno_text(int err)
{
	switch (err) {
	case ENOENT:
		return "no such port, or it is not in the state the request "
		       "needs";
	case ESRCH:
		return "no such partition";
	case EACCES:
		return "the hypervisor denied access";
	case ENOSPC:
		return "no free entry is left";
	case EBUSY:
		return "it is in use, or the partition is ending";
	case EINVAL:
		return "the hypervisor or the driver found an argument invalid";
	case EPERM:
		return "this needs CAP_SYS_ADMIN: run it as root";
	case EPROTO:
		return "partita.ko speaks another root ioctl version";
	case ENOTTY:
		return "partita.ko does not know this request (an older "
		       "driver?)";
	default:
		return strerror(err);
	}
}

int root_msg_file_open(struct root_dev *dev, unsigned long request,
		       const char *what, int *fd)
{
	int err, flags;

	*fd = -1;
	if (dev->fd < 0)
		return root_fail(dev, -EBADF, "the partita device is not open");
	*fd = ioctl(dev->fd, request);
	if (*fd < 0) {
		err = errno;
		*fd = -1;
		return root_fail(dev, -err, "cannot open %s: %s", what,
				 root_msg_errno_text(err));
	}
	/* Waits go through poll(), so read() must never block. */
	flags = fcntl(*fd, F_GETFL);
	if (flags < 0 || fcntl(*fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		err = errno;
		return root_fail(dev, -err, "cannot make %s non-blocking: %s",
				 what, strerror(err));
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int root_msg_file_wait(struct root_dev *dev, int fd, int timeout_ms,
		       const char *what, void *buf, size_t size, size_t *got)
{
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int left, err;

	for (;;) {
		n = read(fd, buf, size);
		if (n > 0) {
			*got = (size_t)n;
			return 0;
		}
		if (n == 0)
			return root_fail(dev, -EIO,
					 "partita.ko returned nothing from %s",
					 what);
		err = errno;
		if (err == EINTR)
			return -EINTR;
		if (err != EAGAIN)
			return root_fail(dev, -err, "cannot read %s: %s", what,
					 root_msg_errno_text(err));
		left = -1;
		if (deadline >= 0) {
			long long rest = deadline - now_ms();

			if (rest <= 0)
				return -ETIMEDOUT;
			left = (int)rest;
		}
		if (poll(&p, 1, left) < 0) {
			err = errno;
			if (err == EINTR)
				return -EINTR;
			return root_fail(dev, -err, "cannot wait for %s: %s",
					 what, strerror(err));
		}
	}
}
