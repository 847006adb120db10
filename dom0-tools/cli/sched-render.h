/* SPDX-License-Identifier: GPL-2.0-only */
/* Rendering vcpu-list, sched, uptime and list --long from gathered data. */
#ifndef PARTITA_SCHED_RENDER_H
#define PARTITA_SCHED_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include <partita/hypercall.h>

#include "part-render.h"

/* One partition's vCPUs as vcpu-list shows them. */
struct vcpu_rows {
	struct pt_partition_entry entry;
	struct pt_vcpu_list_out list;
};

/* "running", "blocked", ... for PT_VCPU_STATE_*. */
const char *sched_vcpu_state_name(uint32_t state);

/* The root's CPU time is not counted (it owns its CPU): shown as "-". */
void sched_vcpu_list_text(FILE *f, const struct vcpu_rows *p, size_t n);
void sched_vcpu_list_json(FILE *f, const struct vcpu_rows *p, size_t n);

/*
 * "partita sched": the values in force; `before` (NULL: nothing was
 * changed) is what they were, so the text can say what changed.
 */
void sched_settings_text(FILE *f, const struct pt_partition_entry *e,
			 const struct pt_partition_sched *now,
			 const struct pt_partition_sched *before);
void sched_settings_json(FILE *f, const struct pt_partition_entry *e,
			 const struct pt_partition_sched *now);

/*
 * "partita uptime": the hypervisor's uptime, then each row's (a guest's
 * from its creation; the root's is the hypervisor's). Rows need only
 * info.entry and, for guests, info.created_ns.
 */
void sched_uptime_text(FILE *f, uint64_t uptime_ns, const struct part_row *rows,
		       size_t n);
void sched_uptime_json(FILE *f, uint64_t uptime_ns, const struct part_row *rows,
		       size_t n);

/*
 * "partita list --long": list's columns and the cap, CPUs, uptime. Rows
 * not detailed (the root) show "-" where PARTITION_INFO would tell; the
 * root's CPUs come from info.cpu_mask when the caller filled it in.
 */
void sched_list_long_text(FILE *f, const struct part_row *rows, size_t n,
			  uint64_t uptime_ns);
void sched_list_long_json(FILE *f, const struct part_row *rows, size_t n,
			  uint64_t uptime_ns);

#endif
