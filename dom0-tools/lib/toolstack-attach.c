// SPDX-License-Identifier: GPL-2.0-only
/* Hot attach of a disk and detach of a device, through the store. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <partita/virtio-blk.h>
#include <partita/xenbus.h>

#include "store-client.h"
#include "toolstack-attach.h"
#include "toolstack-internal.h"

#define BACKEND_BLOCK "/local/domain/0/backend/" PT_XENBUS_TYPE_BLOCK

/* The children of path; ENOENT gives none. */
static int children(struct store_client *c, uint32_t tx, const char *path,
		    char **names, uint32_t *len)
{
	int err = store_client_directory(c, tx, path, names, len);

	if (err == -ENOENT) {
		*names = NULL;
		*len = 0;
		return 0;
	}
	return err;
}

/* A decimal device number or guest id, nothing else. */
static int parse_number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoul(s, &end, 10);
	return *end || *v > max ? -1 : 0;
}

/* Checks back-end block/<guest>/<num> against the image asked for. */
static int check_one(struct store_client *c, uint32_t tx, uint32_t id,
		     uint32_t guest, unsigned int num, const char *params,
		     int readonly, struct ts_disk_user *user)
{
	char path[160], *value = NULL, *mode = NULL;
	int err, writable;

	snprintf(path, sizeof(path), BACKEND_BLOCK "/%" PRIu32 "/%u/%s", guest,
		 num, PT_BLK_KEY_PARAMS);
	err = store_client_read(c, tx, path, &value, NULL);
	if (err == -ENOENT)
		return 0;
	if (err || strcmp(value, params)) {
		free(value);
		return err;
	}
	free(value);
	snprintf(path, sizeof(path), BACKEND_BLOCK "/%" PRIu32 "/%u/%s", guest,
		 num, PT_BLK_KEY_MODE);
	err = store_client_read(c, tx, path, &mode, NULL);
	if (err && err != -ENOENT)
		return err;
	/* No mode is read-write: the back-end's own default. */
	writable = err || strcmp(mode, "r") != 0;
	free(mode);
	user->id = guest;
	user->number = num;
	user->writable = writable;
	if (guest == id)
		return -EEXIST;
	return writable || !readonly ? -EBUSY : 0;
}

int ts_disk_in_use(struct store_client *c, uint32_t tx, uint32_t id,
		   const char *params, int readonly, struct ts_disk_user *user)
{
	char path[128], *guests = NULL, *nums = NULL;
	uint32_t glen, nlen;
	unsigned long guest, num;
	int err = children(c, tx, BACKEND_BLOCK, &guests, &glen);

	for (const char *g = guests; !err && g && g < guests + glen;
	     g += strlen(g) + 1) {
		if (parse_number(g, UINT32_MAX, &guest))
			continue;
		snprintf(path, sizeof(path), BACKEND_BLOCK "/%s", g);
		err = children(c, tx, path, &nums, &nlen);
		for (const char *n = nums; !err && n && n < nums + nlen;
		     n += strlen(n) + 1) {
			if (parse_number(n, 65535, &num))
				continue;
			err = check_one(c, tx, id, (uint32_t)guest,
					(unsigned int)num, params, readonly,
					user);
		}
		free(nums);
		nums = NULL;
	}
	free(guests);
	return err;
}

/* Marks the numbers used under dir in used[]. */
static int mark_used(struct store_client *c, uint32_t tx, const char *dir,
		     unsigned char used[TS_BLOCK_DEVICES_MAX])
{
	char *names = NULL;
	uint32_t len;
	unsigned long n;
	int err = children(c, tx, dir, &names, &len);

	for (const char *p = names; !err && p && p < names + len;
	     p += strlen(p) + 1)
		if (!parse_number(p, TS_BLOCK_DEVICES_MAX - 1, &n))
			used[n] = 1;
	free(names);
	return err;
}

/* The lowest number free in both the front-end and back-end folders. */
static int free_number(struct store_client *c, uint32_t tx, uint32_t id,
		       unsigned int *number)
{
	unsigned char used[TS_BLOCK_DEVICES_MAX] = { 0 };
	char dir[128];
	int err;

	snprintf(dir, sizeof(dir),
		 "/local/domain/%" PRIu32 "/device/" PT_XENBUS_TYPE_BLOCK, id);
	err = mark_used(c, tx, dir, used);
	snprintf(dir, sizeof(dir), BACKEND_BLOCK "/%" PRIu32, id);
	if (!err)
		err = mark_used(c, tx, dir, used);
	if (err)
		return err;
	for (unsigned int i = 0; i < TS_BLOCK_DEVICES_MAX; i++) {
		if (!used[i]) {
			*number = i;
			return 0;
		}
	}
	return -ENOSPC;
}

static int attach_once(struct store_client *c, uint32_t id,
		       const struct ts_disk *disk, unsigned int *number,
		       struct ts_disk_user *user)
{
	const struct ts_key keys[] = {
		{ PT_BLK_KEY_PARAMS, disk->params },
		{ PT_BLK_KEY_MODE, disk->readonly ? "r" : "w" },
		{ PT_BLK_KEY_CACHE, disk->cache },
	};
	struct ts_device dev = { PT_XENBUS_TYPE_BLOCK, 0, keys, 3 };
	struct ts_txn t = { .c = c };
	char home[64], *value = NULL;
	int err = store_client_txn_start(c, &t.tx);

	if (err)
		return err;
	/* Only a guest with a home has a front-end to pick the disk up. */
	snprintf(home, sizeof(home), "/local/domain/%" PRIu32, id);
	err = store_client_read(c, t.tx, home, &value, NULL);
	free(value);
	if (!err)
		err = ts_disk_in_use(c, t.tx, id, disk->params, disk->readonly,
				     user);
	if (!err)
		err = free_number(c, t.tx, id, &dev.number);
	if (!err) {
		ts_put_device(&t, id, &dev);
		err = t.err;
	}
	if (err) {
		store_client_txn_end(c, t.tx, 0);
		return err;
	}
	err = store_client_txn_end(c, t.tx, 1);
	if (!err)
		*number = dev.number;
	return err;
}

int ts_attach_disk(struct store_client *c, uint32_t id,
		   const struct ts_disk *disk, unsigned int *number,
		   struct ts_disk_user *user)
{
	int err = -EAGAIN;

	for (int i = 0; i < TS_TXN_TRIES && err == -EAGAIN; i++)
		err = attach_once(c, id, disk, number, user);
	return err;
}

static int close_once(struct store_client *c, uint32_t id, const char *type,
		      unsigned int number)
{
	struct ts_txn t = { .c = c };
	char be[128], path[160], *value = NULL;
	int err = store_client_txn_start(c, &t.tx);

	if (err)
		return err;
	ts_backend_path(be, sizeof(be), id, type, number);
	/* A write below a gone directory would make it again: look first. */
	err = store_client_read(c, t.tx, be, &value, NULL);
	free(value);
	if (!err) {
		snprintf(path, sizeof(path), "%s/" PT_XENBUS_KEY_ONLINE, be);
		ts_put(&t, path, "0", 0, id);
		err = t.err;
	}
	if (err) {
		store_client_txn_end(c, t.tx, 0);
		return err;
	}
	return store_client_txn_end(c, t.tx, 1);
}

int ts_device_request_close(struct store_client *c, uint32_t id,
			    const char *type, unsigned int number)
{
	int err = -EAGAIN;

	for (int i = 0; i < TS_TXN_TRIES && err == -EAGAIN; i++)
		err = close_once(c, id, type, number);
	return err;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The back-end's state: -1 without a state key, -ENOENT without the dir. */
static int backend_state(struct store_client *c, const char *be, int *state)
{
	char path[160], *value = NULL, *end;
	long s;
	int err = store_client_read(c, 0, be, &value, NULL);

	free(value);
	value = NULL;
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/" PT_XENBUS_KEY_STATE, be);
	err = store_client_read(c, 0, path, &value, NULL);
	*state = -1;
	if (!err) {
		s = strtol(value, &end, 10);
		if (end != value && !*end && s >= 0 && s < 1000)
			*state = (int)s;
	}
	free(value);
	return err == -ENOENT ? 0 : err;
}

int ts_device_wait_closed(struct store_client *c, uint32_t id, const char *type,
			  unsigned int number, int timeout_ms, int *state)
{
	long long deadline = now_ms() + timeout_ms;
	const char *token = "partita-detach";
	char be[128], *ev_path, *ev_token;
	int err, watching = 0;

	ts_backend_path(be, sizeof(be), id, type, number);
	*state = -1;
	for (;;) {
		long long left;

		err = backend_state(c, be, state);
		if (err == -ENOENT) {
			*state = -1;
			err = 0;
			break;
		}
		if (err || *state == PT_XENBUS_STATE_CLOSED)
			break;
		left = deadline - now_ms();
		if (left <= 0) {
			err = -ETIMEDOUT;
			break;
		}
		/* Woken by the back-end's writes or the directory going. */
		if (!watching) {
			err = store_client_watch(c, be, token);
			if (err)
				break;
			watching = 1;
			continue;
		}
		err = store_client_read_watch(c, &ev_path, &ev_token,
					      (int)left);
		if (!err)
			free(ev_path);
		else if (err != -ETIMEDOUT)
			break;
	}
	if (watching)
		store_client_unwatch(c, be, token);
	return err;
}

static int remove_once(struct store_client *c, uint32_t id, const char *type,
		       unsigned int number)
{
	char fe[128], be[128];
	uint32_t tx;
	int err = store_client_txn_start(c, &tx);

	if (err)
		return err;
	ts_frontend_path(fe, sizeof(fe), id, type, number);
	ts_backend_path(be, sizeof(be), id, type, number);
	err = ts_rm_quiet(c, tx, fe);
	if (!err)
		err = ts_rm_quiet(c, tx, be);
	if (err) {
		store_client_txn_end(c, tx, 0);
		return err;
	}
	return store_client_txn_end(c, tx, 1);
}

int ts_device_remove(struct store_client *c, uint32_t id, const char *type,
		     unsigned int number)
{
	int err = -EAGAIN;

	for (int i = 0; i < TS_TXN_TRIES && err == -EAGAIN; i++)
		err = remove_once(c, id, type, number);
	return err;
}
