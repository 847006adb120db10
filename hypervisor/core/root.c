// SPDX-License-Identifier: GPL-2.0-only
/* The root partition: the privileged partition 0 that runs Linux. */
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/events.h>
#include <hv/evtchn.h>
#include <hv/frame.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/root.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <partita/root.h>

#define ROOT_BACKGROUND_SLICE_NS 20000ull

static struct {
	bool present;
	volatile bool go; /* boot guests are created: Linux may start */
	volatile bool ended;
	u32 cpu;
	struct partition *part;
	u64 pings;
	u64 last_ping_log_ns;
} root;

bool root_present(void)
{
	return root.present;
}

bool root_ended(void)
{
	return READ_ONCE(root.ended);
}

void root_release(void)
{
	WRITE_ONCE(root.go, true);
}

bool root_is_cpu(u32 cpu)
{
	return root.present && cpu == root.cpu;
}

u64 root_cpu_mask(void)
{
	return root.present ? BIT(root.cpu) : 0;
}

void root_reserve_cpu(const struct boot_info *bi)
{
	if (!bi->config.root.present)
		return;
	if (bi->config.root.cpu >= arch_cpu_count()) {
		hv_err("root: CPU %u does not exist; not starting the root",
		       bi->config.root.cpu);
		return;
	}
	root.cpu = bi->config.root.cpu;
	root.present = true;
}

bool root_create(const struct boot_info *bi)
{
	struct partition *p;

	if (!root.present)
		return false;
	p = partition_init_root(root.cpu);
	if (arch_root_build(p, bi)) {
		hv_err("root: not started");
		/* Give back what the partial build took. */
		frame_release_owner(ROOT_PARTITION_ID);
		WRITE_ONCE(p->state, PART_STATE_FREE);
		root.present = false;
		return false;
	}
	root.part = p;
	return true;
}

void root_notify(unsigned bit)
{
	struct pt_vpap *vpap;
	struct vcpu *v;
	bool signal = false;

	if (!root.part)
		return;
	v = &root.part->vcpus[0];
	spin_lock(&v->vpap_lock);
	vpap = v->vpap;
	if (!vpap) {
		/* Delivered once the driver enables its VPAP. */
		__atomic_fetch_or(&v->pending_events, BIT(bit),
				  __ATOMIC_SEQ_CST);
	} else {
		__atomic_fetch_or(&vpap->pending_events, BIT(bit),
				  __ATOMIC_SEQ_CST);
		/* One interrupt until the driver clears upcall_pending. */
		signal = !__atomic_exchange_n(&vpap->upcall_pending, 1,
					      __ATOMIC_SEQ_CST);
	}
	spin_unlock(&v->vpap_lock);
	if (signal)
		arch_root_signal();
	/* The same notices as ports, for root processes that bound them. */
	if (bit == PT_ROOT_EVENT_LOG)
		evtchn_raise_virq(root.part, PT_VIRQ_LOG);
	else if (bit == PT_ROOT_EVENT_PARTITION)
		evtchn_raise_virq(root.part, PT_VIRQ_PARTITION);
	else if (bit == PT_ROOT_EVENT_CONSOLE)
		evtchn_raise_virq(root.part, PT_VIRQ_CONSOLE);
}

void root_ping(void)
{
	u64 now = time_now_ns();

	root.pings++;
	/* Logged at most once a second: benchmarks ping thousands of times. */
	if (now - root.last_ping_log_ns >= 1000000000ull) {
		root.last_ping_log_ns = now;
		log_msg(LOG_INFO, "root", "ping %llu answered",
			(unsigned long long)root.pings);
	}
	root_notify(PT_ROOT_EVENT_PING);
}

/*
 * The root's CPU belongs to Linux: its interrupts are never taken here, so
 * this loop never opens an interrupt window, arms a timer or idles. It
 * only handles the root's exits and does bounded background work.
 */
void root_run(void)
{
	struct vcpu *v = &root.part->vcpus[0];

	/* Linux treats the loader's pages as RAM: it must not start while
	 * boot guests are still being copied out of them. */
	while (!READ_ONCE(root.go))
		__builtin_ia32_pause();
	log_msg(LOG_INFO, "root", "starting Linux on CPU %u", root.cpu);
	for (;;) {
		u64 t0 = arch_tsc();
		/* One entry at a time: the loop below has the root's own
		 * background checks. */
		enum vcpu_action action = arch_vcpu_run(v, 0);

		sched_charge(v,
			     time_tsc_to_ns(arch_tsc()) - time_tsc_to_ns(t0));
		if (action == VCPU_GONE) {
			log_msg(LOG_ERR, "root", "the root partition ended: %s",
				root.part->exit_detail);
			WRITE_ONCE(root.ended, true);
			if (arch_cpu_id() != 0)
				arch_kick_cpu(
					0); /* CPU 0 takes the machine down */
			return;
		}
		if (log_port_pending())
			log_drain(ROOT_BACKGROUND_SLICE_NS);
		if (partition_teardown_pending())
			partition_teardown_step(ROOT_BACKGROUND_SLICE_NS);
	}
}
