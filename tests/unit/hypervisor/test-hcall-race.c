// SPDX-License-Identifier: GPL-2.0-only
/* A hypercall's input block rewritten by a second vCPU while the call runs (XSA-155). */
#define _GNU_SOURCE /* clock_gettime */
#include <criterion/criterion.h>
#include <hv/partition.h>
#include <partita/hypercall.h>
#include <partita/messages.h>
#include <string.h>
#include <time.h>

#include "hv-shim.h"
#include "msg-env.h"
#include "race.h"

/*
 * The racer flips two fields of the sender's MSG_POST input block, each
 * between a value the decode accepts and one it refuses, chosen so that a
 * torn copy (any byte-wise mix of the two) is one of them or refused too:
 *   payload_size 4 or 0x04040404 (every mix but 4 is above the maximum);
 *   message_type 1 or 0 (NONE: refused).
 * A call that checked the copy and then used the guest's block again
 * would post a message of type 0 (lost in the receiver's slot) or copy
 * 0x04040404 bytes. So every accepted post must arrive as type 1, size 4,
 * with its payload, and every refusal must be INVALID_PARAMETER.
 */
#define GOOD_SIZE 4u
#define BAD_SIZE 0x04040404u
#define RACE_NS 1000000000ull /* the main thread's posting time */
#define MIN_POSTS 2000u	      /* and at least this many calls */
/*
 * Calls during which the block changed: without them, seeing both
 * outcomes proves nothing (the flipper may only ever have run between
 * calls). Posting goes on, up to RACE_MAX_NS, until at least
 * MIN_OVERLAPPED calls and 1 in OVERLAP_RATIO overlapped a change. A
 * flipper that only ever ran between calls was measured at 340 of 2.0 M
 * (its check-then-write window); the real race at 618 k of 1.4 M.
 */
#define MIN_OVERLAPPED 200u
#define OVERLAP_RATIO 100u
#define RACE_MAX_NS 10000000000ull

static struct partition *pa, *pb;
static struct vcpu *va, *vb;
static u32 conn;

static void setup(void)
{
	struct pt_msg_connection_in in = { 0, 0, 0, 4 };

	env_boot(ENV_POOL_FOR(2));
	pa = env_guest("alpha", 1, 0, 0);
	pb = env_guest("beta", 1, 0, 0);
	va = &pa->vcpus[0];
	vb = &pb->vcpus[0];
	in.sender = pa->id;
	cr_assert_eq(
		env_fast(vb, PT_CALL_MSG_SET_PAGE, ENV_MSG_GPA, 0, NULL, NULL),
		PT_STATUS_SUCCESS);
	cr_assert_eq(
		env_mem(vb, PT_CALL_MSG_CREATE_CONNECTION, &in, sizeof(in)),
		PT_STATUS_SUCCESS);
	conn = ((struct pt_msg_connection_out *)env_out(vb))->connection_id;
}

TestSuite(hcall_race, .init = setup, .fini = shim_teardown);

static volatile u32 ready, stop, done, flips;
/* The flipper's passes so far, published as it goes. */
static volatile u32 flips_now;

/* The second vCPU of the sender: rewrites the block as fast as it can.
 * It takes no lock, so it need not yield (race_breathe) to let the
 * caller on; yielding would leave the block in one state for whole time
 * slices on a busy machine. */
static void *flipper(void *arg)
{
	struct pt_msg_post_in *in = arg;
	u32 pass = 0;

	race_pin_self(1);
	race_line_up(&ready, 2);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		WRITE_ONCE(in->payload_size, (pass & 1) ? BAD_SIZE : GOOD_SIZE);
		WRITE_ONCE(in->message_type, (pass & 2) ? 0u : 1u);
		pass++;
		__atomic_store_n(&flips_now, pass, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&flips, pass, __ATOMIC_RELEASE);
	__atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The receiver takes what is in its slot; returns how many it took. */
static u32 drain(u32 *bad)
{
	struct pt_msg_slot *s = (struct pt_msg_slot *)env_gpa(pb, ENV_MSG_GPA);
	u32 taken = 0;

	while (__atomic_load_n(&s->header.message_type, __ATOMIC_ACQUIRE)) {
		if (s->header.message_type != 1 ||
		    s->header.payload_size != GOOD_SIZE ||
		    s->header.connection_id != conn ||
		    memcmp(s->payload, "ping", GOOD_SIZE))
			(*bad)++;
		taken++;
		__atomic_store_n(&s->header.message_type, 0, __ATOMIC_RELEASE);
		cr_assert_eq(env_fast(vb, PT_CALL_MSG_EOM, 0, 0, NULL, NULL),
			     PT_STATUS_SUCCESS);
	}
	return taken;
}

Test(hcall_race, a_post_uses_only_the_input_it_checked)
{
	struct pt_msg_post_in *in = env_gpa(pa, ENV_IN_GPA);
	u32 accepted = 0, refused = 0, received = 0, bad = 0, calls = 0;
	u32 overlapped = 0;
	struct timespec t0, t;
	u64 elapsed;

	/* On one CPU the flipper runs only between time slices: the
	 * overlap this test requires cannot happen there. */
	if (race_cpus() < 2)
		cr_skip_test("one CPU: the two threads cannot overlap");
	memset(in, 0, sizeof(*in));
	in->connection_id = conn;
	in->message_type = 1;
	in->payload_size = GOOD_SIZE;
	memcpy(in->payload, "ping", GOOD_SIZE);
	race_start(flipper, in);
	/* After the start: the flipper inherits this thread's CPUs. */
	race_pin_self(0);
	race_line_up(&ready, 2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		u32 before = __atomic_load_n(&flips_now, __ATOMIC_ACQUIRE);
		u16 st = pt_hc_status(
			env_call(va, pt_hc_input(PT_CALL_MSG_POST, 0, 0, 0),
				 ENV_IN_GPA, ENV_OUT_GPA, NULL));

		if (__atomic_load_n(&flips_now, __ATOMIC_ACQUIRE) != before)
			overlapped++;

		if (st == PT_STATUS_SUCCESS)
			accepted++;
		else if (st == PT_STATUS_INVALID_PARAMETER)
			refused++;
		else
			cr_assert_fail("post answered 0x%x", st);
		received += drain(&bad);
		calls++;
		clock_gettime(CLOCK_MONOTONIC, &t);
		elapsed = (u64)(t.tv_sec - t0.tv_sec) * 1000000000ull +
			  (u64)t.tv_nsec - (u64)t0.tv_nsec;
	} while (elapsed < RACE_MAX_NS &&
		 (calls < MIN_POSTS || elapsed < RACE_NS ||
		  overlapped < MIN_OVERLAPPED ||
		  overlapped < calls / OVERLAP_RATIO));
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	if (!race_wait(&done, 1))
		cr_assert_fail("the flipper never stopped");
	race_join_all();
	received += drain(&bad);
	cr_assert_eq(bad, 0, "%u of %u messages not what was checked", bad,
		     received);
	cr_assert_eq(received, accepted, "%u posts accepted, %u arrived",
		     accepted, received);
	/* The race happened: the block changed during calls, and both
	 * outcomes were seen. */
	cr_assert(overlapped >= MIN_OVERLAPPED &&
			  overlapped >= calls / OVERLAP_RATIO,
		  "the block changed during only %u of %u calls (%u flips)",
		  overlapped, calls, flips);
	cr_assert(accepted > 0 && refused > 0,
		  "accepted %u, refused %u of %u calls (%u flips)", accepted,
		  refused, calls, flips);
}
