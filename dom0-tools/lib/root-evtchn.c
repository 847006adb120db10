// SPDX-License-Identifier: GPL-2.0-only
/* The event port file: bind, unbind, notify, unmask and read fired ports. */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "root-internal.h"
#include "root-messaging.h"

int root_evtchn_open(struct root_dev *dev, struct root_evtchn *ev)
{
	ev->dev = dev;
	return root_msg_file_open(dev, PT_IOC_EVTCHN_OPEN, "an event port file",
				  &ev->fd);
}

void root_evtchn_close(struct root_evtchn *ev)
{
	if (ev->fd >= 0)
		close(ev->fd);
	ev->fd = -1;
}

int root_evtchn_fd(const struct root_evtchn *ev)
{
	return ev->fd;
}

/* One request; `doing` completes "cannot ...: why". */
static int evtchn_ioctl(struct root_evtchn *ev, unsigned long request,
			struct pt_ioc_evtchn *arg, const char *doing)
{
	int err;

	arg->abi_version = PT_ROOT_IOCTL_VERSION;
	ev->dev->status = PT_STATUS_SUCCESS;
	if (ev->fd < 0)
		return root_fail(ev->dev, -EBADF,
				 "the event port file is not open");
	if (ioctl(ev->fd, request, arg) == 0)
		return 0;
	err = errno;
	return root_fail(ev->dev, -err, "cannot %s: %s", doing,
			 root_msg_errno_text(err));
}

int root_evtchn_bind_unbound(struct root_evtchn *ev, uint32_t remote,
			     uint32_t *port)
{
	struct pt_ioc_evtchn a = { .remote_id = remote };
	char doing[80];
	int err;

	snprintf(doing, sizeof(doing),
		 "allocate a root port offered to partition %u", remote);
	err = evtchn_ioctl(ev, PT_IOC_EVTCHN_BIND_UNBOUND, &a, doing);
	if (!err)
		*port = a.port;
	return err;
}

int root_evtchn_bind_interdomain(struct root_evtchn *ev, uint32_t remote,
				 uint32_t remote_port, uint32_t *port)
{
	struct pt_ioc_evtchn a = { .remote_id = remote,
				   .remote_port = remote_port };
	char doing[80];
	int err;

	snprintf(doing, sizeof(doing), "bind to port %u of partition %u",
		 remote_port, remote);
	err = evtchn_ioctl(ev, PT_IOC_EVTCHN_BIND_INTERDOMAIN, &a, doing);
	if (!err)
		*port = a.port;
	return err;
}

int root_evtchn_bind_virq(struct root_evtchn *ev, uint32_t virq, uint32_t *port)
{
	struct pt_ioc_evtchn a = { .virq = virq };
	char doing[80];
	int err;

	snprintf(doing, sizeof(doing), "bind the %s virtual IRQ (%u)",
		 root_virq_name(virq), virq);
	err = evtchn_ioctl(ev, PT_IOC_EVTCHN_BIND_VIRQ, &a, doing);
	if (!err)
		*port = a.port;
	return err;
}

static int port_request(struct root_evtchn *ev, unsigned long request,
			uint32_t port, const char *verb)
{
	struct pt_ioc_evtchn a = { .port = port };
	char doing[64];

	snprintf(doing, sizeof(doing), "%s root port %u", verb, port);
	return evtchn_ioctl(ev, request, &a, doing);
}

int root_evtchn_unbind(struct root_evtchn *ev, uint32_t port)
{
	return port_request(ev, PT_IOC_EVTCHN_UNBIND, port, "unbind");
}

int root_evtchn_notify(struct root_evtchn *ev, uint32_t port)
{
	return port_request(ev, PT_IOC_EVTCHN_NOTIFY, port, "send on");
}

int root_evtchn_unmask(struct root_evtchn *ev, uint32_t port)
{
	return port_request(ev, PT_IOC_EVTCHN_UNMASK, port, "unmask");
}

int root_evtchn_wait(struct root_evtchn *ev, int timeout_ms, uint32_t *ports,
		     size_t max, size_t *n)
{
	size_t got = 0;
	int err;

	*n = 0;
	if (max == 0)
		return root_fail(ev->dev, -EINVAL,
				 "reading fired ports needs room for one");
	err = root_msg_file_wait(ev->dev, ev->fd, timeout_ms,
				 "the event port file", ports,
				 max * sizeof(*ports), &got);
	if (err)
		return err;
	if (got % sizeof(*ports))
		return root_fail(ev->dev, -EIO,
				 "partita.ko returned %zu bytes of port "
				 "numbers, not a whole number of ports",
				 got);
	*n = got / sizeof(*ports);
	return 0;
}

const char *root_port_state_name(uint32_t state)
{
	switch (state) {
	case PT_EVTCHN_STATE_FREE:
		return "free";
	case PT_EVTCHN_STATE_UNBOUND:
		return "unbound";
	case PT_EVTCHN_STATE_INTERDOMAIN:
		return "interdomain";
	case PT_EVTCHN_STATE_VIRQ:
		return "virq";
	default:
		return "unknown";
	}
}

const char *root_virq_name(uint32_t virq)
{
	static const char *const names[PT_VIRQ_COUNT] = {
		[PT_VIRQ_TIMER] = "timer",
		[PT_VIRQ_CONSOLE] = "console",
		[PT_VIRQ_PARTITION] = "partition",
		[PT_VIRQ_PEER_DIED] = "peer-died",
		[PT_VIRQ_LOG] = "log",
	};

	return virq < PT_VIRQ_COUNT ? names[virq] : "unknown";
}
