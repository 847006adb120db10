/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal interfaces of partita-stored: tree, transactions, watches, links. */
#ifndef PARTITA_STORED_CORE_H
#define PARTITA_STORED_CORE_H

#include <stdint.h>
#include <stddef.h>
#include "store-msg.h"

/* One permission entry; entry 0 is the owner and everyone else's access. */
struct store_perm {
	uint32_t domid;
	uint32_t access; /* STORE_ACCESS_* */
};

/*
 * Nodes are reference counted and shared between the live tree and the
 * snapshots that transactions work on: a node with refs > 1 is never
 * changed in place but copied first (store_node_own), so a snapshot costs
 * nothing until something is written. gen changes whenever the node's own
 * value, permissions or set of children changes; transactions compare it
 * to find conflicts.
 */
struct store_node {
	uint32_t refs;
	uint32_t nperms;
	uint32_t vlen;
	uint32_t nkids;
	uint32_t capkids;
	uint64_t gen;
	struct store_perm *perms;
	uint8_t *value;
	struct store_node **kids;
	char name[];
};

/*
 * Limits for guest (unprivileged) connections; root clients are exempt
 * from all but outbuf, as dom0 is in xenstored. 0 means unlimited.
 */
struct store_quota {
	uint32_t nodes;	       /* nodes owned per partition */
	uint32_t value_size;   /* bytes per value */
	uint32_t watches;      /* per connection */
	uint32_t transactions; /* open at once, per connection */
	uint32_t txn_ops;      /* paths touched plus changes, per transaction */
	uint32_t outbuf;       /* bytes queued to a client that does not read */
	uint32_t requests;     /* replies a guest has not taken yet */
	uint32_t watch_events; /* events queued for a guest; more are dropped */
};

struct store_domain {
	struct store_domain *next;
	uint32_t domid;
	uint32_t nodes; /* nodes in the live tree owned by this partition */
	int introduced;
};

struct store_fire {
	struct store_fire *next;
	int recursive; /* the subtree went away: watches below fire too */
	char path[];
};

struct store_conn;
struct store_guest;
struct store_hv_ops;

struct store {
	struct store_node *root;
	uint64_t gen;
	uint32_t next_txn_id;
	struct store_quota quota;
	struct store_conn *conns;
	struct store_domain *domains;
	struct store_fire *pending, **pending_tail;
	int verbose;
	/* Guest rings (store-guests.h); without hv INTRODUCE only records. */
	const struct store_hv_ops *hv;
	void *hv_ctx;
	int hv_open; /* hv->open() succeeded */
	struct store_guest *guests;
	uint64_t introduced_total, released_total;
};

struct store_txn_access {
	char *path;
	uint64_t gen; /* 0: the path did not exist */
};

struct store_txn_op {
	uint32_t type; /* PT_STORE_OP_WRITE, _MKDIR, _RM or _SET_PERMS */
	uint32_t len;
	char *path;
	uint8_t *data;
};

struct store_acct {
	uint32_t domid;
	int32_t delta;
};

struct store_txn {
	struct store_txn *next;
	uint32_t id;
	struct store_node *root; /* this transaction's private version */
	struct store_txn_access *acc;
	uint32_t nacc, capacc;
	struct store_txn_op *ops;
	uint32_t nops, capops;
	struct store_acct *acct; /* node-count changes not yet in the tree */
	uint32_t nacct;
	int error;  /* a change that could not be logged: commit fails */
	int exempt; /* a root client's: no size limit */
};

struct store_watch {
	struct store_watch *next;
	char *path; /* as the client gave it; events use its form */
	char *abs;  /* canonical absolute (or "@special") path */
	char *token;
};

struct store_out {
	struct store_out *next;
	uint32_t len, off;
	int event; /* a watch event, counted against quota.watch_events */
	uint8_t data[];
};

struct store_conn {
	struct store_conn *next;
	struct store *st;
	uint32_t domid;
	int privileged;
	int broken; /* a framing or quota violation: the transport closes it */
	struct store_rx rx;
	struct store_out *out_head, *out_tail;
	uint32_t out_bytes;
	uint32_t out_events;	 /* watch events among them */
	uint32_t out_replies;	 /* replies among them */
	uint64_t events_dropped; /* over quota.watch_events */
	struct store_watch *watches;
	uint32_t nwatches;
	struct store_txn *txns;
	uint32_t ntxns;
	void (*kick)(struct store_conn *conn); /* output was queued */
	void *transport;
};

/* What an operation works on: the live tree or a transaction's version. */
struct store_view {
	struct store *st;
	struct store_node **rootp;
	struct store_txn *txn;
};

/* store-tree.c */
struct store_node *store_node_new(const char *name, size_t nlen,
				  const struct store_perm *perms,
				  uint32_t nperms);
void store_node_put(struct store_node *node);
struct store_node *store_node_get(struct store_node *node);
int store_node_own(struct store_node **slot);
struct store_node *store_node_child(const struct store_node *node,
				    const char *name, size_t nlen,
				    uint32_t *idx);
struct store_node *store_tree_find(struct store_node *root, const char *path);
int store_tree_writable(struct store_node **rootp, const char *path,
			struct store_node **out);
int store_node_add_child(struct store_node *parent, struct store_node *kid);
void store_node_del_child(struct store_node *parent, uint32_t idx);
int store_node_set_value(struct store_node *node, const void *data,
			 uint32_t len);
int store_node_set_perms(struct store_node *node,
			 const struct store_perm *perms, uint32_t nperms);
uint32_t store_tree_count(const struct store_node *node);

/* store-domain.c */
struct store_domain *store_domain_find(struct store *st, uint32_t domid,
				       int create);
void store_domain_recount(struct store *st);
int store_domain_path(uint32_t domid, char *buf, size_t cap);

/* store.c */
int store_init(struct store *st, const struct store_quota *quota);
void store_fini(struct store *st);
void store_default_quota(struct store_quota *quota);
int store_queue_fire(struct store *st, const char *path, int recursive);
void store_flush_fires(struct store *st);
void store_drop_fires(struct store *st);

/* store-conn.c */
struct store_conn *store_conn_new(struct store *st, uint32_t domid,
				  int privileged);
void store_conn_free(struct store_conn *conn);
int store_conn_input(struct store_conn *conn, const void *data, size_t len);
int store_conn_rx_ready(struct store_conn *conn);
int store_conn_queue(struct store_conn *conn, const void *msg, uint32_t len);
int store_conn_queue_msg(struct store_conn *conn, const void *msg, uint32_t len,
			 int event);
int store_conn_queue_reply(struct store_conn *conn, uint32_t type,
			   uint32_t req_id, uint32_t tx_id, const void *data,
			   uint32_t len);
int store_conn_queue_error(struct store_conn *conn, uint32_t req_id,
			   uint32_t tx_id, int err);
void store_conn_out_advance(struct store_conn *conn, uint32_t n);

/* store-watch.c */
int store_watch_add(struct store_conn *conn, const char *path, const char *abs,
		    const char *token);
int store_watch_del(struct store_conn *conn, const char *abs,
		    const char *token);
void store_watch_clear(struct store_conn *conn);
void store_watch_fire(struct store *st, const char *path, int recursive);
int store_watch_event(struct store_conn *conn, const struct store_watch *w,
		      const char *abs_path);

/* store-txn.c */
struct store_txn *store_txn_find(struct store_conn *conn, uint32_t id);
int store_txn_start(struct store_conn *conn, uint32_t *id);
int store_txn_end(struct store_conn *conn, struct store_txn *txn, int commit);
void store_txn_clear(struct store_conn *conn);
int store_txn_note_access(struct store_txn *txn, const char *path, uint64_t gen,
			  uint32_t limit);
int store_txn_log_op(struct store_txn *txn, uint32_t type, const char *path,
		     const void *data, uint32_t len, uint32_t limit);
int store_txn_acct_add(struct store_txn *txn, uint32_t domid, int32_t delta);
int32_t store_txn_acct_get(const struct store_txn *txn, uint32_t domid);

/* store-ops.c: the request handler and the operations it decodes to */
void store_handle(struct store_conn *conn, const struct pt_store_msg_hdr *hdr,
		  const uint8_t *payload);
int store_do_write(struct store_view *v, struct store_conn *conn,
		   const char *path, const void *data, uint32_t len);
int store_do_mkdir(struct store_view *v, struct store_conn *conn,
		   const char *path);
int store_do_rm(struct store_view *v, struct store_conn *conn,
		const char *path);
int store_do_set_perms(struct store_view *v, struct store_conn *conn,
		       const char *path, const struct store_perm *perms,
		       uint32_t nperms);
int store_do_read(struct store_view *v, struct store_conn *conn,
		  const char *path, const struct store_node **out);
int store_perms_decode(const uint8_t *data, uint32_t len,
		       struct store_perm *perms, uint32_t max);

/*
 * store-domain.c: INTRODUCE records the partition (and, with a guest
 * transport, connects its ring: store-guests.c); RELEASE disconnects it and
 * removes everything it left in the store. Both queue their special watch.
 */
int store_domain_introduce(struct store *st, uint32_t domid, uint32_t ref,
			   uint32_t port);
int store_domain_release(struct store *st, uint32_t domid);

#endif
