// SPDX-License-Identifier: GPL-2.0-only
/* Prepares a new guest's way to the store before its first instruction. */
#include <hv/evtchn.h>
#include <hv/grant.h>
#include <hv/log.h>
#include <hv/partition-internal.h>
#include <hv/root.h>
#include <hv/store-seed.h>
#include <partita/grants.h>
#include <partita/start-info.h>
#include <partita/status.h>
#include <partita/store-ring.h>
#include <string.h>

/*
 * The store daemon runs in the root, and a guest's first store request
 * may come before the root's toolstack has done anything, so, as Xen's
 * domain builder does, the hypervisor sets up the guest's half: event
 * page, grant table, a grant of the ring page and a port, all for the
 * root (start-info.h). Everything it registers is the guest's own and
 * goes away with it, like what the guest registers itself.
 */
int store_seed(struct partition *p, struct pt_start_info *si)
{
	struct pt_grant_entry e = { 0 };
	u32 frames = p->grant.max_frames, port = 0;
	bool again;
	int status;

	if (p->id == ROOT_PARTITION_ID || !root_present())
		return PT_STATUS_SUCCESS;
	if (!p->evtchn.page) { /* a retried START did this already */
		status = grant_set_table(p, PT_GUEST_GRANT_TABLE_GPA, frames);
		if (!status) {
			e.flags = PT_GRANT_PERMIT;
			e.target = ROOT_PARTITION_ID;
			e.gpfn = (u32)(PT_GUEST_STORE_RING_GPA >> PAGE_SHIFT);
			if (partition_copy_to_guest(p,
						    PT_GUEST_GRANT_TABLE_GPA +
							    PT_STORE_GRANT_REF *
								    sizeof(e),
						    &e, sizeof(e)))
				status = PT_STATUS_INVALID_GPA;
		}
		if (!status)
			status = evtchn_set_page(p, PT_GUEST_EVENT_PAGE_GPA, 0,
						 &again);
		if (!status)
			status = evtchn_alloc_unbound(p, ROOT_PARTITION_ID, 0,
						      &port);
		if (status) {
			log_part(LOG_ERR, p,
				 "the way to the store was not set up: "
				 "status 0x%x",
				 status);
			return status;
		}
		p->store_port = port;
	}
	si->event_page_gpa = PT_GUEST_EVENT_PAGE_GPA;
	si->store_ring_gpa = PT_GUEST_STORE_RING_GPA;
	si->grant_table_gpa = PT_GUEST_GRANT_TABLE_GPA;
	si->grant_table_frames = frames;
	si->store_port = p->store_port;
	si->store_grant_ref = PT_STORE_GRANT_REF;
	si->store_domid = ROOT_PARTITION_ID;
	return PT_STATUS_SUCCESS;
}
