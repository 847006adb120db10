// SPDX-License-Identifier: GPL-2.0-only
/* Event ports: per-partition port tables, binding, sending and delivery. */
#include <hv/arch.h>
#include <hv/events.h>
#include <hv/evtchn.h>
#include <hv/frame.h>
#include <hv/partition-internal.h>
#include <hv/root.h>
#include <partita/root.h>
#include <partita/status.h>
#include <partita/vpap.h>
#include <string.h>

void evtchn_init(struct partition *p, u32 cap)
{
	p->evtchn.cap = cap ? cap : PT_EVTCHN_DEFAULT_CAP;
}

static struct evtchn_port *port_get(struct evtchn_state *es, u32 port)
{
	struct evtchn_port *bucket;

	if (port == 0 || port >= PT_EVTCHN_PORTS)
		return NULL;
	bucket = es->buckets[port / EVTCHN_BUCKET_PORTS];
	return bucket ? &bucket[port % EVTCHN_BUCKET_PORTS] : NULL;
}

/* A port that is in use, or NULL. */
static struct evtchn_port *port_used(struct evtchn_state *es, u32 port)
{
	struct evtchn_port *pp = port_get(es, port);

	return pp && pp->state != PT_EVTCHN_STATE_FREE ? pp : NULL;
}

/* The lowest free port within the cap, taking a bucket frame if needed. */
static int port_alloc(struct partition *p, u32 *port, struct evtchn_port **out)
{
	struct evtchn_state *es = &p->evtchn;

	if (es->in_use >= es->cap)
		return PT_STATUS_NO_RESOURCES;
	for (u32 n = 1; n < PT_EVTCHN_PORTS; n++) {
		u32 b = n / EVTCHN_BUCKET_PORTS;
		struct evtchn_port *pp;

		if (!es->buckets[b]) {
			u64 pa = frame_alloc((u16)p->id, FRAME_KIND_CONTROL);

			if (!pa)
				return PT_STATUS_INSUFFICIENT_MEMORY;
			es->buckets[b] = phys_to_virt(pa);
		}
		pp = &es->buckets[b][n % EVTCHN_BUCKET_PORTS];
		if (pp->state == PT_EVTCHN_STATE_FREE) {
			memset(pp, 0, sizeof(*pp));
			es->in_use++;
			*port = n;
			*out = pp;
			return PT_STATUS_SUCCESS;
		}
	}
	return PT_STATUS_NO_RESOURCES;
}

static bool alive_state(const struct partition *p)
{
	u32 state = READ_ONCE(p->state);

	return state == PART_STATE_RUNNING || state == PART_STATE_CREATED;
}

static bool alive(const struct partition *p)
{
	return alive_state(p) && !p->evtchn.closed;
}

/* In slot order: a slot being reused has its id zeroed for a moment. */
static void lock_two(struct partition *a, struct partition *b)
{
	if (a == b) {
		spin_lock(&a->evtchn_lock);
	} else if (a < b) {
		spin_lock(&a->evtchn_lock);
		spin_lock(&b->evtchn_lock);
	} else {
		spin_lock(&b->evtchn_lock);
		spin_lock(&a->evtchn_lock);
	}
}

static void unlock_two(struct partition *a, struct partition *b)
{
	spin_unlock(&a->evtchn_lock);
	if (a != b)
		spin_unlock(&b->evtchn_lock);
}

/* Sets the selector bit of `word` on the port's vCPU; it gets the upcall. */
static struct vcpu *select_locked(struct partition *p, struct evtchn_port *pp,
				  u32 word)
{
	struct vcpu *v = &p->vcpus[pp->vcpu];

	spin_lock(&v->vpap_lock);
	if (v->vpap)
		__atomic_fetch_or(&v->vpap->evtchn_pending_sel, BIT(word),
				  __ATOMIC_SEQ_CST);
	else
		v->evtchn.sel_pending |= BIT(word);
	spin_unlock(&v->vpap_lock);
	p->evtchn.deliveries++;
	return v;
}

/*
 * Makes a port pending. Returns the vCPU to notify once the lock is
 * dropped, or NULL when the send coalesced or the port is masked.
 */
static struct vcpu *set_pending_locked(struct partition *p, u32 port)
{
	struct pt_event_page *page = p->evtchn.page;
	struct evtchn_port *pp = port_used(&p->evtchn, port);
	u32 word = port / 64;
	u64 bit = BIT(port % 64), old;

	if (!page || !pp)
		return NULL;
	old = __atomic_fetch_or(&page->pending[word], bit, __ATOMIC_SEQ_CST);
	if (old & bit)
		return NULL;
	if (READ_ONCE(page->mask[word]) & bit) {
		p->evtchn.masked_sends++;
		return NULL;
	}
	return select_locked(p, pp, word);
}

/* The upcall itself, with no evtchn lock held. */
static void notify(struct vcpu *v)
{
	if (!v)
		return;
	if (v->part->id == ROOT_PARTITION_ID)
		root_notify(PT_ROOT_EVENT_PORTS);
	else
		vcpu_raise_event(v, PT_EVENT_PORTS);
}

static int check_vcpu(const struct partition *p, u32 vcpu)
{
	return vcpu < p->vcpu_count ? PT_STATUS_SUCCESS
				    : PT_STATUS_INVALID_VP_INDEX;
}

/* What a new port needs of its own partition; the caller holds the lock. */
static int check_open_locked(const struct partition *p)
{
	if (!alive(p) || !p->evtchn.page)
		return PT_STATUS_INVALID_PARTITION_STATE;
	return PT_STATUS_SUCCESS;
}

static void close_local_locked(struct partition *p, u32 port,
			       struct evtchn_port *pp)
{
	struct evtchn_state *es = &p->evtchn;

	if (es->page)
		__atomic_fetch_and(&es->page->pending[port / 64],
				   ~BIT(port % 64), __ATOMIC_SEQ_CST);
	if (pp->state == PT_EVTCHN_STATE_VIRQ) {
		if (pp->remote_port == PT_VIRQ_TIMER)
			p->vcpus[pp->vcpu].evtchn.timer_port = 0;
		else
			es->virq_port[pp->remote_port] = 0;
	}
	memset(pp, 0, sizeof(*pp));
	es->in_use--;
}

static bool close_step(struct partition *p, u64 deadline_tsc);

int evtchn_set_page(struct partition *p, u64 gpa, u64 deadline_tsc, bool *again)
{
	struct pt_event_page *page;

	*again = false;
	if (!gpa) {
		/* Every port closes, as when the partition ends, a slice at a
		 * time; then it may register a page and open ports again. */
		spin_lock(&p->evtchn_lock);
		if (!p->evtchn.closed)
			p->evtchn.close_cursor = 1;
		p->evtchn.closed = true;
		spin_unlock(&p->evtchn_lock);
		if (!close_step(p, deadline_tsc)) {
			*again = true;
			return PT_STATUS_SUCCESS;
		}
		spin_lock(&p->evtchn_lock);
		p->evtchn.page = NULL;
		p->evtchn.page_gpa = 0;
		p->evtchn.closed = !alive_state(p);
		spin_unlock(&p->evtchn_lock);
		return PT_STATUS_SUCCESS;
	}
	page = partition_gpa_to_hva(p, gpa, true);
	if (!page)
		return PT_STATUS_INVALID_GPA;
	spin_lock(&p->evtchn_lock);
	if (p->evtchn.page || !alive(p)) {
		spin_unlock(&p->evtchn_lock);
		return PT_STATUS_INVALID_PARTITION_STATE;
	}
	memset(page, 0, sizeof(*page));
	p->evtchn.page = page;
	p->evtchn.page_gpa = gpa;
	spin_unlock(&p->evtchn_lock);
	return PT_STATUS_SUCCESS;
}

int evtchn_alloc_unbound(struct partition *p, u32 remote_id, u32 vcpu,
			 u32 *port)
{
	struct partition *r = partition_get(remote_id);
	struct evtchn_port *pp;
	u64 remote_gen;
	int status = check_vcpu(p, vcpu);

	if (status)
		return status;
	if (!r)
		return PT_STATUS_INVALID_PARTITION_ID;
	remote_gen = READ_ONCE(r->generation);
	if (!alive(r))
		return PT_STATUS_INVALID_PARTITION_STATE;
	spin_lock(&p->evtchn_lock);
	status = check_open_locked(p);
	if (!status)
		status = port_alloc(p, port, &pp);
	if (!status) {
		pp->state = PT_EVTCHN_STATE_UNBOUND;
		pp->vcpu = (u8)vcpu;
		pp->remote_id = (u16)remote_id;
		pp->remote_gen = remote_gen;
	}
	spin_unlock(&p->evtchn_lock);
	return status;
}

int evtchn_bind_interdomain(struct partition *p, u32 remote_id, u32 remote_port,
			    u32 vcpu, u32 *port)
{
	struct partition *r = partition_get(remote_id);
	struct evtchn_port *rp, *pp;
	int status = check_vcpu(p, vcpu);

	if (status)
		return status;
	if (!r)
		return PT_STATUS_INVALID_PARTITION_ID;
	if (remote_port == 0 || remote_port >= PT_EVTCHN_PORTS)
		return PT_STATUS_INVALID_PORT_ID;
	lock_two(p, r);
	status = check_open_locked(p);
	if (!status && !alive(r))
		status = PT_STATUS_INVALID_PARTITION_STATE;
	rp = port_used(&r->evtchn, remote_port);
	if (!status && (!rp || rp->state != PT_EVTCHN_STATE_UNBOUND))
		status = PT_STATUS_INVALID_PORT_ID;
	if (!status &&
	    (rp->remote_id != p->id || rp->remote_gen != p->generation))
		status = PT_STATUS_ACCESS_DENIED; /* offered to another */
	if (!status)
		status = port_alloc(p, port, &pp);
	if (!status) {
		pp->state = PT_EVTCHN_STATE_INTERDOMAIN;
		pp->vcpu = (u8)vcpu;
		pp->remote_id = (u16)r->id;
		pp->remote_port = (u16)remote_port;
		pp->remote_gen = r->generation;
		rp->state = PT_EVTCHN_STATE_INTERDOMAIN;
		rp->remote_port = (u16)*port;
	}
	unlock_two(p, r);
	return status;
}

static bool root_only_virq(u32 virq)
{
	return virq == PT_VIRQ_CONSOLE || virq == PT_VIRQ_PARTITION ||
	       virq == PT_VIRQ_LOG;
}

int evtchn_bind_virq(struct partition *p, u32 virq, u32 vcpu, u32 *port)
{
	bool is_root = p->id == ROOT_PARTITION_ID;
	struct evtchn_port *pp;
	u16 *slot;
	int status;

	if (virq >= PT_VIRQ_COUNT)
		return PT_STATUS_INVALID_PARAMETER;
	if (root_only_virq(virq) && !is_root)
		return PT_STATUS_ACCESS_DENIED;
	if (virq == PT_VIRQ_TIMER && is_root)
		return PT_STATUS_OPERATION_DENIED; /* Linux owns its timer */
	status = check_vcpu(p, vcpu);
	if (status)
		return status;
	slot = virq == PT_VIRQ_TIMER ? &p->vcpus[vcpu].evtchn.timer_port
				     : &p->evtchn.virq_port[virq];
	spin_lock(&p->evtchn_lock);
	status = check_open_locked(p);
	if (!status && *slot)
		status = PT_STATUS_OBJECT_IN_USE; /* bound already */
	if (!status)
		status = port_alloc(p, port, &pp);
	if (!status) {
		pp->state = PT_EVTCHN_STATE_VIRQ;
		pp->vcpu = (u8)vcpu;
		pp->remote_port = (u16)virq;
		*slot = (u16)*port;
	}
	spin_unlock(&p->evtchn_lock);
	return status;
}

/*
 * Closes one port; an interdomain peer's end becomes UNBOUND, offered to
 * us again. With `notice`, the peer's end is also made pending and its
 * PEER_DIED virq raised (the partition is ending), under the same locks:
 * whoever sees the end unbound also finds the notice pending.
 */
static int close_port(struct partition *p, u32 port, bool notice)
{
	for (;;) {
		struct vcpu *target = NULL, *died_target = NULL;
		struct evtchn_port *pp, *rp;
		struct partition *r;
		u32 rid, died_port;

		spin_lock(&p->evtchn_lock);
		pp = port_used(&p->evtchn, port);
		if (!pp) {
			spin_unlock(&p->evtchn_lock);
			return PT_STATUS_INVALID_PORT_ID;
		}
		if (pp->state != PT_EVTCHN_STATE_INTERDOMAIN) {
			close_local_locked(p, port, pp);
			spin_unlock(&p->evtchn_lock);
			return PT_STATUS_SUCCESS;
		}
		rid = pp->remote_id;
		spin_unlock(&p->evtchn_lock);

		r = &partitions[rid];
		lock_two(p, r);
		pp = port_used(&p->evtchn, port);
		if (!pp || pp->state != PT_EVTCHN_STATE_INTERDOMAIN ||
		    pp->remote_id != rid) {
			unlock_two(p, r); /* it changed meanwhile: again */
			continue;
		}
		rp = r->generation == pp->remote_gen
			     ? port_used(&r->evtchn, pp->remote_port)
			     : NULL;
		if (rp && rp->state == PT_EVTCHN_STATE_INTERDOMAIN &&
		    rp->remote_id == p->id && rp->remote_port == port) {
			rp->state = PT_EVTCHN_STATE_UNBOUND;
			rp->remote_port = 0;
			rp->remote_gen = p->generation;
			died_port = r->evtchn.virq_port[PT_VIRQ_PEER_DIED];
			if (notice && r != p) {
				target = set_pending_locked(r, pp->remote_port);
				if (died_port)
					died_target = set_pending_locked(
						r, died_port);
			}
		}
		close_local_locked(p, port, pp);
		unlock_two(p, r);
		notify(target);
		if (died_target != target)
			notify(died_target);
		return PT_STATUS_SUCCESS;
	}
}

int evtchn_close(struct partition *p, u32 port)
{
	return close_port(p, port, false);
}

int evtchn_send(struct partition *p, u32 port)
{
	struct vcpu *target = NULL;
	struct evtchn_port *pp, *rp;
	struct partition *r;
	u32 rid, rport;
	u64 rgen;

	spin_lock(&p->evtchn_lock);
	pp = port_used(&p->evtchn, port);
	if (!pp || pp->state == PT_EVTCHN_STATE_VIRQ) {
		spin_unlock(&p->evtchn_lock);
		return PT_STATUS_INVALID_PORT_ID;
	}
	p->evtchn.sends++;
	if (pp->state == PT_EVTCHN_STATE_UNBOUND) {
		spin_unlock(&p->evtchn_lock);
		return PT_STATUS_SUCCESS; /* nobody there yet */
	}
	rid = pp->remote_id;
	rport = pp->remote_port;
	rgen = pp->remote_gen;
	spin_unlock(&p->evtchn_lock);

	/* The peer is checked again under its own lock: if it closed its
	 * end meanwhile, ours became UNBOUND and the send delivers nothing. */
	r = &partitions[rid];
	spin_lock(&r->evtchn_lock);
	rp = port_used(&r->evtchn, rport);
	if (r->generation == rgen && alive(r) && rp &&
	    rp->state == PT_EVTCHN_STATE_INTERDOMAIN &&
	    rp->remote_id == p->id && rp->remote_port == port)
		target = set_pending_locked(r, rport);
	spin_unlock(&r->evtchn_lock);
	notify(target);
	return PT_STATUS_SUCCESS;
}

int evtchn_status(struct partition *p, u32 port, struct pt_evtchn_status *out)
{
	struct evtchn_port *pp;

	memset(out, 0, sizeof(*out));
	if (port == 0 || port >= PT_EVTCHN_PORTS)
		return PT_STATUS_INVALID_PORT_ID;
	out->port = port;
	spin_lock(&p->evtchn_lock);
	pp = port_used(&p->evtchn, port);
	if (pp) {
		out->state = pp->state;
		out->vcpu = pp->vcpu;
		if (pp->state == PT_EVTCHN_STATE_VIRQ) {
			out->virq = pp->remote_port;
		} else {
			out->remote_id = pp->remote_id;
			out->remote_port = pp->remote_port;
		}
	}
	if (p->evtchn.page) {
		u64 bit = BIT(port % 64);

		out->pending =
			!!(READ_ONCE(p->evtchn.page->pending[port / 64]) & bit);
		out->masked =
			!!(READ_ONCE(p->evtchn.page->mask[port / 64]) & bit);
	}
	spin_unlock(&p->evtchn_lock);
	return PT_STATUS_SUCCESS;
}

int evtchn_bind_vcpu(struct partition *p, u32 port, u32 vcpu)
{
	struct evtchn_port *pp;
	int status = check_vcpu(p, vcpu);

	if (status)
		return status;
	spin_lock(&p->evtchn_lock);
	pp = port_used(&p->evtchn, port);
	if (!pp)
		status = PT_STATUS_INVALID_PORT_ID;
	else if (pp->state == PT_EVTCHN_STATE_VIRQ &&
		 pp->remote_port == PT_VIRQ_TIMER)
		status = PT_STATUS_OPERATION_DENIED; /* a vCPU's own timer */
	else
		pp->vcpu = (u8)vcpu;
	spin_unlock(&p->evtchn_lock);
	return status;
}

int evtchn_mask(struct partition *p, u32 port, bool mask)
{
	struct pt_event_page *page;
	struct vcpu *target = NULL;
	struct evtchn_port *pp;
	u32 word = port / 64;
	u64 bit = BIT(port % 64);

	spin_lock(&p->evtchn_lock);
	pp = port_used(&p->evtchn, port);
	page = p->evtchn.page;
	if (!pp || !page) {
		spin_unlock(&p->evtchn_lock);
		return PT_STATUS_INVALID_PORT_ID;
	}
	if (mask) {
		__atomic_fetch_or(&page->mask[word], bit, __ATOMIC_SEQ_CST);
	} else {
		__atomic_fetch_and(&page->mask[word], ~bit, __ATOMIC_SEQ_CST);
		/* What arrived while it was masked is delivered now. */
		if (READ_ONCE(page->pending[word]) & bit)
			target = select_locked(p, pp, word);
	}
	spin_unlock(&p->evtchn_lock);
	notify(target);
	return PT_STATUS_SUCCESS;
}

bool evtchn_raise_virq(struct partition *p, u32 virq)
{
	struct vcpu *target = NULL;
	bool bound;

	spin_lock(&p->evtchn_lock);
	bound = p->evtchn.virq_port[virq] != 0;
	if (bound)
		target = set_pending_locked(p, p->evtchn.virq_port[virq]);
	spin_unlock(&p->evtchn_lock);
	notify(target);
	return bound;
}

bool evtchn_timer_fired(struct vcpu *v)
{
	struct partition *p = v->part;
	struct vcpu *target = NULL;
	bool bound;

	spin_lock(&p->evtchn_lock);
	bound = v->evtchn.timer_port != 0;
	if (bound)
		target = set_pending_locked(p, v->evtchn.timer_port);
	spin_unlock(&p->evtchn_lock);
	/* The timer port never moves to another vCPU: target is v, whose
	 * CPU lock the caller holds, so no sched_wake here. */
	if (target) {
		spin_lock(&v->vpap_lock);
		if (v->vpap) {
			__atomic_fetch_or(&v->vpap->pending_events,
					  BIT(PT_EVENT_PORTS),
					  __ATOMIC_SEQ_CST);
			WRITE_ONCE(v->vpap->upcall_pending, 1);
		} else {
			__atomic_fetch_or(&v->pending_events,
					  BIT(PT_EVENT_PORTS),
					  __ATOMIC_SEQ_CST);
		}
		spin_unlock(&v->vpap_lock);
	}
	return bound;
}

void evtchn_sel_to_vpap(struct vcpu *v)
{
	u64 sel = v->evtchn.sel_pending;

	v->evtchn.sel_pending = 0;
	if (sel && v->vpap)
		__atomic_fetch_or(&v->vpap->evtchn_pending_sel, sel,
				  __ATOMIC_SEQ_CST);
}

/*
 * Closes ports from the cursor on, each peer getting its notice, until the
 * deadline (at least one port); true once none is left. No port opens
 * meanwhile: the partition is marked closed.
 */
static bool close_step(struct partition *p, u64 deadline_tsc)
{
	struct evtchn_state *es = &p->evtchn;

	while (READ_ONCE(es->in_use) && es->close_cursor < PT_EVTCHN_PORTS) {
		u32 port = es->close_cursor++;

		if (close_port(p, port, true) == PT_STATUS_SUCCESS &&
		    arch_tsc() >= deadline_tsc)
			break;
	}
	return READ_ONCE(es->in_use) == 0;
}

void evtchn_partition_end(struct partition *p)
{
	spin_lock(&p->evtchn_lock);
	p->evtchn.closed = true;
	p->evtchn.close_cursor = 1;
	/* Nothing is delivered into a partition that is going away. */
	p->evtchn.page = NULL;
	p->evtchn.page_gpa = 0;
	spin_unlock(&p->evtchn_lock);
}

bool evtchn_close_step(struct partition *p, u64 deadline_tsc)
{
	if (!close_step(p, deadline_tsc))
		return false;
	/* The bucket frames go back with the partition's other frames: from
	 * now on nobody may look into them. */
	spin_lock(&p->evtchn_lock);
	memset(p->evtchn.buckets, 0, sizeof(p->evtchn.buckets));
	spin_unlock(&p->evtchn_lock);
	return true;
}

u32 evtchn_list(struct partition *p, u32 from, struct pt_port_info *out,
		u32 max, u32 *next)
{
	struct pt_event_page *page;
	u32 n = 0, port;

	*next = 0;
	spin_lock(&p->evtchn_lock);
	page = p->evtchn.page;
	for (port = from ? from : 1; port < PT_EVTCHN_PORTS; port++) {
		struct evtchn_port *pp = port_used(&p->evtchn, port);
		u64 bit = BIT(port % 64);

		if (!pp)
			continue;
		if (n == max) {
			*next = port;
			break;
		}
		memset(&out[n], 0, sizeof(out[n]));
		out[n].port = (u16)port;
		out[n].state = pp->state;
		out[n].vcpu = pp->vcpu;
		out[n].remote_port = pp->remote_port;
		out[n].remote_id =
			pp->state == PT_EVTCHN_STATE_VIRQ ? 0 : pp->remote_id;
		if (page) {
			out[n].pending =
				!!(READ_ONCE(page->pending[port / 64]) & bit);
			out[n].masked =
				!!(READ_ONCE(page->mask[port / 64]) & bit);
		}
		n++;
	}
	spin_unlock(&p->evtchn_lock);
	return n;
}
