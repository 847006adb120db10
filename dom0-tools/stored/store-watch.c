// SPDX-License-Identifier: GPL-2.0-only
/* Watches: registration, and events for changes in a watched subtree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "store-core.h"

int store_watch_add(struct store_conn *conn, const char *path, const char *abs,
		    const char *token)
{
	struct store_watch *w;

	for (w = conn->watches; w; w = w->next)
		if (!strcmp(w->abs, abs) && !strcmp(w->token, token))
			return -EEXIST;
	if (!conn->privileged && conn->st->quota.watches &&
	    conn->nwatches >= conn->st->quota.watches)
		return -ENOSPC;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->path = strdup(path);
	w->abs = strdup(abs);
	w->token = strdup(token);
	if (!w->path || !w->abs || !w->token) {
		free(w->path);
		free(w->abs);
		free(w->token);
		free(w);
		return -ENOMEM;
	}
	w->next = conn->watches;
	conn->watches = w;
	conn->nwatches++;
	return 0;
}

static void watch_free(struct store_watch *w)
{
	free(w->path);
	free(w->abs);
	free(w->token);
	free(w);
}

int store_watch_del(struct store_conn *conn, const char *abs, const char *token)
{
	struct store_watch **pp;

	for (pp = &conn->watches; *pp; pp = &(*pp)->next) {
		struct store_watch *w = *pp;

		if (!strcmp(w->abs, abs) && !strcmp(w->token, token)) {
			*pp = w->next;
			watch_free(w);
			conn->nwatches--;
			return 0;
		}
	}
	return -ENOENT;
}

void store_watch_clear(struct store_conn *conn)
{
	while (conn->watches) {
		struct store_watch *w = conn->watches;

		conn->watches = w->next;
		watch_free(w);
	}
	conn->nwatches = 0;
}

/*
 * A watch registered with a relative path reports relative paths, so a
 * guest never needs to know its own home path.
 */
int store_watch_event(struct store_conn *conn, const struct store_watch *w,
		      const char *abs_path)
{
	uint8_t buf[PT_STORE_HDR_SIZE + PT_STORE_PAYLOAD_MAX];
	const char *shown = abs_path;
	struct store_buf b;
	uint32_t limit = conn->st->quota.watch_events;
	int n;

	/*
	 * A guest that does not take its events loses the newest ones
	 * rather than costing the daemon memory; it can re-read the paths.
	 */
	if (!conn->privileged && limit && conn->out_events >= limit) {
		if (!conn->events_dropped++)
			fprintf(stderr,
				"partita-stored: domain %u: watch events "
				"over quota (%u queued), dropping\n",
				conn->domid, limit);
		return 0;
	}
	if (w->path[0] != '/' && w->path[0] != '@') {
		char home[40];
		int hl = store_domain_path(conn->domid, home, sizeof(home));

		if (hl > 0 && !strncmp(abs_path, home, (size_t)hl) &&
		    abs_path[hl] == '/')
			shown = abs_path + hl + 1;
	}
	store_msg_begin(&b, buf, sizeof(buf), PT_STORE_OP_WATCH_EVENT, 0, 0);
	store_msg_put_str(&b, shown);
	store_msg_put_str(&b, w->token);
	n = store_msg_end(&b);
	if (n < 0)
		return n;
	return store_conn_queue_msg(conn, buf, (uint32_t)n, 1);
}

/* May conn's partition see that path changed? */
static int may_see(struct store *st, struct store_conn *conn, const char *path)
{
	char buf[PT_STORE_ABS_PATH_MAX + 1];
	struct store_node *node;
	uint32_t i;

	if (conn->privileged || path[0] == '@')
		return 1;
	strncpy(buf, path, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = 0;
	/* A removed node is judged by its nearest surviving ancestor. */
	while (!(node = store_tree_find(st->root, buf))) {
		char *slash = strrchr(buf, '/');

		if (!slash || slash == buf)
			return 0;
		*slash = 0;
	}
	if (node->perms[0].domid == conn->domid)
		return 1;
	for (i = 1; i < node->nperms; i++)
		if (node->perms[i].domid == conn->domid)
			return !!(node->perms[i].access & STORE_ACCESS_READ);
	return !!(node->perms[0].access & STORE_ACCESS_READ);
}

void store_watch_fire(struct store *st, const char *path, int recursive)
{
	struct store_conn *conn;

	for (conn = st->conns; conn; conn = conn->next) {
		struct store_watch *w;

		if (conn->broken || !may_see(st, conn, path))
			continue;
		for (w = conn->watches; w; w = w->next) {
			if (path[0] == '@' || w->abs[0] == '@') {
				if (!strcmp(path, w->abs))
					store_watch_event(conn, w, w->abs);
			} else if (store_path_is_under(path, w->abs)) {
				store_watch_event(conn, w, path);
			} else if (recursive &&
				   store_path_is_under(w->abs, path)) {
				store_watch_event(conn, w, w->abs);
			}
		}
	}
}
