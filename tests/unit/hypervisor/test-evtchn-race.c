// SPDX-License-Identifier: GPL-2.0-only
/* Event ports raced by host threads, as hostile vCPUs would (XSA-331/343). */
#include <criterion/criterion.h>
#include <hv/evtchn.h>
#include <hv/frame.h>
#include <hv/partition.h>
#include <partita/events.h>
#include <partita/hypercall.h>
#include <stdint.h>
#include <string.h>

#include "hv-shim.h"
#include "msg-env.h"
#include "race.h"

/* Two guests: A with two vCPUs, B with one; the root is partition 0. */
static struct partition *pa, *pb;

static void setup(void)
{
	env_boot(ENV_POOL_FOR(3));
	pa = env_guest("alpha", 2, 0, 0);
	pb = env_guest("beta", 1, 0, 0);
	cr_assert_eq(env_fast(&pa->vcpus[0], PT_CALL_EVTCHN_SET_PAGE,
			      ENV_EVENT_GPA, 0, NULL, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(env_fast(&pb->vcpus[0], PT_CALL_EVTCHN_SET_PAGE,
			      ENV_EVENT_GPA, 0, NULL, NULL),
		     PT_STATUS_SUCCESS);
}

TestSuite(evtchn_race, .init = setup, .fini = shim_teardown);

static struct pt_event_page *page_of(struct partition *p)
{
	return env_gpa(p, ENV_EVENT_GPA);
}

/* An interdomain pair offered by `from` and bound by `to`. */
static void connect(struct partition *from, struct partition *to,
		    u32 *from_port, u32 *to_port)
{
	cr_assert_eq(evtchn_alloc_unbound(from, to->id, 0, from_port),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(
		evtchn_bind_interdomain(to, from->id, *from_port, 0, to_port),
		PT_STATUS_SUCCESS);
}

static u32 state_of(struct partition *p, u32 port)
{
	struct pt_evtchn_status s;

	cr_assert_eq(evtchn_status(p, port, &s), PT_STATUS_SUCCESS);
	return s.state;
}

/* Counted by racers, looked at by the test's own thread. */
static volatile u32 go, done, bad, ready;
/* Passes of the thread the other one waits for, so that they overlap. */
static volatile u32 passes;

static void count_bad(void)
{
	__atomic_fetch_add(&bad, 1, __ATOMIC_RELAXED);
}

static void finish(void)
{
	__atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
}

/* ---- Both ends closed at once (lock_two's order) ----------------------- */

#define CLOSE_ROUNDS 300
#define CLOSE_PAIRS 250 /* pairs a round: ports 1..250 (one bucket) */

/*
 * Each partition closes its own ends of the pairs the moment the round
 * starts: A takes lock_two(A, B), B takes lock_two(B, A), 250 times each.
 * Only the slot order keeps the two from waiting for each other forever.
 * In odd rounds both go up, closing the two ends of a pair at the same
 * moment; in even rounds B goes down, so they close different pairs.
 */
static void *close_own_ends(void *arg)
{
	u32 side = (u32)(uintptr_t)arg;
	struct partition *p = side ? pb : pa;

	for (u32 round = 1; round <= CLOSE_ROUNDS; round++) {
		bool down = side && !(round & 1);

		race_spin_until(&go, round);
		for (u32 i = 1; i <= CLOSE_PAIRS; i++) {
			u32 port = down ? CLOSE_PAIRS + 1 - i : i;

			if (evtchn_close(p, port) != PT_STATUS_SUCCESS)
				count_bad();
		}
		finish();
	}
	return NULL;
}

Test(evtchn_race, both_ends_close_at_once_then_rebind)
{
	u64 owned_a = frame_count_owned(pa->id);
	u64 owned_b = frame_count_owned(pb->id);
	u32 a, b;

	race_start(close_own_ends, (void *)0);
	race_start(close_own_ends, (void *)1);
	for (u32 round = 1; round <= CLOSE_ROUNDS; round++) {
		for (u32 i = 1; i <= CLOSE_PAIRS; i++) {
			/* Either side offers: the lock order must not depend
			 * on it. Port i pairs with port i. */
			if ((round + i) & 1)
				connect(pa, pb, &a, &b);
			else
				connect(pb, pa, &b, &a);
			cr_assert_eq(a, i, "round %u", round);
			cr_assert_eq(b, i, "round %u", round);
		}
		__atomic_store_n(&go, round, __ATOMIC_RELEASE);
		if (!race_wait(&done, 2 * round))
			cr_assert_fail("round %u: the closes never finished "
				       "(deadlock)",
				       round);
		cr_assert_eq(bad, 0, "round %u: %u closes failed", round, bad);
		/* Whichever went first, every end is free now. */
		cr_assert_eq(pa->evtchn.in_use, 0, "round %u", round);
		cr_assert_eq(pb->evtchn.in_use, 0, "round %u", round);
		for (u32 i = 1; i <= CLOSE_PAIRS; i++) {
			cr_assert_eq(state_of(pa, i), PT_EVTCHN_STATE_FREE);
			cr_assert_eq(state_of(pb, i), PT_EVTCHN_STATE_FREE);
		}
		for (u32 w = 0; w < PT_EVTCHN_WORDS; w++) {
			cr_assert_eq(page_of(pa)->pending[w], 0);
			cr_assert_eq(page_of(pb)->pending[w], 0);
		}
		cr_assert_eq(frame_pool_check(), 0, "round %u", round);
	}
	race_join_all();
	cr_assert_eq(frame_count_owned(pa->id), owned_a);
	cr_assert_eq(frame_count_owned(pb->id), owned_b);
	/* And they still connect and deliver. */
	connect(pa, pb, &a, &b);
	cr_assert_eq(evtchn_send(pb, b), PT_STATUS_SUCCESS);
	cr_assert(page_of(pa)->pending[0] & BIT(a));
}

/* ---- Ports growing into new buckets under readers (XSA-343) ----------- */

#define GROW_PAIRS 4
#define GROW_TOP 600 /* ports 1..GROW_TOP: buckets 0 to 2 */
#define GROW_ROUNDS 4

static volatile u32 grow_stop;

/* A opens ports up to GROW_TOP (the first round takes two new bucket
 * frames), then closes them again, top down. */
static void *grower(void *arg)
{
	(void)arg;
	race_line_up(&ready, 2);
	for (u32 round = 0; round < GROW_ROUNDS; round++) {
		for (u32 n = GROW_PAIRS + 1; n <= GROW_TOP; n++) {
			u32 port = 0;

			if (evtchn_alloc_unbound(pa, pb->id, 1, &port) ||
			    port != n)
				count_bad();
		}
		/* The reader passes over the full buckets at least once. */
		race_spin_until(&passes, passes + 2);
		for (u32 n = GROW_TOP; n > GROW_PAIRS; n--) {
			if (evtchn_close(pa, n))
				count_bad();
		}
		race_spin_until(&passes, passes + 2);
	}
	__atomic_store_n(&grow_stop, 1, __ATOMIC_RELEASE);
	finish();
	return NULL;
}

/* What STATUS may say of A's port n while the grower works. */
static bool status_is_sane(u32 n, const struct pt_evtchn_status *s)
{
	if (s->port != n)
		return false;
	if (n <= GROW_PAIRS)
		return s->state == PT_EVTCHN_STATE_INTERDOMAIN &&
		       s->remote_id == pb->id && s->remote_port == n &&
		       s->vcpu == 0;
	if (s->pending)
		return false; /* nothing is ever sent to them */
	if (s->state == PT_EVTCHN_STATE_FREE)
		return s->vcpu == 0 && s->remote_id == 0 && s->remote_port == 0;
	return s->state == PT_EVTCHN_STATE_UNBOUND && s->vcpu == 1 &&
	       s->remote_id == pb->id && s->remote_port == 0;
}

/*
 * B sends on the pairs that were there before (each send succeeds); STATUS
 * over every port of A, and unmask (then mask) its old pairs and the
 * ports that come and go. One thread: the machine may have two CPUs.
 */
static void *reader(void *arg)
{
	u32 pass = 0;

	(void)arg;
	race_line_up(&ready, 2);
	do {
		for (u32 port = 1; port <= GROW_PAIRS; port++) {
			if (evtchn_send(pb, port))
				count_bad();
		}
		for (u32 n = 1; n < PT_EVTCHN_PORTS; n += n < 8 ? 1 : 7) {
			struct pt_evtchn_status s;
			int st;

			race_breathe(&pass);
			if (evtchn_status(pa, n, &s) || !status_is_sane(n, &s))
				count_bad();
			st = evtchn_mask(pa, n, false);
			if (n <= GROW_PAIRS
				    ? st != PT_STATUS_SUCCESS
				    : st != PT_STATUS_SUCCESS &&
					      st != PT_STATUS_INVALID_PORT_ID)
				count_bad();
			st = evtchn_mask(pa, n, true);
			if (st && st != PT_STATUS_INVALID_PORT_ID)
				count_bad();
		}
		__atomic_fetch_add(&passes, 1, __ATOMIC_RELEASE);
	} while (!__atomic_load_n(&grow_stop, __ATOMIC_ACQUIRE));
	finish();
	return NULL;
}

Test(evtchn_race, ports_grow_into_new_buckets_under_sends_status_and_unmask)
{
	u64 owned = frame_count_owned(pa->id);
	u32 a, b;

	for (u32 i = 1; i <= GROW_PAIRS; i++) {
		connect(pa, pb, &a, &b);
		cr_assert_eq(a, i);
		cr_assert_eq(b, i);
	}
	race_start(reader, NULL);
	race_start(grower, NULL);
	if (!race_wait(&done, 2))
		cr_assert_fail("the racers never finished (deadlock)");
	race_join_all();
	cr_assert_eq(bad, 0, "%u bad results", bad);
	cr_assert_eq(frame_count_owned(pa->id), owned + 2,
		     "two new bucket frames, taken once");
	cr_assert_eq(pa->evtchn.in_use, GROW_PAIRS);
	cr_assert_eq(pb->evtchn.in_use, GROW_PAIRS);
	for (u32 n = 1; n < PT_EVTCHN_PORTS; n++) {
		struct pt_evtchn_status s;

		cr_assert_eq(evtchn_status(pa, n, &s), PT_STATUS_SUCCESS);
		cr_assert(status_is_sane(n, &s), "port %u", n);
		if (n > GROW_PAIRS)
			cr_assert_eq(s.state, PT_EVTCHN_STATE_FREE);
	}
	/* The old pairs were sent to all along; unmasked, each is pending. */
	for (u32 n = 1; n <= GROW_PAIRS; n++) {
		cr_assert_eq(evtchn_mask(pa, n, false), PT_STATUS_SUCCESS);
		cr_assert(page_of(pa)->pending[0] & BIT(n), "port %u", n);
	}
	cr_assert_eq(frame_pool_check(), 0);
	env_destroy(pa->id);
	env_destroy(pb->id);
	env_pool_is_back();
}

/* ---- Close racing bind_vcpu and unmask on the same port (XSA-331) ----- */

#define REBIND_ROUNDS 2000

static u32 race_a, race_b;
static volatile u32 saw_closed; /* mover calls that found the port closed */

/* Moves A's port between its two vCPUs and masks and unmasks it, while
 * B keeps it pending (B's end stays in use throughout). */
static void *mover(void *arg)
{
	u32 pass = 0;

	(void)arg;
	race_line_up(&ready, 2);
	for (u32 i = 0; !__atomic_load_n(&grow_stop, __ATOMIC_ACQUIRE); i++) {
		int st = evtchn_bind_vcpu(pa, race_a, i & 1);

		race_breathe(&pass);
		if (evtchn_send(pb, race_b))
			count_bad();
		if (st == PT_STATUS_INVALID_PORT_ID)
			saw_closed++;
		else if (st)
			count_bad();
		st = evtchn_mask(pa, race_a, i & 2);
		if (st && st != PT_STATUS_INVALID_PORT_ID)
			count_bad();
		__atomic_fetch_add(&passes, 1, __ATOMIC_RELEASE);
	}
	finish();
	return NULL;
}

static bool zeroed(const struct evtchn_port *pp)
{
	static const struct evtchn_port zero;

	return memcmp(pp, &zero, sizeof(zero)) == 0;
}

/* A closes its end and binds it again; a closed port stays all zero and
 * not pending until it is bound again, whatever the others do to it. */
static void *rebinder(void *arg)
{
	struct evtchn_port *pp = &pa->evtchn.buckets[0][race_a];

	(void)arg;
	race_line_up(&ready, 2);
	for (u32 round = 0; round < REBIND_ROUNDS; round++) {
		u32 again = 0;

		/* The mover is at it when the port closes, and has a go at
		 * the closed port before it is bound again. */
		race_spin_until(&passes, passes + 1);
		if (evtchn_close(pa, race_a))
			count_bad();
		race_spin_until(&passes, passes + 2);
		if (!zeroed(pp) ||
		    (READ_ONCE(page_of(pa)->pending[0]) & BIT(race_a)))
			count_bad();
		if (evtchn_bind_interdomain(pa, pb->id, race_b, 0, &again) ||
		    again != race_a)
			count_bad();
	}
	__atomic_store_n(&grow_stop, 1, __ATOMIC_RELEASE);
	finish();
	return NULL;
}

Test(evtchn_race, close_races_bind_vcpu_and_unmask_on_the_same_port)
{
	struct pt_evtchn_status s;

	connect(pb, pa, &race_b, &race_a);
	race_start(mover, NULL);
	race_start(rebinder, NULL);
	if (!race_wait(&done, 2))
		cr_assert_fail("the racers never finished (deadlock)");
	race_join_all();
	cr_assert_eq(bad, 0, "%u bad results", bad);
	cr_assert_geq(saw_closed, REBIND_ROUNDS,
		      "the mover met the closed port");
	cr_assert_eq(pa->evtchn.in_use, 1);
	cr_assert_eq(pb->evtchn.in_use, 1);
	cr_assert_eq(evtchn_status(pa, race_a, &s), PT_STATUS_SUCCESS);
	cr_assert_eq(s.state, PT_EVTCHN_STATE_INTERDOMAIN);
	cr_assert_eq(s.remote_port, race_b);
	cr_assert_leq(s.vcpu, 1);
	cr_assert_eq(evtchn_status(pb, race_b, &s), PT_STATUS_SUCCESS);
	cr_assert_eq(s.state, PT_EVTCHN_STATE_INTERDOMAIN);
	cr_assert_eq(s.remote_port, race_a);
	cr_assert_eq(frame_pool_check(), 0);
}
