/* SPDX-License-Identifier: GPL-2.0-only */
/* Partitions and their virtual processors. */
#ifndef HV_PARTITION_H
#define HV_PARTITION_H

#include "types.h"
#include "spinlock.h"
#include "evtchn.h"
#include "grant.h"
#include "message.h"
#include "limits.h"
#include <arch/vcpu-state.h>
#include <partita/hypercall.h>
#include <partita/vpap.h>

#define ROOT_PARTITION_ID 0
#define PARTITION_NAME_MAX 32
#define PARTITION_CMDLINE_MAX 256

enum vcpu_state {
	VCPU_STATE_RUNNABLE,
	VCPU_STATE_BLOCKED,
	VCPU_STATE_DEAD, /* its partition is going away */
};

/* Progress of a long non-rep hypercall between its entries. */
struct hcall_progress {
	u64 input;  /* RCX of the call in progress, 0 = none */
	u64 target; /* what it works on (a partition id) */
	u64 cursor; /* how far it got (for DESTROY: the generation) */
};

struct vcpu {
	struct partition *part;
	u32 index;
	u32 cpu;	    /* physical CPU it is bound to */
	volatile u32 state; /* enum vcpu_state */
	bool on_runqueue;
	u64 affinity;	      /* CPUs it may be bound to (vcpu-pin) */
	volatile u32 move_to; /* CPU + 1 to move to at its CPU's next look */

	/* Scheduling (stride): lowest pass runs next. */
	u64 pass;
	u64 runtime_ns;
	u64 timer_deadline_ns;	 /* PT_CALL_SET_TIMER, 0 = none */
	u64 block_deadline_ns;	 /* wake-up time while blocked, 0 = none */
	u64 cap_period_start_ns; /* the cap is enforced per period */
	u64 cap_used_ns;

	/* The VP assist page, once the guest enabled it. */
	u64 vpap_msr;
	struct pt_vpap *vpap;
	/* Held to write into the VPAP from another CPU, and to change it:
	 * the root's driver frees the page right after disabling it. */
	struct spinlock vpap_lock;
	u64 pending_events; /* kept here while no VPAP is enabled */

	struct hcall_progress hcall;
	u64 worst_entry_ticks; /* the longest hypercall entry */

	struct evtchn_vcpu evtchn;
	struct msg_vcpu msg;

	struct arch_vcpu arch;
};

enum partition_state {
	PART_STATE_FREE = 0,
	PART_STATE_CREATED,  /* memory being populated and loaded */
	PART_STATE_RUNNING,  /* started; may be paused */
	PART_STATE_DYING,    /* vCPUs are being taken off their CPUs */
	PART_STATE_CRASHED,  /* killed and kept (on_crash = preserve) */
	PART_STATE_TEARDOWN, /* frames are being scrubbed and returned */
};

#define PARTITION_CONSOLE_RING 8192

struct hcall_stat {
	u64 count;	 /* calls completed */
	u64 worst_ticks; /* longest single entry (TSC ticks) */
	u64 continued;	 /* entries that ended in a continuation */
	u32 histogram[PT_ENTRY_HIST_BUCKETS]; /* entry times */
	/* To 128 bytes: indexing by call code is then one shift, on every
	 * call's path. */
	u64 reserved[5];
};
_Static_assert(sizeof(struct hcall_stat) == 128, "hcall_stat is 128 bytes");

/* Entries into the hypervisor for the call, continued ones included. */
static inline u64 hcall_stat_entries(const struct hcall_stat *st)
{
	return st->count + st->continued;
}

struct partition {
	/*
	 * The messaging locks come first and are never zeroed when the slot
	 * is reused: another CPU may still be spinning on one for a moment,
	 * and then finds a new generation and gives up.
	 */
	struct spinlock evtchn_lock;
	struct spinlock msg_lock;
	struct spinlock grant_lock;

	struct spinlock lock; /* everything from here on is reset on reuse */
	/* Held across the overlap check and the registration of a shared
	 * page (event page, message page, grant table, hypercall page, VPAP):
	 * taken before the messaging locks and vpap_lock. */
	struct spinlock shared_pages_lock;
	u32 id;
	volatile u32 state; /* enum partition_state */
	u64 generation;	    /* new for every partition that uses this slot */
	volatile bool paused;
	bool destroy_requested;
	u32 cap_percent; /* of one CPU per vCPU, 0 = none */
	u32 on_crash;	 /* PT_ON_CRASH_* */
	u64 populated_pages;
	u64 created_ns;
	char name[PARTITION_NAME_MAX];
	char cmdline[PARTITION_CMDLINE_MAX];
	u64 memory_bytes;
	u32 vcpu_count;
	u32 weight;
	u64 cpu_mask;

	u64 npt_root; /* host-physical address of the nested PML4 */
	u64 guest_os_id;
	u64 hypercall_msr;

	/* Why it is going away: PT_SHUTDOWN_* or a crash with a reason. */
	u32 exit_reason;
	char exit_detail[96];
	u32 vcpus_alive;     /* not yet taken off their CPUs */
	u64 teardown_cursor; /* frame table index the teardown reached */
	u64 teardown_released;

	/* Debug console: one line is buffered until '\n'. */
	char console_line[160];
	u32 console_len;
	u64 console_tokens; /* rate limit: lines allowed now */
	u64 console_refill_ns;
	u64 console_dropped;
	bool console_notify; /* a line went to the ring: tell the root */

	/* What the guest printed, for the root's `partita console`. */
	char console_buf[PARTITION_CONSOLE_RING];
	u64 console_seq;

	/* Guest-caused log lines (log_part_allowed) and refused calls. */
	u32 log_tokens;
	u64 log_refill_ns;
	u64 log_suppressed;
	u64 user_hypercalls; /* from CPL > 0, refused with #UD */

	struct evtchn_state evtchn;
	struct msg_state msg;
	struct grant_state grant;
	u32 store_port; /* the port store_seed() opened for the root */

	u64 exits[PT_EXIT_REASONS];
	struct hcall_stat hcall_stats[PT_CALL_STATS_MAX];
	struct vcpu vcpus[MAX_VCPUS];
};

struct partition_config {
	const char *name;
	const char *cmdline;
	u64 memory_bytes;
	u32 vcpu_count;
	u32 weight;
	u32 cap_percent;
	u32 on_crash;
	u64 cpu_mask;
	u32 max_event_ports;  /* 0: PT_EVTCHN_DEFAULT_CAP */
	u32 max_grant_frames; /* 0: PT_GRANT_DEFAULT_FRAMES */
	const void *image;    /* boot-time guests: the ELF image */
	u64 image_size;
};

/* Resets partition 0 for the root, bound to `cpu`; the caller builds it. */
struct partition *partition_init_root(u32 cpu);

/*
 * The lifecycle steps; each checks its arguments and returns a
 * PT_STATUS_* (for `why` in the log, see partition_check_config).
 * new: a CREATED partition with an empty nested page table.
 * populate: one zeroed RAM page at `gpfn`.
 * load: bytes into its populated RAM (CREATED only).
 * start: boot layout, vCPUs on their CPUs (fully populated, CREATED only).
 */
int partition_new(const struct partition_config *cfg, struct partition **out,
		  const char **why);
int partition_populate(struct partition *p, u64 gpfn);
int partition_load(struct partition *p, u64 gpa, const void *data, u64 len);
int partition_start(struct partition *p, u64 entry, u64 image_lo, u64 image_hi);
int partition_set_paused(struct partition *p, bool paused);

/* Boot-time guests: every step at once from an ELF image; NULL on error. */
struct partition *partition_create(const struct partition_config *cfg);

/*
 * Ends a partition: reason PT_SHUTDOWN_POWEROFF for a clean shutdown,
 * PT_SHUTDOWN_CRASH when it is killed (detail says why). Safe from any CPU;
 * the frames come back once every vCPU is off its CPU.
 */
void partition_end(struct partition *p, u32 reason, const char *detail);

/* Called by a CPU when it takes a vCPU of a dying partition off. */
void partition_vcpu_gone(struct vcpu *v);

/*
 * The root's DESTROY: ends the partition if needed, then returns its
 * frames until `deadline_tsc`. True once the slot is free again.
 */
bool partition_destroy_step(struct partition *p, u64 deadline_tsc);

/* Appends guest console text (complete lines) for the root to read. */
void partition_console_append(struct partition *p, const char *s, u32 len);
/* Counts an exit of the given PT_EXIT_* reason. */
static inline void partition_count_exit(struct partition *p, u32 reason)
{
	p->exits[reason < PT_EXIT_REASONS ? reason : PT_EXIT_OTHER]++;
}

/*
 * Returns frames of ended partitions for about budget_ns (0: until done),
 * so that no CPU is held long by a teardown. True while work remains.
 */
bool partition_teardown_step(u64 budget_ns);

/* Partitions whose frames are still being returned. Inline: every guest
 * exit asks. Written by partition-end.c only. */
extern volatile u32 partition_teardown_count;
static inline bool partition_teardown_pending(void)
{
	return partition_teardown_count != 0;
}

/* The state and summary the ABI reports (PT_PARTITION_STATE_*). */
u32 partition_abi_state(const struct partition *p);
void partition_fill_entry(const struct partition *p,
			  struct pt_partition_entry *e);

struct partition *partition_get(u32 id);
/*
 * The guest that last used slot id, once it is gone (torn down, the slot
 * not reused), for PT_REF_ENDED: its name, end and console ring are still
 * there until reuse. The slot is held against reuse until
 * partition_ended_put(); read it only. NULL (nothing held) if the slot is
 * in use or never was.
 */
struct partition *partition_ended_get(u32 id);
void partition_ended_put(void);
/* CPUs that came up, less the root's: where guest vCPUs may run. */
u64 partition_guest_cpus(void);
/* A live partition by name, or NULL. */
struct partition *partition_find(const char *name);
u32 partition_live_count(void);

/* Guest-physical to host-virtual for `len` bytes inside one page. */
void *partition_gpa_to_hva(const struct partition *p, u64 gpa, bool write);
/* Guest memory copies; return 0 or -1 when any byte is not guest RAM. */
int partition_copy_to_guest(const struct partition *p, u64 gpa, const void *src,
			    u64 len);
int partition_copy_from_guest(const struct partition *p, void *dst, u64 gpa,
			      u64 len);
/*
 * Checks `pages` pages at gpa that a partition registers to share with the
 * hypervisor (event page, message page, grant table): page-aligned
 * (else INVALID_ALIGNMENT), its own writable RAM (INVALID_GPA), clear of
 * its hypercall page, VPAPs, event page, message pages and grant table
 * (INVALID_PARAMETER). Decode answers early with it; the registration
 * checks again under shared_pages_lock, where the answer holds.
 */
int partition_check_shared_pages(const struct partition *p, u64 gpa, u64 pages);

/*
 * Whether the page at gpa overlaps a page the partition shares, other than
 * the one an MSR write is moving: the hypercall page (vpap_of NULL) or
 * vpap_of's VPAP. A hypercall-page or VPAP MSR write onto the event page,
 * a message page, the grant table or another of these pages is refused
 * (#GP): the hypervisor would otherwise write one over the other.
 */
bool partition_msr_page_overlaps(const struct partition *p, u64 gpa,
				 const struct vcpu *vpap_of);

#endif
