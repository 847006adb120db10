// SPDX-License-Identifier: GPL-2.0-only
/* Decodes one request, checks every argument, runs it and queues the reply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>
#include "store-guests.h"

struct store_req {
	struct store_conn *conn;
	const struct pt_store_msg_hdr *hdr;
	const uint8_t *payload;
	struct store_view view;
	char path[PT_STORE_ABS_PATH_MAX + 1];
	uint8_t out[PT_STORE_HDR_SIZE + PT_STORE_PAYLOAD_MAX];
	struct store_buf b;
};

static int reply_begin(struct store_req *r)
{
	store_msg_begin(&r->b, r->out, sizeof(r->out), r->hdr->type,
			r->hdr->req_id, r->hdr->tx_id);
	return 0;
}

static int reply_send(struct store_req *r)
{
	int n = store_msg_end(&r->b);

	if (n < 0)
		return -E2BIG;
	return store_conn_queue(r->conn, r->out, (uint32_t)n);
}

static int reply_str(struct store_req *r, const char *s)
{
	reply_begin(r);
	store_msg_put_str(&r->b, s);
	return reply_send(r);
}

/* Canonical absolute form; relative paths live under the caller's home. */
static int canon(struct store_req *r, const char *in, int allow_special)
{
	int kind = store_path_check(in);
	int n;

	if (kind < 0 || (kind == STORE_PATH_SPECIAL && !allow_special))
		return -EINVAL;
	if (kind != STORE_PATH_RELATIVE) {
		strcpy(r->path, in);
		return 0;
	}
	n = store_domain_path(r->conn->domid, r->path, sizeof(r->path));
	if (n < 0 || (size_t)n + 1 + strlen(in) > PT_STORE_ABS_PATH_MAX)
		return -EINVAL;
	r->path[n] = '/';
	strcpy(r->path + n + 1, in);
	return 0;
}

/* Exactly want NUL-terminated arguments. */
static int args(struct store_req *r, const char **argv, int want)
{
	int n = store_args_split(r->payload, r->hdr->len, argv,
				 (unsigned int)want);

	return n == want ? 0 : -EINVAL;
}

static int path_arg(struct store_req *r)
{
	const char *argv[1];
	int ret = args(r, argv, 1);

	return ret ? ret : canon(r, argv[0], 0);
}

/* The node the request's one path argument names, if the caller may read it. */
static int path_node(struct store_req *r, const struct store_node **n)
{
	int ret = path_arg(r);

	return ret ? ret : store_do_read(&r->view, r->conn, r->path, n);
}

static int op_read(struct store_req *r)
{
	const struct store_node *n;
	int ret = path_node(r, &n);

	if (ret)
		return ret;
	reply_begin(r);
	store_msg_put(&r->b, n->value, n->vlen);
	return reply_send(r);
}

static int op_directory(struct store_req *r)
{
	const struct store_node *n;
	uint32_t i;
	int ret = path_node(r, &n);

	if (ret)
		return ret;
	reply_begin(r);
	for (i = 0; i < n->nkids; i++)
		store_msg_put_str(&r->b, n->kids[i]->name);
	/* Too long for one reply: clients go on with DIRECTORY_PART. */
	return reply_send(r);
}

/*
 * Reply: the node's generation, then whole child names starting at byte
 * offset; an extra NUL marks the end of the list. A client that sees the
 * generation change between parts starts again.
 */
static int op_directory_part(struct store_req *r)
{
	const struct store_node *n;
	const char *argv[2];
	char gen[24];
	uint32_t off, pos = 0, i;
	int ret = args(r, argv, 2);

	if (!ret)
		ret = canon(r, argv[0], 0);
	if (!ret)
		ret = store_parse_u32(argv[1], &off) ? -EINVAL : 0;
	if (!ret)
		ret = store_do_read(&r->view, r->conn, r->path, &n);
	if (ret)
		return ret;
	snprintf(gen, sizeof(gen), "%" PRIu64, n->gen);
	reply_begin(r);
	store_msg_put_str(&r->b, gen);
	for (i = 0; i < n->nkids; i++) {
		uint32_t len = (uint32_t)strlen(n->kids[i]->name) + 1;

		if (pos >= off) {
			/* keep one byte for the terminating NUL */
			if (r->b.len + len + 1 > sizeof(r->out))
				return reply_send(r);
			store_msg_put(&r->b, n->kids[i]->name, len);
		}
		pos += len;
	}
	store_msg_put(&r->b, "", 1);
	return reply_send(r);
}

static int op_get_perms(struct store_req *r)
{
	const struct store_node *n;
	uint32_t i;
	int ret = path_node(r, &n);

	if (ret)
		return ret;
	reply_begin(r);
	for (i = 0; i < n->nperms; i++) {
		char buf[16];

		store_perm_format(buf, sizeof(buf), n->perms[i].domid,
				  n->perms[i].access);
		store_msg_put_str(&r->b, buf);
	}
	return reply_send(r);
}

static int op_write(struct store_req *r)
{
	const char *path;
	const uint8_t *data;
	uint32_t len;
	int ret = store_args_first(r->payload, r->hdr->len, &path, &data, &len);

	if (!ret)
		ret = canon(r, path, 0);
	if (!ret)
		ret = store_do_write(&r->view, r->conn, r->path, data, len);
	return ret ? ret : reply_str(r, PT_STORE_ACK);
}

static int op_mkdir(struct store_req *r)
{
	int ret = path_arg(r);

	if (!ret)
		ret = store_do_mkdir(&r->view, r->conn, r->path);
	return ret ? ret : reply_str(r, PT_STORE_ACK);
}

static int op_rm(struct store_req *r)
{
	int ret = path_arg(r);

	if (!ret)
		ret = store_do_rm(&r->view, r->conn, r->path);
	return ret ? ret : reply_str(r, PT_STORE_ACK);
}

static int op_set_perms(struct store_req *r)
{
	static struct store_perm perms[PT_STORE_PAYLOAD_MAX / 2];
	const char *path;
	const uint8_t *data;
	uint32_t len;
	int n, ret;

	ret = store_args_first(r->payload, r->hdr->len, &path, &data, &len);
	if (!ret)
		ret = canon(r, path, 0);
	if (ret)
		return ret;
	n = store_perms_decode(data, len, perms,
			       sizeof(perms) / sizeof(perms[0]));
	if (n < 0)
		return n;
	ret = store_do_set_perms(&r->view, r->conn, r->path, perms,
				 (uint32_t)n);
	return ret ? ret : reply_str(r, PT_STORE_ACK);
}

static int op_watch(struct store_req *r)
{
	const char *argv[2];
	struct store_watch *w;
	int ret = args(r, argv, 2);

	if (!ret)
		ret = canon(r, argv[0], 1);
	if (!ret)
		ret = store_watch_add(r->conn, argv[0], r->path, argv[1]);
	if (ret)
		return ret;
	ret = reply_str(r, PT_STORE_ACK);
	/* A new watch fires once at once, so clients need no initial read. */
	w = r->conn->watches;
	if (!ret)
		ret = store_watch_event(r->conn, w, w->abs);
	return ret > 0 ? 0 : ret;
}

static int op_unwatch(struct store_req *r)
{
	const char *argv[2];
	int ret = args(r, argv, 2);

	if (!ret)
		ret = canon(r, argv[0], 1);
	if (!ret)
		ret = store_watch_del(r->conn, r->path, argv[1]);
	return ret ? ret : reply_str(r, PT_STORE_ACK);
}

static int op_txn_start(struct store_req *r)
{
	char buf[12];
	uint32_t id;
	int ret;

	if (r->hdr->tx_id)
		return -EBUSY;
	ret = store_txn_start(r->conn, &id);
	if (ret)
		return ret;
	store_fmt_u32(buf, id);
	return reply_str(r, buf);
}

static int op_txn_end(struct store_req *r)
{
	const char *argv[1];
	struct store_txn *t = r->view.txn;
	int commit, ret = args(r, argv, 1);

	if (ret)
		return ret;
	if (!t)
		return -ENOENT;
	if (!strcmp(argv[0], PT_STORE_TXN_COMMIT))
		commit = 1;
	else if (!strcmp(argv[0], PT_STORE_TXN_ABORT))
		commit = 0;
	else
		return -EINVAL;
	ret = store_txn_end(r->conn, t, commit);
	r->view.txn = NULL;
	return ret ? ret : reply_str(r, PT_STORE_ACK);
}

static int domid_arg(struct store_req *r, int nargs, uint32_t *domid)
{
	const char *argv[4];
	int ret = args(r, argv, nargs);

	if (ret)
		return ret;
	return store_parse_u32(argv[0], domid) ? -EINVAL : 0;
}

static int op_get_domain_path(struct store_req *r)
{
	uint32_t domid;
	int ret = domid_arg(r, 1, &domid);

	if (ret)
		return ret;
	store_domain_path(domid, r->path, sizeof(r->path));
	return reply_str(r, r->path);
}

/* domid, the grant ref of the guest's ring page, the guest's store port */
static int op_introduce(struct store_req *r)
{
	const char *argv[3];
	uint32_t domid, ref, port;
	int ret = args(r, argv, 3);

	if (!ret && !r->conn->privileged)
		ret = -EACCES;
	if (ret)
		return ret;
	if (store_parse_u32(argv[0], &domid) || domid == 0 ||
	    store_parse_u32(argv[1], &ref) || store_parse_u32(argv[2], &port))
		return -EINVAL;
	ret = store_domain_introduce(r->conn->st, domid, ref, port);
	return ret ? ret : reply_str(r, PT_STORE_ACK);
}

static int op_release(struct store_req *r)
{
	uint32_t domid;
	int ret = domid_arg(r, 1, &domid);

	if (!ret && !r->conn->privileged)
		ret = -EACCES;
	if (!ret)
		ret = store_domain_release(r->conn->st, domid);
	return ret ? ret : reply_str(r, PT_STORE_ACK);
}

static int op_is_introduced(struct store_req *r)
{
	struct store_domain *d;
	uint32_t domid;
	int ret = domid_arg(r, 1, &domid);

	if (ret)
		return ret;
	d = store_domain_find(r->conn->st, domid, 0);
	return reply_str(r, domid == 0 || (d && d->introduced) ? "T" : "F");
}

static int op_resume(struct store_req *r)
{
	struct store_domain *d;
	uint32_t domid;
	int ret = domid_arg(r, 1, &domid);

	if (!ret && !r->conn->privileged)
		ret = -EACCES;
	if (ret)
		return ret;
	d = store_domain_find(r->conn->st, domid, 0);
	if (!d || !d->introduced)
		return -ENOENT;
	return reply_str(r, PT_STORE_ACK);
}

static int op_reset_watches(struct store_req *r)
{
	store_watch_clear(r->conn);
	store_txn_clear(r->conn);
	return reply_str(r, PT_STORE_ACK);
}

/*
 * "print" writes a line into the daemon's log; "stats" answers the
 * counts of store_stats_format() (tests compare them before and after).
 */
static int op_control(struct store_req *r)
{
	const char *cmd;
	const uint8_t *data;
	uint32_t len;
	char stats[256];
	int ret = store_args_first(r->payload, r->hdr->len, &cmd, &data, &len);

	if (!ret && !r->conn->privileged)
		ret = -EACCES;
	if (ret)
		return ret;
	if (!strcmp(cmd, "stats")) {
		ret = store_stats_format(r->conn->st, stats, sizeof(stats));
		return ret < 0 ? ret : reply_str(r, stats);
	}
	if (strcmp(cmd, "print"))
		return -EINVAL;
	fprintf(stderr, "partita-stored: print: %.*s\n",
		(int)strnlen((const char *)data, len), (const char *)data);
	return reply_str(r, PT_STORE_ACK);
}

static int uses_txn(uint32_t type)
{
	switch (type) {
	case PT_STORE_OP_DIRECTORY:
	case PT_STORE_OP_DIRECTORY_PART:
	case PT_STORE_OP_READ:
	case PT_STORE_OP_GET_PERMS:
	case PT_STORE_OP_WRITE:
	case PT_STORE_OP_MKDIR:
	case PT_STORE_OP_RM:
	case PT_STORE_OP_SET_PERMS:
	case PT_STORE_OP_TRANSACTION_END:
		return 1;
	}
	return 0;
}

typedef int (*store_op_fn)(struct store_req *r);

static const store_op_fn store_ops[PT_STORE_OP_COUNT] = {
	[PT_STORE_OP_CONTROL] = op_control,
	[PT_STORE_OP_DIRECTORY] = op_directory,
	[PT_STORE_OP_READ] = op_read,
	[PT_STORE_OP_GET_PERMS] = op_get_perms,
	[PT_STORE_OP_WATCH] = op_watch,
	[PT_STORE_OP_UNWATCH] = op_unwatch,
	[PT_STORE_OP_TRANSACTION_START] = op_txn_start,
	[PT_STORE_OP_TRANSACTION_END] = op_txn_end,
	[PT_STORE_OP_INTRODUCE] = op_introduce,
	[PT_STORE_OP_RELEASE] = op_release,
	[PT_STORE_OP_GET_DOMAIN_PATH] = op_get_domain_path,
	[PT_STORE_OP_WRITE] = op_write,
	[PT_STORE_OP_MKDIR] = op_mkdir,
	[PT_STORE_OP_RM] = op_rm,
	[PT_STORE_OP_SET_PERMS] = op_set_perms,
	[PT_STORE_OP_IS_DOMAIN_INTRODUCED] = op_is_introduced,
	[PT_STORE_OP_RESUME] = op_resume,
	[PT_STORE_OP_RESET_WATCHES] = op_reset_watches,
	[PT_STORE_OP_DIRECTORY_PART] = op_directory_part,
};

void store_handle(struct store_conn *conn, const struct pt_store_msg_hdr *hdr,
		  const uint8_t *payload)
{
	static struct store_req req;
	struct store_req *r = &req;
	store_op_fn fn = NULL;
	int ret;

	r->conn = conn;
	r->hdr = hdr;
	r->payload = payload;
	r->view.st = conn->st;
	r->view.rootp = &conn->st->root;
	r->view.txn = NULL;
	if (hdr->type < PT_STORE_OP_COUNT)
		fn = store_ops[hdr->type];
	if (!fn) {
		/* Clients may not send WATCH_EVENT or ERROR; the rest is new. */
		ret = hdr->type == PT_STORE_OP_WATCH_EVENT ||
				      hdr->type == PT_STORE_OP_ERROR
			      ? -EINVAL
			      : -ENOSYS;
		goto out;
	}
	if (hdr->tx_id && uses_txn(hdr->type)) {
		r->view.txn = store_txn_find(conn, hdr->tx_id);
		if (!r->view.txn) {
			ret = -ENOENT;
			goto out;
		}
		r->view.rootp = &r->view.txn->root;
	}
	ret = fn(r);
out:
	if (ret < 0 && !conn->broken)
		store_conn_queue_error(conn, hdr->req_id, hdr->tx_id, -ret);
	store_flush_fires(conn->st);
}
