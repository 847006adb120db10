// SPDX-License-Identifier: MIT
/*
 * A hostile store client, for the root's store-hostile test: it breaks its
 * own store ring or stretches its quotas in one way per run, chosen on the
 * command line, while the root checks that the store daemon and the other
 * guests carry on. Command line:
 *   case=perm      (default) permissions and quotas, each a RESULT line
 *   case=oversize  a request header announcing 5000 payload bytes
 *   case=overrun   a request producer index far past the consumer's
 *   case=flood     requests without ever reading the replies, secs=N
 *   peer=ID        another guest whose home must stay closed (perm)
 */
#include <partita-guest/guest.h>
#include <partita-guest/store.h>
#include <partita/store-ring.h>

#include "fmt.h"
#include "report.h"
#include "string.h"

static struct report_tally tally = { .suite = "store-hostile" };

static volatile struct pt_store_ring_page *ring(void)
{
	return (volatile struct pt_store_ring_page *)(uintptr_t)pt_start_info()
		->store_ring_gpa;
}

static void expect_err(const char *name, int got, int want)
{
	report_case(&tally, name, got == want, "got %s, want %s",
		    pt_store_strerror(got), pt_store_strerror(want));
}

static void perm_cases(uint32_t peer)
{
	char path[96], buf[64], big[3000];
	int ret, n;
	uint32_t tx[12];

	fmt_snprintf(path, sizeof(path), "/local/domain/%u/data/hello", peer);
	expect_err("read-peer-key",
		   pt_store_read(0, path, buf, sizeof(buf), NULL),
		   -PT_STORE_EACCES);
	fmt_snprintf(path, sizeof(path), "/local/domain/%u/data/x", peer);
	expect_err("write-peer-key", pt_store_write(0, path, "x"),
		   -PT_STORE_EACCES);
	fmt_snprintf(path, sizeof(path), "/local/domain/%u", peer);
	expect_err("list-peer-home",
		   pt_store_directory(0, path, buf, sizeof(buf), NULL),
		   -PT_STORE_EACCES);
	expect_err("write-own-name", pt_store_write(0, "name", "evil"),
		   -PT_STORE_EACCES);
	fmt_snprintf(path, sizeof(path), "/local/domain/%u/data/hello", peer);
	expect_err("rm-peer-key", pt_store_rm(0, path), -PT_STORE_EACCES);
	expect_err("rm-all-homes", pt_store_rm(0, "/local/domain"),
		   -PT_STORE_EACCES);
	expect_err("write-top", pt_store_write(0, "/evil", "x"),
		   -PT_STORE_EACCES);
	memset(big, 'v', sizeof(big));
	ret = pt_store_write_bytes(0, "data/big", big, sizeof(big));
	report_case(&tally, "value-over-guest-quota", ret != 0, "got %s",
		    pt_store_strerror(ret));
	/* Watches and transactions: the quota stops them, cleanly. */
	for (n = 0; n < 1000; n++) {
		fmt_snprintf(path, sizeof(path), "data/w%d", n);
		ret = pt_store_watch(path, "t");
		if (ret)
			break;
	}
	report_case(&tally, "watch-quota", ret == -PT_STORE_ENOSPC && n > 0,
		    "%d watches, then %s", n, pt_store_strerror(ret));
	for (n = 0; n < 12; n++) {
		ret = pt_store_txn_start(&tx[n]);
		if (ret)
			break;
	}
	report_case(&tally, "transaction-quota",
		    ret == -PT_STORE_ENOSPC && n > 0, "%d open, then %s", n,
		    pt_store_strerror(ret));
	while (n--)
		pt_store_txn_end(tx[n], 0);
	/* Still served after all that. */
	ret = pt_store_read(0, "name", buf, sizeof(buf), NULL);
	report_case(&tally, "still-served", ret == 0, "%s",
		    pt_store_strerror(ret));
	report_suite(&tally);
}

/* Writes raw bytes into the request ring and rings the store's bell. */
static void raw_request(const void *data, uint32_t len)
{
	volatile struct pt_store_ring_page *r = ring();
	uint32_t prod = r->req_prod;

	for (uint32_t i = 0; i < len; i++)
		r->req[(prod + i) & (PT_STORE_RING_SIZE - 1)] =
			((const uint8_t *)data)[i];
	__atomic_thread_fence(__ATOMIC_RELEASE);
	r->req_prod = prod + len;
	pt_call_evtchn_send(pt_start_info()->store_port);
}

static void after_breaking(const char *what)
{
	char buf[64];
	int ret;

	/* The store gave up on this ring: nothing more is answered. */
	pt_store_init(2000000000ull);
	ret = pt_store_read(0, "name", buf, sizeof(buf), NULL);
	pt_printf("RESULT store-hostile-%s DONE read after: %s\n", what,
		  pt_store_strerror(ret));
}

static void oversize(void)
{
	struct pt_store_msg_hdr h = { PT_STORE_OP_WRITE, 7, 0, 5000 };

	raw_request(&h, sizeof(h));
	after_breaking("oversize");
}

static void overrun(void)
{
	volatile struct pt_store_ring_page *r = ring();

	r->req_prod = r->req_cons + 3 * PT_STORE_RING_SIZE;
	pt_call_evtchn_send(pt_start_info()->store_port);
	after_breaking("overrun");
}

/* Requests as fast as the ring takes them; replies are never read. */
static void flood(uint64_t secs)
{
	static const char path[] = "name";
	uint8_t msg[sizeof(struct pt_store_msg_hdr) + sizeof(path)];
	struct pt_store_msg_hdr h = { PT_STORE_OP_READ, 1, 0, sizeof(path) };
	volatile struct pt_store_ring_page *r = ring();
	uint64_t end = pt_time_ns() + secs * 1000000000ull, sent = 0;

	while (pt_time_ns() < end) {
		if (PT_STORE_RING_SIZE - (r->req_prod - r->req_cons) <
		    sizeof(msg)) {
			pt_call_evtchn_send(pt_start_info()->store_port);
			pt_sleep_ns(100000);
			continue;
		}
		h.req_id = (uint32_t)++sent;
		memcpy(msg, &h, sizeof(h));
		memcpy(msg + sizeof(h), path, sizeof(path));
		raw_request(msg, sizeof(msg));
	}
	pt_printf("RESULT store-hostile-flood DONE sent=%lu rsp_unread=%u\n",
		  (unsigned long)sent, r->rsp_prod - r->rsp_cons);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	char what[16];

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	if (!pt_cmdline_str("case", what, sizeof(what)))
		memcpy(what, "perm", 5);
	if (pt_store_init(10000000000ull)) {
		pt_printf("RESULT store-hostile FAIL no store in start-info\n");
		return 1;
	}
	if (!strcmp(what, "perm"))
		perm_cases((uint32_t)pt_cmdline_u64("peer", 0));
	else if (!strcmp(what, "oversize"))
		oversize();
	else if (!strcmp(what, "overrun"))
		overrun();
	else if (!strcmp(what, "flood"))
		flood(pt_cmdline_u64("secs", 10));
	else
		pt_printf("RESULT store-hostile FAIL unknown case %s\n", what);
	/* Stay until destroyed: the root checks others meanwhile. */
	for (;;)
		pt_call_block(0);
	(void)si;
	return 0;
}
