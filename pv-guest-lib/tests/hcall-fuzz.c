// SPDX-License-Identifier: MIT
/*
 * Hypercall fuzzer guest: every vCPU issues seeded random hypercalls and
 * synthetic MSR accesses, checks each answer against docs/abi.md, and
 * vCPU 0 prints the figures and RESULT hcall-fuzz, then tells the worker
 * guest (hcall-fuzz-worker.c) that it is done.
 *
 * cmdline: seed=N (default: from the TSC), calls=N (all vCPUs together),
 * secs=N (stop earlier after N seconds), worker=ID (the worker partition).
 */
#include <partita/grants.h>
#include <partita/messages.h>
#include <partita/msr.h>
#include <partita-guest/cmdline.h>
#include <partita-guest/guest.h>

#include "fmt.h"
#include "hcall-fuzz.h"
#include "report.h"
#include "string.h"

#define MAX_FAIL_KEPT 16
#define LOG_REFILL_NS 4000000000ull /* let the log's rate limit refill */

struct fz_layout fz;
volatile uint64_t fz_event_page;

static struct fz_vcpu fz_vcpus[FZ_MAX_VCPUS];
static uint64_t seed, total_calls, max_secs;
static volatile uint32_t fz_ready, fz_finished;
static struct pt_barrier start_barrier;
static volatile uint64_t failures_total, timer_fires;

/* The first failures, printed again at the end when the log has room. */
static char fail_kept[MAX_FAIL_KEPT][3][160];
static volatile uint32_t fail_kept_n;

uint64_t fz_now_ns(void)
{
	return pt_time_ns();
}

void fz_print(const char *fmt, ...)
{
	va_list ap;

	fz_msr_lock_spin();
	va_start(ap, fmt);
	pt_vprintf(fmt, ap);
	va_end(ap);
	fz_msr_unlock();
}

void fz_fail(struct fz_vcpu *z, const struct fz_call *c, const char *fmt, ...)
{
	uint32_t slot = pt_atomic_add32(&fail_kept_n, 1) - 1;
	char what[128], lines[3][160];
	uint16_t code = c ? (uint16_t)(c->rcx & PT_HC_CODE_MASK) : 0;
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	z->failures++;
	pt_atomic_add(&failures_total, 1);
	if (c) {
		fmt_snprintf(lines[0], sizeof(lines[0]),
			     "hcall-fuzz: FAIL vcpu=%u call=%lu code=0x%04x "
			     "%s: %s",
			     z->index, (unsigned long)z->calls, code,
			     c->spec ? c->spec->name : "unknown", what);
		fmt_snprintf(lines[1], sizeof(lines[1]),
			     "hcall-fuzz:   in  rcx=0x%lx rdx=0x%lx r8=0x%lx",
			     (unsigned long)c->rcx, (unsigned long)c->rdx,
			     (unsigned long)c->r8);
		fmt_snprintf(lines[2], sizeof(lines[2]),
			     "hcall-fuzz:   out rax=0x%lx rdx=0x%lx r8=0x%lx",
			     (unsigned long)c->rax, (unsigned long)c->out_rdx,
			     (unsigned long)c->out_r8);
	} else {
		fmt_snprintf(lines[0], sizeof(lines[0]),
			     "hcall-fuzz: FAIL vcpu=%u msr-op after call=%lu: "
			     "%s",
			     z->index, (unsigned long)z->calls, what);
		lines[1][0] = lines[2][0] = 0;
	}
	if (slot < MAX_FAIL_KEPT)
		memcpy(fail_kept[slot], lines, sizeof(lines));
	if (slot < 8) {
		for (unsigned i = 0; i < 3; i++) {
			if (lines[i][0])
				fz_print("%s\n", lines[i]);
		}
	}
}

/* A checksum of the IDT the CPU uses (it is in the image, next to the
 * hypercall page: nothing may write it once loaded). */
static uint64_t idt_checksum(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;
	const volatile uint64_t *q;
	uint64_t sum = 0;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	q = (const volatile uint64_t *)(uintptr_t)idtr.base;
	for (uint32_t i = 0; i < (idtr.limit + 1u) / 8; i++)
		sum = ((sum << 7) | (sum >> 57)) ^ q[i];
	return sum;
}

/*
 * What no call may change, looked at right after each one while this
 * vCPU still counts as in a call (so no other vCPU is rewriting the
 * page): the stub at the start of the hypercall page and the IDT. A call
 * that writes either would otherwise surface much later as a guest killed
 * for running the page's or the IDT's bytes; this names the call. The
 * stub is put back so that the failure can still be reported, which
 * happens after the call window (printing may wait for the MSR lock,
 * whose holder may be waiting for this window to close).
 */
static unsigned look_untouched(uint64_t *stub_seen)
{
	volatile uint64_t *stub = (volatile uint64_t *)(uintptr_t)fz.hcpage;
	unsigned changed = 0;

	*stub_seen = *stub;
	if (*stub_seen != fz.stub) {
		*stub = fz.stub;
		changed |= 1;
	}
	if (idt_checksum() != fz.idt_sum)
		changed |= 2;
	return changed;
}

static void report_untouched(struct fz_vcpu *z, struct fz_call *c,
			     unsigned changed, uint64_t stub_seen)
{
	if (changed & 1)
		fz_fail(z, c, "the call changed the hypercall stub: 0x%lx",
			(unsigned long)stub_seen);
	if (changed & 2) {
		fz_fail(z, c, "the call changed the IDT");
		fz.idt_sum = idt_checksum(); /* report each change once */
	}
}

/* The hypercall itself: a #UD while another vCPU has the page off is fine. */
void fz_issue(struct fz_vcpu *z, struct fz_call *c, int *ud, int *ud_ok)
{
	uint64_t g1 = __atomic_load_n(&fz_window_gen, __ATOMIC_ACQUIRE), g2;
	struct pt_trap_frame frame;
	uint64_t stub_seen;
	unsigned changed;

	fz_call_enter(z->index);
	pt_expect_exception(PT_VECTOR_UD, 3); /* resume at the page's ret */
	c->rax = pt_hypercall_fast(c->rcx, c->rdx, c->r8, &c->out_rdx,
				   &c->out_r8);
	*ud = pt_expect_take(&frame);
	changed = look_untouched(&stub_seen);
	fz_call_leave(z->index);
	report_untouched(z, c, changed, stub_seen);
	g2 = __atomic_load_n(&fz_window_gen, __ATOMIC_ACQUIRE);
	*ud_ok = (g1 & 1) || g1 != g2;
	if (*ud && (frame.rip < fz.hcpage || frame.rip >= fz.hcpage + 16)) {
		*ud_ok = 0;
		c->rax = frame.rip;
	}
}

/* Calls that return values in RDX and R8 (on success). */
static int returns_registers(uint16_t code)
{
	switch (code) {
	case PT_CALL_GET_VERSION:
	case PT_CALL_GET_CALL_STATS:
	case PT_CALL_EVTCHN_ALLOC_UNBOUND:
	case PT_CALL_EVTCHN_BIND_INTERDOMAIN:
	case PT_CALL_EVTCHN_BIND_VIRQ:
	case PT_CALL_GRANT_QUERY:
	case PT_CALL_GRANT_WINDOW:
		return 1;
	default:
		return 0;
	}
}

/* What a successful call returned: checked, and kept for later calls. */
static void check_success(struct fz_vcpu *z, struct fz_call *c, uint32_t start,
			  uint32_t reps)
{
	uint16_t code = (uint16_t)(c->rcx & PT_HC_CODE_MASK);

	switch (code) {
	case PT_CALL_GET_VERSION:
		if (c->out_rdx != fz.version || c->out_r8 != fz.features)
			fz_fail(z, c,
				"version/features differ from CPUID "
				"0x%x/0x%x",
				fz.version, fz.features);
		break;
	case PT_CALL_GRANT_WINDOW:
		if (c->out_rdx != PT_GUEST_GRANT_WINDOW_GPA ||
		    c->out_r8 != PT_GUEST_GRANT_WINDOW_SIZE)
			fz_fail(z, c, "window is not 4 GiB + 1 GiB");
		break;
	case PT_CALL_SELF_INFO:
		if (c->out_arena) {
			const struct pt_self_info *i =
				(const void *)(uintptr_t)c->out_arena;

			if (i->partition_id != fz.self_id ||
			    i->vcpu_index != z->index ||
			    i->vcpu_count != fz.vcpus ||
			    i->memory_bytes != fz.ram)
				fz_fail(z, c,
					"self info: partition %u vcpu %u of "
					"%u, %lu bytes",
					i->partition_id, i->vcpu_index,
					i->vcpu_count,
					(unsigned long)i->memory_bytes);
		}
		break;
	case PT_CALL_EVTCHN_ALLOC_UNBOUND:
	case PT_CALL_EVTCHN_BIND_INTERDOMAIN:
	case PT_CALL_EVTCHN_BIND_VIRQ:
		if (c->out_rdx == 0 || c->out_rdx >= 4096)
			fz_fail(z, c, "new port out of range");
		fz_pool_add(&z->ports, c->out_rdx);
		break;
	case PT_CALL_EVTCHN_SET_PAGE:
		fz_event_page = c->rdx;
		break;
	case PT_CALL_MSG_CREATE_CONNECTION:
		if (c->out_arena)
			fz_pool_add(
				&z->conns,
				*(volatile uint32_t *)(uintptr_t)c->out_arena);
		break;
	default:
		break;
	}
	/* handles of the elements mapped, success or not */
	if (code == PT_CALL_GRANT_MAP && c->out_arena) {
		const struct pt_grant_map_out *o =
			(const void *)(uintptr_t)c->out_arena;

		for (uint32_t i = start; i < reps && i < 4096; i++)
			fz_pool_add(&z->handles, o[i].handle);
	}
}

static void check(struct fz_vcpu *z, struct fz_call *c, int ud, int ud_ok)
{
	uint16_t code = (uint16_t)(c->rcx & PT_HC_CODE_MASK);
	uint16_t st = (uint16_t)(c->rax & PT_HC_RESULT_STATUS_MASK);
	uint32_t count =
		(uint32_t)(c->rcx >> PT_HC_REP_COUNT_SHIFT) & PT_HC_REP_MASK;
	uint32_t start =
		(uint32_t)(c->rcx >> PT_HC_REP_START_SHIFT) & PT_HC_REP_MASK;
	uint32_t reps =
		(uint32_t)(c->rax >> PT_HC_RESULT_REPS_SHIFT) & PT_HC_REP_MASK;
	struct fz_code_stat *cs = &z->code[code < 256 ? code : 256];
	unsigned idx;
	int pred;

	z->calls++;
	cs->calls++;
	if (ud) {
		z->ud++;
		if (!ud_ok)
			fz_fail(z, c,
				"#UD (at rip in rax) while the hypercall "
				"page was enabled");
		return;
	}
	idx = fz_status_index(st);
	cs->statuses |= FZ_BIT(idx);
	z->status_count[idx]++;
	if (idx == FZ_S_UNDOCUMENTED) {
		fz_fail(z, c, "status 0x%04x is not in docs/abi.md", st);
		return;
	}
	if (c->rax & 0xFFFFF000FFFF0000ull)
		fz_fail(z, c, "reserved bits of RAX set");
	pred = fz_predict_decode(c);
	if (pred >= 0) {
		if (st != pred)
			fz_fail(z, c, "status 0x%04x, decode steps give 0x%04x",
				st, pred);
		else if (reps)
			fz_fail(z, c, "decode failed with reps completed %u",
				reps);
		if (!returns_registers(code) &&
		    (c->out_rdx != c->rdx || c->out_r8 != c->r8))
			fz_fail(z, c, "RDX/R8 changed by a refused call");
		return;
	}
	if (!(FZ_BIT(idx) & (c->spec->own | FZ_BIT(FZ_S_SUCCESS))))
		fz_fail(z, c, "status 0x%04x is not documented for %s", st,
			c->spec->name);
	else if (c->exact >= 0 && st != c->exact)
		fz_fail(z, c, "status 0x%04x, docs/abi.md gives 0x%04x", st,
			c->exact);
	if (c->spec->form & FZ_REP) {
		if (st == PT_STATUS_SUCCESS && reps != count)
			fz_fail(z, c, "success with reps %u of %u", reps,
				count);
		if (st != PT_STATUS_SUCCESS && reps &&
		    (reps < start || reps >= count))
			fz_fail(z, c, "failed at element %u outside %u..%u",
				reps, start, count - 1);
	} else if (reps) {
		fz_fail(z, c, "reps completed %u for a non-rep call", reps);
	}
	if (!returns_registers(code) &&
	    (c->out_rdx != c->rdx || c->out_r8 != c->r8))
		fz_fail(z, c, "RDX/R8 changed by a call that returns nothing");
	if (st == PT_STATUS_SUCCESS || code == PT_CALL_GRANT_MAP)
		check_success(z, c, start, st ? reps : count);
}

static void on_timer(unsigned event, unsigned vcpu, void *arg)
{
	pt_atomic_add(&timer_fires, 1);
}

static int setup(const struct pt_start_info *si)
{
	const struct pt_discovery *d = pt_discovery();
	uint64_t sandbox;

	seed = pt_cmdline_u64("seed", pt_rdtsc());
	total_calls = pt_cmdline_u64("calls", 100000);
	max_secs = pt_cmdline_u64("secs", 600);
	fz.vcpus =
		si->vcpu_count < FZ_MAX_VCPUS ? si->vcpu_count : FZ_MAX_VCPUS;
	fz.self_id = si->partition_id;
	fz.worker_id = (uint32_t)pt_cmdline_u64("worker", si->partition_id + 1);
	/* first line: the seed reproduces the run */
	pt_printf("hcall-fuzz: seed=0x%lx calls=%lu vcpus=%u worker=%u "
		  "(rerun with cmdline seed=0x%lx)\n",
		  (unsigned long)seed, (unsigned long)total_calls, fz.vcpus,
		  fz.worker_id, (unsigned long)seed);
	fz.ram = si->memory_bytes;
	fz.image_start = pt_image_start();
	fz.image_end = pt_image_end();
	sandbox = si->free_start > fz.image_end ? si->free_start : fz.image_end;
	fz.sandbox = (sandbox + 0xFFFF) & ~0xFFFFull;
	fz.grant = fz.sandbox;
	fz.event = fz.grant + FZ_GRANT_PAGES * FZ_PAGE;
	fz.msg = fz.event + FZ_EVENT_PAGES * FZ_PAGE;
	fz.msrpg = fz.msg + FZ_MSG_PAGES * FZ_PAGE;
	fz.arena = (fz.msrpg + FZ_MSR_PAGES * FZ_PAGE + 0xFFFF) & ~0xFFFFull;
	fz.tail = fz.arena + (uint64_t)fz.vcpus * FZ_ARENA_BYTES;
	fz.hcpage = pt_hypercall_page_gpa();
	fz.stub = *(volatile uint64_t *)(uintptr_t)fz.hcpage;
	fz.idt_sum = idt_checksum();
	for (unsigned v = 0; v < FZ_MAX_VCPUS; v++)
		fz.vpap[v] = pt_gpa(pt_vpap_page(v));
	fz.grant_frames = (uint32_t)pt_cmdline_u64("grant_frames", 4);
	fz.version = d->version;
	fz.features = d->features;
	fz.os_id = pt_rdmsr(PT_MSR_GUEST_OS_ID);
	if (fz.tail + (1u << 20) > fz.ram) {
		report("hcall-fuzz", 0,
		       "needs 1 MiB of tail: RAM %lu MiB too "
		       "small for the layout",
		       (unsigned long)(fz.ram >> 20));
		return -1;
	}
	pt_printf("hcall-fuzz: layout image 0x%lx-0x%lx grant 0x%lx event "
		  "0x%lx msg 0x%lx msrpg 0x%lx arena 0x%lx tail 0x%lx-0x%lx\n",
		  (unsigned long)fz.image_start, (unsigned long)fz.image_end,
		  (unsigned long)fz.grant, (unsigned long)fz.event,
		  (unsigned long)fz.msg, (unsigned long)fz.msrpg,
		  (unsigned long)fz.arena, (unsigned long)fz.tail,
		  (unsigned long)fz.ram);
	for (unsigned v = 0; v < fz.vcpus; v++) {
		fz_seed(&fz_vcpus[v], seed, v);
		fz_vcpus[v].index = v;
		fz_vcpus[v].arena = fz.arena + (uint64_t)v * FZ_ARENA_BYTES;
		fz_vcpus[v].target_calls =
			total_calls / fz.vcpus + (v < total_calls % fz.vcpus);
	}
	fz_grant_fill_all(&fz_vcpus[0]);
	pt_event_register(PT_EVENT_TIMER, on_timer, NULL);
	return 0;
}

static void fuzz(struct fz_vcpu *z)
{
	uint64_t tsc_khz = pt_discovery()->tsc_khz;
	uint64_t end_tsc = pt_rdtsc() + max_secs * tsc_khz * 1000;
	struct fz_call c;
	unsigned burst;
	int ud, ud_ok;

	while (z->calls < z->target_calls) {
		uint64_t r = fz_below(z, 1000);

		if ((z->calls & 255) == 0 && pt_rdtsc() > end_tsc)
			break;
		if (r < 30) {
			fz_msr_op(z);
			continue;
		}
		if (r < 40)
			fz_grant_refresh(z);
		fz_gen_call(z, &c);
		/* bursts of one call fill queues, port tables and maps */
		burst = fz_chance(z, 3) ? 2 + (unsigned)fz_below(z, 31) : 1;
		for (unsigned k = 0; k < burst && z->calls < z->target_calls;
		     k++) {
			fz_issue(z, &c, &ud, &ud_ok);
			check(z, &c, ud, ud_ok);
		}
	}
}

/* Waits for every vCPU without the library's yield, which may #UD. */
static void wait_all_finished(void)
{
	pt_atomic_add32(&fz_finished, 1);
	while (pt_atomic_load32(&fz_finished) < fz.vcpus)
		pt_pause();
}

/* One line per call code: how often called, which statuses came back. */
static void print_code_line(uint16_t code, const char *name, uint64_t calls,
			    uint32_t statuses)
{
	char line[160];
	size_t len;

	if (code == 0xFFFF)
		len = (size_t)fmt_snprintf(line, sizeof(line),
					   "hcall-fuzz: %s calls=%lu statuses",
					   name, (unsigned long)calls);
	else
		len = (size_t)fmt_snprintf(line, sizeof(line),
					   "hcall-fuzz: 0x%04x %s calls=%lu "
					   "statuses",
					   code, name, (unsigned long)calls);
	for (unsigned i = 0; i <= FZ_S_COUNT && len < sizeof(line); i++) {
		if (statuses & FZ_BIT(i))
			len += (size_t)fmt_snprintf(
				line + len, sizeof(line) - len, " 0x%04x",
				fz_status_value(i));
	}
	pt_printf("%s\n", line);
}

static void print_summary(uint64_t cycles)
{
	uint64_t calls = 0, ud = 0, mr = 0, mw = 0, mgp = 0, mskip = 0;
	uint64_t st[FZ_S_COUNT + 1] = { 0 }, tsc_khz = pt_discovery()->tsc_khz;
	struct fz_code_stat codes[FZ_CODE_SLOTS];
	unsigned known = 0, past = 0, unknown = 0, nst = 0;
	uint64_t unknown_calls = 0;
	uint32_t unknown_st = 0;
	char line[160];
	size_t len = 0;
	uint64_t ms = cycles / (tsc_khz ? tsc_khz : 1);

	memset(codes, 0, sizeof(codes));
	pt_printf("\n"); /* ends a line the fuzzed console writes left open */
	for (unsigned v = 0; v < fz.vcpus; v++) {
		struct fz_vcpu *z = &fz_vcpus[v];

		calls += z->calls;
		ud += z->ud;
		mr += z->msr_reads;
		mw += z->msr_writes;
		mgp += z->msr_gp;
		mskip += z->msr_skipped;
		for (unsigned i = 0; i <= FZ_S_COUNT; i++)
			st[i] += z->status_count[i];
		for (unsigned i = 0; i < FZ_CODE_SLOTS; i++) {
			codes[i].calls += z->code[i].calls;
			codes[i].statuses |= z->code[i].statuses;
		}
	}
	pt_printf("hcall-fuzz: calls=%lu in %lu.%03lu s = %lu calls/s, %u "
		  "vCPUs, #UD in windows=%lu, timer fires=%lu\n",
		  (unsigned long)calls, (unsigned long)(ms / 1000),
		  (unsigned long)(ms % 1000),
		  (unsigned long)(ms ? calls * 1000 / ms : 0), fz.vcpus,
		  (unsigned long)ud, (unsigned long)timer_fires);
	pt_printf("hcall-fuzz: msr reads=%lu writes=%lu #GP=%lu "
		  "windows skipped=%lu\n",
		  (unsigned long)mr, (unsigned long)mw, (unsigned long)mgp,
		  (unsigned long)mskip);
	len = (size_t)fmt_snprintf(line, sizeof(line), "hcall-fuzz: statuses");
	for (unsigned i = 0; i <= FZ_S_COUNT; i++) {
		if (!st[i])
			continue;
		nst++;
		if (len > 120) {
			pt_printf("%s\n", line);
			len = (size_t)fmt_snprintf(line, sizeof(line),
						   "hcall-fuzz: statuses");
		}
		len += (size_t)fmt_snprintf(line + len, sizeof(line) - len,
					    " 0x%04x=%lu", fz_status_value(i),
					    (unsigned long)st[i]);
	}
	pt_printf("%s\n", line);
	for (unsigned s = 0; s < fz_spec_count; s++) {
		const struct fz_spec *sp = &fz_specs[s];
		struct fz_code_stat *cs = &codes[sp->code];
		uint32_t own = cs->statuses & (sp->own | FZ_BIT(FZ_S_SUCCESS));

		known += cs->calls != 0;
		/* past decode: the call's own checks or its work answered */
		past += (sp->form & FZ_ROOT) ? cs->calls != 0 : own != 0;
		print_code_line(sp->code, sp->name, cs->calls, cs->statuses);
	}
	for (unsigned i = 0; i < FZ_CODE_SLOTS; i++) {
		if (codes[i].calls && (i == 256 || !fz_spec_of((uint16_t)i))) {
			unknown++;
			unknown_calls += codes[i].calls;
			unknown_st |= codes[i].statuses;
		}
	}
	print_code_line(0xFFFF, "unknown codes", unknown_calls, unknown_st);
	pt_printf("hcall-fuzz: coverage %u/%u documented codes called, %u "
		  "answered past decode (root-only: denied), %u unknown code "
		  "slots tried\n",
		  known, fz_spec_count, past, unknown);
	for (unsigned i = 0; i < fail_kept_n && i < MAX_FAIL_KEPT; i++) {
		for (unsigned l = 0; l < 3; l++) {
			if (fail_kept[i][l][0])
				pt_printf("%s\n", fail_kept[i][l]);
		}
	}
	report("hcall-fuzz", failures_total == 0 && known == fz_spec_count,
	       "seed=0x%lx calls=%lu calls_per_s=%lu statuses=%u codes=%u/%u "
	       "past_decode=%u failures=%lu",
	       (unsigned long)seed, (unsigned long)calls,
	       (unsigned long)(ms ? calls * 1000 / ms : 0), nst, known,
	       fz_spec_count, past, (unsigned long)failures_total);
}

/* Tells the worker the run is over (it drains junk messages meanwhile). */
static void tell_worker(void)
{
	static struct pt_msg_post_in post __attribute__((aligned(256)));
	uint64_t deadline = pt_time_ns() + 20000000000ull, result = 0;
	uint16_t st = 0;

	memset(&post, 0, sizeof(post));
	post.connection_id = pt_msg_connection_id(fz.worker_id, 0, 0);
	post.message_type = FZ_DONE_TYPE;
	post.payload_size = sizeof(FZ_DONE_MAGIC) + 8;
	memcpy(post.payload, FZ_DONE_MAGIC, sizeof(FZ_DONE_MAGIC));
	memcpy(post.payload + sizeof(FZ_DONE_MAGIC), &seed, 8);
	do {
		result = pt_hypercall(pt_hc_input(PT_CALL_MSG_POST, 0, 0, 0),
				      pt_gpa(&post), 0);
		st = pt_hc_status(result);
		if (st == PT_STATUS_SUCCESS)
			break;
		pt_sleep_ns(1000000);
	} while (pt_time_ns() < deadline);
	pt_printf("hcall-fuzz: told worker %u we are done: status 0x%04x\n",
		  fz.worker_id, st);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	struct fz_vcpu *z = &fz_vcpus[vcpu % FZ_MAX_VCPUS];
	uint64_t t0 = 0;

	pt_guest_init();
	if (vcpu >= FZ_MAX_VCPUS)
		return 0;
	if (vcpu == 0) {
		if (setup(si))
			return 1;
		pt_atomic_store32(&fz_ready, 1);
	}
	pt_spin_until_set(&fz_ready);
	pt_barrier_wait(&start_barrier, fz.vcpus);
	t0 = pt_rdtsc();
	pt_irq_enable();
	fuzz(z);
	wait_all_finished();
	if (vcpu != 0)
		return 0;
	t0 = pt_rdtsc() - t0;
	pt_sleep_ns(LOG_REFILL_NS);
	print_summary(t0);
	tell_worker();
	return 0;
}
