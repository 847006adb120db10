// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness: a hostile guest's ring and pool against backd's ring, block and net parsers. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "blk-req.h"
#include "console-back.h"
#include "net-back.h"
#include "net-frame.h"
#include "vring-back.h"

/*
 * The input, in fixed places so a mutation of one part does not move the
 * others (docs: tests/fuzz/backd/make-seeds.py writes the same layout):
 *
 *   0  queue size: 1 << (byte % 9)
 *   1  bit 0 INDIRECT_DESC, bit 1 EVENT_IDX, bits 2-3 the mode:
 *      0 pop, parse as block and as net transmit, push (by hand);
 *      1 net_back_tx to a socketpair "TAP"; 2 net_back_rx from it;
 *      3 console_back_tx into the console's history (nobody attached)
 *   2  pool pages: 1, 2, 4 or 17 (byte % 4); 17 holds a segment over
 *      the block device's 64 KiB size-max
 *   3  in-flight limit: byte % (size + 1), 0 meaning the queue size
 *   4  block: bit 0 read-only, bit 1 4096-byte blocks, bit 2 DISCARD,
 *      bit 3 WRITE_ZEROES negotiated
 *   5-6 disk capacity in sectors (little-endian)
 *   7  guest moves: byte % 9
 *   8..43  nine moves of four bytes: op, a, b, c
 *   44.. the ring pages (as many bytes as the layout needs), then the pool
 *
 * A move is what a guest does between two of the back-end's service
 * rounds: op % 5 is 0 set avail idx to a | b << 8, 1 add a to it, 2 write
 * byte c at ring offset a | b << 8, 3 write byte c at pool offset
 * (a | b << 8) * 4, 4 restart the back-end (vring_back_resume). After
 * each move the back-end serves the queue.
 */
#define HDR_BYTES 8u
#define MOVES 9u
#define MOVE_BYTES 4u
#define RING_AT (HDR_BYTES + MOVES * MOVE_BYTES)
#define POOL_PAGES_MAX 17u

/* Explicit checks: a violated invariant aborts even without sanitizers. */
#define check(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "fuzz-vring: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                            \
			abort();                                             \
		}                                                            \
	} while (0)

static uint8_t *pages[POOL_PAGES_MAX];
static int sv[2] = { -1, -1 }; /* sv[0] the back-end's "TAP", sv[1] the root */
static struct net_back nb;
static struct console_back cb;
static int verbose; /* FUZZ_VERBOSE=1: a line per input, to check seeds */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	signal(SIGPIPE, SIG_IGN);
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	/* One page per allocation, none spare: ASan sees any overrun. */
	for (unsigned int i = 0; i < POOL_PAGES_MAX; i++)
		pages[i] = malloc(VRING_POOL_PAGE);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv))
		abort();
	if (net_back_init(&nb))
		abort();
	/* A small history, so that guest output overflows it often. */
	if (console_back_init(&cb, 4096))
		abort();
	return 0;
}

struct run {
	struct vring_pool pool;
	struct vring_back q;
	uint8_t *ring;
	uint32_t ring_bytes;
	uint16_t size;
	int mode;
	struct blk_limits lim;
	uint16_t held[PT_VIRTQ_SIZE_MAX]; /* popped, not yet pushed (mode 0) */
	uint32_t nheld;
	uint64_t now_ms;
};

static void drain(int fd)
{
	uint8_t buf[2048];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

/* What every chain the ring hands out must be. */
static void check_chain(const struct run *u, const struct vring_chain *c)
{
	uint64_t rb = 0, wb = 0;
	unsigned int n = c->nread + c->nwrite;

	check(c->head < u->size);
	check(n >= 1 && n <= u->size);
	for (unsigned int i = 0; i < n; i++) {
		check(c->seg[i].len > 0);
		check(vring_pool_contains(&u->pool, c->seg[i].off,
					  c->seg[i].len));
		if (i < c->nread)
			rb += c->seg[i].len;
		else
			wb += c->seg[i].len;
	}
	check(rb == c->read_bytes && wb == c->write_bytes);
}

static int same_seg(const struct vring_seg *a, const struct vring_seg *b)
{
	return a->off == b->off && a->len == b->len;
}

/* A parsed block request: only what blk-req.h promises gets through. */
static uint32_t check_blk(const struct run *u, const struct vring_chain *c)
{
	const struct blk_limits *lim = &u->lim;
	unsigned int n = c->nread + c->nwrite;
	struct blk_req r;
	uint64_t sum = 0;

	memset(&r, 0x5a, sizeof(r));
	blk_req_parse(&u->q, c, lim, &r);
	if (verbose)
		fprintf(stderr, "  head %u: block %s, status %u%s%s\n", c->head,
			blk_type_name(r.type), r.status, r.why ? ": " : "",
			r.why ? r.why : "");
	check(r.ndata <= BLK_SEG_MAX && r.nranges <= BLK_RANGES_MAX);
	if (r.has_status) {
		check(c->nwrite >= 1 && c->seg[n - 1].len == 1);
		check(r.status_off == c->seg[n - 1].off);
	}
	if (r.status != BLK_S_PENDING) {
		check(r.why != NULL);
		return r.has_status;
	}
	check(r.has_status);
	for (unsigned int i = 0; i < r.ndata; i++) {
		check(r.data[i].len <= BLK_SIZE_MAX);
		check(vring_pool_contains(&u->pool, r.data[i].off,
					  r.data[i].len));
		sum += r.data[i].len;
	}
	check(sum == r.bytes && r.bytes <= BLK_REQ_BYTES_MAX);
	if (lim->ro)
		check(!blk_req_writes(r.type));
	switch (r.type) {
	case PT_VIRTIO_BLK_T_IN:
	case PT_VIRTIO_BLK_T_OUT:
		check(r.ndata >= 1 && r.bytes % PT_VIRTIO_BLK_SECTOR == 0);
		check(r.sector <= lim->capacity &&
		      r.bytes / PT_VIRTIO_BLK_SECTOR <=
			      lim->capacity - r.sector);
		check(r.sector % (lim->align / PT_VIRTIO_BLK_SECTOR) == 0 &&
		      r.bytes % lim->align == 0);
		/* Reads fill writable segments, writes take readable ones. */
		for (unsigned int i = 0; i < r.ndata; i++)
			check(r.type == PT_VIRTIO_BLK_T_IN
				      ? same_seg(&r.data[i], &c->seg[1 + i]) &&
						1 + i >= c->nread
				      : same_seg(&r.data[i], &c->seg[1 + i]) &&
						1 + i < c->nread);
		return r.type == PT_VIRTIO_BLK_T_IN ? (uint32_t)r.bytes + 1 : 1;
	case PT_VIRTIO_BLK_T_FLUSH:
		check(n == 2 && r.ndata == 0);
		return 1;
	case PT_VIRTIO_BLK_T_GET_ID:
		check(r.ndata >= 1 && c->nread == 1);
		return 1;
	case PT_VIRTIO_BLK_T_DISCARD:
	case PT_VIRTIO_BLK_T_WRITE_ZEROES:
		check(r.nranges >= 1 && r.bytes == 16u * r.nranges);
		check(lim->features &
		      PT_VIRTIO_FEATURE(
			      r.type == PT_VIRTIO_BLK_T_DISCARD
				      ? PT_VIRTIO_BLK_F_DISCARD
				      : PT_VIRTIO_BLK_F_WRITE_ZEROES));
		for (unsigned int i = 0; i < r.nranges; i++) {
			check(r.range[i].sector <= lim->capacity &&
			      r.range[i].num_sectors <=
				      lim->capacity - r.range[i].sector);
			check(r.range[i].num_sectors <= 65536u);
		}
		return 1;
	default:
		check(0 && "an unknown type was accepted");
	}
	return 0;
}

/* The transmit path's judgement of the same chain (net-back's take_frame). */
static void check_net_tx(const struct run *u, const struct vring_chain *c)
{
	struct pt_virtio_net_hdr h;
	uint8_t frame[PT_VIRTIO_NET_FRAME_MAX];
	uint32_t len = 0;
	enum net_tx_verdict v;

	memset(&h, 0, sizeof(h));
	if (c->read_bytes >= NET_HDR_LEN)
		check(vring_chain_read(&u->q, c, 0, &h, NET_HDR_LEN) ==
		      NET_HDR_LEN);
	v = net_tx_check(&h, c->read_bytes, c->nread, &len);
	check(net_tx_verdict_text(v) != NULL);
	/* Only a chain no driver would make breaks the device. */
	check((v == NET_TX_FATAL_SPLIT) ==
	      (c->read_bytes >= NET_HDR_LEN && c->nread > NET_TX_SEGS_FATAL));
	if (v != NET_TX_OK)
		return;
	check(c->nread <= NET_TX_SEGS_MAX);
	check(len >= PT_VIRTIO_NET_FRAME_MIN && len <= PT_VIRTIO_NET_FRAME_MAX);
	check(c->read_bytes == NET_HDR_LEN + (uint64_t)len);
	check(vring_chain_read(&u->q, c, NET_HDR_LEN, frame, len) == len);
}

/* Mode 0: pop until the ring stops, judge each chain, push them all. */
static void serve_by_hand(struct run *u)
{
	struct vring_back *q = &u->q;
	uint16_t used_before = q->used_idx;
	uint32_t pushed = 0;
	struct vring_chain c;

	for (;;) {
		int was_broken = q->broken;
		uint64_t popped = q->popped;
		uint16_t last = q->last_avail;
		int r;

		r = vring_back_pop(q, &c);
		if (was_broken) {
			/* Broken for good: nothing more comes out. */
			check(r == -EPROTO && q->popped == popped &&
			      q->last_avail == last);
			break;
		}
		if (r < 0) {
			check(r == -EPROTO && q->broken && q->why[0]);
			check(q->popped == popped && q->last_avail == last);
			break;
		}
		if (r == 0) {
			/* Nothing new, or the in-flight limit holds it back. */
			uint16_t avail =
				*(uint16_t *)(u->ring + q->l.avail + 2u);

			check(avail == q->last_avail ||
			      q->inflight >= q->inflight_max);
			break;
		}
		check(r == 1 && q->popped == popped + 1);
		check(q->last_avail == (uint16_t)(last + 1));
		check(u->nheld < u->size && q->inflight <= q->inflight_max);
		check_chain(u, &c);
		check_net_tx(u, &c);
		u->held[u->nheld++] = c.head;
		/* What the block device would write back (capped). */
		{
			uint32_t wrote = check_blk(u, &c);
			uint8_t junk[512];

			memset(junk, 0xee, sizeof(junk));
			check(vring_chain_write(q, &c, junk, sizeof(junk)) ==
			      (c.write_bytes < sizeof(junk) ? c.write_bytes
							    : sizeof(junk)));
			(void)wrote;
		}
	}
	while (u->nheld) {
		uint16_t head = u->held[--u->nheld];
		uint32_t elem;
		int r = vring_back_push(q, head, 1);

		if (q->broken) {
			check(r == -EPROTO);
			continue;
		}
		check(r == 0);
		pushed++;
		/* The element and then the index, both as we meant them. */
		elem = q->l.used + 4u +
		       8u * ((uint16_t)(q->used_idx - 1) % q->size);
		check(*(uint32_t *)(u->ring + elem) == head);
		check(*(uint32_t *)(u->ring + elem + 4) == 1);
		check(*(uint16_t *)(u->ring + q->l.used + 2) == q->used_idx);
	}
	check(q->used_idx == (uint16_t)(used_before + pushed));
	check(vring_back_push(q, 0, 0) != 0); /* nothing is in flight */
}

/* Mode 1: the real transmit path; the root reads what reached the TAP. */
static void serve_tx(struct run *u)
{
	struct vring_back *q = &u->q;
	struct net_stats st = nb.st;
	uint64_t pushed = q->pushed, got = 0;
	uint8_t buf[4096];
	int more = 0, r;
	ssize_t n;

	r = net_back_tx(&nb, u->size + 1u, &more);
	check(r == 0 || r == -EPROTO);
	check(r == 0 || q->broken);
	while ((n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		check(n >= PT_VIRTIO_NET_FRAME_MIN &&
		      n <= PT_VIRTIO_NET_FRAME_MAX);
		got++;
	}
	check(got == nb.st.tx_frames - st.tx_frames);
	/* A chain is returned once sent, dropped as malformed or lost. */
	check(q->pushed - pushed == (nb.st.tx_frames - st.tx_frames) +
					    (nb.st.tx_errors - st.tx_errors) +
					    (nb.st.errors - st.errors));
	check(nb.st.requests - st.requests == q->pushed - pushed);
}

/* Mode 2: the root sends a frame of a length the move chose. */
static void serve_rx(struct run *u, uint32_t frame_len)
{
	struct vring_back *q = &u->q;
	uint16_t used_before = q->used_idx;
	uint64_t pushed = q->pushed;
	uint8_t f[2048];
	int more = 0, r;

	memset(f, 0x77, sizeof(f));
	if (frame_len)
		(void)send(sv[1], f, frame_len, MSG_DONTWAIT);
	u->now_ms += 60;
	r = net_back_rx(&nb, 8, u->now_ms, &more);
	check(r == 0 || r == -EPROTO);
	check(r == 0 || q->broken);
	check(q->used_idx == (uint16_t)(used_before + (q->pushed - pushed)));
	for (uint16_t i = used_before; i != q->used_idx; i++) {
		uint32_t elem = q->l.used + 4u + 8u * (i % q->size);
		uint32_t len = *(uint32_t *)(u->ring + elem + 4);

		check(*(uint32_t *)(u->ring + elem) < u->size);
		check(len == 0 ||
		      (len > NET_HDR_LEN &&
		       len <= NET_HDR_LEN + PT_VIRTIO_NET_FRAME_MAX));
	}
}

/* Mode 3: guest output into the history, bounded whatever the chains. */
static void serve_console(struct run *u)
{
	struct vring_back *q = &u->q;
	uint64_t out = cb.bytes_out, req = cb.requests;
	uint64_t kept = cb.out.len + cb.out.dropped, pushed = q->pushed;
	int more = 0, r;

	r = console_back_tx(&cb, u->size + 1u, &more);
	check(r == 0 || (r == -EPROTO && q->broken));
	check(cb.requests - req == q->pushed - pushed);
	/* Every byte taken is kept or counted as dropped, none twice. */
	check(cb.out.len + cb.out.dropped - kept == cb.bytes_out - out);
	check(cb.out.len <= cb.out.cap && cb.out.start < cb.out.cap);
}

static void serve(struct run *u, uint32_t arg)
{
	/* The back-end never writes the driver's descriptors or avail ring. */
	uint8_t *before = malloc(u->q.l.used);
	uint16_t old_used = u->q.used_idx;

	memcpy(before, u->ring, u->q.l.used);
	if (u->mode == 1)
		serve_tx(u);
	else if (u->mode == 2)
		serve_rx(u, arg);
	else if (u->mode == 3)
		serve_console(u);
	else
		serve_by_hand(u);
	(void)vring_back_need_notify(&u->q, old_used);
	(void)vring_back_arm(&u->q);
	if (u->mode == 1 || u->mode == 2) {
		char line[512];

		(void)net_back_poll_events(&nb);
		(void)net_back_needs_timer(&nb);
		if (net_back_note(&nb, u->now_ms, line, sizeof(line)))
			check(strlen(line) < sizeof(line) - 1);
	}
	check(memcmp(before, u->ring, u->q.l.used) == 0);
	free(before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run u;
	uint8_t hdr[RING_AT];
	uint64_t features = PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1);
	uint32_t nmoves, avail = 0;
	size_t at;

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, data, size < sizeof(hdr) ? size : sizeof(hdr));
	memset(&u, 0, sizeof(u));
	u.size = (uint16_t)(1u << (hdr[0] % 9u));
	if (hdr[1] & 1)
		features |= PT_VIRTIO_FEATURE(PT_VIRTIO_F_INDIRECT_DESC);
	if (hdr[1] & 2)
		features |= PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX);
	u.mode = (hdr[1] >> 2) % 4;
	u.pool.npages =
		(const uint32_t[]){ 1, 2, 4, POOL_PAGES_MAX }[hdr[2] % 4];
	for (unsigned int i = 0; i < u.pool.npages; i++) {
		u.pool.page[i] = pages[i];
		memset(pages[i], 0, VRING_POOL_PAGE);
	}
	u.lim.ro = hdr[4] & 1;
	u.lim.align = hdr[4] & 2 ? 4096u : 512u;
	u.lim.features =
		(hdr[4] & 4 ? PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_DISCARD) : 0) |
		(hdr[4] & 8 ? PT_VIRTIO_FEATURE(PT_VIRTIO_BLK_F_WRITE_ZEROES)
			    : 0);
	u.lim.capacity = (uint64_t)hdr[5] | (uint64_t)hdr[6] << 8;
	nmoves = hdr[7] % (MOVES + 1u);

	/* The ring exactly as large as the layout: no slack after it. */
	u.ring_bytes = pt_vring_layout(u.size).bytes;
	u.ring = calloc(1, u.ring_bytes);
	at = RING_AT;
	if (size > at) {
		size_t n = size - at < u.ring_bytes ? size - at : u.ring_bytes;

		memcpy(u.ring, data + at, n);
		at += n;
	}
	for (unsigned int i = 0; i < u.pool.npages && size > at; i++) {
		size_t n = size - at < VRING_POOL_PAGE ? size - at
						       : VRING_POOL_PAGE;

		memcpy(pages[i], data + at, n);
		at += n;
	}

	check(vring_back_init(&u.q, u.ring, u.ring_bytes, &u.pool, u.size,
			      features,
			      (uint16_t)(hdr[3] % (u.size + 1u))) == 0);
	vring_back_resume(&u.q);
	check(u.q.used_idx == u.q.last_avail && u.q.inflight == 0);
	memcpy(&avail, u.ring + u.q.l.avail + 2u, 2);
	drain(sv[0]);
	drain(sv[1]);
	if (u.mode == 1)
		net_back_connect(&nb, NULL, &u.q, sv[0]);
	else if (u.mode == 2)
		net_back_connect(&nb, &u.q, NULL, sv[0]);
	else if (u.mode == 3)
		console_back_connect(&cb, NULL, &u.q);
	memset(&nb.st, 0, sizeof(nb.st));

	serve(&u, 0);
	for (unsigned int m = 0; m < nmoves; m++) {
		const uint8_t *mv = hdr + HDR_BYTES + m * MOVE_BYTES;
		uint32_t ab = (uint32_t)mv[1] | (uint32_t)mv[2] << 8;

		switch (mv[0] % 5u) {
		case 0:
			avail = ab;
			break;
		case 1:
			avail += mv[1];
			break;
		case 2:
			u.ring[ab % u.ring_bytes] = mv[3];
			continue; /* the guest wrote without notifying */
		case 3:
			vring_pool_write(&u.pool,
					 ((uint64_t)ab * 4u) %
						 vring_pool_bytes(&u.pool),
					 &mv[3], 1);
			continue;
		case 4:
			/* A restart forgets what was in flight. */
			if (u.mode == 1 || u.mode == 2)
				net_back_connect(&nb, u.mode == 2 ? &u.q : NULL,
						 u.mode == 1 ? &u.q : NULL,
						 sv[0]);
			vring_back_init(&u.q, u.ring, u.ring_bytes, &u.pool,
					u.size, features,
					(uint16_t)(hdr[3] % (u.size + 1u)));
			vring_back_resume(&u.q);
			u.nheld = 0;
			break;
		}
		memcpy(u.ring + u.q.l.avail + 2u, &avail, 2);
		serve(&u, (mv[2] | (uint32_t)mv[3] << 8) % 1600u);
	}
	if (verbose)
		fprintf(stderr,
			"size %u mode %d: popped %llu pushed %llu tx %llu/%llu "
			"bad rx %llu; %s\n",
			u.size, u.mode, (unsigned long long)u.q.popped,
			(unsigned long long)u.q.pushed,
			(unsigned long long)nb.st.tx_frames,
			(unsigned long long)nb.st.tx_errors,
			(unsigned long long)nb.st.rx_frames,
			u.q.broken ? u.q.why : "not broken");
	net_back_disconnect(&nb);
	console_back_disconnect(&cb);
	free(u.ring);
	return 0;
}
