// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the console back-end over fake rings and a real pty. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "backd-test-util.h"
#include "console-back.h"

#define W PT_VRING_DESC_F_WRITE
#define N PT_VRING_DESC_F_NEXT

static struct vring_pool pool;
static struct tq trx, ttx;
static struct vring_back rx, tx;
static struct console_back cb;
static int slave = -1;
static char err[160];

static void setup_cap(size_t cap)
{
	tpool_init(&pool, 4);
	tq_init(&trx, 8);
	tq_init(&ttx, 8);
	cr_assert_eq(vring_back_init(&rx, trx.ring, trx.bytes, &pool, 8,
				     ALL_FEATURES, 0),
		     0);
	cr_assert_eq(vring_back_init(&tx, ttx.ring, ttx.bytes, &pool, 8,
				     ALL_FEATURES, 0),
		     0);
	vring_back_resume(&rx);
	vring_back_resume(&tx);
	cr_assert_eq(console_back_init(&cb, cap), 0);
	cr_assert_eq(console_back_open_pty(&cb, err, sizeof(err)), 0, "%s",
		     err);
	console_back_connect(&cb, &rx, &tx);
}

static void setup(void)
{
	setup_cap(CONSOLE_HIST_DEFAULT);
}

static void teardown(void)
{
	if (slave >= 0)
		close(slave);
	slave = -1;
	console_back_free(&cb);
	tq_free(&trx);
	tq_free(&ttx);
	tpool_free(&pool);
}

static void attach(void)
{
	slave = open(cb.tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
	cr_assert_geq(slave, 0, "open %s: %s", cb.tty, strerror(errno));
}

static void detach(void)
{
	close(slave);
	slave = -1;
}

/* Reads what the pty delivers within a short while. */
static size_t slave_read(char *buf, size_t max)
{
	size_t got = 0;

	while (got < max) {
		struct pollfd p = { .fd = slave, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			break;
		n = read(slave, buf + got, max - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* The guest transmits text from pool offset off, descriptor d. */
static void guest_tx(uint16_t d, uint64_t off, const char *text)
{
	vring_pool_write(&pool, off, text, strlen(text));
	tq_desc(&ttx, d, off, (uint32_t)strlen(text), 0, 0);
	tq_publish(&ttx, d);
}

/* The guest offers a receive buffer of len bytes at off. */
static void guest_rx_buffer(uint16_t d, uint64_t off, uint32_t len)
{
	tq_desc(&trx, d, off, len, W, 0);
	tq_publish(&trx, d);
}

TestSuite(console, .init = setup, .fini = teardown);

Test(console, pty_is_raw_and_starts_detached)
{
	cr_assert(!strncmp(cb.tty, "/dev/pts/", 9), "tty %s", cb.tty);
	cr_assert_eq(console_back_check_attach(&cb), 0);
	attach();
	cr_assert_eq(console_back_check_attach(&cb), 1);
	detach();
	cr_assert_eq(console_back_check_attach(&cb), 0);
}

Test(console, output_reaches_an_attached_pty)
{
	char buf[64];
	int more = 0;

	attach();
	cr_assert(console_back_check_attach(&cb));
	guest_tx(0, 100, "hello\n");
	guest_tx(1, 200, "world\r\n");
	cr_assert_eq(console_back_tx(&cb, 64, &more), 0);
	console_back_flush(&cb);
	cr_assert_eq(slave_read(buf, 13), 13);
	/* Raw: no \n -> \r\n rewriting on the way. */
	cr_assert_arr_eq(buf, "hello\nworld\r\n", 13);
	cr_assert_eq(cb.bytes_out, 13);
	cr_assert_eq(cb.requests, 2);
	cr_assert_eq(tq_used_idx(&ttx), 2);
	cr_assert_eq(tq_used(&ttx, 0).id, 0);
	cr_assert_eq(tq_used(&ttx, 0).len, 0);
	cr_assert_eq(tq_used(&ttx, 1).id, 1);
}

Test(console, output_while_detached_is_shown_on_attach)
{
	char buf[64];
	int more = 0;

	guest_tx(0, 0, "missed ");
	guest_tx(1, 64, "output");
	cr_assert_eq(console_back_tx(&cb, 64, &more), 0);
	cr_assert_eq(cb.out.len, 13);
	/* Completed even though nobody reads: the guest is not held up. */
	cr_assert_eq(tq_used_idx(&ttx), 2);
	attach();
	cr_assert(console_back_check_attach(&cb)); /* flushes */
	cr_assert_eq(cb.out.len, 0);
	cr_assert_eq(slave_read(buf, 13), 13);
	cr_assert_arr_eq(buf, "missed output", 13);
}

Test(console, history_is_bounded_and_counts_drops)
{
	static char big[3000], buf[4096];
	int more = 0;
	size_t i;

	teardown();
	setup_cap(1024);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	vring_pool_write(&pool, 0, big, sizeof(big));
	tq_desc(&ttx, 0, 0, 1000, 0, 0);
	tq_publish(&ttx, 0);
	tq_desc(&ttx, 1, 1000, 2000, 0, 0);
	tq_publish(&ttx, 1);
	cr_assert_eq(console_back_tx(&cb, 64, &more), 0);
	cr_assert_eq(cb.out.len, 1024);
	cr_assert_eq(cb.out.dropped, 3000 - 1024);
	cr_assert_eq(cb.bytes_out, 3000);
	attach();
	cr_assert(console_back_check_attach(&cb));
	cr_assert_eq(slave_read(buf, sizeof(buf)), 1024);
	/* The newest bytes survive, in order. */
	cr_assert_arr_eq(buf, big + 3000 - 1024, 1024);
}

Test(console, huge_transmit_chain_is_cut_and_counted)
{
	int more = 0;
	uint16_t i;

	/* Eight overlapping 16 KiB segments: 128 KiB from a 16 KiB pool. */
	for (i = 0; i < 8; i++)
		tq_desc(&ttx, i, 0, 16384, i < 7 ? N : 0, (uint16_t)(i + 1));
	tq_publish(&ttx, 0);
	cr_assert_eq(console_back_tx(&cb, 64, &more), 0);
	cr_assert_eq(cb.out.dropped, 8u * 16384u - CONSOLE_HIST_DEFAULT + 0u);
	cr_assert_eq(tq_used_idx(&ttx), 1);
}

Test(console, attached_slow_reader_holds_the_guest_back)
{
	static char chunk[4096];
	int more = 0;
	uint16_t i;

	teardown();
	setup_cap(8192);
	attach();
	cr_assert(console_back_check_attach(&cb));
	/* Fill the pty until it takes no more, then the backlog. */
	memset(chunk, 'x', sizeof(chunk));
	vring_pool_write(&pool, 0, chunk, sizeof(chunk));
	for (i = 0; i < 8; i++) {
		tq_desc(&ttx, i, 0, 4096, 0, 0);
		tq_publish(&ttx, i);
	}
	for (i = 0; i < 64 && !cb.tx_wait; i++) {
		cr_assert_eq(console_back_tx(&cb, 1, &more), 0);
		console_back_flush(&cb);
		if (tq_used_idx(&ttx) == ttx.avail_idx) {
			uint16_t d = (uint16_t)(ttx.avail_idx % 8);

			tq_desc(&ttx, d, 0, 4096, 0, 0);
			tq_publish(&ttx, d);
		}
	}
	cr_assert(cb.tx_wait, "never held back");
	cr_assert_eq(cb.out.dropped, 0, "attached output was dropped");
	cr_assert_neq(tq_used_idx(&ttx), ttx.avail_idx);
}

Test(console, input_reaches_the_guest)
{
	char got[16];
	int more = 0;

	attach();
	cr_assert(console_back_check_attach(&cb));
	guest_rx_buffer(3, 500, 16);
	cr_assert_eq(write(slave, "ls\r", 3), 3);
	usleep(20000);
	cr_assert_eq(console_back_rx(&cb, 64, &more), 0);
	cr_assert_eq(tq_used_idx(&trx), 1);
	cr_assert_eq(tq_used(&trx, 0).id, 3);
	cr_assert_eq(tq_used(&trx, 0).len, 3);
	vring_pool_read(&pool, 500, got, 3);
	cr_assert_arr_eq(got, "ls\r", 3);
	cr_assert_eq(cb.bytes_in, 3);
}

Test(console, input_waits_for_a_receive_buffer)
{
	char got[16];
	int more = 0;

	attach();
	cr_assert(console_back_check_attach(&cb));
	cr_assert_eq(write(slave, "abcdef", 6), 6);
	usleep(20000);
	cr_assert_eq(console_back_rx(&cb, 64, &more), 0);
	cr_assert(cb.rx_wait, "no buffer: input must wait");
	cr_assert_eq(console_back_poll_events(&cb) & POLLIN, 0);
	/* A buffer smaller than the input: the rest waits for the next. */
	guest_rx_buffer(0, 0, 4);
	cr_assert_eq(console_back_rx(&cb, 64, &more), 0);
	cr_assert_eq(tq_used(&trx, 0).len, 4);
	guest_rx_buffer(1, 100, 8);
	cr_assert_eq(console_back_rx(&cb, 64, &more), 0);
	cr_assert_eq(tq_used(&trx, 1).len, 2);
	vring_pool_read(&pool, 0, got, 4);
	vring_pool_read(&pool, 100, got + 4, 2);
	cr_assert_arr_eq(got, "abcdef", 6);
}

Test(console, receive_buffer_held_until_input_comes)
{
	int more = 0;

	attach();
	cr_assert(console_back_check_attach(&cb));
	guest_rx_buffer(0, 0, 16);
	cr_assert_eq(console_back_rx(&cb, 64, &more), 0);
	cr_assert(cb.rx_held);
	cr_assert_eq(tq_used_idx(&trx), 0);
	cr_assert_eq(write(slave, "z", 1), 1);
	usleep(20000);
	cr_assert_eq(console_back_rx(&cb, 64, &more), 0);
	cr_assert_eq(tq_used_idx(&trx), 1);
	cr_assert_eq(tq_used(&trx, 0).len, 1);
}

Test(console, detach_is_noticed)
{
	struct pollfd p;

	attach();
	cr_assert(console_back_check_attach(&cb));
	detach();
	p = (struct pollfd){ cb.master, console_back_poll_events(&cb), 0 };
	cr_assert_eq(poll(&p, 1, 100), 1);
	console_back_polled(&cb, p.revents);
	cr_assert_eq(cb.attached, 0);
	cr_assert_eq(console_back_poll_events(&cb), 0);
}

Test(console, broken_transmit_ring_is_reported)
{
	int more = 0;

	tq_publish(&ttx, 200);
	cr_assert_eq(console_back_tx(&cb, 64, &more), -EPROTO);
	cr_assert(strstr(tx.why, "beyond the queue size"));
}

Test(console, budget_leaves_work_for_later)
{
	int more = 0;
	uint16_t i;

	for (i = 0; i < 5; i++)
		guest_tx(i, 64u * i, "x");
	cr_assert_eq(console_back_tx(&cb, 2, &more), 0);
	cr_assert(more);
	cr_assert_eq(tq_used_idx(&ttx), 2);
}

Test(console, disconnected_console_touches_no_ring)
{
	int more = 0;

	console_back_disconnect(&cb);
	guest_tx(0, 0, "x");
	cr_assert_eq(console_back_tx(&cb, 64, &more), 0);
	cr_assert_eq(console_back_rx(&cb, 64, &more), 0);
	cr_assert_eq(tq_used_idx(&ttx), 0);
}

Test(console_hist, wraps_and_drops_oldest)
{
	struct console_hist h;
	const uint8_t *p;
	size_t n;

	cr_assert_eq(console_hist_init(&h, 8), 0);
	console_hist_put(&h, "abcdef", 6);
	console_hist_consume(&h, 4);	   /* "ef" at 4..5 */
	console_hist_put(&h, "ghijkl", 6); /* wraps: 8 bytes in */
	cr_assert_eq(h.len, 8);
	cr_assert_eq(h.dropped, 0);
	console_hist_put(&h, "mn", 2); /* drops "ef" */
	cr_assert_eq(h.dropped, 2);
	n = console_hist_peek(&h, &p); /* "gh" up to the end of the buffer */
	cr_assert_eq(n, 2);
	cr_assert_arr_eq(p, "gh", 2);
	console_hist_consume(&h, n);
	n = console_hist_peek(&h, &p);
	cr_assert_eq(n, 6);
	cr_assert_arr_eq(p, "ijklmn", 6);
	console_hist_put(&h, "0123456789", 10); /* more than fits */
	cr_assert_eq(h.dropped, 2 + 6 + 2);
	cr_assert_eq(h.len, 8);
	n = console_hist_peek(&h, &p);
	cr_assert_arr_eq(p, "23456789", n);
	console_hist_free(&h);
}
