// SPDX-License-Identifier: GPL-2.0-only
/* Typed wrappers of the scheduling calls: vCPU list, pin, weight and cap. */
#include <errno.h>
#include <string.h>

#include "root-client.h"
#include "root-internal.h"

int root_vcpu_list(struct root_dev *dev, uint32_t id,
		   struct pt_vcpu_list_out *out)
{
	struct pt_partition_ref ref = { .id = id };
	int err;

	memset(out, 0, sizeof(*out));
	err = root_memory_call(dev, PT_CALL_VCPU_LIST, &ref, sizeof(ref), out,
			       sizeof(*out));
	if (!err && out->vcpu_count > PT_PARTITION_MAX_VCPUS)
		return root_fail(dev, -EPROTO,
				 "the hypervisor listed %u vCPUs for partition "
				 "%u; a partition has at most %u",
				 out->vcpu_count, id, PT_PARTITION_MAX_VCPUS);
	return err;
}

int root_vcpu_pin(struct root_dev *dev, uint32_t id, uint32_t vcpu,
		  uint64_t cpus, uint32_t *cpu)
{
	struct pt_ioc_hypercall hc = {
		.code = PT_CALL_VCPU_SET_AFFINITY,
		.flags = PT_IOC_HC_FAST,
		.fast_in = { id | (uint64_t)vcpu << 32, cpus },
	};
	int err = root_hypercall(dev, &hc);

	if (!err && cpu)
		*cpu = (uint32_t)hc.fast_out[0];
	return err;
}

int root_partition_sched(struct root_dev *dev, uint32_t id, uint32_t flags,
			 uint32_t weight, uint32_t cap_percent,
			 struct pt_partition_sched *now)
{
	struct pt_partition_sched in = { id, flags, weight, cap_percent };

	memset(now, 0, sizeof(*now));
	return root_memory_call(dev, PT_CALL_PARTITION_SCHED, &in, sizeof(in),
				now, sizeof(*now));
}
