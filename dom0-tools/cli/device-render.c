// SPDX-License-Identifier: GPL-2.0-only
/* A guest's devices for people (text) and programs (JSON). */
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
		fputc('\n', f);
		if (d->broken)
			fprintf(f, "    broken: %s\n", d->broken);
		for (unsigned int s = 0; s < d->stat_count; s++)
			fprintf(f, "    %s: %s\n", d->stats[s].key,
				d->stats[s].value);
	}
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
		json_object_begin(j, "stats");
		for (unsigned int s = 0; s < d->stat_count; s++)
			json_string(j, d->stats[s].key, d->stats[s].value);
		json_object_end(j);
		json_object_end(j);
	}
	json_array_end(j);
}
