// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of store_seed: a new guest's way to the store, ready at START. */
#include <criterion/criterion.h>
#include <hv/partition.h>
#include <partita/events.h>
#include <partita/grants.h>
#include <partita/hypercall.h>
#include <partita/start-info.h>
#include <partita/store-ring.h>
#include <string.h>

#include "hv-shim.h"
#include "msg-env.h"

static struct partition *pa;
static struct vcpu *va, *vr;

static void setup(void)
{
	env_boot(ENV_POOL_FOR(3));
	pa = env_guest_seeded("alpha", 1, 0, 8);
	va = &pa->vcpus[0];
	vr = &env_root->vcpus[0];
}

TestSuite(store_seed, .init = setup, .fini = shim_teardown);

static struct pt_evtchn_status status_of(struct vcpu *v, u32 port)
{
	struct pt_evtchn_ref ref = { port, 0 };

	cr_assert_eq(env_mem(v, PT_CALL_EVTCHN_STATUS, &ref, sizeof(ref)),
		     PT_STATUS_SUCCESS);
	return *(struct pt_evtchn_status *)env_out(v);
}

Test(store_seed, start_info_names_it_all)
{
	const struct pt_start_info *si = env_gpa(pa, PT_GUEST_START_INFO_GPA);

	cr_assert_eq(si->version, PT_START_INFO_VERSION);
	cr_assert_eq(si->size, sizeof(*si));
	cr_assert_eq(si->event_page_gpa, PT_GUEST_EVENT_PAGE_GPA);
	cr_assert_eq(si->store_ring_gpa, PT_GUEST_STORE_RING_GPA);
	cr_assert_eq(si->grant_table_gpa, PT_GUEST_GRANT_TABLE_GPA);
	cr_assert_eq(si->grant_table_frames, 8);
	cr_assert_eq(si->store_port, PT_STORE_PORT);
	cr_assert_eq(si->store_grant_ref, PT_STORE_GRANT_REF);
	cr_assert_eq(si->store_domid, ROOT_PARTITION_ID);
}

Test(store_seed, the_grant_gives_the_ring_page_to_the_root_only)
{
	const struct pt_grant_entry *t = env_gpa(pa, PT_GUEST_GRANT_TABLE_GPA);

	cr_assert_eq(t[PT_STORE_GRANT_REF].flags, PT_GRANT_PERMIT);
	cr_assert_eq(t[PT_STORE_GRANT_REF].target, ROOT_PARTITION_ID);
	cr_assert_eq(t[PT_STORE_GRANT_REF].gpfn,
		     PT_GUEST_STORE_RING_GPA >> PAGE_SHIFT);
	/* Entry 0 and the rest are the guest's. */
	cr_assert_eq(t[0].flags | t[2].flags, 0);
	cr_assert_eq(pa->grant.frames, 8);
	cr_assert_eq(pa->grant.table_gpa, PT_GUEST_GRANT_TABLE_GPA);
}

Test(store_seed, the_port_is_offered_to_the_root_and_works)
{
	struct pt_evtchn_status s = status_of(va, PT_STORE_PORT);
	u64 root_port = 0;

	cr_assert_eq(s.state, PT_EVTCHN_STATE_UNBOUND);
	cr_assert_eq(s.remote_id, ROOT_PARTITION_ID);
	cr_assert_eq(pa->evtchn.page_gpa, PT_GUEST_EVENT_PAGE_GPA);
	/* The root binds it as the store daemon does, and hears a send. */
	cr_assert_eq(env_fast(vr, PT_CALL_EVTCHN_SET_PAGE, ENV_EVENT_GPA, 0,
			      NULL, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(env_fast(vr, PT_CALL_EVTCHN_BIND_INTERDOMAIN, pa->id,
			      PT_STORE_PORT, &root_port, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(
		env_fast(va, PT_CALL_EVTCHN_SEND, PT_STORE_PORT, 0, NULL, NULL),
		PT_STATUS_SUCCESS);
	cr_assert(status_of(vr, (u32)root_port).pending);
	/* A guest that re-registers its event page loses the port, as with
	 * any port of its own. */
	cr_assert_eq(env_fast(va, PT_CALL_EVTCHN_SET_PAGE, 0, 0, NULL, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(status_of(vr, (u32)root_port).state,
		     PT_EVTCHN_STATE_UNBOUND);
}

Test(store_seed, the_default_table_size_comes_from_the_config)
{
	struct partition *pb = env_guest_seeded("beta", 1, 0, 0);
	const struct pt_start_info *si = env_gpa(pb, PT_GUEST_START_INFO_GPA);

	cr_assert_eq(si->grant_table_frames, PT_GRANT_DEFAULT_FRAMES);
	/* Each guest has its own port 1. */
	cr_assert_eq(si->store_port, PT_STORE_PORT);
}
