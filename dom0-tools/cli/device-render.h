/* SPDX-License-Identifier: GPL-2.0-only */
/* Rendering a guest's devices, as read from the store, for partita info. */
#ifndef PARTITA_DEVICE_RENDER_H
#define PARTITA_DEVICE_RENDER_H

#include <stdio.h>

#include "out-json.h"
#include "toolstack-devices.h"

/*
 * What info shows of the store: the devices, or why they could not be
 * read (unavailable: one sentence, devs ignored).
 */
struct dev_view {
	const struct ts_dev_info *devs;
	unsigned int count;
	const char *unavailable;
};

/* "Initialising", "Connected", ... for a xenbus state; "missing" for -1. */
const char *dev_state_name(int state, char *buf, size_t size);

/* A "Devices:" section, one line per device and one per counter. */
void dev_render_text(FILE *f, const struct dev_view *v);

/* A "devices" array member (or "devices_unavailable" with the reason). */
void dev_render_json(struct json_out *j, const struct dev_view *v);

#endif
