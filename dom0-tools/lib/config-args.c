// SPDX-License-Identifier: GPL-2.0-only
/* Turns a checked config and image plan into lifecycle hypercall arguments. */
#include <string.h>

#include "config.h"

void config_to_create_in(const struct config *cfg,
			 struct pt_partition_create_in *in)
{
	memset(in, 0, sizeof(*in));
	_Static_assert(sizeof(in->name) == sizeof(cfg->name), "name size");
	_Static_assert(sizeof(in->cmdline) == sizeof(cfg->cmdline),
		       "cmdline size");
	memcpy(in->name, cfg->name, sizeof(in->name));
	in->memory_bytes = cfg->memory_bytes;
	in->vcpu_count = cfg->vcpus;
	in->weight = cfg->weight;
	in->cap_percent = cfg->cap_percent;
	in->on_crash = cfg->on_crash;
	in->cpu_mask = cfg->cpu_mask;
	memcpy(in->cmdline, cfg->cmdline, sizeof(in->cmdline));
	/* Explicit even when defaulted: the config's value is the one used. */
	in->max_event_ports = cfg->max_event_ports;
	in->max_grant_frames = cfg->max_grant_frames;
}

void config_to_start_in(const struct config_image *img, uint32_t id,
			struct pt_partition_start_in *in)
{
	memset(in, 0, sizeof(*in));
	in->id = id;
	in->entry = img->entry;
	in->image_start = img->start;
	in->image_end = img->end;
}

void config_to_load_in(const struct config_image *img, size_t chunk,
		       uint32_t id, struct pt_partition_load_in *in)
{
	const struct config_chunk *c = &img->chunks[chunk];

	memset(in, 0, sizeof(*in));
	in->id = id;
	in->length = c->length;
	in->gpa = c->gpa;
	memcpy(in->data, img->data + c->offset, c->length);
}
