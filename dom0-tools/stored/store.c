// SPDX-License-Identifier: GPL-2.0-only
/* The store as a whole: creation, defaults and deferred watch firing. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "store-guests.h"

void store_default_quota(struct store_quota *quota)
{
	quota->nodes = 10000;
	quota->value_size = 2048;
	quota->watches = 128;
	quota->transactions = 10;
	quota->txn_ops = 1024;
	quota->outbuf = 1024 * 1024;
	quota->requests = 4;
	quota->watch_events = 128;
}

int store_init(struct store *st, const struct store_quota *quota)
{
	/* The root belongs to the root partition; others may not read it. */
	static const struct store_perm root_perm = { 0, 0 };
	static const char *const skeleton[] = { "/local", "/local/domain",
						"/tool" };
	struct store_quota q;
	size_t i;

	/* quota may point into st itself */
	if (quota)
		q = *quota;
	else
		store_default_quota(&q);
	memset(st, 0, sizeof(*st));
	st->quota = q;
	st->pending_tail = &st->pending;
	st->next_txn_id = 1;
	st->root = store_node_new("", 0, &root_perm, 1);
	if (!st->root)
		return -ENOMEM;
	st->root->gen = ++st->gen;
	if (!store_domain_find(st, 0, 1))
		goto err_root;
	store_domain_find(st, 0, 0)->nodes = 1;
	for (i = 0; i < sizeof(skeleton) / sizeof(skeleton[0]); i++) {
		struct store_view v = { st, &st->root, NULL };

		if (store_do_mkdir(&v, NULL, skeleton[i]))
			goto err_root;
	}
	store_drop_fires(st);
	return 0;

err_root:
	store_fini(st);
	return -ENOMEM;
}

void store_fini(struct store *st)
{
	while (st->guests)
		store_guest_disconnect(st, st->guests->domid);
	while (st->conns)
		store_conn_free(st->conns);
	while (st->domains) {
		struct store_domain *d = st->domains;

		st->domains = d->next;
		free(d);
	}
	store_drop_fires(st);
	store_node_put(st->root);
	st->root = NULL;
}

/*
 * Watches fire only once a request has fully succeeded: a transaction
 * commit that fails half way must not have told anyone about its changes.
 */
int store_queue_fire(struct store *st, const char *path, int recursive)
{
	size_t n = strlen(path);
	struct store_fire *f = malloc(sizeof(*f) + n + 1);

	if (!f)
		return -ENOMEM;
	memcpy(f->path, path, n + 1);
	f->recursive = recursive;
	f->next = NULL;
	*st->pending_tail = f;
	st->pending_tail = &f->next;
	return 0;
}

void store_flush_fires(struct store *st)
{
	while (st->pending) {
		struct store_fire *f = st->pending;

		st->pending = f->next;
		store_watch_fire(st, f->path, f->recursive);
		free(f);
	}
	st->pending_tail = &st->pending;
}

void store_drop_fires(struct store *st)
{
	while (st->pending) {
		struct store_fire *f = st->pending;

		st->pending = f->next;
		free(f);
	}
	st->pending_tail = &st->pending;
}
