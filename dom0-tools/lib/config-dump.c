// SPDX-License-Identifier: GPL-2.0-only
/* Prints the hypercall arguments a config becomes, for tests and --args. */
#include "config.h"

static void dump_create(const struct config *cfg, FILE *out)
{
	struct pt_partition_create_in in;

	config_to_create_in(cfg, &in);
	fprintf(out, "create.name=%s\n", in.name);
	fprintf(out, "create.memory_bytes=%llu\n",
		(unsigned long long)in.memory_bytes);
	fprintf(out, "create.vcpu_count=%u\n", in.vcpu_count);
	fprintf(out, "create.weight=%u\n", in.weight);
	fprintf(out, "create.cap_percent=%u\n", in.cap_percent);
	fprintf(out, "create.on_crash=%u\n", in.on_crash);
	fprintf(out, "create.cpu_mask=0x%llx\n",
		(unsigned long long)in.cpu_mask);
	fprintf(out, "create.cmdline=%s\n", in.cmdline);
	fprintf(out, "create.max_event_ports=%u\n", in.max_event_ports);
	fprintf(out, "create.max_grant_frames=%u\n", in.max_grant_frames);
}

void config_dump(const struct config *cfg, const struct config_image *img,
		 FILE *out)
{
	struct pt_partition_start_in start;

	fprintf(out, "kernel=%s\n", cfg->kernel);
	fprintf(out, "devices=");
	for (unsigned int i = 0; i < cfg->device_count; i++)
		fprintf(out, "%s%s", i ? "," : "",
			config_device_types[cfg->devices[i].type].name);
	fprintf(out, "\n");
	dump_create(cfg, out);
	fprintf(out, "populate.pages=%llu\n",
		(unsigned long long)(cfg->memory_bytes / PT_PAGE_SIZE));
	fprintf(out, "load.count=%zu\n", img->chunk_count);
	for (size_t i = 0; i < img->chunk_count; i++)
		fprintf(out, "load.%zu=gpa 0x%llx offset 0x%llx length %u\n", i,
			(unsigned long long)img->chunks[i].gpa,
			(unsigned long long)img->chunks[i].offset,
			img->chunks[i].length);
	config_to_start_in(img, 0, &start);
	fprintf(out, "start.entry=0x%llx\n", (unsigned long long)start.entry);
	fprintf(out, "start.image_start=0x%llx\n",
		(unsigned long long)start.image_start);
	fprintf(out, "start.image_end=0x%llx\n",
		(unsigned long long)start.image_end);
}
