// SPDX-License-Identifier: GPL-2.0-only
/* Guest connections: introduce, rings, permissions, quotas, fairness, release. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include "store-guests.h"
#include "store-ring-io.h"
#include "store-test-util.h"

/*
 * An in-memory hypervisor: guest d's ring page is pages[d], granted under
 * PT_STORE_GRANT_REF only; its store port binds to local port 100 + d.
 */
#define NDOM 8
static struct pt_store_ring_page pages[NDOM];
static int fail_open, opens, mapped, bound, notified[NDOM];

static int fake_open(void *ctx)
{
	opens++;
	return fail_open ? -EIO : 0;
}

static int fake_map(void *ctx, uint32_t domid, uint32_t ref,
		    struct pt_store_ring_page **page, void **handle)
{
	if (domid >= NDOM || ref != PT_STORE_GRANT_REF)
		return -EINVAL;
	*page = &pages[domid];
	*handle = &pages[domid];
	mapped++;
	return 0;
}

static void fake_unmap(void *ctx, void *handle)
{
	mapped--;
}

static int fake_bind(void *ctx, uint32_t domid, uint32_t remote_port,
		     uint32_t *port)
{
	if (remote_port != PT_STORE_PORT)
		return -EINVAL;
	*port = 100 + domid;
	bound++;
	return 0;
}

static void fake_unbind(void *ctx, uint32_t port)
{
	bound--;
}

static void fake_notify(void *ctx, uint32_t port)
{
	notified[port - 100]++;
}

static const struct store_hv_ops fake_hv = {
	fake_open, fake_map, fake_unmap, fake_bind, fake_unbind, fake_notify,
};

static struct store st;
static struct store_conn *root;

static void setup(void)
{
	memset(pages, 0, sizeof(pages));
	memset(notified, 0, sizeof(notified));
	fail_open = opens = mapped = bound = 0;
	cr_assert_eq(store_init(&st, NULL), 0);
	st.hv = &fake_hv;
	root = store_conn_new(&st, 0, 1);
	cr_assert(root);
}

static void teardown(void)
{
	store_fini(&st);
	cr_assert_eq(mapped, 0, "every ring unmapped");
	cr_assert_eq(bound, 0, "every port unbound");
}

TestSuite(introduce, .init = setup, .fini = teardown);
TestSuite(gperms, .init = setup, .fini = teardown);
TestSuite(gquota, .init = setup, .fini = teardown);
TestSuite(fair, .init = setup, .fini = teardown);
TestSuite(hostile, .init = setup, .fini = teardown);
TestSuite(release, .init = setup, .fini = teardown);

/*
 * The guest's side: one request into its ring, as a guest would write it,
 * only if it fits whole (so a flood never leaves half a message); 0 if not.
 */
static int greq(uint32_t d, uint32_t type, uint32_t req_id, const void *p,
		uint32_t len)
{
	uint8_t buf[16 + PT_STORE_PAYLOAD_MAX];
	struct pt_store_ring_page *pg = &pages[d];
	int used = store_ring_pending(&pg->req_prod, &pg->req_cons);

	if (used < 0 || PT_STORE_RING_SIZE - (uint32_t)used < 16 + len)
		return 0;
	store_hdr_encode(buf, type, req_id, 0, len);
	memcpy(buf + 16, p, len);
	return store_ring_write(pg->req, &pg->req_prod, &pg->req_cons, buf,
				16 + len);
}

/* A request longer than the ring goes in pieces, the store taking each. */
static void greq_long(uint32_t d, uint32_t type, const void *p, uint32_t len)
{
	uint8_t buf[16 + PT_STORE_PAYLOAD_MAX];
	struct pt_store_ring_page *pg = &pages[d];
	uint32_t off = 0;
	int i;

	store_hdr_encode(buf, type, 1, 0, len);
	memcpy(buf + 16, p, len);
	for (i = 0; off < 16 + len && i < 100; i++) {
		int n = store_ring_write(pg->req, &pg->req_prod, &pg->req_cons,
					 buf + off, 16 + len - off);

		cr_assert_geq(n, 0);
		off += (uint32_t)n;
		store_guest_wake(store_guest_find(&st, d));
		store_guests_serve(&st, STORE_GUEST_BUDGET);
	}
	cr_assert_eq(off, 16 + len);
}

static int greq_path(uint32_t d, uint32_t type, const char *path)
{
	return greq(d, type, 1, path, (uint32_t)strlen(path) + 1);
}

/* The next whole message in the guest's reply ring, if there is one. */
static int grsp(uint32_t d, struct reply *r)
{
	struct pt_store_ring_page *pg = &pages[d];
	uint8_t hdr[16];
	struct pt_store_msg_hdr h;
	int avail = store_ring_pending(&pg->rsp_prod, &pg->rsp_cons);

	if (avail < 16)
		return 0;
	/* peek the header: replies are always moved in whole */
	for (int i = 0; i < 16; i++)
		hdr[i] = pg->rsp[(pg->rsp_cons + i) % PT_STORE_RING_SIZE];
	store_hdr_decode(hdr, &h);
	if ((uint32_t)avail < 16 + h.len)
		return 0;
	store_ring_read(pg->rsp, &pg->rsp_prod, &pg->rsp_cons, hdr, 16);
	store_ring_read(pg->rsp, &pg->rsp_prod, &pg->rsp_cons, r->data, h.len);
	r->data[h.len] = 0;
	r->type = h.type;
	r->req_id = h.req_id;
	r->len = h.len;
	return 1;
}

/* The guest's non-event reply (events are skipped). */
static struct reply *grsp_reply(uint32_t d)
{
	static struct reply r;

	memset(&r, 0, sizeof(r));
	r.type = PT_STORE_OP_INVALID;
	while (grsp(d, &r) && r.type == PT_STORE_OP_WATCH_EVENT)
		r.type = PT_STORE_OP_INVALID;
	return &r;
}

/* A guest request and its reply, with the port firing in between. */
static struct reply *gcall(uint32_t d, uint32_t type, const void *p,
			   uint32_t len)
{
	greq_long(d, type, p, len);
	store_guest_wake(store_guest_find(&st, d));
	store_guests_serve(&st, STORE_GUEST_BUDGET);
	return grsp_reply(d);
}

static struct reply *gpath(uint32_t d, uint32_t type, const char *path)
{
	return gcall(d, type, path, (uint32_t)strlen(path) + 1);
}

static struct reply *gwrite(uint32_t d, const char *path, const char *value)
{
	char buf[512];
	size_t pl = strlen(path) + 1, vl = strlen(value);

	memcpy(buf, path, pl);
	memcpy(buf + pl, value, vl);
	return gcall(d, PT_STORE_OP_WRITE, buf, (uint32_t)(pl + vl));
}

static void root_write(const char *path, const char *value)
{
	char buf[512];
	size_t pl = strlen(path) + 1, vl = strlen(value);

	memcpy(buf, path, pl);
	memcpy(buf + pl, value, vl);
	cr_assert(is_ok(call(root, PT_STORE_OP_WRITE, 0, buf,
			     (uint32_t)(pl + vl)),
			PT_STORE_OP_WRITE),
		  "root write %s", path);
}

static void root_perms(const char *path_and_perms, uint32_t len)
{
	cr_assert(
		is_ok(call(root, PT_STORE_OP_SET_PERMS, 0, path_and_perms, len),
		      PT_STORE_OP_SET_PERMS));
}

/* The toolstack's part: a home the guest reads, data/ it owns, then INTRODUCE. */
static void make_guest(uint32_t d)
{
	char buf[96];
	int n;

	n = snprintf(buf, sizeof(buf), "/local/domain/%u/name", d);
	root_write(buf, "guest");
	n = snprintf(buf, sizeof(buf), "/local/domain/%u", d);
	n += 1 + snprintf(buf + n + 1, sizeof(buf) - n - 1, "n0");
	n += 1 + snprintf(buf + n + 1, sizeof(buf) - n - 1, "r%u", d);
	root_perms(buf, (uint32_t)n + 1);
	n = snprintf(buf, sizeof(buf), "/local/domain/%u/name", d);
	n += 1 + snprintf(buf + n + 1, sizeof(buf) - n - 1, "n0");
	n += 1 + snprintf(buf + n + 1, sizeof(buf) - n - 1, "r%u", d);
	root_perms(buf, (uint32_t)n + 1);
	n = snprintf(buf, sizeof(buf), "/local/domain/%u/data", d);
	root_write(buf, "");
	n += 1 + snprintf(buf + n + 1, sizeof(buf) - n - 1, "n%u", d);
	root_perms(buf, (uint32_t)n + 1);
	n = snprintf(buf, sizeof(buf), "%u", d);
	n += 1 + snprintf(buf + n + 1, sizeof(buf) - n - 1, "%u",
			  PT_STORE_GRANT_REF);
	n += 1 +
	     snprintf(buf + n + 1, sizeof(buf) - n - 1, "%u", PT_STORE_PORT);
	cr_assert(is_ok(
		call(root, PT_STORE_OP_INTRODUCE, 0, buf, (uint32_t)n + 1),
		PT_STORE_OP_INTRODUCE));
}

static struct reply *path_op_root(uint32_t type, const char *path)
{
	return call(root, type, 0, path, (uint32_t)strlen(path) + 1);
}

static void drain_events(struct store_conn *c)
{
	struct reply ev;

	while (take(c, 1, &ev))
		;
}

Test(introduce, requests_written_before_introduce_are_served)
{
	struct reply *r;

	/* the guest starts (and asks) before the toolstack introduces it */
	cr_assert_gt(greq_path(3, PT_STORE_OP_READ, "name"), 0);
	cr_assert_eq(opens, 0, "nothing opened before the first INTRODUCE");
	make_guest(3);
	cr_assert_eq(opens, 1);
	cr_assert_eq(mapped, 1);
	cr_assert_eq(bound, 1);
	cr_assert_eq(pages[3].connection, PT_STORE_RING_CONNECTED);
	store_guests_serve(&st, STORE_GUEST_BUDGET);
	r = grsp_reply(3);
	cr_assert_eq(r->type, PT_STORE_OP_READ, "%s", r->data);
	cr_assert_str_eq(r->data, "guest");
	cr_assert_gt(notified[3], 0, "the guest was told");
	r = path_op_root(PT_STORE_OP_IS_DOMAIN_INTRODUCED, "3");
	cr_assert_str_eq(r->data, "T");
}

Test(introduce, errors_and_repeats)
{
	struct reply *r;
	struct reply ev;

	fail_open = 1;
	r = call(root, PT_STORE_OP_INTRODUCE, 0,
		 S("3\0"
		   "1\0"
		   "1"));
	cr_assert(is_err(r, "EIO"), "no hypervisor: %s", r->data);
	r = path_op_root(PT_STORE_OP_IS_DOMAIN_INTRODUCED, "3");
	cr_assert_str_eq(r->data, "F");
	fail_open = 0;
	r = call(root, PT_STORE_OP_INTRODUCE, 0,
		 S("3\0"
		   "7\0"
		   "1"));
	cr_assert(is_err(r, "EINVAL"), "a ref that grants nothing: %s",
		  r->data);
	cr_assert_eq(mapped, 0);
	r = call(root, PT_STORE_OP_INTRODUCE, 0,
		 S("3\0"
		   "1\0"
		   "9"));
	cr_assert(is_err(r, "EINVAL"), "a port that is not offered: %s",
		  r->data);
	cr_assert_eq(mapped, 0, "the ring is unmapped again");
	cr_assert_eq(bound, 0);
	call(root, PT_STORE_OP_WATCH, 0, S("@introduceDomain\0i"));
	drain_events(root);
	make_guest(3);
	cr_assert(take(root, 1, &ev));
	/* the same introduction again is harmless and fires nothing */
	r = call(root, PT_STORE_OP_INTRODUCE, 0,
		 S("3\0"
		   "1\0"
		   "1"));
	cr_assert(is_ok(r, PT_STORE_OP_INTRODUCE));
	cr_assert(!take(root, 1, &ev));
	cr_assert_eq(mapped, 1);
	r = call(root, PT_STORE_OP_INTRODUCE, 0,
		 S("3\0"
		   "2\0"
		   "1"));
	cr_assert(is_err(r, "EEXIST"));
	r = call(root, PT_STORE_OP_INTRODUCE, 0,
		 S("99999999999\0"
		   "1\0"
		   "1"));
	cr_assert(is_err(r, "EINVAL"));
}

Test(gperms, own_subtree_and_granted_paths_only)
{
	struct reply *r;

	make_guest(3);
	make_guest(4);
	root_write("/tool/secret", "s");
	/* its home it reads, its data/ it writes, nothing else */
	cr_assert_str_eq(gpath(3, PT_STORE_OP_READ, "name")->data, "guest");
	cr_assert(is_err(gwrite(3, "name", "evil"), "EACCES"));
	cr_assert(is_ok(gwrite(3, "data/k", "v"), PT_STORE_OP_WRITE));
	cr_assert(is_ok(gwrite(3, "data/a/b/c", "v"), PT_STORE_OP_WRITE));
	cr_assert(is_err(gwrite(3, "newkey", "v"), "EACCES"));
	cr_assert(is_err(gpath(3, PT_STORE_OP_READ, "/tool/secret"), "EACCES"));
	cr_assert(is_err(gpath(3, PT_STORE_OP_DIRECTORY, "/"), "EACCES"));
	cr_assert(is_err(gpath(3, PT_STORE_OP_READ, "/local/domain/4/name"),
			 "EACCES"));
	cr_assert(is_err(gwrite(3, "/local/domain/4/data/x", "v"), "EACCES"));
	/* no probing for names it may not see */
	cr_assert(
		is_err(gpath(3, PT_STORE_OP_READ, "/tool/nothing"), "EACCES"));
	cr_assert(
		is_err(gpath(3, PT_STORE_OP_RM, "/local/domain/4"), "EACCES"));
	/* special watches are raised by the daemon only (XSA-325) */
	cr_assert(is_err(gwrite(3, "@releaseDomain", "x"), "EINVAL"));
	cr_assert(is_err(
		gcall(3, PT_STORE_OP_WATCH_EVENT, S("@releaseDomain\0t")),
		"EINVAL"));
	/* only the root introduces, releases or asks for stats */
	cr_assert(is_err(gcall(3, PT_STORE_OP_INTRODUCE,
			       S("5\0"
				 "1\0"
				 "1")),
			 "EACCES"));
	cr_assert(is_err(gpath(3, PT_STORE_OP_RELEASE, "4"), "EACCES"));
	cr_assert(is_err(gcall(3, PT_STORE_OP_CONTROL, S("stats")), "EACCES"));
	/* what permissions grant it, it may use */
	root_write("/tool/shared", "x");
	root_perms(S("/tool/shared\0n0\0b3"));
	cr_assert(is_ok(gwrite(3, "/tool/shared", "y"), PT_STORE_OP_WRITE));
	cr_assert_str_eq(gpath(3, PT_STORE_OP_READ, "/tool/shared")->data, "y");
	cr_assert(is_err(gpath(4, PT_STORE_OP_READ, "/tool/shared"), "EACCES"));
	/* it may not take the node over */
	cr_assert(is_err(gcall(3, PT_STORE_OP_SET_PERMS, S("/tool/shared\0b3")),
			 "EACCES"));
	r = gcall(3, PT_STORE_OP_SET_PERMS, S("data/k\0n3\0r4"));
	cr_assert(is_ok(r, PT_STORE_OP_SET_PERMS), "%s", r->data);
	cr_assert(is_err(gcall(3, PT_STORE_OP_SET_PERMS, S("data/k\0n4")),
			 "EACCES"),
		  "only the root changes owners");
	cr_assert_str_eq(
		gpath(4, PT_STORE_OP_READ, "/local/domain/3/data/k")->data,
		"v");
}

Test(gperms, watches_fire_only_for_readable_paths)
{
	struct reply ev;

	make_guest(3);
	make_guest(4);
	root_write("/tool/open", "");
	root_perms(S("/tool/open\0n0\0r3"));
	/* a guest may watch anything; it hears only of what it may read */
	cr_assert(is_ok(gcall(3, PT_STORE_OP_WATCH, S("/\0all")),
			PT_STORE_OP_WATCH));
	while (grsp(3, &ev))
		;
	root_write("/tool/secret", "s");
	gwrite(4, "data/private", "p");
	store_guests_serve(&st, STORE_GUEST_BUDGET);
	cr_assert(!grsp(3, &ev), "event for %s", ev.data);
	root_write("/tool/open/k", "v");
	cr_assert(grsp(3, &ev));
	cr_assert_eq(ev.type, PT_STORE_OP_WATCH_EVENT);
	cr_assert_str_eq(ev.data, "/tool/open/k");
	root_write("/local/domain/3/name", "renamed");
	cr_assert(grsp(3, &ev));
	cr_assert_str_eq(ev.data, "/local/domain/3/name");
	/* removal is judged by the nearest surviving ancestor */
	path_op_root(PT_STORE_OP_RM, "/local/domain/4/data/private");
	cr_assert(!grsp(3, &ev), "event for %s", ev.data);
	/* relative watches report relative paths */
	cr_assert(is_ok(gcall(4, PT_STORE_OP_WATCH, S("data\0rel")),
			PT_STORE_OP_WATCH));
	while (grsp(4, &ev))
		;
	root_write("/local/domain/4/data/x", "1");
	cr_assert(grsp(4, &ev));
	cr_assert_str_eq(ev.data, "data/x");
	cr_assert_str_eq(ev_token(&ev), "rel");
}

Test(gquota, value_size_nodes_watches_transactions)
{
	static char big[2200];
	char path[64];
	struct reply *r;
	int i;

	make_guest(3);
	memcpy(big, "data/v", 7);
	memset(big + 7, 'x', sizeof(big) - 7);
	r = gcall(3, PT_STORE_OP_WRITE, big, 7 + 2049);
	cr_assert(is_err(r, "ENOSPC"), "%s", r->data);
	r = gcall(3, PT_STORE_OP_WRITE, big, 7 + 2048);
	cr_assert(is_ok(r, PT_STORE_OP_WRITE), "%s", r->data);
	st.quota.nodes = 6; /* data and data/v are its already */
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "data/n%d", i);
		cr_assert(is_ok(gwrite(3, path, ""), PT_STORE_OP_WRITE));
	}
	cr_assert(is_err(gwrite(3, "data/n9", ""), "ENOSPC"));
	st.quota.watches = 3;
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "data%c%d", 0, i);
		cr_assert(is_ok(gcall(3, PT_STORE_OP_WATCH, path, 7),
				PT_STORE_OP_WATCH));
	}
	cr_assert(is_err(gcall(3, PT_STORE_OP_WATCH, S("data\0x")), "ENOSPC"));
	st.quota.transactions = 2;
	cr_assert_eq(gcall(3, PT_STORE_OP_TRANSACTION_START, S(""))->type,
		     PT_STORE_OP_TRANSACTION_START);
	cr_assert_eq(gcall(3, PT_STORE_OP_TRANSACTION_START, S(""))->type,
		     PT_STORE_OP_TRANSACTION_START);
	cr_assert(is_err(gcall(3, PT_STORE_OP_TRANSACTION_START, S("")),
			 "ENOSPC"));
}

/* A guest that never takes its replies: the daemon keeps at most
 * quota.requests of them and leaves the rest of its requests unread. */
Test(gquota, outstanding_requests)
{
	struct store_guest *g;
	struct reply r;
	int i, sent = 0, got = 0;

	make_guest(3);
	g = store_guest_find(&st, 3);
	/* ~40-byte replies: the 1024-byte reply ring holds about 25 */
	for (i = 0; i < 60; i++)
		if (greq_path(3, PT_STORE_OP_GET_DOMAIN_PATH, "3") > 0)
			sent++;
	for (i = 0; i < 20; i++) {
		store_guest_wake(g);
		store_guests_serve(&st, 0);
	}
	cr_assert_eq(g->rc->conn->out_replies, st.quota.requests);
	cr_assert_gt(store_ring_pending(&pages[3].req_prod, &pages[3].req_cons),
		     0, "requests left unread");
	cr_assert(!g->broken);
	/* once it reads, it is served again */
	for (i = 0; i < 20; i++) {
		while (grsp(3, &r))
			got++;
		store_guest_wake(g);
		store_guests_serve(&st, 0);
	}
	cr_assert_eq(got, sent);
}

Test(gquota, queued_watch_events_are_bounded)
{
	struct store_guest *g;
	char path[64];
	int i;

	make_guest(3);
	g = store_guest_find(&st, 3);
	st.quota.watch_events = 5;
	cr_assert(is_ok(gcall(3, PT_STORE_OP_WATCH, S("name\0t")),
			PT_STORE_OP_WATCH));
	/* the guest reads nothing more: its reply ring fills, then the queue */
	for (i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "value-%d", i);
		root_write("/local/domain/3/name", path);
	}
	cr_assert_leq(g->rc->conn->out_events, 5);
	cr_assert_gt(g->rc->conn->events_dropped, 0);
	cr_assert(!g->broken);
	/* the root's own watchers are not limited */
	call(root, PT_STORE_OP_WATCH, 0, S("/local\0r"));
	for (i = 0; i < 200; i++)
		root_write("/local/domain/3/data", "x");
	cr_assert_geq(root->out_events, 200);
}

Test(fair, a_flooding_guest_does_not_starve_others)
{
	struct store_guest *a, *b;
	struct reply *r;
	int i, n = 0;

	make_guest(3);
	make_guest(4);
	a = store_guest_find(&st, 3);
	b = store_guest_find(&st, 4);
	/* 3 fills its request ring with small requests */
	while (greq_path(3, PT_STORE_OP_GET_DOMAIN_PATH, "1") > 0)
		n++;
	cr_assert_gt(n, 40);
	cr_assert_gt(greq_path(4, PT_STORE_OP_READ, "name"), 0);
	store_guest_wake(a);
	store_guest_wake(b);
	/* one round: 4 is answered though 3 still has work */
	cr_assert_eq(store_guests_serve(&st, STORE_GUEST_BUDGET), 1);
	r = grsp_reply(4);
	cr_assert_eq(r->type, PT_STORE_OP_READ);
	cr_assert_str_eq(r->data, "guest");
	cr_assert(a->pending, "3 is served again next round");
	cr_assert(!b->pending);
	/* 3 gets at most its budget per round, and all of it eventually */
	for (i = 0; i < 100 && store_guests_serve(&st, STORE_GUEST_BUDGET);
	     i++) {
		struct reply x;

		while (grsp(3, &x))
			n--;
		store_guest_wake(a);
	}
	while (grsp(3, &(struct reply){ 0 }))
		n--;
	cr_assert_eq(n, 0, "every request answered");
}

Test(hostile, producer_past_consumer_breaks_only_that_guest)
{
	struct store_guest *a;
	struct reply ev;

	make_guest(3);
	make_guest(4);
	a = store_guest_find(&st, 3);
	pages[3].req_prod = pages[3].req_cons + PT_STORE_RING_SIZE + 1;
	store_guest_wake(a);
	store_guests_serve(&st, STORE_GUEST_BUDGET);
	cr_assert(a->broken);
	cr_assert_str_eq(a->rc->why, "request producer more than a ring ahead");
	/* no more service, and no events queued to it */
	root_write("/local/domain/3/name", "x");
	cr_assert_eq(a->rc->conn->out_head, NULL);
	store_guest_wake(a);
	cr_assert_eq(store_guests_serve(&st, STORE_GUEST_BUDGET), 0);
	/* others carry on */
	cr_assert_str_eq(gpath(4, PT_STORE_OP_READ, "name")->data, "guest");
	(void)ev;
}

Test(hostile, oversized_header_and_bad_reply_indices)
{
	struct store_guest *a, *b;
	uint8_t hdr[16];

	make_guest(3);
	make_guest(4);
	a = store_guest_find(&st, 3);
	b = store_guest_find(&st, 4);
	store_hdr_encode(hdr, PT_STORE_OP_WRITE, 1, 0,
			 PT_STORE_PAYLOAD_MAX + 1);
	store_ring_write(pages[3].req, &pages[3].req_prod, &pages[3].req_cons,
			 hdr, 16);
	store_guest_wake(a);
	store_guests_serve(&st, STORE_GUEST_BUDGET);
	cr_assert(a->broken);
	cr_assert_str_eq(a->rc->why, "request header over 4096 payload bytes");
	/* 4 claims to have consumed replies it was never sent */
	pages[4].rsp_cons = pages[4].rsp_prod - PT_STORE_RING_SIZE - 10;
	greq_path(4, PT_STORE_OP_READ, "name");
	store_guest_wake(b);
	store_guests_serve(&st, STORE_GUEST_BUDGET);
	cr_assert(b->broken);
	/* the root is unaffected */
	root_write("/tool/ok", "1");
}

/* The @releaseDomain events queued to c, taking every event it has. */
static int release_events(struct store_conn *c)
{
	struct reply ev;
	int n = 0;

	while (take(c, 1, &ev))
		n += !strcmp(ev.data, "@releaseDomain");
	return n;
}

/*
 * XSA-325: a guest that breaks its ring loses its connection, but only
 * the toolstack's RELEASE may tell @releaseDomain's watchers that a
 * partition is gone; a back-end that believed a broken ring would tear
 * down a live guest's devices.
 */
Test(hostile, a_broken_ring_does_not_fire_release_domain)
{
	uint8_t hdr[16];

	make_guest(3);
	make_guest(4);
	call(root, PT_STORE_OP_WATCH, 0, S("@releaseDomain\0rel"));
	drain_events(root);
	pages[3].req_prod = pages[3].req_cons + PT_STORE_RING_SIZE + 1;
	store_hdr_encode(hdr, PT_STORE_OP_WRITE, 1, 0,
			 PT_STORE_PAYLOAD_MAX + 1);
	store_ring_write(pages[4].req, &pages[4].req_prod, &pages[4].req_cons,
			 hdr, 16);
	store_guest_wake(store_guest_find(&st, 3));
	store_guest_wake(store_guest_find(&st, 4));
	store_guests_serve(&st, STORE_GUEST_BUDGET);
	cr_assert(store_guest_find(&st, 3)->broken);
	cr_assert(store_guest_find(&st, 4)->broken);
	cr_assert_eq(release_events(root), 0,
		     "a broken ring raised @releaseDomain");
	cr_assert(is_ok(path_op_root(PT_STORE_OP_RELEASE, "3"),
			PT_STORE_OP_RELEASE));
	cr_assert_eq(release_events(root), 1, "RELEASE raises it once");
	cr_assert(is_ok(path_op_root(PT_STORE_OP_RELEASE, "4"),
			PT_STORE_OP_RELEASE));
	cr_assert_eq(release_events(root), 1);
}

static uint32_t tree_nodes(void)
{
	return store_tree_count(st.root);
}

Test(release, removes_the_whole_footprint)
{
	uint32_t before;
	struct reply ev;
	struct reply *r;
	uint32_t t;

	root_write("/local/domain/0/backend/console/7/0/state", "1");
	before = tree_nodes();
	make_guest(3);
	make_guest(7);
	/* the toolstack's back-end directory for guest 3 */
	root_write("/local/domain/0/backend/console/3/0/state", "1");
	root_write("/local/domain/0/backend/vbd/3/51712/state", "1");
	/* a node guest 3 owns outside its home, and one naming it */
	root_write("/tool/drop", "");
	root_perms(S("/tool/drop\0n0\0w3"));
	cr_assert(is_ok(gwrite(3, "/tool/drop/mine", "x"), PT_STORE_OP_WRITE));
	root_write("/tool/named", "");
	root_perms(S("/tool/named\0n0\0r3\0r7"));
	gwrite(3, "data/a/b", "x");
	/* its watches and an open transaction */
	gcall(3, PT_STORE_OP_WATCH, S("/tool\0w"));
	r = gcall(3, PT_STORE_OP_TRANSACTION_START, S(""));
	cr_assert_eq(store_parse_u32(r->data, &t), 0);
	call(root, PT_STORE_OP_WATCH, 0, S("@releaseDomain\0rel"));
	call(root, PT_STORE_OP_WATCH, 0, S("/local/domain/0/backend\0be"));
	drain_events(root);
	cr_assert_eq(mapped, 2);

	cr_assert(is_ok(path_op_root(PT_STORE_OP_RELEASE, "3"),
			PT_STORE_OP_RELEASE));
	cr_assert_eq(mapped, 1, "its ring is unmapped");
	cr_assert_eq(bound, 1, "its port is unbound");
	cr_assert_null(store_guest_find(&st, 3));
	cr_assert(is_err(path_op_root(PT_STORE_OP_READ, "/local/domain/3"),
			 "ENOENT"));
	cr_assert(is_err(path_op_root(PT_STORE_OP_READ,
				      "/local/domain/0/backend/console/3"),
			 "ENOENT"));
	cr_assert(is_err(
		path_op_root(PT_STORE_OP_READ, "/local/domain/0/backend/vbd/3"),
		"ENOENT"));
	cr_assert(is_err(path_op_root(PT_STORE_OP_READ, "/tool/drop/mine"),
			 "ENOENT"));
	r = path_op_root(PT_STORE_OP_GET_PERMS, "/tool/named");
	cr_assert_str_eq(r->data, "n0");
	cr_assert_str_eq(r->data + 3, "r7");
	/* guest 7's back-end directory stays */
	cr_assert_eq(path_op_root(PT_STORE_OP_READ,
				  "/local/domain/0/backend/console/7/0/state")
			     ->type,
		     PT_STORE_OP_READ);
	/* back-end watchers hear of it, and so do @releaseDomain's */
	cr_assert(take(root, 1, &ev));
	while (strcmp(ev.data, "@releaseDomain"))
		cr_assert(take(root, 1, &ev), "no @releaseDomain");
	r = path_op_root(PT_STORE_OP_IS_DOMAIN_INTRODUCED, "3");
	cr_assert_str_eq(r->data, "F");
	cr_assert(is_err(path_op_root(PT_STORE_OP_RELEASE, "3"), "ENOENT"));
	/*
	 * Left: the root's /tool/drop, /tool/named and backend/vbd; gone
	 * with guest 7: its back-end directory 7/0/state (3 nodes).
	 */
	path_op_root(PT_STORE_OP_RELEASE, "7");
	cr_assert_eq(tree_nodes(), before + 3 - 3, "%u nodes, %u before",
		     tree_nodes(), before);
	cr_assert_null(store_domain_find(&st, 3, 0));
	cr_assert_eq(st.introduced_total, 2);
	cr_assert_eq(st.released_total, 2);
}

/* 20 guests come and go: nothing is left of them, no record, no mapping. */
Test(release, twenty_guests_leave_nothing)
{
	uint32_t before = tree_nodes();
	char id[12], stats[256];
	int round, d;

	for (round = 0; round < 5; round++) {
		for (d = 1; d < NDOM; d++) {
			make_guest((uint32_t)d);
			gwrite((uint32_t)d, "data/x", "1");
			root_write("/local/domain/0/backend/console/x", "");
		}
		for (d = 1; d < NDOM; d++) {
			snprintf(id, sizeof(id), "%d", d);
			cr_assert(is_ok(path_op_root(PT_STORE_OP_RELEASE, id),
					PT_STORE_OP_RELEASE));
		}
		path_op_root(PT_STORE_OP_RM, "/local/domain/0");
	}
	cr_assert_eq(tree_nodes(), before);
	cr_assert_eq(mapped, 0);
	cr_assert_eq(bound, 0);
	cr_assert_null(st.guests);
	cr_assert_gt(store_stats_format(&st, stats, sizeof(stats)), 0);
	cr_assert_str_eq(stats, "introduced 35 released 35 guests 0 broken 0 "
				"connections 1 nodes 4 watches 0 "
				"transactions 0");
}
