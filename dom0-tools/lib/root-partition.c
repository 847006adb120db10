// SPDX-License-Identifier: GPL-2.0-only
/* Typed wrappers of the partition lifecycle calls and name lookup. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "root-client.h"
#include "root-internal.h"

static int id_call(struct root_dev *dev, uint16_t code, uint32_t id)
{
	struct pt_ioc_hypercall hc = {
		.code = code,
		.flags = PT_IOC_HC_FAST,
		.fast_in = { id, 0 },
	};

	return root_hypercall(dev, &hc);
}

int root_partition_create(struct root_dev *dev,
			  const struct pt_partition_create_in *in, uint32_t *id)
{
	struct pt_partition_create_out out = { 0 };
	int err;

	err = root_memory_call(dev, PT_CALL_PARTITION_CREATE, in, sizeof(*in),
			       &out, sizeof(out));
	if (!err)
		*id = out.id;
	return err;
}

int root_partition_populate(struct root_dev *dev, uint32_t id,
			    uint64_t first_gpfn, uint32_t count, uint32_t *done)
{
	struct pt_ioc_hypercall hc = {
		.code = PT_CALL_PARTITION_POPULATE,
		.flags = PT_IOC_HC_FAST,
		.rep_count = (uint16_t)count,
		.fast_in = { id, first_gpfn },
	};
	int err;

	if (done)
		*done = 0;
	if (count == 0 || count > PT_HC_REP_MAX)
		return root_fail(
			dev, -EINVAL,
			"one populate call gives 1 to %u pages, not %u",
			PT_HC_REP_MAX, count);
	err = root_hypercall(dev, &hc);
	if (done)
		*done = err ? pt_hc_reps_done(hc.result) : count;
	return err;
}

int root_partition_load(struct root_dev *dev,
			const struct pt_partition_load_in *in)
{
	if (in->length > PT_PARTITION_LOAD_MAX)
		return root_fail(
			dev, -EINVAL,
			"one load call carries at most %u bytes, not %u",
			PT_PARTITION_LOAD_MAX, in->length);
	return root_memory_call(dev, PT_CALL_PARTITION_LOAD, in,
				(uint32_t)sizeof(*in) + in->length, NULL, 0);
}

int root_partition_start(struct root_dev *dev,
			 const struct pt_partition_start_in *in)
{
	return root_memory_call(dev, PT_CALL_PARTITION_START, in, sizeof(*in),
				NULL, 0);
}

int root_partition_pause(struct root_dev *dev, uint32_t id)
{
	return id_call(dev, PT_CALL_PARTITION_PAUSE, id);
}

int root_partition_unpause(struct root_dev *dev, uint32_t id)
{
	return id_call(dev, PT_CALL_PARTITION_UNPAUSE, id);
}

int root_partition_shutdown(struct root_dev *dev, uint32_t id)
{
	return id_call(dev, PT_CALL_PARTITION_SHUTDOWN, id);
}

int root_partition_destroy(struct root_dev *dev, uint32_t id)
{
	return id_call(dev, PT_CALL_PARTITION_DESTROY, id);
}

int root_partition_info(struct root_dev *dev, uint32_t id,
			struct pt_partition_info *info)
{
	return root_partition_info_flags(dev, id, 0, info);
}

int root_partition_info_flags(struct root_dev *dev, uint32_t id, uint32_t flags,
			      struct pt_partition_info *info)
{
	struct pt_partition_ref ref = { .id = id, .flags = flags };
	int err;

	memset(info, 0, sizeof(*info));
	err = root_memory_call(dev, PT_CALL_PARTITION_INFO, &ref, sizeof(ref),
			       info, sizeof(*info));
	info->entry.name[sizeof(info->entry.name) - 1] = '\0';
	info->exit_detail[sizeof(info->exit_detail) - 1] = '\0';
	info->cmdline[sizeof(info->cmdline) - 1] = '\0';
	return err;
}

int root_partition_stats(struct root_dev *dev, uint32_t id,
			 struct pt_partition_stats *stats)
{
	struct pt_partition_ref ref = { .id = id };
	int err;

	memset(stats, 0, sizeof(*stats));
	err = root_memory_call(dev, PT_CALL_PARTITION_STATS, &ref, sizeof(ref),
			       stats, sizeof(*stats));
	if (err)
		return err;
	if (stats->call_count > PT_STATS_MAX_CALLS ||
	    stats->vcpu_count > PT_PARTITION_MAX_VCPUS)
		return root_fail(dev, -EPROTO,
				 "the hypervisor's statistics for partition %u "
				 "do not fit their block (%u calls, %u vCPUs)",
				 id, stats->call_count, stats->vcpu_count);
	return 0;
}

int root_console_read(struct root_dev *dev, uint32_t id, uint32_t flags,
		      uint64_t from_seq, struct root_log_chunk *chunk)
{
	struct pt_partition_ref ref = { .id = id,
					.flags = flags,
					.from_seq = from_seq };

	return root_ring_read(dev, PT_CALL_CONSOLE_READ, &ref, sizeof(ref),
			      from_seq, "console", chunk);
}

/* A decimal id without sign, spaces or leading zeros ("0" itself is one). */
static int parse_id(const char *s, uint32_t *id)
{
	unsigned long v;
	char *end;

	if (!*s || *s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v > UINT32_MAX)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

int root_partition_find(struct root_dev *dev, const char *what,
			struct pt_partition_entry *entry)
{
	struct pt_partition_entry *list;
	uint32_t count, id, i;
	int err, by_id;

	list = calloc(PT_PARTITION_LIST_MAX, sizeof(*list));
	if (!list)
		return root_fail(dev, -ENOMEM, "out of memory");
	err = root_partition_list(dev, list, PT_PARTITION_LIST_MAX, &count);
	if (err)
		goto out;
	for (i = 0; i < count; i++) {
		if (!strcmp(list[i].name, what))
			goto found;
	}
	by_id = !parse_id(what, &id);
	for (i = 0; by_id && i < count; i++) {
		if (list[i].id == id)
			goto found;
	}
	err = root_fail(dev, -ENOENT,
			"no partition is called '%s': 'partita list' shows the "
			"partitions there are",
			what);
	goto out;
found:
	*entry = list[i];
out:
	free(list);
	return err;
}
