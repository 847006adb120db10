/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers that drive the daemon core in-process and pick replies apart. */
#ifndef PARTITA_STORE_TEST_UTIL_H
#define PARTITA_STORE_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>
#include "store-core.h"

struct reply {
	uint32_t type, req_id, tx_id, len;
	char data[PT_STORE_PAYLOAD_MAX + 1];
};

/* A string literal with its final NUL, or without it (for values). */
#define S(lit) lit, (uint32_t)sizeof(lit)
#define V(lit) lit, (uint32_t)(sizeof(lit) - 1)

static inline int send_raw(struct store_conn *c, uint32_t type, uint32_t tx,
			   const void *p, uint32_t len)
{
	static uint8_t buf[16 + PT_STORE_PAYLOAD_MAX];

	store_hdr_encode(buf, type, 77, tx, len);
	memcpy(buf + 16, p, len);
	return store_conn_input(c, buf, 16 + len);
}

/* Removes the first queued message whose type is (or is not) an event. */
static inline int take(struct store_conn *c, int event, struct reply *r)
{
	struct store_out **pp;

	for (pp = &c->out_head; *pp; pp = &(*pp)->next) {
		struct store_out *o = *pp;
		struct pt_store_msg_hdr h;

		store_hdr_decode(o->data, &h);
		if ((h.type == PT_STORE_OP_WATCH_EVENT) != !!event)
			continue;
		r->type = h.type;
		r->req_id = h.req_id;
		r->tx_id = h.tx_id;
		r->len = h.len;
		memcpy(r->data, o->data + 16, h.len);
		r->data[h.len] = 0;
		c->out_bytes -= o->len;
		*pp = o->next;
		if (c->out_tail == o) {
			struct store_out *t = c->out_head;

			while (t && t->next)
				t = t->next;
			c->out_tail = t;
		}
		free(o);
		return 1;
	}
	return 0;
}

static inline struct reply *call(struct store_conn *c, uint32_t type,
				 uint32_t tx, const void *p, uint32_t len)
{
	static struct reply r;

	memset(&r, 0, sizeof(r));
	r.type = PT_STORE_OP_INVALID;
	send_raw(c, type, tx, p, len);
	take(c, 0, &r);
	return &r;
}

static inline int is_err(const struct reply *r, const char *name)
{
	return r->type == PT_STORE_OP_ERROR && !strcmp(r->data, name);
}

static inline int is_ok(const struct reply *r, uint32_t type)
{
	return r->type == type && !strcmp(r->data, "OK");
}

/* The second string of an event (its token). */
static inline const char *ev_token(const struct reply *r)
{
	return r->data + strlen(r->data) + 1;
}

#endif
