// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of VCPU_LIST, VCPU_SET_AFFINITY and PARTITION_SCHED. */
#include <criterion/criterion.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <hv/sched.h>
#include <partita/hypercall.h>
#include <string.h>

#include "hv-shim.h"
#include "msg-env.h"

/* ENV_CPUS is 4 with the root on CPU 0: guests use CPUs 1-3. */
#define GUEST_CPUS 0xEull

static struct partition *pa;
static struct vcpu *va, *vr;

static void setup(void)
{
	env_boot(ENV_POOL_FOR(2));
	pa = env_guest("alpha", 2, 0, 0);
	va = &pa->vcpus[0];
	vr = &env_root->vcpus[0];
}

TestSuite(hcall_sched, .init = setup, .fini = shim_teardown);

static u16 list(struct vcpu *caller, u32 id, u32 reserved, u64 from)
{
	struct pt_partition_ref ref = { id, reserved, from };

	memset(env_out(caller), 0xEE, PAGE_SIZE);
	return env_mem(caller, PT_CALL_VCPU_LIST, &ref, sizeof(ref));
}

static struct pt_vcpu_list_out *listed(u32 id)
{
	cr_assert_eq(list(vr, id, 0, 0), PT_STATUS_SUCCESS);
	return env_out(vr);
}

static u16 pin(struct vcpu *caller, u64 id, u64 index, u64 mask, u64 *cpu)
{
	return env_fast(caller, PT_CALL_VCPU_SET_AFFINITY, id | index << 32,
			mask, cpu, NULL);
}

static u16 sched(struct vcpu *caller, u32 id, u32 flags, u32 weight, u32 cap)
{
	struct pt_partition_sched in = { id, flags, weight, cap };

	memset(env_out(caller), 0xEE, PAGE_SIZE);
	return env_mem(caller, PT_CALL_PARTITION_SCHED, &in, sizeof(in));
}

Test(hcall_sched, a_fresh_guest_lists_its_vcpus_on_their_cpus)
{
	struct pt_vcpu_list_out *out = listed(pa->id);

	cr_assert_eq(out->id, pa->id);
	cr_assert_eq(out->vcpu_count, 2);
	cr_assert_eq(out->reserved, 0);
	for (u32 i = 0; i < 2; i++) {
		cr_assert_eq(out->vcpus[i].index, i);
		cr_assert_eq(out->vcpus[i].cpu, 1 + i);
		cr_assert_eq(out->vcpus[i].affinity, GUEST_CPUS);
		cr_assert_eq(out->vcpus[i].state, PT_VCPU_STATE_RUNNABLE);
		cr_assert_eq(out->vcpus[i].flags, 0);
	}
	/* Entries past vcpu_count are zero, not stale memory. */
	cr_assert_eq(out->vcpus[2].index | out->vcpus[2].state, 0);
}

Test(hcall_sched, list_shows_runtime_blocked_and_paused)
{
	struct pt_vcpu_list_out *out;

	pa->vcpus[1].runtime_ns = 1234567;
	pa->vcpus[1].state = VCPU_STATE_BLOCKED;
	out = listed(pa->id);
	cr_assert_eq(out->vcpus[1].runtime_ns, 1234567);
	cr_assert_eq(out->vcpus[1].state, PT_VCPU_STATE_BLOCKED);
	cr_assert_eq(
		env_fast(vr, PT_CALL_PARTITION_PAUSE, pa->id, 0, NULL, NULL),
		PT_STATUS_SUCCESS);
	out = listed(pa->id);
	cr_assert_eq(out->vcpus[0].state, PT_VCPU_STATE_PAUSED);
}

Test(hcall_sched, the_root_lists_its_one_vcpu_on_its_cpu)
{
	struct pt_vcpu_list_out *out = listed(0);

	cr_assert_eq(out->vcpu_count, 1);
	cr_assert_eq(out->vcpus[0].cpu, 0);
	cr_assert_eq(out->vcpus[0].affinity, 1);
	cr_assert_eq(out->vcpus[0].state, PT_VCPU_STATE_RUNNING);
}

Test(hcall_sched, list_refusals)
{
	cr_assert_eq(list(va, pa->id, 0, 0), PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(list(vr, 9, 0, 0), PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(list(vr, MAX_PARTITIONS, 0, 0),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(list(vr, pa->id, 1, 0), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(list(vr, pa->id, 0, 1), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(*(u32 *)env_out(vr), 0xEEEEEEEE);
}

/* A partition made but not started: its vCPUs have no CPU yet. */
static u32 created_only(void)
{
	struct pt_partition_create_in in;

	memset(&in, 0, sizeof(in));
	strcpy(in.name, "unstarted");
	in.memory_bytes = ENV_GUEST_BYTES;
	in.vcpu_count = 1;
	in.weight = 100;
	in.cpu_mask = ~0ull;
	cr_assert_eq(env_mem(vr, PT_CALL_PARTITION_CREATE, &in, sizeof(in)),
		     PT_STATUS_SUCCESS);
	return ((struct pt_partition_create_out *)env_out(vr))->id;
}

Test(hcall_sched, an_unstarted_partition_has_no_vcpus_to_list_or_pin)
{
	u32 id = created_only();

	cr_assert_eq(list(vr, id, 0, 0), PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(pin(vr, id, 0, BIT(1), NULL),
		     PT_STATUS_INVALID_PARTITION_STATE);
	/* Its weight may be set before it starts. */
	cr_assert_eq(sched(vr, id, PT_SCHED_SET_WEIGHT, 300, 0),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(partition_get(id)->weight, 300);
}

Test(hcall_sched, pin_refusals_change_nothing)
{
	cr_assert_eq(pin(va, pa->id, 0, BIT(3), NULL), PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(pin(vr, 0, 0, BIT(0), NULL),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(pin(vr, 9, 0, BIT(3), NULL),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(pin(vr, pa->id, 2, BIT(3), NULL),
		     PT_STATUS_INVALID_VP_INDEX);
	cr_assert_eq(pin(vr, pa->id, 0xFFFFFFFFull, BIT(3), NULL),
		     PT_STATUS_INVALID_VP_INDEX);
	cr_assert_eq(pin(vr, pa->id, 0, 0, NULL), PT_STATUS_INVALID_PARAMETER);
	/* The root's CPU, a CPU the machine lacks, one that is down. */
	cr_assert_eq(pin(vr, pa->id, 0, BIT(0), NULL),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(pin(vr, pa->id, 0, BIT(3) | BIT(4), NULL),
		     PT_STATUS_INVALID_PARAMETER);
	shim_cpu_offline_mask = BIT(3);
	cr_assert_eq(pin(vr, pa->id, 0, BIT(3), NULL),
		     PT_STATUS_INVALID_PARAMETER);
	shim_cpu_offline_mask = 0;
	/* As a memory call it is malformed. */
	cr_assert_eq(env_mem(vr, PT_CALL_VCPU_SET_AFFINITY, NULL, 0),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(va->affinity, GUEST_CPUS);
	cr_assert_eq(va->move_to, 0);
	cr_assert_eq(va->cpu, 1);
}

Test(hcall_sched, pinning_away_moves_the_vcpu_at_its_cpus_next_look)
{
	u32 room1 = sched_room(1), room3 = sched_room(3);
	u32 kicks1 = shim_kicks[1], kicks3 = shim_kicks[3];
	struct pt_vcpu_list_out *out;
	u64 cpu = 99;

	cr_assert_eq(pin(vr, pa->id, 0, BIT(3), &cpu), PT_STATUS_SUCCESS);
	cr_assert_eq(cpu, 3);
	cr_assert_gt(shim_kicks[1], kicks1, "its CPU is told to look");
	out = listed(pa->id);
	cr_assert_eq(out->vcpus[0].cpu, 1);
	cr_assert_eq(out->vcpus[0].flags, PT_VCPU_MOVING);
	cr_assert_eq(out->vcpus[0].affinity, BIT(3));

	sched_move_vcpus(1);
	out = listed(pa->id);
	cr_assert_eq(out->vcpus[0].cpu, 3);
	cr_assert_eq(out->vcpus[0].flags, 0);
	cr_assert_eq(sched_room(1), room1 + 1);
	cr_assert_eq(sched_room(3), room3 - 1);
	cr_assert_gt(shim_kicks[3], kicks3, "its new CPU is told too");
	/* The other vCPU stayed. */
	cr_assert_eq(out->vcpus[1].cpu, 2);
	cr_assert_eq(out->vcpus[1].affinity, GUEST_CPUS);
}

Test(hcall_sched, a_mask_that_keeps_its_cpu_does_not_move_it)
{
	u64 cpu = 99;

	cr_assert_eq(pin(vr, pa->id, 1, BIT(2) | BIT(3), &cpu),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(cpu, 2);
	cr_assert_eq(pa->vcpus[1].move_to, 0);
	cr_assert_eq(pa->vcpus[1].affinity, BIT(2) | BIT(3));
}

Test(hcall_sched, the_roomiest_cpu_of_the_mask_is_chosen)
{
	u64 cpu = 99;

	/* vCPU 1 is on CPU 2, so CPU 3 has more room than CPU 2. */
	cr_assert_eq(pin(vr, pa->id, 0, BIT(2) | BIT(3), &cpu),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(cpu, 3);
}

Test(hcall_sched, pinning_back_before_the_move_calls_it_off)
{
	cr_assert_eq(pin(vr, pa->id, 0, BIT(3), NULL), PT_STATUS_SUCCESS);
	cr_assert_eq(pin(vr, pa->id, 0, BIT(1), NULL), PT_STATUS_SUCCESS);
	cr_assert_eq(va->move_to, 0);
	sched_move_vcpus(1);
	cr_assert_eq(va->cpu, 1);
	cr_assert_eq(va->affinity, BIT(1));
}

Test(hcall_sched, an_ending_vcpu_is_not_moved)
{
	cr_assert_eq(pin(vr, pa->id, 0, BIT(3), NULL), PT_STATUS_SUCCESS);
	va->state = VCPU_STATE_DEAD;
	sched_move_vcpus(1);
	cr_assert_eq(va->cpu, 1);
	cr_assert_eq(va->move_to, 0);
}

Test(hcall_sched, a_moved_vcpu_is_woken_on_its_new_cpu)
{
	u32 kicks3;

	cr_assert_eq(pin(vr, pa->id, 0, BIT(3), NULL), PT_STATUS_SUCCESS);
	sched_move_vcpus(1);
	va->state = VCPU_STATE_BLOCKED;
	kicks3 = shim_kicks[3];
	sched_wake(va);
	cr_assert_eq(va->state, VCPU_STATE_RUNNABLE);
	cr_assert_gt(shim_kicks[3], kicks3);
}

Test(hcall_sched, sched_reads_and_sets_weight_and_cap)
{
	struct pt_partition_sched *out = env_out(vr);
	u64 now = 5000000000ull;

	cr_assert_eq(sched(vr, pa->id, 0, 0, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(out->id, pa->id);
	cr_assert_eq(out->flags, 0);
	cr_assert_eq(out->weight, 256);
	cr_assert_eq(out->cap_percent, 0);
	cr_assert_eq(sched_cap_deadline(va, now), ~0ull);

	cr_assert_eq(sched(vr, pa->id, PT_SCHED_SET_WEIGHT, 1000, 77),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(out->weight, 1000);
	cr_assert_eq(out->cap_percent, 0, "the cap was not named");
	cr_assert_eq(sched(vr, pa->id, PT_SCHED_SET_CAP, 0, 50),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(out->weight, 1000);
	cr_assert_eq(out->cap_percent, 50);
	/* The scheduler uses it at once. */
	cr_assert_lt(sched_cap_deadline(va, now), ~0ull);
	cr_assert_eq(sched(vr, pa->id, PT_SCHED_SET_WEIGHT | PT_SCHED_SET_CAP,
			   65535, 0),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(pa->weight, 65535);
	cr_assert_eq(pa->cap_percent, 0);
}

Test(hcall_sched, sched_refusals_change_nothing)
{
	cr_assert_eq(sched(va, pa->id, 0, 0, 0), PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(sched(vr, 0, 0, 0, 0), PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(sched(vr, 9, 0, 0, 0), PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(sched(vr, pa->id, PT_SCHED_SET_WEIGHT, 0, 0),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(sched(vr, pa->id, PT_SCHED_SET_WEIGHT, 65536, 0),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(sched(vr, pa->id, PT_SCHED_SET_CAP, 0, 101),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(sched(vr, pa->id, 4, 0, 0), PT_STATUS_INVALID_PARAMETER);
	/* A valid weight with a bad cap: neither is taken. */
	cr_assert_eq(sched(vr, pa->id, PT_SCHED_SET_WEIGHT | PT_SCHED_SET_CAP,
			   500, 101),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(*(u32 *)env_out(vr), 0xEEEEEEEE);
	cr_assert_eq(pa->weight, 256);
	cr_assert_eq(pa->cap_percent, 0);
}

Test(hcall_sched, an_ended_partition_is_read_but_not_changed)
{
	partition_end(pa, PT_SHUTDOWN_POWEROFF, "poweroff");
	cr_assert_eq(sched(vr, pa->id, 0, 0, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(sched(vr, pa->id, PT_SCHED_SET_WEIGHT, 5, 0),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(pin(vr, pa->id, 0, BIT(3), NULL),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(listed(pa->id)->vcpus[0].state, PT_VCPU_STATE_ENDED);
}
