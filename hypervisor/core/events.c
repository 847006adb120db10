// SPDX-License-Identifier: GPL-2.0-only
/* Events: pending bits a vCPU sees in its VP assist page, plus upcalls. */
#include <hv/events.h>
#include <hv/partition.h>
#include <hv/sched.h>

void vcpu_raise_event(struct vcpu *v, unsigned bit)
{
	struct pt_vpap *vpap;

	spin_lock(&v->vpap_lock);
	vpap = v->vpap;
	if (vpap) {
		__atomic_fetch_or(&vpap->pending_events, BIT(bit),
				  __ATOMIC_SEQ_CST);
		WRITE_ONCE(vpap->upcall_pending, 1);
	} else {
		__atomic_fetch_or(&v->pending_events, BIT(bit),
				  __ATOMIC_SEQ_CST);
	}
	spin_unlock(&v->vpap_lock);
	sched_wake(v);
}

bool vcpu_events_pending(const struct vcpu *v)
{
	const struct pt_vpap *vpap = READ_ONCE(v->vpap);

	if (vpap)
		return READ_ONCE(vpap->pending_events) != 0;
	return READ_ONCE(v->pending_events) != 0;
}

void vcpu_events_to_vpap(struct vcpu *v)
{
	u64 pending =
		__atomic_exchange_n(&v->pending_events, 0, __ATOMIC_SEQ_CST);

	spin_lock(&v->vpap_lock);
	evtchn_sel_to_vpap(v);
	msg_slots_to_vpap(v);
	spin_unlock(&v->vpap_lock);
	if (pending && v->vpap) {
		__atomic_fetch_or(&v->vpap->pending_events, pending,
				  __ATOMIC_SEQ_CST);
		v->vpap->upcall_pending = 1;
	}
}
