// SPDX-License-Identifier: MIT
/*
 * In-guest test of grants between two guests. Two instances:
 *   role=granter peer=<id>   grants pages to the mapper and checks what
 *                            it did to them
 *   role=mapper peer=<id>    maps, writes, unmaps and copies
 * Steps, driven by messages (each side listens on slot 0 of vCPU 0):
 * the granter grants page P read-write; the mapper maps it and writes a
 * pattern; the granter finds it in P, and ending access is refused while
 * the mapping exists; the mapper unmaps; ending access succeeds. Then the
 * granter grants page Q holding a pattern; the mapper copies it out
 * (GRANT_COPY from the grant), checks it, copies another pattern in; the
 * granter finds that in Q.
 */
#include <partita-guest/guest.h>

#include "report.h"
#include "string.h"

#define WAIT_NS (120ull * 1000000000ull)

enum step {
	STEP_GRANTED = 1, /* granter: [ref of P] */
	STEP_WRITTEN,	  /* mapper: wrote P through its mapping */
	STEP_UNMAP,	  /* granter: unmap P now */
	STEP_UNMAPPED,
	STEP_COPY, /* granter: [ref of Q] */
	STEP_COPIED,
	STEP_DONE,
};

static uint32_t peer;
static uint64_t deadline;
static volatile uint32_t msgs_in, msg_type, msg_value;
static uint8_t buf[PT_PAGE_SIZE] __attribute__((aligned(PT_PAGE_SIZE)));

static uint8_t pattern(unsigned which, size_t i)
{
	return which == 1   ? (uint8_t)(i * 13 + 5)
	       : which == 2 ? (uint8_t)(i * 3 + 1)
			    : (uint8_t)(i * 5 + 7);
}

static void fill(volatile uint8_t *p, unsigned which)
{
	for (size_t i = 0; i < PT_PAGE_SIZE; i++)
		p[i] = pattern(which, i);
}

/* Index of the first byte off the pattern, or PT_PAGE_SIZE. */
static size_t check(const volatile uint8_t *p, unsigned which)
{
	for (size_t i = 0; i < PT_PAGE_SIZE; i++)
		if (p[i] != pattern(which, i))
			return i;
	return PT_PAGE_SIZE;
}

static void on_message(const struct pt_msg *msg, void *ctx)
{
	uint32_t v = 0;

	if (msg->header.payload_size >= 4)
		memcpy(&v, msg->payload, 4);
	msg_type = msg->header.message_type;
	msg_value = v;
	pt_atomic_add32(&msgs_in, 1);
}

static void on_timer(unsigned event, unsigned vcpu, void *arg)
{
}

static int say(uint32_t step, uint32_t value)
{
	uint32_t conn = pt_msg_connection_id(peer, 0, 0);
	int ret;

	while ((ret = pt_msg_post_retry(conn, step, &value, 4, 0, NULL)) ==
		       -PT_STATUS_INVALID_CONNECTION_ID &&
	       pt_time_ns() < deadline)
		pt_sleep_ns(1000000);
	return ret;
}

/* Waits for the n-th message; returns its step, 0 on time-out. */
static uint32_t hear(uint32_t n)
{
	pt_irq_disable();
	while (pt_atomic_load32(&msgs_in) < n && pt_time_ns() < deadline)
		pt_safe_halt();
	return pt_atomic_load32(&msgs_in) >= n ? msg_type : 0;
}

static int granter(void)
{
	volatile uint8_t *p = pt_pages_alloc(1), *q = pt_pages_alloc(1);
	uint32_t r1 = 0, r2 = 0, flags = 0;
	uint64_t maps = 0;
	size_t at;
	int ret, ok = 1;

	ret = pt_grant_table_init(1);
	if (!ret)
		ret = pt_grant_alloc(peer, pt_gpa(p) >> PT_PAGE_SHIFT, 0, &r1);
	if (ret || !p || !q || say(STEP_GRANTED, r1))
		return report("grant-pair-write", 0,
			      "role=granter set-up 0x%04x", -ret);
	if (hear(1) != STEP_WRITTEN)
		return report("grant-pair-write", 0,
			      "role=granter no WRITTEN (step %u)", msg_type);
	at = check(p, 1);
	ok &= report("grant-pair-write", at == PT_PAGE_SIZE,
		     "role=granter first-difference=%zu", at);

	ret = pt_grant_end_access(r1);
	pt_grant_query(r1, &maps, &flags);
	ok &= report("grant-pair-end-busy",
		     ret == -PT_STATUS_OBJECT_IN_USE && maps == 1 &&
			     (flags & PT_GRANT_PERMIT),
		     "role=granter status=0x%04x mappings=%lu flags=0x%x", -ret,
		     (unsigned long)maps, flags);

	if (say(STEP_UNMAP, r1) || hear(2) != STEP_UNMAPPED)
		return report("grant-pair-end-free", 0,
			      "role=granter no UNMAPPED (step %u)", msg_type);
	pt_grant_query(r1, &maps, NULL);
	ret = pt_grant_end_access(r1);
	pt_grant_query(r1, NULL, &flags);
	ok &= report("grant-pair-end-free", maps == 0 && ret == 0 && !flags,
		     "role=granter mappings=%lu status=0x%04x flags=0x%x",
		     (unsigned long)maps, -ret, flags);

	fill(q, 2);
	ret = pt_grant_alloc(peer, pt_gpa(q) >> PT_PAGE_SHIFT, 0, &r2);
	if (ret || say(STEP_COPY, r2) || hear(3) != STEP_COPIED)
		return report("grant-pair-copy", 0,
			      "role=granter status=0x%04x step %u", -ret,
			      msg_type);
	at = check(q, 3);
	ret = pt_grant_end_access(r2);
	ok &= report("grant-pair-copy", at == PT_PAGE_SIZE && ret == 0,
		     "role=granter first-difference=%zu end-access=0x%04x", at,
		     -ret);
	say(STEP_DONE, 0);
	return ok;
}

static int mapper(void)
{
	uint32_t ref, handle = 0;
	void *addr = NULL;
	size_t at, failed = 0;
	int ret, ok = 1;

	if (hear(1) != STEP_GRANTED)
		return report("grant-pair-map", 0, "role=mapper no GRANTED");
	ref = msg_value;
	ret = pt_grant_map(peer, &ref, 1, 0, &addr, &handle, &failed);
	if (ret)
		return report("grant-pair-map", 0,
			      "role=mapper ref=%u status=0x%04x", ref, -ret);
	fill(addr, 1);
	ok &= report("grant-pair-map", 1, "role=mapper ref=%u at=0x%lx", ref,
		     (unsigned long)pt_gpa(addr));
	if (say(STEP_WRITTEN, 0) || hear(2) != STEP_UNMAP)
		return report("grant-pair-unmap", 0, "role=mapper no UNMAP");
	ret = pt_grant_unmap(addr, &handle, 1);
	ok &= report("grant-pair-unmap", ret == 0, "role=mapper status=0x%04x",
		     -ret);
	if (say(STEP_UNMAPPED, 0) || hear(3) != STEP_COPY)
		return report("grant-pair-copy", 0, "role=mapper no COPY");
	ref = msg_value;
	memset(buf, 0, sizeof(buf));
	ret = pt_grant_copy_from(peer, ref, 0, buf, PT_PAGE_SIZE);
	at = check(buf, 2);
	ok &= report("grant-pair-copy-from", !ret && at == PT_PAGE_SIZE,
		     "role=mapper status=0x%04x first-difference=%zu", -ret,
		     at);
	/* A piece in the middle lands at the right place. */
	memset(buf, 0, sizeof(buf));
	ret = pt_grant_copy_from(peer, ref, 1000, buf + 1000, 100);
	ok &= report("grant-pair-copy-from-offset",
		     !ret && buf[999] == 0 && buf[1000] == pattern(2, 1000) &&
			     buf[1099] == pattern(2, 1099) && buf[1100] == 0,
		     "role=mapper status=0x%04x", -ret);
	fill(buf, 3);
	ret = pt_grant_copy_to(peer, ref, 0, buf, PT_PAGE_SIZE);
	ok &= report("grant-pair-copy-to", ret == 0,
		     "role=mapper status=0x%04x", -ret);
	if (say(STEP_COPIED, 0) || hear(4) != STEP_DONE)
		return report("grant-pair-copy", 0, "role=mapper no DONE");
	return ok;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	char role[10];
	int ok, ret;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	peer = (uint32_t)pt_cmdline_u64("peer", 0);
	pt_cmdline_str("role", role, sizeof(role));
	if (!peer || peer == si->partition_id ||
	    (strcmp(role, "granter") && strcmp(role, "mapper")))
		pt_panic("grant-pair: need role=granter|mapper, peer=<id>");
	deadline = pt_time_ns() + WAIT_NS;
	pt_event_register(PT_EVENT_TIMER, on_timer, NULL);
	pt_call_set_timer(deadline + 1000000);
	ret = pt_msg_listen(0, peer, 0, on_message, NULL, NULL);
	if (ret)
		pt_panic("grant-pair: listen status 0x%x", -ret);
	ok = !strcmp(role, "granter") ? granter() : mapper();
	/* A side that gave up tells the other, which then stops waiting. */
	if (!ok)
		say(STEP_DONE, 1);
	pt_call_set_timer(0);
	return ok ? 0 : 1;
}
