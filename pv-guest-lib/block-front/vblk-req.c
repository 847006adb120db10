// SPDX-License-Identifier: MIT
/*
 * The block front-end's request engine: a request checked against the
 * disk, laid out as a virtio-blk chain in the pool, and its completion
 * judged and handed back (docs/split-drivers.md section 5).
 */
#include <string.h> /* common/string.h in the freestanding build */
#include <partita-guest/vblk.h>

/* Each request's small parts share one 64-byte pool unit. */
#define META_BYTES 64u
#define META_HDR 0u
#define META_RANGE 16u
#define META_STATUS 32u
/* What the status byte holds until the back-end writes it. */
#define STATUS_UNWRITTEN 0xFFu
#define SECTOR PT_VIRTIO_BLK_SECTOR
/* Without SIZE_MAX a segment may be anything: one per request then. */
#define SIZE_MAX_DEFAULT (4u << 20)

static void prep(struct pt_vblk_req *r, uint32_t type, pt_vblk_done_fn done,
		 void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->done = done;
	r->ctx = ctx;
}

void pt_vblk_req_read(struct pt_vblk_req *r, uint64_t sector, void *buf,
		      uint32_t len, pt_vblk_done_fn done, void *ctx)
{
	prep(r, PT_VIRTIO_BLK_T_IN, done, ctx);
	r->sector = sector;
	r->buf = buf;
	r->len = len;
}

void pt_vblk_req_write(struct pt_vblk_req *r, uint64_t sector, const void *buf,
		       uint32_t len, pt_vblk_done_fn done, void *ctx)
{
	prep(r, PT_VIRTIO_BLK_T_OUT, done, ctx);
	r->sector = sector;
	/* Only read from: the request keeps one pointer for both ways. */
	r->buf = (void *)(uintptr_t)buf;
	r->len = len;
}

void pt_vblk_req_flush(struct pt_vblk_req *r, pt_vblk_done_fn done, void *ctx)
{
	prep(r, PT_VIRTIO_BLK_T_FLUSH, done, ctx);
}

void pt_vblk_req_discard(struct pt_vblk_req *r, uint64_t sector,
			 uint64_t sectors, pt_vblk_done_fn done, void *ctx)
{
	prep(r, PT_VIRTIO_BLK_T_DISCARD, done, ctx);
	r->sector = sector;
	r->sectors = sectors;
}

void pt_vblk_req_write_zeroes(struct pt_vblk_req *r, uint64_t sector,
			      uint64_t sectors, int unmap, pt_vblk_done_fn done,
			      void *ctx)
{
	prep(r, PT_VIRTIO_BLK_T_WRITE_ZEROES, done, ctx);
	r->sector = sector;
	r->sectors = sectors;
	r->wz_flags = unmap ? PT_VIRTIO_BLK_WZ_F_UNMAP : 0;
}

void pt_vblk_req_get_id(struct pt_vblk_req *r, void *buf, pt_vblk_done_fn done,
			void *ctx)
{
	prep(r, PT_VIRTIO_BLK_T_GET_ID, done, ctx);
	r->buf = buf;
	r->len = PT_VIRTIO_BLK_ID_BYTES;
}

/* The logical block: reads and writes come in whole ones. */
static uint32_t block_bytes(const struct pt_vblk_queue *q)
{
	uint32_t b = q->info.blk_size;

	return b >= SECTOR && !(b & (b - 1u)) ? b : SECTOR;
}

/* sector and sectors in whole logical blocks. */
static int block_aligned(const struct pt_vblk_queue *q, uint64_t sector,
			 uint64_t sectors)
{
	uint32_t per = block_bytes(q) / SECTOR;

	return sector % per == 0 && sectors % per == 0;
}

void pt_vblk_queue_init(struct pt_vblk_queue *q, struct pt_vq *vq,
			struct pt_vpool *pool, const struct pt_vblk_info *info)
{
	uint64_t segs, size, max;

	memset(q, 0, sizeof(*q));
	q->vq = vq;
	q->pool = pool;
	q->info = *info;
	/* The header and the status byte take a descriptor each. */
	segs = vq->size > 2 ? vq->size - 2u : 1u;
	if (info->seg_max && info->seg_max < segs)
		segs = info->seg_max;
	size = info->size_max ? info->size_max : SIZE_MAX_DEFAULT;
	max = segs * size;
	/* Half the pool: a request never waits for the whole of it. */
	if (max > pool->bytes / 2u)
		max = pool->bytes / 2u;
	if (max > UINT32_MAX)
		max = UINT32_MAX;
	q->info.max_io_bytes =
		(uint32_t)(max / block_bytes(q) * block_bytes(q));
}

/* [sector, sector + sectors) inside the disk, without overflow. */
static int range_ok(const struct pt_vblk_queue *q, uint64_t sector,
		    uint64_t sectors)
{
	return sectors && sector < q->info.capacity &&
	       sectors <= q->info.capacity - sector;
}

static int check(const struct pt_vblk_queue *q, const struct pt_vblk_req *r)
{
	const struct pt_vblk_info *in = &q->info;

	if (r->state == PT_VBLK_REQ_IN_FLIGHT)
		return -PT_DEV_EINVAL;
	switch (r->type) {
	case PT_VIRTIO_BLK_T_IN:
	case PT_VIRTIO_BLK_T_OUT:
		if (!r->buf || !r->len || r->len % SECTOR ||
		    r->len > in->max_io_bytes ||
		    !range_ok(q, r->sector, r->len / SECTOR) ||
		    !block_aligned(q, r->sector, r->len / SECTOR))
			return -PT_DEV_EINVAL;
		return r->type == PT_VIRTIO_BLK_T_OUT && in->read_only
			       ? -PT_DEV_EROFS
			       : 0;
	case PT_VIRTIO_BLK_T_FLUSH:
		return in->flush ? 0 : -PT_DEV_EINVAL;
	case PT_VIRTIO_BLK_T_GET_ID:
		return r->buf && r->len == PT_VIRTIO_BLK_ID_BYTES
			       ? 0
			       : -PT_DEV_EINVAL;
	case PT_VIRTIO_BLK_T_DISCARD:
		if (!in->discard || r->sectors > in->max_discard ||
		    !range_ok(q, r->sector, r->sectors))
			return -PT_DEV_EINVAL;
		return in->read_only ? -PT_DEV_EROFS : 0;
	case PT_VIRTIO_BLK_T_WRITE_ZEROES:
		/* The zeroes may be written for real: whole blocks. */
		if (!in->write_zeroes || r->sectors > in->max_write_zeroes ||
		    !range_ok(q, r->sector, r->sectors) ||
		    !block_aligned(q, r->sector, r->sectors))
			return -PT_DEV_EINVAL;
		return in->read_only ? -PT_DEV_EROFS : 0;
	default:
		return -PT_DEV_EINVAL;
	}
}

/* The pool offset of buf if [buf, buf + len) lies in the pool. */
static int in_pool(const struct pt_vblk_queue *q, const void *buf, uint32_t len,
		   uint32_t *off)
{
	uintptr_t b = (uintptr_t)q->pool->base, p = (uintptr_t)buf;

	if (p < b || p - b >= q->pool->bytes || len > q->pool->bytes - (p - b))
		return 0;
	*off = (uint32_t)(p - b);
	return 1;
}

static uint8_t *pool_at(const struct pt_vblk_queue *q, uint32_t off)
{
	return pt_vpool_ptr(q->pool, off);
}

static void release(struct pt_vblk_queue *q, struct pt_vblk_req *r)
{
	pt_vpool_free(q->pool, r->meta_off, META_BYTES);
	if (r->data_alloc)
		pt_vpool_free(q->pool, r->data_off, r->data_alloc);
	r->data_alloc = 0;
}

/* The pool buffer for r's data: r->buf itself, or a fresh one. */
static int take_data(struct pt_vblk_queue *q, struct pt_vblk_req *r)
{
	uint32_t align;
	int ret;

	r->data_alloc = 0;
	if (!r->len)
		return 0;
	if (in_pool(q, r->buf, r->len, &r->data_off)) {
		q->stats.zero_copy++;
		return 0;
	}
	align = r->len >= PT_VBLK_DATA_ALIGN ? PT_VBLK_DATA_ALIGN
					     : PT_VPOOL_GRANULE;
	ret = pt_vpool_alloc_aligned(q->pool, r->len, align, &r->data_off);
	if (ret)
		return ret;
	r->data_alloc = r->len;
	if (r->type == PT_VIRTIO_BLK_T_OUT)
		memcpy(pool_at(q, r->data_off), r->buf, r->len);
	return 0;
}

/* The data as segments of at most size_max bytes each; returns how many. */
static unsigned data_segs(const struct pt_vblk_queue *q,
			  const struct pt_vblk_req *r, struct pt_vq_seg *s)
{
	uint32_t size = q->info.size_max ? q->info.size_max : SIZE_MAX_DEFAULT;
	uint32_t done = 0;
	unsigned n = 0;

	while (done < r->len) {
		uint32_t k = r->len - done < size ? r->len - done : size;

		s[n].off = r->data_off + done;
		s[n].len = k;
		n++;
		done += k;
	}
	return n;
}

static void fill_meta(struct pt_vblk_queue *q, const struct pt_vblk_req *r)
{
	uint8_t *m = pool_at(q, r->meta_off);
	struct pt_virtio_blk_req_hdr h = { r->type, 0, 0 };

	if (r->type == PT_VIRTIO_BLK_T_IN || r->type == PT_VIRTIO_BLK_T_OUT)
		h.sector = r->sector;
	memcpy(m + META_HDR, &h, sizeof(h));
	if (r->type == PT_VIRTIO_BLK_T_DISCARD ||
	    r->type == PT_VIRTIO_BLK_T_WRITE_ZEROES) {
		struct pt_virtio_blk_discard_wz w = { r->sector,
						      (uint32_t)r->sectors,
						      r->wz_flags };

		memcpy(m + META_RANGE, &w, sizeof(w));
	}
	m[META_STATUS] = STATUS_UNWRITTEN;
}

int pt_vblk_queue_submit(struct pt_vblk_queue *q, struct pt_vblk_req *r)
{
	struct pt_vq_seg out[PT_VIRTQ_SIZE_MAX], in[PT_VIRTQ_SIZE_MAX];
	unsigned nout = 0, nin = 0;
	uint64_t indirect = q->vq->stats.indirect;
	int ret = check(q, r);

	if (ret)
		return ret;
	ret = pt_vpool_alloc(q->pool, META_BYTES, &r->meta_off);
	if (!ret) {
		ret = take_data(q, r);
		if (ret)
			pt_vpool_free(q->pool, r->meta_off, META_BYTES);
	}
	if (ret) {
		q->stats.busy += ret == -PT_DEV_EAGAIN;
		return ret;
	}
	fill_meta(q, r);
	out[nout++] =
		(struct pt_vq_seg){ r->meta_off + META_HDR,
				    sizeof(struct pt_virtio_blk_req_hdr) };
	switch (r->type) {
	case PT_VIRTIO_BLK_T_OUT:
		nout += data_segs(q, r, out + nout);
		break;
	case PT_VIRTIO_BLK_T_IN:
	case PT_VIRTIO_BLK_T_GET_ID:
		nin += data_segs(q, r, in);
		break;
	case PT_VIRTIO_BLK_T_DISCARD:
	case PT_VIRTIO_BLK_T_WRITE_ZEROES:
		out[nout++] = (struct pt_vq_seg){
			r->meta_off + META_RANGE,
			sizeof(struct pt_virtio_blk_discard_wz)
		};
		break;
	}
	in[nin++] = (struct pt_vq_seg){ r->meta_off + META_STATUS, 1 };
	r->status = 0;
	r->state = PT_VBLK_REQ_IN_FLIGHT;
	ret = pt_vq_add(q->vq, out, nout, in, nin, r);
	if (ret) {
		r->state = PT_VBLK_REQ_IDLE;
		release(q, r);
		q->stats.busy += ret == -PT_DEV_EAGAIN;
		return ret;
	}
	q->stats.submitted++;
	q->stats.indirect += q->vq->stats.indirect - indirect;
	return 0;
}

/* The status byte, read once, as a result. */
static int judge(struct pt_vblk_queue *q, const struct pt_vblk_req *r)
{
	uint8_t s =
		*(volatile uint8_t *)(pool_at(q, r->meta_off) + META_STATUS);

	switch (s) {
	case PT_VIRTIO_BLK_S_OK:
		return 0;
	case PT_VIRTIO_BLK_S_IOERR:
		return -PT_DEV_EIO;
	case PT_VIRTIO_BLK_S_UNSUPP:
		return -PT_DEV_EUNSUPP;
	default:
		/* Unwritten or out of range: it did not say it worked. */
		q->stats.bad_status++;
		return -PT_DEV_EIO;
	}
}

static void count_done(struct pt_vblk_queue *q, const struct pt_vblk_req *r)
{
	struct pt_vblk_stats *s = &q->stats;

	s->completed++;
	if (r->status) {
		s->errors++;
		return;
	}
	switch (r->type) {
	case PT_VIRTIO_BLK_T_IN:
		s->reads++;
		s->read_bytes += r->len;
		break;
	case PT_VIRTIO_BLK_T_OUT:
		s->writes++;
		s->write_bytes += r->len;
		break;
	case PT_VIRTIO_BLK_T_FLUSH:
		s->flushes++;
		break;
	case PT_VIRTIO_BLK_T_DISCARD:
		s->discards++;
		break;
	case PT_VIRTIO_BLK_T_WRITE_ZEROES:
		s->write_zeroes++;
		break;
	default:
		s->get_ids++;
		break;
	}
}

static void finish(struct pt_vblk_queue *q, struct pt_vblk_req *r, int status)
{
	r->status = status;
	release(q, r);
	__atomic_store_n(&r->state, PT_VBLK_REQ_DONE, __ATOMIC_RELEASE);
	if (r->done)
		r->done(r);
}

int pt_vblk_queue_complete(struct pt_vblk_queue *q, unsigned max)
{
	int count = 0, ret = 0;
	uint32_t len;
	void *cookie;

	while ((!max || (unsigned)count < max) &&
	       (ret = pt_vq_get_used(q->vq, &cookie, &len)) == 1) {
		struct pt_vblk_req *r = cookie;
		int status = judge(q, r);

		/*
		 * The used length is not trusted for the data: the status
		 * byte says whether the device did the request, and a read
		 * hands back the whole buffer as every virtio-blk driver
		 * does.
		 */
		if (!status && r->data_alloc &&
		    (r->type == PT_VIRTIO_BLK_T_IN ||
		     r->type == PT_VIRTIO_BLK_T_GET_ID))
			memcpy(r->buf, pool_at(q, r->data_off), r->len);
		r->status = status;
		count_done(q, r);
		finish(q, r, status);
		count++;
	}
	if (count)
		return count;
	return ret < 0 ? ret : 0;
}

unsigned pt_vblk_queue_fail_all(struct pt_vblk_queue *q, int err)
{
	unsigned n = 0;
	void *cookie;

	while (pt_vq_detach(q->vq, &cookie) == 1) {
		struct pt_vblk_req *r = cookie;

		q->stats.failed_detached++;
		q->stats.completed++;
		q->stats.errors++;
		finish(q, r, err);
		n++;
	}
	return n;
}
