// SPDX-License-Identifier: GPL-2.0-only
/* How partitions end: shutdown, crash or destroy; vCPUs off; frames back. */
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/log.h>
#include <hv/partition-internal.h>
#include <hv/root.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <partita/root.h>
#include <string.h>

volatile u32 partition_teardown_count;
static struct spinlock teardown_lock = SPINLOCK_INIT;

/* Every vCPU is off its CPU: keep a crashed partition, or tear it down. */
/*
 * Nothing of it runs any more: its shared pages are forgotten, so a late
 * notification (one raised just before it ended) writes into the vCPU's
 * own state instead of a guest page that teardown will free.
 */
static void forget_shared_pages(struct partition *p)
{
	for (u32 i = 0; i < p->vcpu_count; i++) {
		struct vcpu *v = &p->vcpus[i];

		spin_lock(&v->vpap_lock);
		WRITE_ONCE(v->vpap, NULL);
		spin_unlock(&v->vpap_lock);
	}
}

/*
 * Its ports close and its mappings of others' frames go, until the
 * deadline; true once both are done. Teardown does this before any frame
 * is freed, in the same bounded slices.
 */
static bool messaging_step(struct partition *p, u64 deadline)
{
	return evtchn_close_step(p, deadline) &&
	       grant_release_step(p, deadline);
}

static void vcpus_gone(struct partition *p)
{
	forget_shared_pages(p);
	/* Nobody maps its grants from now on. */
	grant_partition_end(p);
	if (p->exit_reason == PT_SHUTDOWN_CRASH &&
	    p->on_crash == PT_ON_CRASH_PRESERVE && !p->destroy_requested) {
		/* Kept, not torn down: its peers learn of it now, all at
		 * once (bounded by its own port cap and mapping count). */
		messaging_step(p, ~0ull);
		WRITE_ONCE(p->state, PART_STATE_CRASHED);
		log_part(LOG_INFO, p,
			 "kept after the crash (on_crash = "
			 "preserve): %llu frames until it is destroyed",
			 (unsigned long long)frame_count_owned((u16)p->id));
		root_notify(PT_ROOT_EVENT_PARTITION);
		return;
	}
	p->teardown_cursor = 0;
	p->teardown_released = 0;
	__atomic_fetch_add(&partition_teardown_count, 1, __ATOMIC_SEQ_CST);
	WRITE_ONCE(p->state, PART_STATE_TEARDOWN);
}

void partition_end(struct partition *p, u32 reason, const char *detail)
{
	bool started;

	spin_lock(&p->lock);
	if (p->state != PART_STATE_RUNNING && p->state != PART_STATE_CREATED) {
		spin_unlock(&p->lock);
		return;
	}
	started = p->state == PART_STATE_RUNNING;
	p->state = PART_STATE_DYING;
	p->exit_reason = reason;
	strlcpy(p->exit_detail, detail, sizeof(p->exit_detail));
	spin_unlock(&p->lock);
	if (reason == PT_SHUTDOWN_CRASH)
		log_part(LOG_ERR, p, "killed: %s", detail);
	else if (reason == PARTITION_END_DESTROYED)
		log_part(LOG_INFO, p, "destroyed by the root");
	/* Nothing reaches it from now on: sends deliver nothing, posts get
	 * INVALID_CONNECTION_ID. Its ports close (peers get their notice)
	 * in teardown's bounded slices. */
	evtchn_partition_end(p);
	msg_partition_end(p);
	root_notify(PT_ROOT_EVENT_PARTITION);
	if (!started || !p->vcpus_alive) {
		vcpus_gone(p);
		return;
	}
	for (u32 i = 0; i < p->vcpu_count; i++)
		sched_mark_dead(&p->vcpus[i]);
}

void partition_vcpu_gone(struct vcpu *v)
{
	struct partition *p = v->part;

	if (__atomic_sub_fetch(&p->vcpus_alive, 1, __ATOMIC_SEQ_CST) != 0)
		return;
	if (p->console_len) {
		/* An unfinished last line still reaches the log and ring. */
		p->console_line[p->console_len] = '\n';
		partition_console_append(p, p->console_line,
					 p->console_len + 1);
		p->console_line[p->console_len] = '\0';
		log_part(LOG_INFO, p, "%s", p->console_line);
	}
	vcpus_gone(p);
}

static void teardown_finished(struct partition *p)
{
	if (p->exit_reason == PT_SHUTDOWN_CRASH)
		log_part(LOG_INFO, p,
			 "destroyed after crash, returned %llu "
			 "frames",
			 (unsigned long long)p->teardown_released);
	else if (p->exit_reason == PARTITION_END_DESTROYED)
		log_part(LOG_INFO, p, "destroyed, returned %llu frames",
			 (unsigned long long)p->teardown_released);
	else
		log_part(LOG_INFO, p, "shut down (%s), returned %llu frames",
			 p->exit_detail,
			 (unsigned long long)p->teardown_released);
	if (frame_held_count())
		log_msg(LOG_INFO, "hv",
			"%llu frames of ended partitions stay held until "
			"their last grant mapping goes",
			(unsigned long long)frame_held_count());
	WRITE_ONCE(p->state, PART_STATE_FREE);
	__atomic_fetch_sub(&partition_teardown_count, 1, __ATOMIC_SEQ_CST);
	root_notify(PT_ROOT_EVENT_PARTITION);
	/* CPU 0 decides what happens when the last partition is gone. */
	if (__atomic_sub_fetch(&partition_live, 1, __ATOMIC_SEQ_CST) == 0 &&
	    arch_cpu_id() != 0 && !root_is_cpu(0))
		arch_kick_cpu(0);
}

/* One partition's teardown until the deadline; the caller holds the lock. */
static void teardown_locked(struct partition *p, u64 deadline)
{
	if (!messaging_step(p, deadline))
		return;
	if (frame_release_owner_step((u16)p->id, &p->teardown_cursor,
				     &p->teardown_released, deadline))
		teardown_finished(p);
}

bool partition_teardown_step(u64 budget_ns)
{
	u64 deadline =
		budget_ns ? arch_tsc() + time_ns_to_ticks(budget_ns) : ~0ull;

	if (!partition_teardown_pending() || !spin_trylock(&teardown_lock))
		return partition_teardown_pending();
	for (u32 id = 1; id < MAX_PARTITIONS; id++) {
		struct partition *p = &partitions[id];

		if (READ_ONCE(p->state) == PART_STATE_TEARDOWN)
			teardown_locked(p, deadline);
		if (arch_tsc() >= deadline)
			break;
	}
	spin_unlock(&teardown_lock);
	return partition_teardown_pending();
}

bool partition_destroy_step(struct partition *p, u64 deadline_tsc)
{
	u32 state;

	p->destroy_requested = true;
	partition_end(p, PARTITION_END_DESTROYED, "destroyed by the root");
	if (READ_ONCE(p->state) == PART_STATE_CRASHED)
		vcpus_gone(p); /* destroy_requested: now it is torn down */
	state = READ_ONCE(p->state);
	if (state == PART_STATE_TEARDOWN && spin_trylock(&teardown_lock)) {
		if (READ_ONCE(p->state) == PART_STATE_TEARDOWN)
			teardown_locked(p, deadline_tsc);
		spin_unlock(&teardown_lock);
	}
	return READ_ONCE(p->state) == PART_STATE_FREE;
}
