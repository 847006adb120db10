// SPDX-License-Identifier: GPL-2.0-only
/* Grants raced by host threads, as hostile vCPUs would (XSA-218/228/236). */
#include <criterion/criterion.h>
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/partition.h>
#include <partita/grants.h>
#include <partita/hypercall.h>
#include <string.h>

#include "hv-shim.h"
#include "msg-env.h"
#include "race.h"

#define WIN PT_GUEST_GRANT_WINDOW_GPA
#define PATTERN 0x5A

/* Granter A, mapper B; the root is partition 0. */
static struct partition *pa, *pb;

static void setup(void)
{
	env_boot(ENV_POOL_FOR(4));
	pa = env_guest("alpha", 1, 0, 0);
	pb = env_guest("beta", 1, 0, 0);
}

TestSuite(grant_race, .init = setup, .fini = shim_teardown);

static u64 data_gpa(u32 i)
{
	return ENV_DATA_GPA + i * PAGE_SIZE;
}

/* p registers a one-frame table and grants its data page `page` as `ref`
 * to B (read-write), filled with PATTERN. */
static void grant_to_b(struct partition *p, u32 ref, u32 page)
{
	struct pt_grant_entry *e =
		(struct pt_grant_entry *)env_gpa(p, ENV_TABLE_GPA) + ref;

	if (!p->grant.frames)
		cr_assert_eq(grant_set_table(p, ENV_TABLE_GPA, 1),
			     PT_STATUS_SUCCESS);
	memset(env_gpa(p, data_gpa(page)), PATTERN, PAGE_SIZE);
	e->target = (u16)pb->id;
	e->gpfn = (u32)(data_gpa(page) >> PAGE_SHIFT);
	__atomic_store_n(&e->flags, PT_GRANT_PERMIT, __ATOMIC_RELEASE);
}

static int map(u32 granter, u32 ref, u64 gpa, u32 *handle)
{
	struct pt_grant_map_in in = { (u16)granter, 0, ref, gpa };

	return grant_map(pb, &in, handle);
}

static u64 mappings_of(struct partition *p, u32 ref)
{
	u64 maps = ~0ull, flags;

	cr_assert_eq(grant_query(p, ref, &maps, &flags), PT_STATUS_SUCCESS);
	return maps;
}

static u64 npt_of(struct partition *p, u64 gpa)
{
	u32 flags;

	return arch_npt_lookup(p, gpa, &flags);
}

/* Counted by racers, looked at by the test's own thread. */
static volatile u32 go, done, bad, ready, passes, map_passes, stop;

static void count_bad(void)
{
	__atomic_fetch_add(&bad, 1, __ATOMIC_RELAXED);
}

static void finish(void)
{
	__atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
}

/* ---- Two unmaps of one handle (XSA-218) -------------------------------- */

#define UNMAP_ROUNDS 1000

static u32 unmap_handle;
static volatile u32 unmap_ok, unmap_refused;

static void *unmapper(void *arg)
{
	(void)arg;
	for (u32 round = 1; round <= UNMAP_ROUNDS; round++) {
		int st;

		race_spin_until(&go, round);
		st = grant_unmap(pb, unmap_handle);
		if (st == PT_STATUS_SUCCESS)
			__atomic_fetch_add(&unmap_ok, 1, __ATOMIC_RELAXED);
		else if (st == PT_STATUS_INVALID_HANDLE)
			__atomic_fetch_add(&unmap_refused, 1, __ATOMIC_RELAXED);
		else
			count_bad();
		finish();
	}
	return NULL;
}

Test(grant_race, two_unmaps_of_one_handle_release_it_once)
{
	u64 hpa = npt_of(pa, data_gpa(0));
	u32 keep;

	grant_to_b(pa, 1, 0);
	/* A second mapping of the same frame keeps its counts above zero,
	 * where a release done twice shows (counts stop at zero). */
	cr_assert_eq(map(pa->id, 1, WIN, &keep), PT_STATUS_SUCCESS);
	race_start(unmapper, NULL);
	race_start(unmapper, NULL);
	for (u32 round = 1; round <= UNMAP_ROUNDS; round++) {
		cr_assert_eq(map(pa->id, 1, WIN + PAGE_SIZE, &unmap_handle),
			     PT_STATUS_SUCCESS, "round %u", round);
		cr_assert_eq(frame_lookup(hpa)->refs, 2);
		__atomic_store_n(&go, round, __ATOMIC_RELEASE);
		if (!race_wait(&done, 2 * round))
			cr_assert_fail("round %u: the unmaps never finished",
				       round);
		cr_assert_eq(bad, 0, "round %u", round);
		cr_assert_eq(unmap_ok, round, "round %u: one unmap succeeds",
			     round);
		cr_assert_eq(unmap_refused, round, "round %u", round);
		cr_assert_eq(frame_lookup(hpa)->refs, 1, "round %u", round);
		cr_assert_eq(mappings_of(pa, 1), 1, "round %u", round);
		cr_assert_eq(pa->grant.refs_mapped, 1);
		cr_assert_eq(pb->grant.maps_held, 1, "round %u", round);
		cr_assert_eq(npt_of(pb, WIN + PAGE_SIZE), NPT_NO_PAGE);
		cr_assert_eq(npt_of(pb, WIN), hpa);
	}
	race_join_all();
	cr_assert_eq(grant_unmap(pb, keep), PT_STATUS_SUCCESS);
	cr_assert_eq(frame_lookup(hpa)->refs, 0);
	cr_assert_eq(mappings_of(pa, 1), 0);
	cr_assert_eq(frame_held_count(), 0);
	cr_assert_eq(frame_pool_check(), 0);
}

/* ---- Map and copy while the granter is destroyed (XSA-228/236) -------- */

#define END_ROUNDS 6
#define END_REFS 8
#define END_SLOTS 16 /* window pages B keeps mappings in */

static u32 granter_id;

/* What a use of an ending granter's grant may answer. */
static bool clean_status(int st)
{
	return st == PT_STATUS_SUCCESS ||
	       st == PT_STATUS_INVALID_PARTITION_STATE ||
	       st == PT_STATUS_INVALID_PARTITION_ID;
}

static bool all_pattern(const u8 *p, u32 n)
{
	for (u32 i = 0; i < n; i++) {
		if (p[i] != PATTERN)
			return false;
	}
	return true;
}

/* Copies from and to the granter's frames: a copy that succeeds read the
 * granted bytes, never a scrubbed or reused frame. */
static void *copier(void *arg)
{
	u32 pass = 0;

	(void)arg;
	race_line_up(&ready, 2);
	for (u32 i = 0; !__atomic_load_n(&stop, __ATOMIC_ACQUIRE); i++) {
		u8 *local = env_gpa(pb, data_gpa(i % 2));
		struct pt_grant_copy in = { (u16)granter_id,   0,
					    i % END_REFS,      0,
					    64,		       data_gpa(i % 2) };
		int st;

		race_breathe(&pass);
		memset(local, 0, 64);
		st = grant_copy(pb, &in);
		if (!clean_status(st) ||
		    (st == PT_STATUS_SUCCESS && !all_pattern(local, 64)))
			count_bad();
		/* Writing the same bytes back keeps the frames as they are. */
		memset(local, PATTERN, 64);
		in.flags = PT_GRANT_COPY_TO_GRANT;
		if (!clean_status(grant_copy(pb, &in)))
			count_bad();
		__atomic_fetch_add(&passes, 1, __ATOMIC_RELEASE);
	}
	finish();
	return NULL;
}

static u32 slot_handle[END_SLOTS];
static bool slot_used[END_SLOTS];

/*
 * Maps grants into a ring of window pages, giving up the oldest when it
 * comes round, until a map is refused (the granter is ending); from then
 * on it keeps what it has, so that mappings outlive the granter. What a
 * mapping shows is the granted bytes, before and after the granter ends.
 */
static void *mapper(void *arg)
{
	bool refused = false;
	u32 pass = 0;

	(void)arg;
	race_line_up(&ready, 2);
	for (u32 i = 0; !__atomic_load_n(&stop, __ATOMIC_ACQUIRE); i++) {
		u32 slot = i % END_SLOTS;
		u64 gpa = WIN + slot * PAGE_SIZE;
		int st;

		race_breathe(&pass);
		if (slot_used[slot] &&
		    !all_pattern(env_gpa(pb, gpa), PAGE_SIZE))
			count_bad();
		if (refused)
			continue;
		if (slot_used[slot] && grant_unmap(pb, slot_handle[slot]))
			count_bad();
		slot_used[slot] = false;
		st = map(granter_id, i % END_REFS, gpa, &slot_handle[slot]);
		if (!clean_status(st))
			count_bad();
		slot_used[slot] = st == PT_STATUS_SUCCESS;
		refused = st != PT_STATUS_SUCCESS;
		__atomic_fetch_add(&map_passes, 1, __ATOMIC_RELEASE);
	}
	finish();
	return NULL;
}

Test(grant_race, map_and_copy_race_the_granters_destruction)
{
	u64 owned_b = 0, held_seen = 0;

	/* B's table of its own is not needed: B only maps. */
	for (u32 round = 1; round <= END_ROUNDS; round++) {
		struct partition *g =
			round == 1 ? pa : env_guest("granter", 1, 0, 0);

		for (u32 ref = 0; ref < END_REFS; ref++)
			grant_to_b(g, ref, ref);
		granter_id = g->id;
		memset(slot_used, 0, sizeof(slot_used));
		ready = passes = map_passes = stop = 0;
		race_start(copier, NULL);
		race_start(mapper, NULL);
		/* Both at it, and every window slot mapped once. */
		race_spin_until(&passes, 50);
		race_spin_until(&map_passes, END_SLOTS);
		/* Destroyed in small teardown slices: 2 us a clock read. */
		shim_tsc_step = 2000;
		env_destroy(g->id);
		shim_tsc_step = 0;
		/* What B mapped when it went stays held, not freed. */
		held_seen += frame_held_count();
		race_spin_until(&passes, passes + 50);
		__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
		if (!race_wait(&done, 2 * round))
			cr_assert_fail("round %u: the racers never finished",
				       round);
		race_join_all();
		cr_assert_eq(bad, 0, "round %u: %u bad results", round, bad);
		/* B lets go of what it still maps: then nothing is held. */
		for (u32 s = 0; s < END_SLOTS; s++) {
			if (slot_used[s])
				cr_assert_eq(grant_unmap(pb, slot_handle[s]),
					     PT_STATUS_SUCCESS);
		}
		cr_assert_eq(pb->grant.maps_held, 0, "round %u", round);
		cr_assert_eq(frame_held_count(), 0, "round %u", round);
		cr_assert_eq(frame_pool_check(), 0, "round %u", round);
		/* B's first mapping took a frame for its mapping slots,
		 * kept until it ends; nothing more after that. */
		if (round == 1)
			owned_b = frame_count_owned(pb->id);
		cr_assert_eq(frame_count_owned(pb->id), owned_b);
	}
	cr_log_info("frames held after the granter ended: %llu over %u rounds",
		    (unsigned long long)held_seen, END_ROUNDS);
	cr_assert_gt(held_seen, 0, "B mapped something when it went");
	env_destroy(pb->id);
	env_pool_is_back();
}

/* ---- End of access against unmap -------------------------------------- */

#define END_ACCESS_ROUNDS 500

static u32 ea_handle;
static u64 ea_hpa;
static volatile u32 ea_waited; /* rounds where end_access found it mapped */

static void *unmap_once(void *arg)
{
	(void)arg;
	for (u32 round = 1; round <= END_ACCESS_ROUNDS; round++) {
		race_spin_until(&go, round);
		if (grant_unmap(pb, ea_handle))
			count_bad();
		finish();
	}
	return NULL;
}

/* Ends access until it may: never while B still reaches the frame. */
static void *end_access_loop(void *arg)
{
	(void)arg;
	for (u32 round = 1; round <= END_ACCESS_ROUNDS; round++) {
		bool waited = false;
		int st;

		race_spin_until(&go, round);
		for (u32 tries = 0;; tries++) {
			st = grant_end_access(pa, 1);
			if (st != PT_STATUS_OBJECT_IN_USE || tries > 10000000)
				break;
			waited = true;
		}
		/* The frame reference itself goes just after the count (the
		 * test's own thread checks it): the mapping went before. */
		if (st != PT_STATUS_SUCCESS || npt_of(pb, WIN) != NPT_NO_PAGE)
			count_bad();
		ea_waited += waited;
		finish();
	}
	return NULL;
}

Test(grant_race, end_access_never_succeeds_while_mapped)
{
	struct pt_grant_entry *e =
		(struct pt_grant_entry *)env_gpa(pa, ENV_TABLE_GPA) + 1;

	ea_hpa = npt_of(pa, data_gpa(0));
	grant_to_b(pa, 1, 0);
	race_start(unmap_once, NULL);
	race_start(end_access_loop, NULL);
	for (u32 round = 1; round <= END_ACCESS_ROUNDS; round++) {
		/* The guest grants it again after each end of access. */
		__atomic_store_n(&e->flags, PT_GRANT_PERMIT, __ATOMIC_RELEASE);
		cr_assert_eq(map(pa->id, 1, WIN, &ea_handle),
			     PT_STATUS_SUCCESS, "round %u", round);
		__atomic_store_n(&go, round, __ATOMIC_RELEASE);
		if (!race_wait(&done, 2 * round))
			cr_assert_fail("round %u: never finished", round);
		cr_assert_eq(bad, 0, "round %u", round);
		cr_assert_eq(e->flags, 0, "round %u: access ended", round);
		cr_assert_eq(mappings_of(pa, 1), 0);
		cr_assert_eq(frame_lookup(ea_hpa)->refs, 0);
	}
	race_join_all();
	cr_log_info("end_access found it mapped in %u of %u rounds",
		    ea_waited, END_ACCESS_ROUNDS);
	cr_assert_gt(ea_waited, 0, "the two never overlapped");
	cr_assert_eq(frame_lookup(ea_hpa)->refs, 0);
	cr_assert_eq(frame_held_count(), 0);
	cr_assert_eq(frame_pool_check(), 0);
}
