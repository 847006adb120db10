// SPDX-License-Identifier: GPL-2.0-only
/* Root events from the hypervisor, as delivered by the driver's interrupt. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "root-client.h"
#include "root-internal.h"

int root_events_fd(const struct root_dev *dev)
{
	return dev->fd;
}

int root_notify_available(const struct root_dev *dev)
{
	return (dev->version.flags & PT_ROOT_DRV_NOTIFY) != 0;
}

int root_events_set_mask(struct root_dev *dev, uint64_t mask)
{
	struct pt_ioc_event_mask m = {
		.abi_version = PT_ROOT_IOCTL_VERSION,
		.mask = mask,
	};

	if (ioctl(dev->fd, PT_IOC_SET_EVENT_MASK, &m) < 0)
		return root_fail(dev, -errno, "cannot select root events: %s",
				 strerror(errno));
	return 0;
}

int root_events_read(struct root_dev *dev, uint64_t *events)
{
	ssize_t n;

	n = read(dev->fd, events, sizeof(*events));
	if (n == (ssize_t)sizeof(*events))
		return 0;
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return -errno;
	if (n >= 0)
		return root_fail(
			dev, -EIO,
			"partita.ko returned %zd bytes for an event read", n);
	return root_fail(dev, -errno, "cannot read root events: %s",
			 strerror(errno));
}

int root_events_wait(struct root_dev *dev, int timeout_ms, uint64_t *events)
{
	struct pollfd p = { .fd = dev->fd, .events = POLLIN };
	int n;

	*events = 0;
	n = poll(&p, 1, timeout_ms);
	if (n < 0) {
		if (errno == EINTR)
			return -EINTR;
		return root_fail(dev, -errno, "cannot wait for root events: %s",
				 strerror(errno));
	}
	if (n == 0)
		return -ETIMEDOUT;
	return root_events_read(dev, events);
}
