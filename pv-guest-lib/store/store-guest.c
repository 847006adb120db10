// SPDX-License-Identifier: MIT
/* Guest store client: requests out through req, replies and events back. */
#include <string.h> /* common/string.h in the freestanding build */
#include "store-guest.h"
#include "store-ring-io.h"

int store_guest_init(struct store_guest *g, struct pt_store_ring_page *page,
		     const struct store_guest_ops *ops)
{
	memset(g, 0, sizeof(*g));
	g->page = page;
	g->ops = ops;
	g->next_req = 1;
	store_rx_reset(&g->rx);
	return 0;
}

/* 0 while the caller's time lasts, else the error to give up with. */
static int time_is_up(struct store_guest *g)
{
	int ret = g->ops->expired ? g->ops->expired(g->ops->ctx) : 0;

	return ret < 0 ? ret : 0;
}

static int wait_peer(struct store_guest *g)
{
	int ret = g->ops->wait ? g->ops->wait(g->ops->ctx) : -STORE_EIO;

	return ret < 0 ? ret : 0;
}

static int put_bytes(struct store_guest *g, const void *data, uint32_t len)
{
	const uint8_t *p = data;

	while (len) {
		int n = store_ring_write(g->page->req, &g->page->req_prod,
					 &g->page->req_cons, p, len);

		if (n < 0) {
			g->broken = 1;
			return -STORE_EIO;
		}
		if (n == 0) {
			int ret;

			/* Full: let the store drain it, then go on (a store
			 * that kicks without draining meets the deadline). */
			g->ops->notify(g->ops->ctx);
			ret = time_is_up(g);
			if (!ret)
				ret = wait_peer(g);
			if (ret)
				return ret;
			continue;
		}
		p += n;
		len -= (uint32_t)n;
	}
	return 0;
}

static void keep_event(struct store_guest *g)
{
	struct store_guest_event *e;

	if (g->ev_count == STORE_GUEST_EVENT_SLOTS) {
		g->events_lost++;
		return;
	}
	e = &g->events[(g->ev_head + g->ev_count) % STORE_GUEST_EVENT_SLOTS];
	e->len = g->rx.hdr.len;
	memcpy(e->data, store_rx_payload(&g->rx), e->len + 1);
	g->ev_count++;
}

/*
 * Pulls bytes from rsp. Returns 1 with a whole message in g->rx, 0 if the
 * ring ran dry first, or -STORE_EIO.
 */
static int get_msg(struct store_guest *g)
{
	for (;;) {
		uint8_t *dst;
		uint32_t want = store_rx_want(&g->rx, &dst);
		int n = store_ring_read(g->page->rsp, &g->page->rsp_prod,
					&g->page->rsp_cons, dst, want);

		if (n < 0)
			goto err_broken;
		if (n == 0)
			return 0;
		/* Space was freed: the store may have more to say. */
		g->ops->notify(g->ops->ctx);
		n = store_rx_commit(&g->rx, (uint32_t)n);
		if (n < 0)
			goto err_broken;
		if (n == 1)
			return 1;
	}

err_broken:
	g->broken = 1;
	return -STORE_EIO;
}

int store_guest_request(struct store_guest *g, uint32_t type, uint32_t tx,
			const void *part1, uint32_t len1, const void *part2,
			uint32_t len2, void *reply, uint32_t cap, uint32_t *len)
{
	uint8_t hdr[PT_STORE_HDR_SIZE];
	uint32_t req_id, start;
	int ret;

	if (g->broken)
		return -STORE_EIO;
	if (len1 > PT_STORE_PAYLOAD_MAX || len2 > PT_STORE_PAYLOAD_MAX - len1)
		return -STORE_E2BIG;
	req_id = g->next_req++;
	store_hdr_encode(hdr, type, req_id, tx, len1 + len2);
	start = __atomic_load_n(&g->page->req_prod, __ATOMIC_RELAXED);
	ret = put_bytes(g, hdr, sizeof(hdr));
	if (!ret)
		ret = put_bytes(g, part1, len1);
	if (!ret)
		ret = put_bytes(g, part2, len2);
	if (ret) {
		/* Part of the request is in the ring: whatever followed
		 * would be read as its rest, so the stream is lost. */
		if (__atomic_load_n(&g->page->req_prod, __ATOMIC_RELAXED) !=
		    start)
			g->broken = 1;
		return ret;
	}
	g->ops->notify(g->ops->ctx);
	/* A reply already in the ring is always taken; the clock is asked
	 * before a wait and after each message that is not the reply. */
	for (;;) {
		ret = get_msg(g);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			ret = time_is_up(g);
			if (!ret)
				ret = wait_peer(g);
			if (ret)
				return ret;
			continue;
		}
		if (g->rx.hdr.type == PT_STORE_OP_WATCH_EVENT) {
			keep_event(g);
		} else if (g->rx.hdr.req_id == req_id) {
			break;
		}
		store_rx_reset(&g->rx);
		ret = time_is_up(g);
		if (ret)
			return ret;
	}
	if (g->rx.hdr.type == PT_STORE_OP_ERROR) {
		ret = -store_err_from_name(
			(const char *)store_rx_payload(&g->rx), g->rx.hdr.len);
	} else if (g->rx.hdr.type != type) {
		ret = -STORE_EIO;
	} else {
		uint32_t n = g->rx.hdr.len < cap ? g->rx.hdr.len : cap;

		if (n)
			memcpy(reply, store_rx_payload(&g->rx), n);
		if (len)
			*len = g->rx.hdr.len;
		/* No buffer: the caller only wants success ("OK"). */
		ret = reply && g->rx.hdr.len > cap ? -STORE_E2BIG : 0;
	}
	store_rx_reset(&g->rx);
	return ret;
}

int store_guest_pump(struct store_guest *g)
{
	unsigned taken = 0;
	int ret = 0;

	if (g->broken)
		return -STORE_EIO;
	while (taken++ < STORE_GUEST_PUMP_MAX && (ret = get_msg(g)) == 1) {
		/* A reply nobody waits for any more (its request timed out)
		 * is dropped, as in store_guest_request. */
		if (g->rx.hdr.type == PT_STORE_OP_WATCH_EVENT)
			keep_event(g);
		store_rx_reset(&g->rx);
	}
	return ret < 0 ? ret : 0;
}

static int req_path(struct store_guest *g, uint32_t type, uint32_t tx,
		    const char *path, void *buf, uint32_t cap, uint32_t *len)
{
	return store_guest_request(g, type, tx, path,
				   (uint32_t)strlen(path) + 1, NULL, 0, buf,
				   cap, len);
}

int store_guest_read(struct store_guest *g, uint32_t tx, const char *path,
		     char *buf, uint32_t cap, uint32_t *len)
{
	uint32_t n = 0;
	int ret;

	if (cap == 0)
		return -STORE_E2BIG;
	ret = req_path(g, PT_STORE_OP_READ, tx, path, buf, cap - 1, &n);
	if (ret)
		return ret;
	buf[n] = 0;
	if (len)
		*len = n;
	return 0;
}

int store_guest_write(struct store_guest *g, uint32_t tx, const char *path,
		      const void *value, uint32_t len)
{
	return store_guest_request(g, PT_STORE_OP_WRITE, tx, path,
				   (uint32_t)strlen(path) + 1, value, len, NULL,
				   0, NULL);
}

int store_guest_mkdir(struct store_guest *g, uint32_t tx, const char *path)
{
	return req_path(g, PT_STORE_OP_MKDIR, tx, path, NULL, 0, NULL);
}

int store_guest_rm(struct store_guest *g, uint32_t tx, const char *path)
{
	return req_path(g, PT_STORE_OP_RM, tx, path, NULL, 0, NULL);
}

int store_guest_directory(struct store_guest *g, uint32_t tx, const char *path,
			  char *buf, uint32_t cap, uint32_t *len)
{
	return req_path(g, PT_STORE_OP_DIRECTORY, tx, path, buf, cap, len);
}

int store_guest_txn_start(struct store_guest *g, uint32_t *tx)
{
	char buf[12];
	uint32_t n = 0;
	int ret = store_guest_request(g, PT_STORE_OP_TRANSACTION_START, 0, "",
				      1, NULL, 0, buf, sizeof(buf) - 1, &n);

	if (ret)
		return ret;
	buf[n] = 0;
	return store_parse_u32(buf, tx) ? -STORE_EIO : 0;
}

int store_guest_txn_end(struct store_guest *g, uint32_t tx, int commit)
{
	return req_path(g, PT_STORE_OP_TRANSACTION_END, tx,
			commit ? PT_STORE_TXN_COMMIT : PT_STORE_TXN_ABORT, NULL,
			0, NULL);
}

static int watch_req(struct store_guest *g, uint32_t type, const char *path,
		     const char *token)
{
	return store_guest_request(g, type, 0, path, (uint32_t)strlen(path) + 1,
				   token, (uint32_t)strlen(token) + 1, NULL, 0,
				   NULL);
}

int store_guest_watch(struct store_guest *g, const char *path,
		      const char *token)
{
	return watch_req(g, PT_STORE_OP_WATCH, path, token);
}

int store_guest_unwatch(struct store_guest *g, const char *path,
			const char *token)
{
	return watch_req(g, PT_STORE_OP_UNWATCH, path, token);
}

static void copy_str(char *dst, uint32_t cap, const char *src, const char *end)
{
	uint32_t n = 0;

	if (!cap)
		return;
	while (n + 1 < cap && src + n < end && src[n])
		n++;
	memcpy(dst, src, n);
	dst[n] = 0;
}

int store_guest_next_event(struct store_guest *g, char *path, uint32_t pcap,
			   char *token, uint32_t tcap)
{
	struct store_guest_event *e;
	const char *p, *end, *t;

	/* Drain what already arrived, without blocking. */
	while (!g->broken && g->ev_count < STORE_GUEST_EVENT_SLOTS &&
	       get_msg(g) == 1) {
		if (g->rx.hdr.type == PT_STORE_OP_WATCH_EVENT)
			keep_event(g);
		store_rx_reset(&g->rx);
	}
	if (!g->ev_count)
		return 0;
	e = &g->events[g->ev_head];
	g->ev_head = (g->ev_head + 1) % STORE_GUEST_EVENT_SLOTS;
	g->ev_count--;
	p = (const char *)e->data;
	end = p + e->len;
	t = p + strnlen(p, e->len);
	t = t < end ? t + 1 : end;
	copy_str(path, pcap, p, end);
	copy_str(token, tcap, t, end);
	return 1;
}
