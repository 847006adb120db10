// SPDX-License-Identifier: GPL-2.0-only
/* A root and running guests over the shim, for the messaging unit tests. */
#include "msg-env.h"

#include <criterion/criterion.h>
#include <hv/boot-info.h>
#include <hv/events.h>
#include <hv/frame.h>
#include <hv/log.h>
#include <hv/root.h>
#include <hv/sched.h>
#include <partita/msr.h>
#include <partita/vpap.h>
#include <string.h>

#include "hv-shim.h"
#include "test-util.h"

#define SEC 1000000000ull

struct partition *env_root;
u64 env_free0;
static struct boot_info bi;

/* arch_root_build stand-in: partition 0 gets RAM of its own in the pool. */
static int build_root(struct partition *p, const struct boot_info *b)
{
	if (arch_npt_init(p))
		return -1;
	for (u64 gpa = 0; gpa < ENV_ROOT_PAGES * PAGE_SIZE; gpa += PAGE_SIZE) {
		u64 hpa = frame_alloc(ROOT_PARTITION_ID, FRAME_KIND_RAM);

		if (!hpa || arch_npt_map(p, gpa, hpa, NPT_RWX))
			return -1;
	}
	p->memory_bytes = ENV_ROOT_PAGES * PAGE_SIZE;
	return 0;
}

void env_boot(u64 pool_frames)
{
	shim_reset();
	shim_pool_init(pool_frames);
	shim_cpu_count = ENV_CPUS;
	sched_init(ENV_CPUS);
	memset(&bi, 0, sizeof(bi));
	bi.config.log_level = LOG_INFO;
	bi.config.root.present = true;
	bi.config.root.cpu = 0;
	shim_root_build_fn = build_root;
	root_reserve_cpu(&bi);
	cr_assert(root_create(&bi), "%s", shim_log());
	env_root = partition_get(ROOT_PARTITION_ID);
	cr_assert_not_null(env_root);
	shim_tsc = SEC;
	env_free0 = frame_pool_stats().free;
}

void *env_gpa(const struct partition *p, u64 gpa)
{
	return (u8 *)test_gpa(p, gpa & PAGE_MASK) + (gpa & (PAGE_SIZE - 1));
}

void *env_out(struct vcpu *v)
{
	return env_gpa(v->part, ENV_OUT_GPA);
}

u64 env_call(struct vcpu *v, u64 input, u64 rdx, u64 r8, struct hcall_regs *out)
{
	struct hcall_regs r = { 0xAAAA, input, rdx, r8 };
	enum hcall_result res;
	u32 entries = 0;

	for (;;) {
		res = hcall_dispatch(v, &r, shim_tsc);
		cr_assert_lt(++entries, 100000, "no progress");
		/* A guest's call re-executes in place; the root's returns
		 * CALL_PENDING and its driver calls again with RCX. */
		if (res == HCALL_RETRY)
			continue;
		if (res == HCALL_DONE &&
		    pt_hc_status(r.rax) == PT_STATUS_CALL_PENDING) {
			cr_assert_eq(v->part->id, ROOT_PARTITION_ID);
			continue;
		}
		break;
	}
	cr_assert_neq(res, HCALL_GONE);
	if (out)
		*out = r;
	return r.rax;
}

u16 env_fast(struct vcpu *v, u16 code, u64 rdx, u64 r8, u64 *rdx_out,
	     u64 *r8_out)
{
	struct hcall_regs r;
	u64 rax = env_call(v, pt_hc_input(code, 1, 0, 0), rdx, r8, &r);

	if (rdx_out)
		*rdx_out = r.rdx;
	if (r8_out)
		*r8_out = r.r8;
	return pt_hc_status(rax);
}

u16 env_mem(struct vcpu *v, u16 code, const void *in, u32 in_size)
{
	if (in)
		memcpy(env_gpa(v->part, ENV_IN_GPA), in, in_size);
	return pt_hc_status(env_call(v, pt_hc_input(code, 0, 0, 0), ENV_IN_GPA,
				     ENV_OUT_GPA, NULL));
}

u64 env_rep(struct vcpu *v, u16 code, u32 count, u64 rdx, u64 r8)
{
	return env_call(v, pt_hc_input(code, 0, count, 0), rdx, r8, NULL);
}

struct pt_vpap *env_vpap(struct vcpu *v)
{
	u64 gpa = ENV_VPAP_GPA + v->index * PAGE_SIZE;
	struct pt_vpap *vpap = env_gpa(v->part, gpa);

	memset(vpap, 0, sizeof(*vpap));
	vpap->magic = PT_VPAP_MAGIC;
	spin_lock(&v->vpap_lock);
	v->vpap_msr = gpa | PT_MSR_PAGE_ENABLE;
	v->vpap = vpap;
	spin_unlock(&v->vpap_lock);
	vcpu_events_to_vpap(v);
	return vpap;
}

struct partition *env_guest_seeded(const char *name, u32 vcpus, u32 max_ports,
				   u32 grant_frames)
{
	struct pt_partition_create_in in;
	struct pt_partition_start_in start = { 0, 0, 0x100040, 0x100000,
					       0x100100 };
	struct vcpu *rv = &env_root->vcpus[0];
	struct partition *p;
	u64 rax;
	u32 id;

	memset(&in, 0, sizeof(in));
	strcpy(in.name, name);
	in.memory_bytes = ENV_GUEST_BYTES;
	in.vcpu_count = vcpus;
	in.weight = 256;
	in.cpu_mask = ~0ull;
	in.max_event_ports = max_ports;
	in.max_grant_frames = grant_frames;
	cr_assert_eq(env_mem(rv, PT_CALL_PARTITION_CREATE, &in, sizeof(in)),
		     PT_STATUS_SUCCESS, "%s", shim_log());
	id = ((struct pt_partition_create_out *)env_out(rv))->id;
	rax = env_call(rv,
		       pt_hc_input(PT_CALL_PARTITION_POPULATE, 1,
				   ENV_GUEST_BYTES / PAGE_SIZE, 0),
		       id, 0, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_SUCCESS);
	start.id = id;
	cr_assert_eq(
		env_mem(rv, PT_CALL_PARTITION_START, &start, sizeof(start)),
		PT_STATUS_SUCCESS, "%s", shim_log());
	p = partition_get(id);
	cr_assert_not_null(p);
	/* The guest's hypercall page, as its MSR write would enable it. */
	p->hypercall_msr = ENV_HCALL_GPA | PT_MSR_PAGE_ENABLE;
	return p;
}

/*
 * The messaging tests lay out their own pages where the store's would be
 * (msg-env.h): their guests first give up what the hypervisor registered
 * for the store, as a guest may, and start from nothing.
 */
struct partition *env_guest(const char *name, u32 vcpus, u32 max_ports,
			    u32 grant_frames)
{
	struct partition *p =
		env_guest_seeded(name, vcpus, max_ports, grant_frames);

	cr_assert_eq(env_fast(&p->vcpus[0], PT_CALL_EVTCHN_SET_PAGE, 0, 0, NULL,
			      NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(env_fast(&p->vcpus[0], PT_CALL_GRANT_SET_TABLE, 0, 0, NULL,
			      NULL),
		     PT_STATUS_SUCCESS);
	return p;
}

u32 env_destroy(u32 id)
{
	struct hcall_regs r = { 0xAAAA,
				pt_hc_input(PT_CALL_PARTITION_DESTROY, 1, 0, 0),
				id, 0 };
	struct partition *p = partition_get(id);
	u32 entries = 0, gone = 0;

	cr_assert_not_null(p);
	for (;;) {
		enum hcall_result res =
			hcall_dispatch(&env_root->vcpus[0], &r, shim_tsc);

		cr_assert_eq(res, HCALL_DONE);
		if (pt_hc_status(r.rax) != PT_STATUS_CALL_PENDING)
			break;
		cr_assert_lt(++entries, 100000, "no progress");
		/* The vCPUs' CPUs take them off between two entries. */
		for (u32 i = 0; i < p->vcpu_count; i++) {
			if (p->vcpus[i].state == VCPU_STATE_DEAD &&
			    !(gone & BIT(i))) {
				gone |= BIT(i);
				partition_vcpu_gone(&p->vcpus[i]);
			}
		}
	}
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_SUCCESS);
	cr_assert_null(partition_get(id));
	return entries + 1;
}

void env_reuse_id_next(u32 id)
{
	struct pt_partition_create_in in;
	struct vcpu *rv = &env_root->vcpus[0];
	u32 prev = id == 1 ? MAX_PARTITIONS - 1 : id - 1, got;

	cr_assert_null(partition_get(id), "id %u is in use", id);
	memset(&in, 0, sizeof(in));
	strcpy(in.name, "filler");
	in.memory_bytes = ENV_GUEST_BYTES;
	in.vcpu_count = 1;
	in.weight = 1;
	in.cpu_mask = ~0ull;
	/* Ids go round: created and destroyed fillers move the next id on
	 * until it is `id` again. */
	for (u32 n = 0; n < MAX_PARTITIONS; n++) {
		cr_assert_eq(
			env_mem(rv, PT_CALL_PARTITION_CREATE, &in, sizeof(in)),
			PT_STATUS_SUCCESS, "%s", shim_log());
		got = ((struct pt_partition_create_out *)env_out(rv))->id;
		env_destroy(got);
		if (got == prev)
			return;
	}
	cr_assert_fail("id %u does not come round", id);
}

void env_pool_is_back(void)
{
	cr_assert_eq(frame_pool_check(), 0);
	cr_assert_eq(frame_held_count(), 0);
	cr_assert_eq(frame_pool_stats().free, env_free0, "%llu of %llu free",
		     (unsigned long long)frame_pool_stats().free,
		     (unsigned long long)env_free0);
}
