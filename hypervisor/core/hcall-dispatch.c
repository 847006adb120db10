// SPDX-License-Identifier: GPL-2.0-only
/* Hypercall dispatch: decode every input first, then invoke, with budgets. */
#include <hv/arch.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <hv/time.h>
#include <partita/hypercall.h>
#include <string.h>

static const struct {
	const struct hcall_desc *table;
	const u32 *count;
} hcall_groups[] = {
	{ hcall_basic_table, &hcall_basic_count },
	{ hcall_pages_table, &hcall_pages_count },
	{ hcall_root_table, &hcall_root_count },
	{ hcall_lifecycle_table, &hcall_lifecycle_count },
	{ hcall_evtchn_table, &hcall_evtchn_count },
	{ hcall_message_table, &hcall_message_count },
	{ hcall_grant_table, &hcall_grant_count },
	{ hcall_messaging_info_table, &hcall_messaging_info_count },
	{ hcall_sched_table, &hcall_sched_count },
};

static const struct hcall_desc *search_groups(u16 code)
{
	for (u32 g = 0; g < ARRAY_SIZE(hcall_groups); g++) {
		for (u32 i = 0; i < *hcall_groups[g].count; i++) {
			if (hcall_groups[g].table[i].code == code)
				return &hcall_groups[g].table[i];
		}
	}
	return NULL;
}

/*
 * Every call code is below PT_CALL_STATS_MAX: hcall_init builds an index
 * that makes the lookup one load on the hot path.
 */
static const struct hcall_desc *by_code[PT_CALL_STATS_MAX];

/*
 * Where a fast input with nothing but a code goes, per code: the
 * descriptor when the call takes the fast form and is not a rep call,
 * else NULL. Root-only calls are in the second table, for the root.
 */
static const struct hcall_desc *fast_any[PT_CALL_STATS_MAX];
static const struct hcall_desc *fast_root_only[PT_CALL_STATS_MAX];
_Static_assert((PT_CALL_STATS_MAX & (PT_CALL_STATS_MAX - 1)) == 0,
	       "the router masks the code with PT_CALL_STATS_MAX - 1");

/* Figures in TSC ticks, derived once from the calibrated clock so that no
 * call multiplies: an entry's work budget, and the first histogram bound. */
static u64 budget_ticks;
static u64 first_bound_ticks;

static const u32 hist_bounds_us[] = PT_ENTRY_HIST_BOUNDS_US;

void hcall_init(void)
{
	for (u32 c = 0; c < PT_CALL_STATS_MAX; c++) {
		const struct hcall_desc *d = search_groups((u16)c);
		bool fast =
			d && (d->flags & (HC_FAST_OK | HC_REP)) == HC_FAST_OK;

		by_code[c] = d;
		fast_any[c] = fast && !(d->flags & HC_ROOT_ONLY) ? d : NULL;
		fast_root_only[c] =
			fast && (d->flags & HC_ROOT_ONLY) ? d : NULL;
	}
	budget_ticks = HCALL_WORK_BUDGET_US * hv_time.ticks_per_us;
	first_bound_ticks = hist_bounds_us[0] * hv_time.ticks_per_us;
}

const struct hcall_desc *hcall_lookup(u16 code)
{
	return code < PT_CALL_STATS_MAX ? by_code[code] : search_groups(code);
}

/* A fixed-size block: 8-byte aligned, inside one page, the caller's RAM. */
static int check_block(struct hcall_ctx *c, u64 gpa, u32 size, bool write,
		       void **hva)
{
	if (gpa & 7)
		return PT_STATUS_INVALID_ALIGNMENT;
	if ((gpa & (PAGE_SIZE - 1)) + size > PAGE_SIZE)
		return PT_STATUS_INVALID_ALIGNMENT;
	*hva = partition_gpa_to_hva(c->p, gpa, write);
	return *hva ? PT_STATUS_SUCCESS : PT_STATUS_INVALID_GPA;
}

int hcall_check_list(struct hcall_ctx *c, u64 gpa, u32 size, u32 first,
		     u32 count, bool write)
{
	u64 start, end;

	if (gpa & 7)
		return PT_STATUS_INVALID_ALIGNMENT;
	start = gpa + (u64)first * size;
	end = gpa + (u64)count * size;
	if (end < gpa || start >= c->p->memory_bytes)
		return PT_STATUS_INVALID_GPA;
	for (u64 page = start & PAGE_MASK; page < end; page += PAGE_SIZE) {
		if (!partition_gpa_to_hva(c->p, page, write))
			return PT_STATUS_INVALID_GPA;
	}
	return PT_STATUS_SUCCESS;
}

/* The rep fields: a rep call needs start < count, others both zero. */
static inline int decode_shape(struct hcall_ctx *c, const struct hcall_desc *d,
			       u64 input)
{
	if (c->fast ? !(d->flags & HC_FAST_OK) : !(d->flags & HC_MEM_OK))
		return PT_STATUS_INVALID_HYPERCALL_INPUT;
	if (!(d->flags & HC_REP)) {
		c->rep_count = 0;
		c->rep_start = 0;
		/* Above the reserved bits only the rep fields are left. */
		return (input >> PT_HC_REP_COUNT_SHIFT)
			       ? PT_STATUS_INVALID_HYPERCALL_INPUT
			       : PT_STATUS_SUCCESS;
	}
	c->rep_count = (u32)((input >> PT_HC_REP_COUNT_SHIFT) & PT_HC_REP_MASK);
	c->rep_start = (u32)((input >> PT_HC_REP_START_SHIFT) & PT_HC_REP_MASK);
	if (c->rep_count == 0 || c->rep_start >= c->rep_count)
		return PT_STATUS_INVALID_HYPERCALL_INPUT;
	return PT_STATUS_SUCCESS;
}

static int decode_memory(struct hcall_ctx *c, const struct hcall_desc *d)
{
	u64 in_gpa = c->regs->rdx, out_gpa = c->regs->r8;
	int status = PT_STATUS_SUCCESS;

	if (d->in_size) {
		void *in;

		status = check_block(c, in_gpa, d->in_size, false, &in);
		/* The one copy every later check and use reads. */
		if (!status) {
			memcpy(&c->input, in, d->in_size);
			c->in = in;
		}
	}
	if (!status && d->out_size)
		status = check_block(c, out_gpa, d->out_size, true, &c->out);
	if (!status && d->rep_in_size)
		status = hcall_check_list(c, in_gpa, d->rep_in_size,
					  c->rep_start, c->rep_count, false);
	if (!status && d->rep_out_size)
		status = hcall_check_list(c, out_gpa, d->rep_out_size,
					  c->rep_start, c->rep_count, true);
	return status;
}

/*
 * Every check, in order: reserved bits, a known code, who may call it,
 * fast or memory form, the rep fields, the memory blocks, then the call's
 * own decode. Inlined into the dispatcher: the null hypercall's whole
 * cost is this path.
 */
static inline __attribute__((always_inline)) int
decode(struct hcall_ctx *c, const struct hcall_desc **desc)
{
	u64 input = c->regs->rcx;
	const struct hcall_desc *d;
	int status;

	*desc = NULL;
	if (unlikely(input & PT_HC_RESERVED_MASK))
		return PT_STATUS_INVALID_HYPERCALL_INPUT;
	c->code = (u16)(input & PT_HC_CODE_MASK);
	c->fast = (input & PT_HC_FAST) != 0;
	d = hcall_lookup(c->code);
	if (unlikely(!d))
		return PT_STATUS_INVALID_HYPERCALL_CODE;
	*desc = d;
	if ((d->flags & HC_ROOT_ONLY) && c->p->id != ROOT_PARTITION_ID)
		return PT_STATUS_ACCESS_DENIED;
	status = decode_shape(c, d, input);
	if (!status && !c->fast)
		status = decode_memory(c, d);
	if (!status && d->decode)
		status = d->decode(c);
	return status;
}

int hcall_decode(struct hcall_ctx *c, const struct hcall_desc **desc)
{
	return decode(c, desc);
}

static u64 result_value(int status, u32 reps_done)
{
	return (u64)(u16)status | ((u64)reps_done << PT_HC_RESULT_REPS_SHIFT);
}

/* Runs elements until done, failed, or out of this entry's budget. */
static enum hcall_result run_reps(struct hcall_ctx *c,
				  const struct hcall_desc *d)
{
	u32 i;

	for (i = c->rep_start; i < c->rep_count; i++) {
		int status;

		/* At least one element per entry, so every call progresses. */
		if (i != c->rep_start && arch_tsc() >= c->budget_end_tsc) {
			c->regs->rcx &=
				~(PT_HC_REP_MASK << PT_HC_REP_START_SHIFT);
			c->regs->rcx |= (u64)i << PT_HC_REP_START_SHIFT;
			return HCALL_RETRY;
		}
		status = d->rep_element(c, i);
		if (status) {
			c->regs->rax = result_value(status, i);
			return HCALL_DONE;
		}
	}
	c->regs->rax = result_value(PT_STATUS_SUCCESS, i);
	return HCALL_DONE;
}

/* The bucket of an entry longer than the first bound (account_stat
 * takes the first bucket itself, with one compare in ticks). */
static u32 histogram_bucket(u64 ticks)
{
	u64 ns = time_ticks_to_ns(ticks);
	u32 b = 0;

	while (b < ARRAY_SIZE(hist_bounds_us) &&
	       ns > hist_bounds_us[b] * 1000ull)
		b++;
	return b;
}

/*
 * Per call code (account_stat) and per vCPU (account_vcpu) figures, in
 * TSC ticks: converted to ns only when read (GET_CALL_STATS, the histogram, PARTITION_STATS) or when a
 * new worst entry is published in the VPAP, which is rare. Entries are
 * count + continued, summed when read, so a completed call adds to one
 * counter.
 */
static inline void account_stat(struct hcall_stat *st, u64 ticks,
				bool completed)
{
	if (likely(completed))
		st->count++;
	else
		st->continued++;
	if (unlikely(ticks > st->worst_ticks))
		st->worst_ticks = ticks;
	if (likely(ticks <= first_bound_ticks))
		st->histogram[0]++;
	else
		st->histogram[histogram_bucket(ticks)]++;
}

static inline void account_vcpu(struct vcpu *v, u64 ticks, bool completed)
{
	struct pt_vpap *vpap = v->vpap;

	if (unlikely(ticks > v->worst_entry_ticks)) {
		v->worst_entry_ticks = ticks;
		if (vpap)
			vpap->stat_worst_entry_ns = time_ticks_to_ns(ticks);
	}
	if (likely(vpap)) {
		if (likely(completed))
			vpap->stat_hypercalls++;
		else
			vpap->stat_continuations++;
	}
}

/* Codes past the table are counted per vCPU only. */
static inline struct hcall_stat *stat_of(struct vcpu *v, u16 code)
{
	return likely(code < PT_CALL_STATS_MAX) ? &v->part->hcall_stats[code]
						: NULL;
}

/* The context every call starts from; `input` is filled by decode. */
static inline void ctx_init(struct hcall_ctx *c, struct vcpu *v,
			    struct hcall_regs *regs, u64 entry_tsc)
{
	/* Field by field: `input` is written by decode before any read, and
	 * zeroing its 320 bytes on every call would cost more than the
	 * null hypercall itself. */
	c->v = v;
	c->p = v->part;
	c->regs = regs;
	c->code = 0; /* accounted even when decode stops early */
	c->in = NULL;
	c->out = NULL;
	c->target_id = 0;
	c->budget_end_tsc = entry_tsc + budget_ticks;
	c->result = HCALL_DONE;
}

/*
 * Linux in the root runs no other task while a call re-executes in place:
 * the root gets its CPU back between slices and calls again (RCX holds
 * the input to call with; a rep call's reps so far are in the result as
 * usual).
 */
static enum hcall_result finish(struct hcall_ctx *c, enum hcall_result result)
{
	if (result == HCALL_RETRY && c->p->id == ROOT_PARTITION_ID) {
		u32 done = (u32)((c->regs->rcx >> PT_HC_REP_START_SHIFT) &
				 PT_HC_REP_MASK);

		c->regs->rax = result_value(PT_STATUS_CALL_PENDING, done);
		result = HCALL_DONE;
	}
	return result;
}

/* Every entry ends here: its time accounted, then finish(). st is NULL
 * for codes past the table (counted per vCPU only). */
static inline __attribute__((always_inline)) enum hcall_result
end_entry(struct hcall_ctx *c, struct hcall_stat *st, u64 entry_tsc,
	  enum hcall_result result)
{
	u64 ticks = arch_tsc() - entry_tsc;
	bool completed = result != HCALL_RETRY;

	if (st)
		account_stat(st, ticks, completed);
	account_vcpu(c->v, ticks, completed);
	return finish(c, result);
}

/* Any call: every check of decode(), then invoke or the rep loop. */
static __attribute__((noinline)) enum hcall_result
dispatch_general(struct vcpu *v, struct hcall_regs *regs, u64 entry_tsc)
{
	struct hcall_ctx c;
	const struct hcall_desc *d;
	enum hcall_result result;
	int status;

	ctx_init(&c, v, regs, entry_tsc);
	status = decode(&c, &d);
	if (unlikely(status)) {
		regs->rax = result_value(status, 0);
		result = HCALL_DONE;
	} else if (d->flags & HC_REP) {
		result = run_reps(&c, d);
	} else {
		status = d->invoke(&c);
		regs->rax = result_value(status, 0);
		result = status ? HCALL_DONE : c.result;
	}
	return end_entry(&c, stat_of(v, c.code), entry_tsc, result);
}

/*
 * A fast call without rep fields, to a code that takes that form and
 * this caller may use: what decode() would check comes down to the
 * router's tables, and there is no memory block to check. The call's own
 * decode still runs. Kept apart so the most frequent calls (null, event
 * send, timer, yield) pay for no more than they use.
 */
static __attribute__((noinline)) enum hcall_result
dispatch_fast(struct vcpu *v, struct hcall_regs *regs, u64 entry_tsc,
	      const struct hcall_desc *d, u32 code)
{
	/* code < PT_CALL_STATS_MAX: the router's mask. */
	struct hcall_stat *st = &v->part->hcall_stats[code];
	struct hcall_ctx c;
	enum hcall_result result;
	int status;

	/* One register for the stat: left alone, GCC re-derives its address
	 * for each field it updates (three times, on every call). */
	__asm__("" : "+r"(st));
	if (!st)
		__builtin_unreachable();

	ctx_init(&c, v, regs, entry_tsc);
	c.code = (u16)code;
	c.fast = true;
	c.rep_count = 0;
	c.rep_start = 0;
	status = d->decode ? d->decode(&c) : PT_STATUS_SUCCESS;
	if (likely(!status))
		status = d->invoke(&c);
	regs->rax = result_value(status, 0);
	result = status ? HCALL_DONE : c.result;
	return end_entry(&c, st, entry_tsc, result);
}

/*
 * The fast flag and a code below the table's end, nothing else (no
 * reserved bit, no rep field): one compare. Then the code's route, if
 * the call takes the fast form and this caller may use it. NULL: the
 * general path.
 */
static inline const struct hcall_desc *route_fast(const struct partition *p,
						  u64 input)
{
	const struct hcall_desc *d;
	u32 code;

	if (unlikely((input & ~(u64)(PT_CALL_STATS_MAX - 1)) != PT_HC_FAST))
		return NULL;
	code = (u32)(input & (PT_CALL_STATS_MAX - 1));
	d = fast_any[code];
	if (!d && p->id == ROOT_PARTITION_ID)
		d = fast_root_only[code];
	return d;
}

const struct hcall_desc *hcall_fast_route(const struct partition *p, u64 input)
{
	return route_fast(p, input);
}

enum hcall_result hcall_dispatch(struct vcpu *v, struct hcall_regs *regs,
				 u64 entry_tsc)
{
	const struct hcall_desc *d = route_fast(v->part, regs->rcx);

	if (likely(d))
		return dispatch_fast(
			v, regs, entry_tsc, d,
			(u32)(regs->rcx & (PT_CALL_STATS_MAX - 1)));
	return dispatch_general(v, regs, entry_tsc);
}
