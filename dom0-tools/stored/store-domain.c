// SPDX-License-Identifier: GPL-2.0-only
/* Per-partition records: node counts for quotas and introduction state. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include "store-guests.h"

struct store_domain *store_domain_find(struct store *st, uint32_t domid,
				       int create)
{
	struct store_domain *d;

	for (d = st->domains; d; d = d->next)
		if (d->domid == domid)
			return d;
	if (!create)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->domid = domid;
	d->next = st->domains;
	st->domains = d;
	return d;
}

static void recount(struct store *st, const struct store_node *node)
{
	struct store_domain *d = store_domain_find(st, node->perms[0].domid, 1);
	uint32_t i;

	if (d)
		d->nodes++;
	for (i = 0; i < node->nkids; i++)
		recount(st, node->kids[i]);
}

/* Only after a failed commit: the counts are rebuilt from the tree. */
void store_domain_recount(struct store *st)
{
	struct store_domain *d;

	for (d = st->domains; d; d = d->next)
		d->nodes = 0;
	recount(st, st->root);
}

int store_domain_path(uint32_t domid, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "/local/domain/%u", domid);

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

static void domain_forget(struct store *st, uint32_t domid)
{
	struct store_domain **pp;

	for (pp = &st->domains; *pp; pp = &(*pp)->next) {
		struct store_domain *d = *pp;

		if (d->domid == domid && !d->introduced && !d->nodes) {
			*pp = d->next;
			free(d);
			return;
		}
	}
}

int store_domain_introduce(struct store *st, uint32_t domid, uint32_t ref,
			   uint32_t port)
{
	struct store_domain *d;
	int ret;

	if (st->hv) {
		int again = store_guest_find(st, domid) != NULL;

		ret = store_guest_introduce(st, domid, ref, port);
		if (ret || again)
			return ret;
	}
	d = store_domain_find(st, domid, 1);
	if (!d) {
		store_guest_disconnect(st, domid);
		return -ENOMEM;
	}
	if (!d->introduced)
		st->introduced_total++;
	d->introduced = 1;
	fprintf(stderr,
		"partita-stored: domain %u introduced (grant ref %u, port %u; "
		"%" PRIu64 " introduced, %" PRIu64 " released)\n",
		domid, ref, port, st->introduced_total, st->released_total);
	return store_queue_fire(st, PT_STORE_WATCH_INTRODUCE, 0);
}

int store_domain_release(struct store *st, uint32_t domid)
{
	struct store_domain *d = store_domain_find(st, domid, 0);
	int ret;

	if (!d || !d->introduced)
		return -ENOENT;
	store_guest_disconnect(st, domid);
	d->introduced = 0;
	st->released_total++;
	ret = store_domain_scrub(st, domid);
	if (ret)
		fprintf(stderr,
			"partita-stored: domain %u: removing its nodes failed "
			"(%s)\n",
			domid, store_err_name(ret));
	domain_forget(st, domid);
	fprintf(stderr,
		"partita-stored: domain %u released (%" PRIu64
		" introduced, %" PRIu64 " released, %u nodes in the store)\n",
		domid, st->introduced_total, st->released_total,
		store_tree_count(st->root));
	return store_queue_fire(st, PT_STORE_WATCH_RELEASE, 0);
}
