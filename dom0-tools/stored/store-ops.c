// SPDX-License-Identifier: GPL-2.0-only
/* Store operations on a view (live tree or transaction) with permissions. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "store-core.h"

struct store_who {
	uint32_t domid;
	int privileged;
};

static struct store_who who_of(const struct store_conn *conn)
{
	struct store_who w = { 0, 1 };

	if (conn) {
		w.domid = conn->domid;
		w.privileged = conn->privileged;
	}
	return w;
}

/*
 * The owner may do anything; otherwise an explicit entry for the partition
 * wins, and entry 0's access applies to everyone else.
 */
static unsigned int access_of(const struct store_node *n, struct store_who w)
{
	uint32_t i;

	if (w.privileged || n->perms[0].domid == w.domid)
		return STORE_ACCESS_READ | STORE_ACCESS_WRITE;
	for (i = 1; i < n->nperms; i++)
		if (n->perms[i].domid == w.domid)
			return n->perms[i].access;
	return n->perms[0].access;
}

/* Root clients' transactions have no size limit. */
static uint32_t txn_limit(const struct store_view *v)
{
	return v->txn->exempt ? 0 : v->st->quota.txn_ops;
}

static int view_find(struct store_view *v, const char *path,
		     struct store_node **out)
{
	struct store_node *n = store_tree_find(*v->rootp, path);
	int ret;

	if (v->txn) {
		ret = store_txn_note_access(v->txn, path, n ? n->gen : 0,
					    txn_limit(v));
		if (ret)
			return ret;
	}
	*out = n;
	return 0;
}

static void parent_of(const char *path, char *buf)
{
	char *slash;

	if (buf != path)
		strcpy(buf, path);
	slash = strrchr(buf, '/');
	if (slash == buf)
		buf[1] = 0;
	else if (slash)
		*slash = 0;
}

/* ENOENT, unless the caller may not even see that it is missing. */
static int missing_err(struct store_view *v, struct store_who w,
		       const char *path)
{
	char buf[PT_STORE_ABS_PATH_MAX + 1];
	struct store_node *n = NULL;

	strcpy(buf, path);
	while (!n) {
		parent_of(buf, buf);
		n = store_tree_find(*v->rootp, buf);
	}
	return access_of(n, w) & STORE_ACCESS_READ ? -ENOENT : -EACCES;
}

static uint32_t count_get(struct store_view *v, uint32_t domid)
{
	struct store_domain *d = store_domain_find(v->st, domid, 0);
	int64_t n = d ? d->nodes : 0;

	if (v->txn)
		n += store_txn_acct_get(v->txn, domid);
	return n < 0 ? 0 : (uint32_t)n;
}

static int count_add(struct store_view *v, uint32_t domid, int32_t delta)
{
	struct store_domain *d;

	if (v->txn)
		return store_txn_acct_add(v->txn, domid, delta);
	d = store_domain_find(v->st, domid, 1);
	if (!d)
		return -ENOMEM;
	d->nodes += (uint32_t)delta;
	return 0;
}

static void count_subtree(struct store_view *v, const struct store_node *n)
{
	uint32_t i;

	count_add(v, n->perms[0].domid, -1);
	for (i = 0; i < n->nkids; i++)
		count_subtree(v, n->kids[i]);
}

static int changed(struct store_view *v, uint32_t type, const char *path,
		   const void *data, uint32_t len, int recursive)
{
	if (v->txn)
		return store_txn_log_op(v->txn, type, path, data, len,
					txn_limit(v));
	return store_queue_fire(v->st, path, recursive);
}

/*
 * Creates path and any missing parents in one step: the new chain is
 * built aside and linked last, so a failure leaves the view unchanged.
 * New nodes inherit the permissions of the nearest existing ancestor; a
 * node made by a guest belongs to that guest.
 */
static int create_path(struct store_view *v, struct store_who w,
		       const char *path, const void *data, uint32_t len)
{
	char anc[PT_STORE_ABS_PATH_MAX + 1];
	struct store_node *a = NULL, *head = NULL, *tail = NULL, *aw;
	struct store_perm *perms;
	const char *p;
	uint32_t missing = 0, owner;
	int ret;

	strcpy(anc, path);
	while (!a) {
		parent_of(anc, anc);
		ret = view_find(v, anc, &a);
		if (ret)
			return ret;
		missing++;
	}
	if (!(access_of(a, w) & STORE_ACCESS_WRITE))
		return -EACCES;
	perms = malloc(a->nperms * sizeof(*perms));
	if (!perms)
		return -ENOMEM;
	memcpy(perms, a->perms, a->nperms * sizeof(*perms));
	if (!w.privileged)
		perms[0].domid = w.domid;
	owner = perms[0].domid;
	if (!w.privileged && v->st->quota.nodes &&
	    count_get(v, owner) + missing > v->st->quota.nodes) {
		ret = -ENOSPC;
		goto err_perms;
	}
	p = path + strlen(anc) + (strlen(anc) > 1);
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		struct store_node *node;

		node = store_node_new(p, n, perms, a->nperms);
		if (!node) {
			ret = -ENOMEM;
			goto err_chain;
		}
		node->gen = ++v->st->gen;
		if (!head) {
			head = node;
		} else if (store_node_add_child(tail, node)) {
			store_node_put(node);
			ret = -ENOMEM;
			goto err_chain;
		}
		tail = node;
		p += n + (slash != NULL);
	}
	if (store_node_set_value(tail, data, len)) {
		ret = -ENOMEM;
		goto err_chain;
	}
	ret = store_tree_writable(v->rootp, anc, &aw);
	if (ret)
		goto err_chain;
	ret = store_node_add_child(aw, head);
	if (ret)
		goto err_chain;
	aw->gen = ++v->st->gen;
	free(perms);
	return count_add(v, owner, (int32_t)missing);

err_chain:
	store_node_put(head);
err_perms:
	free(perms);
	return ret;
}

int store_do_write(struct store_view *v, struct store_conn *conn,
		   const char *path, const void *data, uint32_t len)
{
	struct store_who w = who_of(conn);
	struct store_node *n;
	int ret;

	if (!w.privileged && v->st->quota.value_size &&
	    len > v->st->quota.value_size)
		return -ENOSPC;
	ret = view_find(v, path, &n);
	if (ret)
		return ret;
	if (n) {
		if (!(access_of(n, w) & STORE_ACCESS_WRITE))
			return -EACCES;
		ret = store_tree_writable(v->rootp, path, &n);
		if (!ret)
			ret = store_node_set_value(n, data, len);
		if (ret)
			return ret;
		n->gen = ++v->st->gen;
	} else {
		ret = create_path(v, w, path, data, len);
		if (ret)
			return ret;
	}
	return changed(v, PT_STORE_OP_WRITE, path, data, len, 0);
}

int store_do_mkdir(struct store_view *v, struct store_conn *conn,
		   const char *path)
{
	struct store_node *n;
	int ret = view_find(v, path, &n);

	if (ret || n)
		return ret;
	ret = create_path(v, who_of(conn), path, NULL, 0);
	if (ret)
		return ret;
	return changed(v, PT_STORE_OP_MKDIR, path, NULL, 0, 0);
}

int store_do_rm(struct store_view *v, struct store_conn *conn, const char *path)
{
	char parent[PT_STORE_ABS_PATH_MAX + 1];
	struct store_node *n, *p;
	uint32_t idx;
	int ret;

	if (!strcmp(path, "/"))
		return -EINVAL;
	parent_of(path, parent);
	ret = view_find(v, path, &n);
	if (!ret)
		ret = view_find(v, parent, &p);
	if (ret)
		return ret;
	/*
	 * Removing what is already gone succeeds, as in xenstore, but only
	 * for a caller that may see that it is gone (may read the parent).
	 */
	if (!n) {
		ret = missing_err(v, who_of(conn), path);
		return ret == -ENOENT && p ? 0 : ret;
	}
	if (!(access_of(n, who_of(conn)) & STORE_ACCESS_WRITE))
		return -EACCES;
	ret = store_tree_writable(v->rootp, parent, &p);
	if (ret)
		return ret;
	n = store_node_child(p, strrchr(path, '/') + 1,
			     strlen(strrchr(path, '/') + 1), &idx);
	count_subtree(v, n);
	store_node_del_child(p, idx);
	p->gen = ++v->st->gen;
	return changed(v, PT_STORE_OP_RM, path, NULL, 0, 1);
}

int store_perms_decode(const uint8_t *data, uint32_t len,
		       struct store_perm *perms, uint32_t max)
{
	const char *argv[PT_STORE_PAYLOAD_MAX / 2];
	int n, i;

	n = store_args_split(data, len, argv,
			     max < PT_STORE_PAYLOAD_MAX / 2
				     ? max
				     : PT_STORE_PAYLOAD_MAX / 2);
	if (n <= 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		unsigned int access;

		if (store_perm_parse(argv[i], &perms[i].domid, &access))
			return -EINVAL;
		perms[i].access = access;
	}
	return n;
}

int store_do_set_perms(struct store_view *v, struct store_conn *conn,
		       const char *path, const struct store_perm *perms,
		       uint32_t nperms)
{
	struct store_who w = who_of(conn);
	uint8_t blob[PT_STORE_PAYLOAD_MAX];
	struct store_node *n;
	uint32_t old_owner, blen = 0, i;
	int ret = view_find(v, path, &n);

	if (ret)
		return ret;
	if (!n)
		return missing_err(v, w, path);
	old_owner = n->perms[0].domid;
	/* Only the owner changes permissions, and only the root owners. */
	if (!w.privileged &&
	    (old_owner != w.domid || perms[0].domid != old_owner))
		return -EACCES;
	ret = store_tree_writable(v->rootp, path, &n);
	if (!ret)
		ret = store_node_set_perms(n, perms, nperms);
	if (ret)
		return ret;
	n->gen = ++v->st->gen;
	if (old_owner != perms[0].domid) {
		count_add(v, old_owner, -1);
		count_add(v, perms[0].domid, 1);
	}
	if (!v->txn)
		return store_queue_fire(v->st, path, 0);
	for (i = 0; i < nperms; i++) {
		int len = store_perm_format((char *)blob + blen,
					    sizeof(blob) - blen, perms[i].domid,
					    perms[i].access);

		if (len < 0)
			return -E2BIG;
		blen += (uint32_t)len + 1;
	}
	return store_txn_log_op(v->txn, PT_STORE_OP_SET_PERMS, path, blob, blen,
				txn_limit(v));
}

/* Reads need no copy-on-write; they only note what they looked at. */
int store_do_read(struct store_view *v, struct store_conn *conn,
		  const char *path, const struct store_node **out)
{
	struct store_node *n;
	int ret = view_find(v, path, &n);

	if (ret)
		return ret;
	if (!n)
		return missing_err(v, who_of(conn), path);
	if (!(access_of(n, who_of(conn)) & STORE_ACCESS_READ))
		return -EACCES;
	*out = n;
	return 0;
}
