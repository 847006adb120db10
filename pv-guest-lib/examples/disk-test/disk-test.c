// SPDX-License-Identifier: MIT
/*
 * Example guest for the virtio block device: writes verifiable patterns
 * over its disk and reads them back (mode=verify), hashes the disk
 * (mode=hash), measures it (mode=bench), follows disks attached and
 * detached at run time (mode=hotplug) or streams writes and flushes
 * until it is destroyed (mode=stream, dt-stream.c). Every line it prints starts with
 * "disk-test" or "disk-bench"; a run ends with "disk-test PASS ..." or
 * "disk-test FAIL <why>". Command line (sizes take K, M, G):
 *   mode=verify|hash|bench|hotplug|stream   (verify)
 *   disk=N         the device block/N (0)
 *   total=SIZE     verify: bytes to write (256M)
 *   seed=N         verify: the pattern's seed (1)
 *   maxio=SIZE     verify: the largest write, a sector multiple (1M)
 *   qd=N           requests in flight (8, at most 64)
 *   flush_every=SIZE  verify: FLUSH after each SIZE written (0: at the end);
 *                  stream: after each SIZE (0: every 16 writes)
 *   size=SIZE      bench: the part of the disk used (64M)
 *   bs=SIZE        bench: sequential request size (1M); stream: the
 *                  write size (1M: use 64K for many blocks)
 *   window=N       stream: writes allowed past the last printed flush (256)
 *   writes=N       stream: stop (flush, PASS) after N writes (0: never)
 *   rand=N         bench: random 4 KiB reads (4096)
 *   zerocopy=0|1   bench: buffers in the device's pool (1)
 *   wait_ms=N      give up connecting after N ms (0: wait for ever)
 */
#include <partita-guest/guest.h>

#include "disk-test.h"
#include "dt-pattern.h"
#include "fmt.h"
#include "string.h"

#define SEC 1000000000ull
#define STALL_NS (5 * SEC)

struct dt_options dt_opt;
struct pt_vblk dt_disk;
static volatile uint32_t shutdown_requested;

static void on_shutdown_request(unsigned event, unsigned vcpu, void *arg)
{
	pt_atomic_store32(&shutdown_requested, 1);
	pt_vdev_wake(&dt_disk.front.dev);
}

int dt_stopping(void)
{
	return (int)pt_atomic_load32(&shutdown_requested);
}

uint64_t dt_ns_since(uint64_t tsc0)
{
	return pt_cycles_to_ns(pt_rdtsc() - tsc0);
}

const char *dt_centi(char buf[24], uint64_t hundredths)
{
	fmt_snprintf(buf, 24, "%llu.%02llu",
		     (unsigned long long)(hundredths / 100),
		     (unsigned long long)(hundredths % 100));
	return buf;
}

uint64_t dt_mib_s_centi(uint64_t bytes, uint64_t ns)
{
	/* bytes * 100 * 1e6 / (us * 2^20) in 64 bits (no 128-bit division
	 * in a guest without libgcc): KiB first for large amounts. */
	uint64_t us = ns / 1000u;

	if (!us)
		return 0;
	if (bytes < (1ull << 36))
		return bytes * 100000000ull / us >> 20;
	return (bytes >> 10) * 100000000ull / us >> 10;
}

int dt_wait(const char *what)
{
	uint64_t since = pt_time_ns(), next = since + STALL_NS;

	for (;;) {
		int ret = pt_vblk_wait(&dt_disk, next);

		if (ret)
			return ret;
		if (pt_time_ns() < next)
			continue; /* woken for something else */
		/* A deadline fails nothing: say so, and keep waiting. */
		pt_printf("disk-test waiting: %s, %u requests in flight for "
			  "%llu s\n",
			  what, pt_vblk_in_flight(&dt_disk),
			  (unsigned long long)((pt_time_ns() - since) / SEC));
		next = pt_time_ns() + STALL_NS;
	}
}

void dt_print_info(const char *prefix, unsigned n, const struct pt_vblk *b)
{
	const struct pt_vblk_info *in = pt_vblk_info(b);

	/* Two lines: the hypervisor's log cuts lines at 159 characters. */
	pt_printf("%s block/%u capacity=%llu sectors (%llu MiB) blk-size=%u "
		  "ro=%u serial=%s\n",
		  prefix, n, (unsigned long long)in->capacity,
		  (unsigned long long)(in->capacity >> 11), in->blk_size,
		  in->read_only, in->serial[0] ? in->serial : "-");
	pt_printf("%s block/%u seg-max=%u size-max=%u max-io=%u flush=%u "
		  "discard=%u write-zeroes=%u pool=%u pages\n",
		  prefix, n, in->seg_max, in->size_max, in->max_io_bytes,
		  in->flush, in->discard, in->write_zeroes,
		  b->front.dev.pool_pages);
}

void dt_print_stats(const char *prefix, const struct pt_vblk *b)
{
	struct pt_vblk_stats s;

	pt_vblk_get_stats(b, &s);
	pt_printf("%s stats requests=%llu errors=%llu bad-status=%llu "
		  "busy=%llu indirect=%llu zero-copy=%llu connects=%u\n",
		  prefix, (unsigned long long)s.completed,
		  (unsigned long long)s.errors,
		  (unsigned long long)s.bad_status, (unsigned long long)s.busy,
		  (unsigned long long)s.indirect,
		  (unsigned long long)s.zero_copy, s.connects);
	pt_printf("%s stats events=%llu spurious=%llu throttled=%llu "
		  "kicks=%llu suppressed=%llu waits=%llu\n",
		  prefix, (unsigned long long)s.events,
		  (unsigned long long)s.spurious,
		  (unsigned long long)s.throttled, (unsigned long long)s.kicks,
		  (unsigned long long)s.kicks_suppressed,
		  (unsigned long long)s.waits);
}

/* A size option, or fallback; a malformed one is reported and refused. */
static int size_option(const char *key, uint64_t fallback, uint64_t *out)
{
	char buf[32];

	*out = fallback;
	if (!pt_cmdline_str(key, buf, sizeof(buf)))
		return 0;
	if (dt_parse_size(buf, out)) {
		pt_printf("disk-test FAIL option %s=%s is not a size\n", key,
			  buf);
		return -1;
	}
	return 0;
}

static int read_options(char *mode, size_t cap)
{
	uint64_t maxio, bs;
	int bad = 0;

	if (!pt_cmdline_str("mode", mode, cap))
		strlcpy(mode, "verify", cap);
	dt_opt.disk = (unsigned)pt_cmdline_u64("disk", 0);
	dt_opt.seed = (uint32_t)pt_cmdline_u64("seed", 1);
	dt_opt.qd = (unsigned)pt_cmdline_u64("qd", 8);
	dt_opt.rand_ios = pt_cmdline_u64("rand", 4096);
	dt_opt.zero_copy = (int)pt_cmdline_u64("zerocopy", 1);
	dt_opt.wait_ns = pt_cmdline_u64("wait_ms", 0) * 1000000ull;
	dt_opt.window = (uint32_t)pt_cmdline_u64("window", 256);
	dt_opt.writes = (uint32_t)pt_cmdline_u64("writes", 0);
	bad |= size_option("total", 256ull << 20, &dt_opt.total);
	bad |= size_option("maxio", 1u << 20, &maxio);
	bad |= size_option("flush_every", 0, &dt_opt.flush_every);
	bad |= size_option("size", 64ull << 20, &dt_opt.region);
	bad |= size_option("bs", 1u << 20, &bs);
	if (bad)
		return -1;
	if (!dt_opt.qd || dt_opt.qd > DT_QD_MAX || !maxio ||
	    maxio % DT_SECTOR || maxio > (64u << 20) || !bs || bs % DT_SECTOR ||
	    bs > (64u << 20)) {
		pt_printf("disk-test FAIL options: qd 1..%u, maxio and bs "
			  "sector multiples up to 64M\n",
			  DT_QD_MAX);
		return -1;
	}
	dt_opt.maxio = (uint32_t)maxio;
	dt_opt.bs = (uint32_t)bs;
	return 0;
}

static int open_disk(void)
{
	uint64_t deadline = dt_opt.wait_ns ? pt_time_ns() + dt_opt.wait_ns : 0;
	int ret;

	pt_printf("disk-test connecting block/%u\n", dt_opt.disk);
	ret = pt_vblk_open(&dt_disk, dt_opt.disk, deadline);
	if (ret) {
		pt_printf("disk-test FAIL block/%u did not connect: %s (%s)\n",
			  dt_opt.disk, pt_dev_strerror(ret),
			  dt_disk.front.xb.why);
		return ret;
	}
	dt_print_info("disk-test", dt_opt.disk, &dt_disk);
	return 0;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	char mode[16];
	int ret;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	pt_event_register(PT_EVENT_SHUTDOWN_REQUEST, on_shutdown_request, NULL);
	pt_irq_enable();
	pt_printf("disk-test %s: starting, command line '%s'\n", si->name,
		  si->cmdline);
	if (read_options(mode, sizeof(mode)))
		return 1;
	if (!strcmp(mode, "hotplug"))
		return dt_hotplug_run();
	if (strcmp(mode, "verify") && strcmp(mode, "hash") &&
	    strcmp(mode, "bench") && strcmp(mode, "stream")) {
		pt_printf("disk-test FAIL unknown mode '%s'\n", mode);
		return 1;
	}
	if (open_disk())
		return 1;
	if (!strcmp(mode, "verify"))
		ret = dt_verify_run();
	else if (!strcmp(mode, "hash"))
		ret = dt_hash_run();
	else if (!strcmp(mode, "stream"))
		ret = dt_stream_run();
	else
		ret = dt_bench_run();
	dt_print_stats("disk-test", &dt_disk);
	pt_vblk_close(&dt_disk, pt_time_ns() + 10 * SEC);
	return ret ? 1 : 0;
}
