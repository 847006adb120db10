// SPDX-License-Identifier: MIT
/*
 * disk-test's bench mode: sequential writes and reads of bs-sized
 * requests over the first `size` bytes of the disk, then random 4 KiB
 * reads there, qd in flight; wall time from the TSC. Each prints one
 * "disk-bench <test> ..." line with MiB/s or IOPS and the mean latency,
 * and one with the events, notifications and exits per request and the
 * TSC cycles per request (elapsed / requests: under QEMU's --icount,
 * emulated instructions of the whole machine per request).
 */
#include <partita-guest/guest.h>

#include "disk-test.h"
#include "dt-pattern.h"
#include "fmt.h"
#include "string.h"

#define RAND_BS 4096u

struct bslot {
	struct pt_vblk_req req;
	uint8_t *buf;
	uint8_t busy;
};

struct job {
	const char *name;
	int write;
	int random;
	uint32_t bs;
	uint64_t count;	 /* requests */
	uint64_t blocks; /* bs-sized blocks in the region */
	struct dt_rng rng;
	/* results */
	uint64_t done, failed, lat_cycles;
};

static struct bslot bslots[DT_QD_MAX];
static unsigned qd;
static struct job *current;

static void bench_done(struct pt_vblk_req *r)
{
	struct bslot *s = r->ctx;

	s->busy = 0;
	current->done++;
	current->lat_cycles += pt_rdtsc() - r->submitted_tsc;
	if (r->status)
		current->failed++;
}

#define POOL_SLACK (64u << 10)

static int pool_room_left(void)
{
	void *probe = pt_vblk_buf_alloc(&dt_disk, POOL_SLACK);

	if (!probe)
		return 0;
	pt_vblk_buf_free(&dt_disk, probe, POOL_SLACK);
	return 1;
}

/*
 * Buffers for every slot: in the device's pool when zerocopy=1 (no copy
 * on either side of the ring) as far as it holds them, else private.
 * Returns the slots ready (the queue depth used), 0 without memory.
 */
static unsigned take_buffers(uint32_t bs, int zero_copy)
{
	unsigned n = 0;

	for (; n < dt_opt.qd; n++) {
		uint8_t *b = zero_copy ? pt_vblk_buf_alloc(&dt_disk, bs) : NULL;

		/* Requests need pool room of their own (header, status,
		 * indirect table): a buffer that leaves none is given back. */
		if (b && !pool_room_left()) {
			pt_vblk_buf_free(&dt_disk, b, bs);
			b = NULL;
		}
		if (!b && zero_copy && n)
			break; /* the pool is full: fewer in flight */
		if (!b)
			b = pt_pages_alloc((bs + 4095u) / 4096u);
		if (!b)
			break;
		memset(b, 0x5A ^ (int)n, bs);
		bslots[n].buf = b;
	}
	return n;
}

static void give_buffers(uint32_t bs)
{
	for (unsigned i = 0; i < qd; i++)
		pt_vblk_buf_free(&dt_disk, bslots[i].buf, bs);
}

static uint64_t next_sector(struct job *j, uint64_t i)
{
	uint64_t block =
		j->random ? dt_rng_below(&j->rng, j->blocks) : i % j->blocks;

	return block * (j->bs / DT_SECTOR);
}

/* Runs j to the end; 0 or -1 (FAIL printed). */
static int run(struct job *j, uint64_t *ns)
{
	uint64_t submitted = 0, t0 = pt_rdtsc();

	current = j;
	while (j->done < j->count) {
		for (unsigned i = 0; i < qd && submitted < j->count; i++) {
			struct bslot *s = &bslots[i];
			uint64_t sector;
			int ret;

			if (s->busy)
				continue;
			sector = next_sector(j, submitted);
			if (j->write)
				pt_vblk_req_write(&s->req, sector, s->buf,
						  j->bs, bench_done, s);
			else
				pt_vblk_req_read(&s->req, sector, s->buf, j->bs,
						 bench_done, s);
			ret = pt_vblk_submit(&dt_disk, &s->req);
			if (ret == -PT_DEV_EAGAIN && submitted > j->done)
				break;
			if (ret) {
				pt_printf("disk-test FAIL %s not submitted: "
					  "%s\n",
					  j->name, pt_dev_strerror(ret));
				return -1;
			}
			s->busy = 1;
			submitted++;
		}
		if (j->done < j->count && dt_wait(j->name) < 0) {
			pt_printf("disk-test FAIL %s: %s (%s)\n", j->name,
				  pt_dev_strerror(pt_vblk_poll(&dt_disk)),
				  dt_disk.front.xb.why);
			return -1;
		}
	}
	*ns = dt_ns_since(t0);
	if (j->failed) {
		pt_printf("disk-test FAIL %s: %llu requests failed\n", j->name,
			  (unsigned long long)j->failed);
		return -1;
	}
	return 0;
}

/* Events, notifications and exits per request, in hundredths. */
struct per_req {
	uint64_t events, kicks, exits;
};

static void snapshot(struct per_req *p)
{
	struct pt_vblk_stats s;

	pt_vblk_get_stats(&dt_disk, &s);
	p->events = s.events;
	p->kicks = s.kicks;
	p->exits = pt_vpap()->stat_exits;
}

static int bench(struct job *j)
{
	struct per_req a, b;
	uint64_t ns = 0, bytes, lat_ns;
	char rate[24], ev[24], ki[24], ex[24], lat[24];

	uint64_t tsc0, cycles;
	char cy[24];

	snapshot(&a);
	tsc0 = pt_rdtsc();
	if (run(j, &ns))
		return -1;
	cycles = pt_rdtsc() - tsc0;
	snapshot(&b);
	bytes = j->count * j->bs;
	lat_ns = pt_cycles_to_ns(j->lat_cycles) / j->count;
	if (j->random)
		dt_centi(rate, ns ? j->count * 100000000000ull / ns : 0);
	else
		dt_centi(rate, dt_mib_s_centi(bytes, ns));
	/* Two lines: the hypervisor's log cuts lines at 159 characters. */
	pt_printf("disk-bench %s bs=%u qd=%u requests=%llu bytes=%llu ms=%llu "
		  "%s=%s lat_us=%s\n",
		  j->name, j->bs, qd, (unsigned long long)j->count,
		  (unsigned long long)bytes, (unsigned long long)(ns / 1000000),
		  j->random ? "iops" : "mib_s", rate,
		  dt_centi(lat, lat_ns / 10));
	pt_printf("disk-bench %s per-request events=%s kicks=%s exits=%s "
		  "cycles=%s\n",
		  j->name, dt_centi(ev, (b.events - a.events) * 100 / j->count),
		  dt_centi(ki, (b.kicks - a.kicks) * 100 / j->count),
		  dt_centi(ex, (b.exits - a.exits) * 100 / j->count),
		  dt_centi(cy, cycles / j->count * 100));
	return 0;
}

static int sequential(const char *name, int write, uint32_t bs, uint64_t region)
{
	struct job j = { .name = name, .write = write, .bs = bs };

	j.blocks = region / bs;
	j.count = j.blocks;
	return bench(&j);
}

int dt_bench_run(void)
{
	const struct pt_vblk_info *in = pt_vblk_info(&dt_disk);
	uint64_t region = dt_opt.region < in->capacity << 9 ? dt_opt.region
							    : in->capacity << 9;
	uint32_t bs =
		dt_opt.bs < in->max_io_bytes ? dt_opt.bs : in->max_io_bytes;
	struct job rnd = { .name = "rand-read", .random = 1, .bs = RAND_BS };
	int ret = 0;

	if (region < bs || region < RAND_BS) {
		pt_printf("disk-test FAIL the disk (%llu bytes) is smaller "
			  "than one request\n",
			  (unsigned long long)(in->capacity << 9));
		return -1;
	}
	qd = take_buffers(bs, dt_opt.zero_copy);
	if (!qd) {
		pt_printf("disk-test FAIL no memory for %u-byte buffers\n", bs);
		return -1;
	}
	pt_printf("disk-bench region=%llu bs=%u qd=%u zerocopy=%d\n",
		  (unsigned long long)region, bs, qd, dt_opt.zero_copy);
	if (!in->read_only) {
		ret = sequential("seq-write", 1, bs, region);
		if (!ret && in->flush)
			ret = pt_vblk_flush(&dt_disk);
	}
	if (!ret)
		ret = sequential("seq-read", 0, bs, region);
	give_buffers(bs);
	if (ret)
		return -1;
	/* Small buffers for the random reads: qd of them always fit. */
	qd = take_buffers(RAND_BS, dt_opt.zero_copy);
	rnd.blocks = region / RAND_BS;
	rnd.count = dt_opt.rand_ios ? dt_opt.rand_ios : 1;
	rnd.rng.state = dt_opt.seed;
	ret = bench(&rnd);
	give_buffers(RAND_BS);
	if (ret)
		return -1;
	pt_printf("disk-test PASS bench\n");
	return 0;
}
