// SPDX-License-Identifier: MIT
/*
 * disk-test's verify and hash modes: random-size, random-offset writes
 * of self-describing sectors until `total` bytes, a FLUSH, then one
 * sequential pass that checks every written sector against the
 * generation map and hashes the whole disk with SHA-256.
 */
#include <partita-guest/guest.h>

#include "disk-test.h"
#include "dt-pattern.h"
#include "sha256.h"
#include "fmt.h"
#include "string.h"

#define MISMATCHES_SHOWN 5u

struct slot {
	struct pt_vblk_req req;
	uint8_t *buf;
	uint64_t sector;
	uint32_t sectors;
	uint8_t busy;
};

static struct slot slots[DT_QD_MAX];
static uint32_t *gen_map; /* per sector: the write that last put it there */
static uint32_t chunk;	  /* largest request, bytes */
static uint32_t unit;	  /* sectors per logical block: I/O granule */
static unsigned failed;	  /* requests that completed with an error */
static char failed_why[96];

static uint64_t capacity(void)
{
	return pt_vblk_info(&dt_disk)->capacity;
}

/* Private buffers for every slot, and the generation map if asked. */
static int take_memory(int with_map)
{
	uint64_t map_pages = (capacity() * 4u + 4095u) / 4096u;
	uint64_t buf_pages = (uint64_t)dt_opt.qd * ((chunk + 4095u) / 4096u);
	uint64_t need = buf_pages + (with_map ? map_pages : 0);

	if (need > pt_pages_left()) {
		pt_printf("disk-test FAIL needs %llu MiB of guest memory for "
			  "buffers%s, has %llu MiB: give it more memory or a "
			  "smaller qd or maxio\n",
			  (unsigned long long)(need >> 8),
			  with_map ? " and the generation map" : "",
			  (unsigned long long)(pt_pages_left() >> 8));
		return -1;
	}
	for (unsigned i = 0; i < dt_opt.qd; i++)
		slots[i].buf = pt_pages_alloc((chunk + 4095u) / 4096u);
	if (with_map)
		gen_map = pt_pages_alloc(map_pages);
	return 0;
}

static void note_failure(const struct pt_vblk_req *r, const char *what)
{
	if (!failed++)
		fmt_snprintf(failed_why, sizeof(failed_why),
			     "%s at sector %llu: %s", what,
			     (unsigned long long)r->sector,
			     pt_dev_strerror(r->status));
}

static void write_done(struct pt_vblk_req *r)
{
	struct slot *s = r->ctx;

	s->busy = 0;
	if (r->status)
		note_failure(r, "write");
}

static int overlaps(uint64_t sector, uint32_t sectors)
{
	for (unsigned i = 0; i < dt_opt.qd; i++) {
		const struct slot *s = &slots[i];

		if (s->busy && sector < s->sector + s->sectors &&
		    s->sector < sector + sectors)
			return 1;
	}
	return 0;
}

static struct slot *free_slot(void)
{
	for (unsigned i = 0; i < dt_opt.qd; i++)
		if (!slots[i].busy)
			return &slots[i];
	return NULL;
}

/*
 * A random range no write in flight touches (writes in flight never
 * overlap, so the map says what the disk holds whatever order they
 * complete in). 0, or -1 when 32 draws all overlapped.
 */
static int pick_range(struct dt_rng *rng, uint64_t *sector, uint32_t *sectors)
{
	uint64_t blocks = capacity() / unit, most = chunk / DT_SECTOR / unit;

	if (most > blocks)
		most = blocks;
	*sectors = (uint32_t)((1u + dt_rng_below(rng, most)) * unit);
	for (int tries = 0; tries < 32; tries++) {
		*sector =
			dt_rng_below(rng, blocks - *sectors / unit + 1u) * unit;
		if (!overlaps(*sector, *sectors))
			return 0;
	}
	return -1;
}

static int submit_write(struct slot *s, uint32_t gen)
{
	int ret;

	for (uint32_t i = 0; i < s->sectors; i++) {
		gen_map[s->sector + i] = gen;
		dt_fill_sector(s->buf + (size_t)i * DT_SECTOR, dt_opt.seed,
			       s->sector + i, gen);
	}
	pt_vblk_req_write(&s->req, s->sector, s->buf, s->sectors * DT_SECTOR,
			  write_done, s);
	s->busy = 1;
	while ((ret = pt_vblk_submit(&dt_disk, &s->req)) == -PT_DEV_EAGAIN) {
		ret = dt_wait("room to write");
		if (ret < 0)
			break;
	}
	if (ret) {
		s->busy = 0;
		pt_printf("disk-test FAIL write at sector %llu not submitted: "
			  "%s\n",
			  (unsigned long long)s->sector, pt_dev_strerror(ret));
	}
	return ret;
}

static int drain(const char *what)
{
	while (pt_vblk_in_flight(&dt_disk)) {
		int ret = dt_wait(what);

		if (ret < 0) {
			pt_printf("disk-test FAIL %s: %s (%s)\n", what,
				  pt_dev_strerror(ret), dt_disk.front.xb.why);
			return ret;
		}
	}
	return 0;
}

static void progress(const char *what, uint64_t done, uint64_t total,
		     unsigned *tenth)
{
	unsigned now = total ? (unsigned)(done * 10u / total) : 10u;

	if (now <= *tenth)
		return;
	*tenth = now;
	pt_printf("disk-test %s %llu MiB of %llu MiB (%u%%)\n", what,
		  (unsigned long long)(done >> 20),
		  (unsigned long long)(total >> 20), now * 10u);
}

static int flush_now(uint64_t written)
{
	int ret = drain("writes before a flush");

	if (!ret)
		ret = pt_vblk_flush(&dt_disk);
	if (ret) {
		pt_printf("disk-test FAIL flush: %s\n", pt_dev_strerror(ret));
		return ret;
	}
	pt_printf("disk-test flushed %llu bytes written\n",
		  (unsigned long long)written);
	return 0;
}

/* The write phase; 0 or -1 (a FAIL line printed). */
static int write_phase(uint64_t *writes, uint64_t *bytes, uint64_t *ns)
{
	struct dt_rng rng = { dt_opt.seed };
	uint64_t written = 0, since_flush = 0, t0 = pt_rdtsc();
	unsigned tenth = 0;
	uint32_t gen = 0;

	while (written < dt_opt.total && !failed && !dt_stopping()) {
		struct slot *s = free_slot();

		if (!s || pick_range(&rng, &s->sector, &s->sectors)) {
			if (dt_wait("a write to finish") < 0)
				break;
			continue;
		}
		if (submit_write(s, ++gen))
			return -1;
		written += (uint64_t)s->sectors * DT_SECTOR;
		since_flush += (uint64_t)s->sectors * DT_SECTOR;
		progress("wrote", written, dt_opt.total, &tenth);
		if (dt_opt.flush_every && since_flush >= dt_opt.flush_every) {
			if (flush_now(written))
				return -1;
			since_flush = 0;
		}
	}
	if (drain("the last writes"))
		return -1;
	*ns = dt_ns_since(t0);
	*writes = gen;
	*bytes = written;
	if (failed) {
		pt_printf("disk-test FAIL %u writes failed, first: %s\n",
			  failed, failed_why);
		return -1;
	}
	if (dt_stopping()) {
		pt_printf("disk-test FAIL stopped by a shutdown request\n");
		return -1;
	}
	return flush_now(written);
}

struct pass {
	int verify;
	uint64_t verified, unwritten, mismatched;
	struct sha256 sha;
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void mismatch(struct pass *ps, const uint8_t *p, uint64_t sector,
		     unsigned at)
{
	if (ps->mismatched++ >= MISMATCHES_SHOWN)
		return;
	if (!memcmp(p, DT_MAGIC, 4))
		pt_printf("disk-test mismatch sector %llu: want generation "
			  "%u, found generation %u of sector %llu (first "
			  "difference at byte %u)\n",
			  (unsigned long long)sector, gen_map[sector],
			  le32(p + 16),
			  (unsigned long long)(le32(p + 8) |
					       (uint64_t)le32(p + 12) << 32),
			  at - 1);
	else
		pt_printf("disk-test mismatch sector %llu: want generation "
			  "%u, found no disk-test sector (bytes %02x %02x %02x "
			  "%02x)\n",
			  (unsigned long long)sector, gen_map[sector], p[0],
			  p[1], p[2], p[3]);
}

static void check_chunk(struct pass *ps, const struct slot *s)
{
	sha256_update(&ps->sha, s->buf, (size_t)s->sectors * DT_SECTOR);
	if (!ps->verify)
		return;
	for (uint32_t i = 0; i < s->sectors; i++) {
		uint64_t sector = s->sector + i;
		const uint8_t *p = s->buf + (size_t)i * DT_SECTOR;
		unsigned at;

		if (!gen_map[sector]) {
			ps->unwritten++;
			continue;
		}
		at = dt_check_sector(p, dt_opt.seed, sector, gen_map[sector]);
		if (at)
			mismatch(ps, p, sector, at);
		else
			ps->verified++;
	}
}

/* Starts reads of the chunks after the last one started, up to qd ahead
 * of the next to check. 0 or -1 (FAIL printed). */
static int start_reads(uint64_t *submitted, uint64_t processed, uint64_t chunks)
{
	uint64_t cap = capacity(), per = chunk / DT_SECTOR;

	while (*submitted < chunks && *submitted - processed < dt_opt.qd) {
		struct slot *s = &slots[*submitted % dt_opt.qd];
		int ret;

		s->sector = *submitted * per;
		s->sectors = (uint32_t)(cap - s->sector < per ? cap - s->sector
							      : per);
		pt_vblk_req_read(&s->req, s->sector, s->buf,
				 s->sectors * DT_SECTOR, NULL, s);
		ret = pt_vblk_submit(&dt_disk, &s->req);
		/* The pool is full: the reads in flight make room. */
		if (ret == -PT_DEV_EAGAIN && *submitted > processed)
			return 0;
		if (ret) {
			pt_printf("disk-test FAIL read at sector %llu not "
				  "submitted: %s\n",
				  (unsigned long long)s->sector,
				  pt_dev_strerror(ret));
			return -1;
		}
		(*submitted)++;
	}
	return 0;
}

/*
 * Reads the whole disk in order, up to qd chunks in flight, checking and
 * hashing each chunk in order as it completes. 0 or -1 (FAIL printed).
 */
static int read_pass(struct pass *ps, uint64_t *ns)
{
	uint64_t cap = capacity(), per = chunk / DT_SECTOR;
	uint64_t chunks = (cap + per - 1) / per, submitted = 0, processed = 0;
	uint64_t t0 = pt_rdtsc();
	unsigned tenth = 0;

	sha256_init(&ps->sha);
	while (processed < chunks) {
		struct slot *s;
		int ret;

		if (start_reads(&submitted, processed, chunks))
			return -1;
		s = &slots[processed % dt_opt.qd];
		if (s->req.state != PT_VBLK_REQ_DONE) {
			ret = dt_wait("reads");
			if (ret < 0) {
				pt_printf("disk-test FAIL reading: %s (%s)\n",
					  pt_dev_strerror(ret),
					  dt_disk.front.xb.why);
				return -1;
			}
			continue;
		}
		if (s->req.status) {
			pt_printf("disk-test FAIL read at sector %llu: %s\n",
				  (unsigned long long)s->sector,
				  pt_dev_strerror(s->req.status));
			return -1;
		}
		check_chunk(ps, s);
		s->req.state = PT_VBLK_REQ_IDLE;
		processed++;
		progress(ps->verify ? "verified" : "hashed",
			 (s->sector + s->sectors) << 9, cap << 9, &tenth);
		if (dt_stopping()) {
			pt_printf("disk-test FAIL stopped by a shutdown "
				  "request\n");
			return -1;
		}
	}
	*ns = dt_ns_since(t0);
	return 0;
}

static void print_sha(struct pass *ps)
{
	uint8_t digest[SHA256_BYTES];
	char hex[65];

	sha256_final(&ps->sha, digest);
	sha256_hex(digest, hex);
	pt_printf("disk-test sha256 %s\n", hex);
}

/*
 * The largest request this disk and the options allow, in whole logical
 * blocks; a disk that does not end on a block cannot be read whole.
 * 0 or -1 (FAIL printed).
 */
static int pick_chunk(void)
{
	const struct pt_vblk_info *in = pt_vblk_info(&dt_disk);
	uint32_t max = in->max_io_bytes;

	unit = in->blk_size / DT_SECTOR;
	chunk = dt_opt.maxio < max ? dt_opt.maxio : max;
	chunk = chunk / in->blk_size * in->blk_size;
	if (!chunk || capacity() % unit) {
		pt_printf("disk-test FAIL block size %u: the disk (%llu "
			  "sectors) or maxio (%u) is not in whole blocks\n",
			  in->blk_size, (unsigned long long)capacity(),
			  dt_opt.maxio);
		return -1;
	}
	if (chunk != dt_opt.maxio)
		pt_printf("disk-test maxio %u does not fit the device (largest "
			  "%u, blocks of %u): using %u\n",
			  dt_opt.maxio, max, in->blk_size, chunk);
	return 0;
}

int dt_verify_run(void)
{
	static struct pass ps;
	uint64_t writes = 0, written = 0, wns = 0, rns = 0;
	char w[24], r[24];

	if (pick_chunk())
		return -1;
	if (pt_vblk_info(&dt_disk)->read_only) {
		pt_printf("disk-test FAIL block/%u is read-only: use "
			  "mode=hash\n",
			  dt_opt.disk);
		return -1;
	}
	if (take_memory(1))
		return -1;
	pt_printf("disk-test writing %llu MiB: seed=%u maxio=%u qd=%u\n",
		  (unsigned long long)(dt_opt.total >> 20), dt_opt.seed, chunk,
		  dt_opt.qd);
	if (write_phase(&writes, &written, &wns))
		return -1;
	ps.verify = 1;
	if (read_pass(&ps, &rns))
		return -1;
	print_sha(&ps);
	if (ps.mismatched) {
		pt_printf("disk-test FAIL %llu sectors differ from what was "
			  "written (%llu verified)\n",
			  (unsigned long long)ps.mismatched,
			  (unsigned long long)ps.verified);
		return -1;
	}
	pt_printf("disk-test PASS written=%llu writes=%llu sectors=%llu "
		  "verified=%llu unwritten=%llu write_mib_s=%s "
		  "read_mib_s=%s\n",
		  (unsigned long long)written, (unsigned long long)writes,
		  (unsigned long long)capacity(),
		  (unsigned long long)ps.verified,
		  (unsigned long long)ps.unwritten,
		  dt_centi(w, dt_mib_s_centi(written, wns)),
		  dt_centi(r, dt_mib_s_centi(capacity() << 9, rns)));
	return 0;
}

int dt_hash_run(void)
{
	static struct pass ps;
	uint64_t rns = 0;
	char r[24];

	if (pick_chunk() || take_memory(0))
		return -1;
	ps.verify = 0;
	if (read_pass(&ps, &rns))
		return -1;
	print_sha(&ps);
	pt_printf("disk-test PASS hashed=%llu read_mib_s=%s\n",
		  (unsigned long long)(capacity() << 9),
		  dt_centi(r, dt_mib_s_centi(capacity() << 9, rns)));
	return 0;
}
