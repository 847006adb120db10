// SPDX-License-Identifier: GPL-2.0-only
/* The store's socket client, built on the shared message codec. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "store-client.h"
#include "store-msg.h"

#define STORE_CLIENT_DEFAULT_SOCKET "/var/run/xenstored/socket"

struct store_event {
	struct store_event *next;
	uint32_t len;
	char data[];
};

struct store_client {
	int fd;
	uint32_t next_req;
	struct store_event *events, **events_tail;
	struct store_rx rx;
};

struct store_client *store_client_open(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct store_client *c;

	if (!path)
		path = getenv("XENSTORED_PATH");
	if (!path)
		path = STORE_CLIENT_DEFAULT_SOCKET;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(addr.sun_path, path);
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->events_tail = &c->events;
	c->next_req = 1;
	store_rx_reset(&c->rx);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto err_free;
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)))
		goto err_close;
	return c;

err_close:
	close(c->fd);
err_free:
	free(c);
	return NULL;
}

void store_client_close(struct store_client *c)
{
	if (!c)
		return;
	while (c->events) {
		struct store_event *e = c->events;

		c->events = e->next;
		free(e);
	}
	close(c->fd);
	free(c);
}

int store_client_fd(const struct store_client *c)
{
	return c->fd;
}

static int send_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads until one whole message is in c->rx; timeout_ms < 0 blocks. */
static int recv_msg(struct store_client *c, int timeout_ms)
{
	for (;;) {
		uint8_t *dst;
		uint32_t want = store_rx_want(&c->rx, &dst);
		ssize_t n;
		int ret;

		if (timeout_ms >= 0) {
			struct pollfd p = { .fd = c->fd, .events = POLLIN };

			ret = poll(&p, 1, timeout_ms);
			if (ret < 0 && errno == EINTR)
				continue;
			if (ret == 0)
				return -ETIMEDOUT;
		}
		n = read(c->fd, dst, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		ret = store_rx_commit(&c->rx, (uint32_t)n);
		if (ret < 0)
			return -EPROTO;
		if (ret == 1)
			return 0;
	}
}

static int keep_event(struct store_client *c)
{
	uint32_t len = c->rx.hdr.len;
	struct store_event *e = malloc(sizeof(*e) + len + 1);

	if (!e)
		return -ENOMEM;
	memcpy(e->data, store_rx_payload(&c->rx), len + 1);
	e->len = len;
	e->next = NULL;
	*c->events_tail = e;
	c->events_tail = &e->next;
	return 0;
}

int store_client_request(struct store_client *c, uint32_t type, uint32_t tx_id,
			 const void *const *parts, const uint32_t *lens,
			 unsigned int n, char **reply, uint32_t *reply_len)
{
	uint8_t buf[PT_STORE_HDR_SIZE + PT_STORE_PAYLOAD_MAX];
	uint32_t req_id = c->next_req++;
	struct store_buf b;
	unsigned int i;
	int len, ret;

	store_msg_begin(&b, buf, sizeof(buf), type, req_id, tx_id);
	for (i = 0; i < n; i++)
		store_msg_put(&b, parts[i], lens[i]);
	len = store_msg_end(&b);
	if (len < 0)
		return -E2BIG;
	ret = send_all(c->fd, buf, (size_t)len);
	if (ret)
		return ret;
	for (;;) {
		const struct pt_store_msg_hdr *h = &c->rx.hdr;

		ret = recv_msg(c, -1);
		if (ret)
			return ret;
		if (h->type == PT_STORE_OP_WATCH_EVENT) {
			ret = keep_event(c);
			store_rx_reset(&c->rx);
			if (ret)
				return ret;
			continue;
		}
		if (h->req_id == req_id)
			break;
		store_rx_reset(&c->rx);
	}
	if (c->rx.hdr.type == PT_STORE_OP_ERROR) {
		ret = -store_err_from_name(
			(const char *)store_rx_payload(&c->rx), c->rx.hdr.len);
		store_rx_reset(&c->rx);
		return ret;
	}
	if (c->rx.hdr.type != type) {
		store_rx_reset(&c->rx);
		return -EPROTO;
	}
	if (reply) {
		*reply = malloc(c->rx.hdr.len + 1);
		if (!*reply) {
			store_rx_reset(&c->rx);
			return -ENOMEM;
		}
		memcpy(*reply, store_rx_payload(&c->rx), c->rx.hdr.len + 1);
	}
	if (reply_len)
		*reply_len = c->rx.hdr.len;
	store_rx_reset(&c->rx);
	return 0;
}

static int req_str(struct store_client *c, uint32_t type, uint32_t tx,
		   const char *s, char **reply, uint32_t *len)
{
	const void *parts[1] = { s };
	uint32_t lens[1] = { (uint32_t)strlen(s) + 1 };

	return store_client_request(c, type, tx, parts, lens, 1, reply, len);
}

int store_client_read(struct store_client *c, uint32_t tx, const char *path,
		      char **value, uint32_t *len)
{
	return req_str(c, PT_STORE_OP_READ, tx, path, value, len);
}

int store_client_write(struct store_client *c, uint32_t tx, const char *path,
		       const void *value, uint32_t len)
{
	const void *parts[2] = { path, value };
	uint32_t lens[2] = { (uint32_t)strlen(path) + 1, len };

	return store_client_request(c, PT_STORE_OP_WRITE, tx, parts, lens, 2,
				    NULL, NULL);
}

int store_client_mkdir(struct store_client *c, uint32_t tx, const char *path)
{
	return req_str(c, PT_STORE_OP_MKDIR, tx, path, NULL, NULL);
}

int store_client_rm(struct store_client *c, uint32_t tx, const char *path)
{
	return req_str(c, PT_STORE_OP_RM, tx, path, NULL, NULL);
}

int store_client_directory(struct store_client *c, uint32_t tx,
			   const char *path, char **names, uint32_t *len)
{
	return req_str(c, PT_STORE_OP_DIRECTORY, tx, path, names, len);
}

int store_client_get_perms(struct store_client *c, uint32_t tx,
			   const char *path, char **perms, uint32_t *len)
{
	return req_str(c, PT_STORE_OP_GET_PERMS, tx, path, perms, len);
}

int store_client_set_perms(struct store_client *c, uint32_t tx,
			   const char *path, const char *const *perms,
			   unsigned int n)
{
	const void *parts[64];
	uint32_t lens[64];
	unsigned int i;

	if (n == 0 || n > 63)
		return -EINVAL;
	parts[0] = path;
	lens[0] = (uint32_t)strlen(path) + 1;
	for (i = 0; i < n; i++) {
		parts[i + 1] = perms[i];
		lens[i + 1] = (uint32_t)strlen(perms[i]) + 1;
	}
	return store_client_request(c, PT_STORE_OP_SET_PERMS, tx, parts, lens,
				    n + 1, NULL, NULL);
}

int store_client_txn_start(struct store_client *c, uint32_t *tx)
{
	char *id;
	int ret = req_str(c, PT_STORE_OP_TRANSACTION_START, 0, "", &id, NULL);

	if (ret)
		return ret;
	ret = store_parse_u32(id, tx) ? -EPROTO : 0;
	free(id);
	return ret;
}

int store_client_txn_end(struct store_client *c, uint32_t tx, int commit)
{
	return req_str(c, PT_STORE_OP_TRANSACTION_END, tx,
		       commit ? PT_STORE_TXN_COMMIT : PT_STORE_TXN_ABORT, NULL,
		       NULL);
}

static int watch_req(struct store_client *c, uint32_t type, const char *path,
		     const char *token)
{
	const void *parts[2] = { path, token };
	uint32_t lens[2] = { (uint32_t)strlen(path) + 1,
			     (uint32_t)strlen(token) + 1 };

	return store_client_request(c, type, 0, parts, lens, 2, NULL, NULL);
}

int store_client_watch(struct store_client *c, const char *path,
		       const char *token)
{
	return watch_req(c, PT_STORE_OP_WATCH, path, token);
}

int store_client_unwatch(struct store_client *c, const char *path,
			 const char *token)
{
	return watch_req(c, PT_STORE_OP_UNWATCH, path, token);
}

int store_client_read_watch(struct store_client *c, char **path, char **token,
			    int timeout_ms)
{
	struct store_event *e;
	int ret;

	while (!c->events) {
		ret = recv_msg(c, timeout_ms);
		if (ret)
			return ret;
		if (c->rx.hdr.type == PT_STORE_OP_WATCH_EVENT)
			ret = keep_event(c);
		store_rx_reset(&c->rx);
		if (ret)
			return ret;
	}
	e = c->events;
	c->events = e->next;
	if (!c->events)
		c->events_tail = &c->events;
	if (store_args_count((const uint8_t *)e->data, e->len) < 2) {
		free(e);
		return -EPROTO;
	}
	/* Hand out the event's own block: the path is at its start. */
	memmove(e, e->data, e->len + 1);
	*path = (char *)e;
	*token = *path + strlen(*path) + 1;
	return 0;
}
