/* SPDX-License-Identifier: GPL-2.0-only */
/* Rendering "partita info" as text or JSON from data already gathered. */
#ifndef PARTITA_INFO_RENDER_H
#define PARTITA_INFO_RENDER_H

#include <stdio.h>

#include <partita/hypercall.h>
#include <partita/root-ioctl.h>

struct info_data {
	struct pt_ioc_version driver;
	struct pt_hv_info hv;
	struct pt_partition_entry partitions[PT_PARTITION_LIST_MAX];
	uint32_t partition_count;
};

const char *info_cpu_role_name(uint8_t role);
const char *info_partition_state_name(uint32_t state);
void info_print_text(FILE *f, const struct info_data *d);
void info_print_json(FILE *f, const struct info_data *d);

#endif
