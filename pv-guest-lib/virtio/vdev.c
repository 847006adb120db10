// SPDX-License-Identifier: MIT
/*
 * A virtio device's shared memory and doorbell in a running guest: ring
 * pages and the buffer pool granted to the back-end, one event port, the
 * event-driven wait with its storm throttle, and the teardown that never
 * reuses a page the back-end may still map (XSA-396).
 */
#include <partita-guest/cpu.h>
#include <partita-guest/evtchn.h>
#include <partita-guest/grant.h>
#include <partita-guest/hypercall.h>
#include <partita-guest/pages.h>
#include <partita-guest/smp.h>
#include <partita-guest/virtio.h>
#include <partita-guest/vpap.h>

#include "string.h"

/* Grant entries the library registers when nobody did it before. */
#define VDEV_GRANT_FRAMES 2u
#define VDEV_END_RETRY_NS 1000000ull /* 1 ms between tries */

static void vdev_event(uint32_t port, void *ctx)
{
	struct pt_vdev *d = ctx;

	/* Runs in the upcall: count and flag, the waiter does the work. */
	d->stats.events++;
	__atomic_store_n(&d->event_flag, 1, __ATOMIC_RELEASE);
}

static int check_config(const struct pt_vdev_config *cfg)
{
	if (!cfg->num_queues || cfg->num_queues > PT_VIRTQ_QUEUES_MAX ||
	    !cfg->pool_pages || cfg->pool_pages > PT_VIRTQ_POOL_PAGES_MAX)
		return -PT_DEV_EINVAL;
	for (unsigned i = 0; i < cfg->num_queues; i++) {
		uint16_t s = cfg->queue_size[i];

		if (!s || s > PT_VIRTQ_SIZE_MAX || (s & (s - 1u)))
			return -PT_DEV_EINVAL;
	}
	return 0;
}

/*
 * Zeroed pages: the old ones if big enough and free of grants, else new.
 * New ones are cleared here too, not only by the allocator: whether a
 * page about to be granted holds anything but zeroes (XSA-403) is
 * decided in this file.
 */
static void *take_pages(void **mem, uint32_t *have, uint32_t want)
{
	if (!*mem || *have < want) {
		*mem = pt_pages_alloc(want);
		*have = *mem ? want : 0;
		if (!*mem)
			return NULL;
	}
	memset(*mem, 0, (size_t)want * PT_PAGE_SIZE);
	return *mem;
}

/* Ends one grant, retrying while the back-end still maps the page. */
static int end_grant(uint32_t ref, uint64_t deadline_ns)
{
	int ret;

	while ((ret = pt_grant_end_access(ref)) == -PT_STATUS_OBJECT_IN_USE &&
	       pt_time_ns() < deadline_ns)
		pt_sleep_ns(VDEV_END_RETRY_NS);
	return ret;
}

/* Ends refs[0..n); 0 if every one ended, else the first failure. */
static int end_grants(uint32_t *refs, uint32_t n, uint64_t deadline_ns)
{
	int first = 0;

	for (uint32_t i = 0; i < n; i++) {
		int ret = refs[i] ? end_grant(refs[i], deadline_ns) : 0;

		if (ret && !first)
			first = ret;
		if (!ret)
			refs[i] = 0;
	}
	return first;
}

static int grant_pages(struct pt_vdev *d, void *mem, uint32_t n, uint32_t *refs)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t gpfn = (pt_gpa(mem) >> PT_PAGE_SHIFT) + i;
		int ret = pt_grant_alloc(d->backend_id, gpfn, 0, &refs[i]);

		if (ret) {
			d->detail = ret;
			return -PT_DEV_EGRANT;
		}
	}
	return 0;
}

/*
 * The grants of quarantined pages stay the back-end's for good. Their
 * refs must not linger: a later pt_vdev_alloc that fails half-way would
 * find them past the refs it wrote, try to end them, and quarantine the
 * fresh pages in their place.
 */
static void forget_refs(uint32_t *refs, size_t bytes)
{
	memset(refs, 0, bytes);
}

/* Gives back everything pt_vdev_alloc set up; what stays mapped is lost
 * to us for good. Returns 0 or -PT_DEV_EBUSY. */
static int vdev_unwind(struct pt_vdev *d, uint64_t deadline_ns)
{
	int busy = 0;

	if (d->port) {
		/*
		 * The mask bit is ours, in the event page, and outlives the
		 * port; the next port allocated is the lowest free number,
		 * likely this one. Left set by a storm, it would make that
		 * port deaf with nobody to unmask it.
		 */
		if (d->throttled)
			pt_evtchn_unmask(d->port);
		pt_evtchn_set_handler(d->port, NULL, NULL);
		pt_evtchn_close(d->port);
		d->port = 0;
	}
	for (unsigned q = 0; q < PT_VIRTQ_QUEUES_MAX; q++) {
		if (end_grants(d->ring_refs[q], d->ring_pages[q],
			       deadline_ns)) {
			d->stats.quarantined += d->ring_mem_pages[q];
			d->ring_mem[q] = NULL;
			d->ring_mem_pages[q] = 0;
			forget_refs(d->ring_refs[q], sizeof(d->ring_refs[q]));
			busy = 1;
		}
		d->ring_pages[q] = 0;
	}
	if (end_grants(d->pool_refs, d->pool_pages, deadline_ns)) {
		d->stats.quarantined += d->pool_mem_pages;
		d->pool_mem = NULL;
		d->pool_mem_pages = 0;
		forget_refs(d->pool_refs, sizeof(d->pool_refs));
		busy = 1;
	}
	d->pool_pages = 0;
	d->throttled = 0;
	d->allocated = 0;
	return busy ? -PT_DEV_EBUSY : 0;
}

static int vdev_setup_grants(void)
{
	int ret = 0;

	if (!pt_grant_table_entries())
		ret = pt_grant_table_init(VDEV_GRANT_FRAMES);
	return ret;
}

int pt_vdev_alloc(struct pt_vdev *d, const struct pt_vdev_config *cfg,
		  uint64_t deadline_ns)
{
	int ret = check_config(cfg);

	if (ret)
		return ret;
	if (d->allocated)
		return -PT_DEV_ESTATE;
	d->detail = 0;
	ret = vdev_setup_grants();
	if (ret) {
		d->detail = ret;
		return -PT_DEV_EGRANT;
	}
	ret = pt_evtchn_init();
	if (ret) {
		d->detail = ret;
		return -PT_DEV_EEVTCHN;
	}
	d->backend_id = cfg->backend_id;
	d->num_queues = cfg->num_queues;
	d->features = 0;
	d->event_flag = 0;
	d->storm.window_ns = PT_VDEV_STORM_WINDOW_NS;
	d->storm.limit = PT_VDEV_STORM_LIMIT;
	d->storm.in_window = 0;
	d->allocated = 1; /* from here on failures unwind */
	for (unsigned q = 0; q < cfg->num_queues; q++) {
		uint32_t pages = pt_vring_layout(cfg->queue_size[q]).pages;

		d->queue_size[q] = cfg->queue_size[q];
		if (!take_pages(&d->ring_mem[q], &d->ring_mem_pages[q],
				pages)) {
			ret = -PT_DEV_ENOMEM;
			goto err;
		}
		d->ring_pages[q] = pages;
		ret = grant_pages(d, d->ring_mem[q], pages, d->ring_refs[q]);
		if (ret)
			goto err;
	}
	if (!take_pages(&d->pool_mem, &d->pool_mem_pages, cfg->pool_pages)) {
		ret = -PT_DEV_ENOMEM;
		goto err;
	}
	d->pool_pages = cfg->pool_pages;
	ret = grant_pages(d, d->pool_mem, cfg->pool_pages, d->pool_refs);
	if (ret)
		goto err;
	ret = pt_evtchn_alloc_wait(d->backend_id, pt_vcpu_index(), deadline_ns,
				   &d->port);
	if (ret) {
		d->detail = ret;
		d->port = 0;
		ret = -PT_DEV_EEVTCHN;
		goto err;
	}
	pt_evtchn_set_handler(d->port, vdev_event, d);
	return 0;

err:
	/* Nothing was published yet: every grant ends at once. */
	vdev_unwind(d, 0);
	return ret;
}

int pt_vdev_start(struct pt_vdev *d, uint64_t features)
{
	int ret;

	if (!d->allocated)
		return -PT_DEV_ESTATE;
	d->features = features;
	ret = pt_vpool_init(&d->pool, d->pool_mem,
			    d->pool_pages * PT_PAGE_SIZE);
	for (unsigned q = 0; !ret && q < d->num_queues; q++) {
		memset(d->ring_mem[q], 0,
		       (size_t)d->ring_pages[q] * PT_PAGE_SIZE);
		ret = pt_vq_init(&d->vq[q], d->ring_mem[q], d->queue_size[q],
				 features, &d->pool);
	}
	return ret;
}

int pt_vdev_kick(struct pt_vdev *d, unsigned qi)
{
	int ret;

	if (qi >= d->num_queues)
		return -PT_DEV_EINVAL;
	if (!pt_vq_kick_prepare(&d->vq[qi]))
		return 0;
	d->stats.notifies++;
	ret = pt_call_evtchn_send(d->port);
	/*
	 * While the back-end restarts our port is unbound and the send goes
	 * nowhere; the new back-end resumes from the ring, so it is not an
	 * error of this request. Keep the status for diagnostics only.
	 */
	if (ret)
		d->detail = ret;
	return 0;
}

static void vdev_unthrottle(struct pt_vdev *d, uint64_t now)
{
	if (d->throttled && now >= d->throttle_until) {
		d->throttled = 0;
		/* Delivers what arrived while masked. */
		pt_evtchn_unmask(d->port);
	}
}

/* Lets a pending upcall in: STI's shadow covers the NOP, not the CLI. */
static inline void irq_window(void)
{
	__asm__ volatile("sti; nop; cli" : : : "memory");
}

int pt_vdev_wait(struct pt_vdev *d, uint64_t deadline_ns)
{
	uint64_t flags = pt_irq_save();
	int woke = 0;

	for (;;) {
		uint64_t now = pt_time_ns(), wake = deadline_ns;

		vdev_unthrottle(d, now);
		irq_window();
		if (__atomic_exchange_n(&d->event_flag, 0, __ATOMIC_ACQ_REL)) {
			woke = 1;
			break;
		}
		if (deadline_ns && now >= deadline_ns)
			break;
		if (d->throttled && (!wake || d->throttle_until < wake))
			wake = d->throttle_until;
		/*
		 * Interrupts are off: an event that arrived after the flag
		 * was read makes BLOCK return at once instead of sleeping,
		 * and the next irq_window() runs its handler.
		 */
		pt_call_block(wake);
	}
	pt_irq_restore(flags);
	return woke;
}

void pt_vdev_spurious(struct pt_vdev *d)
{
	uint64_t now = pt_time_ns();

	d->stats.spurious++;
	if (d->throttled || !pt_evlimit_hit(&d->storm, now))
		return;
	/* A storm: stop listening for a window, then look once. */
	pt_evtchn_mask(d->port);
	d->throttled = 1;
	d->throttle_until = now + d->storm.window_ns;
	d->stats.throttled++;
}

int pt_vdev_release(struct pt_vdev *d, uint64_t deadline_ns)
{
	if (!d->allocated)
		return 0;
	return vdev_unwind(d, deadline_ns);
}
