// SPDX-License-Identifier: GPL-2.0-only
/* Per-partition records: node counts for quotas and introduction state. */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include "store-core.h"

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

int store_domain_introduce(struct store *st, uint32_t domid)
{
	struct store_domain *d = store_domain_find(st, domid, 1);

	if (!d)
		return -ENOMEM;
	d->introduced = 1;
	return store_queue_fire(st, PT_STORE_WATCH_INTRODUCE, 0);
}

int store_domain_release(struct store *st, uint32_t domid)
{
	struct store_domain *d = store_domain_find(st, domid, 0);

	if (!d || !d->introduced)
		return -ENOENT;
	d->introduced = 0;
	return store_queue_fire(st, PT_STORE_WATCH_RELEASE, 0);
}
