// SPDX-License-Identifier: MIT
/*
 * Example guest for the root's grant mapping: grants one zeroed page of
 * its RAM read-write to the root (the first free ref: 2 where the store
 * took ref 1), waits until the root wrote the
 * pattern (ASCII "PARTITA-GRANT-OK", then byte i = (i * 7 + 3) & 0xff),
 * checks that ending access is refused while the root maps the page and
 * allowed once it unmapped, then idles until asked to shut down.
 */
#include <partita-guest/guest.h>

#include "string.h"

/* Taken by pt_grant_alloc: ref 1 belongs to the store where a root exists. */
static uint32_t demo_ref;
#define ROOT_ID 0u
#define POLL_NS 10000000ull		 /* 10 ms */
#define WAIT_NS (300ull * 1000000000ull) /* give up after 5 minutes */

static const char magic[16] = "PARTITA-GRANT-OK";
static volatile uint32_t shutdown_requested;

static void on_shutdown_request(unsigned event, unsigned vcpu, void *arg)
{
	pt_atomic_store32(&shutdown_requested, 1);
}

static uint8_t expected(size_t i)
{
	return i < sizeof(magic) ? (uint8_t)magic[i]
				 : (uint8_t)((i * 7 + 3) & 0xff);
}

/* Index of the first byte that differs from the pattern, or PAGE_SIZE. */
static size_t first_difference(const volatile uint8_t *page)
{
	for (size_t i = 0; i < PT_PAGE_SIZE; i++)
		if (page[i] != expected(i))
			return i;
	return PT_PAGE_SIZE;
}

/* Sleeps one poll interval; 0 once the deadline or a shutdown came. */
static int poll_wait(uint64_t deadline)
{
	if (pt_atomic_load32(&shutdown_requested) || pt_time_ns() >= deadline)
		return 0;
	pt_sleep_ns(POLL_NS);
	return 1;
}

static int wait_for_pattern(const volatile uint8_t *page)
{
	uint64_t deadline = pt_time_ns() + WAIT_NS;
	size_t at;

	while ((at = first_difference(page)) < PT_PAGE_SIZE)
		if (!poll_wait(deadline))
			break;
	if (at < PT_PAGE_SIZE) {
		pt_printf("RESULT grant-root-write FAIL byte %zu is 0x%02x, "
			  "want 0x%02x%s\n",
			  at, page[at], expected(at),
			  pt_atomic_load32(&shutdown_requested)
				  ? " (shutdown requested)"
				  : " (timed out)");
		return 0;
	}
	pt_printf("RESULT grant-root-write PASS\n");
	return 1;
}

static int end_while_mapped(void)
{
	uint64_t maps = 0;
	int ret = pt_grant_end_access(demo_ref);

	pt_grant_query(demo_ref, &maps, NULL);
	pt_printf("RESULT grant-end-busy %s status=0x%x want=0x%x "
		  "mappings=%lu\n",
		  ret == -PT_STATUS_OBJECT_IN_USE ? "PASS" : "FAIL", -ret,
		  PT_STATUS_OBJECT_IN_USE, (unsigned long)maps);
	return ret == -PT_STATUS_OBJECT_IN_USE;
}

static int end_when_unmapped(void)
{
	uint64_t deadline = pt_time_ns() + WAIT_NS, maps = 1;
	uint32_t flags = 0;
	int ret;

	for (;;) {
		ret = pt_grant_query(demo_ref, &maps, &flags);
		if (ret || maps == 0 || !poll_wait(deadline))
			break;
	}
	if (ret || maps) {
		pt_printf("RESULT grant-end-free FAIL query status=0x%x "
			  "mappings=%lu\n",
			  -ret, (unsigned long)maps);
		return 0;
	}
	ret = pt_grant_end_access(demo_ref);
	pt_grant_query(demo_ref, &maps, &flags);
	pt_printf("RESULT grant-end-free %s status=0x%x flags-after=0x%x\n",
		  !ret && !flags ? "PASS" : "FAIL", -ret, flags);
	return !ret && !flags;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	volatile uint8_t *page;
	int ret;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	pt_event_register(PT_EVENT_SHUTDOWN_REQUEST, on_shutdown_request, NULL);
	pt_irq_enable();
	ret = pt_grant_table_init(1);
	page = pt_pages_alloc(1);
	if (ret || !page)
		pt_panic("grant-demo: grant table status 0x%x, page %p", -ret,
			 (void *)page);
	memset((void *)page, 0, PT_PAGE_SIZE);
	ret = pt_grant_alloc(ROOT_ID, pt_gpa(page) >> PT_PAGE_SHIFT, 0, &demo_ref);
	if (ret)
		pt_panic("grant-demo: grant access status 0x%x", -ret);
	pt_printf("grant-demo: granted ref=%u gpfn=0x%lx to partition %u\n",
		  demo_ref, (unsigned long)(pt_gpa(page) >> PT_PAGE_SHIFT), ROOT_ID);

	if (wait_for_pattern(page) && end_while_mapped())
		end_when_unmapped();

	/* Idle without spinning until the root asks us to go. */
	pt_irq_disable();
	while (!pt_atomic_load32(&shutdown_requested))
		pt_safe_halt();
	pt_printf("grant-demo: shutdown requested, goodbye\n");
	return 0;
}
