// SPDX-License-Identifier: GPL-2.0-only
/*
 * partita-ioctl-fuzz: a seeded, bounded fuzzer of partita.ko's ioctls, run
 * as root in the root partition with no guest running.
 *
 *   partita-ioctl-fuzz SEED ITERATIONS [MAX_SECONDS]
 *   partita-ioctl-fuzz --checks
 *
 * For each kind of file the driver hands out (/dev/partita and the event
 * port, grant mapping and message files) it makes the driver's requests
 * with mutated valid payloads and with random bytes, the same numbers with
 * other sizes and directions, other files' requests and random numbers,
 * with good, misaligned, read-only, straddling, unmapped, kernel and
 * non-canonical pointers, plus reads, writes and mmaps. PT_IOC_HYPERCALL
 * only ever carries a call that reads or reports (ioctl-fuzz-reqs.c).
 * Every answer is checked against the errno root-driver.md documents; a
 * mismatch is a violation, printed with the seed and iteration. The
 * summary counts results per errno. --checks runs each malformed case
 * once instead (ioctl-checks.c). Exit status: 0 clean, 1 violations or
 * failed checks, 2 could not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <partita/hypercall.h>

#include "ioctl-fuzz.h"

#define V PT_ROOT_IOCTL_VERSION
#define MAX_REQS 32u
#define ERRNO_SLOTS 256u
#define VIOLATIONS_SHOWN 20u

/* Request numbers' types the VFS answers itself: never sent at random. */
static const unsigned int vfs_types[] = { 0x00, 'T', 'X', 'f', 0x94 };

enum fz_op { OP_READ, OP_WRITE, OP_MMAP, OP_POLL, OP_REOPEN, OP_KINDS };
static const char *const op_names[OP_KINDS] = { "read", "write", "mmap", "poll",
						"reopen" };

static struct {
	uint64_t by_errno[ERRNO_SLOTS]; /* [0]: success */
	uint64_t req_calls[MAX_REQS], req_ok[MAX_REQS];
	uint64_t random_cmds, resized_cmds, cross_cmds;
	uint64_t ops[OP_KINDS];
	uint64_t hc_status[0x100], hc_status_other;
	uint64_t violations;
} stats;

static struct fz_state st;
static uint64_t seed, iteration;

static void count_errno(int err)
{
	stats.by_errno[err < (int)ERRNO_SLOTS ? (unsigned int)err
					      : ERRNO_SLOTS - 1]++;
}

static const char *errno_name(int err)
{
	const char *name = err ? strerrorname_np(err) : "ok";

	return name ? name : "unknown";
}

static void violation(const char *what, int got, const char *wanted)
{
	stats.violations++;
	if (stats.violations > VIOLATIONS_SHOWN)
		return;
	printf("ioctl-fuzz: VIOLATION seed %llu iteration %llu: %s: got %s, "
	       "wanted %s\n",
	       (unsigned long long)seed, (unsigned long long)iteration, what,
	       errno_name(got), wanted);
}

static void expect_errno(const char *what, int got, int want)
{
	if (!fz_errno_documented(got))
		violation(what, got, "a documented errno");
	else if (want != FZ_ANY && got != want)
		violation(what, got, errno_name(want));
}

/* Opens one file of a kind; -1 on failure (said why). */
static int open_kind(enum fz_kind kind)
{
	static const unsigned long opens[FZ_KINDS] = { 0, PT_IOC_EVTCHN_OPEN,
						       PT_IOC_GNTDEV_OPEN,
						       PT_IOC_MSG_OPEN };
	int fd;

	if (kind == FZ_DEV)
		fd = open(PT_ROOT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	else
		fd = ioctl(st.fd[FZ_DEV], opens[kind]);
	if (fd < 0) {
		printf("ioctl-fuzz: cannot open a %s file: %s\n",
		       fz_kind_names[kind], strerror(errno));
		return -1;
	}
	/* Reads must never wait for events that may not come. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* Replaces a kind's file: the release path runs with whatever it holds. */
static void adopt(enum fz_kind kind, int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (st.fd[kind] >= 0)
		close(st.fd[kind]);
	st.fd[kind] = fd;
	if (kind == FZ_EVTCHN) {
		st.nports = st.nunbound = 0;
		st.ports_unknown = 0;
	} else if (kind == FZ_MSG) {
		st.nconns = 0;
	} else if (kind == FZ_GNT) {
		st.maps_held = 0;
	}
}

static int reopen(enum fz_kind kind)
{
	int fd;

	stats.ops[OP_REOPEN]++;
	if (kind == FZ_DEV) {
		/* The messaging files were opened through it: keep them. */
		fd = open_kind(FZ_DEV);
		if (fd < 0)
			return -1;
		adopt(FZ_DEV, fd);
		return 0;
	}
	fd = open_kind(kind);
	if (fd < 0)
		return -1;
	adopt(kind, fd);
	return 0;
}

static const uint32_t interesting32[] = {
	0,	 1,	     2,		 3,	     0x7f,	 0x80,
	0xff,	 0x100,	     0xfff,	 0x1000,     0x1001,	 0xffff,
	0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, V - 1,
	V + 1,	 0x10001,    64,	 65,	     240,	 241,
};

/* Structured mutations of a valid payload: fields set to edge values. */
static void mutate(uint8_t *p, unsigned int size)
{
	unsigned int n, off;
	uint32_t v32;
	uint64_t v64;

	if (!size)
		return;
	for (n = fz_below(5); n > 0; n--) {
		switch (fz_below(5)) {
		case 0:
			off = fz_below(size / 4) * 4;
			v32 = interesting32[fz_below(sizeof(interesting32) /
						     sizeof(interesting32[0]))];
			memcpy(p + off, &v32, 4);
			break;
		case 1:
			off = fz_below(size / 8) * 8;
			v64 = fz_chance(50) ? fz_rand() : ~0ull >> fz_below(64);
			memcpy(p + off, &v64, 8);
			break;
		case 2:
			p[fz_below(size)] ^= (uint8_t)(1u << fz_below(8));
			break;
		case 3:
			p[fz_below(size)] = (uint8_t)fz_rand();
			break;
		default:
			off = fz_below(size / 2) * 2;
			p[off] = 0;
			break;
		}
	}
}

static void random_bytes(uint8_t *p, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		p[i] = (uint8_t)fz_rand();
}

/* A payload for req: mostly a mutated valid one, sometimes noise. */
static void make_payload(const struct fz_req *req, uint8_t *p)
{
	uint64_t ptr;
	unsigned int i;

	memset(p, 0, FZ_PAGE);
	if (!req->size)
		return;
	if (req->valid && !fz_chance(15)) {
		req->valid(&st, p);
		if (!fz_chance(30))
			mutate(p, req->size);
		for (i = 0; i < req->nptrs; i++) {
			if (!fz_chance(25))
				continue;
			ptr = fz_pointer(fz_pointer_kind(), 64);
			memcpy(p + req->ptr_off[i], &ptr, 8);
		}
		if (fz_chance(4)) {
			uint32_t bad = interesting32[fz_below(
				sizeof(interesting32) /
				sizeof(interesting32[0]))];
			memcpy(p, &bad, 4);
		}
	} else {
		random_bytes(p, req->size);
		if (req->reads_arg && fz_chance(60)) {
			uint32_t v = V;
			memcpy(p, &v, 4);
		}
	}
	for (i = 0; i < req->nptrs; i++) {
		memcpy(&ptr, p + req->ptr_off[i], 8);
		ptr = fz_pointer_sane(ptr);
		memcpy(p + req->ptr_off[i], &ptr, 8);
	}
	if (req->harmless)
		req->harmless(&st, p);
}

/* Puts the payload where a pointer of kind ak points; returns it. */
static uint64_t place(enum fz_ptr ak, const uint8_t *p, unsigned int size)
{
	uint8_t *at;
	uint64_t addr;

	switch (ak) {
	case FZ_PTR_GOOD:
	case FZ_PTR_MISALIGNED:
		at = fz_mem.arena + FZ_ARG_PAGE * FZ_PAGE +
		     (ak == FZ_PTR_MISALIGNED ? 1 + fz_below(7) : 0);
		memcpy(at, p, size);
		return (uint64_t)(uintptr_t)at;
	case FZ_PTR_READONLY:
		if (fz_ro_fill(0, p, size))
			return 0;
		return (uint64_t)(uintptr_t)fz_mem.ro;
	case FZ_PTR_STRADDLE:
		addr = fz_pointer(ak, size);
		at = (uint8_t *)(uintptr_t)addr;
		/* Only what lies before the guard page can be written. */
		memcpy(at, p, (size_t)(fz_mem.guard + FZ_PAGE - at));
		return addr;
	default:
		return fz_pointer(ak, size);
	}
}

static int req_index(const struct fz_req *req)
{
	return (int)(req - fz_reqs);
}

static const struct fz_req *exact_req(unsigned long cmd)
{
	unsigned int i;

	for (i = 0; i < fz_nreqs; i++) {
		if (fz_reqs[i].cmd == cmd)
			return &fz_reqs[i];
	}
	return NULL;
}

static const struct fz_req *pick_req(enum fz_kind kind)
{
	const struct fz_req *own[MAX_REQS];
	unsigned int i, n = 0;

	/* Half of /dev/partita's requests are hypercalls: the most to check. */
	if (kind == FZ_DEV && fz_chance(50))
		return exact_req(PT_IOC_HYPERCALL);
	for (i = 0; i < fz_nreqs; i++) {
		if (fz_reqs[i].kind == kind)
			own[n++] = &fz_reqs[i];
	}
	return own[fz_below(n)];
}

/* Whether cmd has the number, but not the exact form, of a kind's request. */
static int kind_knows_nr(enum fz_kind kind, unsigned long cmd)
{
	unsigned int i;

	if (_IOC_TYPE(cmd) != PT_IOC_MAGIC)
		return 0;
	for (i = 0; i < fz_nreqs; i++) {
		/* GET_VERSION never changes: another form of it is ENOTTY. */
		if (fz_reqs[i].kind == kind &&
		    fz_reqs[i].cmd != PT_IOC_GET_VERSION &&
		    _IOC_NR(fz_reqs[i].cmd) == _IOC_NR(cmd))
			return 1;
	}
	return 0;
}

static int vfs_type(unsigned long cmd)
{
	unsigned int i;

	for (i = 0; i < sizeof(vfs_types) / sizeof(vfs_types[0]); i++) {
		if (_IOC_TYPE(cmd) == vfs_types[i])
			return 1;
	}
	return 0;
}

/* A request number that is none of the driver's: random or ours resized. */
static unsigned long other_cmd(const struct fz_req *req, int resized)
{
	unsigned long cmd;

	do {
		if (resized) {
			cmd = _IOC(fz_below(4), PT_IOC_MAGIC, _IOC_NR(req->cmd),
				   fz_chance(50) ? fz_below(512)
						 : fz_below(_IOC_SIZEMASK + 1));
		} else if (fz_chance(50)) {
			cmd = _IOC(fz_below(4), PT_IOC_MAGIC, fz_below(256),
				   fz_below(512));
		} else {
			cmd = (uint32_t)fz_rand();
		}
	} while (exact_req(cmd) || vfs_type(cmd));
	return cmd;
}

/* What the bind, unbind and connect answers teach about the files. */
static void learn(const struct fz_req *req, uint64_t addr, int err,
		  int readable, int writable)
{
	struct pt_ioc_evtchn e;
	struct pt_ioc_msg_connect c;
	unsigned int i;

	if (req->kind == FZ_EVTCHN && err == EFAULT && readable)
		st.ports_unknown =
			1; /* bound, but the port did not come back */
	if (req->cmd == PT_IOC_GNT_MAP_GRANTS && !err)
		st.maps_held = 1;
	if (!readable)
		return;
	if (req->kind == FZ_EVTCHN) {
		memcpy(&e, (void *)(uintptr_t)addr, sizeof(e));
		if (req->cmd == PT_IOC_EVTCHN_UNBIND && err != EPROTO &&
		    err != EINVAL) {
			for (i = 0; i < st.nports; i++) {
				if (st.ports[i] == e.port)
					st.ports[i] = st.ports[--st.nports];
			}
			for (i = 0; i < st.nunbound; i++) {
				if (st.unbound[i] == e.port)
					st.unbound[i] =
						st.unbound[--st.nunbound];
			}
		}
		if (err || !writable ||
		    _IOC_DIR(req->cmd) != (_IOC_READ | _IOC_WRITE))
			return;
		st.ports[st.nports++] = e.port;
		if (req->cmd == PT_IOC_EVTCHN_BIND_UNBOUND)
			st.unbound[st.nunbound++] = e.port;
		if (st.nports == FZ_PORTS_MAX)
			reopen(FZ_EVTCHN);
	} else if (req->cmd == PT_IOC_MSG_CONNECT && !err && writable) {
		memcpy(&c, (void *)(uintptr_t)addr, sizeof(c));
		st.conns[st.nconns++] = c.connection_id;
		if (st.nconns == FZ_CONNS_MAX)
			reopen(FZ_MSG);
	}
}

static void hc_result(uint64_t addr)
{
	struct pt_ioc_hypercall hc;
	uint16_t status;

	memcpy(&hc, (void *)(uintptr_t)addr, sizeof(hc));
	status = pt_hc_status(hc.result);
	if (status < 0x100)
		stats.hc_status[status]++;
	else
		stats.hc_status_other++;
}

/* The oracle's errno for an exact request of the file it was made on. */
static int expected(const struct fz_req *req, uint64_t addr, int readable,
		    int writable)
{
	struct fz_call c = { .st = &st,
			     .p = (const uint8_t *)(uintptr_t)addr,
			     .writable = writable };
	uint32_t version;

	if (req->reads_arg) {
		if (!readable)
			return EFAULT;
		memcpy(&version, c.p, 4);
		if (version != V)
			return EPROTO;
	} else if (req->size && !writable) {
		return EFAULT;
	}
	return req->expect(&c);
}

/* One ioctl on a kind's file. */
static void fuzz_ioctl(enum fz_kind kind)
{
	static uint8_t payload[FZ_PAGE];
	const struct fz_req *req = pick_req(kind);
	unsigned long cmd = req->cmd;
	unsigned int roll = fz_below(100), size;
	int readable, writable, err, want;
	enum fz_ptr ak;
	uint64_t addr;
	char what[96];
	long r;

	if (roll >= 72 && roll < 77) {
		req = &fz_reqs[fz_below(fz_nreqs)];
		cmd = req->cmd;
		if (req->kind != kind)
			stats.cross_cmds++;
	} else if (roll >= 77 && roll < 84) {
		cmd = other_cmd(req, 1);
		stats.resized_cmds++;
	} else if (roll >= 84) {
		cmd = other_cmd(req, 0);
		stats.random_cmds++;
	}
	make_payload(req, payload);
	size = req->size ? req->size : 64;
	ak = fz_pointer_kind();
	addr = place(ak, payload, size);
	readable = fz_range_ok(addr, size, 0);
	writable = fz_range_ok(addr, size, 1);
	r = ioctl(st.fd[kind], cmd, (unsigned long)addr);
	err = r < 0 ? errno : 0;
	count_errno(err);
	if (cmd == req->cmd && req->kind == kind) {
		stats.req_calls[req_index(req)]++;
		stats.req_ok[req_index(req)] += !err;
		want = expected(req, addr, readable, writable);
	} else {
		want = kind_knows_nr(kind, cmd) ? EPROTO : ENOTTY;
	}
	snprintf(what, sizeof(what), "0x%08lx (%s) on a %s file", cmd,
		 cmd == req->cmd ? req->name : "another number",
		 fz_kind_names[kind]);
	expect_errno(what, err, want);
	if (cmd != req->cmd || req->kind != kind)
		return;
	if (!req->size) {
		/* A new messaging file: keep it as that kind's, or close it. */
		if (r >= 0) {
			enum fz_kind k = cmd == PT_IOC_EVTCHN_OPEN   ? FZ_EVTCHN
					 : cmd == PT_IOC_GNTDEV_OPEN ? FZ_GNT
								     : FZ_MSG;
			if (fz_chance(30))
				adopt(k, (int)r);
			else
				close((int)r);
		}
		return;
	}
	if (req->cmd == PT_IOC_HYPERCALL && !err)
		hc_result(addr);
	learn(req, addr, err, readable, writable);
}

static const size_t read_lens[] = {
	0, 1, 3, 4, 7, 8, 255, 256, 257, 512, 4096
};

static void fuzz_read(enum fz_kind kind)
{
	static const size_t record[FZ_KINDS] = { 8, 4, 0, 256 };
	size_t len = fz_chance(80) ? read_lens[fz_below(sizeof(read_lens) /
							sizeof(read_lens[0]))]
				   : fz_below(8192);
	uint64_t ptr;
	char what[64];
	ssize_t r;
	int err;

	stats.ops[OP_READ]++;
	/* Within one arena block, misaligned or not: never past the arena. */
	if (len > FZ_PAGE - 8)
		len = FZ_PAGE - 8;
	ptr = fz_pointer(fz_pointer_kind(), len);
	r = read(st.fd[kind], (void *)(uintptr_t)ptr, len);
	err = r < 0 ? errno : 0;
	count_errno(err);
	snprintf(what, sizeof(what), "read of %zu bytes from a %s file", len,
		 fz_kind_names[kind]);
	if (!record[kind]) {
		expect_errno(what, err, EINVAL);
	} else if (r >= 0) {
		if ((size_t)r > len || r % (ssize_t)record[kind] || !r)
			violation(what, 0, "whole records, at least one");
	} else if (len < record[kind] && fz_user_address(ptr)) {
		/* Past the VFS's access_ok(), the driver looks at len first. */
		expect_errno(what, err, EINVAL);
	} else if (err != EAGAIN && err != EFAULT && err != EINVAL) {
		violation(what, err, "EAGAIN, EFAULT or EINVAL");
	}
}

static void fuzz_write(enum fz_kind kind)
{
	char what[64];
	ssize_t r;
	int err;

	stats.ops[OP_WRITE]++;
	r = write(st.fd[kind], fz_mem.arena, fz_below(300));
	err = r < 0 ? errno : 0;
	count_errno(err);
	snprintf(what, sizeof(what), "write to a %s file", fz_kind_names[kind]);
	expect_errno(what, err, EINVAL);
}

static void fuzz_mmap(enum fz_kind kind)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_WRITE, PROT_NONE };
	int plain = fz_chance(80);
	size_t len = plain ? (1 + fz_below(65)) * FZ_PAGE
			   : (size_t)fz_rand() >> fz_below(64);
	off_t off = (off_t)fz_below(0x5000) * FZ_PAGE;
	char what[64];
	void *p;
	int err;

	stats.ops[OP_MMAP]++;
	p = mmap(NULL, len, prots[fz_below(4)],
		 fz_chance(70) ? MAP_SHARED : MAP_PRIVATE, st.fd[kind], off);
	err = p == MAP_FAILED ? errno : 0;
	count_errno(err);
	snprintf(what, sizeof(what), "mmap of a %s file", fz_kind_names[kind]);
	if (!err) {
		/* Only a grant file with a mapping could: the fuzzer has none. */
		if (!(kind == FZ_GNT && st.maps_held))
			violation(what, 0, "a refusal");
		munmap(p, len);
	} else if (kind != FZ_GNT && plain) {
		expect_errno(what, err, ENODEV);
	} else if (err != EINVAL && err != ENOMEM && err != EOVERFLOW &&
		   (kind == FZ_GNT || err != ENODEV)) {
		/* Odd lengths may fail in mmap() before the file is asked. */
		violation(what, err, "EINVAL, ENOMEM or EOVERFLOW");
	}
}

static void fuzz_poll(void)
{
	struct pollfd pfd[FZ_KINDS];
	unsigned int k;

	stats.ops[OP_POLL]++;
	for (k = 0; k < FZ_KINDS; k++)
		pfd[k] = (struct pollfd){ .fd = st.fd[k], .events = POLLIN };
	if (poll(pfd, FZ_KINDS, 0) < 0)
		violation("poll of every file", errno, "success");
}

static void fuzz_once(void)
{
	enum fz_kind kind;
	unsigned int roll = fz_below(100);

	kind = roll < 40 ? FZ_DEV : (enum fz_kind)(1 + fz_below(3));
	if (fz_below(3000) == 0) {
		reopen(kind);
		return;
	}
	switch (fz_below(20)) {
	case 0:
		fuzz_read(kind);
		break;
	case 1:
		if (fz_chance(30))
			fuzz_write(kind);
		else
			fuzz_poll();
		break;
	case 2:
		fuzz_mmap(kind);
		break;
	default:
		fuzz_ioctl(kind);
		break;
	}
}

/* The fuzzer may bind ports and copy to grants: no guest may be there. */
static int no_guests(void)
{
	static struct pt_hv_info info;
	struct pt_ioc_hypercall hc = { .abi_version = V,
				       .code = PT_CALL_HV_INFO,
				       .out_ptr = (uintptr_t)&info,
				       .out_size = sizeof(info) };

	if (ioctl(st.fd[FZ_DEV], PT_IOC_HYPERCALL, &hc) ||
	    pt_hc_status(hc.result)) {
		printf("ioctl-fuzz: HV_INFO failed (%s, status 0x%x)\n",
		       strerror(errno), pt_hc_status(hc.result));
		return 0;
	}
	if (info.partition_count) {
		printf("ioctl-fuzz: %u guest partition(s) running: the fuzzer "
		       "binds root ports and copies to grants, which could "
		       "reach them; run it with no guest\n",
		       info.partition_count);
		return 0;
	}
	return 1;
}

/* After the run: the driver answers and the hypervisor still calls. */
static int still_works(void)
{
	struct pt_ioc_hypercall hc = { .abi_version = V,
				       .code = PT_CALL_NULL,
				       .flags = PT_IOC_HC_FAST };
	struct pt_ioc_version v;
	int fd = open(PT_ROOT_DEVICE_PATH, O_RDWR | O_CLOEXEC), ok;

	ok = fd >= 0 && !ioctl(fd, PT_IOC_GET_VERSION, &v) &&
	     v.abi_version == V && !ioctl(fd, PT_IOC_HYPERCALL, &hc) &&
	     pt_hc_status(hc.result) == PT_STATUS_SUCCESS;
	if (!ok)
		printf("ioctl-fuzz: the driver no longer answers a NULL call "
		       "(%s)\n",
		       strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

static void print_summary(double secs)
{
	char line[2048];
	size_t n;
	unsigned int i, best, k;
	uint64_t done[ERRNO_SLOTS] = { 0 };

	printf("ioctl-fuzz: seed %llu: %llu iterations in %.1f s (%.0f/s), "
	       "%llu violations\n",
	       (unsigned long long)seed, (unsigned long long)iteration, secs,
	       secs > 0 ? (double)iteration / secs : 0.0,
	       (unsigned long long)stats.violations);
	/* Errno counts, most frequent first. */
	n = (size_t)snprintf(line, sizeof(line), "ioctl-fuzz: errno:");
	for (;;) {
		best = ERRNO_SLOTS;
		for (i = 0; i < ERRNO_SLOTS; i++) {
			if (stats.by_errno[i] && !done[i] &&
			    (best == ERRNO_SLOTS ||
			     stats.by_errno[i] > stats.by_errno[best]))
				best = i;
		}
		if (best == ERRNO_SLOTS || n >= sizeof(line))
			break;
		done[best] = 1;
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%llu",
				      errno_name((int)best),
				      (unsigned long long)stats.by_errno[best]);
	}
	puts(line);
	n = (size_t)snprintf(line, sizeof(line), "ioctl-fuzz: requests:");
	for (i = 0; i < fz_nreqs && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
				      " %s=%llu/%llu", fz_reqs[i].name,
				      (unsigned long long)stats.req_ok[i],
				      (unsigned long long)stats.req_calls[i]);
	puts(line);
	printf("ioctl-fuzz: other numbers: %llu random, %llu resized, %llu on "
	       "the wrong file\n",
	       (unsigned long long)stats.random_cmds,
	       (unsigned long long)stats.resized_cmds,
	       (unsigned long long)stats.cross_cmds);
	n = (size_t)snprintf(line, sizeof(line), "ioctl-fuzz: ops:");
	for (k = 0; k < OP_KINDS && n < sizeof(line); k++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%llu",
				      op_names[k],
				      (unsigned long long)stats.ops[k]);
	puts(line);
	n = (size_t)snprintf(line, sizeof(line),
			     "ioctl-fuzz: hypercall statuses:");
	for (i = 0; i < 0x100 && n < sizeof(line); i++) {
		if (stats.hc_status[i])
			n += (size_t)snprintf(
				line + n, sizeof(line) - n, " 0x%04x=%llu", i,
				(unsigned long long)stats.hc_status[i]);
	}
	if (stats.hc_status_other && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, " other=%llu",
			 (unsigned long long)stats.hc_status_other);
	puts(line);
}

/*
 * A request that never returns is a finding too: the watchdog names the
 * iteration it is stuck in (with the seed, that reproduces it) and ends
 * the run.
 */
#define WATCHDOG_S 20
static volatile uint64_t progress;

static void *watchdog(void *arg)
{
	uint64_t seen = ~0ull;

	(void)arg;
	for (;;) {
		sleep(WATCHDOG_S);
		if (progress == seen) {
			printf("ioctl-fuzz: VIOLATION seed %llu iteration "
			       "%llu: no answer for %d s\n",
			       (unsigned long long)seed,
			       (unsigned long long)iteration, WATCHDOG_S);
			fflush(stdout);
			_exit(1);
		}
		seen = progress;
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fuzz(uint64_t iterations, double max_secs)
{
	pthread_t dog;
	double start;
	unsigned int k;
	int ok;

	for (k = 0; k < FZ_KINDS; k++)
		st.fd[k] = -1;
	st.fd[FZ_DEV] = open_kind(FZ_DEV);
	if (st.fd[FZ_DEV] < 0 || !no_guests())
		return 2;
	for (k = 1; k < FZ_KINDS; k++) {
		st.fd[k] = open_kind((enum fz_kind)k);
		if (st.fd[k] < 0)
			return 2;
	}
	printf("ioctl-fuzz: seed %llu, %llu iterations\n",
	       (unsigned long long)seed, (unsigned long long)iterations);
	fflush(stdout);
	fz_seed(seed);
	pthread_create(&dog, NULL, watchdog, NULL);
	start = now_s();
	for (iteration = 0; iteration < iterations; iteration++) {
		fuzz_once();
		progress = iteration;
		if (iteration && !(iteration % 50000))
			printf("ioctl-fuzz: %llu iterations, %llu violations\n",
			       (unsigned long long)iteration,
			       (unsigned long long)stats.violations);
		if (max_secs > 0 && (iteration & 255) == 0 &&
		    now_s() - start > max_secs) {
			printf("ioctl-fuzz: stopped at the time limit of %.0f "
			       "s\n",
			       max_secs);
			break;
		}
	}
	for (k = 0; k < FZ_KINDS; k++)
		close(st.fd[k]);
	print_summary(now_s() - start);
	ok = still_works();
	return stats.violations || !ok ? 1 : 0;
}

int main(int argc, char **argv)
{
	char *end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fz_mem_init())
		return 2;
	if (argc == 2 && !strcmp(argv[1], "--checks"))
		return fz_run_checks() ? 1 : 0;
	if (argc < 3 || argc > 4) {
		fprintf(stderr,
			"usage: %s SEED ITERATIONS [MAX_SECONDS]\n"
			"       %s --checks\n",
			argv[0], argv[0]);
		return 2;
	}
	seed = strtoull(argv[1], &end, 0);
	if (*end) {
		fprintf(stderr, "ioctl-fuzz: bad seed '%s'\n", argv[1]);
		return 2;
	}
	return fuzz(strtoull(argv[2], NULL, 0),
		    argc == 4 ? strtod(argv[3], NULL) : 0);
}
