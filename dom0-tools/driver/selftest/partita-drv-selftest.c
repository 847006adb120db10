// SPDX-License-Identifier: GPL-2.0-only
/* Checks partita.ko's messaging files from root user space, raw ioctls. */
/*
 * usage: partita-drv-selftest [loopback]
 *        partita-drv-selftest grant-write GRANTER REF [HOLD_MS]
 *        partita-drv-selftest peer PEER PORT CONNECTION COUNT
 *        partita-drv-selftest flood-recv PEER PORT SECS
 *
 * loopback needs no guest: it binds two root ports to each other, posts
 * messages to a connection of the root's own and checks the error answers
 * of every file. grant-write maps one grant of GRANTER read-write, writes
 * the grant-demo pattern through mmap(), keeps it mapped HOLD_MS (default
 * 1000) and unmaps it again. peer binds PEER's unbound PORT and does COUNT
 * event round trips and COUNT message round trips with an echoing peer
 * (evtchn-peer mode=echo), whose connection is CONNECTION. flood-recv
 * takes connection 0x10000 and binds PEER's PORT, then counts what a
 * flooding peer (evtchn-peer mode=flood conn=0x10000) sends for SECS
 * seconds and until it goes quiet. Each check
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
#include <time.h>
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
	/*
	 * Close a file whose slot is stalled (its queue full, a message left
	 * in the slot): the next owner of slot 0 must get only its own.
	 */
	for (i = 0; i < 200; i++) {
		if (msg_post(fd, id, 1, 16, 0xdead) != 0)
			break;
	}
	usleep(50000);
	close(fd);
	fd = ioctl(dev, PT_IOC_MSG_OPEN);
	err = fd < 0 ? -errno : msg_connect(fd, &id);
	st = err ? -1 : msg_post(fd, id, 3, 4, 0xbeef);
	n = readable(fd, 2000) ? read(fd, m, sizeof(m)) : -1;
	memcpy(&tag, n > 0 ? m[0].payload : (uint8_t *)"\0\0\0\0", 4);
	check(!err && i > 1 && st == 0 && n == (int)sizeof(m[0]) &&
		      m[0].message_type == 3 && tag == 0xbeef,
	      "msg-close-stalled",
	      "errno %d, %d posts before full, post 0x%x, read %d type %u tag "
	      "0x%x",
	      -err, i, st, n, n > 0 ? m[0].message_type : 0, tag);
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
	check(fails_with(fd, PT_IOC_GNT_MAP_GRANTS, &m, E2BIG),
	      "gnt-map-count65", "count 65 not refused with E2BIG");
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

/* Maps one grant (count 1 or the pair ref, ref + 1); returns the ioctl's. */
static int gnt_map(int fd, uint32_t granter, uint32_t *refs, uint32_t count,
		   uint32_t flags, struct pt_ioc_gnt_map *m)
{
	memset(m, 0, sizeof(*m));
	m->abi_version = PT_ROOT_IOCTL_VERSION;
	m->granter = granter;
	m->count = count;
	m->flags = flags;
	m->refs_ptr = (uintptr_t)refs;
	return ioctl(fd, PT_IOC_GNT_MAP_GRANTS, m);
}

static int gnt_unmap(int fd, uint64_t offset)
{
	struct pt_ioc_gnt_unmap u = { .abi_version = PT_ROOT_IOCTL_VERSION,
				      .offset = offset };

	return ioctl(fd, PT_IOC_GNT_UNMAP_GRANTS, &u) < 0 ? -errno : 0;
}

static int gnt_copy(int fd, uint32_t granter, uint32_t ref, uint32_t flags,
		    uint32_t offset, void *buf, uint32_t length)
{
	struct pt_ioc_gnt_copy c = {
		.abi_version = PT_ROOT_IOCTL_VERSION,
		.granter = granter,
		.ref = ref,
		.flags = flags,
		.offset = offset,
		.length = length,
		.buf_ptr = (uintptr_t)buf,
	};

	return ioctl(fd, PT_IOC_GNT_COPY, &c) < 0 ? -errno : (int)c.status;
}

/* A map whose second element fails unwinds the first; read-only maps. */
static void grant_checks(int fd, uint32_t granter, uint32_t ref)
{
	uint32_t pair[2] = { ref, ref + 1 };
	struct pt_ioc_gnt_map m;
	unsigned char *p, *q;
	int r;

	r = gnt_map(fd, granter, pair, 2, 0, &m);
	check(r < 0 && m.failed_index == 1 && m.failed_status != 0,
	      "gnt-map-unwind", "ioctl %d errno %d index %u status 0x%x", r,
	      errno, m.failed_index, m.failed_status);
	r = gnt_map(fd, granter, &ref, 1, PT_IOC_GNT_READONLY, &m);
	if (!check(r == 0, "gnt-map-ro", "errno %d status 0x%x", errno,
		   m.failed_status))
		return;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	check(p == MAP_FAILED && errno == EPERM, "gnt-mmap-ro-write",
	      "writable mmap of a read-only map: %p errno %d", p, errno);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, m.offset);
	q = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, m.offset);
	check(p != MAP_FAILED && q != MAP_FAILED &&
		      mprotect(p, 4096, PROT_READ | PROT_WRITE) < 0 &&
		      p[100] == q[100],
	      "gnt-mmap-ro", "shared %p private %p errno %d", p, q, errno);
	check(p == MAP_FAILED || mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd,
				      m.offset) == MAP_FAILED,
	      "gnt-mmap-length", "a longer mmap was accepted");
	check(gnt_unmap(fd, m.offset) == -EBUSY, "gnt-ro-busy",
	      "unmap with two mmaps left");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	if (q != MAP_FAILED)
		munmap(q, 4096);
	r = gnt_unmap(fd, m.offset);
	check(r == 0, "gnt-unmap-ro", "errno %d", -r);
}

/* Maps GRANTER's REF read-write and writes the grant-demo pattern. */
static void grant_write(int dev, uint32_t granter, uint32_t ref,
			unsigned int hold_ms)
{
	unsigned char back[64], want[64];
	struct pt_ioc_gnt_map m;
	unsigned char *p;
	int fd, i, r;

	fd = ioctl(dev, PT_IOC_GNTDEV_OPEN);
	if (!check(fd >= 0, "gnt-open", "errno %d", errno))
		return;
	grant_checks(fd, granter, ref);
	r = gnt_map(fd, granter, &ref, 1, 0, &m);
	if (!check(r == 0, "gnt-map", "errno %d index %u status 0x%x", errno,
		   m.failed_index, m.failed_status))
		goto out;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	if (check(p != MAP_FAILED, "gnt-mmap", "errno %d", errno)) {
		/* Bytes 16.. through the mapping, 0..15 by a grant copy. */
		for (i = 16; i < 4096; i++)
			p[i] = (unsigned char)((i * 7 + 3) & 0xff);
		r = gnt_copy(fd, granter, ref, PT_GRANT_COPY_TO_GRANT, 0,
			     "PARTITA-GRANT-OK", 16);
		check(r == 0, "gnt-copy-to", "status/errno %d", r);
		r = gnt_copy(fd, granter, ref, 0, 100, back, sizeof(back));
		for (i = 0; i < 64; i++)
			want[i] = (unsigned char)(((100 + i) * 7 + 3) & 0xff);
		check(r == 0 && !memcmp(back, want, 64), "gnt-copy-from",
		      "status/errno %d", r);
		check(gnt_unmap(fd, m.offset) == -EBUSY, "gnt-unmap-busy",
		      "unmap while mmapped accepted");
		/* The granter checks the page and tries to end the grant. */
		usleep(hold_ms * 1000);
		check(p[16] == ((16 * 7 + 3) & 0xff) &&
			      !memcmp(p, "PARTITA-GRANT-OK", 16),
		      "gnt-readback", "the page changed under the mapping");
		munmap(p, 4096);
	}
	r = gnt_unmap(fd, m.offset);
	check(r == 0, "gnt-unmap", "errno %d", -r);
out:
	close(fd);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void print_times(const char *what, uint64_t *t, unsigned int n)
{
	if (!n)
		return;
	qsort(t, n, sizeof(*t), cmp_u64);
	printf("drv-peer: %s round trip: min %llu us, median %llu us, p99 "
	       "%llu us (%u rounds)\n",
	       what, (unsigned long long)t[0] / 1000,
	       (unsigned long long)t[n / 2] / 1000,
	       (unsigned long long)t[n * 99 / 100] / 1000, n);
}

/* Event round trips with an echoing peer: notify, wait, read, unmask. */
static void peer_events(int dev, uint32_t peer, uint32_t port,
			unsigned int count, uint64_t *t)
{
	uint32_t local = 0, got;
	unsigned int i, done = 0;
	uint64_t t0;
	int fd, err;

	fd = ioctl(dev, PT_IOC_EVTCHN_OPEN);
	if (!check(fd >= 0, "peer-evtchn-open", "errno %d", errno))
		return;
	err = evtchn_req(fd, PT_IOC_EVTCHN_BIND_INTERDOMAIN, 0, peer, port,
			 &local);
	if (!check(!err, "peer-bind", "errno %d", -err))
		goto out;
	for (i = 0; i < count; i++) {
		t0 = now_ns();
		if (evtchn_req(fd, PT_IOC_EVTCHN_NOTIFY, local, 0, 0, NULL))
			break;
		if (read(fd, &got, sizeof(got)) != sizeof(got) || got != local)
			break;
		t[done++] = now_ns() - t0;
		if (evtchn_req(fd, PT_IOC_EVTCHN_UNMASK, local, 0, 0, NULL))
			break;
	}
	check(done == count, "peer-events", "%u of %u round trips", done,
	      count);
	print_times("event", t, done);
out:
	close(fd);
}

/* Message round trips: the peer posts each one back to our connection. */
static void peer_messages(int dev, uint32_t conn, unsigned int count,
			  uint64_t *t)
{
	unsigned int i, done = 0, full = 0;
	struct pt_ioc_msg m;
	uint32_t id = 0, tag;
	uint64_t t0;
	int fd, st;

	fd = ioctl(dev, PT_IOC_MSG_OPEN);
	if (!check(fd >= 0, "peer-msg-open", "errno %d", errno))
		return;
	if (!check(!msg_connect(fd, &id), "peer-connect", "errno %d", errno))
		goto out;
	for (i = 0; i < count; i++) {
		struct pt_ioc_msg_post p = {
			.abi_version = PT_ROOT_IOCTL_VERSION,
			.msg = { .connection_id = conn,
				 .message_type = 2,
				 .payload_size = 8 },
		};

		memcpy(p.msg.payload, &id, 4);
		memcpy(p.msg.payload + 4, &i, 4);
		t0 = now_ns();
		do {
			if (ioctl(fd, PT_IOC_MSG_POST, &p) < 0)
				goto done;
			st = (int)p.status;
			if (st == PT_STATUS_INSUFFICIENT_BUFFERS) {
				full++;
				usleep(1000);
			}
		} while (st == PT_STATUS_INSUFFICIENT_BUFFERS);
		if (st || read(fd, &m, sizeof(m)) != sizeof(m))
			break;
		memcpy(&tag, m.payload + 4, 4);
		if (m.message_type != 2 || m.payload_size != 8 || tag != i)
			break;
		t[done++] = now_ns() - t0;
	}
done:
	check(done == count, "peer-messages",
	      "%u of %u round trips (%u queue-full retries)", done, count,
	      full);
	print_times("message", t, done);
out:
	close(fd);
}

/*
 * Receives what a flooding peer (evtchn-peer mode=flood) sends on PORT and
 * posts to our first connection, for SECS seconds and until it goes quiet.
 */
static void flood_recv(int dev, uint32_t peer, uint32_t port, unsigned int secs)
{
	unsigned int wakeups = 0, msgs = 0, bad = 0, i;
	uint64_t end = now_ns() + (uint64_t)secs * 1000000000u;
	struct pt_ioc_msg m[16];
	uint32_t id = 0, local = 0, ports[64];
	struct pollfd pf[2];
	int efd, mfd, n, err;

	efd = ioctl(dev, PT_IOC_EVTCHN_OPEN);
	mfd = ioctl(dev, PT_IOC_MSG_OPEN);
	if (!check(efd >= 0 && mfd >= 0, "flood-open", "errno %d", errno))
		return;
	err = msg_connect(mfd, &id);
	if (!check(!err && id == pt_msg_connection_id(0, 0, 0), "flood-connect",
		   "errno %d id 0x%x", -err, id))
		goto out;
	err = evtchn_req(efd, PT_IOC_EVTCHN_BIND_INTERDOMAIN, 0, peer, port,
			 &local);
	if (!check(!err, "flood-bind", "errno %d", -err))
		goto out;
	fcntl(efd, F_SETFL, O_NONBLOCK);
	fcntl(mfd, F_SETFL, O_NONBLOCK);
	pf[0] = (struct pollfd){ .fd = efd, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = mfd, .events = POLLIN };
	/* Until the deadline, then until a whole second brings nothing. */
	while (poll(pf, 2, 1000) > 0 || now_ns() < end) {
		n = read_ports(efd, ports, 64);
		for (i = 0; n > 0 && i < (unsigned int)n; i++) {
			wakeups++;
			bad += ports[i] != local;
			evtchn_req(efd, PT_IOC_EVTCHN_UNMASK, ports[i], 0, 0,
				   NULL);
		}
		n = read(mfd, m, sizeof(m));
		for (i = 0; n > 0 && i < n / sizeof(m[0]); i++) {
			msgs++;
			bad += m[i].message_type != 1 ||
			       m[i].payload_size != 240 ||
			       m[i].connection_id != id;
		}
	}
	printf("drv-flood: port wake-ups %u, messages %u, bad %u\n", wakeups,
	       msgs, bad);
	check(!bad && wakeups && msgs, "flood-recv",
	      "wake-ups %u messages %u bad %u", wakeups, msgs, bad);
out:
	close(efd);
	close(mfd);
}

int main(int argc, char **argv)
{
	int dev;

	dev = open(PT_ROOT_DEVICE_PATH, O_RDWR);
	if (dev < 0) {
		perror(PT_ROOT_DEVICE_PATH);
		return 1;
	}
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "grant-write")) {
		grant_write(dev, strtoul(argv[2], NULL, 0),
			    strtoul(argv[3], NULL, 0),
			    argc == 5 ? strtoul(argv[4], NULL, 0) : 1000);
	} else if (argc == 5 && !strcmp(argv[1], "flood-recv")) {
		flood_recv(dev, strtoul(argv[2], NULL, 0),
			   strtoul(argv[3], NULL, 0),
			   strtoul(argv[4], NULL, 0));
	} else if (argc == 6 && !strcmp(argv[1], "peer")) {
		unsigned int count = strtoul(argv[5], NULL, 0);
		uint64_t *t = calloc(count ? count : 1, sizeof(*t));

		if (!t)
			return 1;
		peer_events(dev, strtoul(argv[2], NULL, 0),
			    strtoul(argv[3], NULL, 0), count, t);
		peer_messages(dev, strtoul(argv[4], NULL, 0), count, t);
		free(t);
	} else if (argc == 1 || (argc == 2 && !strcmp(argv[1], "loopback"))) {
		test_evtchn(dev);
		test_msg(dev);
		test_gntdev(dev);
	} else {
		fprintf(stderr,
			"usage: %s [loopback] | grant-write GRANTER REF "
			"[HOLD_MS] | peer PEER PORT CONNECTION COUNT | "
			"flood-recv PEER PORT SECS\n",
			argv[0]);
		return 2;
	}
	close(dev);
	return failures;
}
