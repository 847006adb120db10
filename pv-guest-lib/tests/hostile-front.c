// SPDX-License-Identifier: MIT
/*
 * A hostile virtio console front-end, for the root's test of
 * partita-backd: it negotiates console/0 (or fails to, on purpose) and
 * then breaks its ring or the negotiation in one way per run, chosen on
 * the command line, prints "RESULT hostile-<case> DONE" once it has done
 * it, and idles until it is shut down, while the root checks that backd,
 * the store and the other guests carry on. Command line:
 *   case=avail-jump     avail->idx moved the queue size + 5 past the last
 *   case=idx-beyond     an available ring entry naming descriptor >= size
 *   case=loop           a direct chain whose descriptors loop (a -> b -> a)
 *   case=indirect-loop  an indirect table whose entries loop
 *   case=long-chain     an indirect table longer than the queue
 *   case=outside-pool   a descriptor ending past the granted pool
 *   case=bad-ref        pool-refs naming a revoked and an unknown grant
 *   case=bad-ref-late   pool-refs naming two good grants, then unknown ref
 *                       30000: the root's map call fails at element 2, so
 *                       it must take back elements 0 and 1; FAIL unless
 *                       the back-end goes Closing and both good grants
 *                       show no mapping
 *   case=not-connected  chains and a kick after the front-end went Closing
 *   case=state-toggle   rapid, out-of-order front-end state writes
 *   case=store-oversize a store request header announcing 5000 bytes
 *   case=store-ring-overrun  a store request producer far past the consumer
 *   case=console-flood  console output as fast as it goes, secs=N (5)
 *   case=no-rx          connects, then never reads its console input
 * and the block and network cases of hostile-blk.c (case=blk-*) and
 * hostile-net.c (case=net-*), which use block/0 and net/0 instead.
 */
#include <partita-guest/guest.h>
#include <partita-guest/store.h>
#include <partita-guest/vconsole.h>
#include <partita/store-ring.h>

#include "fmt.h"
#include "hostile.h"
#include "string.h"

#define TXQ PT_VIRTIO_CONSOLE_TX_QUEUE
#define SEC 1000000000ull

static struct pt_vconsole con;
static volatile uint32_t shutdown_requested;
static struct pt_vdev *volatile wake_on_stop;
char hostile_which[32];

static void on_shutdown_request(unsigned event, unsigned vcpu, void *arg)
{
	pt_atomic_store32(&shutdown_requested, 1);
	pt_vdev_wake(wake_on_stop ? wake_on_stop : &con.front.dev);
}

int hostile_stopping(void)
{
	return (int)pt_atomic_load32(&shutdown_requested);
}

void hostile_wake_on_stop(struct pt_vdev *d)
{
	wake_on_stop = d;
}

static void result(const char *verdict, const char *fmt, va_list ap)
{
	char buf[480];

	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	pt_printf("RESULT hostile-%s %s %s\n", hostile_which, verdict, buf);
}

void hostile_done(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result("DONE", fmt, ap);
	va_end(ap);
}

void hostile_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result("FAIL", fmt, ap);
	va_end(ap);
}

static void idle(void)
{
	while (!pt_atomic_load32(&shutdown_requested))
		pt_sleep_ns(SEC);
}

static struct pt_vq *txq(void)
{
	return &con.front.dev.vq[TXQ];
}

static void kick(void)
{
	pt_call_evtchn_send(con.front.dev.port);
}

/* Publishes head at the next available slot, as a driver would. */
static void publish(uint16_t head)
{
	struct pt_vq *q = txq();

	q->avail->ring[q->avail_idx & (q->size - 1u)] = head;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->avail_idx++;
	q->avail->idx = q->avail_idx;
}

static void put(volatile struct pt_vring_desc *d, uint64_t addr, uint32_t len,
		uint16_t flags, uint16_t next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

/* A pool buffer with something in it, for descriptors to point at. */
static uint32_t pool_buf(uint32_t len)
{
	uint32_t off = 0;

	if (pt_vpool_alloc(&con.front.dev.pool, len, &off))
		pt_panic("hostile-front: pool full");
	memset(pt_vpool_ptr(&con.front.dev.pool, off), 'x', len);
	return off;
}

static void ring_case(void)
{
	struct pt_vq *q = txq();
	uint16_t size = q->size;
	uint32_t buf = pool_buf(64);

	if (!strcmp(hostile_which, "avail-jump")) {
		q->avail->idx = (uint16_t)(q->avail_idx + size + 5u);
		kick();
		hostile_done("avail idx %u, queue size %u", q->avail->idx,
			     size);
	} else if (!strcmp(hostile_which, "idx-beyond")) {
		publish((uint16_t)(size + 3u));
		kick();
		hostile_done("ring entry names descriptor %u of %u", size + 3u,
			     size);
	} else if (!strcmp(hostile_which, "loop")) {
		put(&q->desc[0], buf, 8, PT_VRING_DESC_F_NEXT, 1);
		put(&q->desc[1], buf, 8, PT_VRING_DESC_F_NEXT, 0);
		publish(0);
		kick();
		hostile_done("descriptors 0 -> 1 -> 0");
	} else if (!strcmp(hostile_which, "indirect-loop")) {
		uint32_t t = pool_buf(2 * 16);
		volatile struct pt_vring_desc *tab =
			pt_vpool_ptr(&con.front.dev.pool, t);

		put(&tab[0], buf, 8, PT_VRING_DESC_F_NEXT, 1);
		put(&tab[1], buf, 8, PT_VRING_DESC_F_NEXT, 0);
		put(&q->desc[0], t, 32, PT_VRING_DESC_F_INDIRECT, 0);
		publish(0);
		kick();
		hostile_done("indirect entries 0 -> 1 -> 0 at pool offset %u",
			     t);
	} else if (!strcmp(hostile_which, "long-chain")) {
		uint32_t n = 2u * size, t = pool_buf(n * 16u);
		volatile struct pt_vring_desc *tab =
			pt_vpool_ptr(&con.front.dev.pool, t);

		for (uint32_t i = 0; i < n; i++)
			put(&tab[i], buf, 8,
			    i + 1 < n ? PT_VRING_DESC_F_NEXT : 0,
			    (uint16_t)(i + 1 < n ? i + 1 : 0));
		put(&q->desc[0], t, n * 16u, PT_VRING_DESC_F_INDIRECT, 0);
		publish(0);
		kick();
		hostile_done("indirect chain of %u, queue size %u", n, size);
	} else if (!strcmp(hostile_which, "outside-pool")) {
		uint32_t bytes = con.front.dev.pool.bytes;

		put(&q->desc[0], bytes - 8u, 16, 0, 0);
		publish(0);
		kick();
		hostile_done("offset %u length 16, pool of %u bytes",
			     bytes - 8u, bytes);
	}
}

/* After the back-end gave up on bad-ref-late: both good grants unmapped? */
static void bad_ref_late_check(struct pt_xenbus *xb, const uint32_t *good,
			       const char *refs)
{
	uint64_t maps[2] = { 0, 0 };
	char says[160];
	int ret;

	/* backd writes `broken` before Closing, after its map call ended. */
	ret = pt_xenbus_wait_backend(xb,
				     (1u << PT_XENBUS_STATE_CLOSING) |
					     (1u << PT_XENBUS_STATE_CLOSED),
				     0, pt_time_ns() + 30 * SEC, NULL);
	hostile_backend_says(xb, says, sizeof(says));
	if (ret) {
		hostile_fail("pool-refs '%s': the back-end never gave up (%s; "
			     "%s)",
			     refs, pt_dev_strerror(ret), says);
		return;
	}
	for (unsigned i = 0; i < 2; i++) {
		ret = pt_grant_query(good[i], &maps[i], NULL);
		if (ret) {
			hostile_fail("pool-refs '%s': cannot query grant %u "
				     "(status 0x%x)",
				     refs, good[i], (unsigned)-ret);
			return;
		}
	}
	if (maps[0] || maps[1])
		hostile_fail("pool-refs '%s': good grants %u and %u still "
			     "mapped %llu and %llu times after the failed "
			     "map (%s)",
			     refs, good[0], good[1],
			     (unsigned long long)maps[0],
			     (unsigned long long)maps[1], says);
	else
		hostile_done("pool-refs '%s' (good, good, unknown): good "
			     "grants %u and %u mapped 0 times; %s",
			     refs, good[0], good[1], says);
}

/*
 * Negotiates by hand up to Initialised, with pool-refs that lie: bad-ref
 * names a revoked grant first (the map fails at element 0), bad-ref-late
 * two good grants first (it fails at element 2, after two mapped).
 */
static void bad_ref_case(int late)
{
	struct pt_xenbus *xb = &con.front.xb;
	struct pt_vdev *d = &con.front.dev;
	struct pt_vdev_config cfg = { .num_queues = 2,
				      .queue_size = { 64, 64 },
				      .pool_pages = 2 };
	char port[16], q0[24], q1[24], refs[40];
	uint32_t revoked, good[2];
	int ret;

	ret = pt_xenbus_open_self(xb, PT_XENBUS_TYPE_CONSOLE, 0);
	if (!ret)
		ret = pt_xenbus_wait_backend(xb,
					     1u << PT_XENBUS_STATE_INIT_WAIT, 0,
					     pt_time_ns() + 30 * SEC, NULL);
	cfg.backend_id = xb->backend_id;
	if (!ret)
		ret = pt_vdev_alloc(d, &cfg, pt_time_ns() + 30 * SEC);
	if (!ret)
		ret = pt_vdev_start(d,
				    PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1));
	if (ret) {
		pt_printf("RESULT hostile-%s FAIL setup: %s (%s)\n",
			  hostile_which, pt_dev_strerror(ret), xb->why);
		return;
	}
	good[0] = d->pool_refs[0];
	good[1] = d->pool_refs[1];
	if (late) {
		/* Three pool pages: the third names no grant of ours. */
		fmt_snprintf(refs, sizeof(refs), "%u %u 30000", good[0],
			     good[1]);
	} else {
		/* Revoked: granted, then ended before the back-end mapped it. */
		revoked = d->pool_refs[0];
		pt_grant_end_access(revoked);
		d->pool_refs[0] = 0;
		fmt_snprintf(refs, sizeof(refs), "%u 30000", revoked);
	}
	fmt_snprintf(port, sizeof(port), "%u", d->port);
	fmt_snprintf(q0, sizeof(q0), "%u", d->ring_refs[0][0]);
	fmt_snprintf(q1, sizeof(q1), "%u", d->ring_refs[1][0]);
	{
		const struct pt_xenbus_kv kv[] = {
			{ "event-channel", port },
			{ "driver-features", "100000000" },
			{ "num-queues", "2" },
			{ "queue-0-size", "64" },
			{ "queue-0-ring-refs", q0 },
			{ "queue-1-size", "64" },
			{ "queue-1-ring-refs", q1 },
			{ "pool-pages", late ? "3" : "2" },
			{ "pool-refs", refs },
		};

		ret = pt_xenbus_publish(xb, kv, 9, PT_XENBUS_STATE_INITIALISED);
	}
	if (ret)
		hostile_fail("pool-refs '%s': publish %s", refs,
			     pt_dev_strerror(ret));
	else if (late)
		bad_ref_late_check(xb, good, refs);
	else
		hostile_done("pool-refs '%s' (revoked, unknown): publish %s",
			     refs, pt_dev_strerror(ret));
}

static void not_connected_case(void)
{
	struct pt_vq_seg s;
	int ret;

	pt_xenbus_switch(&con.front.xb, PT_XENBUS_STATE_CLOSING);
	pt_xenbus_wait_backend(&con.front.xb,
			       (1u << PT_XENBUS_STATE_CLOSING) |
				       (1u << PT_XENBUS_STATE_CLOSED),
			       0, pt_time_ns() + 10 * SEC, NULL);
	s.off = pool_buf(64);
	s.len = 64;
	ret = pt_vq_add(txq(), &s, 1, NULL, 0, NULL);
	kick();
	hostile_done("a chain (%s) and a kick while Closing",
		     ret ? pt_dev_strerror(ret) : "added");
}

static void state_toggle_case(void)
{
	static const char *const seq[] = { "4", "1", "3", "6", "4", "2",
					   "5", "1", "4", "3", "6", "1" };
	char path[96];
	unsigned n = 0;

	fmt_snprintf(path, sizeof(path), "%s/state", con.front.xb.front);
	for (unsigned round = 0; round < 20; round++)
		for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
			n += !pt_store_write(0, path, seq[i]);
	hostile_done("%u state writes, out of order", n);
}

static volatile struct pt_store_ring_page *store_ring(void)
{
	return (volatile struct pt_store_ring_page *)(uintptr_t)pt_start_info()
		->store_ring_gpa;
}

static void store_case(void)
{
	volatile struct pt_store_ring_page *r = store_ring();

	if (!strcmp(hostile_which, "store-oversize")) {
		/* type READ, req_id 1, tx 0, len 5000: over the 4096 limit */
		const uint32_t hdr[4] = { PT_STORE_OP_READ, 1, 0, 5000 };
		const uint8_t *b = (const uint8_t *)hdr;
		uint32_t prod = r->req_prod;

		for (uint32_t i = 0; i < sizeof(hdr); i++)
			r->req[(prod + i) & (PT_STORE_RING_SIZE - 1)] = b[i];
		__atomic_thread_fence(__ATOMIC_RELEASE);
		r->req_prod = prod + sizeof(hdr);
		pt_call_evtchn_send(pt_start_info()->store_port);
		hostile_done("header announcing 5000 bytes");
	} else {
		r->req_prod = r->req_cons + 3u * PT_STORE_RING_SIZE + 7u;
		pt_call_evtchn_send(pt_start_info()->store_port);
		hostile_done("req_prod %u, req_cons %u", r->req_prod,
			     r->req_cons);
	}
}

static void flood_case(uint64_t secs)
{
	static char line[1024];
	uint64_t end = pt_time_ns() + secs * SEC, bytes = 0;

	for (unsigned i = 0; i < sizeof(line); i++)
		line[i] = (char)('a' + i % 26);
	line[sizeof(line) - 2] = '\r';
	line[sizeof(line) - 1] = '\n';
	while (pt_time_ns() < end && !pt_atomic_load32(&shutdown_requested)) {
		long n = pt_vconsole_write(&con, line, sizeof(line), end);

		if (n <= 0)
			break;
		bytes += (uint64_t)n;
	}
	hostile_done("%llu bytes in %llu s", (unsigned long long)bytes,
		     (unsigned long long)secs);
}

static int connect(void)
{
	int ret = pt_vconsole_open(&con, 0, pt_time_ns() + 60 * SEC);

	if (ret)
		pt_printf("RESULT hostile-%s FAIL console/0: %s (%s)\n",
			  hostile_which, pt_dev_strerror(ret),
			  con.front.xb.why);
	else
		pt_printf("hostile-front: console/0 connected, port %u\n",
			  con.front.dev.port);
	return ret;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	pt_guest_init();
	if (vcpu != 0)
		return 0;
	pt_event_register(PT_EVENT_SHUTDOWN_REQUEST, on_shutdown_request, NULL);
	pt_irq_enable();
	if (!pt_cmdline_str("case", hostile_which, sizeof(hostile_which)))
		strlcpy(hostile_which, "no-rx", sizeof(hostile_which));
	pt_printf("hostile-front %s: case %s\n", si->name, hostile_which);
	if (!strncmp(hostile_which, "blk-", 4)) {
		if (!hostile_blk_case())
			pt_printf("RESULT hostile-%s FAIL unknown case\n",
				  hostile_which);
	} else if (!strncmp(hostile_which, "net-", 4)) {
		if (!hostile_net_case())
			pt_printf("RESULT hostile-%s FAIL unknown case\n",
				  hostile_which);
	} else if (!strcmp(hostile_which, "bad-ref") ||
		   !strcmp(hostile_which, "bad-ref-late")) {
		bad_ref_case(!strcmp(hostile_which, "bad-ref-late"));
	} else if (!strncmp(hostile_which, "store-", 6)) {
		if (!connect())
			store_case();
	} else if (!connect()) {
		if (!strcmp(hostile_which, "not-connected"))
			not_connected_case();
		else if (!strcmp(hostile_which, "state-toggle"))
			state_toggle_case();
		else if (!strcmp(hostile_which, "console-flood"))
			flood_case(pt_cmdline_u64("secs", 5));
		else if (!strcmp(hostile_which, "no-rx"))
			hostile_done("connected; input is never read");
		else if (!strcmp(hostile_which, "avail-jump") ||
			 !strcmp(hostile_which, "idx-beyond") ||
			 !strcmp(hostile_which, "loop") ||
			 !strcmp(hostile_which, "indirect-loop") ||
			 !strcmp(hostile_which, "long-chain") ||
			 !strcmp(hostile_which, "outside-pool"))
			ring_case();
		else
			pt_printf("RESULT hostile-%s FAIL unknown case\n",
				  hostile_which);
	}
	idle();
	return 0;
}
