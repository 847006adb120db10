// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the scheduler's selection logic and of event wake-ups. */
#include <criterion/criterion.h>
#include <hv/events.h>
#include <hv/partition.h>
#include <hv/sched.h>
#include <string.h>

#include "hv-shim.h"

TestSuite(sched, .init = shim_reset);

Test(sched, pick_lowest_pass_among_runnable)
{
	struct sched_candidate c[] = {
		{ 50, true },
		{ 10, false },
		{ 20, true },
		{ 30, true },
	};

	cr_assert_eq(sched_pick_index(c, 4), 2);
	c[2].runnable = false;
	cr_assert_eq(sched_pick_index(c, 4), 3);
	c[3].runnable = false;
	cr_assert_eq(sched_pick_index(c, 4), 0);
	c[0].runnable = false;
	cr_assert_eq(sched_pick_index(c, 4), -1, "nothing runnable");
	cr_assert_eq(sched_pick_index(c, 0), -1, "no vCPU at all");
}

Test(sched, pick_ties_go_to_the_first)
{
	struct sched_candidate c[] = {
		{ 7, false },
		{ 5, true },
		{ 5, true },
		{ 5, true },
	};

	cr_assert_eq(sched_pick_index(c, 4), 1);
}

Test(sched, pick_handles_large_passes)
{
	struct sched_candidate c[] = {
		{ ~0ull, true },
		{ ~0ull - 1, true },
		{ 1ull << 63, true },
	};

	cr_assert_eq(sched_pick_index(c, 3), 2);
}

Test(sched, pass_increment_is_inverse_to_weight)
{
	u64 slice = SCHED_SLICE_NS;

	cr_assert_eq(sched_pass_increment(slice, 256),
		     2 * sched_pass_increment(slice, 512));
	cr_assert_eq(sched_pass_increment(slice, 1),
		     65535 * sched_pass_increment(slice, 65535) +
			     sched_pass_increment(slice, 1) % 65535);
	cr_assert_eq(sched_pass_increment(0, 256), 0);
	/* Weight 0 cannot divide by zero. */
	cr_assert_eq(sched_pass_increment(slice, 0),
		     sched_pass_increment(slice, 1));
	/* The longest slice at weight 1 does not overflow. */
	cr_assert_gt(sched_pass_increment(3600ull * 1000000000ull, 1),
		     sched_pass_increment(slice, 1));
}

/* Stride scheduling as the CPU loop does it: pick, run a slice, charge. */
static void simulate(const u32 *weight, u64 *slices, int n, int rounds)
{
	struct sched_candidate c[8];

	for (int i = 0; i < n; i++) {
		c[i] = (struct sched_candidate){ 0, true };
		slices[i] = 0;
	}
	for (int r = 0; r < rounds; r++) {
		int i = sched_pick_index(c, n);

		cr_assert_geq(i, 0);
		slices[i]++;
		c[i].pass += sched_pass_increment(SCHED_SLICE_NS, weight[i]);
	}
}

Test(sched, weights_512_256_share_two_to_one)
{
	static const u32 weight[] = { 512, 256 };
	u64 slices[2];
	double ratio;

	simulate(weight, slices, 2, 3000);
	ratio = (double)slices[0] / (double)slices[1];
	cr_assert(ratio > 2.0 * 0.99 && ratio < 2.0 * 1.01, "ratio %f", ratio);
}

Test(sched, three_way_shares)
{
	static const u32 weight[] = { 100, 200, 700 };
	u64 slices[3];

	simulate(weight, slices, 3, 10000);
	for (int i = 0; i < 3; i++) {
		double share = (double)slices[i] / 10000.0;
		double want = weight[i] / 1000.0;

		cr_assert(share > want * 0.99 && share < want * 1.01,
			  "vCPU %d got %f, wanted %f", i, share, want);
	}
}

Test(sched, blocked_vcpu_gets_no_share)
{
	static const u32 weight[] = { 256, 256 };
	struct sched_candidate c[2] = { { 0, true }, { 0, false } };
	u64 ran[2] = { 0, 0 };

	for (int r = 0; r < 100; r++) {
		int i = sched_pick_index(c, 2);

		ran[i]++;
		c[i].pass += sched_pass_increment(SCHED_SLICE_NS, weight[i]);
	}
	cr_assert_eq(ran[0], 100);
	cr_assert_eq(ran[1], 0);
}

static struct partition part;

static struct vcpu *new_vcpu(u32 cpu)
{
	memset(&part, 0, sizeof(part));
	part.weight = 256;
	part.vcpus[0].part = &part;
	part.vcpus[0].cpu = cpu;
	part.vcpus[0].state = VCPU_STATE_RUNNABLE;
	return &part.vcpus[0];
}

Test(sched, add_vcpu_checks_its_cpu)
{
	sched_init(2);
	cr_assert_eq(sched_add_vcpu(new_vcpu(1)), 0);
	cr_assert_eq(shim_kicks[1], 1);
	cr_assert(part.vcpus[0].on_runqueue);
	cr_assert_eq(sched_add_vcpu(new_vcpu(2)), -1, "no CPU 2");
	cr_assert_not(part.vcpus[0].on_runqueue);
}

Test(sched, charge_accounts_runtime_and_pass)
{
	struct vcpu *v = new_vcpu(0);
	struct pt_vpap vpap;

	memset(&vpap, 0, sizeof(vpap));
	v->vpap = &vpap;
	sched_charge(v, 5000);
	sched_charge(v, 7000);
	cr_assert_eq(v->runtime_ns, 12000);
	cr_assert_eq(vpap.stat_runtime_ns, 12000);
	cr_assert_eq(v->pass, sched_pass_increment(12000, 256));
}

Test(sched, event_wakes_a_blocked_vcpu)
{
	struct vcpu *v = new_vcpu(1);

	sched_init(2);
	v->state = VCPU_STATE_BLOCKED;
	cr_assert_not(vcpu_events_pending(v));
	vcpu_raise_event(v, 3);
	cr_assert_eq(v->state, VCPU_STATE_RUNNABLE);
	cr_assert_eq(v->pending_events, BIT(3));
	cr_assert(vcpu_events_pending(v));
	cr_assert_eq(shim_kicks[1], 1, "its CPU is told");
	/* A runnable vCPU is not kicked again. */
	vcpu_raise_event(v, 4);
	cr_assert_eq(shim_kicks[1], 1);
	cr_assert_eq(v->pending_events, BIT(3) | BIT(4));
}

Test(sched, events_go_to_the_vpap_once_enabled)
{
	struct vcpu *v = new_vcpu(0);
	struct pt_vpap vpap;

	sched_init(1);
	vcpu_raise_event(v, 1);
	memset(&vpap, 0, sizeof(vpap));
	v->vpap = &vpap;
	vcpu_events_to_vpap(v);
	cr_assert_eq(vpap.pending_events, BIT(1));
	cr_assert_eq(vpap.upcall_pending, 1);
	cr_assert_eq(v->pending_events, 0);
	vcpu_raise_event(v, 0);
	cr_assert_eq(vpap.pending_events, BIT(0) | BIT(1));
	cr_assert(vcpu_events_pending(v));
	vpap.pending_events = 0;
	cr_assert_not(vcpu_events_pending(v));
}

/* ---- review: more than 8 dead vCPUs on one CPU, nothing else to run ---- */
#include <hv/log.h>
#include <hv/frame.h>
extern void (*shim_idle_hook)(void);
static struct partition *rv_a, *rv_b;
static u32 dead_at_idle, idles_with_dead;
static void count_dead_at_idle(void)
{
	u32 n = 0;
	struct partition *ps[2] = { rv_a, rv_b };
	for (int k = 0; k < 2; k++)
		for (u32 i = 0; i < 8; i++)
			if (ps[k]->vcpus[i].on_runqueue)
				n++;
	if (n) {
		idles_with_dead++;
		dead_at_idle = n;
	}
}
static struct partition *mk(const char *name)
{
	struct partition_config cfg = { .name = name,
					.memory_bytes = 2 << 20,
					.vcpu_count = 8,
					.weight = 256,
					.cpu_mask = 1 };
	struct partition *p;
	const char *why = "";
	cr_assert_eq(partition_new(&cfg, &p, &why), 0, "%s", why);
	for (u64 g = 0; g < 512; g++)
		cr_assert_eq(partition_populate(p, g), 0);
	cr_assert_eq(partition_start(p, 0x100000, 0x100000, 0x100000), 0);
	return p;
}
Test(sched, regression_more_than_8_dead_on_one_cpu)
{
	shim_pool_init(4096);
	shim_cpu_count = 1;
	sched_init(1);
	rv_a = mk("a");
	rv_b = mk("b");
	partition_end(rv_a, PT_SHUTDOWN_POWEROFF, "poweroff");
	partition_end(rv_b, PT_SHUTDOWN_POWEROFF, "poweroff");
	shim_idle_hook = count_dead_at_idle;
	sched_run_cpu();
	shim_idle_hook = NULL;
	cr_expect_eq(idles_with_dead, 0,
		     "CPU halted %u time(s) with %u dead vCPU(s) still queued, "
		     "timer deadline %llu",
		     idles_with_dead, dead_at_idle,
		     (unsigned long long)shim_timer_deadline);
}
