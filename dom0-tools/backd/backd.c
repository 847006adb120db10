// SPDX-License-Identifier: GPL-2.0-only
/* partita-backd's device registry: discovery from the store, dispatch. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "backd.h"

void backd_init(struct backd *d, const struct backd_ops *ops, FILE *log)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->log = log;
	d->hist_cap = CONSOLE_HIST_DEFAULT;
	d->inflight_max = 32;
}

void backd_log(struct backd *d, const struct backd_dev *dev, const char *fmt,
	       ...)
{
	va_list ap;

	if (!d->log)
		return;
	if (dev)
		fprintf(d->log, "backd: p%u %s/%u: ", dev->domid, dev->type,
			dev->devid);
	else
		fprintf(d->log, "backd: ");
	va_start(ap, fmt);
	vfprintf(d->log, fmt, ap);
	va_end(ap);
	fputc('\n', d->log);
	fflush(d->log);
}

int backd_start(struct backd *d)
{
	int err = d->ops->watch(d->ops->ctx, BACKD_BACKEND_ROOT, "backend");

	if (err)
		backd_log(d, NULL, "cannot watch %s: %s", BACKD_BACKEND_ROOT,
			  strerror(-err));
	return err;
}

/* Strict decimal component of a store path. */
static int parse_id(const char *s, size_t len, uint32_t *out)
{
	char buf[12];

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	return xb_parse_u32(buf, UINT32_MAX, out);
}

static int type_served(const char *type)
{
	return backd_kind_find(type) != NULL;
}

/* Reacts to a device that may be new, changed or gone. */
static void device_event(struct backd *d, const char *type, uint32_t domid,
			 uint32_t devid, int state_or_dir)
{
	struct backd_dev *dev = backd_dev_find(d, type, domid, devid);

	if (!dev) {
		char path[160], *v = NULL;

		/* Wait for the toolstack to have written the state key. */
		snprintf(path, sizeof(path), "%s/%s/%u/%u/%s",
			 BACKD_BACKEND_ROOT, type, domid, devid,
			 PT_XENBUS_KEY_STATE);
		if (d->ops->read(d->ops->ctx, path, &v))
			return;
		free(v);
		dev = backd_dev_add(d, type, domid, devid);
		if (!dev)
			return;
	} else if (!state_or_dir) {
		return; /* our own keys (stats, tty) and the like */
	}
	if (backd_dev_changed(d, dev))
		backd_dev_remove(d, dev);
}

static void scan_list(struct backd *d, const char *path,
		      void (*each)(struct backd *, const char *, void *),
		      void *arg)
{
	char *names = NULL;
	uint32_t len = 0, at = 0;

	if (d->ops->directory(d->ops->ctx, path, &names, &len))
		return;
	while (at < len) {
		const char *name = names + at;
		size_t n = strnlen(name, len - at);

		if (n)
			each(d, name, arg);
		at += (uint32_t)n + 1;
	}
	free(names);
}

struct scan_pos {
	const char *type;
	uint32_t domid;
};

static void scan_devid(struct backd *d, const char *name, void *arg)
{
	struct scan_pos *pos = arg;
	uint32_t devid;

	if (!parse_id(name, strlen(name), &devid))
		device_event(d, pos->type, pos->domid, devid, 1);
}

static void scan_domid(struct backd *d, const char *name, void *arg)
{
	struct scan_pos pos = { arg, 0 };
	char path[128];

	if (parse_id(name, strlen(name), &pos.domid))
		return;
	snprintf(path, sizeof(path), "%s/%s/%s", BACKD_BACKEND_ROOT, pos.type,
		 name);
	scan_list(d, path, scan_devid, &pos);
}

static void scan_type(struct backd *d, const char *name, void *arg)
{
	char path[128];

	(void)arg;
	if (!type_served(name))
		return;
	snprintf(path, sizeof(path), "%s/%s", BACKD_BACKEND_ROOT, name);
	scan_list(d, path, scan_domid, (void *)name);
}

void backd_scan(struct backd *d)
{
	struct backd_dev *dev, *next;

	/* Known devices first: some may have gone while we looked away. */
	for (dev = d->devs; dev; dev = next) {
		next = dev->next;
		if (backd_dev_changed(d, dev))
			backd_dev_remove(d, dev);
	}
	scan_list(d, BACKD_BACKEND_ROOT, scan_type, NULL);
}

void backd_watch_event(struct backd *d, const char *path, const char *token)
{
	size_t rl = strlen(BACKD_BACKEND_ROOT);
	const char *p, *part[4];
	size_t plen[4];
	unsigned int n = 0;
	struct backd_dev *dev;
	uint32_t domid, devid;
	char type[16];

	if (!strcmp(token, "frontend")) {
		for (dev = d->devs; dev; dev = dev->next)
			if (!strcmp(dev->fe_state, path))
				break;
		if (dev && backd_dev_changed(d, dev))
			backd_dev_remove(d, dev);
		return;
	}
	if (strncmp(path, BACKD_BACKEND_ROOT, rl) ||
	    (path[rl] && path[rl] != '/'))
		return;
	/* Split .../backend/<type>/<domid>/<devid>/<key> */
	for (p = path + rl; *p == '/' && n < 4; n++) {
		const char *e = strchr(p + 1, '/');

		part[n] = p + 1;
		plen[n] = e ? (size_t)(e - p - 1) : strlen(p + 1);
		p = e ? e : p + 1 + plen[n];
	}
	if (n < 3) {
		/* The root or a whole guest's directory: look at everything. */
		backd_scan(d);
		return;
	}
	if (plen[0] >= sizeof(type) || parse_id(part[1], plen[1], &domid) ||
	    parse_id(part[2], plen[2], &devid))
		return;
	memcpy(type, part[0], plen[0]);
	type[plen[0]] = 0;
	if (!type_served(type))
		return;
	device_event(d, type, domid, devid,
		     n == 3 || (n == 4 && *p == 0 && plen[3] == 5 &&
				!strncmp(part[3], PT_XENBUS_KEY_STATE, 5)));
}

void backd_port_fired(struct backd *d, uint32_t port)
{
	struct backd_dev *dev;
	int more = 0;

	for (dev = d->devs; dev; dev = dev->next)
		if (dev->attached && dev->port == port) {
			backd_dev_service(d, dev, &more);
			return;
		}
}

int backd_service(struct backd *d)
{
	struct backd_dev *dev;
	int more = 0;

	for (dev = d->devs; dev; dev = dev->next) {
		if (dev->kind->tick)
			dev->kind->tick(d, dev);
		backd_dev_service(d, dev, &more);
		backd_dev_write_stats(d, dev, 0);
	}
	return more;
}

int backd_needs_timer(const struct backd *d)
{
	const struct backd_dev *dev;

	for (dev = d->devs; dev; dev = dev->next) {
		if (dev->kind->needs_timer && dev->kind->needs_timer(dev))
			return 1;
		if (backd_dev_stats_moved(dev))
			return 1;
	}
	return 0;
}

void backd_shutdown(struct backd *d)
{
	d->ops->unwatch(d->ops->ctx, BACKD_BACKEND_ROOT, "backend");
	while (d->devs) {
		struct backd_dev *dev = d->devs;

		/* The counters so far; states stay for the next backd. */
		backd_dev_write_stats(d, dev, 1);
		backd_dev_remove(d, dev);
	}
}
