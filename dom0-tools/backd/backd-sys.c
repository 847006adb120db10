// SPDX-License-Identifier: GPL-2.0-only
/* backd's operations through libpartita-store and libpartita-root. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backd-sys.h"

static int s_read(void *ctx, const char *path, char **value)
{
	struct backd_sys *sys = ctx;

	return store_client_read(sys->store, 0, path, value, NULL);
}

static int s_write(void *ctx, const char *path, const char *value)
{
	struct backd_sys *sys = ctx;

	return store_client_write(sys->store, 0, path, value,
				  (uint32_t)strlen(value));
}

static int s_rm(void *ctx, const char *path)
{
	struct backd_sys *sys = ctx;

	return store_client_rm(sys->store, 0, path);
}

static int s_directory(void *ctx, const char *path, char **names, uint32_t *len)
{
	struct backd_sys *sys = ctx;

	return store_client_directory(sys->store, 0, path, names, len);
}

static int s_watch(void *ctx, const char *path, const char *token)
{
	struct backd_sys *sys = ctx;

	return store_client_watch(sys->store, path, token);
}

static int s_unwatch(void *ctx, const char *path, const char *token)
{
	struct backd_sys *sys = ctx;

	return store_client_unwatch(sys->store, path, token);
}

static int s_map(void *ctx, uint32_t domid, const uint32_t *refs,
		 uint32_t count, struct backd_map *m)
{
	struct backd_sys *sys = ctx;
	struct root_gnt_mapping *g = calloc(1, sizeof(*g));
	int err;

	memset(m, 0, sizeof(*m));
	if (!g)
		return -ENOMEM;
	err = root_gnt_map(&sys->gnt, domid, refs, count, 0, g);
	if (err) {
		snprintf(sys->error, sizeof(sys->error), "%s",
			 root_error(&sys->dev));
		free(g);
		return err;
	}
	m->addr = g->addr;
	m->count = count;
	m->handle = g;
	return 0;
}

static void s_unmap(void *ctx, struct backd_map *m)
{
	struct backd_sys *sys = ctx;
	struct root_gnt_mapping *g = m->handle;

	if (!g)
		return;
	if (root_gnt_unmap(&sys->gnt, g))
		fprintf(stderr, "backd: %s\n", root_error(&sys->dev));
	free(g);
	memset(m, 0, sizeof(*m));
}

static int s_bind(void *ctx, uint32_t domid, uint32_t remote_port,
		  uint32_t *port)
{
	struct backd_sys *sys = ctx;
	int err = root_evtchn_bind_interdomain(&sys->evtchn, domid, remote_port,
					       port);

	if (err)
		snprintf(sys->error, sizeof(sys->error), "%s",
			 root_error(&sys->dev));
	return err;
}

static void s_unbind(void *ctx, uint32_t port)
{
	struct backd_sys *sys = ctx;

	if (root_evtchn_unbind(&sys->evtchn, port))
		fprintf(stderr, "backd: %s\n", root_error(&sys->dev));
}

static int s_notify(void *ctx, uint32_t port)
{
	struct backd_sys *sys = ctx;
	int err = root_evtchn_notify(&sys->evtchn, port);

	/* A guest that ended closes its side: not worth more than a line. */
	if (err)
		fprintf(stderr, "backd: %s\n", root_error(&sys->dev));
	return err;
}

static const char *s_error(void *ctx)
{
	struct backd_sys *sys = ctx;

	return sys->error;
}

int backd_sys_open(struct backd_sys *sys, const char *socket,
		   const char *device)
{
	int err;

	memset(sys, 0, sizeof(*sys));
	sys->gnt.fd = -1;
	sys->evtchn.fd = -1;
	sys->ops = (struct backd_ops){
		.ctx = sys,
		.read = s_read,
		.write = s_write,
		.rm = s_rm,
		.directory = s_directory,
		.watch = s_watch,
		.unwatch = s_unwatch,
		.map = s_map,
		.unmap = s_unmap,
		.bind = s_bind,
		.unbind = s_unbind,
		.notify = s_notify,
		.error = s_error,
	};
	err = root_open(&sys->dev, device);
	if (err)
		goto fail_root;
	err = root_gntdev_open(&sys->dev, &sys->gnt);
	if (!err)
		err = root_evtchn_open(&sys->dev, &sys->evtchn);
	if (err)
		goto fail_root;
	sys->store = store_client_open(socket);
	if (!sys->store) {
		err = -errno;
		sys->store_err = 1;
		snprintf(sys->error, sizeof(sys->error),
			 "cannot connect to the store at %s: %s",
			 socket ? socket : "the default socket",
			 strerror(errno));
		backd_sys_close(sys);
		return err;
	}
	return 0;

fail_root:
	snprintf(sys->error, sizeof(sys->error), "%s", root_error(&sys->dev));
	backd_sys_close(sys);
	return err;
}

void backd_sys_close(struct backd_sys *sys)
{
	if (sys->store)
		store_client_close(sys->store);
	sys->store = NULL;
	root_evtchn_close(&sys->evtchn);
	root_gntdev_close(&sys->gnt);
	if (sys->dev.fd >= 0)
		root_close(&sys->dev);
	sys->dev.fd = -1;
}
