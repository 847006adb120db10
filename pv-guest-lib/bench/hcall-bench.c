// SPDX-License-Identifier: MIT
/*
 * Hypercall latency benchmark guest: the null hypercall round trip through
 * the hypercall page next to a bare VM exit round trip (an intercepted
 * CPUID), then messaging operations on the guest's own objects — an event
 * sent to its own port and dispatched, a message posted to itself and
 * received, grant map+unmap of 1 and 64 pages, grant copy of 4 KiB — each
 * as min/median/p99/p99.9/max in ns and as a ratio to the null hypercall
 * measured in the same run.
 */
#include <partita-guest/guest.h>

#include "stats.h"
#include "string.h"

#define SAMPLES 20000u
#define WARMUP 1000u
#define MSG_SAMPLES 5000u
#define MAP_SAMPLES 2000u
#define MAP64_SAMPLES 300u
#define MAP_BATCH 64u

static uint64_t null_cycles[SAMPLES], exit_cycles[SAMPLES];
static uint64_t op_cycles[SAMPLES];
static uint8_t copy_buf[PT_PAGE_SIZE] __attribute__((aligned(PT_PAGE_SIZE)));
static uint32_t self_id;
static volatile uint32_t events_in, messages_in;

static uint64_t time_null_call(void)
{
	uint64_t t0 = pt_rdtsc_ordered();

	pt_call_null();
	return pt_rdtsc_ordered() - t0;
}

static uint64_t time_bare_exit(void)
{
	uint64_t t0 = pt_rdtsc_ordered();

	pt_cpuid(PT_CPUID_LEAF_VENDOR, 0);
	return pt_rdtsc_ordered() - t0;
}

static void on_event(uint32_t port, void *ctx)
{
	events_in++;
}

static void on_message(const struct pt_msg *msg, void *ctx)
{
	messages_in++;
}

static void report_op(const char *op, size_t n, uint64_t null_median)
{
	uint64_t median = stats_summarise("BENCH", op, op_cycles, n);
	char name[64];

	memcpy(name, op, strlen(op) + 1);
	memcpy(name + strlen(op), "/null_hypercall", 16);
	stats_ratio("BENCH", name, median, null_median);
}

/*
 * Send on one end of a self-bound pair and dispatch the other end's
 * handler by polling (interrupts are off here): the hypervisor's send
 * path plus the guest's two-level scan.
 */
static void bench_event_self(uint64_t null_median)
{
	uint32_t p = 0, q = 0;
	int ret;

	ret = pt_evtchn_init();
	if (!ret)
		ret = pt_call_evtchn_alloc_unbound(self_id, 0, &p);
	if (!ret)
		ret = pt_call_evtchn_bind_interdomain(self_id, 0, p, &q);
	if (!ret)
		ret = pt_evtchn_set_handler(q, on_event, NULL);
	if (ret) {
		pt_printf("BENCH evtchn_send_self FAILED status=0x%x\n", -ret);
		return;
	}
	for (unsigned i = 0; i < SAMPLES + WARMUP; i++) {
		uint64_t t0 = pt_rdtsc_ordered();

		pt_call_evtchn_send(p);
		pt_evtchn_poll();
		if (i >= WARMUP)
			op_cycles[i - WARMUP] = pt_rdtsc_ordered() - t0;
	}
	if (events_in != SAMPLES + WARMUP)
		pt_printf("BENCH evtchn_send_self FAILED events=%u want %u\n",
			  events_in, SAMPLES + WARMUP);
	else
		report_op("evtchn_send_self", SAMPLES, null_median);
}

/* Post to a connection of its own, receive by polling (copy + EOM). */
static void bench_message_self(uint64_t null_median)
{
	uint32_t conn = 0, payload[4] = { 1, 2, 3, 4 };
	int ret = pt_msg_listen(1, self_id, 0, on_message, NULL, &conn);

	if (ret) {
		pt_printf("BENCH msg_post_receive_self FAILED status=0x%x\n",
			  -ret);
		return;
	}
	for (unsigned i = 0; i < MSG_SAMPLES + WARMUP; i++) {
		uint64_t t0 = pt_rdtsc_ordered();

		ret = pt_call_msg_post(conn, 1, payload, sizeof(payload));
		pt_msg_poll();
		if (ret)
			break;
		if (i >= WARMUP)
			op_cycles[i - WARMUP] = pt_rdtsc_ordered() - t0;
	}
	if (ret || messages_in != MSG_SAMPLES + WARMUP)
		pt_printf("BENCH msg_post_receive_self FAILED status=0x%x "
			  "received=%u\n",
			  -ret, messages_in);
	else
		report_op("msg_post_receive_self", MSG_SAMPLES, null_median);
}

/* Map and unmap `count` of its own grants, `n` times. */
static int bench_map(const uint32_t *refs, unsigned count, unsigned n,
		     const char *op, uint64_t null_median)
{
	uint32_t handles[MAP_BATCH];
	void *addr = NULL;

	for (unsigned i = 0; i < n + n / 10; i++) {
		uint64_t t0 = pt_rdtsc_ordered();
		int ret = pt_grant_map(self_id, refs, count, 0, &addr, handles,
				       NULL);

		if (!ret)
			ret = pt_grant_unmap(addr, handles, count);
		if (ret) {
			pt_printf("BENCH %s FAILED status=0x%x\n", op, -ret);
			return 0;
		}
		if (i >= n / 10)
			op_cycles[i - n / 10] = pt_rdtsc_ordered() - t0;
	}
	report_op(op, n, null_median);
	return 1;
}

static void bench_grants(uint64_t null_median)
{
	uint8_t *pages = pt_pages_alloc(MAP_BATCH);
	uint32_t refs[MAP_BATCH];
	int ret = pt_grant_table_init(1);

	for (unsigned i = 0; !ret && pages && i < MAP_BATCH; i++)
		ret = pt_grant_alloc(self_id,
				     (pt_gpa(pages) >> PT_PAGE_SHIFT) + i, 0,
				     &refs[i]);
	if (ret || !pages) {
		pt_printf("BENCH grant FAILED set-up status=0x%x\n", -ret);
		return;
	}
	if (!bench_map(refs, 1, MAP_SAMPLES, "grant_map_unmap_1",
		       null_median) ||
	    !bench_map(refs, MAP_BATCH, MAP64_SAMPLES, "grant_map_unmap_64",
		       null_median))
		return;
	for (unsigned i = 0; i < MAP_SAMPLES + WARMUP; i++) {
		uint64_t t0 = pt_rdtsc_ordered();

		ret = pt_grant_copy_from(self_id, refs[0], 0, copy_buf,
					 PT_PAGE_SIZE);
		if (ret) {
			pt_printf("BENCH grant_copy_4k FAILED status=0x%x\n",
				  -ret);
			return;
		}
		if (i >= WARMUP)
			op_cycles[i - WARMUP] = pt_rdtsc_ordered() - t0;
	}
	report_op("grant_copy_4k", MAP_SAMPLES, null_median);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint64_t null_median, exit_median, count = 0, worst = 0;
	volatile struct pt_vpap *v;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	self_id = si->partition_id;
	v = pt_vpap();
	pt_printf("hcall-bench: %u samples each after %u warm-up, TSC %lu "
		  "kHz\n",
		  SAMPLES, WARMUP, (unsigned long)v->tsc_khz);

	for (unsigned i = 0; i < WARMUP; i++) {
		time_null_call();
		time_bare_exit();
	}
	/* Interleaved, so that slow phases of the host hit both alike. */
	for (unsigned i = 0; i < SAMPLES; i++) {
		null_cycles[i] = time_null_call();
		exit_cycles[i] = time_bare_exit();
	}

	null_median = stats_summarise("BENCH", "null_hypercall", null_cycles,
				      SAMPLES);
	exit_median =
		stats_summarise("BENCH", "bare_exit", exit_cycles, SAMPLES);
	stats_ratio("BENCH", "null_hypercall/bare_exit", null_median,
		    exit_median);
	if (pt_call_get_call_stats(PT_CALL_NULL, &count, &worst) == 0)
		pt_printf("BENCH null_hypercall_stats count=%lu "
			  "worst_entry_ns=%lu\n",
			  (unsigned long)count, (unsigned long)worst);
	pt_printf("BENCH vcpu_stats exits=%lu hypercalls=%lu "
		  "worst_entry_ns=%lu\n",
		  (unsigned long)v->stat_exits,
		  (unsigned long)v->stat_hypercalls,
		  (unsigned long)v->stat_worst_entry_ns);

	bench_event_self(null_median);
	bench_message_self(null_median);
	bench_grants(null_median);
	pt_printf("BENCH done\n");
	return 0;
}
