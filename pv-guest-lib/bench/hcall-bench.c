// SPDX-License-Identifier: MIT
/*
 * The benchmark suite's guest (scripts/bench.sh): runs the selected
 * operations of the tables in ops.h round-robin, one sample of each per
 * round after a warm-up, prints each operation's distribution as PTBENCH
 * records, then the hypervisor's entry-time figures per call (PTBOUND).
 *
 * Command line: samples=N (default 20000) and ops=a,b,c (default: all).
 * empty_window and bare_exit always run: every report is read against them.
 * vCPU 0 runs the operations; any other vCPU serves as a ping-pong peer
 * (bench-peer.c).
 */
#include <partita-guest/guest.h>

#include "ops.h"
#include "pingpong.h"
#include "record.h"
#include "string.h"

#define DEFAULT_SAMPLES 20000u
#define MAX_SAMPLES 50000u
#define MAX_OPS 48u
/* Sample storage for every selected operation (4 MiB). */
#define POOL_SAMPLES (512u * 1024u)

struct op_run {
	const struct bench_op *op;
	uint64_t *samples;
	unsigned n, warmup;
	int failed;
};

uint32_t bench_self_id;
static uint64_t pool[POOL_SAMPLES];
static struct op_run runs[MAX_OPS];
static unsigned run_count;
static char wanted[512];

/*
 * Each operation is measured in one placement: those that need peer vCPUs
 * only in a partition that has them, the others only in a partition of one
 * vCPU: a second vCPU, even blocked, lengthens some of their paths (the
 * scheduler looks at every vCPU of its CPU). The empty window and the
 * bare exit run everywhere.
 */
static const struct {
	const struct bench_op *ops;
	int needs_peers;
} tables[] = {
	{ bench_ops_core, 0 },	   { bench_ops_rep, 0 },
	{ bench_ops_timer, 0 },	   { bench_ops_msg, 0 },
	{ bench_ops_pingpong, 1 },
};

static int is_floor(const char *name)
{
	return !strcmp(name, "empty_window") || !strcmp(name, "bare_exit");
}

/* Is `name` in the comma-separated ops= list? */
static int named(const char *name)
{
	size_t len = strlen(name);

	for (const char *p = wanted; *p;) {
		const char *end = p;

		while (*end && *end != ',')
			end++;
		if ((size_t)(end - p) == len && !strncmp(p, name, len))
			return 1;
		p = *end ? end + 1 : end;
	}
	return 0;
}

/*
 * Is the operation to run here: named in ops= (or no list), and in the
 * placement its table is measured in?
 */
static int selected(const char *name, int needs_peers, int has_peers)
{
	if (is_floor(name))
		return 1;
	if (wanted[0] && !named(name))
		return 0;
	if (needs_peers == has_peers)
		return 1;
	if (wanted[0]) /* asked for by name: say why it does not run */
		pt_printf("PTBENCH-INFO op=%s skipped: it runs only in a "
			  "partition %s\n",
			  name,
			  needs_peers ? "with peer vCPUs" : "of one vCPU");
	return 0;
}

/* Picks the operations and gives each its share of the sample pool. */
static void plan(unsigned samples)
{
	int has_peers = pt_vcpu_count() > 1;
	size_t used = 0;

	for (unsigned t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const struct bench_op *op = tables[t].ops; op->name;
		     op++) {
			struct op_run *r = &runs[run_count];
			unsigned n = samples / op->samples_div;

			if (run_count == MAX_OPS ||
			    !selected(op->name, tables[t].needs_peers,
				      has_peers))
				continue;
			r->n = n < 5 ? 5 : n;
			r->warmup = r->n / 20 < 2 ? 2 : r->n / 20;
			if (used + r->n > POOL_SAMPLES) {
				pt_printf("PTBENCH-FAIL op=%s status=0x%x "
					  "reason=sample-pool\n",
					  op->name,
					  PT_STATUS_INSUFFICIENT_MEMORY);
				continue;
			}
			r->op = op;
			r->samples = pool + used;
			used += r->n;
			run_count++;
		}
	}
}

static void fail(struct op_run *r, int ret, const char *where)
{
	r->failed = 1;
	pt_printf("PTBENCH-FAIL op=%s status=0x%x in=%s\n", r->op->name, -ret,
		  where);
}

/* Round-robin: round i takes one sample of every operation still going. */
static void run_rounds(void)
{
	unsigned rounds = 0;

	for (unsigned k = 0; k < run_count; k++) {
		struct op_run *r = &runs[k];
		int ret = r->op->setup ? r->op->setup() : 0;

		if (ret)
			fail(r, ret, "setup");
		if (r->n + r->warmup > rounds)
			rounds = r->n + r->warmup;
	}
	for (unsigned i = 0; i < rounds; i++) {
		for (unsigned k = 0; k < run_count; k++) {
			struct op_run *r = &runs[k];
			uint64_t ticks = 0;
			int ret;

			if (r->failed || i >= r->n + r->warmup)
				continue;
			ret = r->op->once(&ticks);
			if (ret)
				fail(r, ret, "sample");
			else if (i >= r->warmup)
				r->samples[i - r->warmup] = ticks / r->op->per;
		}
	}
}

/* The hypervisor's own entry times for the calls the suite made. */
static void report_bounds(void)
{
	static const struct {
		const char *name;
		uint16_t code;
	} calls[] = {
		{ "NULL", PT_CALL_NULL },
		{ "GET_VERSION", PT_CALL_GET_VERSION },
		{ "SELF_INFO", PT_CALL_SELF_INFO },
		{ "YIELD", PT_CALL_YIELD },
		{ "SET_TIMER", PT_CALL_SET_TIMER },
		{ "QUERY_PAGES", PT_CALL_QUERY_PAGES },
		{ "ZERO_PAGES", PT_CALL_ZERO_PAGES },
		{ "EVTCHN_SEND", PT_CALL_EVTCHN_SEND },
		{ "MSG_POST", PT_CALL_MSG_POST },
		{ "GRANT_MAP", PT_CALL_GRANT_MAP },
		{ "GRANT_UNMAP", PT_CALL_GRANT_UNMAP },
		{ "GRANT_COPY", PT_CALL_GRANT_COPY },
	};

	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		record_bound(calls[i].name, calls[i].code);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	volatile struct pt_vpap *v;
	unsigned samples;

	pt_guest_init();
	if (vcpu != 0)
		bench_peer_main(si->partition_id, vcpu); /* never returns */
	bench_self_id = si->partition_id;
	v = pt_vpap();
	samples = (unsigned)pt_cmdline_u64("samples", DEFAULT_SAMPLES);
	if (samples < 5 || samples > MAX_SAMPLES)
		samples = DEFAULT_SAMPLES;
	pt_cmdline_str("ops", wanted, sizeof(wanted)); /* "" when absent */
	pt_printf("PTBENCH-INFO samples=%u khz=%lu\n", samples,
		  (unsigned long)v->tsc_khz);

	bench_peers_start();
	plan(samples);
	run_rounds();
	for (unsigned k = 0; k < run_count; k++) {
		struct op_run *r = &runs[k];

		if (!r->failed)
			record_print(r->op->name, r->samples, r->n, r->warmup,
				     r->op->per, v->tsc_khz);
	}
	report_bounds();
	pt_printf("PTBENCH-VCPU exits=%lu hypercalls=%lu worst_entry_ns=%lu\n",
		  (unsigned long)v->stat_exits,
		  (unsigned long)v->stat_hypercalls,
		  (unsigned long)v->stat_worst_entry_ns);
	pt_printf("PTBENCH-DONE\n");
	return 0;
}
