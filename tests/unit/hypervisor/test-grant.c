// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of grant tables: mapping, copying, counts and held frames. */
#include <criterion/criterion.h>
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <partita/grants.h>
#include <partita/hypercall.h>
#include <string.h>

#include "hv-shim.h"
#include "msg-env.h"

#define WIN PT_GUEST_GRANT_WINDOW_GPA
#define MAP_IN_GPA ENV_LIST_GPA
#define MAP_OUT_GPA (ENV_LIST_GPA + 4 * PAGE_SIZE)

/* Granter A, mapper B, bystander C (2 vCPUs); the root is partition 0. */
static struct partition *pa, *pb, *pc;
static struct vcpu *va, *vb, *vc, *vr;

static void setup(void)
{
	env_boot(ENV_POOL_FOR(4));
	pa = env_guest("alpha", 1, 0, 0);
	pb = env_guest("beta", 2, 0, 0);
	pc = env_guest("gamma", 1, 0, 2);
	va = &pa->vcpus[0];
	vb = &pb->vcpus[0];
	vc = &pc->vcpus[0];
	vr = &env_root->vcpus[0];
}

TestSuite(grant, .init = setup, .fini = shim_teardown);

/* ---- Helpers ---------------------------------------------------------- */

static u16 set_table(struct vcpu *v, u64 gpa, u64 frames)
{
	return env_fast(v, PT_CALL_GRANT_SET_TABLE, gpa, frames, NULL, NULL);
}

static struct pt_grant_entry *entry(struct partition *p, u32 ref)
{
	return (struct pt_grant_entry *)env_gpa(p, ENV_TABLE_GPA) + ref;
}

/* Data page i of a partition: GPA and host view. */
static u64 data_gpa(u32 i)
{
	return ENV_DATA_GPA + i * PAGE_SIZE;
}

static u8 *data(struct partition *p, u32 i)
{
	return env_gpa(p, data_gpa(i));
}

static void grant(struct partition *p, u32 ref, u32 target, u64 gpa, u16 flags)
{
	struct pt_grant_entry *e = entry(p, ref);

	e->target = (u16)target;
	e->gpfn = (u32)(gpa >> PAGE_SHIFT);
	e->flags = flags;
}

/* A with a one-frame table granting data page `page` as `ref` to B. */
static void a_grants(u32 ref, u32 page, u16 flags)
{
	if (!pa->grant.frames)
		cr_assert_eq(set_table(va, ENV_TABLE_GPA, 1),
			     PT_STATUS_SUCCESS);
	grant(pa, ref, pb->id, data_gpa(page), flags);
}

static void map_in(struct vcpu *v, u32 i, u32 granter, u32 ref, u16 flags,
		   u64 gpa)
{
	struct pt_grant_map_in *in = env_gpa(v->part, MAP_IN_GPA);

	in[i] = (struct pt_grant_map_in){ (u16)granter, flags, ref, gpa };
}

static u32 handle_out(struct vcpu *v, u32 i)
{
	struct pt_grant_map_out *out = env_gpa(v->part, MAP_OUT_GPA);

	cr_assert_eq(out[i].reserved, 0);
	return out[i].handle;
}

/* GRANT_MAP of the first n elements of the list; returns RAX. */
static u64 map_n(struct vcpu *v, u32 n)
{
	return env_rep(v, PT_CALL_GRANT_MAP, n, MAP_IN_GPA, MAP_OUT_GPA);
}

static u64 hpa_of(struct partition *p, u64 gpa, u32 *flags);

/* One GRANT_MAP element; a refused one must leave nothing mapped. */
static u16 map1(struct vcpu *v, u32 granter, u32 ref, u16 flags, u64 gpa,
		u32 *handle)
{
	u64 before = hpa_of(v->part, gpa & PAGE_MASK, NULL), rax;

	memset(env_gpa(v->part, MAP_OUT_GPA), 0xEE, 8);
	map_in(v, 0, granter, ref, flags, gpa);
	rax = map_n(v, 1);
	if (pt_hc_status(rax) == PT_STATUS_SUCCESS) {
		cr_assert_eq(pt_hc_reps_done(rax), 1);
		if (handle)
			*handle = handle_out(v, 0);
	} else {
		cr_assert_eq(pt_hc_reps_done(rax), 0);
		cr_assert_eq(hpa_of(v->part, gpa & PAGE_MASK, NULL), before,
			     "a refused map (0x%x) changed the mapping",
			     pt_hc_status(rax));
	}
	return pt_hc_status(rax);
}

static u32 map_ok(struct vcpu *v, u32 granter, u32 ref, u16 flags, u64 gpa)
{
	u32 handle = ~0u;
	u16 status = map1(v, granter, ref, flags, gpa, &handle);

	cr_assert_eq(status, PT_STATUS_SUCCESS, "GRANT_MAP: 0x%x", status);
	return handle;
}

static u16 unmap(struct vcpu *v, u64 handle)
{
	*(u64 *)env_gpa(v->part, MAP_IN_GPA) = handle;
	return pt_hc_status(env_rep(v, PT_CALL_GRANT_UNMAP, 1, MAP_IN_GPA, 0));
}

static u16 copy(struct vcpu *v, u32 granter, u32 ref, u16 flags, u32 offset,
		u32 length, u64 local)
{
	struct pt_grant_copy *in = env_gpa(v->part, MAP_IN_GPA);

	*in = (struct pt_grant_copy){ (u16)granter, flags,  ref,
				      offset,	    length, local };
	return pt_hc_status(env_rep(v, PT_CALL_GRANT_COPY, 1, MAP_IN_GPA, 0));
}

static u16 end_access(struct vcpu *v, u64 ref)
{
	return env_fast(v, PT_CALL_GRANT_END_ACCESS, ref, 0, NULL, NULL);
}

static u16 query(struct vcpu *v, u64 ref, u64 *maps, u64 *flags)
{
	return env_fast(v, PT_CALL_GRANT_QUERY, ref, 0, maps, flags);
}

static u64 maps_of(struct vcpu *v, u32 ref)
{
	u64 maps = ~0ull;

	cr_assert_eq(query(v, ref, &maps, NULL), PT_STATUS_SUCCESS);
	return maps;
}

static u64 hpa_of(struct partition *p, u64 gpa, u32 *flags)
{
	u32 f = 0;
	u64 hpa = arch_npt_lookup(p, gpa, &f);

	if (flags)
		*flags = f;
	return hpa;
}

/* ---- The table -------------------------------------------------------- */

Test(grant, set_table_checks_and_counts)
{
	u64 owned = frame_count_owned(pa->id);

	cr_assert_eq(set_table(vr, 0x58000, 1), PT_STATUS_OPERATION_DENIED,
		     "the root only maps");
	cr_assert_eq(set_table(va, ENV_TABLE_GPA, 0),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(set_table(va, ENV_TABLE_GPA, PT_GRANT_FRAMES_MAX + 1),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(set_table(va, ENV_TABLE_GPA, 1ull << 32 | 1),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(set_table(va, ENV_TABLE_GPA, PT_GRANT_DEFAULT_FRAMES + 1),
		     PT_STATUS_INVALID_PARAMETER, "over its max_grant_frames");
	cr_assert_eq(set_table(vc, ENV_TABLE_GPA, 3),
		     PT_STATUS_INVALID_PARAMETER, "gamma's is 2");
	cr_assert_eq(set_table(va, 0, 1), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(set_table(va, ENV_TABLE_GPA + 64, 1),
		     PT_STATUS_INVALID_ALIGNMENT);
	cr_assert_eq(set_table(va, ENV_GUEST_BYTES, 1), PT_STATUS_INVALID_GPA);
	cr_assert_eq(set_table(va, ENV_GUEST_BYTES - PAGE_SIZE, 2),
		     PT_STATUS_INVALID_GPA, "runs past the end of RAM");
	cr_assert_eq(set_table(va, ENV_HCALL_GPA - PAGE_SIZE, 2),
		     PT_STATUS_INVALID_PARAMETER, "over the hypercall page");
	env_vpap(va);
	cr_assert_eq(set_table(va, ENV_VPAP_GPA, 1),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(env_fast(va, PT_CALL_EVTCHN_SET_PAGE, ENV_EVENT_GPA, 0,
			      NULL, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(set_table(va, ENV_EVENT_GPA - 4 * PAGE_SIZE, 8),
		     PT_STATUS_INVALID_PARAMETER, "over the event page");
	cr_assert_eq(pa->grant.frames, 0);
	cr_assert_eq(frame_count_owned(pa->id), owned);

	/* 32 frames: 16384 refs, counted in 8 frames of the partition's. */
	cr_assert_eq(set_table(va, ENV_TABLE_GPA, PT_GRANT_DEFAULT_FRAMES),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(pa->grant.frames, PT_GRANT_DEFAULT_FRAMES);
	cr_assert_eq(pa->grant.table_gpa, ENV_TABLE_GPA);
	cr_assert_eq(frame_count_owned(pa->id), owned + 8);
	cr_assert_eq(query(va, 32 * 512 - 1, NULL, NULL), PT_STATUS_SUCCESS);
	cr_assert_eq(query(va, 32 * 512, NULL, NULL),
		     PT_STATUS_INVALID_GRANT_REF);
	/* A new table must be clear of the old one (it is a shared page
	 * like the others); elsewhere it replaces it, here smaller. */
	cr_assert_eq(set_table(va, ENV_TABLE_GPA, 1),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(set_table(va, ENV_DATA_GPA, 1), PT_STATUS_SUCCESS);
	cr_assert_eq(pa->grant.table_gpa, ENV_DATA_GPA);
	cr_assert_eq(frame_count_owned(pa->id), owned + 1);
	cr_assert_eq(query(va, 512, NULL, NULL), PT_STATUS_INVALID_GRANT_REF);
	/* Forgotten: its count frames go back. */
	cr_assert_eq(set_table(va, 0, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(frame_count_owned(pa->id), owned);
	cr_assert_eq(query(va, 0, NULL, NULL), PT_STATUS_INVALID_GRANT_REF);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(grant, the_largest_table)
{
	struct partition *pd = env_guest("delta", 1, 0, PT_GRANT_FRAMES_MAX);
	struct vcpu *vd = &pd->vcpus[0];
	u32 last = PT_GRANT_FRAMES_MAX * PT_GRANT_ENTRIES_PER_FRAME - 1;

	cr_assert_eq(set_table(vd, ENV_TABLE_GPA, PT_GRANT_FRAMES_MAX),
		     PT_STATUS_SUCCESS);
	grant(pd, last, pb->id, data_gpa(0), PT_GRANT_PERMIT);
	map_ok(vb, pd->id, last, 0, WIN);
	cr_assert_eq(maps_of(vd, last), 1);
	cr_assert_eq(map1(vb, pd->id, last + 1, 0, WIN + PAGE_SIZE, NULL),
		     PT_STATUS_INVALID_GRANT_REF);
}

Test(grant, set_table_while_mapped_is_refused)
{
	u32 h;

	a_grants(1, 0, PT_GRANT_PERMIT);
	h = map_ok(vb, pa->id, 1, 0, WIN);
	cr_assert_eq(set_table(va, ENV_DATA_GPA + 8 * PAGE_SIZE, 2),
		     PT_STATUS_OBJECT_IN_USE);
	cr_assert_eq(set_table(va, 0, 0), PT_STATUS_OBJECT_IN_USE);
	cr_assert_eq(pa->grant.frames, 1);
	cr_assert_eq(maps_of(va, 1), 1);
	cr_assert_eq(unmap(vb, h), PT_STATUS_SUCCESS);
	cr_assert_eq(set_table(va, 0, 0), PT_STATUS_SUCCESS);
}

/* ---- Mapping ---------------------------------------------------------- */

Test(grant, map_into_the_window_shares_the_frame)
{
	u64 base = 0, size = 0, hpa, maps, flags;
	u32 h, f;

	cr_assert_eq(env_fast(vb, PT_CALL_GRANT_WINDOW, 0, 0, &base, &size),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(base, WIN);
	cr_assert_eq(size, PT_GUEST_GRANT_WINDOW_SIZE);
	a_grants(5, 2, PT_GRANT_PERMIT);
	memcpy(data(pa, 2), "granted page", 13);
	h = map_ok(vb, pa->id, 5, 0, WIN + 7 * PAGE_SIZE);
	hpa = hpa_of(pb, WIN + 7 * PAGE_SIZE, &f);
	cr_assert_eq(hpa, hpa_of(pa, data_gpa(2), NULL));
	cr_assert(f & NPT_WRITE);
	cr_assert_str_eq(env_gpa(pb, WIN + 7 * PAGE_SIZE), "granted page");
	memcpy(env_gpa(pb, WIN + 7 * PAGE_SIZE), "written by B", 13);
	cr_assert_str_eq((char *)data(pa, 2), "written by B");
	cr_assert_eq(query(va, 5, &maps, &flags), PT_STATUS_SUCCESS);
	cr_assert_eq(maps, 1);
	cr_assert_eq(flags, PT_GRANT_PERMIT);
	cr_assert_eq(frame_lookup(hpa)->refs, 1);
	cr_assert_eq(frame_lookup(hpa)->owner, pa->id);
	cr_assert_eq(pa->grant.refs_mapped, 1);
	cr_assert_eq(pb->grant.maps_held, 1);
	cr_assert_eq(pb->grant.maps_done, 1);
	/* The same grant again elsewhere: two mappings, one ref in use. */
	map_ok(vb, pa->id, 5, PT_GRANT_MAP_READONLY, WIN + PAGE_SIZE);
	cr_assert_eq(maps_of(va, 5), 2);
	cr_assert_eq(frame_lookup(hpa)->refs, 2);
	cr_assert_eq(pa->grant.refs_mapped, 1);
	cr_assert_eq(pb->grant.maps_held, 2);
	/* Handles are small numbers of B's. */
	cr_assert_lt(h, PT_GRANT_MAPS_MAX);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(grant, map_gpa_must_be_free_and_in_the_window)
{
	a_grants(1, 0, PT_GRANT_PERMIT);
	cr_assert_eq(map1(vb, pa->id, 1, 0, WIN - PAGE_SIZE, NULL),
		     PT_STATUS_INVALID_GPA);
	cr_assert_eq(map1(vb, pa->id, 1, 0, data_gpa(0), NULL),
		     PT_STATUS_INVALID_GPA, "its RAM");
	cr_assert_eq(
		map1(vb, pa->id, 1, 0, WIN + PT_GUEST_GRANT_WINDOW_SIZE, NULL),
		PT_STATUS_INVALID_GPA);
	cr_assert_eq(map1(vb, pa->id, 1, 0, WIN + 0x800, NULL),
		     PT_STATUS_INVALID_GPA, "misaligned");
	cr_assert_eq(map1(vb, pa->id, 1, 0, ~0ull & PAGE_MASK, NULL),
		     PT_STATUS_INVALID_GPA);
	cr_assert_eq(map1(vb, pa->id, 1, 2, WIN, NULL),
		     PT_STATUS_INVALID_PARAMETER, "unknown map flag");
	cr_assert_eq(pa->grant.refs_mapped, 0);
	map_ok(vb, pa->id, 1, 0, WIN + PT_GUEST_GRANT_WINDOW_SIZE - PAGE_SIZE);
	cr_assert_eq(map1(vb, pa->id, 1, 0,
			  WIN + PT_GUEST_GRANT_WINDOW_SIZE - PAGE_SIZE, NULL),
		     PT_STATUS_INVALID_GPA, "in use");
	cr_assert_eq(maps_of(va, 1), 1, "the refused one is not counted");
	cr_assert_eq(pb->grant.maps_held, 1);
	cr_assert_eq(frame_lookup(hpa_of(pa, data_gpa(0), NULL))->refs, 1);
}

Test(grant, map_refusals_count_nothing)
{
	u32 f;

	a_grants(1, 0, PT_GRANT_PERMIT | PT_GRANT_READONLY);
	a_grants(2, 1, 0); /* target and gpfn, but no PERMIT */
	a_grants(3, 0, PT_GRANT_PERMIT);
	entry(pa, 3)->target = (u16)pc->id;
	a_grants(4, 0, PT_GRANT_PERMIT);
	entry(pa, 4)->gpfn = ENV_GUEST_BYTES >> PAGE_SHIFT;
	a_grants(6, 0, PT_GRANT_PERMIT);
	entry(pa, 6)->gpfn = (u32)(WIN >> PAGE_SHIFT);

	cr_assert_eq(map1(vb, pa->id, 1, 0, WIN, NULL), PT_STATUS_ACCESS_DENIED,
		     "RW map of a RO grant");
	cr_assert_eq(map1(vb, pa->id, 2, 0, WIN, NULL),
		     PT_STATUS_INVALID_GRANT_REF, "no PERMIT");
	cr_assert_eq(map1(vb, pa->id, 7, 0, WIN, NULL),
		     PT_STATUS_INVALID_GRANT_REF, "an empty entry");
	cr_assert_eq(map1(vb, pa->id, 512, 0, WIN, NULL),
		     PT_STATUS_INVALID_GRANT_REF, "beyond the table");
	cr_assert_eq(map1(vb, pa->id, ~0u, 0, WIN, NULL),
		     PT_STATUS_INVALID_GRANT_REF);
	cr_assert_eq(map1(vb, pa->id, 3, 0, WIN, NULL), PT_STATUS_ACCESS_DENIED,
		     "meant for C");
	cr_assert_eq(map1(vc, pa->id, 1, PT_GRANT_MAP_READONLY, WIN, NULL),
		     PT_STATUS_ACCESS_DENIED, "meant for B");
	cr_assert_eq(map1(vb, pa->id, 4, 0, WIN, NULL), PT_STATUS_INVALID_GPA,
		     "beyond A's RAM");
	cr_assert_eq(map1(vb, pa->id, 6, 0, WIN, NULL), PT_STATUS_INVALID_GPA,
		     "A's window");
	cr_assert_eq(map1(vb, 9, 1, 0, WIN, NULL),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(map1(vb, 0xFFFF, 1, 0, WIN, NULL),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(map1(vb, pc->id, 0, 0, WIN, NULL),
		     PT_STATUS_INVALID_GRANT_REF, "C has no table");
	cr_assert_eq(map1(vb, ROOT_PARTITION_ID, 0, 0, WIN, NULL),
		     PT_STATUS_INVALID_GRANT_REF, "the root grants nothing");
	cr_assert_eq(pa->grant.refs_mapped, 0);
	cr_assert_eq(pb->grant.maps_held, 0);
	cr_assert_eq(pb->grant.maps_done, 0);
	cr_assert_eq(hpa_of(pb, WIN, NULL), NPT_NO_PAGE);
	cr_assert_eq(frame_lookup(hpa_of(pa, data_gpa(0), NULL))->refs, 0);
	/* Read-only is always allowed, and maps read-only. */
	map_ok(vb, pa->id, 1, PT_GRANT_MAP_READONLY, WIN);
	cr_assert_neq(hpa_of(pb, WIN, &f), NPT_NO_PAGE);
	cr_assert_not(f & NPT_WRITE);
}

Test(grant, no_transitive_grants)
{
	u32 h;

	/* C grants its page to A; A maps it and grants that GPA on to B. */
	cr_assert_eq(set_table(vc, ENV_TABLE_GPA, 1), PT_STATUS_SUCCESS);
	grant(pc, 0, pa->id, data_gpa(0), PT_GRANT_PERMIT);
	h = map_ok(va, pc->id, 0, 0, WIN);
	a_grants(1, 0, PT_GRANT_PERMIT);
	entry(pa, 1)->gpfn = (u32)(WIN >> PAGE_SHIFT);
	cr_assert_eq(map1(vb, pa->id, 1, 0, WIN, NULL), PT_STATUS_INVALID_GPA);
	cr_assert_eq(copy(vb, pa->id, 1, 0, 0, 8, data_gpa(0)),
		     PT_STATUS_INVALID_GPA);
	cr_assert_eq(maps_of(vc, 0), 1);
	cr_assert_eq(unmap(va, h), PT_STATUS_SUCCESS);
}

Test(grant, a_partition_may_map_its_own_grant)
{
	cr_assert_eq(set_table(va, ENV_TABLE_GPA, 1), PT_STATUS_SUCCESS);
	grant(pa, 0, pa->id, data_gpa(1), PT_GRANT_PERMIT);
	map_ok(va, pa->id, 0, 0, WIN);
	cr_assert_eq(hpa_of(pa, WIN, NULL), hpa_of(pa, data_gpa(1), NULL));
	cr_assert_eq(end_access(va, 0), PT_STATUS_OBJECT_IN_USE);
	env_destroy(pa->id);
	env_destroy(pb->id);
	env_destroy(pc->id);
	env_pool_is_back();
}

/* ---- Unmapping and ending access -------------------------------------- */

Test(grant, unmap_flushes_and_end_access_waits_for_it)
{
	u64 hpa = hpa_of(pa, data_gpa(0), NULL), maps, flags;
	u32 h;

	a_grants(9, 0, PT_GRANT_PERMIT | PT_GRANT_READONLY);
	h = map_ok(vb, pa->id, 9, PT_GRANT_MAP_READONLY, WIN);
	cr_assert_eq(end_access(va, 9), PT_STATUS_OBJECT_IN_USE);
	cr_assert_eq(entry(pa, 9)->flags, PT_GRANT_PERMIT | PT_GRANT_READONLY,
		     "busy: the entry stays");
	/* Handles that are not mapped. */
	cr_assert_eq(unmap(vb, h + 1), PT_STATUS_INVALID_HANDLE);
	cr_assert_eq(unmap(vb, PT_GRANT_MAPS_MAX), PT_STATUS_INVALID_HANDLE);
	cr_assert_eq(unmap(vb, PT_GRANT_MAPS_MAX - 1),
		     PT_STATUS_INVALID_HANDLE);
	cr_assert_eq(unmap(vb, ~0ull), PT_STATUS_INVALID_HANDLE);
	cr_assert_eq(unmap(va, h), PT_STATUS_INVALID_HANDLE, "B's handle");
	cr_assert_eq(unmap(vc, h), PT_STATUS_INVALID_HANDLE);
	cr_assert_eq(shim_npt_flushes, 0);
	cr_assert_eq(maps_of(va, 9), 1);

	cr_assert_eq(unmap(vb, h), PT_STATUS_SUCCESS);
	cr_assert_eq(shim_npt_flushes, 1);
	cr_assert_eq(pb->vcpus[0].arch.flushes, 1);
	cr_assert_eq(pb->vcpus[1].arch.flushes, 1, "every vCPU of B");
	cr_assert_eq(pa->vcpus[0].arch.flushes, 0);
	cr_assert_eq(hpa_of(pb, WIN, NULL), NPT_NO_PAGE);
	cr_assert_eq(frame_lookup(hpa)->refs, 0);
	cr_assert_eq(pb->grant.maps_held, 0);
	cr_assert_eq(pa->grant.refs_mapped, 0);
	cr_assert_eq(unmap(vb, h), PT_STATUS_INVALID_HANDLE, "twice");

	cr_assert_eq(query(va, 9, &maps, &flags), PT_STATUS_SUCCESS);
	cr_assert_eq(maps, 0);
	cr_assert_eq(flags, PT_GRANT_PERMIT | PT_GRANT_READONLY);
	cr_assert_eq(end_access(va, 9), PT_STATUS_SUCCESS);
	cr_assert_eq(entry(pa, 9)->flags, 0);
	cr_assert_eq(query(va, 9, &maps, &flags), PT_STATUS_SUCCESS);
	cr_assert_eq(flags, 0);
	cr_assert_eq(map1(vb, pa->id, 9, PT_GRANT_MAP_READONLY, WIN, NULL),
		     PT_STATUS_INVALID_GRANT_REF, "ended");
	/* Its GPA is free for another mapping. */
	grant(pa, 9, pb->id, data_gpa(0), PT_GRANT_PERMIT);
	map_ok(vb, pa->id, 9, 0, WIN);
	cr_assert_eq(end_access(va, 512), PT_STATUS_INVALID_GRANT_REF);
	cr_assert_eq(end_access(va, 1ull << 32), PT_STATUS_INVALID_GRANT_REF);
	cr_assert_eq(query(va, 1ull << 32 | 9, NULL, NULL),
		     PT_STATUS_INVALID_GRANT_REF);
	cr_assert_eq(end_access(vb, 0), PT_STATUS_INVALID_GRANT_REF,
		     "B has no table");
}

Test(grant, a_guest_clearing_its_entry_stops_new_mappings_only)
{
	a_grants(2, 0, PT_GRANT_PERMIT);
	map_ok(vb, pa->id, 2, 0, WIN);
	entry(pa, 2)->flags = 0;
	cr_assert_eq(map1(vb, pa->id, 2, 0, WIN + PAGE_SIZE, NULL),
		     PT_STATUS_INVALID_GRANT_REF);
	cr_assert_eq(maps_of(va, 2), 1);
	cr_assert_eq(end_access(va, 2), PT_STATUS_OBJECT_IN_USE);
	cr_assert_neq(hpa_of(pb, WIN, NULL), NPT_NO_PAGE);
}

/* ---- Rep calls -------------------------------------------------------- */

Test(grant, rep_map_stops_at_the_first_failure)
{
	u32 handles[6];
	u64 rax, *list;

	cr_assert_eq(set_table(va, ENV_TABLE_GPA, 1), PT_STATUS_SUCCESS);
	for (u32 i = 0; i < 10; i++) {
		grant(pa, 10 + i, pb->id, data_gpa(i), PT_GRANT_PERMIT);
		map_in(vb, i, pa->id, 10 + i, 0, WIN + i * PAGE_SIZE);
	}
	entry(pa, 16)->flags = 0; /* element 6 fails */
	memset(env_gpa(pb, MAP_OUT_GPA), 0xEE, 80);
	rax = map_n(vb, 10);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_GRANT_REF);
	cr_assert_eq(pt_hc_reps_done(rax), 6);
	for (u32 i = 0; i < 10; i++) {
		u64 hpa = hpa_of(pb, WIN + i * PAGE_SIZE, NULL);

		if (i < 6) {
			handles[i] = handle_out(vb, i);
			cr_assert_eq(hpa, hpa_of(pa, data_gpa(i), NULL));
			cr_assert_eq(maps_of(va, 10 + i), 1);
		} else {
			cr_assert_eq(hpa, NPT_NO_PAGE, "element %u", i);
			cr_assert_eq(maps_of(va, 10 + i), 0);
			cr_assert_eq(*(u32 *)env_gpa(pb, MAP_OUT_GPA + 8 * i),
				     0xEEEEEEEE, "no output for %u", i);
		}
	}
	cr_assert_eq(pb->grant.maps_held, 6);
	cr_assert_eq(pb->grant.maps_done, 6);
	/* The caller unwinds them with one rep unmap. */
	list = env_gpa(pb, MAP_IN_GPA);
	for (u32 i = 0; i < 6; i++)
		list[i] = handles[i];
	rax = env_rep(vb, PT_CALL_GRANT_UNMAP, 6, MAP_IN_GPA, 0);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_SUCCESS);
	cr_assert_eq(pt_hc_reps_done(rax), 6);
	cr_assert_eq(pb->grant.maps_held, 0);
	cr_assert_eq(pa->grant.refs_mapped, 0);
}

Test(grant, rep_map_of_many_pages_with_continuations)
{
	u32 n = 256;
	u64 rax, *list;

	shim_tsc_step = 2000; /* 2 us per clock read: many entries */
	cr_assert_eq(set_table(va, ENV_TABLE_GPA, 1), PT_STATUS_SUCCESS);
	for (u32 i = 0; i < n; i++) {
		grant(pa, i, pb->id, (u64)(256 + i) * PAGE_SIZE,
		      PT_GRANT_PERMIT);
		map_in(vb, i, pa->id, i, 0, WIN + i * PAGE_SIZE);
	}
	rax = map_n(vb, n);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_SUCCESS);
	cr_assert_eq(pt_hc_reps_done(rax), n);
	cr_assert_gt(hcall_stat_entries(&pb->hcall_stats[PT_CALL_GRANT_MAP]), 1,
		     "one entry did it all");
	cr_assert_eq(pb->grant.maps_held, n);
	cr_assert_eq(pa->grant.refs_mapped, n);
	list = env_gpa(pb, MAP_IN_GPA);
	for (u32 i = 0; i < n; i++) {
		cr_assert_eq(hpa_of(pb, WIN + i * PAGE_SIZE, NULL),
			     hpa_of(pa, (u64)(256 + i) * PAGE_SIZE, NULL));
		list[i] = handle_out(vb, i);
	}
	rax = env_rep(vb, PT_CALL_GRANT_UNMAP, n, MAP_IN_GPA, 0);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_SUCCESS);
	cr_assert_eq(pa->grant.refs_mapped, 0);
	cr_assert_eq(frame_pool_check(), 0);
}

/* ---- Copying ---------------------------------------------------------- */

Test(grant, copy_both_ways_and_its_bounds)
{
	struct pt_grant_copy *el;
	u64 rax;

	a_grants(4, 3, PT_GRANT_PERMIT);
	a_grants(5, 4, PT_GRANT_PERMIT | PT_GRANT_READONLY);
	for (u32 i = 0; i < PAGE_SIZE; i++)
		data(pa, 3)[i] = (u8)(i * 3);
	memset(data(pb, 0), 0, PAGE_SIZE);
	cr_assert_eq(copy(vb, pa->id, 4, 0, 100, 50, data_gpa(0) + 10),
		     PT_STATUS_SUCCESS);
	for (u32 i = 0; i < 50; i++)
		cr_assert_eq(data(pb, 0)[10 + i], (u8)((100 + i) * 3));
	cr_assert_eq(data(pb, 0)[9], 0);
	cr_assert_eq(data(pb, 0)[60], 0);
	/* To the grant, a whole page. */
	memset(data(pb, 1), 0x42, PAGE_SIZE);
	cr_assert_eq(copy(vb, pa->id, 4, PT_GRANT_COPY_TO_GRANT, 0, PAGE_SIZE,
			  data_gpa(1)),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(data(pa, 3)[0], 0x42);
	cr_assert_eq(data(pa, 3)[PAGE_SIZE - 1], 0x42);
	cr_assert_eq(pb->grant.copies_done, 2);
	/* A copy holds no mapping once done. */
	cr_assert_eq(maps_of(va, 4), 0);
	cr_assert_eq(frame_lookup(hpa_of(pa, data_gpa(3), NULL))->refs, 0);

	/* Read-only grants copy one way only. */
	cr_assert_eq(copy(vb, pa->id, 5, 0, 0, 8, data_gpa(0)),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(
		copy(vb, pa->id, 5, PT_GRANT_COPY_TO_GRANT, 0, 8, data_gpa(0)),
		PT_STATUS_ACCESS_DENIED);
	/* Bounds. */
	cr_assert_eq(copy(vb, pa->id, 4, 0, 0, 0, data_gpa(0)),
		     PT_STATUS_INVALID_PARAMETER, "empty");
	cr_assert_eq(copy(vb, pa->id, 4, 0, 0, PAGE_SIZE + 1, data_gpa(0)),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(copy(vb, pa->id, 4, 0, 1, PAGE_SIZE, data_gpa(0)),
		     PT_STATUS_INVALID_PARAMETER, "past the granted page");
	cr_assert_eq(copy(vb, pa->id, 4, 0, PAGE_SIZE - 8, 9, data_gpa(0)),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(copy(vb, pa->id, 4, 0, ~0u, 2, data_gpa(0)),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(copy(vb, pa->id, 4, 0, 0, 16, data_gpa(1) - 8),
		     PT_STATUS_INVALID_PARAMETER, "across a local page");
	cr_assert_eq(copy(vb, pa->id, 4, 2, 0, 16, data_gpa(0)),
		     PT_STATUS_INVALID_PARAMETER, "unknown flag");
	cr_assert_eq(copy(vb, pa->id, 4, 0, 0, 16, ENV_GUEST_BYTES),
		     PT_STATUS_INVALID_GPA);
	cr_assert_eq(copy(vb, pa->id, 4, 0, 0, 16, WIN), PT_STATUS_INVALID_GPA,
		     "the window is not RAM");
	cr_assert_eq(copy(vc, pa->id, 4, 0, 0, 16, data_gpa(0)),
		     PT_STATUS_ACCESS_DENIED, "meant for B");
	cr_assert_eq(copy(vb, pa->id, 600, 0, 0, 16, data_gpa(0)),
		     PT_STATUS_INVALID_GRANT_REF);
	cr_assert_eq(pb->grant.copies_done, 3);

	/* A rep of three, the last one failing. */
	el = env_gpa(pb, MAP_IN_GPA);
	el[0] = (struct pt_grant_copy){ (u16)pa->id, 0, 4, 0, 4, data_gpa(2) };
	el[1] = (struct pt_grant_copy){
		(u16)pa->id, 0, 5, 0, 4, data_gpa(2) + 4
	};
	el[2] = (struct pt_grant_copy){ (u16)pa->id, 0, 6, 0, 4, data_gpa(2) };
	rax = env_rep(vb, PT_CALL_GRANT_COPY, 3, MAP_IN_GPA, 0);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_GRANT_REF);
	cr_assert_eq(pt_hc_reps_done(rax), 2);
	cr_assert_eq(data(pb, 2)[0], 0x42);
	cr_assert_eq(pb->grant.copies_done, 5);
	cr_assert_eq(end_access(va, 4), PT_STATUS_SUCCESS);
}

Test(grant, copy_within_a_frame_granted_to_itself)
{
	u8 *page = data(pa, 0);

	cr_assert_eq(set_table(va, ENV_TABLE_GPA, 1), PT_STATUS_SUCCESS);
	grant(pa, 0, pa->id, data_gpa(0), PT_GRANT_PERMIT);
	for (u32 i = 0; i < 64; i++)
		page[i] = (u8)i;
	/* Overlapping source and destination: a move, as memmove does. */
	cr_assert_eq(copy(va, pa->id, 0, 0, 0, 32, data_gpa(0) + 8),
		     PT_STATUS_SUCCESS);
	for (u32 i = 0; i < 32; i++)
		cr_assert_eq(page[8 + i], i, "byte %u", 8 + i);
	cr_assert_eq(copy(va, pa->id, 0, PT_GRANT_COPY_TO_GRANT, 0, 32,
			  data_gpa(0) + 8),
		     PT_STATUS_SUCCESS);
	for (u32 i = 0; i < 40; i++)
		cr_assert_eq(page[i], i < 32 ? i : i - 8, "byte %u", i);
}

/* ---- The root --------------------------------------------------------- */

Test(grant, the_root_maps_into_its_own_window)
{
	u64 base = 0, size = 0;
	u32 h;

	cr_assert_eq(env_fast(vr, PT_CALL_GRANT_WINDOW, 0, 0, &base, &size),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(base, shim_root_window_base);
	cr_assert_eq(size, 1ull << 30);
	cr_assert(set_table(va, ENV_TABLE_GPA, 1) == PT_STATUS_SUCCESS);
	grant(pa, 1, ROOT_PARTITION_ID, data_gpa(5), PT_GRANT_PERMIT);
	cr_assert_eq(map1(vr, pa->id, 1, 0, WIN, NULL), PT_STATUS_INVALID_GPA,
		     "a guest's window is not the root's");
	cr_assert_eq(map1(vr, pa->id, 1, 0, ENV_DATA_GPA, NULL),
		     PT_STATUS_INVALID_GPA);
	h = map_ok(vr, pa->id, 1, 0, base + 3 * PAGE_SIZE);
	cr_assert_eq(hpa_of(env_root, base + 3 * PAGE_SIZE, NULL),
		     hpa_of(pa, data_gpa(5), NULL));
	cr_assert_eq(maps_of(va, 1), 1);
	cr_assert_eq(unmap(vr, h), PT_STATUS_SUCCESS);
	cr_assert_eq(env_root->vcpus[0].arch.flushes, 1);
	/* A machine without room for a window: nothing maps. */
	shim_root_window_base = 0;
	cr_assert_eq(env_fast(vr, PT_CALL_GRANT_WINDOW, 0, 0, &base, &size),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(size, 0);
	cr_assert_eq(map1(vr, pa->id, 1, 0, 0, NULL), PT_STATUS_INVALID_GPA);
}

/* ---- Partitions that end ---------------------------------------------- */

Test(grant, granter_destroyed_while_mapped_holds_the_frame)
{
	u64 hpa = hpa_of(pa, data_gpa(2), NULL), free_before;
	u32 h, aid = pa->id;
	struct partition *pd;

	a_grants(3, 2, PT_GRANT_PERMIT);
	memcpy(data(pa, 2), "still here", 11);
	h = map_ok(vb, aid, 3, PT_GRANT_MAP_READONLY, WIN);
	env_destroy(aid);

	cr_assert_eq(frame_lookup(hpa)->owner, FRAME_OWNER_HELD);
	cr_assert_eq(frame_lookup(hpa)->refs, 1);
	cr_assert_eq(frame_held_count(), 1);
	cr_assert_eq(frame_pool_check(), 0);
	cr_assert_eq(frame_count_owned(aid), 0);
	cr_assert_eq(frame_pool_stats().free,
		     env_free0 - frame_count_owned(pb->id) -
			     frame_count_owned(pc->id) - 1,
		     "all of A but the one frame");
	cr_assert_str_eq(env_gpa(pb, WIN), "still here");
	cr_assert(shim_log_has("1 frames of ended partitions stay held"), "%s",
		  shim_log());
	/* Gone: no new mappings, no copies. */
	cr_assert_eq(
		map1(vb, aid, 3, PT_GRANT_MAP_READONLY, WIN + PAGE_SIZE, NULL),
		PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(copy(vb, aid, 3, 0, 0, 4, data_gpa(0)),
		     PT_STATUS_INVALID_PARTITION_ID);
	/* A new partition in A's slot knows nothing of it. */
	env_reuse_id_next(aid);
	pd = env_guest("delta", 1, 0, 0);
	cr_assert_eq(pd->id, aid);
	cr_assert_eq(pd->grant.refs_mapped, 0);
	cr_assert_neq(hpa_of(pd, data_gpa(2), NULL), hpa);

	free_before = frame_pool_stats().free;
	cr_assert_eq(unmap(vb, h), PT_STATUS_SUCCESS);
	cr_assert_eq(frame_held_count(), 0);
	cr_assert_eq(frame_lookup(hpa)->owner, FRAME_OWNER_FREE);
	cr_assert_eq(frame_lookup(hpa)->refs, 0);
	cr_assert_eq(frame_pool_stats().free, free_before + 1);
	cr_assert_eq(memcmp(phys_to_virt(hpa), (u8[16]){ 0 }, 16), 0,
		     "scrubbed");
	cr_assert_eq(pd->grant.refs_mapped, 0);
	cr_assert_eq(frame_pool_check(), 0);
	env_destroy(pd->id);
	env_destroy(pb->id);
	env_destroy(pc->id);
	env_pool_is_back();
}

Test(grant, held_frame_goes_when_its_mapper_ends_too)
{
	u64 hpa = hpa_of(pa, data_gpa(1), NULL);

	a_grants(1, 1, PT_GRANT_PERMIT);
	map_ok(vb, pa->id, 1, 0, WIN);
	map_ok(vb, pa->id, 1, 0, WIN + PAGE_SIZE);
	/* A crashes and is kept: its frames stay its own while kept. */
	pa->on_crash = PT_ON_CRASH_PRESERVE;
	partition_end(pa, PT_SHUTDOWN_CRASH, "test");
	cr_assert_eq(map1(vb, pa->id, 1, 0, WIN + 2 * PAGE_SIZE, NULL),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(copy(vb, pa->id, 1, 0, 0, 4, data_gpa(0)),
		     PT_STATUS_INVALID_PARTITION_STATE);
	env_destroy(pa->id);
	cr_assert_eq(frame_lookup(hpa)->owner, FRAME_OWNER_HELD);
	cr_assert_eq(frame_lookup(hpa)->refs, 2);
	cr_assert_eq(frame_held_count(), 1);
	env_destroy(pb->id);
	cr_assert_eq(frame_held_count(), 0);
	cr_assert_eq(frame_lookup(hpa)->owner, FRAME_OWNER_FREE);
	env_destroy(pc->id);
	env_pool_is_back();
}

Test(grant, mapper_destroyed_releases_its_mappings)
{
	u64 hpa = hpa_of(pa, data_gpa(0), NULL);

	a_grants(1, 0, PT_GRANT_PERMIT);
	a_grants(2, 1, PT_GRANT_PERMIT);
	map_ok(vb, pa->id, 1, 0, WIN);
	map_ok(vb, pa->id, 2, 0, WIN + PAGE_SIZE);
	map_ok(vb, pa->id, 2, 0, WIN + 2 * PAGE_SIZE);
	cr_assert_eq(end_access(va, 2), PT_STATUS_OBJECT_IN_USE);
	env_destroy(pb->id);
	cr_assert_eq(maps_of(va, 1), 0);
	cr_assert_eq(maps_of(va, 2), 0);
	cr_assert_eq(pa->grant.refs_mapped, 0);
	cr_assert_eq(frame_lookup(hpa)->refs, 0);
	cr_assert_eq(frame_lookup(hpa)->owner, pa->id);
	cr_assert_eq(end_access(va, 1), PT_STATUS_SUCCESS);
	cr_assert_eq(end_access(va, 2), PT_STATUS_SUCCESS);
	cr_assert_eq(frame_held_count(), 0);
	env_destroy(pa->id);
	env_destroy(pc->id);
	env_pool_is_back();
}

Test(grant, an_ended_mappers_mappings_go_in_teardown_slices)
{
	u32 n = 256, entries;

	cr_assert_eq(set_table(va, ENV_TABLE_GPA, 1), PT_STATUS_SUCCESS);
	for (u32 i = 0; i < n; i++) {
		grant(pa, i, pb->id, (u64)(256 + i) * PAGE_SIZE,
		      PT_GRANT_PERMIT);
		map_in(vb, i, pa->id, i, 0, WIN + i * PAGE_SIZE);
	}
	cr_assert_eq(pt_hc_status(map_n(vb, n)), PT_STATUS_SUCCESS);
	cr_assert_eq(pa->grant.refs_mapped, n);
	/* Its vCPUs gone, B still holds them until teardown lets go. */
	pb->on_crash = PT_ON_CRASH_DESTROY;
	partition_end(pb, PT_SHUTDOWN_CRASH, "test");
	cr_assert_eq(end_access(va, 0), PT_STATUS_OBJECT_IN_USE);
	shim_tsc_step = 2000; /* 2 us a clock read: a few per slice */
	entries = env_destroy(pb->id);
	cr_assert_gt(entries, 3, "%u entries", entries);
	cr_assert_eq(pa->grant.refs_mapped, 0);
	for (u32 i = 0; i < n; i++)
		cr_assert_eq(maps_of(va, i), 0);
	cr_assert_eq(end_access(va, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(frame_pool_check(), 0);
	cr_assert_eq(frame_held_count(), 0);
}

Test(grant, the_roots_rep_map_returns_call_pending_with_its_progress)
{
	u64 base, size, input, rax;
	struct hcall_regs r;
	u32 n = 64, pending = 0, done = 0;

	grant_window(env_root, &base, &size);
	cr_assert_eq(set_table(va, ENV_TABLE_GPA, 1), PT_STATUS_SUCCESS);
	for (u32 i = 0; i < n; i++) {
		grant(pa, i, ROOT_PARTITION_ID, (u64)(256 + i) * PAGE_SIZE,
		      PT_GRANT_PERMIT);
		map_in(vr, i, pa->id, i, 0, base + i * PAGE_SIZE);
	}
	shim_tsc_step = 2000;
	input = pt_hc_input(PT_CALL_GRANT_MAP, 0, n, 0);
	r = (struct hcall_regs){ 0xAAAA, input, MAP_IN_GPA, MAP_OUT_GPA };
	for (;;) {
		cr_assert_eq(hcall_dispatch(vr, &r, shim_tsc), HCALL_DONE);
		rax = r.rax;
		if (pt_hc_status(rax) != PT_STATUS_CALL_PENDING)
			break;
		/* RCX to call again with: the rep start is the reps done. */
		cr_assert_gt(pt_hc_reps_done(rax), done);
		done = pt_hc_reps_done(rax);
		cr_assert_eq(r.rcx, pt_hc_input(PT_CALL_GRANT_MAP, 0, n, done));
		cr_assert_eq(r.rdx, MAP_IN_GPA);
		cr_assert_eq(r.r8, MAP_OUT_GPA);
		cr_assert_eq(env_root->grant.maps_held, done);
		cr_assert_lt(++pending, 1000);
	}
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_SUCCESS);
	cr_assert_eq(pt_hc_reps_done(rax), n);
	cr_assert_gt(pending, 1);
	cr_assert_eq(env_root->grant.maps_held, n);
	for (u32 i = 0; i < n; i++)
		cr_assert_eq(hpa_of(env_root, base + i * PAGE_SIZE, NULL),
			     hpa_of(pa, (u64)(256 + i) * PAGE_SIZE, NULL));
	/* The root's window is never its own memory for the hypervisor. */
	cr_assert_null(partition_gpa_to_hva(env_root, base, false));
}
