// SPDX-License-Identifier: GPL-2.0-only
/* Removes what a released partition left in the store, wherever it is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store-guests.h"

/* A change to make once the walk is over (the walk must not see it). */
struct scrub_item {
	struct scrub_item *next;
	int strip; /* 0: remove the subtree; 1: drop entries naming the id */
	char path[];
};

struct scrub {
	uint32_t domid;
	char home[32]; /* /local/domain/<id> */
	char id[12];   /* <id> */
	struct scrub_item *items;
	int err;
};

static void scrub_add(struct scrub *s, const char *path, int strip)
{
	size_t n = strlen(path);
	struct scrub_item *it = malloc(sizeof(*it) + n + 1);

	if (!it) {
		s->err = -ENOMEM;
		return;
	}
	memcpy(it->path, path, n + 1);
	it->strip = strip;
	it->next = s->items;
	s->items = it;
}

/* /local/domain/0/backend/<type>/<id>: the back-end side of its devices. */
static int is_backend_dir(const struct scrub *s, const char *path)
{
	static const char prefix[] = "/local/domain/0/backend/";
	const char *type = path + sizeof(prefix) - 1, *slash;

	if (strncmp(path, prefix, sizeof(prefix) - 1))
		return 0;
	slash = strchr(type, '/');
	return slash && slash != type && !strcmp(slash + 1, s->id);
}

/* /local/domain/0/toolstack/<id>: what the toolstack keeps of the guest. */
static int is_toolstack_dir(const struct scrub *s, const char *path)
{
	static const char prefix[] = "/local/domain/0/toolstack/";

	return !strncmp(path, prefix, sizeof(prefix) - 1) &&
	       !strcmp(path + sizeof(prefix) - 1, s->id);
}

static int names_domid(const struct store_node *n, uint32_t domid)
{
	uint32_t i;

	for (i = 1; i < n->nperms; i++)
		if (n->perms[i].domid == domid)
			return 1;
	return 0;
}

static void walk(struct scrub *s, const struct store_node *n, char *path,
		 size_t len)
{
	uint32_t i;

	if (len > 1) {
		if (n->perms[0].domid == s->domid || !strcmp(path, s->home) ||
		    is_backend_dir(s, path) || is_toolstack_dir(s, path)) {
			scrub_add(s, path, 0);
			return;
		}
		if (names_domid(n, s->domid))
			scrub_add(s, path, 1);
	}
	for (i = 0; i < n->nkids; i++) {
		size_t nl = strlen(n->kids[i]->name);
		size_t at = len > 1 ? len + 1 : 1;

		if (at + nl > PT_STORE_ABS_PATH_MAX)
			continue;
		if (len > 1)
			path[len] = '/';
		memcpy(path + at, n->kids[i]->name, nl + 1);
		walk(s, n->kids[i], path, at + nl);
		path[len] = 0; /* back to this node's path ("/" stays) */
	}
}

static int strip_perms(struct store_view *v, const char *path, uint32_t domid)
{
	struct store_node *n = store_tree_find(*v->rootp, path);
	struct store_perm *perms;
	uint32_t i, k = 0;
	int ret;

	if (!n)
		return 0;
	perms = malloc(n->nperms * sizeof(*perms));
	if (!perms)
		return -ENOMEM;
	for (i = 0; i < n->nperms; i++)
		if (i == 0 || n->perms[i].domid != domid)
			perms[k++] = n->perms[i];
	ret = store_do_set_perms(v, NULL, path, perms, k);
	free(perms);
	return ret;
}

int store_domain_scrub(struct store *st, uint32_t domid)
{
	char path[PT_STORE_ABS_PATH_MAX + 1] = "/";
	struct store_view v = { st, &st->root, NULL };
	struct scrub s = { .domid = domid };
	int ret = 0;

	if (domid == 0)
		return -EINVAL;
	store_domain_path(domid, s.home, sizeof(s.home));
	snprintf(s.id, sizeof(s.id), "%u", domid);
	walk(&s, st->root, path, 1);
	while (s.items) {
		struct scrub_item *it = s.items;
		int r;

		s.items = it->next;
		/* conn NULL: the store itself, with the root's rights */
		r = it->strip ? strip_perms(&v, it->path, domid)
			      : store_do_rm(&v, NULL, it->path);
		if (r && !ret)
			ret = r;
		free(it);
	}
	return s.err ? s.err : ret;
}
