// SPDX-License-Identifier: GPL-2.0-only
/* A client connection: message reassembly in, a bounded reply queue out. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "store-core.h"

struct store_conn *store_conn_new(struct store *st, uint32_t domid,
				  int privileged)
{
	struct store_conn *conn = calloc(1, sizeof(*conn));

	if (!conn)
		return NULL;
	conn->st = st;
	conn->domid = domid;
	conn->privileged = privileged;
	store_rx_reset(&conn->rx);
	conn->next = st->conns;
	st->conns = conn;
	return conn;
}

void store_conn_free(struct store_conn *conn)
{
	struct store_conn **pp;

	for (pp = &conn->st->conns; *pp; pp = &(*pp)->next) {
		if (*pp == conn) {
			*pp = conn->next;
			break;
		}
	}
	store_watch_clear(conn);
	store_txn_clear(conn);
	while (conn->out_head) {
		struct store_out *o = conn->out_head;

		conn->out_head = o->next;
		free(o);
	}
	free(conn);
}

/* Handles the message waiting in rx, if it is complete. */
int store_conn_rx_ready(struct store_conn *conn)
{
	store_handle(conn, &conn->rx.hdr, store_rx_payload(&conn->rx));
	store_rx_reset(&conn->rx);
	return conn->broken ? -EPROTO : 0;
}

int store_conn_input(struct store_conn *conn, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len && !conn->broken) {
		uint32_t used;
		uint32_t chunk =
			len > 0xffffffffu ? 0xffffffffu : (uint32_t)len;
		int ret = store_rx_feed(&conn->rx, p, chunk, &used);

		p += used;
		len -= used;
		if (ret < 0) {
			conn->broken = 1;
			return -EPROTO;
		}
		if (ret == 1 && store_conn_rx_ready(conn))
			return -EPROTO;
	}
	return conn->broken ? -EPROTO : 0;
}

/*
 * A client that never reads must not make the daemon buffer without end:
 * past the quota the connection is marked broken and the transport closes
 * it. Other connections never notice.
 */
int store_conn_queue_msg(struct store_conn *conn, const void *msg, uint32_t len,
			 int event)
{
	struct store_out *o;

	if (conn->broken)
		return -EPIPE;
	if (conn->st->quota.outbuf &&
	    conn->out_bytes + len > conn->st->quota.outbuf) {
		conn->broken = 1;
		return -ENOSPC;
	}
	o = malloc(sizeof(*o) + len);
	if (!o)
		return -ENOMEM;
	memcpy(o->data, msg, len);
	o->len = len;
	o->off = 0;
	o->event = event;
	o->next = NULL;
	if (conn->out_tail)
		conn->out_tail->next = o;
	else
		conn->out_head = o;
	conn->out_tail = o;
	conn->out_bytes += len;
	if (event)
		conn->out_events++;
	else
		conn->out_replies++;
	if (conn->kick)
		conn->kick(conn);
	return 0;
}

int store_conn_queue(struct store_conn *conn, const void *msg, uint32_t len)
{
	return store_conn_queue_msg(conn, msg, len, 0);
}

int store_conn_queue_reply(struct store_conn *conn, uint32_t type,
			   uint32_t req_id, uint32_t tx_id, const void *data,
			   uint32_t len)
{
	uint8_t buf[PT_STORE_HDR_SIZE + PT_STORE_PAYLOAD_MAX];
	struct store_buf b;
	int n;

	store_msg_begin(&b, buf, sizeof(buf), type, req_id, tx_id);
	store_msg_put(&b, data, len);
	n = store_msg_end(&b);
	if (n < 0)
		return n;
	return store_conn_queue(conn, buf, (uint32_t)n);
}

int store_conn_queue_error(struct store_conn *conn, uint32_t req_id,
			   uint32_t tx_id, int err)
{
	const char *name = store_err_name(err);

	return store_conn_queue_reply(conn, PT_STORE_OP_ERROR, req_id, tx_id,
				      name, (uint32_t)strlen(name) + 1);
}

void store_conn_out_advance(struct store_conn *conn, uint32_t n)
{
	while (n && conn->out_head) {
		struct store_out *o = conn->out_head;
		uint32_t left = o->len - o->off;
		uint32_t take = n < left ? n : left;

		o->off += take;
		n -= take;
		conn->out_bytes -= take;
		if (o->off == o->len) {
			if (o->event)
				conn->out_events--;
			else
				conn->out_replies--;
			conn->out_head = o->next;
			if (!conn->out_head)
				conn->out_tail = NULL;
			free(o);
		}
	}
}
