/* SPDX-License-Identifier: GPL-2.0-only */
/* Rendering partitions for list, info NAME, stats and top from gathered data. */
#ifndef PARTITA_PART_RENDER_H
#define PARTITA_PART_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include <partita/hypercall.h>

#include "root-messaging.h"

/* One partition as list and info show it; `detailed` if info was read. */
struct part_row {
	struct pt_partition_info info; /* info.entry is always valid */
	int detailed;
};

/* "1,3-5" for a CPU mask; "none" for 0. */
const char *part_cpus_text(char *buf, size_t size, uint64_t mask);
/* "1.234 s" from nanoseconds. */
const char *part_seconds(char *buf, size_t size, uint64_t ns);

void part_list_text(FILE *f, const struct part_row *rows, size_t n);
void part_list_json(FILE *f, const struct part_row *rows, size_t n);

/*
 * age_ns: how long ago it was created (hypervisor uptime - created_ns).
 * msg: its messaging state, or NULL when the hypervisor has none to tell.
 * devs: its devices from the store (device-render.h), or NULL: not shown.
 */
struct dev_view;
void part_info_text(FILE *f, const struct pt_partition_info *info,
		    uint64_t age_ns, const struct root_messaging *msg,
		    const struct dev_view *devs);
void part_info_json(FILE *f, const struct pt_partition_info *info,
		    uint64_t age_ns, const struct root_messaging *msg,
		    const struct dev_view *devs);

/*
 * "partita info root": the root has no PARTITION_INFO, only its entry in
 * the list and its messaging state (msg NULL: none to tell).
 */
void part_root_info_text(FILE *f, const struct pt_partition_entry *e,
			 const struct root_messaging *msg);
void part_root_info_json(FILE *f, const struct pt_partition_entry *e,
			 const struct root_messaging *msg);

/* "partita stats": exits, per-vCPU runtime, hypercalls, messaging (or NULL). */
void part_stats_text(FILE *f, const struct pt_partition_info *info,
		     const struct pt_partition_stats *st,
		     const struct pt_messaging_info *mi);
void part_stats_json(FILE *f, const struct pt_partition_info *info,
		     const struct pt_partition_stats *st,
		     const struct pt_messaging_info *mi);
const char *part_exit_name(unsigned int reason);

/* One partition's figures at one time, for the rates "top" shows. */
struct top_sample {
	uint32_t id;
	char name[32];
	uint32_t state;
	uint32_t vcpus;
	uint64_t memory_bytes;
	uint64_t runtime_ns;
	uint64_t hypercalls; /* completed calls, all codes */
	uint64_t exits;	     /* all reasons */
};

/*
 * Prints one screen of top: every partition in `now`, with rates against
 * the same partition (id and name) in `before` over `interval_ns`; rates
 * are "-" for partitions new since then.
 */
void part_top_text(FILE *f, const struct top_sample *now, size_t n,
		   const struct top_sample *before, size_t nbefore,
		   uint64_t interval_ns, uint64_t uptime_ns, uint64_t pool_free,
		   uint64_t pool_total);

#endif
