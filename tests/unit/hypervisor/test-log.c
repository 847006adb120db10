// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the hypervisor log, its ring, panic and the start-up heap. */
#include <criterion/criterion.h>
#include <hv/boot-info.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <stdlib.h>
#include <string.h>

#include "hv-shim.h"

#define RING 65536u /* LOG_RING_SIZE in core/log.c */

TestSuite(log, .init = shim_reset, .fini = shim_teardown);

Test(log, line_format)
{
	shim_tsc = 1500000000ull; /* 1.5 s */
	hv_info("hello %d", 42);
	cr_assert_str_eq(shim_log(), "[    1.500000] INF hv: hello 42\n");
	shim_log_clear();
	shim_tsc = 12345678901234ull;
	hv_err("e");
	hv_warn("w");
	cr_assert_str_eq(shim_log(), "[12345.678901] ERR hv: e\n"
				     "[12345.678901] WRN hv: w\n");
}

Test(log, threshold_drops_lower_levels)
{
	hv_debug("hidden");
	cr_assert_eq(shim_log_len(), 0);
	log_threshold = LOG_DEBUG;
	hv_debug("shown");
	cr_assert(shim_log_has("DBG hv: shown\n"));
	log_threshold = LOG_ERR;
	hv_warn("hidden");
	hv_err("shown");
	cr_assert_not(shim_log_has("hidden"));
	cr_assert(shim_log_has("ERR hv: shown\n"));
}

Test(log, partition_tag)
{
	static struct partition p;

	p.id = 12;
	strcpy(p.name, "web");
	log_part(LOG_WARN, &p, "x=%s", "y");
	cr_assert(shim_log_has("] WRN p12:web: x=y\n"), "%s", shim_log());
}

Test(log, long_message_is_truncated_to_one_line)
{
	char big[1000];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	hv_info("%s", big);
	hv_info("after");
	cr_assert_eq(strchr(shim_log(), '\n') - shim_log() + 1, 319);
	cr_assert(shim_log_has("qqq\n[    0.000000] INF hv: after\n"));
}

Test(log, ring_read_in_pieces)
{
	char buf[64];
	struct log_read_result r;
	size_t total;

	hv_info("one");
	hv_info("two");
	total = shim_log_len();
	r = log_ring_read(0, buf, sizeof(buf));
	cr_assert_eq(r.length, total);
	cr_assert_eq(r.next_seq, total);
	cr_assert_eq(r.lost, 0);
	cr_assert(!memcmp(buf, shim_log(), total));
	/* Small reads continue where the last one stopped. */
	r = log_ring_read(0, buf, 10);
	cr_assert_eq(r.length, 10);
	cr_assert_eq(r.next_seq, 10);
	r = log_ring_read(r.next_seq, buf, 10);
	cr_assert_eq(r.next_seq, 20);
	cr_assert(!memcmp(buf, shim_log() + 10, 10));
	/* At or past the end: nothing, next_seq stays at the end. */
	r = log_ring_read(total, buf, sizeof(buf));
	cr_assert_eq(r.length, 0);
	cr_assert_eq(r.next_seq, total);
	r = log_ring_read(total + 1000, buf, sizeof(buf));
	cr_assert_eq(r.length, 0);
	cr_assert_eq(r.next_seq, total);
	cr_assert_eq(r.lost, 0);
}

Test(log, ring_wrap_reports_lost_bytes)
{
	static char buf[RING + 100];
	struct log_read_result r;
	size_t total;
	int i = 0;

	while (shim_log_len() < 3 * RING)
		hv_info("line %06d of the wrap-around test", i++);
	total = shim_log_len();
	r = log_ring_read(0, buf, sizeof(buf));
	cr_assert_eq(r.lost, total - RING);
	cr_assert_eq(r.length, RING);
	cr_assert_eq(r.next_seq, total);
	cr_assert(!memcmp(buf, shim_log() + total - RING, RING),
		  "the ring keeps the newest bytes");
	/* Reading from just inside the kept range loses nothing. */
	r = log_ring_read(total - 100, buf, sizeof(buf));
	cr_assert_eq(r.lost, 0);
	cr_assert_eq(r.length, 100);
	r = log_ring_read(total - RING - 7, buf, 5);
	cr_assert_eq(r.lost, 7);
	cr_assert_eq(r.next_seq, total - RING + 5);
}

Test(log, async_lines_wait_for_drain)
{
	log_set_async(true);
	hv_info("queued");
	cr_assert_eq(shim_log_len(), 0);
	cr_assert(log_port_pending());
	log_drain(0);
	cr_assert_not(log_port_pending());
	cr_assert(shim_log_has("INF hv: queued\n"));
	log_set_async(false);
	shim_log_clear();
	hv_info("direct");
	cr_assert(shim_log_has("INF hv: direct\n"));
	cr_assert_not(log_port_pending());
}

Test(log, drain_stops_at_its_budget)
{
	log_set_async(true);
	for (int i = 0; i < 50; i++)
		hv_info("a line that takes a while to write out %d", i);
	/* Every clock read costs 1 us; a 10 us slice writes part of it. */
	shim_tsc_step = 1000;
	log_drain(10000);
	cr_assert_gt(shim_log_len(), 0);
	cr_assert(log_port_pending());
	shim_tsc_step = 0;
	log_drain(0);
	cr_assert_not(log_port_pending());
	cr_assert_eq(shim_log_count("INF hv: a line"), 50);
}

Test(log, panic_logs_then_halts)
{
	jmp_buf jb;
	int how;

	shim_halt_jmp = &jb;
	how = setjmp(jb);
	if (!how)
		panic("broken invariant %d", 7);
	cr_assert_eq(how, SHIM_HALTED);
	cr_assert(shim_log_has("ERR PANIC: broken invariant 7\n"), "%s",
		  shim_log());
}

Test(log, heap_hands_out_aligned_zeroed_memory)
{
	u64 base = shim_mem_init(4 * PAGE_SIZE);
	u8 *a, *b, *c;

	heap_init(base, 4 * PAGE_SIZE);
	a = heap_alloc(10, 8);
	b = heap_alloc(100, 64);
	c = heap_alloc(PAGE_SIZE, PAGE_SIZE);
	cr_assert_eq(a, phys_to_virt(base));
	cr_assert_eq(b, phys_to_virt(base + 64));
	cr_assert_eq(c, phys_to_virt(base + PAGE_SIZE));
	for (int i = 0; i < 100; i++)
		cr_assert_eq(b[i], 0);
	for (u64 i = 0; i < PAGE_SIZE; i++)
		cr_assert_eq(c[i], 0);
}

Test(log, heap_exhaustion_panics)
{
	u64 base = shim_mem_init(2 * PAGE_SIZE);
	jmp_buf jb;

	heap_init(base, 2 * PAGE_SIZE);
	cr_assert_not_null(heap_alloc(PAGE_SIZE, 8));
	shim_halt_jmp = &jb;
	if (!setjmp(jb)) {
		heap_alloc(PAGE_SIZE + 1, 8);
		cr_assert_fail("allocation beyond the heap returned");
	}
	cr_assert(shim_log_has("PANIC: hypervisor heap exhausted (4097 bytes "
			       "wanted)"));
}
