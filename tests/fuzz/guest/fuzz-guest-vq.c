// SPDX-License-Identifier: MIT
/* libFuzzer harness: a hostile back-end's used rings, status bytes and receive buffers against the guest library's virtqueue driver and block and net front-ends. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <partita-guest/vblk.h>
#include <partita-guest/vnet.h>

/*
 * The front-ends are compiled in here with pt_vq_get_used interposed, so
 * that a back-end racing on another CPU can act between any two of their
 * looks at a used ring (the RACE step). The bare queue's own calls below
 * are not interposed.
 */
static int race_get_used(struct pt_vq *q, void **cookie, uint32_t *len);
#define pt_vq_get_used race_get_used
#include "../../../pv-guest-lib/block-front/vblk-req.c"
#include "../../../pv-guest-lib/net-front/vnet-queues.c"
#undef pt_vq_get_used

/*
 * The input is what the back-end in the root does over time, interleaved
 * with what the front-end's caller does (tests/fuzz/guest/make-seeds.py
 * writes the same layout):
 *
 *   0  mode: byte % 3: 0 the bare virtqueue (pt_vq_*), 1 the block request
 *      engine (pt_vblk_queue_*), 2 the net queues (pt_vnet_queues_*)
 *   1  features: bit 0 EVENT_IDX, bit 1 INDIRECT_DESC
 *   2  queue size: 1 << (byte % 9) (both queues for net)
 *   3  pool: ((byte % 16) + 1) pages of 4096 bytes
 *   4  block: bit 0 read-only, bit 1 4096-byte blocks, bit 2 FLUSH,
 *      bit 3 DISCARD, bit 4 WRITE_ZEROES, bits 5-7 size-max: 0 none,
 *      else 512 << (k - 1)
 *   5  block seg-max (0: none)
 *   6-7 block capacity in sectors, little-endian
 *   8.. steps of 8 bytes: op, x, y, z, then u32 v little-endian
 *
 * (op & 15) % 14 is the step; for net, bit 4 of op picks the queue the
 * back-end's steps and EVENTS act on (0 receive, 1 transmit). The
 * back-end's steps:
 *
 *   0 TAKE      take up to x % 8 + 1 chains the driver made available
 *   1 PUSH      complete taken chain y % taken: used entry (head, len) at
 *               used->idx, len by z % 4: 0 the chain's writable bytes,
 *               1 v % (those + 1), 2 those + 1 + v % 256, 3 v; then used
 *               idx += 1, or 0 (x % 8 == 6) or 2 (x % 8 == 7)
 *   2 PUSH_RAW  used entry (id y | z << 8, len v), used idx += x % 4
 *   3 USED_IDX  used idx = v (z odd) or += v (z even; a wrap moves back)
 *   4 RING      ring byte at v % ring bytes (z odd: inside the used ring
 *               and avail_event) = x
 *   5 POOL      y + 1 bytes of value x at pool offset v % pool bytes
 *   6 FILL      writable segment z of taken chain y: x + 1 bytes of
 *               v >> 16 at (v & 0xffff) % its length
 *   7 STATUS    the last writable byte of taken chain y (a block request's
 *               status byte) = x
 *  13 RACE      the next x % 32 + 1 steps are the back-end's on another
 *               CPU during the step after them (blk, net): one of them
 *               runs each time the front-end looks at a used ring; front-
 *               end steps among them, and those not run, are dropped
 *
 * and the caller's:
 *
 *   8 ADD       vq: a chain of x & 3 read and (x >> 2) & 3 write
 *               segments, segment i 1 + ((v >> 4i) & 15) * 97 + y bytes
 *               (x bit 7: the last one runs off the pool); blk: request
 *               slot y % 64, type x % 6 (read, write, flush, discard,
 *               write-zeroes, get-id), sector v % (capacity + 16), read
 *               and write (z & 15) + 1 sectors' bytes, discard that many
 *               sectors, write-zeroes 8 times that, z bit 7 a read, write
 *               or get-id buffer in the pool (zero-copy); net: send a
 *               frame of v % 1540 bytes
 *   9 HARVEST   vq: up to x % 4 + 1 pt_vq_get_used; blk: complete with
 *               max x % 4; net: harvest both queues
 *  10 KICK      vq, blk: kick_prepare; net: take a frame into v % 1600
 *               bytes
 *  11 EVENTS    enable_events (net: on the queue op bit 4 picks)
 *  12 OTHER     vq: detach one chain; blk: fail all in flight with
 *               ECLOSED; net: kick_prepare on the picked queue
 *
 * After every step the invariants are checked: each queue's descriptors
 * are all either on its free list or in exactly one chain in flight, the
 * in-flight counts match the caller's own, the pool holds exactly what
 * is in flight, and a queue once broken stays broken with the same
 * reason. The bare queue's pt_vq_get_used is judged against a model of
 * what it must accept; the block engine's completions are checked
 * against the status byte as it was and must come once per submitted
 * request; the net queues must hand back frames no longer than a buffer
 * and equal to what the pool held, and no harvest may take more than a
 * queue's worth of entries (a racing back-end must not hold the guest in
 * its loop). At the end everything in flight is
 * detached and the pool must be empty again.
 */
#define HDR_BYTES 8u
#define STEP_BYTES 8u
#define MODES 3u
#define OPS 14u
#define TAKEN_MAX 512u
#define SEGS_MAX 6u
#define BLK_REQS 64u

enum { MODE_VQ, MODE_BLK, MODE_NET };
enum {
	H_TAKE,
	H_PUSH,
	H_PUSH_RAW,
	H_USED_IDX,
	H_RING,
	H_POOL,
	H_FILL,
	H_STATUS,
	F_ADD,
	F_HARVEST,
	F_KICK,
	F_EVENTS,
	F_OTHER,
	H_RACE,
};

/* Explicit checks: a violated invariant aborts even without sanitizers. */
#define check(cond)                                                   \
	do {                                                          \
		if (!(cond)) {                                        \
			fprintf(stderr, "fuzz-guest-vq: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);           \
			abort();                                      \
		}                                                     \
	} while (0)

/* One queue and what the back-end remembers of it. */
struct be_queue {
	struct pt_vq vq;
	uint8_t *ring;
	struct pt_vring_layout l;
	uint16_t last_avail;	   /* the back-end's next avail entry */
	uint16_t taken[TAKEN_MAX]; /* heads taken and not completed */
	unsigned ntaken;
	const char *broken; /* the reason first seen, or NULL */
};

/* A bare-queue chain as the caller knows it. */
struct vq_chain {
	int live;
	uint16_t head;
	uint32_t wlen;
	unsigned nseg;
	struct pt_vq_seg seg[SEGS_MAX];
};

/* A block request slot. */
struct blk_slot {
	struct pt_vblk_req r;
	int live; /* submitted and not yet completed */
	int zc;	  /* buf lies in the pool (the caller's, freed by it) */
	uint8_t *buf;
	uint32_t buf_bytes;
	unsigned done; /* callbacks seen */
};

static struct {
	unsigned mode;
	uint8_t *pool_mem;
	struct pt_vpool pool;
	struct be_queue bq[2];
	unsigned nq;
	/* MODE_VQ */
	struct vq_chain chains[PT_VIRTQ_SIZE_MAX];
	int by_head[PT_VIRTQ_SIZE_MAX];
	uint16_t my_last_used;
	unsigned my_in_flight;
	/* MODE_BLK */
	struct pt_vblk_queue blk;
	struct blk_slot reqs[BLK_REQS];
	unsigned blk_live;
	int failing; /* in pt_vblk_queue_fail_all: status must be ECLOSED */
	/* MODE_NET */
	struct pt_vnet_queues net;
	uint64_t completions;
	/* RACE: the back-end's steps still to run inside the front-end. */
	const uint8_t *race_at;
	size_t race_left;
} g;

static int verbose; /* FUZZ_VERBOSE=1: a line per input, to check seeds */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	return 0;
}

static uint32_t units(uint32_t bytes)
{
	return (bytes + PT_VPOOL_GRANULE - 1u) / PT_VPOOL_GRANULE;
}

static volatile struct pt_vring_used *used_of(struct be_queue *b)
{
	return (volatile struct pt_vring_used *)(b->ring + b->l.used);
}

static volatile struct pt_vring_avail *avail_of(struct be_queue *b)
{
	return (volatile struct pt_vring_avail *)(b->ring + b->l.avail);
}

static int broken(const struct be_queue *b)
{
	return b->vq.broken != NULL;
}

/* --- the driver's private state, judged after every step --- */

/* Every descriptor free or in one chain in flight; counts agree; a
 * broken queue stays broken for the same reason. */
static void check_vq(struct be_queue *b)
{
	const struct pt_vq *q = &b->vq;
	uint8_t seen[PT_VIRTQ_SIZE_MAX] = { 0 };
	unsigned busy = 0, marked = 0;
	uint16_t d = q->free_head;

	if (b->broken)
		check(q->broken == b->broken);
	b->broken = q->broken;
	check(q->num_free <= q->size);
	for (unsigned i = 0; i < q->num_free; i++) {
		check(d < q->size && !seen[d]);
		seen[d] = 1;
		marked++;
		d = q->next[d];
	}
	for (uint16_t h = 0; h < q->size; h++) {
		const struct pt_vq_head *hd = &q->heads[h];

		if (!hd->busy)
			continue;
		busy++;
		check(hd->ndesc >= 1 && hd->ndesc <= q->size);
		check(hd->ind_n ? hd->ndesc == 1 : 1);
		d = h;
		for (unsigned i = 0; i < hd->ndesc; i++) {
			check(d < q->size && !seen[d]);
			seen[d] = 2;
			marked++;
			d = q->next[d];
		}
	}
	check(marked == q->size);
	check(busy == q->in_flight);
}

/* Pool units the queue's indirect tables hold. */
static uint32_t indirect_units(const struct pt_vq *q)
{
	uint32_t n = 0;

	for (uint16_t h = 0; h < q->size; h++)
		if (q->heads[h].busy && q->heads[h].ind_n)
			n += units(q->heads[h].ind_n *
				   (uint32_t)sizeof(struct pt_vring_desc));
	return n;
}

/* --- the back-end --- */

/*
 * The writable segments of the chain at head, read as a careful back-end
 * reads them: every index and range bounded, since the descriptors may
 * have been rewritten by our own hostile steps.
 */
static unsigned be_writable(struct be_queue *b, uint16_t head,
			    struct pt_vq_seg *w, unsigned max, uint32_t *wlen)
{
	volatile struct pt_vring_desc *desc =
		(volatile struct pt_vring_desc *)b->ring;
	uint16_t size = b->vq.size;
	unsigned n = 0;
	uint64_t total = 0;
	struct pt_vring_desc d;

	*wlen = 0;
	if (head >= size)
		return 0;
	d = desc[head];
	if (d.flags & PT_VRING_DESC_F_INDIRECT) {
		uint32_t cnt = d.len / (uint32_t)sizeof(d);

		if (d.addr >= g.pool.bytes || d.len > g.pool.bytes - d.addr)
			return 0;
		for (uint32_t i = 0; i < cnt && i < PT_VIRTQ_SIZE_MAX; i++) {
			struct pt_vring_desc t;

			memcpy(&t, g.pool_mem + d.addr + i * sizeof(t),
			       sizeof(t));
			if (!(t.flags & PT_VRING_DESC_F_WRITE) ||
			    t.addr >= g.pool.bytes ||
			    t.len > g.pool.bytes - t.addr || !t.len)
				continue;
			total += t.len;
			if (n < max)
				w[n++] = (struct pt_vq_seg){ (uint32_t)t.addr,
							     t.len };
		}
	} else {
		for (unsigned i = 0; i < size; i++) {
			if ((d.flags & PT_VRING_DESC_F_WRITE) &&
			    d.addr < g.pool.bytes &&
			    d.len <= g.pool.bytes - d.addr && d.len) {
				total += d.len;
				if (n < max)
					w[n++] = (struct pt_vq_seg){
						(uint32_t)d.addr, d.len
					};
			}
			if (!(d.flags & PT_VRING_DESC_F_NEXT) || d.next >= size)
				break;
			d = desc[d.next];
		}
	}
	*wlen = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
	return n;
}

static void be_take(struct be_queue *b, unsigned k)
{
	volatile struct pt_vring_avail *a = avail_of(b);

	while (k-- && b->last_avail != a->idx && b->ntaken < TAKEN_MAX) {
		uint16_t head = a->ring[b->last_avail & (b->vq.size - 1u)];

		b->last_avail++;
		b->taken[b->ntaken++] = head;
	}
}

static void be_publish(struct be_queue *b, uint32_t id, uint32_t len,
		       unsigned bump)
{
	volatile struct pt_vring_used *u = used_of(b);
	uint16_t slot = u->idx & (uint16_t)(b->vq.size - 1u);

	u->ring[slot].id = id;
	u->ring[slot].len = len;
	u->idx = (uint16_t)(u->idx + bump);
}

static void be_step(struct be_queue *b, unsigned op, uint8_t x, uint8_t y,
		    uint8_t z, uint32_t v)
{
	struct pt_vq_seg w[SEGS_MAX];
	uint32_t wlen, len;
	unsigned n, i;

	switch (op) {
	case H_TAKE:
		be_take(b, x % 8u + 1u);
		break;
	case H_PUSH:
		if (!b->ntaken)
			break;
		i = y % b->ntaken;
		be_writable(b, b->taken[i], w, SEGS_MAX, &wlen);
		switch (z % 4u) {
		case 0:
			len = wlen;
			break;
		case 1:
			len = v % ((uint64_t)wlen + 1u);
			break;
		case 2:
			len = wlen + 1u + v % 256u;
			break;
		default:
			len = v;
			break;
		}
		be_publish(b, b->taken[i], len,
			   x % 8u == 6	 ? 0
			   : x % 8u == 7 ? 2
					 : 1);
		b->taken[i] = b->taken[--b->ntaken];
		break;
	case H_PUSH_RAW:
		be_publish(b, (uint32_t)y | (uint32_t)z << 8, v, x % 4u);
		break;
	case H_USED_IDX:
		if (z & 1u)
			used_of(b)->idx = (uint16_t)v;
		else
			used_of(b)->idx = (uint16_t)(used_of(b)->idx + v);
		break;
	case H_RING:
		if (z & 1u)
			b->ring[b->l.used + v % (b->l.bytes - b->l.used)] = x;
		else
			b->ring[v % b->l.bytes] = x;
		break;
	case H_POOL: {
		uint32_t at = v % g.pool.bytes;
		uint32_t k = (uint32_t)y + 1u;

		if (k > g.pool.bytes - at)
			k = g.pool.bytes - at;
		memset(g.pool_mem + at, x, k);
		break;
	}
	case H_FILL:
		if (!b->ntaken)
			break;
		n = be_writable(b, b->taken[y % b->ntaken], w, SEGS_MAX, &wlen);
		if (!n)
			break;
		i = z % n;
		{
			uint32_t at = (v & 0xffffu) % w[i].len;
			uint32_t k = (uint32_t)x + 1u;

			if (k > w[i].len - at)
				k = w[i].len - at;
			memset(g.pool_mem + w[i].off + at, (int)(v >> 16), k);
		}
		break;
	case H_STATUS:
		if (!b->ntaken)
			break;
		n = be_writable(b, b->taken[y % b->ntaken], w, SEGS_MAX, &wlen);
		if (n)
			g.pool_mem[w[n - 1].off + w[n - 1].len - 1u] = x;
		break;
	}
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The front-ends' pt_vq_get_used: first, while a RACE window is open,
 * the next of its back-end steps. */
static int race_get_used(struct pt_vq *q, void **cookie, uint32_t *len)
{
	while (g.race_left) {
		const uint8_t *s = g.race_at;
		unsigned op = (s[0] & 15u) % OPS;
		unsigned qi = g.mode == MODE_NET ? (s[0] >> 4) & 1u : 0u;

		g.race_at += STEP_BYTES;
		g.race_left--;
		if (op < F_ADD) {
			be_step(&g.bq[qi], op, s[1], s[2], s[3], le32(s + 4));
			break;
		}
	}
	return pt_vq_get_used(q, cookie, len);
}

/* --- mode 0: the bare virtqueue --- */

static void vq_check_all(void)
{
	struct be_queue *b = &g.bq[0];
	uint32_t held = 0;
	unsigned live = 0;

	check_vq(b);
	check(b->vq.in_flight == g.my_in_flight);
	check(b->vq.last_used == g.my_last_used);
	for (unsigned i = 0; i < PT_VIRTQ_SIZE_MAX; i++) {
		if (!g.chains[i].live)
			continue;
		live++;
		check(b->vq.heads[g.chains[i].head].busy);
		check(b->vq.heads[g.chains[i].head].cookie == &g.chains[i]);
		for (unsigned s = 0; s < g.chains[i].nseg; s++)
			held += units(g.chains[i].seg[s].len);
	}
	check(live == g.my_in_flight);
	check(g.pool.used_units == held + indirect_units(&b->vq));
}

static void vq_free_segs(struct vq_chain *c)
{
	for (unsigned s = 0; s < c->nseg; s++)
		check(pt_vpool_free(&g.pool, c->seg[s].off, c->seg[s].len) ==
		      0);
	c->nseg = 0;
}

static void vq_add(uint8_t x, uint8_t y, uint32_t v)
{
	struct be_queue *b = &g.bq[0];
	struct pt_vq *q = &b->vq;
	unsigned nout = x & 3u, nin = (x >> 2) & 3u, n = nout + nin;
	struct vq_chain *c = NULL;
	struct pt_vq_seg segs[SEGS_MAX];
	uint16_t num_free = q->num_free, avail_idx = q->avail_idx;
	uint64_t indirect = q->stats.indirect;
	int bad = (x & 0x80u) && n, ret;
	uint32_t wlen = 0;

	for (unsigned i = 0; i < PT_VIRTQ_SIZE_MAX; i++)
		if (!g.chains[i].live) {
			c = &g.chains[i];
			break;
		}
	if (!c)
		return;
	c->nseg = 0;
	for (unsigned i = 0; i < n; i++) {
		uint32_t len = 1u + ((v >> (4u * i)) & 15u) * 97u + y;

		if (pt_vpool_alloc(&g.pool, len, &segs[i].off)) {
			vq_free_segs(c);
			return;
		}
		segs[i].len = len;
		c->seg[c->nseg++] = segs[i];
		if (i >= nout)
			wlen += len;
	}
	/* The caller's own mistake: a segment running off the pool. */
	if (bad)
		segs[n - 1] = (struct pt_vq_seg){ g.pool.bytes - 1u, 2u };
	ret = pt_vq_add(q, segs, nout, segs + nout, nin, c);
	if (b->broken) {
		check(ret == -PT_DEV_EBROKEN);
	} else if (!n || n > q->size || bad) {
		check(ret == -PT_DEV_EINVAL);
	} else if (!num_free) {
		check(ret == -PT_DEV_EAGAIN);
	} else if (ret == -PT_DEV_EAGAIN) {
		/* Only when the chain needs more descriptors than are free
		 * and no indirect table could be had. */
		check(num_free < n);
	} else {
		check(ret == 0);
	}
	if (ret) {
		check(q->num_free == num_free && q->avail_idx == avail_idx);
		vq_free_segs(c);
		return;
	}
	/* The head the driver published, read before any back-end step. */
	c->head = avail_of(b)->ring[avail_idx & (q->size - 1u)];
	check(avail_of(b)->idx == (uint16_t)(avail_idx + 1u));
	check(c->head < q->size && g.by_head[c->head] < 0);
	check(q->num_free ==
	      num_free - (q->stats.indirect != indirect ? 1u : n));
	c->wlen = wlen;
	c->live = 1;
	g.by_head[c->head] = (int)(c - g.chains);
	g.my_in_flight++;
}

/* One pt_vq_get_used, judged against what it must do. */
static int vq_harvest_one(void)
{
	struct be_queue *b = &g.bq[0];
	struct pt_vq *q = &b->vq;
	volatile struct pt_vring_used *u = used_of(b);
	uint16_t uidx = u->idx, slot = g.my_last_used & (q->size - 1u);
	uint32_t id = u->ring[slot].id, ulen = u->ring[slot].len, len = ~0u;
	void *cookie = (void *)&g; /* must stay untouched unless 1 */
	int was_broken = broken(b), want, ret;
	struct vq_chain *c = NULL;

	if (was_broken)
		want = -PT_DEV_EBROKEN;
	else if (uidx == g.my_last_used)
		want = 0;
	else if ((uint16_t)(uidx - g.my_last_used) > g.my_in_flight)
		want = -PT_DEV_EBROKEN;
	else if (id >= q->size || g.by_head[id] < 0)
		want = -PT_DEV_EBROKEN;
	else if (ulen > g.chains[g.by_head[id]].wlen)
		want = -PT_DEV_EBROKEN;
	else
		want = 1;
	if (want == 1)
		c = &g.chains[g.by_head[id]];
	ret = pt_vq_get_used(q, &cookie, &len);
	check(ret == want);
	if (ret != 1) {
		check(cookie == (void *)&g && len == ~0u);
		if (ret < 0)
			check(broken(b));
		return ret;
	}
	check(cookie == c && c->live);
	check(len == ulen && len <= c->wlen);
	c->live = 0;
	g.by_head[c->head] = -1;
	vq_free_segs(c);
	g.my_in_flight--;
	g.my_last_used++;
	g.completions++;
	return ret;
}

static void vq_detach_one(void)
{
	struct be_queue *b = &g.bq[0];
	void *cookie = NULL;
	struct vq_chain *c;

	if (pt_vq_detach(&b->vq, &cookie) != 1) {
		check(g.my_in_flight == 0);
		return;
	}
	c = cookie;
	check(c >= g.chains && c < g.chains + PT_VIRTQ_SIZE_MAX && c->live);
	c->live = 0;
	g.by_head[c->head] = -1;
	vq_free_segs(c);
	g.my_in_flight--;
}

static void vq_step(unsigned op, uint8_t x, uint8_t y, uint8_t z, uint32_t v)
{
	struct be_queue *b = &g.bq[0];

	(void)z;
	switch (op) {
	case F_ADD:
		vq_add(x, y, v);
		break;
	case F_HARVEST:
		for (unsigned i = 0; i <= x % 4u; i++)
			if (vq_harvest_one() != 1)
				break;
		break;
	case F_KICK: {
		int k = pt_vq_kick_prepare(&b->vq);

		check(k == 0 || k == 1);
		break;
	}
	case F_EVENTS: {
		int e = pt_vq_enable_events(&b->vq);

		check(e == (used_of(b)->idx != g.my_last_used));
		break;
	}
	case F_OTHER:
		vq_detach_one();
		break;
	default:
		be_step(b, op, x, y, z, v);
		break;
	}
	vq_check_all();
}

/* --- mode 1: the block request engine --- */

static int status_of(uint8_t s)
{
	switch (s) {
	case PT_VIRTIO_BLK_S_OK:
		return 0;
	case PT_VIRTIO_BLK_S_UNSUPP:
		return -PT_DEV_EUNSUPP;
	default:
		return -PT_DEV_EIO;
	}
}

static void blk_release_buf(struct blk_slot *s)
{
	if (s->zc)
		check(pt_vpool_free(&g.pool, (uint32_t)(s->buf - g.pool_mem),
				    s->buf_bytes) == 0);
	else
		free(s->buf);
	s->buf = NULL;
	s->zc = 0;
}

static void blk_done(struct pt_vblk_req *r)
{
	struct blk_slot *s = r->ctx;

	check(s >= g.reqs && s < g.reqs + BLK_REQS && &s->r == r);
	check(s->live && !s->done);
	check(r->state == PT_VBLK_REQ_DONE);
	if (g.failing) {
		check(r->status == -PT_DEV_ECLOSED);
	} else {
		/* The byte the engine judged: nothing wrote the pool since. */
		check(r->status ==
		      status_of(g.pool_mem[r->meta_off + META_STATUS]));
		/* A read hands back what the device left in the pool. */
		if (!r->status && !s->zc &&
		    (r->type == PT_VIRTIO_BLK_T_IN ||
		     r->type == PT_VIRTIO_BLK_T_GET_ID))
			check(!memcmp(s->buf, g.pool_mem + r->data_off,
				      r->len));
	}
	s->done++;
	s->live = 0;
	g.blk_live--;
	g.completions++;
	blk_release_buf(s);
}

static void blk_check_all(void)
{
	struct be_queue *b = &g.bq[0];
	uint32_t held = 0;
	unsigned live = 0;

	check_vq(b);
	check(b->vq.in_flight == g.blk_live);
	for (unsigned i = 0; i < BLK_REQS; i++) {
		struct blk_slot *s = &g.reqs[i];

		if (!s->live)
			continue;
		live++;
		check(s->r.state == PT_VBLK_REQ_IN_FLIGHT);
		/* The meta unit, the engine's data copy, our own buffer. */
		held += 1u + units(s->r.data_alloc);
		if (s->zc)
			held += units(s->buf_bytes);
	}
	check(live == g.blk_live);
	check(g.pool.used_units == held + indirect_units(&b->vq));
}

static const uint32_t blk_types[6] = {
	PT_VIRTIO_BLK_T_IN,	      PT_VIRTIO_BLK_T_OUT,
	PT_VIRTIO_BLK_T_FLUSH,	      PT_VIRTIO_BLK_T_DISCARD,
	PT_VIRTIO_BLK_T_WRITE_ZEROES, PT_VIRTIO_BLK_T_GET_ID,
};

static void blk_submit(uint8_t x, uint8_t y, uint8_t z, uint32_t v)
{
	struct be_queue *b = &g.bq[0];
	struct blk_slot *s = &g.reqs[y % BLK_REQS];
	uint32_t type = blk_types[x % 6u], len = ((z & 15u) + 1u) * 512u;
	uint64_t sector = v % (g.blk.info.capacity + 16u);
	unsigned in_flight = b->vq.in_flight;
	uint32_t pool_used = g.pool.used_units;
	int ret;

	if (s->live) {
		/* Submitting a request in flight again must be refused and
		 * leave it be. */
		check(pt_vblk_queue_submit(&g.blk, &s->r) == -PT_DEV_EINVAL);
		check(s->r.state == PT_VBLK_REQ_IN_FLIGHT);
		check(b->vq.in_flight == in_flight);
		return;
	}
	s->done = 0;
	if (type == PT_VIRTIO_BLK_T_GET_ID)
		len = PT_VIRTIO_BLK_ID_BYTES;
	s->buf_bytes = len;
	s->zc = 0;
	if ((z & 0x80u) &&
	    (type == PT_VIRTIO_BLK_T_IN || type == PT_VIRTIO_BLK_T_OUT ||
	     type == PT_VIRTIO_BLK_T_GET_ID)) {
		uint32_t off;

		/* As pt_vblk_buf_alloc: zero-copy, used in place. */
		if (pt_vpool_alloc_aligned(&g.pool, len,
					   len >= PT_VBLK_DATA_ALIGN
						   ? PT_VBLK_DATA_ALIGN
						   : PT_VPOOL_GRANULE,
					   &off))
			return;
		s->buf = g.pool_mem + off;
		s->zc = 1;
		pool_used = g.pool.used_units;
	} else {
		s->buf = malloc(len);
		check(s->buf);
	}
	memset(s->buf, x, len);
	switch (type) {
	case PT_VIRTIO_BLK_T_IN:
		pt_vblk_req_read(&s->r, sector, s->buf, len, blk_done, s);
		break;
	case PT_VIRTIO_BLK_T_OUT:
		pt_vblk_req_write(&s->r, sector, s->buf, len, blk_done, s);
		break;
	case PT_VIRTIO_BLK_T_FLUSH:
		pt_vblk_req_flush(&s->r, blk_done, s);
		break;
	case PT_VIRTIO_BLK_T_DISCARD:
		pt_vblk_req_discard(&s->r, sector, (z & 15u) + 1u, blk_done, s);
		break;
	case PT_VIRTIO_BLK_T_WRITE_ZEROES:
		pt_vblk_req_write_zeroes(&s->r, sector & ~7ull,
					 ((z & 15u) + 1u) * 8u, x & 1u,
					 blk_done, s);
		break;
	default:
		pt_vblk_req_get_id(&s->r, s->buf, blk_done, s);
		break;
	}
	ret = pt_vblk_queue_submit(&g.blk, &s->r);
	check(s->done == 0);
	if (ret) {
		check(ret == -PT_DEV_EINVAL || ret == -PT_DEV_EROFS ||
		      ret == -PT_DEV_EAGAIN || ret == -PT_DEV_EBROKEN);
		check(ret != -PT_DEV_EBROKEN || broken(b));
		check(s->r.state == PT_VBLK_REQ_IDLE);
		check(b->vq.in_flight == in_flight);
		check(g.pool.used_units == pool_used);
		blk_release_buf(s);
		return;
	}
	check(!broken(b));
	check(s->r.state == PT_VBLK_REQ_IN_FLIGHT);
	check(b->vq.in_flight == in_flight + 1u);
	s->live = 1;
	g.blk_live++;
}

static void blk_fail_all(void)
{
	unsigned live = g.blk_live, n;

	g.failing = 1;
	n = pt_vblk_queue_fail_all(&g.blk, -PT_DEV_ECLOSED);
	g.failing = 0;
	check(n == live && g.blk_live == 0);
}

static void blk_step(unsigned op, uint8_t x, uint8_t y, uint8_t z, uint32_t v)
{
	struct be_queue *b = &g.bq[0];

	switch (op) {
	case F_ADD:
		blk_submit(x, y, z, v);
		break;
	case F_HARVEST: {
		uint64_t before = g.completions;
		unsigned max = x % 4u;
		int was_broken = broken(b);
		int n = pt_vblk_queue_complete(&g.blk, max);

		if (was_broken)
			check(n == -PT_DEV_EBROKEN);
		if (n >= 0) {
			check(g.completions - before == (uint64_t)n);
			check(!max || (unsigned)n <= max);
		} else {
			check(n == -PT_DEV_EBROKEN && broken(b));
			check(g.completions == before);
		}
		break;
	}
	case F_KICK: {
		int k = pt_vq_kick_prepare(&b->vq);

		check(k == 0 || k == 1);
		break;
	}
	case F_EVENTS:
		pt_vq_enable_events(&b->vq);
		break;
	case F_OTHER:
		blk_fail_all();
		break;
	default:
		be_step(b, op, x, y, z, v);
		break;
	}
	blk_check_all();
}

/* --- mode 2: the net queues --- */

static void net_check_all(void)
{
	struct pt_vnet_queues *q = &g.net;
	struct be_queue *rx = &g.bq[0], *tx = &g.bq[1];
	uint8_t filled[PT_VNET_RX_BUFS_MAX] = { 0 };
	unsigned posted = 0;
	uint32_t held = q->nbufs * units(PT_VNET_RX_BUF_BYTES);

	check_vq(rx);
	check_vq(tx);
	check(q->filled_count <= q->nbufs);
	for (unsigned k = 0; k < q->filled_count; k++) {
		unsigned i =
			q->filled[(q->filled_head + k) % PT_VNET_RX_BUFS_MAX];

		check(i < q->nbufs && !filled[i] && !q->rx[i].posted);
		check(q->rx[i].len >= PT_VIRTIO_NET_FRAME_MIN &&
		      q->rx[i].len <= PT_VIRTIO_NET_FRAME_MAX);
		filled[i] = 1;
	}
	for (unsigned i = 0; i < q->nbufs; i++)
		posted += q->rx[i].posted;
	check(posted == rx->vq.in_flight);
	/* A buffer is posted or waiting to be taken; only a broken receive
	 * queue may lose one (it cannot be posted again). */
	if (!broken(rx))
		check(posted + q->filled_count == q->nbufs);
	for (uint16_t h = 0; h < rx->vq.size; h++) {
		uintptr_t c = (uintptr_t)rx->vq.heads[h].cookie;

		if (rx->vq.heads[h].busy)
			check(c >= 1 && c <= q->nbufs && q->rx[c - 1].posted);
	}
	check(q->stats.tx_frames - q->stats.tx_done == tx->vq.in_flight);
	for (uint16_t h = 0; h < tx->vq.size; h++)
		if (tx->vq.heads[h].busy)
			held += units(
				(uint32_t)(uintptr_t)tx->vq.heads[h].cookie);
	check(g.pool.used_units ==
	      held + indirect_units(&rx->vq) + indirect_units(&tx->vq));
}

static void net_send(uint8_t x, uint32_t v)
{
	struct be_queue *tx = &g.bq[1];
	uint32_t len = v % (PT_VIRTIO_NET_FRAME_MAX + 22u);
	uint8_t *frame = malloc(len ? len : 1u);
	uint64_t frames = g.net.stats.tx_frames;
	int ret;

	check(frame);
	memset(frame, x, len);
	ret = pt_vnet_queues_send(&g.net, frame, len);
	if (len < PT_VIRTIO_NET_FRAME_MIN || len > PT_VIRTIO_NET_FRAME_MAX)
		check(ret == -PT_DEV_EINVAL);
	else if (ret)
		check(ret == -PT_DEV_EAGAIN ||
		      (ret == -PT_DEV_EBROKEN && broken(tx)));
	else
		check(!broken(tx) && g.net.stats.tx_frames == frames + 1u);
	free(frame);
}

static void net_take(uint32_t v)
{
	struct pt_vnet_queues *q = &g.net;
	uint32_t cap = v % 1600u, want = 0, len, off = 0;
	uint8_t *buf = malloc(cap ? cap : 1u);
	unsigned i;

	check(buf);
	if (q->filled_count) {
		i = q->filled[q->filled_head];
		want = q->rx[i].len;
		off = q->rx[i].off;
	}
	len = pt_vnet_queues_take(q, buf, cap);
	check(len == want);
	check(len <= PT_VIRTIO_NET_FRAME_MAX);
	if (len) {
		check(len >= PT_VIRTIO_NET_FRAME_MIN);
		check(!memcmp(buf, g.pool_mem + off + PT_VNET_HDR_BYTES,
			      len < cap ? len : cap));
		g.completions++;
	}
	free(buf);
}

static void net_step(unsigned op, unsigned qi, uint8_t x, uint8_t y, uint8_t z,
		     uint32_t v)
{
	struct be_queue *b = &g.bq[qi];

	switch (op) {
	case F_ADD:
		net_send(x, v);
		break;
	case F_HARVEST: {
		int reposted = -1;
		int was_broken = broken(&g.bq[0]) || broken(&g.bq[1]);
		int n = pt_vnet_queues_harvest(&g.net, &reposted);

		check(reposted == 0 || reposted == 1);
		/* Bounded work per call, whatever a racing back-end does. */
		check(n <= (int)(g.bq[0].vq.size + g.bq[1].vq.size));
		if (was_broken)
			check(n == -PT_DEV_EBROKEN);
		if (n < 0)
			check(n == -PT_DEV_EBROKEN &&
			      (broken(&g.bq[0]) || broken(&g.bq[1])));
		break;
	}
	case F_KICK:
		net_take(v);
		break;
	case F_EVENTS:
		pt_vq_enable_events(&b->vq);
		break;
	case F_OTHER: {
		int k = pt_vq_kick_prepare(&b->vq);

		check(k == 0 || k == 1);
		break;
	}
	default:
		be_step(b, op, x, y, z, v);
		break;
	}
	net_check_all();
}

/* --- set-up and teardown --- */

static int setup(const uint8_t *data)
{
	uint64_t features = 0;
	uint16_t size = (uint16_t)(1u << (data[2] % 9u));
	uint32_t pool_bytes = (data[3] % 16u + 1u) * 4096u;

	memset(&g, 0, sizeof(g));
	g.mode = data[0] % MODES;
	if (data[1] & 1u)
		features |= PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX);
	if (data[1] & 2u)
		features |= PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC);
	/* Exactly the bytes each part needs: ASan sees any overrun. */
	g.pool_mem = calloc(1, pool_bytes);
	check(g.pool_mem);
	check(pt_vpool_init(&g.pool, g.pool_mem, pool_bytes) == 0);
	g.nq = g.mode == MODE_NET ? 2u : 1u;
	for (unsigned i = 0; i < g.nq; i++) {
		struct be_queue *b = &g.bq[i];

		b->l = pt_vring_layout(size);
		b->ring = calloc(1, b->l.bytes);
		check(b->ring);
		check(pt_vq_init(&b->vq, b->ring, size, features, &g.pool) ==
		      0);
	}
	for (unsigned i = 0; i < PT_VIRTQ_SIZE_MAX; i++)
		g.by_head[i] = -1;
	if (g.mode == MODE_BLK) {
		struct pt_vblk_info in = {
			.capacity = (uint64_t)data[6] | (uint64_t)data[7] << 8,
			.blk_size = data[4] & 2u ? 4096u : 512u,
			.seg_max = data[5],
			.size_max = data[4] >> 5 ? 512u << ((data[4] >> 5) - 1u)
						 : 0u,
			.max_discard = 64,
			.max_write_zeroes = 64,
			.read_only = data[4] & 1u,
			.flush = !!(data[4] & 4u),
			.discard = !!(data[4] & 8u),
			.write_zeroes = !!(data[4] & 16u),
			.features = features,
		};

		pt_vblk_queue_init(&g.blk, &g.bq[0].vq, &g.pool, &in);
	} else if (g.mode == MODE_NET) {
		int ret = pt_vnet_queues_init(&g.net, &g.bq[0].vq, &g.bq[1].vq,
					      &g.pool);

		/* Too small a pool has nothing to fuzz. */
		if (ret) {
			check(ret == -PT_DEV_ENOMEM && !g.pool.used_units);
			return -1;
		}
		check(g.bq[0].vq.in_flight == g.net.nbufs);
	}
	return 0;
}

/* Everything still in flight comes back exactly once; the pool empties. */
static void teardown(void)
{
	void *cookie;

	switch (g.mode) {
	case MODE_VQ:
		while (g.my_in_flight)
			vq_detach_one();
		check(pt_vq_detach(&g.bq[0].vq, &cookie) == 0);
		vq_check_all();
		break;
	case MODE_BLK:
		blk_fail_all();
		blk_check_all();
		break;
	case MODE_NET:
		while (pt_vq_detach(&g.bq[1].vq, &cookie) == 1) {
			uint64_t c = (uint64_t)(uintptr_t)cookie;

			check(pt_vpool_free(&g.pool, (uint32_t)(c >> 32),
					    (uint32_t)c) == 0);
		}
		while (pt_vq_detach(&g.bq[0].vq, &cookie) == 1)
			;
		for (unsigned i = 0; i < g.net.nbufs; i++)
			check(pt_vpool_free(&g.pool, g.net.rx[i].off,
					    PT_VNET_RX_BUF_BYTES) == 0);
		break;
	}
	check(g.pool.used_units == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t steps;

	if (size < HDR_BYTES)
		return 0;
	if (setup(data) == 0) {
		steps = (size - HDR_BYTES) / STEP_BYTES;
		for (size_t i = 0; i < steps; i++) {
			const uint8_t *s = data + HDR_BYTES + i * STEP_BYTES;
			unsigned op = (s[0] & 15u) % OPS;
			uint32_t v = le32(s + 4);

			if (op == H_RACE) {
				/* The window is open during the step after
				 * the racing ones. */
				size_t k = s[1] % 32u + 1u;

				if (k > steps - i - 1u)
					k = steps - i - 1u;
				g.race_at = s + STEP_BYTES;
				g.race_left = k;
				i += k;
				continue;
			}

			if (g.mode == MODE_VQ)
				vq_step(op, s[1], s[2], s[3], v);
			else if (g.mode == MODE_BLK)
				blk_step(op, s[1], s[2], s[3], v);
			else
				net_step(op, (s[0] >> 4) & 1u, s[1], s[2], s[3],
					 v);
			g.race_left = 0;
		}
		teardown();
		if (verbose)
			fprintf(stderr, "mode %u: %llu completions, %s; %s\n",
				g.mode, (unsigned long long)g.completions,
				g.bq[0].broken ? g.bq[0].broken : "intact",
				g.bq[1].broken ? g.bq[1].broken : "intact");
	}
	for (unsigned i = 0; i < 2; i++)
		free(g.bq[i].ring);
	free(g.pool_mem);
	return 0;
}
