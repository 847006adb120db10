// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the store: tree, permissions, transactions, watches, quotas. */
#include <criterion/criterion.h>
#include <stdio.h>
#include "store-test-util.h"

static struct store st;
static struct store_conn *root, *guest1, *guest2;

static void setup(void)
{
	cr_assert_eq(store_init(&st, NULL), 0);
	root = store_conn_new(&st, 0, 1);
	guest1 = store_conn_new(&st, 1, 0);
	guest2 = store_conn_new(&st, 2, 0);
	cr_assert(root && guest1 && guest2);
}

static void teardown(void)
{
	store_fini(&st);
}

TestSuite(tree, .init = setup, .fini = teardown);
TestSuite(perms, .init = setup, .fini = teardown);
TestSuite(txn, .init = setup, .fini = teardown);
TestSuite(watch, .init = setup, .fini = teardown);
TestSuite(quota, .init = setup, .fini = teardown);
TestSuite(badinput, .init = setup, .fini = teardown);

static void write_ok(struct store_conn *c, uint32_t tx, const char *path,
		     const char *value)
{
	char buf[512];
	size_t pl = strlen(path) + 1, vl = strlen(value);
	struct reply *r;

	memcpy(buf, path, pl);
	memcpy(buf + pl, value, vl);
	r = call(c, PT_STORE_OP_WRITE, tx, buf, (uint32_t)(pl + vl));
	cr_assert(is_ok(r, PT_STORE_OP_WRITE), "write %s: %s", path, r->data);
}

static struct reply *path_op(struct store_conn *c, uint32_t op, uint32_t tx,
			     const char *path)
{
	return call(c, op, tx, path, (uint32_t)strlen(path) + 1);
}

static uint32_t txn_start(struct store_conn *c)
{
	struct reply *r = call(c, PT_STORE_OP_TRANSACTION_START, 0, S(""));
	uint32_t id = 0;

	cr_assert_eq(r->type, PT_STORE_OP_TRANSACTION_START);
	cr_assert_eq(store_parse_u32(r->data, &id), 0);
	cr_assert_neq(id, 0);
	return id;
}

static struct reply *txn_end(struct store_conn *c, uint32_t id, int commit)
{
	return call(c, PT_STORE_OP_TRANSACTION_END, id, commit ? "T" : "F", 2);
}

Test(tree, write_read_directory_rm)
{
	struct reply *r;

	write_ok(root, 0, "/a/b/c", "hello");
	r = path_op(root, PT_STORE_OP_READ, 0, "/a/b/c");
	cr_assert_eq(r->type, PT_STORE_OP_READ);
	cr_assert_eq(r->len, 5);
	cr_assert_str_eq(r->data, "hello");
	cr_assert_eq(r->req_id, 77);
	/* parents were created empty */
	r = path_op(root, PT_STORE_OP_READ, 0, "/a/b");
	cr_assert_eq(r->len, 0);
	write_ok(root, 0, "/a/d", "");
	r = path_op(root, PT_STORE_OP_DIRECTORY, 0, "/a");
	cr_assert_eq(r->len, 4);
	cr_assert_eq(memcmp(r->data, "b\0d\0", 4), 0);
	cr_assert(is_ok(path_op(root, PT_STORE_OP_RM, 0, "/a/b"),
			PT_STORE_OP_RM));
	cr_assert(
		is_err(path_op(root, PT_STORE_OP_READ, 0, "/a/b/c"), "ENOENT"));
	/* removing what is gone is fine; below a missing parent it is not */
	cr_assert(is_ok(path_op(root, PT_STORE_OP_RM, 0, "/a/b"),
			PT_STORE_OP_RM));
	cr_assert(is_err(path_op(root, PT_STORE_OP_RM, 0, "/x/y"), "ENOENT"));
	cr_assert(is_err(path_op(root, PT_STORE_OP_RM, 0, "/"), "EINVAL"));
}

Test(tree, mkdir_and_binary_values)
{
	struct reply *r;

	cr_assert(is_ok(path_op(root, PT_STORE_OP_MKDIR, 0, "/m/n"),
			PT_STORE_OP_MKDIR));
	cr_assert(is_ok(path_op(root, PT_STORE_OP_MKDIR, 0, "/m/n"),
			PT_STORE_OP_MKDIR));
	r = call(root, PT_STORE_OP_WRITE, 0, V("/m/n\0x\0y"));
	cr_assert(is_ok(r, PT_STORE_OP_WRITE));
	r = path_op(root, PT_STORE_OP_READ, 0, "/m/n");
	cr_assert_eq(r->len, 3);
	cr_assert_eq(memcmp(r->data, "x\0y", 3), 0);
}

Test(tree, relative_paths_and_domain_path)
{
	struct reply *r;

	write_ok(root, 0, "/local/domain/1/x", "");
	r = call(root, PT_STORE_OP_SET_PERMS, 0, S("/local/domain/1\0b1"));
	cr_assert(is_ok(r, PT_STORE_OP_SET_PERMS));
	write_ok(guest1, 0, "data/key", "v");
	r = path_op(root, PT_STORE_OP_READ, 0, "/local/domain/1/data/key");
	cr_assert_str_eq(r->data, "v");
	r = path_op(guest1, PT_STORE_OP_GET_DOMAIN_PATH, 0, "7");
	cr_assert_str_eq(r->data, "/local/domain/7");
}

Test(tree, directory_part_pages_large_directories)
{
	char path[64], all[8192] = "", *p;
	uint32_t off = 0, got = 0, i;
	struct reply *r;

	for (i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "/big/entry-number-%u", i);
		write_ok(root, 0, path, "");
	}
	r = path_op(root, PT_STORE_OP_DIRECTORY, 0, "/big");
	cr_assert(is_err(r, "E2BIG"));
	for (;;) {
		char req[64];
		int n = snprintf(req, sizeof(req), "/big%c%u", 0, off);

		r = call(root, PT_STORE_OP_DIRECTORY_PART, 0, req,
			 (uint32_t)n + 1);
		cr_assert_eq(r->type, PT_STORE_OP_DIRECTORY_PART, "%s",
			     r->data);
		p = r->data + strlen(r->data) + 1;
		n = (int)(r->len - (uint32_t)(p - r->data));
		memcpy(all + off, p, (size_t)n);
		off += (uint32_t)n;
		if (n <= 1 || all[off - 2] == 0)
			break;
	}
	for (p = all; *p; p += strlen(p) + 1)
		got++;
	cr_assert_eq(got, 400);
}

Test(perms, guests_see_only_what_they_may)
{
	struct reply *r;

	write_ok(root, 0, "/secret", "x");
	cr_assert(is_err(path_op(guest1, PT_STORE_OP_READ, 0, "/secret"),
			 "EACCES"));
	/* not even whether something is missing */
	cr_assert(is_err(path_op(guest1, PT_STORE_OP_READ, 0, "/secret/no"),
			 "EACCES"));
	r = call(root, PT_STORE_OP_SET_PERMS, 0, S("/secret\0n0\0r1"));
	cr_assert(is_ok(r, PT_STORE_OP_SET_PERMS));
	r = path_op(guest1, PT_STORE_OP_READ, 0, "/secret");
	cr_assert_str_eq(r->data, "x");
	cr_assert(is_err(path_op(guest2, PT_STORE_OP_READ, 0, "/secret"),
			 "EACCES"));
	r = call(guest1, PT_STORE_OP_WRITE, 0, V("/secret\0y"));
	cr_assert(is_err(r, "EACCES"));
	r = path_op(root, PT_STORE_OP_GET_PERMS, 0, "/secret");
	cr_assert_eq(r->len, 6);
	cr_assert_eq(memcmp(r->data, "n0\0r1\0", 6), 0);
}

Test(perms, created_nodes_belong_to_their_guest)
{
	struct reply *r;

	write_ok(root, 0, "/shared", "");
	r = call(root, PT_STORE_OP_SET_PERMS, 0, S("/shared\0r0\0w1"));
	cr_assert(is_ok(r, PT_STORE_OP_SET_PERMS));
	write_ok(guest1, 0, "/shared/g1", "mine");
	/* the parent's list is inherited, with guest 1 as the owner */
	r = path_op(root, PT_STORE_OP_GET_PERMS, 0, "/shared/g1");
	cr_assert_eq(r->len, 6);
	cr_assert_eq(memcmp(r->data, "r1\0w1\0", 6), 0);
	r = path_op(guest2, PT_STORE_OP_READ, 0, "/shared/g1");
	cr_assert_str_eq(r->data, "mine");
	r = call(guest2, PT_STORE_OP_WRITE, 0, V("/shared/g1\0x"));
	cr_assert(is_err(r, "EACCES"));
	cr_assert(is_err(path_op(guest2, PT_STORE_OP_RM, 0, "/shared/g1"),
			 "EACCES"));
	cr_assert(is_ok(
		call(guest1, PT_STORE_OP_SET_PERMS, 0, S("/shared/g1\0n1")),
		PT_STORE_OP_SET_PERMS));
	cr_assert(is_err(path_op(guest2, PT_STORE_OP_READ, 0, "/shared/g1"),
			 "EACCES"));
}

Test(perms, only_the_root_changes_owners)
{
	struct reply *r;

	write_ok(root, 0, "/g", "");
	r = call(root, PT_STORE_OP_SET_PERMS, 0, S("/g\0n1"));
	cr_assert(is_ok(r, PT_STORE_OP_SET_PERMS));
	/* the owner may change access, but not give the node away */
	r = call(guest1, PT_STORE_OP_SET_PERMS, 0, S("/g\0r1\0b2"));
	cr_assert(is_ok(r, PT_STORE_OP_SET_PERMS));
	r = call(guest1, PT_STORE_OP_SET_PERMS, 0, S("/g\0n2"));
	cr_assert(is_err(r, "EACCES"));
	r = call(guest2, PT_STORE_OP_SET_PERMS, 0, S("/g\0n2"));
	cr_assert(is_err(r, "EACCES"));
	r = call(root, PT_STORE_OP_SET_PERMS, 0, S("/g\0n2"));
	cr_assert(is_ok(r, PT_STORE_OP_SET_PERMS));
	r = call(root, PT_STORE_OP_SET_PERMS, 0, S("/g\0q2"));
	cr_assert(is_err(r, "EINVAL"));
	r = call(root, PT_STORE_OP_SET_PERMS, 0, S("/g"));
	cr_assert(is_err(r, "EINVAL"));
}

Test(perms, privileged_operations)
{
	cr_assert(is_err(call(guest1, PT_STORE_OP_INTRODUCE, 0,
			      S("3\0"
				"100\0"
				"5")),
			 "EACCES"));
	cr_assert(
		is_err(call(guest1, PT_STORE_OP_RELEASE, 0, S("3")), "EACCES"));
	cr_assert(is_err(call(guest1, PT_STORE_OP_CONTROL, 0, S("print\0hi")),
			 "EACCES"));
	cr_assert(is_ok(call(root, PT_STORE_OP_CONTROL, 0, S("print\0hi")),
			PT_STORE_OP_CONTROL));
	cr_assert(is_err(call(root, PT_STORE_OP_CONTROL, 0, S("quota")),
			 "EINVAL"));
}

Test(txn, commit_applies_atomically_and_isolated)
{
	uint32_t t = txn_start(root);
	struct reply *r;

	write_ok(root, t, "/t/a", "1");
	write_ok(root, t, "/t/b", "2");
	/* invisible outside until commit; visible inside */
	cr_assert(is_err(path_op(root, PT_STORE_OP_READ, 0, "/t/a"), "ENOENT"));
	r = path_op(root, PT_STORE_OP_READ, t, "/t/b");
	cr_assert_str_eq(r->data, "2");
	cr_assert_eq(r->tx_id, t);
	cr_assert(is_ok(txn_end(root, t, 1), PT_STORE_OP_TRANSACTION_END));
	r = path_op(root, PT_STORE_OP_READ, 0, "/t/a");
	cr_assert_str_eq(r->data, "1");
	/* the id is gone now */
	cr_assert(is_err(path_op(root, PT_STORE_OP_READ, t, "/t/a"), "ENOENT"));
}

Test(txn, conflicting_change_gives_eagain)
{
	uint32_t t1, t2;
	struct reply *r;

	write_ok(root, 0, "/c/x", "0");
	t1 = txn_start(root);
	t2 = txn_start(guest1 == NULL ? root : root);
	r = path_op(root, PT_STORE_OP_READ, t1, "/c/x");
	cr_assert_str_eq(r->data, "0");
	write_ok(root, t1, "/c/x", "1");
	r = path_op(root, PT_STORE_OP_READ, t2, "/c/x");
	cr_assert_str_eq(r->data, "0");
	write_ok(root, t2, "/c/x", "2");
	cr_assert(is_ok(txn_end(root, t1, 1), PT_STORE_OP_TRANSACTION_END));
	cr_assert(is_err(txn_end(root, t2, 1), "EAGAIN"));
	r = path_op(root, PT_STORE_OP_READ, 0, "/c/x");
	cr_assert_str_eq(r->data, "1");
}

Test(txn, plain_write_conflicts_with_reader)
{
	uint32_t t;

	write_ok(root, 0, "/c/x", "0");
	t = txn_start(root);
	path_op(root, PT_STORE_OP_READ, t, "/c/x");
	write_ok(root, t, "/c/y", "from-txn");
	write_ok(root, 0, "/c/x", "changed");
	cr_assert(is_err(txn_end(root, t, 1), "EAGAIN"));
	cr_assert(is_err(path_op(root, PT_STORE_OP_READ, 0, "/c/y"), "ENOENT"));
}

Test(txn, unrelated_changes_do_not_conflict)
{
	uint32_t t;
	struct reply *r;

	write_ok(root, 0, "/u/a", "0");
	write_ok(root, 0, "/u/b", "0");
	t = txn_start(root);
	write_ok(root, t, "/u/a", "txn");
	write_ok(root, 0, "/u/b", "other");
	cr_assert(is_ok(txn_end(root, t, 1), PT_STORE_OP_TRANSACTION_END));
	r = path_op(root, PT_STORE_OP_READ, 0, "/u/a");
	cr_assert_str_eq(r->data, "txn");
	r = path_op(root, PT_STORE_OP_READ, 0, "/u/b");
	cr_assert_str_eq(r->data, "other");
}

Test(txn, abort_discards_and_rm_inside)
{
	uint32_t t;
	struct reply *r;

	write_ok(root, 0, "/r/a/b", "x");
	t = txn_start(root);
	cr_assert(is_ok(path_op(root, PT_STORE_OP_RM, t, "/r/a"),
			PT_STORE_OP_RM));
	cr_assert(
		is_err(path_op(root, PT_STORE_OP_READ, t, "/r/a/b"), "ENOENT"));
	cr_assert(is_ok(txn_end(root, t, 0), PT_STORE_OP_TRANSACTION_END));
	r = path_op(root, PT_STORE_OP_READ, 0, "/r/a/b");
	cr_assert_str_eq(r->data, "x");
	t = txn_start(root);
	cr_assert(is_ok(path_op(root, PT_STORE_OP_RM, t, "/r/a"),
			PT_STORE_OP_RM));
	cr_assert(is_ok(txn_end(root, t, 1), PT_STORE_OP_TRANSACTION_END));
	cr_assert(is_err(path_op(root, PT_STORE_OP_READ, 0, "/r/a"), "ENOENT"));
}

Test(txn, bad_ids_and_arguments)
{
	uint32_t t;

	cr_assert(is_err(path_op(root, PT_STORE_OP_READ, 999, "/"), "ENOENT"));
	cr_assert(is_err(txn_end(root, 999, 1), "ENOENT"));
	t = txn_start(root);
	/* another connection cannot use it */
	cr_assert(is_err(path_op(guest1, PT_STORE_OP_READ, t, "/"), "ENOENT"));
	cr_assert(is_err(call(root, PT_STORE_OP_TRANSACTION_END, t, S("X")),
			 "EINVAL"));
	cr_assert(is_err(call(root, PT_STORE_OP_TRANSACTION_START, t, S("")),
			 "EBUSY"));
	cr_assert(is_ok(txn_end(root, t, 0), PT_STORE_OP_TRANSACTION_END));
}

Test(watch, fires_on_registration_then_on_subtree_changes)
{
	struct reply ev;
	struct reply *r;

	r = call(root, PT_STORE_OP_WATCH, 0, S("/w\0tok"));
	cr_assert(is_ok(r, PT_STORE_OP_WATCH));
	cr_assert(take(root, 1, &ev));
	cr_assert_str_eq(ev.data, "/w");
	cr_assert_str_eq(ev_token(&ev), "tok");
	cr_assert(!take(root, 1, &ev));
	write_ok(root, 0, "/w/x/y", "1");
	cr_assert(take(root, 1, &ev));
	cr_assert_str_eq(ev.data, "/w/x/y");
	write_ok(root, 0, "/wx", "1");
	cr_assert(!take(root, 1, &ev), "sibling with common prefix fired");
	/* removing a parent fires watches below it */
	cr_assert(is_ok(call(root, PT_STORE_OP_WATCH, 0, S("/w/x/y\0deep")),
			PT_STORE_OP_WATCH));
	take(root, 1, &ev);
	path_op(root, PT_STORE_OP_RM, 0, "/w/x");
	cr_assert(take(root, 1, &ev));
	cr_assert(take(root, 1, &ev));
	cr_assert(!take(root, 1, &ev));
	cr_assert(is_ok(call(root, PT_STORE_OP_UNWATCH, 0, S("/w\0tok")),
			PT_STORE_OP_UNWATCH));
	cr_assert(is_err(call(root, PT_STORE_OP_UNWATCH, 0, S("/w\0tok")),
			 "ENOENT"));
	write_ok(root, 0, "/w/z", "1");
	cr_assert(!take(root, 1, &ev));
}

Test(watch, transaction_changes_fire_on_commit_only)
{
	struct reply ev;
	uint32_t t;

	call(root, PT_STORE_OP_WATCH, 0, S("/tw\0t"));
	take(root, 1, &ev);
	t = txn_start(root);
	write_ok(root, t, "/tw/a", "1");
	cr_assert(!take(root, 1, &ev));
	txn_end(root, t, 1);
	cr_assert(take(root, 1, &ev));
	cr_assert_str_eq(ev.data, "/tw/a");
}

Test(watch, relative_watch_reports_relative_paths)
{
	struct reply ev;

	write_ok(root, 0, "/local/domain/1/dev", "");
	call(root, PT_STORE_OP_SET_PERMS, 0, S("/local/domain/1/dev\0n1"));
	cr_assert(is_ok(call(guest1, PT_STORE_OP_WATCH, 0, S("dev\0t")),
			PT_STORE_OP_WATCH));
	cr_assert(take(guest1, 1, &ev));
	cr_assert_str_eq(ev.data, "dev");
	write_ok(root, 0, "/local/domain/1/dev/x", "1");
	cr_assert(take(guest1, 1, &ev));
	cr_assert_str_eq(ev.data, "dev/x");
}

Test(watch, guests_do_not_see_changes_they_cannot_read)
{
	struct reply ev;

	cr_assert(is_ok(call(guest1, PT_STORE_OP_WATCH, 0, S("/\0all")),
			PT_STORE_OP_WATCH));
	take(guest1, 1, &ev);
	write_ok(root, 0, "/hidden", "x");
	cr_assert(!take(guest1, 1, &ev));
}

Test(watch, introduce_and_release_domain)
{
	struct reply ev;
	struct reply *r;

	call(guest1, PT_STORE_OP_WATCH, 0, S("@introduceDomain\0i"));
	call(guest1, PT_STORE_OP_WATCH, 0, S("@releaseDomain\0r"));
	while (take(guest1, 1, &ev))
		;
	r = path_op(root, PT_STORE_OP_IS_DOMAIN_INTRODUCED, 0, "5");
	cr_assert_str_eq(r->data, "F");
	r = call(root, PT_STORE_OP_INTRODUCE, 0,
		 S("5\0"
		   "4096\0"
		   "3"));
	cr_assert(is_ok(r, PT_STORE_OP_INTRODUCE));
	cr_assert(take(guest1, 1, &ev));
	cr_assert_str_eq(ev.data, "@introduceDomain");
	cr_assert_str_eq(ev_token(&ev), "i");
	cr_assert(!take(guest1, 1, &ev));
	r = path_op(root, PT_STORE_OP_IS_DOMAIN_INTRODUCED, 0, "5");
	cr_assert_str_eq(r->data, "T");
	cr_assert(is_ok(path_op(root, PT_STORE_OP_RELEASE, 0, "5"),
			PT_STORE_OP_RELEASE));
	cr_assert(take(guest1, 1, &ev));
	cr_assert_str_eq(ev.data, "@releaseDomain");
	cr_assert(is_err(path_op(root, PT_STORE_OP_RELEASE, 0, "5"), "ENOENT"));
	cr_assert(is_err(call(root, PT_STORE_OP_INTRODUCE, 0,
			      S("0\0"
				"1\0"
				"1")),
			 "EINVAL"));
	/* special paths only make sense for watches */
	cr_assert(is_err(path_op(root, PT_STORE_OP_READ, 0, "@releaseDomain"),
			 "EINVAL"));
}

Test(watch, reset_watches_and_duplicates)
{
	struct reply ev;

	cr_assert(is_ok(call(root, PT_STORE_OP_WATCH, 0, S("/d\0t")),
			PT_STORE_OP_WATCH));
	cr_assert(
		is_err(call(root, PT_STORE_OP_WATCH, 0, S("/d\0t")), "EEXIST"));
	cr_assert(is_ok(call(root, PT_STORE_OP_RESET_WATCHES, 0, S("")),
			PT_STORE_OP_RESET_WATCHES));
	while (take(root, 1, &ev))
		;
	write_ok(root, 0, "/d", "x");
	cr_assert(!take(root, 1, &ev));
}

Test(quota, nodes_per_partition)
{
	char path[64];
	struct reply *r;
	int i;

	st.quota.nodes = 5;
	call(root, PT_STORE_OP_SET_PERMS, 0, S("/local/domain\0n0\0w1"));
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "/local/domain/n%d", i);
		write_ok(guest1, 0, path, "");
	}
	r = call(guest1, PT_STORE_OP_WRITE, 0, V("/local/domain/n9\0"));
	cr_assert(is_err(r, "ENOSPC"));
	/* a chain of parents is counted whole, before anything is made */
	path_op(guest1, PT_STORE_OP_RM, 0, "/local/domain/n0");
	r = call(guest1, PT_STORE_OP_WRITE, 0, V("/local/domain/p/q\0"));
	cr_assert(is_err(r, "ENOSPC"));
	cr_assert(is_err(path_op(root, PT_STORE_OP_READ, 0, "/local/domain/p"),
			 "ENOENT"));
	write_ok(guest1, 0, "/local/domain/p", "");
	/* other partitions are not affected */
	call(root, PT_STORE_OP_SET_PERMS, 0, S("/local/domain\0n0\0w1\0w2"));
	write_ok(guest2, 0, "/local/domain/other", "");
}

Test(quota, value_size_watches_transactions)
{
	static char big[4100];
	struct reply *r;
	int i;

	memcpy(big, "/local/domain/1/v", 18);
	cr_assert(is_ok(call(root, PT_STORE_OP_SET_PERMS, 0,
			     S("/local/domain\0n0\0w1")),
			PT_STORE_OP_SET_PERMS));
	r = call(guest1, PT_STORE_OP_WRITE, 0, big, 18 + 2049);
	cr_assert(is_err(r, "ENOSPC"));
	r = call(guest1, PT_STORE_OP_WRITE, 0, big, 18 + 2048);
	cr_assert(is_ok(r, PT_STORE_OP_WRITE));
	st.quota.watches = 2;
	cr_assert(is_ok(call(guest1, PT_STORE_OP_WATCH, 0,
			     S("/a\0"
			       "1")),
			PT_STORE_OP_WATCH));
	cr_assert(is_ok(call(guest1, PT_STORE_OP_WATCH, 0,
			     S("/a\0"
			       "2")),
			PT_STORE_OP_WATCH));
	cr_assert(is_err(call(guest1, PT_STORE_OP_WATCH, 0,
			      S("/a\0"
				"3")),
			 "ENOSPC"));
	for (i = 0; i < 10; i++)
		txn_start(guest1);
	r = call(guest1, PT_STORE_OP_TRANSACTION_START, 0, S(""));
	cr_assert(is_err(r, "ENOSPC"));
	/* per connection */
	txn_start(guest2);
}

/* Root clients are exempt, as dom0 is in xenstored. */
Test(quota, root_is_exempt)
{
	static char big[PT_STORE_PAYLOAD_MAX];
	char path[32];
	struct reply *r;
	int i, n;

	memcpy(big, "/tool/x", 8);
	memset(big + 8, 'v', sizeof(big) - 8);
	r = call(root, PT_STORE_OP_WRITE, 0, big, sizeof(big));
	cr_assert(is_ok(r, PT_STORE_OP_WRITE), "%s", r->data);
	r = path_op(root, PT_STORE_OP_READ, 0, "/tool/x");
	cr_assert_eq(r->len, PT_STORE_PAYLOAD_MAX - 8);
	st.quota.watches = 2;
	st.quota.transactions = 2;
	st.quota.nodes = 5;
	for (i = 0; i < 4; i++) {
		n = snprintf(path, sizeof(path), "/w%d", i);
		memcpy(path + n + 1, "t", 2); /* path\0token\0 */
		cr_assert(is_ok(
			call(root, PT_STORE_OP_WATCH, 0, path, (uint32_t)n + 3),
			PT_STORE_OP_WATCH));
		txn_start(root);
		snprintf(path, sizeof(path), "/n%d", i);
		write_ok(root, 0, path, "");
	}
}

Test(quota, transaction_size)
{
	char path[32];
	uint32_t t;
	int i;

	st.quota.txn_ops = 8;
	call(root, PT_STORE_OP_SET_PERMS, 0, S("/local/domain\0n0\0w1"));
	t = txn_start(guest1);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/local/domain/q%d", i);
		write_ok(guest1, t, path, "");
	}
	cr_assert(is_err(
		call(guest1, PT_STORE_OP_WRITE, t, V("/local/domain/q9\0")),
		"ENOSPC"));
	/* a transaction that lost a change can never commit */
	cr_assert(is_err(txn_end(guest1, t, 1), "ENOSPC"));
	/* a root client's has no such limit */
	t = txn_start(root);
	for (i = 0; i < 12; i++) {
		snprintf(path, sizeof(path), "/q%d", i);
		write_ok(root, t, path, "");
	}
	cr_assert(is_ok(txn_end(root, t, 1), PT_STORE_OP_TRANSACTION_END));
}

Test(quota, reader_that_never_reads_is_cut_off)
{
	int i;

	st.quota.outbuf = 4096;
	for (i = 0; i < 2000 && !root->broken; i++)
		send_raw(root, PT_STORE_OP_READ, 0, S("/"));
	cr_assert(root->broken);
	/* others carry on */
	write_ok(store_conn_new(&st, 0, 1), 0, "/other", "");
}

Test(badinput, unknown_and_reserved_operations)
{
	cr_assert(is_err(call(root, 99, 0, S("/")), "ENOSYS"));
	cr_assert(
		is_err(call(root, PT_STORE_OP_RESTRICT, 0, S("1")), "ENOSYS"));
	cr_assert(is_err(call(root, PT_STORE_OP_WATCH_EVENT, 0, S("/\0t")),
			 "EINVAL"));
	cr_assert(is_err(call(root, PT_STORE_OP_ERROR, 0, S("EINVAL")),
			 "EINVAL"));
	cr_assert(is_err(call(root, PT_STORE_OP_SET_TARGET, 0,
			      S("1\0"
				"2")),
			 "ENOSYS"));
}

Test(badinput, malformed_arguments_and_paths)
{
	cr_assert(is_err(call(root, PT_STORE_OP_READ, 0, V("/a")), "EINVAL"));
	cr_assert(is_err(call(root, PT_STORE_OP_READ, 0, "", 0), "EINVAL"));
	cr_assert(
		is_err(call(root, PT_STORE_OP_READ, 0, S("/a\0/b")), "EINVAL"));
	cr_assert(is_err(call(root, PT_STORE_OP_WRITE, 0, V("/a")), "EINVAL"));
	cr_assert(is_err(call(root, PT_STORE_OP_WRITE, 0, V("/a//b\0x")),
			 "EINVAL"));
	cr_assert(is_err(call(root, PT_STORE_OP_MKDIR, 0, S("/a/")), "EINVAL"));
	cr_assert(is_err(call(root, PT_STORE_OP_WATCH, 0, S("/a")), "EINVAL"));
	cr_assert(is_err(call(root, PT_STORE_OP_GET_DOMAIN_PATH, 0, S("x")),
			 "EINVAL"));
	cr_assert(is_err(call(root, PT_STORE_OP_DIRECTORY_PART, 0, S("/\0-1")),
			 "EINVAL"));
}

Test(badinput, framing_error_breaks_only_that_connection)
{
	uint8_t hdr[16];

	store_hdr_encode(hdr, PT_STORE_OP_READ, 1, 0, PT_STORE_PAYLOAD_MAX + 1);
	cr_assert_lt(store_conn_input(guest1, hdr, 16), 0);
	cr_assert(guest1->broken);
	write_ok(root, 0, "/still", "here");
}
