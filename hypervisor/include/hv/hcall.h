/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall dispatch: decode every input first, then invoke, with budgets. */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include "types.h"
#include <partita/cpuid.h>
#include <partita/events.h>
#include <partita/hypercall.h>
#include <partita/messages.h>

struct vcpu;
struct partition;

/* The registers of the calling convention (protocols/partita/hypercall.h). */
struct hcall_regs {
	u64 rax, rcx, rdx, r8;
};

enum hcall_result {
	HCALL_DONE,  /* RAX holds the result: step past the call */
	HCALL_RETRY, /* out of budget: RCX updated, run the call again */
	HCALL_BLOCK, /* done, then sleep until an event or deadline */
	HCALL_YIELD, /* done, then give the CPU away */
	HCALL_GONE,  /* the partition ended */
};

/* Feature bits reported by GET_VERSION, HV_INFO and CPUID. */
#define PARTITA_FEATURES                                                  \
	(PT_FEATURE_HYPERCALL_PAGE | PT_FEATURE_VPAP | PT_FEATURE_TIMER | \
	 PT_FEATURE_REP_CONTINUATION | PT_FEATURE_CALL_STATS |            \
	 PT_FEATURE_EVENT_PORTS | PT_FEATURE_MESSAGES | PT_FEATURE_GRANTS)

/* Work each entry may do before it must hand the CPU back (us). */
#define HCALL_WORK_BUDGET_US 15u

/* Every fixed-size input block, as decode copied it (see hcall_ctx). */
union hcall_input {
	struct pt_console_write_in console_write; /* the header */
	struct pt_entry_histogram_in histogram;
	struct pt_log_read_in log_read;
	struct pt_partition_create_in create;
	struct pt_partition_load_in load; /* the header */
	struct pt_partition_start_in start;
	struct pt_partition_ref ref;
	struct pt_evtchn_ref evtchn_ref;
	struct pt_msg_connection_in connection;
	struct pt_msg_post_in post;
	struct pt_partition_sched sched;
};

struct hcall_ctx {
	struct vcpu *v;
	struct partition *p;
	struct hcall_regs *regs;
	u16 code;
	bool fast;
	u32 rep_count;
	u32 rep_start;
	const void *in; /* the caller's input block (memory calls) */
	void *out;	/* validated output block (memory calls) */
	/* The partition a root call acts on, as decode found it (its id). */
	u64 target_id;
	u64 budget_end_tsc;
	enum hcall_result result; /* what invoke asks for beyond DONE */
	/*
	 * The input block, copied once by the dispatcher before the call's
	 * own decode runs (memory calls with an in_size): decode validates
	 * this copy and invoke reads only it, so a caller that rewrites its
	 * block meanwhile changes nothing. Only variable-length data after a
	 * header (console text, image bytes) is read from `in`, once, after
	 * decode checked its length. Last in the structure: two members end
	 * in a flexible array (their trailing data stays in the caller's
	 * page).
	 */
	union hcall_input input;
};

#define HC_FAST_OK BIT(0)   /* may be called with the fast flag */
#define HC_MEM_OK BIT(1)    /* may be called with memory blocks */
#define HC_REP BIT(2)	    /* a rep call */
#define HC_ROOT_ONLY BIT(3) /* guests get ACCESS_DENIED */

struct hcall_desc {
	u16 code;
	u16 flags;
	u32 in_size;	  /* memory calls: fixed input block bytes, 0 = none */
	u32 out_size;	  /* memory calls: output block bytes, 0 = none */
	u32 rep_in_size;  /* rep memory calls: bytes per input element */
	u32 rep_out_size; /* rep memory calls: bytes per output element */
	/* Call-specific checks on the decoded input; returns a status. */
	int (*decode)(struct hcall_ctx *c);
	/* Does the work; arguments were all checked (non-rep calls). */
	int (*invoke)(struct hcall_ctx *c);
	/* One element of a rep call; a non-zero status stops the call. */
	int (*rep_element)(struct hcall_ctx *c, u32 index);
};

/* Builds the call index and the tick figures; after time_init. */
void hcall_init(void);

/*
 * Runs the hypercall in `regs` for `v`. `entry_tsc` is when the vCPU left
 * guest mode; the entry's duration counts from there.
 */
enum hcall_result hcall_dispatch(struct vcpu *v, struct hcall_regs *regs,
				 u64 entry_tsc);

/* Validation alone, for tests: PT_STATUS_SUCCESS or the status to return. */
int hcall_decode(struct hcall_ctx *c, const struct hcall_desc **desc);

const struct hcall_desc *hcall_lookup(u16 code);

/* The router alone, for tests: the descriptor hcall_dispatch's fast path
 * would run for this input and caller, or NULL (the general path). */
const struct hcall_desc *hcall_fast_route(const struct partition *p, u64 input);

/* Handlers, by group. */
extern const struct hcall_desc hcall_basic_table[];
extern const u32 hcall_basic_count;
extern const struct hcall_desc hcall_pages_table[];
extern const u32 hcall_pages_count;
extern const struct hcall_desc hcall_root_table[];
extern const u32 hcall_root_count;
extern const struct hcall_desc hcall_lifecycle_table[];
extern const u32 hcall_lifecycle_count;
extern const struct hcall_desc hcall_evtchn_table[];
extern const u32 hcall_evtchn_count;
extern const struct hcall_desc hcall_message_table[];
extern const u32 hcall_message_count;
extern const struct hcall_desc hcall_grant_table[];
extern const u32 hcall_grant_count;
extern const struct hcall_desc hcall_messaging_info_table[];
extern const u32 hcall_messaging_info_count;
extern const struct hcall_desc hcall_sched_table[];
extern const u32 hcall_sched_count;

/* Checks a guest list of `count` elements of `size` bytes from index 0. */
int hcall_check_list(struct hcall_ctx *c, u64 gpa, u32 size, u32 first,
		     u32 count, bool write);

#endif
