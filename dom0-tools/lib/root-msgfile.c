// SPDX-License-Identifier: GPL-2.0-only
/* The message file: connect, post (with retry on a full queue), receive. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "root-internal.h"
#include "root-messaging.h"

int root_msg_open(struct root_dev *dev, struct root_msgfile *m)
{
	m->dev = dev;
	return root_msg_file_open(dev, PT_IOC_MSG_OPEN, "a message file",
				  &m->fd);
}

void root_msg_close(struct root_msgfile *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

int root_msg_fd(const struct root_msgfile *m)
{
	return m->fd;
}

int root_msg_connect(struct root_msgfile *m, uint32_t sender, uint32_t depth,
		     uint32_t *connection_id)
{
	struct pt_ioc_msg_connect a = {
		.abi_version = PT_ROOT_IOCTL_VERSION,
		.sender = sender,
		.depth = depth,
	};
	int err;

	m->dev->status = PT_STATUS_SUCCESS;
	if (depth > PT_MSG_QUEUE_MAX)
		return root_fail(m->dev, -EINVAL,
				 "a connection's queue holds 1 to %u messages "
				 "(0: %u), not %u",
				 PT_MSG_QUEUE_MAX, PT_MSG_QUEUE_DEFAULT, depth);
	if (ioctl(m->fd, PT_IOC_MSG_CONNECT, &a) < 0) {
		err = errno;
		return root_fail(m->dev, -err,
				 "cannot create a message connection: %s",
				 root_msg_errno_text(err));
	}
	*connection_id = a.connection_id;
	return 0;
}

int root_msg_post_once(struct root_msgfile *m, uint32_t connection_id,
		       uint32_t type, const void *payload, uint32_t size,
		       uint16_t *status)
{
	struct pt_ioc_msg_post a;
	const char *name;
	int rc, err;

	*status = PT_STATUS_SUCCESS;
	m->dev->status = PT_STATUS_SUCCESS;
	if (size > PT_MSG_PAYLOAD_MAX)
		return root_fail(m->dev, -EINVAL,
				 "a message carries at most %u bytes, not %u",
				 PT_MSG_PAYLOAD_MAX, size);
	if (type == PT_MSG_TYPE_NONE || type > PT_MSG_TYPE_MAX)
		return root_fail(m->dev, -EINVAL,
				 "a message type is 1 to 0x%x, not 0x%x",
				 PT_MSG_TYPE_MAX, type);
	memset(&a, 0, sizeof(a));
	a.abi_version = PT_ROOT_IOCTL_VERSION;
	a.msg.connection_id = connection_id;
	a.msg.message_type = type;
	a.msg.payload_size = size;
	if (size)
		memcpy(a.msg.payload, payload, size);
	rc = ioctl(m->fd, PT_IOC_MSG_POST, &a);
	err = errno;
	/* A refusal comes back as `status`, with or without an errno. */
	if (a.status != PT_STATUS_SUCCESS) {
		*status = (uint16_t)a.status;
		m->dev->status = *status;
		if (a.status == PT_STATUS_INSUFFICIENT_BUFFERS)
			return -EAGAIN;
		name = root_status_name(*status);
		return root_fail(m->dev, -EREMOTEIO,
				 "the hypervisor refused a message to "
				 "connection 0x%x: %s (status 0x%04x)",
				 connection_id, name ? name : "unknown status",
				 *status);
	}
	if (rc < 0)
		return root_fail(m->dev, -err,
				 "cannot post to connection 0x%x: %s",
				 connection_id, root_msg_errno_text(err));
	return 0;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int root_msg_post(struct root_msgfile *m, uint32_t connection_id, uint32_t type,
		  const void *payload, uint32_t size, int timeout_ms,
		  uint64_t *retries)
{
	long long deadline =
		timeout_ms < 0 ? -1 : now_us() + (long long)timeout_ms * 1000;
	useconds_t pause_us = 0;
	uint16_t status;
	int err;

	for (;;) {
		err = root_msg_post_once(m, connection_id, type, payload, size,
					 &status);
		if (err != -EAGAIN)
			return err;
		if (retries)
			(*retries)++;
		if (deadline >= 0 && now_us() >= deadline)
			return root_fail(m->dev, -ETIMEDOUT,
					 "connection 0x%x stayed full for %d "
					 "ms: the receiver takes no messages",
					 connection_id, timeout_ms);
		/*
		 * The receiver empties its slot at its own pace: back off
		 * from a yield to at most a millisecond between tries.
		 */
		if (pause_us)
			usleep(pause_us);
		pause_us = pause_us ? pause_us * 2 : 10;
		if (pause_us > 1000)
			pause_us = 1000;
	}
}

int root_msg_receive(struct root_msgfile *m, int timeout_ms,
		     struct pt_ioc_msg *msg)
{
	size_t got = 0;
	int err;

	err = root_msg_file_wait(m->dev, m->fd, timeout_ms, "the message file",
				 msg, sizeof(*msg), &got);
	if (err)
		return err;
	if (got != sizeof(*msg) || msg->payload_size > PT_MSG_PAYLOAD_MAX)
		return root_fail(m->dev, -EIO,
				 "partita.ko returned a message of %zu bytes "
				 "with %u bytes of payload",
				 got, msg->payload_size);
	return 0;
}
