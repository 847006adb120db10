// SPDX-License-Identifier: MIT
/*
 * Example guest for the store: reads its name from its home, writes a key
 * the root can read, checks that another partition's home is closed to it,
 * then answers every write of data/ping with the same value in data/pong
 * (a watch) until the root asks it to shut down. Command line:
 *   bench=N   also time N store reads and N writes (round trips) and print
 *             their summaries ("store-bench read ..."), in ns and cycles,
 *             and as the benchmark suite's PTBENCH records (scripts/bench.sh)
 */
#include <partita-guest/guest.h>
#include <partita-guest/store.h>

#include "record.h"
#include "stats.h"
#include "fmt.h"
#include "string.h"

#define BENCH_MAX 4096u

static volatile uint32_t shutdown_requested;
static uint64_t samples[BENCH_MAX];

static void on_shutdown_request(unsigned event, unsigned vcpu, void *arg)
{
	(void)event;
	(void)vcpu;
	(void)arg;
	pt_atomic_store32(&shutdown_requested, 1);
}

static void result(const char *name, int pass, const char *detail)
{
	pt_printf("RESULT %s %s%s%s\n", name, pass ? "PASS" : "FAIL",
		  detail[0] ? " " : "", detail);
}

static void check_home(const struct pt_start_info *si)
{
	char name[64], detail[128];
	uint64_t domid = 0;
	int ret = pt_store_read(0, "name", name, sizeof(name), NULL);

	fmt_snprintf(detail, sizeof(detail), "%s (%s)", ret ? "" : name,
		     pt_store_strerror(ret));
	if (!ret)
		pt_printf("store-hello: name=%s\n", name);
	result("store-name", !ret && !strcmp(name, si->name),
	       ret ? detail : "");
	ret = pt_store_read_u64(0, "domid", &domid);
	result("store-domid", !ret && domid == si->partition_id,
	       ret ? pt_store_strerror(ret) : "");
	fmt_snprintf(detail, sizeof(detail), "hello from %s", si->name);
	ret = pt_store_write(0, "data/hello", detail);
	if (!ret)
		pt_printf("store-hello: wrote data/hello\n");
	result("store-write", !ret, ret ? pt_store_strerror(ret) : "");
}

/* Its own home is open to it; the root's and the tree's top are not. */
static void check_closed(void)
{
	int a = pt_store_write(0, "/local/domain/0/data/x", "no");
	int b = pt_store_write(0, "/tool/x", "no");
	char detail[64];

	fmt_snprintf(detail, sizeof(detail), "root-home=%s top=%s",
		     pt_store_strerror(a), pt_store_strerror(b));
	result("store-others-closed",
	       a == -PT_STORE_EACCES && b == -PT_STORE_EACCES, detail);
}

/* Times n round trips of one kind; returns the median in cycles. */
static uint64_t bench(const char *what, unsigned n, int kind)
{
	static const char *const suite_names[] = { "store_guest_null_hypercall",
						   "store_read_roundtrip",
						   "store_write_roundtrip" };
	char buf[64];
	uint64_t median;

	for (unsigned i = 0; i < n; i++) {
		uint64_t t0 = pt_rdtsc();
		int ret = kind == 0   ? pt_call_null()
			  : kind == 1 ? pt_store_read(0, "name", buf,
						      sizeof(buf), NULL)
				      : pt_store_write(0, "data/bench",
						       "0123456789");

		samples[i] = pt_rdtsc() - t0;
		if (ret) {
			pt_printf("store-bench %s: failed: %s\n", what,
				  pt_store_strerror(ret));
			return 0;
		}
	}
	stats_summarise("store-bench", what, samples, n);
	median = samples[n / 2]; /* sorted by stats_summarise */
	pt_printf("store-bench %s cycles median=%lu p99=%lu\n", what,
		  (unsigned long)median, (unsigned long)samples[n * 99 / 100]);
	record_print(suite_names[kind], samples, n, 0, 1, pt_vpap()->tsc_khz);
	return median;
}

/* The null hypercall first, measured in the same run, as the baseline. */
static void bench_all(unsigned n)
{
	uint64_t null = bench("null-hypercall", n, 0);
	uint64_t rd = bench("read", n, 1), wr = bench("write", n, 2);

	if (null) {
		stats_ratio("store-bench", "read/null-hypercall", rd, null);
		stats_ratio("store-bench", "write/null-hypercall", wr, null);
	}
	pt_printf("store-bench done\n");
}

/* data/ping -> data/pong, for the root's round-trip checks. */
static void echo_pings(void)
{
	char path[96], token[16], value[64];
	uint64_t answered = 0;
	int ret = pt_store_watch("data/ping", "ping");

	if (ret) {
		pt_printf("store-hello: watch failed: %s\n",
			  pt_store_strerror(ret));
		return;
	}
	pt_printf("store-hello: watching data/ping\n");
	while (!pt_atomic_load32(&shutdown_requested)) {
		ret = pt_store_wait_event(path, sizeof(path), token,
					  sizeof(token), 100000000ull);
		if (ret == -PT_STORE_ETIMEDOUT)
			continue;
		if (ret) {
			pt_printf("store-hello: wait failed: %s\n",
				  pt_store_strerror(ret));
			return;
		}
		if (pt_store_read(0, "data/ping", value, sizeof(value), NULL))
			continue; /* the first event comes before any ping */
		if (!pt_store_write(0, "data/pong", value))
			answered++;
		if (answered == 1 || answered % 100 == 0)
			pt_printf("store-hello: answered %lu pings\n",
				  (unsigned long)answered);
	}
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint64_t n = pt_cmdline_u64("bench", 0);
	int ret;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	pt_event_register(PT_EVENT_SHUTDOWN_REQUEST, on_shutdown_request, NULL);
	pt_irq_enable();
	ret = pt_store_init(30000000000ull);
	if (ret) {
		pt_printf("store-hello: no store: %s\n",
			  pt_store_strerror(ret));
		return 1;
	}
	pt_printf("store-hello: store ring at 0x%lx, port %u\n",
		  (unsigned long)si->store_ring_gpa, si->store_port);
	check_home(si);
	check_closed();
	if (n) {
		n = n > BENCH_MAX ? BENCH_MAX : n;
		bench_all((unsigned)n);
	}
	echo_pings();
	return 0;
}
