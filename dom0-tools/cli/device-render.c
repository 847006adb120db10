// SPDX-License-Identifier: GPL-2.0-only
/* A guest's devices for people (text) and programs (JSON). */
#include <string.h>

#include <partita/xenbus.h>

#include "device-render.h"

const char *dev_state_name(int state, char *buf, size_t size)
{
	static const char *const names[] = {
		[PT_XENBUS_STATE_UNKNOWN] = "Unknown",
		[PT_XENBUS_STATE_INITIALISING] = "Initialising",
		[PT_XENBUS_STATE_INIT_WAIT] = "InitWait",
		[PT_XENBUS_STATE_INITIALISED] = "Initialised",
		[PT_XENBUS_STATE_CONNECTED] = "Connected",
		[PT_XENBUS_STATE_CLOSING] = "Closing",
		[PT_XENBUS_STATE_CLOSED] = "Closed",
	};

	if (state < 0)
		return "missing";
	if ((size_t)state < sizeof(names) / sizeof(names[0]))
		return names[state];
	snprintf(buf, size, "unknown (%d)", state);
	return buf;
}

/* What the toolstack wrote for a disk or NIC, after its states. */
static void render_keys(FILE *f, const struct ts_dev_info *d)
{
	const char *mode = !d->mode		   ? NULL
			   : !strcmp(d->mode, "r") ? "read-only"
						   : "read-write";

	if (d->params)
		fprintf(f, ", %s", d->params);
	if (mode && d->cache)
		fprintf(f, " (%s, cache %s)", mode, d->cache);
	else if (mode || d->cache)
		fprintf(f, " (%s%s)", d->cache ? "cache " : mode,
			d->cache ? d->cache : "");
	if (d->mac)
		fprintf(f, ", mac %s", d->mac);
	if (d->tap)
		fprintf(f, ", tap %s", d->tap);
	if (d->bridge)
		fprintf(f, ", bridge %s", d->bridge);
	if (d->online && !strcmp(d->online, "0"))
		fprintf(f, ", detach requested");
}

/* "requests 12, bytes-read 4096": every counter, whatever the keys are. */
static void render_stats(FILE *f, const struct ts_dev_info *d)
{
	if (!d->stat_count)
		return;
	fprintf(f, "    ");
	for (unsigned int s = 0; s < d->stat_count; s++)
		fprintf(f, "%s%s %s", s ? ", " : "", d->stats[s].key,
			d->stats[s].value);
	fputc('\n', f);
}

void dev_render_text(FILE *f, const struct dev_view *v)
{
	char a[24], b[24];

	if (v->unavailable) {
		fprintf(f, "Devices:       unknown (%s)\n", v->unavailable);
		return;
	}
	if (!v->count) {
		fprintf(f, "Devices:       none\n");
		return;
	}
	fprintf(f, "Devices:\n");
	for (unsigned int i = 0; i < v->count; i++) {
		const struct ts_dev_info *d = &v->devs[i];

		fprintf(f, "  %s/%u: front-end %s, back-end %s", d->type,
			d->number,
			dev_state_name(d->frontend_state, a, sizeof(a)),
			dev_state_name(d->backend_state, b, sizeof(b)));
		if (d->tty)
			fprintf(f, ", tty %s", d->tty);
		render_keys(f, d);
		fputc('\n', f);
		if (d->broken)
			fprintf(f, "    broken: %s\n", d->broken);
		render_stats(f, d);
	}
}

/* The toolstack's keys of a disk or NIC, each only when present. */
static void render_json_keys(struct json_out *j, const struct ts_dev_info *d)
{
	const struct {
		const char *name;
		const char *value;
	} keys[] = {
		{ "online", d->online }, { "params", d->params },
		{ "mode", d->mode },	 { "cache", d->cache },
		{ "mac", d->mac },	 { "tap", d->tap },
		{ "bridge", d->bridge },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].value)
			json_string(j, keys[i].name, keys[i].value);
}

void dev_render_json(struct json_out *j, const struct dev_view *v)
{
	char a[24];

	if (v->unavailable) {
		json_string(j, "devices_unavailable", v->unavailable);
		return;
	}
	json_array_begin(j, "devices");
	for (unsigned int i = 0; i < v->count; i++) {
		const struct ts_dev_info *d = &v->devs[i];

		json_object_begin(j, NULL);
		json_string(j, "type", d->type);
		json_u64(j, "number", d->number);
		json_string(j, "frontend_state",
			    dev_state_name(d->frontend_state, a, sizeof(a)));
		json_string(j, "backend_state",
			    dev_state_name(d->backend_state, a, sizeof(a)));
		if (d->tty)
			json_string(j, "tty", d->tty);
		if (d->broken)
			json_string(j, "broken", d->broken);
		render_json_keys(j, d);
		json_object_begin(j, "stats");
		for (unsigned int s = 0; s < d->stat_count; s++)
			json_string(j, d->stats[s].key, d->stats[s].value);
		json_object_end(j);
		json_object_end(j);
	}
	json_array_end(j);
}
