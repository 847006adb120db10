// SPDX-License-Identifier: GPL-2.0-only
/* Checks partita.ko's messaging files from root user space, raw ioctls. */
/*
 * usage: partita-drv-selftest [loopback]
 *        partita-drv-selftest grant-write GRANTER REF
 *
 * loopback needs no guest: it binds two root ports to each other, posts
 * messages to a connection of the root's own and checks the error answers
 * of every file. grant-write maps one grant of GRANTER read-write, writes
 * the grant-demo pattern through mmap() and unmaps it again. Each check
 * prints "RESULT drv-NAME PASS" or "... FAIL why"; the exit status is the
 * number of failures. A driver check, not a library test: it talks to the
 * ioctls directly so that libpartita-root cannot hide a driver fault.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <partita/events.h>
#include <partita/grants.h>
#include <partita/root-ioctl.h>
#include <partita/status.h>

static int failures;

static int check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("RESULT drv-%s PASS\n", name);
		return 1;
	}
	printf("RESULT drv-%s FAIL ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
	return 0;
}

/* An ioctl that must fail with errno want. */
static int fails_with(int fd, unsigned long req, void *arg, int want)
{
	return ioctl(fd, req, arg) < 0 && errno == want;
}

/* Waits up to ms for POLLIN; returns whether it came. */
static int readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static int evtchn_req(int fd, unsigned long req, uint32_t port,
		      uint32_t remote_id, uint32_t remote_port, uint32_t *out)
{
	struct pt_ioc_evtchn e = {
		.abi_version = PT_ROOT_IOCTL_VERSION,
		.port = port,
		.remote_id = remote_id,
		.remote_port = remote_port,
	};

	if (ioctl(fd, req, &e) < 0)
		return -errno;
	if (out)
		*out = e.port;
	return 0;
}

/* Reads the ports ready on fd without blocking; returns how many. */
static int read_ports(int fd, uint32_t *ports, int max)
{
	ssize_t n = read(fd, ports, max * sizeof(*ports));

	return n < 0 ? -errno : (int)(n / sizeof(*ports));
}

static void test_evtchn(int dev)
{
	struct pt_ioc_evtchn e = { .abi_version = PT_ROOT_IOCTL_VERSION };
	uint32_t a = 0, b = 0, got[8];
	int fd, n, i, err;
	char small[2];

	fd = ioctl(dev, PT_IOC_EVTCHN_OPEN);
	if (!check(fd >= 0, "evtchn-open", "errno %d", errno))
		return;
	check(fcntl(fd, F_GETFD) & FD_CLOEXEC, "evtchn-cloexec", "no cloexec");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	/* A loop through the root itself: a is offered to 0, b binds it. */
	err = evtchn_req(fd, PT_IOC_EVTCHN_BIND_UNBOUND, 0, 0, 0, &a);
	if (!check(!err, "evtchn-alloc", "errno %d", -err))
		goto out;
	err = evtchn_req(fd, PT_IOC_EVTCHN_BIND_INTERDOMAIN, 0, 0, a, &b);
	if (!check(!err && b != a && b, "evtchn-bind", "errno %d port %u", -err,
		   b))
		goto out;
	err = evtchn_req(fd, PT_IOC_EVTCHN_NOTIFY, b, 0, 0, NULL);
	n = readable(fd, 2000) ? read_ports(fd, got, 8) : 0;
	check(!err && n == 1 && got[0] == a, "evtchn-notify",
	      "notify errno %d, read %d ports, first %u (want %u)", -err, n,
	      n > 0 ? got[0] : 0, a);
	/* Masked now: sends only set pending, nothing is read. */
	for (i = 0; i < 100; i++)
		evtchn_req(fd, PT_IOC_EVTCHN_NOTIFY, b, 0, 0, NULL);
	usleep(50000);
	n = read_ports(fd, got, 8);
	check(n == -EAGAIN, "evtchn-masked", "read %d while masked", n);
	/* Unmask re-raises the pending port: once. */
	err = evtchn_req(fd, PT_IOC_EVTCHN_UNMASK, a, 0, 0, NULL);
	n = readable(fd, 2000) ? read_ports(fd, got, 8) : 0;
	check(!err && n == 1 && got[0] == a, "evtchn-unmask",
	      "unmask errno %d, read %d ports", -err, n);
	evtchn_req(fd, PT_IOC_EVTCHN_UNMASK, a, 0, 0, NULL);
	err = evtchn_req(fd, PT_IOC_EVTCHN_NOTIFY, a, 0, 0, NULL);
	n = readable(fd, 2000) ? read_ports(fd, got, 8) : 0;
	check(!err && n == 1 && got[0] == b, "evtchn-reverse",
	      "notify errno %d, read %d ports, first %u (want %u)", -err, n,
	      n > 0 ? got[0] : 0, b);
	/* Bad input. */
	check(evtchn_req(fd, PT_IOC_EVTCHN_UNMASK, 4000, 0, 0, NULL) == -ENOENT,
	      "evtchn-not-ours", "unmask of a port not bound here");
	e.abi_version = 1;
	check(fails_with(fd, PT_IOC_EVTCHN_NOTIFY, &e, EPROTO),
	      "evtchn-version", "version 1 accepted");
	e.abi_version = PT_ROOT_IOCTL_VERSION;
	e.port = a;
	e.reserved = 1;
	check(fails_with(fd, PT_IOC_EVTCHN_NOTIFY, &e, EINVAL),
	      "evtchn-reserved", "reserved field accepted");
	check(fails_with(fd, PT_IOC_EVTCHN_NOTIFY, (void *)16, EFAULT),
	      "evtchn-efault", "bad pointer accepted");
	check(fails_with(fd, _IO(PT_IOC_MAGIC, 0x2f), NULL, ENOTTY),
	      "evtchn-enotty", "unknown request accepted");
	check(read(fd, small, sizeof(small)) < 0 && errno == EINVAL,
	      "evtchn-short-read", "2-byte read accepted");
	/* After a's close, b is unbound: a send succeeds, delivers nothing. */
	err = evtchn_req(fd, PT_IOC_EVTCHN_UNBIND, a, 0, 0, NULL);
	check(!err, "evtchn-unbind", "errno %d", -err);
	check(evtchn_req(fd, PT_IOC_EVTCHN_UNBIND, a, 0, 0, NULL) == -ENOENT,
	      "evtchn-double-unbind", "second unbind accepted");
	err = evtchn_req(fd, PT_IOC_EVTCHN_NOTIFY, b, 0, 0, NULL);
	check(!err, "evtchn-send-unbound", "errno %d", -err);
out:
	close(fd); /* closes b and anything left */
}

static int msg_post(int fd, uint32_t id, uint32_t type, uint32_t size,
		    uint32_t tag)
{
	struct pt_ioc_msg_post p = {
		.abi_version = PT_ROOT_IOCTL_VERSION,
		.msg = { .connection_id = id,
			 .message_type = type,
			 .payload_size = size },
	};

	memcpy(p.msg.payload, &tag, sizeof(tag));
	if (ioctl(fd, PT_IOC_MSG_POST, &p) < 0)
		return -errno;
	return (int)p.status;
}

static int msg_connect(int fd, uint32_t *id)
{
	struct pt_ioc_msg_connect c = {
		.abi_version = PT_ROOT_IOCTL_VERSION,
		.sender = PT_MSG_ANY_SENDER,
	};

	if (ioctl(fd, PT_IOC_MSG_CONNECT, &c) < 0)
		return -errno;
	*id = c.connection_id;
	return 0;
}

static void test_msg(int dev)
{
	struct pt_ioc_msg m[4];
	uint32_t id = 0, id2 = 0, tag, next = 0, posted = 0, full = 0;
	int fd, fd2, err, st, round, i, n, bad = 0;

	fd = ioctl(dev, PT_IOC_MSG_OPEN);
	if (!check(fd >= 0, "msg-open", "errno %d", errno))
		return;
	err = msg_connect(fd, &id);
	if (!check(!err && id == pt_msg_connection_id(0, 0, 0), "msg-connect",
		   "errno %d id 0x%x", -err, id))
		goto out;
	st = msg_post(fd, id, 7, 240, 0xabcd);
	n = readable(fd, 2000) ? read(fd, m, sizeof(m)) : -1;
	check(st == 0 && n == (int)sizeof(m[0]) && m[0].connection_id == id &&
		      m[0].sender_id == 0 && m[0].message_type == 7 &&
		      m[0].payload_size == 240 &&
		      !memcmp(m[0].payload, &(uint32_t){ 0xabcd }, 4),
	      "msg-roundtrip", "status 0x%x read %d type %u size %u", st, n,
	      n > 0 ? m[0].message_type : 0, n > 0 ? m[0].payload_size : 0);
	/*
	 * Flood without reading until the hypervisor says the queue is full,
	 * then read everything: every accepted message arrives, in order.
	 */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 200; i++) {
			st = msg_post(fd, id, 1, 16, posted);
			if (st == PT_STATUS_INSUFFICIENT_BUFFERS) {
				full++;
				break;
			}
			if (st) {
				bad++;
				break;
			}
			posted++;
		}
		for (;;) {
			n = read(fd, m, sizeof(m));
			if (n < 0 && errno == EAGAIN) {
				/* The work item may still be taking. */
				if (!readable(fd, 200))
					break;
				continue;
			}
			if (n <= 0)
				break;
			for (i = 0; i < n / (int)sizeof(m[0]); i++) {
				memcpy(&tag, m[i].payload, 4);
				if (tag != next++)
					bad++;
			}
		}
	}
	check(!bad && next == posted && full == 3, "msg-flood",
	      "posted %u received %u queue-full %u out-of-order/bad %d", posted,
	      next, full, bad);
	printf("drv-msg-flood: %u messages, %u answered "
	       "INSUFFICIENT_BUFFERS\n",
	       posted, full);
	/* Bad input. */
	st = msg_post(fd, 0x1fff0, 1, 4, 0);
	check(st == PT_STATUS_INVALID_CONNECTION_ID, "msg-unknown-conn",
	      "status 0x%x", st);
	st = msg_post(fd, id, 1, 241, 0);
	check(st != 0 && st > 0, "msg-oversize", "status 0x%x", st);
	check(read(fd, m, sizeof(m[0]) - 1) < 0 && errno == EINVAL,
	      "msg-short-read", "short read accepted");
	/* A second file gets the next slot; a closed file's slot is free. */
	fd2 = ioctl(dev, PT_IOC_MSG_OPEN);
	err = fd2 < 0 ? -errno : msg_connect(fd2, &id2);
	check(!err && id2 == pt_msg_connection_id(0, 0, 1), "msg-second",
	      "errno %d id 0x%x", -err, id2);
	close(fd);
	fd = ioctl(dev, PT_IOC_MSG_OPEN);
	err = fd < 0 ? -errno : msg_connect(fd, &id);
	check(!err && id == pt_msg_connection_id(0, 0, 0), "msg-reuse",
	      "errno %d id 0x%x", -err, id);
	if (fd2 >= 0)
		close(fd2);
out:
	close(fd);
}

static void test_gntdev(int dev)
{
	struct pt_ioc_gnt_map m = { .abi_version = PT_ROOT_IOCTL_VERSION };
	struct pt_ioc_gnt_unmap u = { .abi_version = PT_ROOT_IOCTL_VERSION };
	struct pt_ioc_gnt_copy c = { .abi_version = PT_ROOT_IOCTL_VERSION };
	uint32_t refs[2] = { 1, 2 };
	char buf[16];
	void *p;
	int fd, r;

	fd = ioctl(dev, PT_IOC_GNTDEV_OPEN);
	if (!check(fd >= 0, "gnt-open", "errno %d", errno))
		return;
	/* The root has no grant table: mapping its "grants" must fail. */
	m.granter = 0;
	m.count = 2;
	m.refs_ptr = (uintptr_t)refs;
	r = ioctl(fd, PT_IOC_GNT_MAP_GRANTS, &m);
	check(r < 0 && m.failed_index == 0 && m.failed_status != 0,
	      "gnt-map-refused", "ioctl %d errno %d index %u status 0x%x", r,
	      errno, m.failed_index, m.failed_status);
	m.count = 0;
	check(fails_with(fd, PT_IOC_GNT_MAP_GRANTS, &m, EINVAL),
	      "gnt-map-count0", "count 0 accepted");
	m.count = PT_IOC_GNT_MAP_MAX + 1;
	check(fails_with(fd, PT_IOC_GNT_MAP_GRANTS, &m, EINVAL),
	      "gnt-map-count65", "count 65 accepted");
	m.count = 1;
	m.refs_ptr = 8;
	check(fails_with(fd, PT_IOC_GNT_MAP_GRANTS, &m, EFAULT),
	      "gnt-map-efault", "bad refs pointer accepted");
	u.offset = 0;
	check(fails_with(fd, PT_IOC_GNT_UNMAP_GRANTS, &u, ENOENT),
	      "gnt-unmap-unknown", "unknown offset accepted");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	check(p == MAP_FAILED && errno == EINVAL, "gnt-mmap-unmapped",
	      "mmap of nothing gave %p errno %d", p, errno);
	c.granter = 0;
	c.ref = 1;
	c.length = sizeof(buf);
	c.buf_ptr = (uintptr_t)buf;
	r = ioctl(fd, PT_IOC_GNT_COPY, &c);
	check(r < 0 && c.status != 0, "gnt-copy-refused",
	      "ioctl %d status 0x%x", r, c.status);
	c.offset = 4090;
	check(fails_with(fd, PT_IOC_GNT_COPY, &c, EINVAL), "gnt-copy-bounds",
	      "copy across the page end accepted");
	close(fd);
}

/* Maps GRANTER's REF read-write and writes the grant-demo pattern. */
static void grant_write(int dev, uint32_t granter, uint32_t ref)
{
	struct pt_ioc_gnt_map m = { .abi_version = PT_ROOT_IOCTL_VERSION };
	struct pt_ioc_gnt_unmap u = { .abi_version = PT_ROOT_IOCTL_VERSION };
	unsigned char *p;
	int fd, i, r;

	fd = ioctl(dev, PT_IOC_GNTDEV_OPEN);
	if (!check(fd >= 0, "gnt-open", "errno %d", errno))
		return;
	m.granter = granter;
	m.count = 1;
	m.refs_ptr = (uintptr_t)&ref;
	r = ioctl(fd, PT_IOC_GNT_MAP_GRANTS, &m);
	if (!check(r == 0, "gnt-map", "errno %d index %u status 0x%x", errno,
		   m.failed_index, m.failed_status))
		goto out;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	if (check(p != MAP_FAILED, "gnt-mmap", "errno %d", errno)) {
		memcpy(p, "PARTITA-GRANT-OK", 16);
		for (i = 16; i < 4096; i++)
			p[i] = (unsigned char)((i * 7 + 3) & 0xff);
		u.offset = m.offset;
		check(fails_with(fd, PT_IOC_GNT_UNMAP_GRANTS, &u, EBUSY),
		      "gnt-unmap-busy", "unmap while mmapped accepted");
		munmap(p, 4096);
	}
	u.offset = m.offset;
	r = ioctl(fd, PT_IOC_GNT_UNMAP_GRANTS, &u);
	check(r == 0, "gnt-unmap", "errno %d", errno);
out:
	close(fd);
}

int main(int argc, char **argv)
{
	int dev;

	dev = open(PT_ROOT_DEVICE_PATH, O_RDWR);
	if (dev < 0) {
		perror(PT_ROOT_DEVICE_PATH);
		return 1;
	}
	if (argc == 4 && !strcmp(argv[1], "grant-write")) {
		grant_write(dev, strtoul(argv[2], NULL, 0),
			    strtoul(argv[3], NULL, 0));
	} else if (argc == 1 || (argc == 2 && !strcmp(argv[1], "loopback"))) {
		test_evtchn(dev);
		test_msg(dev);
		test_gntdev(dev);
	} else {
		fprintf(stderr,
			"usage: %s [loopback] | grant-write GRANTER "
			"REF\n",
			argv[0]);
		return 2;
	}
	close(dev);
	return failures;
}
