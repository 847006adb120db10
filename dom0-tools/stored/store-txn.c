// SPDX-License-Identifier: GPL-2.0-only
/* Transactions: private snapshots, conflict checks and atomic commits. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "store-core.h"

/*
 * Optimistic concurrency: a transaction works on a copy-on-write snapshot
 * and records the generation of every path whose state its results
 * depended on (0 for "absent"). Commit checks each against the live tree;
 * any difference means another client changed something this transaction
 * looked at, and the commit fails with EAGAIN. Otherwise its logged
 * changes are replayed on the live tree, which gives the same result
 * because everything they depend on is unchanged.
 */

struct store_txn *store_txn_find(struct store_conn *conn, uint32_t id)
{
	struct store_txn *t;

	for (t = conn->txns; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

static int id_in_use(struct store *st, uint32_t id)
{
	struct store_conn *c;

	for (c = st->conns; c; c = c->next)
		if (store_txn_find(c, id))
			return 1;
	return 0;
}

int store_txn_start(struct store_conn *conn, uint32_t *id)
{
	struct store *st = conn->st;
	struct store_txn *t;

	if (!conn->privileged && st->quota.transactions &&
	    conn->ntxns >= st->quota.transactions)
		return -ENOSPC;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->exempt = conn->privileged;
	do {
		t->id = st->next_txn_id++;
	} while (t->id == 0 || id_in_use(st, t->id));
	t->root = store_node_get(st->root);
	t->next = conn->txns;
	conn->txns = t;
	conn->ntxns++;
	*id = t->id;
	return 0;
}

static void txn_free(struct store_txn *t)
{
	uint32_t i;

	for (i = 0; i < t->nacc; i++)
		free(t->acc[i].path);
	for (i = 0; i < t->nops; i++) {
		free(t->ops[i].path);
		free(t->ops[i].data);
	}
	free(t->acc);
	free(t->ops);
	free(t->acct);
	store_node_put(t->root);
	free(t);
}

static void txn_unlink(struct store_conn *conn, struct store_txn *txn)
{
	struct store_txn **pp;

	for (pp = &conn->txns; *pp; pp = &(*pp)->next) {
		if (*pp == txn) {
			*pp = txn->next;
			conn->ntxns--;
			return;
		}
	}
}

void store_txn_clear(struct store_conn *conn)
{
	while (conn->txns) {
		struct store_txn *t = conn->txns;

		conn->txns = t->next;
		txn_free(t);
	}
	conn->ntxns = 0;
}

int store_txn_note_access(struct store_txn *txn, const char *path, uint64_t gen,
			  uint32_t limit)
{
	uint32_t i;

	/* Only the first look counts: later ones may see our own writes. */
	for (i = 0; i < txn->nacc; i++)
		if (!strcmp(txn->acc[i].path, path))
			return 0;
	if (limit && txn->nacc + txn->nops >= limit)
		return -ENOSPC;
	if (txn->nacc == txn->capacc) {
		uint32_t cap = txn->capacc ? txn->capacc * 2 : 8;
		struct store_txn_access *acc;

		acc = realloc(txn->acc, cap * sizeof(*acc));
		if (!acc)
			return -ENOMEM;
		txn->acc = acc;
		txn->capacc = cap;
	}
	txn->acc[txn->nacc].path = strdup(path);
	if (!txn->acc[txn->nacc].path)
		return -ENOMEM;
	txn->acc[txn->nacc].gen = gen;
	txn->nacc++;
	return 0;
}

int store_txn_log_op(struct store_txn *txn, uint32_t type, const char *path,
		     const void *data, uint32_t len, uint32_t limit)
{
	struct store_txn_op *op;

	/*
	 * The change is already in the private version: if it cannot be
	 * logged, the commit must fail rather than lose it.
	 */
	if (limit && txn->nacc + txn->nops >= limit) {
		txn->error = -ENOSPC;
		return -ENOSPC;
	}
	if (txn->nops == txn->capops) {
		uint32_t cap = txn->capops ? txn->capops * 2 : 8;
		struct store_txn_op *ops =
			realloc(txn->ops, cap * sizeof(*ops));

		if (!ops) {
			txn->error = -ENOMEM;
			return -ENOMEM;
		}
		txn->ops = ops;
		txn->capops = cap;
	}
	op = &txn->ops[txn->nops];
	memset(op, 0, sizeof(*op));
	op->type = type;
	op->path = strdup(path);
	if (!op->path) {
		txn->error = -ENOMEM;
		return -ENOMEM;
	}
	if (len) {
		op->data = malloc(len);
		if (!op->data) {
			free(op->path);
			txn->error = -ENOMEM;
			return -ENOMEM;
		}
		memcpy(op->data, data, len);
	}
	op->len = len;
	txn->nops++;
	return 0;
}

int store_txn_acct_add(struct store_txn *txn, uint32_t domid, int32_t delta)
{
	struct store_acct *a;
	uint32_t i;

	for (i = 0; i < txn->nacct; i++) {
		if (txn->acct[i].domid == domid) {
			txn->acct[i].delta += delta;
			return 0;
		}
	}
	a = realloc(txn->acct, (txn->nacct + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	txn->acct = a;
	a[txn->nacct].domid = domid;
	a[txn->nacct].delta = delta;
	txn->nacct++;
	return 0;
}

int32_t store_txn_acct_get(const struct store_txn *txn, uint32_t domid)
{
	uint32_t i;

	for (i = 0; i < txn->nacct; i++)
		if (txn->acct[i].domid == domid)
			return txn->acct[i].delta;
	return 0;
}

static int txn_conflicts(struct store *st, const struct store_txn *txn)
{
	uint32_t i;

	for (i = 0; i < txn->nacc; i++) {
		struct store_node *n =
			store_tree_find(st->root, txn->acc[i].path);

		if ((n ? n->gen : 0) != txn->acc[i].gen)
			return 1;
	}
	return 0;
}

static int txn_replay(struct store_conn *conn, const struct store_txn_op *op)
{
	struct store_view live = { conn->st, &conn->st->root, NULL };
	struct store_perm perms[PT_STORE_PAYLOAD_MAX / 2];
	int n;

	switch (op->type) {
	case PT_STORE_OP_WRITE:
		return store_do_write(&live, conn, op->path, op->data, op->len);
	case PT_STORE_OP_MKDIR:
		return store_do_mkdir(&live, conn, op->path);
	case PT_STORE_OP_RM:
		return store_do_rm(&live, conn, op->path);
	case PT_STORE_OP_SET_PERMS:
		n = store_perms_decode(op->data, op->len, perms,
				       sizeof(perms) / sizeof(perms[0]));
		if (n < 0)
			return n;
		return store_do_set_perms(&live, conn, op->path, perms,
					  (uint32_t)n);
	}
	return -EINVAL;
}

static int txn_commit(struct store_conn *conn, struct store_txn *txn)
{
	struct store *st = conn->st;
	struct store_node *backup;
	uint32_t i;
	int ret;

	if (txn->error)
		return txn->error;
	if (!txn->nops)
		return 0;
	if (txn_conflicts(st, txn))
		return -EAGAIN;
	/*
	 * Keeping a reference makes every replayed change copy the nodes it
	 * touches, so a failure (out of memory, a quota) rolls back whole.
	 */
	backup = store_node_get(st->root);
	for (i = 0; i < txn->nops; i++) {
		ret = txn_replay(conn, &txn->ops[i]);
		if (ret)
			goto err_rollback;
	}
	store_node_put(backup);
	return 0;

err_rollback:
	store_node_put(st->root);
	st->root = backup;
	store_domain_recount(st);
	store_drop_fires(st);
	return ret;
}

int store_txn_end(struct store_conn *conn, struct store_txn *txn, int commit)
{
	int ret = 0;

	txn_unlink(conn, txn);
	if (commit)
		ret = txn_commit(conn, txn);
	txn_free(txn);
	return ret;
}
