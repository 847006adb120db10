// SPDX-License-Identifier: GPL-2.0-only
/* The scheduler: weighted (stride) sharing of physical CPUs by vCPUs. */
#include <hv/arch.h>
#include <hv/events.h>
#include <hv/evtchn.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/percpu.h>
#include <hv/root.h>
#include <hv/sched.h>
#include <hv/sched-stay.h>
#include <hv/time.h>
#include <partita/vpap.h>

/*
 * Each vCPU is bound to one physical CPU. Every CPU keeps its vCPUs in an
 * array and runs the runnable one with the lowest pass; running charges
 * pass += time * STRIDE_SCALE / weight, so shares follow the weights. A vCPU
 * waking from sleep starts at the CPU's virtual time rather than at its old
 * pass, so sleeping never banks credit.
 *
 * A vCPU moves to another CPU only when the root pins it away from its own
 * (sched_set_affinity). The CPU it leaves does the move between two runs,
 * holding both run queues' locks (lower CPU first), after saving the
 * vCPU's FPU registers it may still hold. Whoever locks a vCPU's CPU from
 * elsewhere reads v->cpu again under the lock (lock_home), so it never
 * works on a queue the vCPU has just left.
 */
#define STRIDE_SCALE 1024ull
/* Log port time a CPU spends between two guest runs. */
#define LOG_DRAIN_SLICE_NS 20000ull
/* The longest an idle CPU sleeps without looking at its queue. */
#define IDLE_RECHECK_NS 10000000ull
/* Scrubbing an ended partition's memory, likewise. */
#define TEARDOWN_SLICE_NS 20000ull

static u32 sched_cpu_count;

/* Our vectors never go to the root's CPU: Linux owns its interrupts. */
static void kick(u32 cpu)
{
	if (!root_is_cpu(cpu))
		arch_kick_cpu(cpu);
}

/* Locks the run queue v is on; v->cpu stays put while it is held. */
static struct sched_cpu *lock_home(const struct vcpu *v)
{
	for (;;) {
		u32 cpu = READ_ONCE(v->cpu);
		struct sched_cpu *sc = &arch_percpu(cpu)->sched;

		spin_lock(&sc->lock);
		if (READ_ONCE(v->cpu) == cpu)
			return sc;
		spin_unlock(&sc->lock);
	}
}

void sched_init(u32 cpu_count)
{
	sched_cpu_count = MIN(cpu_count, (u32)MAX_CPUS);
	for (u32 i = 0; i < sched_cpu_count; i++)
		arch_percpu(i)->sched =
			(struct sched_cpu){ .lock = SPINLOCK_INIT };
}

u64 sched_pass_increment(u64 ns, u32 weight)
{
	return ns * STRIDE_SCALE / (weight ? weight : 1);
}

int sched_pick_index(const struct sched_candidate *c, int n)
{
	int best = -1;

	for (int i = 0; i < n; i++) {
		if (c[i].runnable && (best < 0 || c[i].pass < c[best].pass))
			best = i;
	}
	return best;
}

int sched_add_vcpu(struct vcpu *v)
{
	struct sched_cpu *sc;

	if (v->cpu >= sched_cpu_count)
		return -1;
	sc = &arch_percpu(v->cpu)->sched;
	spin_lock(&sc->lock);
	if (sc->count == SCHED_MAX_VCPUS_PER_CPU) {
		spin_unlock(&sc->lock);
		return -1;
	}
	v->pass = sc->vtime;
	v->on_runqueue = true;
	sc->vcpus[sc->count++] = v;
	spin_unlock(&sc->lock);
	kick(v->cpu);
	return 0;
}

u32 sched_room(u32 cpu)
{
	struct sched_cpu *sc;
	u32 room;

	if (cpu >= sched_cpu_count)
		return 0;
	sc = &arch_percpu(cpu)->sched;
	spin_lock(&sc->lock);
	room = SCHED_MAX_VCPUS_PER_CPU - sc->count;
	spin_unlock(&sc->lock);
	return room;
}

void sched_wake(struct vcpu *v)
{
	struct sched_cpu *sc = lock_home(v);
	u32 cpu = v->cpu;
	bool woke = false;

	bool running_elsewhere;

	if (v->state == VCPU_STATE_BLOCKED) {
		v->state = VCPU_STATE_RUNNABLE;
		v->pass = MAX(v->pass, sc->vtime);
		woke = true;
	}
	/* A vCPU in guest mode elsewhere sees its upcall only after an exit:
	 * make one now rather than at the end of its slice. */
	running_elsewhere = !woke && sc->current == v && cpu != arch_cpu_id();
	spin_unlock(&sc->lock);
	if ((woke || running_elsewhere) && cpu != arch_cpu_id())
		kick(cpu);
	else if (woke)
		sc->kicked = true;
}

static u64 cap_allowance_ns(const struct vcpu *v)
{
	return SCHED_CAP_PERIOD_NS * v->part->cap_percent / 100;
}

bool sched_may_run(const struct vcpu *v, u64 now, u64 *until)
{
	u64 period_end = v->cap_period_start_ns + SCHED_CAP_PERIOD_NS;

	if (v->state != VCPU_STATE_RUNNABLE || READ_ONCE(v->part->paused))
		return false;
	if (!v->part->cap_percent || now >= period_end ||
	    v->cap_used_ns < cap_allowance_ns(v))
		return true;
	*until = period_end;
	return false;
}

u64 sched_cap_deadline(const struct vcpu *v, u64 now)
{
	u64 used, allowance = cap_allowance_ns(v);

	if (!v->part->cap_percent)
		return ~0ull;
	/* In a new period the whole allowance is left. */
	used = now - v->cap_period_start_ns < SCHED_CAP_PERIOD_NS
		       ? v->cap_used_ns
		       : 0;
	return now + (allowance > used ? allowance - used : 0);
}

void sched_charge(struct vcpu *v, u64 ns)
{
	u64 now = time_now_ns(), start = now - ns;

	if (start - v->cap_period_start_ns >= SCHED_CAP_PERIOD_NS) {
		v->cap_period_start_ns = start;
		v->cap_used_ns = 0;
	}
	v->cap_used_ns += ns;
	v->runtime_ns += ns;
	v->pass += sched_pass_increment(ns, v->part->weight);
	if (v->vpap)
		v->vpap->stat_runtime_ns = v->runtime_ns;
}

void sched_timer_changed(struct vcpu *v)
{
	u32 cpu = READ_ONCE(v->cpu);

	if (cpu == arch_cpu_id())
		arch_percpu(cpu)->sched.kicked = true;
	else
		kick(cpu);
}

/* Called from the host interrupt handlers (timer and kick). */
void sched_interrupt(void)
{
	struct sched_cpu *sc = &arch_percpu_this()->sched;

	sc->kicked = true;
	/* A fired timer is no longer armed: long deadlines are reached in
	 * several steps, each re-armed from the loop. */
	sc->armed_ns = 0;
}

/* Fires due timers and wakes sleepers; returns the next deadline (0: none). */
static u64 run_timers_locked(struct sched_cpu *sc, u64 now)
{
	u64 next = 0;

	for (u32 i = 0; i < sc->count; i++) {
		struct vcpu *v = sc->vcpus[i];

		if (v->state == VCPU_STATE_DEAD)
			continue;
		if (v->timer_deadline_ns && now >= v->timer_deadline_ns) {
			v->timer_deadline_ns = 0;
			if (v->vpap) {
				v->vpap->timer_deadline_ns = 0;
				v->vpap->stat_timer_fires++;
			}
			/* Inline vcpu_raise_event: we hold the lock. A bound
			 * timer port replaces the PT_EVENT_TIMER bit. */
			if (evtchn_timer_fired(v)) {
				/* raised through the port */
			} else if (v->vpap) {
				__atomic_fetch_or(&v->vpap->pending_events,
						  BIT(PT_EVENT_TIMER),
						  __ATOMIC_SEQ_CST);
				v->vpap->upcall_pending = 1;
			} else {
				__atomic_fetch_or(&v->pending_events,
						  BIT(PT_EVENT_TIMER),
						  __ATOMIC_SEQ_CST);
			}
		}
		if (v->state == VCPU_STATE_BLOCKED &&
		    (vcpu_events_pending(v) ||
		     (v->block_deadline_ns && now >= v->block_deadline_ns))) {
			v->state = VCPU_STATE_RUNNABLE;
			v->pass = MAX(v->pass, sc->vtime);
		}
		if (v->timer_deadline_ns &&
		    (!next || v->timer_deadline_ns < next))
			next = v->timer_deadline_ns;
		if (v->state == VCPU_STATE_BLOCKED && v->block_deadline_ns &&
		    (!next || v->block_deadline_ns < next))
			next = v->block_deadline_ns;
	}
	return next;
}

/* Takes vCPUs of dying partitions off this CPU; returns how many. */
static u32 reap_dead_locked(struct sched_cpu *sc, struct vcpu **gone, u32 max)
{
	u32 n = 0;

	for (u32 i = 0; i < sc->count && n < max;) {
		struct vcpu *v = sc->vcpus[i];

		if (v->state != VCPU_STATE_DEAD) {
			i++;
			continue;
		}
		sc->vcpus[i] = sc->vcpus[--sc->count];
		v->on_runqueue = false;
		if (sc->fpu_owner == v)
			sc->fpu_owner = NULL;
		if (sc->current == v)
			sc->current = NULL;
		gone[n++] = v;
	}
	return n;
}

/* *next: the earliest time a capped vCPU may run again (0: none). */
static struct vcpu *pick_locked(struct sched_cpu *sc, u64 now, u64 *next)
{
	struct sched_candidate cand[SCHED_MAX_VCPUS_PER_CPU];
	struct vcpu *cur = sc->current;
	int best;

	for (u32 i = 0; i < sc->count; i++) {
		u64 until = 0;

		cand[i].pass = sc->vcpus[i]->pass;
		cand[i].runnable = sched_may_run(sc->vcpus[i], now, &until);
		if (until && (!*next || until < *next))
			*next = until;
	}
	if (cur && now < sc->slice_end_ns) {
		u64 ignored = 0;

		if (sched_may_run(cur, now, &ignored))
			return cur;
	}
	best = sched_pick_index(cand, (int)sc->count);
	if (best < 0) {
		sc->current = NULL;
		return NULL;
	}
	sc->current = sc->vcpus[best];
	sc->vtime = sc->current->pass;
	sc->slice_end_ns = now + SCHED_SLICE_NS;
	return sc->current;
}

static void arm_timer(struct sched_cpu *sc, u64 deadline)
{
	if (deadline != sc->armed_ns) {
		arch_timer_arm(deadline);
		sc->armed_ns = deadline;
	}
}

/* Acts on what a vCPU asked for when it left guest mode. */
static void after_run(struct sched_cpu *sc, struct vcpu *v,
		      enum vcpu_action action)
{
	switch (action) {
	case VCPU_CONTINUE:
		break;
	case VCPU_YIELD:
		sc->slice_end_ns = 0;
		break;
	case VCPU_BLOCK:
		spin_lock(&sc->lock);
		if (v->state == VCPU_STATE_RUNNABLE && !vcpu_events_pending(v))
			v->state = VCPU_STATE_BLOCKED;
		spin_unlock(&sc->lock);
		break;
	case VCPU_GONE:
		break;
	}
}

/*
 * Stays in the vCPU while nothing else needs this CPU: exits that it
 * handles itself (hypercalls, CPUID) come straight back here without a
 * scheduling pass. This loop is on every such exit's path, so it works in
 * TSC ticks and charges the vCPU once, when it leaves (a slice at most:
 * the runtime figures lag by no more than that).
 */
static void run_vcpu(struct sched_cpu *sc, struct vcpu *v, u64 deadline_ns)
{
	u64 deadline_tsc = time_ns_to_tsc(deadline_ns);
	u64 start = arch_tsc(), end;
	enum vcpu_action action;

	/* The architecture loops itself; this loop serves one that returns
	 * after each exit (the unit tests' shim). */
	for (;;) {
		action = arch_vcpu_run(v, deadline_tsc);
		if (action != VCPU_CONTINUE)
			break;
		arch_irq_window();
		if (!sched_vcpu_may_stay(v, deadline_tsc))
			break;
	}
	end = arch_tsc();
	sched_charge(v, time_tsc_to_ns(end) - time_tsc_to_ns(start));
	after_run(sc, v, action);
}

void sched_run_cpu(void)
{
	struct sched_cpu *sc = &arch_percpu_this()->sched;

	if (root_is_cpu(arch_cpu_id())) {
		root_run();
		return;
	}

	for (;;) {
		struct vcpu *gone[8], *v;
		u64 now, next, deadline;
		u32 ngone;

		if (log_port_pending())
			log_drain(LOG_DRAIN_SLICE_NS);
		if (partition_teardown_pending())
			partition_teardown_step(TEARDOWN_SLICE_NS);
		if (READ_ONCE(sc->moves))
			sched_move_vcpus(arch_cpu_id());
		arch_irq_window();
		sc->kicked = false;
		now = time_now_ns();
		spin_lock(&sc->lock);
		ngone = reap_dead_locked(sc, gone, ARRAY_SIZE(gone));
		/* More may be queued: look again before idling. */
		if (ngone == ARRAY_SIZE(gone))
			sc->kicked = true;
		next = run_timers_locked(sc, now);
		v = pick_locked(sc, now, &next);
		spin_unlock(&sc->lock);
		for (u32 i = 0; i < ngone; i++)
			partition_vcpu_gone(gone[i]);

		if (arch_cpu_id() == 0 && root_ended())
			return; /* the machine goes down with its root */
		if (!v) {
			if (arch_cpu_id() == 0 && partition_live_count() == 0 &&
			    !root_present())
				return;
			/* Nothing to run: finish background work first,
			 * then look again (it may have ended the last one). */
			if (partition_teardown_pending()) {
				partition_teardown_step(TEARDOWN_SLICE_NS);
				continue;
			}
			log_drain(0);
			/*
			 * An idle CPU looks at its queue again within
			 * IDLE_RECHECK_NS even without a kick: a wake-up whose
			 * kick went missing would cost that much, not a sleep
			 * until the next timer. (Added for cross-CPU ping-pong
			 * stalls under TCG that later proved to be upcalls
			 * taken inside an interrupt shadow, svm-upcall.h; kept
			 * as a bound.)
			 */
			now = time_now_ns();
			arm_timer(sc, next && next < now + IDLE_RECHECK_NS
					      ? next
					      : now + IDLE_RECHECK_NS);
			if (!sc->kicked)
				arch_idle();
			continue;
		}
		deadline = next && next < sc->slice_end_ns ? next
							   : sc->slice_end_ns;
		/* A capped vCPU stops when its share of the period is used. */
		deadline = MIN(deadline, sched_cap_deadline(v, now));
		arm_timer(sc, deadline);
		if (sc->fpu_owner != v) {
			arch_fpu_switch(sc->fpu_owner, v);
			sc->fpu_owner = v;
		}
		run_vcpu(sc, v, deadline);
	}
}

void sched_mark_dead(struct vcpu *v)
{
	struct sched_cpu *sc = lock_home(v);
	u32 cpu = v->cpu;

	v->state = VCPU_STATE_DEAD;
	spin_unlock(&sc->lock);
	if (cpu == arch_cpu_id())
		sc->kicked = true;
	else
		kick(cpu);
}

/* The CPU of `mask` whose run queue has the most room (ties: lowest). */
static u32 roomiest_cpu(u64 mask, u32 *room)
{
	u32 best = 0;

	*room = 0;
	for (u32 cpu = 0; cpu < sched_cpu_count; cpu++) {
		u32 r;

		if (!(mask & BIT(cpu)))
			continue;
		r = sched_room(cpu);
		if (r > *room) {
			*room = r;
			best = cpu;
		}
	}
	return best;
}

int sched_set_affinity(struct vcpu *v, u64 mask, u32 *cpu_out)
{
	u32 room, target = roomiest_cpu(mask, &room), cur;
	/* Decided under the lock of its queue: a move made meanwhile by
	 * its CPU (for an earlier pin) is either done or not begun. */
	struct sched_cpu *sc = lock_home(v);

	cur = v->cpu;
	if (mask & BIT(cur)) {
		/* Where it is is allowed: it stays (a move asked for
		 * earlier is called off). */
		WRITE_ONCE(v->affinity, mask);
		WRITE_ONCE(v->move_to, 0);
		spin_unlock(&sc->lock);
		*cpu_out = cur;
		return 0;
	}
	if (!room) {
		spin_unlock(&sc->lock);
		return -1;
	}
	WRITE_ONCE(v->affinity, mask);
	WRITE_ONCE(v->move_to, target + 1);
	WRITE_ONCE(sc->moves, true);
	spin_unlock(&sc->lock);
	*cpu_out = target;
	if (cur == arch_cpu_id())
		sc->kicked = true;
	else
		kick(cur);
	return 0;
}

/* Finds a vCPU of this CPU that is to move; NULL when none is. */
static struct vcpu *next_mover_locked(struct sched_cpu *sc)
{
	for (u32 i = 0; i < sc->count; i++) {
		struct vcpu *v = sc->vcpus[i];

		if (!READ_ONCE(v->move_to))
			continue;
		if (v->state != VCPU_STATE_DEAD)
			return v;
		WRITE_ONCE(v->move_to, 0); /* it goes away instead */
	}
	return NULL;
}

/* Takes v off `from` and onto `to`; both locks held. False: no room. */
static bool move_locked(struct sched_cpu *from, struct sched_cpu *to,
			struct vcpu *v, u32 target)
{
	u32 i = 0;

	while (i < from->count && from->vcpus[i] != v)
		i++;
	if (i == from->count || to->count == SCHED_MAX_VCPUS_PER_CPU)
		return false;
	from->vcpus[i] = from->vcpus[--from->count];
	if (from->current == v)
		from->current = NULL;
	if (from->fpu_owner == v) {
		/* Its registers are still in this CPU's FPU: save them. */
		arch_fpu_switch(v, NULL);
		from->fpu_owner = NULL;
	}
	WRITE_ONCE(v->cpu, target);
	v->pass = to->vtime;
	to->vcpus[to->count++] = v;
	return true;
}

void sched_move_vcpus(u32 cpu)
{
	struct sched_cpu *sc = &arch_percpu(cpu)->sched;

	WRITE_ONCE(sc->moves, false);
	for (u32 round = 0; round < SCHED_MAX_VCPUS_PER_CPU; round++) {
		struct sched_cpu *to, *first, *second;
		struct vcpu *v;
		u32 target;
		bool wanted, moved;

		spin_lock(&sc->lock);
		v = next_mover_locked(sc);
		target = v ? READ_ONCE(v->move_to) - 1 : 0;
		spin_unlock(&sc->lock);
		if (!v)
			return;
		if (target == cpu || target >= sched_cpu_count) {
			WRITE_ONCE(v->move_to, 0);
			continue;
		}
		to = &arch_percpu(target)->sched;
		first = cpu < target ? sc : to;
		second = cpu < target ? to : sc;
		spin_lock(&first->lock);
		spin_lock(&second->lock);
		wanted = v->cpu == cpu && v->state != VCPU_STATE_DEAD &&
			 READ_ONCE(v->move_to) == target + 1;
		moved = wanted && move_locked(sc, to, v, target);
		/* Done, or no longer wanted, or no room left there. */
		if (READ_ONCE(v->move_to) == target + 1)
			WRITE_ONCE(v->move_to, 0);
		spin_unlock(&second->lock);
		spin_unlock(&first->lock);
		if (moved) {
			log_part(LOG_INFO, v->part, "vCPU %u moved to CPU %u",
				 v->index, target);
			kick(target);
		} else if (wanted) {
			/* Its room was taken since the pin: it stays. */
			log_part(LOG_WARN, v->part,
				 "vCPU %u stays on CPU %u: CPU %u is full",
				 v->index, cpu, target);
		}
	}
}

bool sched_vcpu_running(const struct vcpu *v)
{
	return READ_ONCE(arch_percpu(READ_ONCE(v->cpu))->sched.current) == v;
}
