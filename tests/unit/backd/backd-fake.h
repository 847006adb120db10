/* SPDX-License-Identifier: GPL-2.0-only */
/* An in-memory store, grant table and ports behind struct backd_ops. */
#ifndef PARTITA_BACKD_FAKE_H
#define PARTITA_BACKD_FAKE_H

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backd.h"

/* ---- the fakes ------------------------------------------------------ */

#define FAKE_KEYS 256
#define FAKE_FRAMES 64

struct fake {
	char *path[FAKE_KEYS], *value[FAKE_KEYS];
	int watches;
	/* One guest's frames, contiguous so consecutive refs map together. */
	uint8_t *frames;
	int revoked[FAKE_FRAMES];
	int maps, binds, notifies;
	uint32_t unbound_port; /* the guest port offered to the root */
	uint32_t next_port;
	char error[128];
};

static struct fake fk;

static int find(const char *path)
{
	int i;

	for (i = 0; i < FAKE_KEYS; i++)
		if (fk.path[i] && !strcmp(fk.path[i], path))
			return i;
	return -1;
}

static int f_read(void *ctx, const char *path, char **value)
{
	int i = find(path);

	if (i < 0)
		return -ENOENT;
	*value = strdup(fk.value[i]);
	return 0;
}

static int f_write(void *ctx, const char *path, const char *value)
{
	int i = find(path);

	if (i < 0) {
		for (i = 0; i < FAKE_KEYS && fk.path[i]; i++)
			;
		cr_assert_lt(i, FAKE_KEYS, "fake store full");
		fk.path[i] = strdup(path);
	} else {
		free(fk.value[i]);
	}
	fk.value[i] = strdup(value);
	return 0;
}

static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == 0 || path[n] == '/');
}

static int f_rm(void *ctx, const char *path)
{
	int i, found = 0;

	for (i = 0; i < FAKE_KEYS; i++)
		if (fk.path[i] && under(fk.path[i], path)) {
			free(fk.path[i]);
			free(fk.value[i]);
			fk.path[i] = fk.value[i] = NULL;
			found = 1;
		}
	return found ? 0 : -ENOENT;
}

static int f_directory(void *ctx, const char *path, char **names, uint32_t *len)
{
	size_t n = strlen(path), used = 0;
	char *out = calloc(1, 4096);
	int i, any = 0;

	for (i = 0; i < FAKE_KEYS; i++) {
		const char *p = fk.path[i], *e;
		char name[64];
		size_t l, at;
		int dup = 0;

		if (!p || !under(p, path) || !p[n])
			continue;
		any = 1;
		p += n + 1;
		e = strchr(p, '/');
		l = e ? (size_t)(e - p) : strlen(p);
		snprintf(name, sizeof(name), "%.*s", (int)l, p);
		for (at = 0; at < used; at += strlen(out + at) + 1)
			if (!strcmp(out + at, name))
				dup = 1;
		if (!dup) {
			memcpy(out + used, name, l + 1);
			used += l + 1;
		}
	}
	if (!any) {
		free(out);
		return -ENOENT;
	}
	*names = out;
	*len = (uint32_t)used;
	return 0;
}

static int f_watch(void *ctx, const char *path, const char *token)
{
	fk.watches++;
	return 0;
}

static int f_unwatch(void *ctx, const char *path, const char *token)
{
	fk.watches--;
	return 0;
}

static int f_map(void *ctx, uint32_t domid, const uint32_t *refs,
		 uint32_t count, struct backd_map *m)
{
	uint32_t i;

	for (i = 0; i < count; i++) {
		if (refs[i] >= FAKE_FRAMES || fk.revoked[refs[i]]) {
			snprintf(fk.error, sizeof(fk.error),
				 "grant ref %u is not granted", refs[i]);
			return -EREMOTEIO;
		}
		if (i && refs[i] != refs[0] + i) {
			snprintf(fk.error, sizeof(fk.error),
				 "the fake maps only consecutive refs");
			return -EINVAL;
		}
	}
	m->addr = fk.frames + (size_t)refs[0] * 4096u;
	m->count = count;
	m->handle = &fk;
	fk.maps++;
	return 0;
}

static void f_unmap(void *ctx, struct backd_map *m)
{
	cr_assert(m->handle, "unmap of a mapping never made");
	fk.maps--;
	memset(m, 0, sizeof(*m));
}

static int f_bind(void *ctx, uint32_t domid, uint32_t remote_port,
		  uint32_t *port)
{
	if (remote_port != fk.unbound_port) {
		snprintf(fk.error, sizeof(fk.error),
			 "port %u is not offered to the root", remote_port);
		return -EREMOTEIO;
	}
	fk.binds++;
	*port = fk.next_port++;
	return 0;
}

static void f_unbind(void *ctx, uint32_t port)
{
	fk.binds--;
}

static int f_notify(void *ctx, uint32_t port)
{
	fk.notifies++;
	return 0;
}

static const char *f_error(void *ctx)
{
	return fk.error;
}

static const struct backd_ops fake_ops = {
	.read = f_read,
	.write = f_write,
	.rm = f_rm,
	.directory = f_directory,
	.watch = f_watch,
	.unwatch = f_unwatch,
	.map = f_map,
	.unmap = f_unmap,
	.bind = f_bind,
	.unbind = f_unbind,
	.notify = f_notify,
	.error = f_error,
};

#endif
