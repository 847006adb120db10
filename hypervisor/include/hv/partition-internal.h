/* SPDX-License-Identifier: GPL-2.0-only */
/* State shared by the partition files only: the table and live count. */
#ifndef HV_PARTITION_INTERNAL_H
#define HV_PARTITION_INTERNAL_H

#include "partition.h"

extern struct partition partitions[MAX_PARTITIONS];
/* Partitions that exist (any state but FREE), the root not counted. */
extern volatile u32 partition_live;

/* Why a partition ended, beyond the guest's own PT_SHUTDOWN_* reasons. */
#define PARTITION_END_DESTROYED 2u

int partition_check_config(const struct partition_config *cfg,
			   const char **why);

#endif
