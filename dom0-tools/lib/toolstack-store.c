// SPDX-License-Identifier: GPL-2.0-only
/* A guest's home and device directories in the store, and its INTRODUCE. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <partita/store-ring.h>
#include <partita/store-wire.h>
#include <partita/virtio-blk.h>
#include <partita/xenbus.h>

#include "store-client.h"
#include "toolstack-internal.h"
#include "toolstack-store.h"

const char *ts_store_socket(void)
{
	const char *env = getenv("XENSTORED_PATH");

	return env ? env : STORE_CLIENT_DEFAULT_SOCKET;
}

struct store_client *ts_store_open(const char *path, int *errnum)
{
	struct store_client *c = store_client_open(path);

	if (!c)
		*errnum = errno;
	return c;
}

void ts_frontend_path(char *buf, size_t size, uint32_t id, const char *type,
		      unsigned int number)
{
	snprintf(buf, size, "/local/domain/%" PRIu32 "/device/%s/%u", id, type,
		 number);
}

void ts_backend_path(char *buf, size_t size, uint32_t id, const char *type,
		     unsigned int number)
{
	snprintf(buf, size, "/local/domain/0/backend/%s/%" PRIu32 "/%u", type,
		 id, number);
}

/* Explicit permissions on every node, so nothing depends on inheritance. */
void ts_put(struct ts_txn *t, const char *path, const char *value,
	    uint32_t owner, uint32_t reader)
{
	char own[16], rd[16];
	const char *perms[2] = { own, rd };
	int err;

	if (t->err)
		return;
	if (value)
		err = store_client_write(t->c, t->tx, path, value,
					 (uint32_t)strlen(value));
	else
		err = store_client_mkdir(t->c, t->tx, path);
	snprintf(own, sizeof(own), "n%" PRIu32, owner);
	snprintf(rd, sizeof(rd), "r%" PRIu32, reader);
	if (!err)
		err = store_client_set_perms(t->c, t->tx, path, perms,
					     reader == owner ? 1 : 2);
	if (err) {
		t->err = err;
		snprintf(t->path, sizeof(t->path), "%s", path);
	}
}

void ts_putf(struct ts_txn *t, const char *path, uint32_t owner,
	     uint32_t reader, const char *fmt, ...)
{
	char value[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	ts_put(t, path, value, owner, reader);
}

int ts_rm_quiet(struct store_client *c, uint32_t tx, const char *path)
{
	int err = store_client_rm(c, tx, path);

	return err == -ENOENT ? 0 : err;
}

/* /local/domain/0/backend/<every type>/<id>: whatever names the guest. */
static int rm_backends(struct store_client *c, uint32_t tx, uint32_t id)
{
	char path[128];
	char *names = NULL;
	uint32_t len = 0;
	int err;

	err = store_client_directory(c, tx, "/local/domain/0/backend", &names,
				     &len);
	if (err == -ENOENT)
		return 0;
	for (uint32_t off = 0; !err && off < len;
	     off += (uint32_t)strlen(names + off) + 1) {
		snprintf(path, sizeof(path),
			 "/local/domain/0/backend/%s/%" PRIu32, names + off,
			 id);
		err = ts_rm_quiet(c, tx, path);
	}
	free(names);
	return err;
}

void ts_put_device(struct ts_txn *t, uint32_t id, const struct ts_device *d)
{
	char fe[128], be[128], path[192];

	ts_frontend_path(fe, sizeof(fe), id, d->type, d->number);
	ts_backend_path(be, sizeof(be), id, d->type, d->number);

	/* device/<type>: the guest reads it, the root owns it. */
	snprintf(path, sizeof(path), "/local/domain/%" PRIu32 "/device/%s", id,
		 d->type);
	ts_put(t, path, NULL, 0, id);
	/* The front-end directory is the guest's; the root reads it. */
	ts_put(t, fe, NULL, id, 0);
	snprintf(path, sizeof(path), "%s/" PT_XENBUS_KEY_BACKEND, fe);
	ts_put(t, path, be, id, 0);
	snprintf(path, sizeof(path), "%s/" PT_XENBUS_KEY_BACKEND_ID, fe);
	ts_put(t, path, "0", id, 0);
	snprintf(path, sizeof(path), "%s/" PT_XENBUS_KEY_STATE, fe);
	ts_putf(t, path, id, 0, "%u", PT_XENBUS_STATE_INITIALISING);

	/* The back-end directory and its parent: the root's, guest reads. */
	snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%" PRIu32,
		 d->type, id);
	ts_put(t, path, NULL, 0, id);
	ts_put(t, be, NULL, 0, id);
	snprintf(path, sizeof(path), "%s/" PT_XENBUS_KEY_FRONTEND, be);
	ts_put(t, path, fe, 0, id);
	snprintf(path, sizeof(path), "%s/" PT_XENBUS_KEY_FRONTEND_ID, be);
	ts_putf(t, path, 0, id, "%" PRIu32, id);
	for (unsigned int i = 0; i < d->key_count; i++) {
		snprintf(path, sizeof(path), "%s/%s", be, d->keys[i].name);
		ts_put(t, path, d->keys[i].value, 0, id);
	}
	snprintf(path, sizeof(path), "%s/" PT_XENBUS_KEY_ONLINE, be);
	ts_put(t, path, "1", 0, id);
	snprintf(path, sizeof(path), "%s/" PT_XENBUS_KEY_STATE, be);
	ts_putf(t, path, 0, id, "%u", PT_XENBUS_STATE_INITIALISING);
}

static void put_home(struct ts_txn *t, const struct ts_guest *g)
{
	char home[64], path[96];
	uint32_t id = g->id;

	snprintf(home, sizeof(home), "/local/domain/%" PRIu32, id);
	ts_put(t, home, NULL, 0, id);
	snprintf(path, sizeof(path), "%s/name", home);
	ts_put(t, path, g->name, 0, id);
	snprintf(path, sizeof(path), "%s/domid", home);
	ts_putf(t, path, 0, id, "%" PRIu32, id);
	snprintf(path, sizeof(path), "%s/memory", home);
	ts_put(t, path, NULL, 0, id);
	snprintf(path, sizeof(path), "%s/memory/target", home);
	ts_putf(t, path, 0, id, "%" PRIu64, g->memory_bytes / 1024);
	snprintf(path, sizeof(path), "%s/vcpus", home);
	ts_putf(t, path, 0, id, "%" PRIu32, g->vcpus);
	snprintf(path, sizeof(path), "%s/data", home);
	ts_put(t, path, NULL, id, id);
	snprintf(path, sizeof(path), "%s/device", home);
	ts_put(t, path, NULL, 0, id);
	for (unsigned int i = 0; i < g->device_count; i++)
		ts_put_device(t, id, &g->devices[i]);
	if (g->config_path) {
		/* The root's alone: the guest need not know our files. */
		snprintf(path, sizeof(path), TS_TOOLSTACK_DIR "/%" PRIu32, id);
		ts_put(t, path, NULL, 0, 0);
		snprintf(path, sizeof(path),
			 TS_TOOLSTACK_DIR "/%" PRIu32 "/config", id);
		ts_put(t, path, g->config_path, 0, 0);
	}
}

static int write_once(struct store_client *c, const struct ts_guest *g,
		      struct ts_txn *t)
{
	int err;

	memset(t, 0, sizeof(*t));
	t->c = c;
	err = store_client_txn_start(c, &t->tx);
	if (err) {
		snprintf(t->path, sizeof(t->path), "a transaction");
		return err;
	}
	put_home(t, g);
	if (t->err) {
		store_client_txn_end(c, t->tx, 0);
		return t->err;
	}
	err = store_client_txn_end(c, t->tx, 1);
	if (err && err != -EAGAIN)
		snprintf(t->path, sizeof(t->path),
			 "/local/domain/%" PRIu32 " (commit)", g->id);
	return err;
}

int ts_write_home(struct store_client *c, const struct ts_guest *g, char *err,
		  size_t err_size)
{
	struct ts_txn t = { 0 };
	int ret;

	/*
	 * What an earlier guest of this id left goes first, outside the
	 * transaction: partita-stored's transactions record a node's first
	 * look after the transaction's own rm of its parent as "absent",
	 * so removing a subtree and writing into it again in one
	 * transaction always conflicts. Nothing new is visible before the
	 * commit either way.
	 */
	ret = ts_remove_home(c, g->id);
	if (ret) {
		snprintf(t.path, sizeof(t.path),
			 "/local/domain/%" PRIu32 " (removing what was there)",
			 g->id);
	} else {
		ret = -EAGAIN;
		for (int i = 0; i < TS_TXN_TRIES && ret == -EAGAIN; i++)
			ret = write_once(c, g, &t);
	}
	if (ret == -EAGAIN)
		snprintf(err, err_size,
			 "the store kept changing under the home of %s (%d "
			 "transactions conflicted); try again",
			 g->name, TS_TXN_TRIES);
	else if (ret)
		snprintf(err, err_size,
			 "the store refused to write %s's home at %s: %s",
			 g->name, t.path, strerror(-ret));
	return ret;
}

int ts_remove_home(struct store_client *c, uint32_t id)
{
	char home[64];
	int err;

	snprintf(home, sizeof(home), "/local/domain/%" PRIu32, id);
	err = ts_rm_quiet(c, 0, home);
	if (!err) {
		snprintf(home, sizeof(home), TS_TOOLSTACK_DIR "/%" PRIu32, id);
		err = ts_rm_quiet(c, 0, home);
	}
	if (!err)
		err = rm_backends(c, 0, id);
	return err;
}

int ts_read_config_path(struct store_client *c, uint32_t id, char **path)
{
	char key[96];
	uint32_t len;

	*path = NULL;
	snprintf(key, sizeof(key), TS_TOOLSTACK_DIR "/%" PRIu32 "/config", id);
	return store_client_read(c, 0, key, path, &len);
}

int ts_introduce(struct store_client *c, uint32_t id, char *err,
		 size_t err_size)
{
	char domid[16], ref[16], port[16];
	const void *parts[3] = { domid, ref, port };
	uint32_t lens[3];
	int ret;

	lens[0] = (uint32_t)snprintf(domid, sizeof(domid), "%" PRIu32, id) + 1;
	lens[1] =
		(uint32_t)snprintf(ref, sizeof(ref), "%u", PT_STORE_GRANT_REF) +
		1;
	lens[2] =
		(uint32_t)snprintf(port, sizeof(port), "%u", PT_STORE_PORT) + 1;
	ret = store_client_request(c, PT_STORE_OP_INTRODUCE, 0, parts, lens, 3,
				   NULL, NULL);
	if (ret)
		snprintf(err, err_size,
			 "the store refused to introduce partition %" PRIu32
			 " (grant ref %u, port %u): %s",
			 id, PT_STORE_GRANT_REF, PT_STORE_PORT, strerror(-ret));
	return ret;
}

int ts_is_introduced(struct store_client *c, uint32_t id, int *yes)
{
	char domid[16];
	const void *parts[1] = { domid };
	uint32_t lens[1];
	char *reply = NULL;
	int ret;

	lens[0] = (uint32_t)snprintf(domid, sizeof(domid), "%" PRIu32, id) + 1;
	ret = store_client_request(c, PT_STORE_OP_IS_DOMAIN_INTRODUCED, 0,
				   parts, lens, 1, &reply, NULL);
	if (!ret)
		*yes = reply[0] == 'T';
	free(reply);
	return ret;
}
