// SPDX-License-Identifier: GPL-2.0-only
/* Copy-on-write tree nodes shared between the live tree and transactions. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "store-core.h"

struct store_node *store_node_new(const char *name, size_t nlen,
				  const struct store_perm *perms,
				  uint32_t nperms)
{
	struct store_node *node = calloc(1, sizeof(*node) + nlen + 1);

	if (!node)
		return NULL;
	memcpy(node->name, name, nlen);
	node->refs = 1;
	if (store_node_set_perms(node, perms, nperms)) {
		free(node);
		return NULL;
	}
	return node;
}

struct store_node *store_node_get(struct store_node *node)
{
	node->refs++;
	return node;
}

void store_node_put(struct store_node *node)
{
	uint32_t i;

	if (!node || --node->refs)
		return;
	for (i = 0; i < node->nkids; i++)
		store_node_put(node->kids[i]);
	free(node->kids);
	free(node->perms);
	free(node->value);
	free(node);
}

/* A shallow copy: the children are shared with the original. */
static struct store_node *node_clone(const struct store_node *src)
{
	size_t nlen = strlen(src->name);
	struct store_node *node;
	uint32_t i;

	node = store_node_new(src->name, nlen, src->perms, src->nperms);
	if (!node)
		return NULL;
	if (store_node_set_value(node, src->value, src->vlen))
		goto err_node;
	if (src->nkids) {
		node->kids = malloc(src->nkids * sizeof(*node->kids));
		if (!node->kids)
			goto err_node;
		node->capkids = src->nkids;
		for (i = 0; i < src->nkids; i++)
			node->kids[i] = store_node_get(src->kids[i]);
		node->nkids = src->nkids;
	}
	node->gen = src->gen;
	return node;

err_node:
	store_node_put(node);
	return NULL;
}

int store_node_own(struct store_node **slot)
{
	struct store_node *copy;

	if ((*slot)->refs == 1)
		return 0;
	copy = node_clone(*slot);
	if (!copy)
		return -ENOMEM;
	store_node_put(*slot);
	*slot = copy;
	return 0;
}

struct store_node *store_node_child(const struct store_node *node,
				    const char *name, size_t nlen,
				    uint32_t *idx)
{
	uint32_t i;

	for (i = 0; i < node->nkids; i++) {
		const char *kn = node->kids[i]->name;

		if (!strncmp(kn, name, nlen) && kn[nlen] == 0) {
			if (idx)
				*idx = i;
			return node->kids[i];
		}
	}
	return NULL;
}

/* Length of the component that starts at path (up to '/' or NUL). */
static size_t comp_len(const char *path)
{
	const char *slash = strchr(path, '/');

	return slash ? (size_t)(slash - path) : strlen(path);
}

struct store_node *store_tree_find(struct store_node *root, const char *path)
{
	struct store_node *node = root;

	if (path[0] != '/')
		return NULL;
	path++;
	while (node && *path) {
		size_t n = comp_len(path);

		node = store_node_child(node, path, n, NULL);
		path += n;
		if (*path == '/')
			path++;
	}
	return node;
}

int store_tree_writable(struct store_node **rootp, const char *path,
			struct store_node **out)
{
	struct store_node **slot = rootp;
	int ret;

	if (path[0] != '/')
		return -EINVAL;
	path++;
	ret = store_node_own(slot);
	if (ret)
		return ret;
	while (*path) {
		size_t n = comp_len(path);
		uint32_t idx;

		if (!store_node_child(*slot, path, n, &idx))
			return -ENOENT;
		slot = &(*slot)->kids[idx];
		ret = store_node_own(slot);
		if (ret)
			return ret;
		path += n;
		if (*path == '/')
			path++;
	}
	*out = *slot;
	return 0;
}

int store_node_add_child(struct store_node *parent, struct store_node *kid)
{
	if (parent->nkids == parent->capkids) {
		uint32_t cap = parent->capkids ? parent->capkids * 2 : 4;
		struct store_node **kids;

		kids = realloc(parent->kids, cap * sizeof(*kids));
		if (!kids)
			return -ENOMEM;
		parent->kids = kids;
		parent->capkids = cap;
	}
	parent->kids[parent->nkids++] = kid;
	return 0;
}

void store_node_del_child(struct store_node *parent, uint32_t idx)
{
	store_node_put(parent->kids[idx]);
	memmove(&parent->kids[idx], &parent->kids[idx + 1],
		(parent->nkids - idx - 1) * sizeof(*parent->kids));
	parent->nkids--;
}

int store_node_set_value(struct store_node *node, const void *data,
			 uint32_t len)
{
	uint8_t *value = NULL;

	if (len) {
		value = malloc(len);
		if (!value)
			return -ENOMEM;
		memcpy(value, data, len);
	}
	free(node->value);
	node->value = value;
	node->vlen = len;
	return 0;
}

int store_node_set_perms(struct store_node *node,
			 const struct store_perm *perms, uint32_t nperms)
{
	struct store_perm *copy;

	if (!nperms)
		return -EINVAL;
	copy = malloc(nperms * sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, perms, nperms * sizeof(*copy));
	free(node->perms);
	node->perms = copy;
	node->nperms = nperms;
	return 0;
}

uint32_t store_tree_count(const struct store_node *node)
{
	uint32_t n = 1, i;

	for (i = 0; i < node->nkids; i++)
		n += store_tree_count(node->kids[i]);
	return n;
}
