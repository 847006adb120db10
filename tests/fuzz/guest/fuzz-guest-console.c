// SPDX-License-Identifier: MIT
/* libFuzzer harness: a hostile console back-end's used rings, lengths, receive bytes and device status against the guest's console front-end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <partita-guest/vconsole.h>

/*
 * vconsole.c is compiled in here with pt_vq_get_used interposed: the
 * model sees every entry the front-end takes, and a back-end racing on
 * another CPU can act between any two of its looks at a used ring (the
 * RACE step). The negotiation (xenbus-virtio.c) and the device's pages,
 * grants and port (vdev.c) are faked below: fuzz-guest-xenbus covers the
 * first, and this target is about the rings.
 */
static int race_get_used(struct pt_vq *q, void **cookie, uint32_t *len);
#define pt_vq_get_used race_get_used
#include "../../../pv-guest-lib/console-front/vconsole.c"
#undef pt_vq_get_used

/*
 * The input (tests/fuzz/guest/make-seeds.py writes the same layout):
 *
 *   0  features the back-end offers: bit 0 EVENT_IDX, bit 1 INDIRECT_DESC
 *   1  its largest queue: 64 >> (byte % 4) (below 16 the receive buffers
 *      do not fit, and every connect fails)
 *   2  its largest pool: (byte % 16) + 1 pages
 *   3  bit 0: the device's directory is not there (open fails)
 *   4.. steps of 8 bytes: op, x, y, z, then u32 v little-endian
 *
 * (op & 15) % 16 is the step; bit 4 of op picks the queue the back-end's
 * steps act on (0 receive, 1 transmit). The back-end's steps:
 *
 *   0 TAKE      take up to x % 8 + 1 chains the front-end made available
 *               (transmit: the bytes they carry are the back-end's output)
 *   1 PUSH      complete taken chain y % taken, length by z % 4: 0 its
 *               writable bytes, 1 v % (those + 1), 2 those + 1 + v % 256,
 *               3 v; then used idx += 1, or 0 (x % 8 == 6) or 2 (== 7)
 *   2 PUSH_RAW  used entry (id y | z << 8, len v), used idx += x % 4
 *   3 USED_IDX  used idx = v (z odd) or += v (z even)
 *   4 RING      ring byte at v % ring bytes (z odd: in the used ring) = x
 *   5 POOL      y + 1 bytes of value x at pool offset v % pool bytes
 *   6 FILL      writable segment of taken chain y: x + 1 bytes counting
 *               up from v >> 16, at (v & 0xffff) % its length
 *   7 YIELD     ends the back-end's turn inside a wait
 *   8 RACE      the next x % 8 + 1 steps are a back-end on another CPU:
 *               during the caller's step after them, they all run each
 *               time the front-end looks at a used ring, up to (y + 1) * 8
 *               times
 *   9 DOWN      the next connect fails (the device's status); x odd: the
 *               next disconnect fails too
 *
 * and the caller's:
 *
 *  10 WRITE     pt_vconsole_write of v % 5000 bytes (a counting pattern
 *               without NULs; x odd: through pt_vconsole_puts)
 *  11 READ      pt_vconsole_read into v % 700 bytes
 *  12 POLL      pt_vconsole_poll
 *  13 CLOSE     pt_vconsole_close
 *  14 RECONNECT pt_vconsole_reconnect
 *  15 STATS     pt_vconsole_get_stats, checked against the model
 *
 * A front-end that waits (pt_vdev_wait) gives the back-end its turn: the
 * back-end steps that follow run then, up to a YIELD or the next caller
 * step; a turn with no step in it is the deadline passing.
 *
 * After every step: each queue's descriptors are free or in exactly one
 * chain in flight, a broken queue stays broken, and the pool holds
 * exactly the sixteen receive buffers, the transmit chains in flight and
 * their indirect tables. A receive entry must name a posted buffer not
 * already waiting to be read, with at most its 256 bytes; a read returns
 * exactly the bytes of the entries taken, in order, as the pool holds
 * them, as many as fit, and writes nothing past them; the transmit
 * chains carry exactly the bytes written, in order; no harvest takes more
 * than a queue's worth of receive entries (a racing back-end must not
 * hold the guest in its loop).
 */
#define HDR_BYTES 4u
#define STEP_BYTES 8u
#define OPS 16u
#define TAKEN_MAX 512u
#define SEGS_MAX 4u
#define WRITE_MAX 5000u
#define READ_MAX 700u
#define TX_STREAM_MAX (1u << 20)
#define RACE_PROG_MAX 8u

enum {
	H_TAKE,
	H_PUSH,
	H_PUSH_RAW,
	H_USED_IDX,
	H_RING,
	H_POOL,
	H_FILL,
	H_YIELD,
	H_RACE,
	H_DOWN,
	F_WRITE,
	F_READ,
	F_POLL,
	F_CLOSE,
	F_RECONNECT,
	F_STATS,
};

#define check(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz-guest-console: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

/* What the back-end remembers of one queue. */
struct be_queue {
	uint16_t last_avail;
	uint16_t taken[TAKEN_MAX];
	unsigned ntaken;
	const char *broken;
	unsigned run; /* entries taken in a row by one harvest */
};

/* A receive entry the front-end took and has not yet handed on. */
struct rx_entry {
	unsigned buf;
	uint32_t len, pos;
	uint8_t bytes[PT_VCONSOLE_RX_BUF_SIZE];
};

static struct {
	struct pt_vconsole con;
	uint8_t offer_features, qlimit_log, pool_limit, no_device;
	int down_connect, down_disconnect;
	uint8_t *ring_mem[2];
	uint8_t *pool_mem;
	struct pt_vring_layout l[2];
	struct be_queue bq[2];
	/* The model. */
	struct rx_entry rx[PT_VCONSOLE_RX_BUFS];
	unsigned rx_head, rx_count;
	uint64_t rx_taken_bytes;
	uint8_t *written; /* what writes returned as written, in order */
	uint32_t written_len;
	uint32_t offered_len; /* and what the write under way may add */
	uint32_t tx_seen;     /* bytes of it the back-end found in chains */
	int tx_tainted;	      /* the back-end scribbled: contents unchecked */
	uint8_t pattern;
	/* The input, and where the back-end's turns take steps from. */
	const uint8_t *at, *end;
	/* RACE: a program of steps run during the next caller step. */
	const uint8_t *race_prog;
	unsigned race_len, race_left;
	int racing; /* inside a racing step: no nesting */
} g;

static int verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	g.written = malloc(TX_STREAM_MAX);
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint32_t units(uint32_t bytes)
{
	return (bytes + PT_VPOOL_GRANULE - 1u) / PT_VPOOL_GRANULE;
}

static struct pt_vdev *vd(void)
{
	return &g.con.front.dev;
}

static int up(void)
{
	return vd()->allocated;
}

static volatile struct pt_vring_used *used_of(unsigned q)
{
	return (volatile struct pt_vring_used *)(g.ring_mem[q] + g.l[q].used);
}

static volatile struct pt_vring_avail *avail_of(unsigned q)
{
	return (volatile struct pt_vring_avail *)(g.ring_mem[q] + g.l[q].avail);
}

/* --- the device layer and negotiation, faked --- */

int pt_xenbus_open_self(struct pt_xenbus *xb, const char *type, unsigned n)
{
	memset(xb, 0, sizeof(*xb));
	return g.no_device ? -PT_DEV_ENODEV : 0;
}

static void free_device(void)
{
	for (unsigned q = 0; q < 2; q++) {
		free(g.ring_mem[q]);
		g.ring_mem[q] = NULL;
	}
	free(g.pool_mem);
	g.pool_mem = NULL;
	vd()->allocated = 0;
}

/* Fresh exact-size rings and pool (so ASan sees a step off them), the
 * sizes shrunk to the back-end's limits as xenbus-virtio.c does. */
int pt_virtio_front_connect(struct pt_virtio_front *f,
			    const struct pt_vdev_config *want,
			    uint64_t features, uint64_t required,
			    uint64_t deadline_ns)
{
	struct pt_vdev *d = &f->dev;
	uint32_t qmax = 64u >> g.qlimit_log;
	uint64_t offered = PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1);

	check(!d->allocated);
	/* A directory that open did not find cannot be negotiated on. */
	if (g.no_device)
		return -PT_DEV_ESTATE;
	if (g.down_connect) {
		g.down_connect = 0;
		return -PT_DEV_ECLOSED;
	}
	if (g.offer_features & 1u)
		offered |= PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX);
	if (g.offer_features & 2u)
		offered |= PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC);
	check((required & ~(features & offered)) == 0);
	memset(d, 0, sizeof(*d));
	d->num_queues = want->num_queues;
	check(d->num_queues == 2);
	d->features = features & offered;
	d->pool_pages = want->pool_pages < g.pool_limit ? want->pool_pages
							: g.pool_limit;
	g.pool_mem = calloc(1, d->pool_pages * 4096u);
	check(g.pool_mem);
	check(pt_vpool_init(&d->pool, g.pool_mem, d->pool_pages * 4096u) == 0);
	for (unsigned q = 0; q < 2; q++) {
		d->queue_size[q] = (uint16_t)pt_xenbus_pow2_floor(
			want->queue_size[q], qmax);
		g.l[q] = pt_vring_layout(d->queue_size[q]);
		g.ring_mem[q] = calloc(1, g.l[q].bytes);
		check(g.ring_mem[q]);
		check(pt_vq_init(&d->vq[q], g.ring_mem[q], d->queue_size[q],
				 d->features, &d->pool) == 0);
	}
	memset(g.bq, 0, sizeof(g.bq));
	d->allocated = 1;
	f->connects++;
	g.rx_head = g.rx_count = 0;
	return 0;
}

int pt_virtio_front_disconnect(struct pt_virtio_front *f, uint64_t deadline_ns)
{
	int ret = g.down_disconnect ? -PT_DEV_ETIMEDOUT : 0;

	g.down_disconnect = 0;
	/* The grants end either way: what was in flight is gone. */
	free_device();
	g.rx_head = g.rx_count = 0;
	return ret;
}

int pt_vdev_kick(struct pt_vdev *d, unsigned qi)
{
	check(d == vd() && qi < 2 && up());
	pt_vq_kick_prepare(&d->vq[qi]);
	return 0;
}

static unsigned spurious;

void pt_vdev_spurious(struct pt_vdev *d)
{
	spurious++;
}

static int backend_turn(void);

/* Time stands still: the deadline is an empty back-end turn (below), not
 * the clock. */
uint64_t pt_time_ns(void)
{
	return 0;
}

/* The front-end sleeps: the back-end's turn. An empty turn is the
 * deadline. */
int pt_vdev_wait(struct pt_vdev *d, uint64_t deadline_ns)
{
	check(d == vd() && up());
	if (!backend_turn())
		return 0;
	d->stats.events++;
	return 1;
}

/* --- the back-end --- */

/* The segments of the chain at head with the wanted direction (write:
 * writable, else readable), read carefully: the descriptors may have been
 * rewritten by our own hostile steps. */
static unsigned be_segs(unsigned q, uint16_t head, int write,
			struct pt_vq_seg *w, unsigned max, uint32_t *total)
{
	volatile struct pt_vring_desc *desc =
		(volatile struct pt_vring_desc *)g.ring_mem[q];
	uint16_t size = vd()->vq[q].size;
	uint32_t bytes = vd()->pool.bytes;
	uint64_t sum = 0;
	unsigned n = 0;
	struct pt_vring_desc d;

	*total = 0;
	if (head >= size)
		return 0;
	d = desc[head];
	if (d.flags & PT_VRING_DESC_F_INDIRECT) {
		uint32_t cnt = d.len / (uint32_t)sizeof(d);

		if (d.addr >= bytes || d.len > bytes - d.addr)
			return 0;
		for (uint32_t i = 0; i < cnt && i < PT_VIRTQ_SIZE_MAX; i++) {
			struct pt_vring_desc t;

			memcpy(&t, g.pool_mem + d.addr + i * sizeof(t),
			       sizeof(t));
			if (!!(t.flags & PT_VRING_DESC_F_WRITE) != write ||
			    t.addr >= bytes || t.len > bytes - t.addr || !t.len)
				continue;
			sum += t.len;
			if (n < max)
				w[n++] = (struct pt_vq_seg){ (uint32_t)t.addr,
							     t.len };
		}
	} else {
		for (unsigned i = 0; i < size; i++) {
			if (!!(d.flags & PT_VRING_DESC_F_WRITE) == write &&
			    d.addr < bytes && d.len <= bytes - d.addr &&
			    d.len) {
				sum += d.len;
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
	*total = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
	return n;
}

/* The transmit bytes in a chain the back-end takes are the front-end's
 * output: they must continue what the caller wrote. */
static void be_read_tx(uint16_t head)
{
	struct pt_vq_seg s[SEGS_MAX];
	uint32_t total;
	unsigned n = be_segs(1, head, 0, s, SEGS_MAX, &total);

	if (g.tx_tainted)
		return;
	check(n == 1);
	check(s[0].len <= g.offered_len - g.tx_seen);
	check(!memcmp(g.pool_mem + s[0].off, g.written + g.tx_seen, s[0].len));
	g.tx_seen += s[0].len;
}

static void be_take(unsigned q, unsigned k)
{
	struct be_queue *b = &g.bq[q];
	volatile struct pt_vring_avail *a = avail_of(q);
	uint16_t size = vd()->vq[q].size;

	while (k-- && b->last_avail != a->idx && b->ntaken < TAKEN_MAX) {
		uint16_t head = a->ring[b->last_avail & (size - 1u)];

		b->last_avail++;
		b->taken[b->ntaken++] = head;
		if (q == TXQ)
			be_read_tx(head);
	}
}

static void be_publish(unsigned q, uint32_t id, uint32_t len, unsigned bump)
{
	volatile struct pt_vring_used *u = used_of(q);
	uint16_t slot = u->idx & (uint16_t)(vd()->vq[q].size - 1u);

	u->ring[slot].id = id;
	u->ring[slot].len = len;
	u->idx = (uint16_t)(u->idx + bump);
}

/* The model's copies follow what the back-end writes into the pool. */
static void rx_resnapshot(void)
{
	for (unsigned k = 0; k < g.rx_count; k++) {
		struct rx_entry *e =
			&g.rx[(g.rx_head + k) % PT_VCONSOLE_RX_BUFS];

		memcpy(e->bytes, g.pool_mem + g.con.rx[e->buf].off, e->len);
	}
}

static void be_step(unsigned op, unsigned q, uint8_t x, uint8_t y, uint8_t z,
		    uint32_t v)
{
	struct be_queue *b = &g.bq[q];
	struct pt_vq_seg w[SEGS_MAX];
	uint32_t wlen, len, pool_bytes = vd()->pool.bytes;
	unsigned n, i;

	/* Completing a transmit chain it never took lets the front-end
	 * reuse its buffer before the back-end reads it: the bytes the
	 * back-end sees later are then not the stream's. */
	if (q == TXQ && (op == H_PUSH_RAW || op == H_USED_IDX ||
			 (op == H_PUSH && x % 8u >= 6u)))
		g.tx_tainted = 1;
	switch (op) {
	case H_TAKE:
		be_take(q, x % 8u + 1u);
		break;
	case H_PUSH:
		if (!b->ntaken)
			break;
		i = y % b->ntaken;
		be_segs(q, b->taken[i], 1, w, SEGS_MAX, &wlen);
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
		be_publish(q, b->taken[i], len,
			   x % 8u == 6	 ? 0
			   : x % 8u == 7 ? 2
					 : 1);
		b->taken[i] = b->taken[--b->ntaken];
		break;
	case H_PUSH_RAW:
		be_publish(q, (uint32_t)y | (uint32_t)z << 8, v, x % 4u);
		break;
	case H_USED_IDX:
		if (z & 1u)
			used_of(q)->idx = (uint16_t)v;
		else
			used_of(q)->idx = (uint16_t)(used_of(q)->idx + v);
		break;
	case H_RING:
		g.tx_tainted = 1;
		if (z & 1u)
			g.ring_mem[q][g.l[q].used +
				      v % (g.l[q].bytes - g.l[q].used)] = x;
		else
			g.ring_mem[q][v % g.l[q].bytes] = x;
		break;
	case H_POOL: {
		uint32_t at = v % pool_bytes, k = (uint32_t)y + 1u;

		if (k > pool_bytes - at)
			k = pool_bytes - at;
		memset(g.pool_mem + at, x, k);
		g.tx_tainted = 1;
		rx_resnapshot();
		break;
	}
	case H_FILL:
		if (!b->ntaken)
			break;
		n = be_segs(q, b->taken[y % b->ntaken], 1, w, SEGS_MAX, &wlen);
		if (!n)
			break;
		{
			uint32_t at = (v & 0xffffu) % w[0].len;
			uint32_t k = (uint32_t)x + 1u;

			if (k > w[0].len - at)
				k = w[0].len - at;
			for (uint32_t j = 0; j < k; j++)
				g.pool_mem[w[0].off + at + j] =
					(uint8_t)((v >> 16) + j);
		}
		rx_resnapshot();
		break;
	default:
		break;
	}
}

static int is_backend_op(unsigned op)
{
	return op <= H_DOWN;
}

static unsigned op_of(const uint8_t *s)
{
	return (s[0] & 15u) % OPS;
}

/* Runs the back-end's steps that come next in the input, up to a YIELD
 * or a caller's step; returns how many ran. */
static int backend_turn(void)
{
	int ran = 0;

	while (g.end - g.at >= STEP_BYTES && is_backend_op(op_of(g.at))) {
		const uint8_t *s = g.at;
		unsigned op = op_of(s);

		g.at += STEP_BYTES;
		if (op == H_YIELD)
			break;
		if (op == H_RACE || op == H_DOWN)
			continue; /* only at the top */
		if (up())
			be_step(op, (s[0] >> 4) & 1u, s[1], s[2], s[3],
				le32(s + 4));
		ran++;
	}
	return ran;
}

/* --- the front-end, watched --- */

static void check_vq(unsigned q)
{
	const struct pt_vq *vq = &vd()->vq[q];
	uint8_t seen[PT_VIRTQ_SIZE_MAX] = { 0 };
	unsigned busy = 0, marked = 0;
	uint16_t d = vq->free_head;

	if (g.bq[q].broken)
		check(vq->broken == g.bq[q].broken);
	g.bq[q].broken = vq->broken;
	check(vq->num_free <= vq->size);
	for (unsigned i = 0; i < vq->num_free; i++) {
		check(d < vq->size && !seen[d]);
		seen[d] = 1;
		marked++;
		d = vq->next[d];
	}
	for (uint16_t h = 0; h < vq->size; h++) {
		const struct pt_vq_head *hd = &vq->heads[h];

		if (!hd->busy)
			continue;
		busy++;
		d = h;
		for (unsigned i = 0; i < hd->ndesc; i++) {
			check(d < vq->size && !seen[d]);
			seen[d] = 2;
			marked++;
			d = vq->next[d];
		}
	}
	check(marked == vq->size);
	check(busy == vq->in_flight);
}

/* The racing back-end's program, once, if one is armed. */
static void race_tick(void)
{
	if (g.racing || !g.race_left || !g.race_len || !up())
		return;
	g.race_left--;
	g.racing = 1;
	for (unsigned k = 0; k < g.race_len; k++) {
		const uint8_t *s = g.race_prog + k * STEP_BYTES;
		unsigned op = op_of(s);

		if (op <= H_FILL)
			be_step(op, (s[0] >> 4) & 1u, s[1], s[2], s[3],
				le32(s + 4));
	}
	g.racing = 0;
}

static int race_get_used(struct pt_vq *q, void **cookie, uint32_t *len)
{
	unsigned qi = q == &vd()->vq[RXQ] ? RXQ : TXQ;
	int ret;

	check(q == &vd()->vq[qi]);
	race_tick();
	ret = pt_vq_get_used(q, cookie, len);
	if (qi == TXQ) {
		g.bq[RXQ].run = 0;
		if (ret == 1) {
			uint64_t c = (uint64_t)(uintptr_t)*cookie;

			/* A transmit chain's own pool range. */
			check((uint32_t)c >= 1u &&
			      (uint32_t)c <= PT_VCONSOLE_TX_CHUNK);
			check((c >> 32) + (uint32_t)c <= vd()->pool.bytes);
		}
		return ret;
	}
	if (ret != 1) {
		g.bq[RXQ].run = 0;
		return ret;
	}
	/* One harvest takes at most a queue's worth of receive entries. */
	check(++g.bq[RXQ].run <= q->size);
	{
		unsigned i = (unsigned)(uintptr_t)*cookie - 1u;
		struct rx_entry *e;

		check(i < PT_VCONSOLE_RX_BUFS);
		check(g.con.rx[i].posted);
		check(*len <= PT_VCONSOLE_RX_BUF_SIZE);
		for (unsigned k = 0; k < g.rx_count; k++)
			check(g.rx[(g.rx_head + k) % PT_VCONSOLE_RX_BUFS].buf !=
			      i);
		if (!*len)
			return ret;
		check(g.rx_count < PT_VCONSOLE_RX_BUFS);
		e = &g.rx[(g.rx_head + g.rx_count++) % PT_VCONSOLE_RX_BUFS];
		e->buf = i;
		e->len = *len;
		e->pos = 0;
		check(g.con.rx[i].off + PT_VCONSOLE_RX_BUF_SIZE <=
		      vd()->pool.bytes);
		memcpy(e->bytes, g.pool_mem + g.con.rx[i].off, *len);
		g.rx_taken_bytes += *len;
	}
	return ret;
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

static void check_all(void)
{
	uint32_t held = 0;
	const struct pt_vq *txq;

	if (!up())
		return;
	check_vq(RXQ);
	check_vq(TXQ);
	if (!g.con.connected)
		return;
	/* What the model holds, the console holds, in the same order. */
	check(g.con.filled_count == g.rx_count);
	for (unsigned k = 0; k < g.rx_count; k++) {
		unsigned i = g.con.filled[(g.con.filled_head + k) %
					  PT_VCONSOLE_RX_BUFS];
		const struct rx_entry *e =
			&g.rx[(g.rx_head + k) % PT_VCONSOLE_RX_BUFS];

		check(i == e->buf && !g.con.rx[i].posted);
	}
	held = PT_VCONSOLE_RX_BUFS * units(PT_VCONSOLE_RX_BUF_SIZE);
	txq = &vd()->vq[TXQ];
	for (uint16_t h = 0; h < txq->size; h++)
		if (txq->heads[h].busy)
			held += units(
				(uint32_t)(uintptr_t)txq->heads[h].cookie);
	held += indirect_units(&vd()->vq[RXQ]) + indirect_units(txq);
	check(vd()->pool.used_units == held);
}

/* A read hands on exactly the bytes of the entries taken, in order. */
static void do_read(uint32_t cap)
{
	static uint8_t buf[READ_MAX + 16];
	uint64_t queued = 0;
	long n;
	uint32_t got = 0;

	memset(buf, 0xEE, sizeof(buf));
	n = pt_vconsole_read(&g.con, buf, cap, 1);
	if (n <= 0) {
		check(n == 0 || n == -PT_DEV_ESTATE || n == -PT_DEV_EBROKEN);
		for (unsigned k = 0; k < sizeof(buf); k++)
			check(buf[k] == 0xEE);
		return;
	}
	check((uint32_t)n <= cap);
	for (unsigned k = 0; k < g.rx_count; k++) {
		const struct rx_entry *e =
			&g.rx[(g.rx_head + k) % PT_VCONSOLE_RX_BUFS];

		queued += e->len - e->pos;
	}
	check((uint64_t)n == (queued < cap ? queued : cap));
	while (got < (uint32_t)n) {
		struct rx_entry *e = &g.rx[g.rx_head];
		uint32_t k = e->len - e->pos;

		check(g.rx_count);
		if (k > (uint32_t)n - got)
			k = (uint32_t)n - got;
		check(!memcmp(buf + got, e->bytes + e->pos, k));
		got += k;
		e->pos += k;
		if (e->pos == e->len) {
			g.rx_head = (g.rx_head + 1) % PT_VCONSOLE_RX_BUFS;
			g.rx_count--;
		}
	}
	for (unsigned k = (unsigned)n; k < sizeof(buf); k++)
		check(buf[k] == 0xEE);
}

static void do_write(uint32_t len, int as_string)
{
	static uint8_t buf[WRITE_MAX + 1];
	uint64_t before = g.con.tx_bytes;
	long n;

	for (uint32_t k = 0; k < len; k++) {
		buf[k] = g.pattern;
		g.pattern = (uint8_t)(g.pattern % 255u + 1u);
	}
	buf[len] = 0;
	/* The back-end may take chunks while the write waits for room. */
	if (g.written_len + len <= TX_STREAM_MAX) {
		memcpy(g.written + g.written_len, buf, len);
		g.offered_len = g.written_len + len;
	} else {
		g.tx_tainted = 1; /* long enough: stop comparing */
	}
	n = as_string ? pt_vconsole_puts(&g.con, (const char *)buf, 1)
		      : pt_vconsole_write(&g.con, buf, len, 1);
	if (n < 0) {
		check(n == -PT_DEV_ESTATE || n == -PT_DEV_EBROKEN ||
		      n == -PT_DEV_ETIMEDOUT);
		check(g.con.tx_bytes == before);
		g.offered_len = g.written_len;
		return;
	}
	check((uint32_t)n <= len);
	check(g.con.tx_bytes == before + (uint64_t)n);
	g.written_len += (uint32_t)n;
	g.offered_len = g.written_len;
}

static void do_stats(void)
{
	struct pt_vconsole_stats s;

	pt_vconsole_get_stats(&g.con, &s);
	check(s.rx_bytes == g.rx_taken_bytes);
	check(s.tx_bytes == g.written_len);
	check(s.rx_bufs <= s.rx_bytes);
}

static void after_disconnect(void)
{
	/* Unread data goes with the connection; chains in flight too. */
	g.rx_head = g.rx_count = 0;
	if (!up())
		g.tx_tainted = 1;
}

static void caller_step(unsigned op, uint8_t x, uint32_t v)
{
	int ret;

	switch (op) {
	case F_WRITE:
		do_write(v % WRITE_MAX, x & 1u);
		break;
	case F_READ:
		do_read(v % READ_MAX);
		break;
	case F_POLL:
		ret = pt_vconsole_poll(&g.con);
		check(ret == 0 || ret == -PT_DEV_ESTATE ||
		      ret == -PT_DEV_EBROKEN);
		break;
	case F_CLOSE:
		pt_vconsole_close(&g.con, 1);
		check(!g.con.connected && !up());
		after_disconnect();
		break;
	case F_RECONNECT:
		if (g.con.connected) {
			check(pt_vconsole_reconnect(&g.con, 1) ==
			      -PT_DEV_ESTATE);
			check(g.con.connected && up());
			break;
		}
		ret = pt_vconsole_reconnect(&g.con, 1);
		check(ret == 0 ? g.con.connected && up()
			       : !g.con.connected && !up());
		if (ret)
			after_disconnect();
		else
			g.tx_tainted = 1; /* a new stream, old bytes lost */
		break;
	case F_STATS:
		do_stats();
		break;
	default:
		break;
	}
}

static void reset(const uint8_t *data)
{
	uint8_t *written = g.written;

	memset(&g, 0, sizeof(g));
	g.written = written;
	g.offer_features = data[0];
	g.qlimit_log = data[1] % 4u;
	g.pool_limit = (uint8_t)(data[2] % 16u + 1u);
	g.no_device = data[3] & 1u;
	g.pattern = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int ret;

	if (size < HDR_BYTES)
		return 0;
	reset(data);
	g.at = data + HDR_BYTES;
	g.end = data + size;
	ret = pt_vconsole_open(&g.con, 0, 1);
	if (verbose)
		fprintf(stderr, "open: %d\n", ret);
	check(ret == 0 ? g.con.connected && up() : !g.con.connected && !up());
	/* A failed open leaves a closed console: reconnect may try again. */
	if (ret)
		after_disconnect();
	check_all();
	while (g.end - g.at >= STEP_BYTES) {
		const uint8_t *s = g.at;
		unsigned op = op_of(s);

		g.at += STEP_BYTES;
		if (op == H_RACE) {
			unsigned len = s[1] % RACE_PROG_MAX + 1u;

			if ((size_t)(g.end - g.at) < len * STEP_BYTES)
				break;
			g.race_prog = g.at;
			g.race_len = len;
			g.race_left = ((unsigned)s[2] + 1u) * 8u;
			g.at += len * STEP_BYTES;
			continue;
		}
		if (op == H_DOWN) {
			g.down_connect = 1;
			g.down_disconnect = s[1] & 1u;
			continue;
		}
		if (is_backend_op(op)) {
			if (up() && op != H_YIELD)
				be_step(op, (s[0] >> 4) & 1u, s[1], s[2], s[3],
					le32(s + 4));
		} else {
			caller_step(op, s[1], le32(s + 4));
			g.race_left = 0;
		}
		check_all();
	}
	if (verbose)
		fprintf(stderr,
			"console: connected %u, rx %llu bytes, tx %u bytes, "
			"broken %s/%s\n",
			g.con.connected, (unsigned long long)g.rx_taken_bytes,
			g.written_len,
			up() && vd()->vq[RXQ].broken ? vd()->vq[RXQ].broken
						     : "-",
			up() && vd()->vq[TXQ].broken ? vd()->vq[TXQ].broken
						     : "-");
	pt_vconsole_close(&g.con, 1);
	check(!up());
	return 0;
}
