// SPDX-License-Identifier: GPL-2.0-only
/*
 * partita-ioctl-fuzz --checks: each malformed request once, with the errno
 * root-driver.md documents for it; a process without CAP_SYS_ADMIN (uid 0
 * with the capability dropped, and uid 65534) refused by every file; and a
 * user page fault that waits (userfaultfd) never holds up other root
 * hypercalls. Prints "ioctl-fuzz: check NAME ok" or "... FAIL: why".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <partita/hypercall.h>
#include <partita/root.h>

#include "ioctl-fuzz.h"

#define V PT_ROOT_IOCTL_VERSION
#define KERNEL_PTR ((void *)0xffff888000000000ull)
#define NONCANONICAL_PTR ((void *)0x0000800000000000ull)

static int failures;

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("ioctl-fuzz: check %s ok\n", name);
		return;
	}
	failures++;
	printf("ioctl-fuzz: check %s FAIL: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The request fails with want; says what it did otherwise. */
static void refused(const char *name, int fd, unsigned long req, void *arg,
		    int want)
{
	int r = ioctl(fd, req, arg);
	int err = r < 0 ? errno : 0;

	check(r < 0 && err == want, name, "answered %d (%s), documented: %s", r,
	      r < 0 ? strerrorname_np(err) : "success", strerrorname_np(want));
}

static struct pt_ioc_hypercall hc_null(void)
{
	return (struct pt_ioc_hypercall){ .abi_version = V,
					  .code = PT_CALL_NULL,
					  .flags = PT_IOC_HC_FAST };
}

static struct pt_ioc_hypercall hc_self_info(void *out)
{
	return (struct pt_ioc_hypercall){ .abi_version = V,
					  .code = PT_CALL_SELF_INFO,
					  .out_ptr = (uintptr_t)out,
					  .out_size =
						  sizeof(struct pt_self_info) };
}

/* A memory rep call with a zeroed list of count elements. */
static void rep_refused(const char *name, int dev, uint16_t code,
			uint16_t count, int want)
{
	struct pt_ioc_hypercall hc = { .abi_version = V,
				       .code = code,
				       .rep_count = count,
				       .in_ptr = (uintptr_t)fz_mem.arena,
				       .in_size = FZ_PAGE };

	memset(fz_mem.arena, 0, FZ_PAGE);
	refused(name, dev, PT_IOC_HYPERCALL, &hc, want);
}

/* Sizes, directions, numbers and pointers of /dev/partita's requests. */
static void check_dev_forms(int dev)
{
	struct pt_ioc_hypercall hc = hc_null();
	uint8_t *straddle = fz_mem.guard + FZ_PAGE - sizeof(hc) / 2;

	refused("dev-unknown-type", dev, _IO('Z', 1), NULL, ENOTTY);
	refused("dev-unknown-number", dev, _IO(PT_IOC_MAGIC, 0x7f), NULL,
		ENOTTY);
	refused("dev-other-files-request", dev, PT_IOC_EVTCHN_NOTIFY, &hc,
		ENOTTY);
	refused("hc-size-40", dev,
		_IOC(_IOC_READ | _IOC_WRITE, PT_IOC_MAGIC, 1, 40), &hc, EPROTO);
	refused("hc-size-0", dev, _IO(PT_IOC_MAGIC, 1), &hc, EPROTO);
	refused("hc-write-only", dev,
		_IOW(PT_IOC_MAGIC, 1, struct pt_ioc_hypercall), &hc, EPROTO);
	/* GET_VERSION's layout never changes: another size is not ours. */
	refused("version-size-47", dev, _IOC(_IOC_READ, PT_IOC_MAGIC, 0, 47),
		&hc, ENOTTY);
	refused("hc-null-arg", dev, PT_IOC_HYPERCALL, NULL, EFAULT);
	refused("hc-kernel-arg", dev, PT_IOC_HYPERCALL, KERNEL_PTR, EFAULT);
	refused("hc-noncanonical-arg", dev, PT_IOC_HYPERCALL, NONCANONICAL_PTR,
		EFAULT);
	refused("hc-unmapped-arg", dev, PT_IOC_HYPERCALL, fz_mem.unmapped,
		EFAULT);
	memcpy(straddle, &hc, sizeof(hc) / 2);
	refused("hc-straddling-arg", dev, PT_IOC_HYPERCALL, straddle, EFAULT);
	fz_ro_fill(0, &hc, sizeof(hc));
	/* The call is made; its answer cannot go back. */
	refused("hc-readonly-arg", dev, PT_IOC_HYPERCALL, fz_mem.ro, EFAULT);
}

/*
 * The frame behind one of the fuzzer's pages (the root's GPAs are
 * physical addresses), from /proc/self/pagemap; 0 if unknown.
 */
static uint64_t gpfn_of(const void *page)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, 8, (off_t)((uintptr_t)page / FZ_PAGE * 8)) != 8)
		entry = 0;
	close(fd);
	/* Bit 63: present; bits 54:0 the frame. */
	return entry >> 63 ? entry & ((1ull << 55) - 1) : 0;
}

/* The fields of PT_IOC_HYPERCALL, each out of its range. */
static void check_dev_fields(int dev)
{
	static struct pt_self_info info;
	struct pt_ioc_hypercall hc;
	uint64_t *list = (uint64_t *)fz_mem.arena;
	uint64_t from_seq = 0, own_gpfn = gpfn_of(fz_mem.guard);
	unsigned int i;
	int r;

	hc = hc_null();
	hc.abi_version = 1;
	refused("hc-version-1", dev, PT_IOC_HYPERCALL, &hc, EPROTO);
	hc.abi_version = 0xffffffff;
	refused("hc-version-max", dev, PT_IOC_HYPERCALL, &hc, EPROTO);
	hc = hc_null();
	hc.reserved = 1;
	refused("hc-reserved", dev, PT_IOC_HYPERCALL, &hc, EINVAL);
	hc = hc_null();
	hc.flags = 2;
	refused("hc-unknown-flag", dev, PT_IOC_HYPERCALL, &hc, EINVAL);
	hc = hc_null();
	hc.in_size = 8;
	hc.in_ptr = (uintptr_t)&from_seq;
	refused("hc-fast-with-block", dev, PT_IOC_HYPERCALL, &hc, EINVAL);
	hc = hc_null();
	hc.rep_count = PT_HC_REP_MAX + 1;
	refused("hc-rep-count-field", dev, PT_IOC_HYPERCALL, &hc, EINVAL);
	hc = hc_null();
	hc.rep_start = 0xffff;
	refused("hc-rep-start-field", dev, PT_IOC_HYPERCALL, &hc, EINVAL);
	hc = hc_self_info(&info);
	hc.in_size = PT_IOC_HC_BLOCK_MAX + 1;
	hc.in_ptr = (uintptr_t)fz_mem.arena;
	refused("hc-in-size-4097", dev, PT_IOC_HYPERCALL, &hc, E2BIG);
	hc = hc_self_info(&info);
	hc.out_size = 0xffffffff;
	refused("hc-out-size-max", dev, PT_IOC_HYPERCALL, &hc, E2BIG);

	/*
	 * Rep lists: exactly one page of elements, never more. The GPFNs are
	 * of the fuzzer's own RAM: QUERY_PAGES reads every page it reports
	 * on (see ioctl-fuzz-reqs.c).
	 */
	for (i = 0; i < FZ_PAGE / 8; i++)
		list[i] = own_gpfn;
	hc = (struct pt_ioc_hypercall){ .abi_version = V,
					.code = PT_CALL_QUERY_PAGES,
					.rep_count = FZ_PAGE / 8,
					.in_ptr = (uintptr_t)list,
					.in_size = FZ_PAGE,
					.out_ptr = (uintptr_t)(fz_mem.arena +
							       FZ_PAGE),
					.out_size = FZ_PAGE };
	if (!own_gpfn) {
		check(0, "hc-query-pages-512",
		      "no frame for the fuzzer's "
		      "page in /proc/self/pagemap");
	} else {
		r = ioctl(dev, PT_IOC_HYPERCALL, &hc);
		check(r == 0 && pt_hc_status(hc.result) == PT_STATUS_SUCCESS &&
			      pt_hc_reps_done(hc.result) == FZ_PAGE / 8,
		      "hc-query-pages-512",
		      "ioctl %d (%s), status 0x%x, %u reps", r,
		      r ? strerrorname_np(errno) : "ok",
		      pt_hc_status(hc.result), pt_hc_reps_done(hc.result));
	}
	hc.rep_count = FZ_PAGE / 8 + 1;
	refused("hc-query-pages-513", dev, PT_IOC_HYPERCALL, &hc, E2BIG);
	rep_refused("hc-grant-map-257", dev, PT_CALL_GRANT_MAP, 257, E2BIG);
	rep_refused("hc-grant-copy-171", dev, PT_CALL_GRANT_COPY, 171, E2BIG);
	rep_refused("hc-grant-unmap-513", dev, PT_CALL_GRANT_UNMAP, 513, E2BIG);
	rep_refused("hc-rep-without-list", dev, PT_CALL_SELF_INFO, 1, EINVAL);

	/* Block pointers. */
	hc = (struct pt_ioc_hypercall){ .abi_version = V,
					.code = PT_CALL_LOG_READ,
					.in_size = 8 };
	refused("hc-in-null", dev, PT_IOC_HYPERCALL, &hc, EFAULT);
	hc.in_ptr = (uintptr_t)KERNEL_PTR;
	refused("hc-in-kernel", dev, PT_IOC_HYPERCALL, &hc, EFAULT);
	hc = hc_self_info(NULL);
	refused("hc-out-null", dev, PT_IOC_HYPERCALL, &hc, EFAULT);
	hc = hc_self_info(fz_mem.ro);
	hc.result = 0xdead;
	r = ioctl(dev, PT_IOC_HYPERCALL, &hc);
	check(r < 0 && errno == EFAULT && hc.result == PT_STATUS_SUCCESS,
	      "hc-out-readonly-result",
	      "ioctl %d (%s), result 0x%llx: the call was made, so its "
	      "result must come back with EFAULT",
	      r, r ? strerrorname_np(errno) : "ok",
	      (unsigned long long)hc.result);
	hc = hc_self_info(NULL);
	hc.out_size = 0;
	r = ioctl(dev, PT_IOC_HYPERCALL, &hc);
	check(r == 0, "hc-out-size-0", "ioctl %d (%s)", r,
	      r ? strerrorname_np(errno) : "ok");
}

static void check_dev_other(int dev)
{
	struct pt_ioc_event_mask m = { .abi_version = V };
	char buf[8];
	int fd;

	m.mask = 1ull << 40;
	refused("mask-unknown-bit", dev, PT_IOC_SET_EVENT_MASK, &m, EINVAL);
	m.mask = PT_ROOT_EVENT_DRIVER;
	refused("mask-driver-bits", dev, PT_IOC_SET_EVENT_MASK, &m, EINVAL);
	m.mask = 0;
	m.reserved = 1;
	refused("mask-reserved", dev, PT_IOC_SET_EVENT_MASK, &m, EINVAL);
	m.reserved = 0;
	m.abi_version = V + 1;
	refused("mask-version", dev, PT_IOC_SET_EVENT_MASK, &m, EPROTO);
	check(read(dev, buf, 7) < 0 && errno == EINVAL, "dev-read-7",
	      "a 7-byte read was not refused with EINVAL");
	check(write(dev, buf, 8) < 0 && errno == EINVAL, "dev-write",
	      "a write was not refused with EINVAL");
	/* _IO requests: the argument is never read. */
	fd = ioctl(dev, PT_IOC_EVTCHN_OPEN, KERNEL_PTR);
	check(fd >= 0, "open-ignores-arg",
	      "EVTCHN_OPEN with a kernel "
	      "argument: %s",
	      strerrorname_np(errno));
	if (fd >= 0)
		close(fd);
}

static void check_evtchn(int dev)
{
	struct pt_ioc_evtchn e = { .abi_version = V };
	struct pt_ioc_hypercall hc = hc_null();
	uint32_t ports[4];
	int fd = ioctl(dev, PT_IOC_EVTCHN_OPEN);

	if (fd < 0) {
		check(0, "evtchn-open", "%s", strerrorname_np(errno));
		return;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	e.port = 1;
	e.abi_version = V - 1;
	refused("evtchn-version", fd, PT_IOC_EVTCHN_NOTIFY, &e, EPROTO);
	e.abi_version = V;
	e.reserved = 1;
	refused("evtchn-reserved", fd, PT_IOC_EVTCHN_NOTIFY, &e, EINVAL);
	e.reserved = 0;
	refused("evtchn-null", fd, PT_IOC_EVTCHN_NOTIFY, NULL, EFAULT);
	refused("evtchn-kernel", fd, PT_IOC_EVTCHN_BIND_UNBOUND, KERNEL_PTR,
		EFAULT);
	refused("evtchn-port-not-ours", fd, PT_IOC_EVTCHN_NOTIFY, &e, ENOENT);
	e.port = 0xffffffff;
	refused("evtchn-port-max", fd, PT_IOC_EVTCHN_UNBIND, &e, ENOENT);
	refused("evtchn-size-20", fd,
		_IOC(_IOC_READ | _IOC_WRITE, PT_IOC_MAGIC, 0x20, 20), &e,
		EPROTO);
	refused("evtchn-dev-request", fd, PT_IOC_HYPERCALL, &hc, ENOTTY);
	refused("evtchn-unknown-number", fd, _IO(PT_IOC_MAGIC, 0x2f), NULL,
		ENOTTY);
	check(read(fd, ports, 3) < 0 && errno == EINVAL, "evtchn-read-3",
	      "a 3-byte read was not refused with EINVAL");
	check(read(fd, ports, 4) < 0 && errno == EAGAIN, "evtchn-read-empty",
	      "an empty non-blocking read did not answer EAGAIN");
	check(mmap(NULL, FZ_PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
		      errno == ENODEV,
	      "evtchn-mmap", "mmap of an event port file was not ENODEV");
	/* Bound, but the port cannot be reported: it goes with the file. */
	e = (struct pt_ioc_evtchn){ .abi_version = V };
	fz_ro_fill(0, &e, sizeof(e));
	refused("evtchn-bind-readonly-arg", fd, PT_IOC_EVTCHN_BIND_UNBOUND,
		fz_mem.ro, EFAULT);
	close(fd);
}

static void check_gnt(int dev)
{
	struct pt_ioc_gnt_map m = { .abi_version = V, .count = 1 };
	struct pt_ioc_gnt_unmap u = { .abi_version = V };
	struct pt_ioc_gnt_copy c = { .abi_version = V, .length = 16 };
	uint32_t refs[2] = { 1, 2 };
	char buf[16];
	int fd = ioctl(dev, PT_IOC_GNTDEV_OPEN);

	if (fd < 0) {
		check(0, "gnt-open", "%s", strerrorname_np(errno));
		return;
	}
	m.refs_ptr = (uintptr_t)refs;
	m.count = 0;
	refused("gnt-map-count-0", fd, PT_IOC_GNT_MAP_GRANTS, &m, EINVAL);
	m.count = PT_IOC_GNT_MAP_MAX + 1;
	refused("gnt-map-count-65", fd, PT_IOC_GNT_MAP_GRANTS, &m, E2BIG);
	m.count = 0xffffffff;
	refused("gnt-map-count-max", fd, PT_IOC_GNT_MAP_GRANTS, &m, E2BIG);
	m.count = 1;
	m.granter = 0x10000;
	refused("gnt-map-granter", fd, PT_IOC_GNT_MAP_GRANTS, &m, EINVAL);
	m.granter = 0;
	m.flags = 2;
	refused("gnt-map-flags", fd, PT_IOC_GNT_MAP_GRANTS, &m, EINVAL);
	m.flags = 0;
	m.refs_ptr = 0;
	refused("gnt-map-refs-null", fd, PT_IOC_GNT_MAP_GRANTS, &m, EFAULT);
	m.refs_ptr = (uintptr_t)KERNEL_PTR;
	refused("gnt-map-refs-kernel", fd, PT_IOC_GNT_MAP_GRANTS, &m, EFAULT);
	m.count = 2;
	m.refs_ptr = (uintptr_t)(fz_mem.guard + FZ_PAGE - 4);
	refused("gnt-map-refs-straddling", fd, PT_IOC_GNT_MAP_GRANTS, &m,
		EFAULT);
	u.offset = 1;
	refused("gnt-unmap-misaligned", fd, PT_IOC_GNT_UNMAP_GRANTS, &u,
		EINVAL);
	u.offset = 0;
	u.reserved = 1;
	refused("gnt-unmap-reserved", fd, PT_IOC_GNT_UNMAP_GRANTS, &u, EINVAL);
	u.reserved = 0;
	u.offset = 1ull << 40;
	refused("gnt-unmap-unknown", fd, PT_IOC_GNT_UNMAP_GRANTS, &u, ENOENT);
	c.buf_ptr = (uintptr_t)buf;
	c.length = 0;
	refused("gnt-copy-length-0", fd, PT_IOC_GNT_COPY, &c, EINVAL);
	c.length = FZ_PAGE + 1;
	refused("gnt-copy-length-4097", fd, PT_IOC_GNT_COPY, &c, E2BIG);
	c.length = 0xffffffff;
	refused("gnt-copy-length-max", fd, PT_IOC_GNT_COPY, &c, E2BIG);
	c.length = 2;
	c.offset = FZ_PAGE;
	refused("gnt-copy-offset-4096", fd, PT_IOC_GNT_COPY, &c, EINVAL);
	c.offset = 0xffffffff;
	refused("gnt-copy-offset-wraps", fd, PT_IOC_GNT_COPY, &c, EINVAL);
	c.offset = 4090;
	c.length = 16;
	refused("gnt-copy-across-page", fd, PT_IOC_GNT_COPY, &c, EINVAL);
	c.offset = 0;
	c.flags = PT_GRANT_COPY_TO_GRANT;
	c.buf_ptr = 0;
	refused("gnt-copy-buf-null", fd, PT_IOC_GNT_COPY, &c, EFAULT);
	check(mmap(NULL, FZ_PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
		      errno == EINVAL,
	      "gnt-mmap-nothing", "mmap of no mapping was not EINVAL");
	check(read(fd, buf, sizeof(buf)) < 0 && errno == EINVAL, "gnt-read",
	      "a read of a grant file was not EINVAL");
	close(fd);
}

static void check_msg(int dev)
{
	struct pt_ioc_msg_connect c = { .abi_version = V };
	static struct pt_ioc_msg_post p = { .abi_version = V };
	static struct pt_ioc_msg m[2];
	int fd = ioctl(dev, PT_IOC_MSG_OPEN);

	if (fd < 0) {
		check(0, "msg-open", "%s", strerrorname_np(errno));
		return;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	c.depth = PT_MSG_QUEUE_MAX + 1;
	refused("msg-depth-17", fd, PT_IOC_MSG_CONNECT, &c, EINVAL);
	c.depth = 0xffffffff;
	refused("msg-depth-max", fd, PT_IOC_MSG_CONNECT, &c, EINVAL);
	c.depth = 0;
	c.abi_version = 0;
	refused("msg-version", fd, PT_IOC_MSG_CONNECT, &c, EPROTO);
	refused("msg-connect-null", fd, PT_IOC_MSG_CONNECT, NULL, EFAULT);
	p.msg.reserved = 1;
	refused("msg-post-reserved", fd, PT_IOC_MSG_POST, &p, EINVAL);
	p.msg.reserved = 0;
	refused("msg-post-null", fd, PT_IOC_MSG_POST, NULL, EFAULT);
	/* Connection 0 does not exist: made, status cannot go back. */
	fz_ro_fill(0, &p, sizeof(p));
	refused("msg-post-readonly-arg", fd, PT_IOC_MSG_POST, fz_mem.ro,
		EFAULT);
	check(read(fd, m, sizeof(m[0]) - 1) < 0 && errno == EINVAL,
	      "msg-read-255", "a 255-byte read was not refused with EINVAL");
	check(read(fd, m, sizeof(m)) < 0 && errno == EAGAIN, "msg-read-empty",
	      "an empty non-blocking read did not answer EAGAIN");
	close(fd);
}

/* Files opened while privileged, kept by a process that no longer is. */
struct held {
	int dev, evtchn, gnt, msg;
};

static void refused_held(const char *who, const struct held *h)
{
	struct pt_ioc_hypercall hc = hc_null();
	struct pt_ioc_evtchn e = { .abi_version = V };
	uint32_t ref = 1;
	struct pt_ioc_gnt_map gm = { .abi_version = V,
				     .count = 1,
				     .refs_ptr = (uintptr_t)&ref };
	char buf[16];
	struct pt_ioc_gnt_copy gc = { .abi_version = V,
				      .length = sizeof(buf),
				      .buf_ptr = (uintptr_t)buf };
	struct pt_ioc_msg_connect mc = { .abi_version = V };
	static struct pt_ioc_msg_post mp = { .abi_version = V };
	char name[64];
	void *p;

#define HELD(what) (snprintf(name, sizeof(name), "%s-%s", who, what), name)
	refused(HELD("held-dev-hypercall"), h->dev, PT_IOC_HYPERCALL, &hc,
		EPERM);
	refused(HELD("held-dev-evtchn-open"), h->dev, PT_IOC_EVTCHN_OPEN, NULL,
		EPERM);
	refused(HELD("held-evtchn-bind"), h->evtchn, PT_IOC_EVTCHN_BIND_UNBOUND,
		&e, EPERM);
	refused(HELD("held-gnt-map"), h->gnt, PT_IOC_GNT_MAP_GRANTS, &gm,
		EPERM);
	refused(HELD("held-gnt-copy"), h->gnt, PT_IOC_GNT_COPY, &gc, EPERM);
	p = mmap(NULL, FZ_PAGE, PROT_READ, MAP_SHARED, h->gnt, 0);
	check(p == MAP_FAILED && errno == EPERM, HELD("held-gnt-mmap"),
	      "mmap answered %s",
	      p == MAP_FAILED ? strerrorname_np(errno) : "a mapping");
	refused(HELD("held-msg-connect"), h->msg, PT_IOC_MSG_CONNECT, &mc,
		EPERM);
	refused(HELD("held-msg-post"), h->msg, PT_IOC_MSG_POST, &mp, EPERM);
#undef HELD
}

/* Drops CAP_SYS_ADMIN from every set; the uid stays 0. */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[0].effective &= ~(1u << CAP_SYS_ADMIN);
	data[0].permitted &= ~(1u << CAP_SYS_ADMIN);
	data[0].inheritable &= ~(1u << CAP_SYS_ADMIN);
	return (int)syscall(SYS_capset, &hdr, data);
}

/* uid 0 without CAP_SYS_ADMIN: the device opens, nothing that acts works. */
static void child_no_sys_admin(const struct held *h)
{
	struct pt_ioc_hypercall hc = hc_null();
	struct pt_ioc_version v;
	int fd;

	if (drop_sys_admin()) {
		check(0, "nocap-drop", "capset: %s", strerror(errno));
		return;
	}
	fd = open(PT_ROOT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	check(fd >= 0, "nocap-open", "uid 0 could not open the device: %s",
	      strerror(errno));
	if (fd >= 0) {
		check(ioctl(fd, PT_IOC_GET_VERSION, &v) == 0,
		      "nocap-get-version", "GET_VERSION answered %s",
		      strerrorname_np(errno));
		refused("nocap-hypercall", fd, PT_IOC_HYPERCALL, &hc, EPERM);
		refused("nocap-evtchn-open", fd, PT_IOC_EVTCHN_OPEN, NULL,
			EPERM);
		refused("nocap-gntdev-open", fd, PT_IOC_GNTDEV_OPEN, NULL,
			EPERM);
		refused("nocap-msg-open", fd, PT_IOC_MSG_OPEN, NULL, EPERM);
		close(fd);
	}
	refused_held("nocap", h);
}

static void child_nobody(const struct held *h)
{
	int fd;

	if (setgid(65534) || setuid(65534)) {
		check(0, "nobody-setuid", "%s", strerror(errno));
		return;
	}
	fd = open(PT_ROOT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	check(fd < 0 && errno == EACCES, "nobody-open",
	      "uid 65534 opening the device: %s",
	      fd < 0 ? strerrorname_np(errno) : "opened");
	if (fd >= 0)
		close(fd);
	refused_held("nobody", h);
}

static void in_child(void (*fn)(const struct held *), const struct held *h,
		     const char *name)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		failures = 0;
		fn(h);
		fflush(stdout);
		_exit(failures > 100 ? 100 : failures);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		check(0, name, "the child did not finish");
		return;
	}
	failures += WEXITSTATUS(status);
}

static void check_privilege(int dev)
{
	struct held h = { .dev = dev };

	h.evtchn = ioctl(dev, PT_IOC_EVTCHN_OPEN);
	h.gnt = ioctl(dev, PT_IOC_GNTDEV_OPEN);
	h.msg = ioctl(dev, PT_IOC_MSG_OPEN);
	if (h.evtchn < 0 || h.gnt < 0 || h.msg < 0) {
		check(0, "privilege-files", "opening the messaging files: %s",
		      strerror(errno));
		return;
	}
	in_child(child_no_sys_admin, &h, "nocap");
	in_child(child_nobody, &h, "nobody");
	close(h.evtchn);
	close(h.gnt);
	close(h.msg);
}

/*
 * A hypercall whose block sits in a page that userfaultfd keeps missing:
 * the driver's copy waits for user space. Other root calls must not.
 */
struct faulting {
	int dev;
	struct pt_ioc_hypercall hc;
	int r, err;
};

static void *faulting_call(void *arg)
{
	struct faulting *f = arg;

	f->r = ioctl(f->dev, PT_IOC_HYPERCALL, &f->hc);
	f->err = errno;
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void check_fault_wait(int dev, const char *name, int in_block)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_copy copy = { 0 };
	struct faulting f = { .dev = dev };
	struct pt_ioc_hypercall hc = hc_null();
	struct pollfd pfd;
	pthread_t thread;
	uint8_t *page;
	int uffd, r, err;

	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		check(0, name, "userfaultfd is unavailable (%s): cannot check",
		      strerror(errno));
		if (uffd >= 0)
			close(uffd);
		return;
	}
	page = mmap(NULL, FZ_PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (uintptr_t)page;
	reg.range.len = FZ_PAGE;
	if (page == MAP_FAILED || ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		check(0, name, "registering a page: %s", strerror(errno));
		close(uffd);
		return;
	}
	if (in_block) {
		f.hc = (struct pt_ioc_hypercall){ .abi_version = V,
						  .code = PT_CALL_LOG_READ,
						  .in_ptr = (uintptr_t)page,
						  .in_size = 8 };
	} else {
		f.hc = hc_self_info(page);
	}
	pthread_create(&thread, NULL, faulting_call, &f);
	/* Wait until the driver's copy is stuck in the fault. */
	pfd = (struct pollfd){ .fd = uffd, .events = POLLIN };
	if (poll(&pfd, 1, 10000) != 1) {
		check(0, name, "the call never touched its block");
	} else {
		sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: EINTR */
		alarm(3);
		r = ioctl(dev, PT_IOC_HYPERCALL, &hc);
		err = errno;
		alarm(0);
		check(r == 0 && pt_hc_status(hc.result) == PT_STATUS_SUCCESS,
		      name,
		      "a NULL call while another call's %s block waits for a "
		      "page fault: %s after 3 s",
		      in_block ? "input" : "output",
		      r ? strerrorname_np(err) : "wrong status");
	}
	/* Resolve the fault with a zeroed page; the stuck call finishes. */
	copy.dst = (uintptr_t)page;
	copy.src = (uintptr_t)(fz_mem.arena + FZ_PAGE * (FZ_ARENA_PAGES - 1));
	memset((void *)(uintptr_t)copy.src, 0, FZ_PAGE);
	copy.len = FZ_PAGE;
	ioctl(uffd, UFFDIO_COPY, &copy);
	pthread_join(thread, NULL);
	check(f.r == 0,
	      in_block ? "fault-wait-in-call-finished"
		       : "fault-wait-out-call-finished",
	      "the waiting call answered %s", strerrorname_np(f.err));
	munmap(page, FZ_PAGE);
	close(uffd);
}

int fz_run_checks(void)
{
	int dev = open(PT_ROOT_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (dev < 0) {
		printf("ioctl-fuzz: cannot open %s: %s\n", PT_ROOT_DEVICE_PATH,
		       strerror(errno));
		return 1;
	}
	check_dev_forms(dev);
	check_dev_fields(dev);
	check_dev_other(dev);
	check_evtchn(dev);
	check_gnt(dev);
	check_msg(dev);
	check_privilege(dev);
	check_fault_wait(dev, "fault-wait-in-block", 1);
	check_fault_wait(dev, "fault-wait-out-block", 0);
	close(dev);
	printf("ioctl-fuzz: checks: %d failed\n", failures);
	return failures;
}
