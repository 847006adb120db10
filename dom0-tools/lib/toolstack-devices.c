// SPDX-License-Identifier: GPL-2.0-only
/* A guest's devices as the store has them: directories, states, counters. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <partita/virtio-blk.h>
#include <partita/virtio-net.h>
#include <partita/xenbus.h>

#include "store-client.h"
#include "toolstack-devices.h"
#include "toolstack-store.h"

/* Nesting followed under stats/ ("rx/bytes"), so a loop cannot run away. */
#define TS_STATS_DEPTH 3
#define TS_STATS_MAX 64

/* The children of path as a NUL-separated list; ENOENT gives none. */
static int children(struct store_client *c, const char *path, char **names,
		    uint32_t *len)
{
	int err = store_client_directory(c, 0, path, names, len);

	if (err == -ENOENT) {
		*names = NULL;
		*len = 0;
		return 0;
	}
	return err;
}

#define for_each_name(p, names, len)                                  \
	for (const char *p = (names); (names) && p < (names) + (len); \
	     p += strlen(p) + 1)

/* A value, or NULL when the node is not there. */
static int read_opt(struct store_client *c, const char *path, char **value)
{
	int err = store_client_read(c, 0, path, value, NULL);

	if (err == -ENOENT) {
		*value = NULL;
		return 0;
	}
	return err;
}

static int read_state(struct store_client *c, const char *dir, int *state)
{
	char path[256], *v = NULL, *end;
	long s;
	int err;

	snprintf(path, sizeof(path), "%s/" PT_XENBUS_KEY_STATE, dir);
	err = read_opt(c, path, &v);
	*state = -1;
	if (!err && v) {
		s = strtol(v, &end, 10);
		if (end != v && !*end && s >= 0 && s < 1000)
			*state = (int)s;
	}
	free(v);
	return err;
}

static struct ts_dev_info *find_or_add(struct ts_dev_info **devs,
				       unsigned int *n, const char *type,
				       unsigned int number)
{
	struct ts_dev_info *d;

	for (unsigned int i = 0; i < *n; i++)
		if ((*devs)[i].number == number &&
		    !strcmp((*devs)[i].type, type))
			return &(*devs)[i];
	d = realloc(*devs, (*n + 1) * sizeof(**devs));
	if (!d)
		return NULL;
	*devs = d;
	d = &d[(*n)++];
	memset(d, 0, sizeof(*d));
	snprintf(d->type, sizeof(d->type), "%s", type);
	d->number = number;
	d->frontend_state = d->backend_state = -1;
	return d;
}

static int parse_number(const char *s, unsigned int *n)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end || v > 65535)
		return -1;
	*n = (unsigned int)v;
	return 0;
}

/*
 * Walks dir/<type>/<n> (the front-ends under device/, or the back-ends,
 * where the guest id sits between type and number) and adds each device.
 */
static int scan(struct store_client *c, uint32_t id, int backend,
		struct ts_dev_info **devs, unsigned int *n)
{
	char dir[128], path[256];
	char *types = NULL, *nums = NULL;
	uint32_t tlen, nlen;
	unsigned int number;
	int err;

	if (backend)
		snprintf(dir, sizeof(dir), "/local/domain/0/backend");
	else
		snprintf(dir, sizeof(dir), "/local/domain/%" PRIu32 "/device",
			 id);
	err = children(c, dir, &types, &tlen);
	for_each_name(type, types, tlen)
	{
		if (err)
			break;
		if (backend)
			snprintf(path, sizeof(path), "%s/%s/%" PRIu32, dir,
				 type, id);
		else
			snprintf(path, sizeof(path), "%s/%s", dir, type);
		err = children(c, path, &nums, &nlen);
		for_each_name(num, nums, nlen)
		{
			struct ts_dev_info *d;

			if (err || parse_number(num, &number) ||
			    strlen(type) >= sizeof(d->type))
				continue;
			d = find_or_add(devs, n, type, number);
			if (!d) {
				err = -ENOMEM;
				break;
			}
			if (backend)
				d->has_backend = 1;
			else
				d->has_frontend = 1;
		}
		free(nums);
		nums = NULL;
	}
	free(types);
	return err;
}

static int add_stat(struct ts_dev_info *d, const char *key, char *value)
{
	struct ts_stat *s;

	if (d->stat_count >= TS_STATS_MAX) {
		free(value);
		return 0;
	}
	s = realloc(d->stats, (d->stat_count + 1) * sizeof(*s));
	if (!s) {
		free(value);
		return -ENOMEM;
	}
	d->stats = s;
	s[d->stat_count].key = strdup(key);
	s[d->stat_count].value = value;
	if (!s[d->stat_count].key)
		return -ENOMEM;
	d->stat_count++;
	return 0;
}

/* Every key under base/rel, values of inner nodes included if not empty. */
static int read_stats(struct store_client *c, struct ts_dev_info *d,
		      const char *base, const char *rel, int depth)
{
	char path[512], key[256];
	char *names = NULL, *value;
	uint32_t len;
	int err;

	snprintf(path, sizeof(path), "%s%s%s", base, *rel ? "/" : "", rel);
	err = children(c, path, &names, &len);
	for_each_name(name, names, len)
	{
		if (err)
			break;
		snprintf(key, sizeof(key), "%s%s%s", rel, *rel ? "/" : "",
			 name);
		snprintf(path, sizeof(path), "%s/%s", base, key);
		err = read_opt(c, path, &value);
		if (err)
			break;
		if (value && *value)
			err = add_stat(d, key, value);
		else
			free(value);
		if (!err && depth + 1 < TS_STATS_DEPTH)
			err = read_stats(c, d, base, key, depth + 1);
	}
	free(names);
	return err;
}

static int fill(struct store_client *c, uint32_t id, struct ts_dev_info *d)
{
	const struct {
		const char *key;
		char **value;
	} keys[] = {
		{ "tty", &d->tty },
		{ PT_XENBUS_KEY_BROKEN, &d->broken },
		{ PT_XENBUS_KEY_ONLINE, &d->online },
		{ PT_BLK_KEY_PARAMS, &d->params },
		{ PT_BLK_KEY_MODE, &d->mode },
		{ PT_BLK_KEY_CACHE, &d->cache },
		{ PT_NET_KEY_MAC, &d->mac },
		{ PT_NET_KEY_TAP, &d->tap },
		{ PT_NET_KEY_BRIDGE, &d->bridge },
	};
	char fe[128], be[128], path[192];
	int err;

	ts_frontend_path(fe, sizeof(fe), id, d->type, d->number);
	ts_backend_path(be, sizeof(be), id, d->type, d->number);
	err = read_state(c, fe, &d->frontend_state);
	if (!err)
		err = read_state(c, be, &d->backend_state);
	for (size_t i = 0; !err && i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", be, keys[i].key);
		err = read_opt(c, path, keys[i].value);
	}
	snprintf(path, sizeof(path), "%s/stats", be);
	if (!err && d->has_backend)
		err = read_stats(c, d, path, "", 0);
	return err;
}

static int by_type_number(const void *a, const void *b)
{
	const struct ts_dev_info *x = a, *y = b;
	int t = strcmp(x->type, y->type);

	if (t)
		return t;
	return x->number < y->number ? -1 : x->number > y->number;
}

int ts_list_devices(struct store_client *c, uint32_t id,
		    struct ts_dev_info **out, unsigned int *n)
{
	struct ts_dev_info *devs = NULL;
	unsigned int count = 0;
	int err;

	err = scan(c, id, 0, &devs, &count);
	if (!err)
		err = scan(c, id, 1, &devs, &count);
	for (unsigned int i = 0; !err && i < count; i++)
		err = fill(c, id, &devs[i]);
	if (err) {
		ts_free_devices(devs, count);
		return err;
	}
	if (count)
		qsort(devs, count, sizeof(*devs), by_type_number);
	*out = devs;
	*n = count;
	return 0;
}

void ts_clear_device(struct ts_dev_info *d)
{
	char **strings[] = { &d->tty,	 &d->broken, &d->online,
			     &d->params, &d->mode,   &d->cache,
			     &d->mac,	 &d->tap,    &d->bridge };

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
	for (unsigned int s = 0; s < d->stat_count; s++) {
		free(d->stats[s].key);
		free(d->stats[s].value);
	}
	free(d->stats);
	d->stats = NULL;
	d->stat_count = 0;
}

void ts_free_devices(struct ts_dev_info *devs, unsigned int n)
{
	for (unsigned int i = 0; devs && i < n; i++)
		ts_clear_device(&devs[i]);
	free(devs);
}

/* 1 when path is a node, 0 when it is not, or a negative errno. */
static int exists(struct store_client *c, const char *path)
{
	char *v = NULL;
	int err = store_client_read(c, 0, path, &v, NULL);

	free(v);
	if (err == -ENOENT)
		return 0;
	return err ? err : 1;
}

int ts_read_device(struct store_client *c, uint32_t id, const char *type,
		   unsigned int number, struct ts_dev_info *d)
{
	char fe[128], be[128];
	int err;

	memset(d, 0, sizeof(*d));
	if (strlen(type) >= sizeof(d->type))
		return -ENOENT;
	snprintf(d->type, sizeof(d->type), "%s", type);
	d->number = number;
	d->frontend_state = d->backend_state = -1;
	ts_frontend_path(fe, sizeof(fe), id, type, number);
	ts_backend_path(be, sizeof(be), id, type, number);
	err = exists(c, fe);
	if (err < 0)
		return err;
	d->has_frontend = err;
	err = exists(c, be);
	if (err < 0)
		return err;
	d->has_backend = err;
	if (!d->has_frontend && !d->has_backend)
		return -ENOENT;
	err = fill(c, id, d);
	if (err)
		ts_clear_device(d);
	return err;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ts_console_tty(struct store_client *c, uint32_t id, unsigned int number,
		   int wait_ms, char **tty)
{
	long long deadline = now_ms() + wait_ms;
	char be[128], path[160], *value = NULL;
	const char *token = "partita-console-tty";
	int err, watching = 0;

	ts_backend_path(be, sizeof(be), id, PT_XENBUS_TYPE_CONSOLE, number);
	snprintf(path, sizeof(path), "%s/tty", be);
	for (;;) {
		char *ev_path, *ev_token;
		long long left;

		/* No back-end directory at all: no console to wait for. */
		err = store_client_read(c, 0, be, &value, NULL);
		free(value);
		value = NULL;
		if (err == -ENOENT) {
			err = -ENODEV;
			break;
		}
		if (err)
			break;
		err = read_opt(c, path, &value);
		if (err || (value && *value))
			break;
		free(value);
		value = NULL;
		left = deadline - now_ms();
		if (left <= 0) {
			err = -ETIMEDOUT;
			break;
		}
		/* Woken by the back-end writing tty, not by polling. */
		if (!watching) {
			err = store_client_watch(c, path, token);
			if (err)
				break;
			watching = 1;
		}
		err = store_client_read_watch(c, &ev_path, &ev_token,
					      (int)left);
		if (!err)
			free(ev_path);
		else if (err != -ETIMEDOUT)
			break;
	}
	if (watching)
		store_client_unwatch(c, path, token);
	if (err) {
		free(value);
		return err;
	}
	*tty = value;
	return 0;
}
