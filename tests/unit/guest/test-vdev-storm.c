// SPDX-License-Identifier: MIT
/*
 * XSA-391 in the guest library: a back-end that storms the front-end with
 * events. What vdev.c does, precisely: each pt_vdev_spurious() counts one
 * wake-up in a fixed window of PT_VDEV_STORM_WINDOW_NS; the first one over
 * PT_VDEV_STORM_LIMIT in a window masks the port once and counts one
 * throttle. Only pt_vdev_wait() unmasks, on its first look at or after
 * window end, and sleeps until then rather than past it.
 */
#include <criterion/criterion.h>

#include "vdev-fixture.h"

static struct pt_vdev *d;

static void setup(void)
{
	fake_vdev_reset(FIX_T0);
	d = fix_device();
	fake_irq_install();
}

static void teardown(void)
{
	fake_irq_remove();
	free(d);
	fake_pages_reset();
}

TestSuite(vdev_storm, .init = setup, .fini = teardown);

/* n spurious wake-ups, 1 us apart: all inside one window. */
static void spurious(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		pt_vdev_spurious(d);
		fake_now_ns += 1000;
	}
}

static void storm(void)
{
	spurious(PT_VDEV_STORM_LIMIT + 1u);
	cr_assert(d->throttled);
}

Test(vdev_storm, limit_spurious_in_one_window_leave_port_unmasked)
{
	spurious(PT_VDEV_STORM_LIMIT);
	cr_assert_eq(fake_mask_calls, 0);
	cr_assert_not(fake_ports[d->port].masked);
	cr_assert_eq(d->stats.spurious, PT_VDEV_STORM_LIMIT);
	cr_assert_eq(d->stats.throttled, 0);
}

Test(vdev_storm, one_over_limit_masks_port_once_and_counts_one_throttle)
{
	uint64_t now;

	spurious(PT_VDEV_STORM_LIMIT);
	now = fake_now_ns;
	pt_vdev_spurious(d);
	cr_assert_eq(fake_mask_calls, 1);
	cr_assert(fake_ports[d->port].masked);
	cr_assert_eq(d->stats.throttled, 1);
	cr_assert_eq(d->throttle_until, now + PT_VDEV_STORM_WINDOW_NS);
}

Test(vdev_storm, spurious_while_masked_are_counted_but_never_mask_again)
{
	storm();
	spurious(100000); /* 100 ms at 1 us: the whole throttle window */
	cr_assert_eq(fake_mask_calls, 1);
	cr_assert_eq(d->stats.throttled, 1);
	cr_assert_eq(d->stats.spurious, PT_VDEV_STORM_LIMIT + 1u + 100000u);
	cr_assert_eq(fake_unmask_calls, 0);
}

Test(vdev_storm, limit_per_window_over_many_windows_never_masks)
{
	for (unsigned w = 0; w < 20; w++) {
		uint64_t start = fake_now_ns;

		spurious(PT_VDEV_STORM_LIMIT);
		fake_now_ns = start + PT_VDEV_STORM_WINDOW_NS;
	}
	cr_assert_eq(fake_mask_calls, 0);
	cr_assert_eq(d->stats.throttled, 0);
}

Test(vdev_storm, spurious_after_window_end_does_not_unmask_only_wait_does)
{
	storm();
	fake_now_ns = d->throttle_until + PT_VDEV_STORM_WINDOW_NS;
	pt_vdev_spurious(d);
	cr_assert(fake_ports[d->port].masked);
	cr_assert_eq(fake_unmask_calls, 0);
	cr_assert_eq(d->stats.throttled, 1);
}

Test(vdev_storm, wait_before_window_end_times_out_with_port_still_masked)
{
	storm();
	fake_backend_send(d->port); /* the storm goes on: pending, masked */
	cr_assert_eq(pt_vdev_wait(d, d->throttle_until - 1), 0);
	cr_assert_eq(fake_now_ns, d->throttle_until - 1);
	cr_assert(fake_ports[d->port].masked);
	cr_assert_eq(fake_unmask_calls, 0);
	cr_assert_eq(d->stats.events, 0);
}

Test(vdev_storm, wait_sleeps_to_window_end_unmasks_and_takes_coalesced_event)
{
	uint64_t until;

	storm();
	until = d->throttle_until;
	for (unsigned i = 0; i < 1000; i++)
		fake_backend_send(d->port);
	/* No deadline: only the window's end can wake the first BLOCK. */
	cr_assert_eq(pt_vdev_wait(d, 0), 1);
	cr_assert_eq(fake_now_ns, until);
	cr_assert_eq(fake_blocks, 1);
	cr_assert_eq(fake_unmask_calls, 1);
	cr_assert_not(fake_ports[d->port].masked);
	cr_assert_not(d->throttled);
	cr_assert_eq(d->stats.events, 1);
}

Test(vdev_storm, storm_after_unmask_masks_again_one_look_per_window)
{
	storm();
	fake_backend_send(d->port);
	cr_assert_eq(pt_vdev_wait(d, 0), 1);
	storm();
	cr_assert_eq(fake_mask_calls, 2);
	cr_assert_eq(d->stats.throttled, 2);
	cr_assert(fake_ports[d->port].masked);
}

Test(vdev_storm, unthrottled_wait_wakes_on_event_without_touching_mask)
{
	struct pt_vdev *dev = d;

	fake_backend_send(dev->port);
	cr_assert_eq(pt_vdev_wait(dev, fake_now_ns + FIX_MS), 1);
	cr_assert_eq(dev->stats.events, 1);
	cr_assert_eq(fake_mask_calls + fake_unmask_calls, 0);
}

Test(vdev_storm, kicks_still_reach_backend_while_masked)
{
	struct pt_vq_seg seg = { .len = 64 };

	storm();
	cr_assert_eq(pt_vpool_alloc(&d->pool, seg.len, &seg.off), 0);
	cr_assert_eq(pt_vq_add(&d->vq[0], &seg, 1, NULL, 0, &seg), 0);
	cr_assert_eq(pt_vdev_kick(d, 0), 0);
	cr_assert_eq(fake_sends, 1);
	cr_assert_eq(d->stats.notifies, 1);
}

/*
 * The mask bit is the guest's and survives EVTCHN_CLOSE, and the next
 * port allocated is the lowest free number: the one just closed. A
 * release in mid-throttle must not hand the next connection a port that
 * is masked with nobody left to unmask it.
 */
Test(vdev_storm, release_while_masked_leaves_next_connections_port_unmasked)
{
	struct pt_vdev_config c = fix_config(FIX_POOL_PAGES);
	uint32_t old_port = d->port;

	storm();
	cr_assert_eq(pt_vdev_release(d, fake_now_ns + FIX_MS), 0);
	cr_assert_eq(pt_vdev_alloc(d, &c, fake_now_ns + FIX_MS), 0);
	cr_assert_eq(pt_vdev_start(d, 0), 0);
	cr_assert_eq(d->port, old_port); /* the case that matters */
	cr_assert_not(fake_ports[d->port].masked);
	fake_backend_send(d->port);
	cr_assert_eq(pt_vdev_wait(d, fake_now_ns + FIX_MS), 1);
}
