// SPDX-License-Identifier: MIT
/*
 * In-guest test of discovery, the hypercall page, the VP assist page, the
 * one-shot timer with upcalls, and a 2-vCPU rendezvous.
 */
#include <partita/msr.h>
#include <partita-guest/guest.h>

#include "report.h"
#include "string.h"

#define NULL_CALLS 100
#define TIMER_AHEAD_NS 20000000ull /* 20 ms */

static struct pt_discovery disc;
static volatile uint32_t page_ready; /* vCPU 0 enabled the hypercall page */
static struct pt_barrier barrier;

/* Per-vCPU timer observations, written in upcall context. */
static volatile uint32_t timer_fired[PT_GUEST_MAX_VCPUS];
static volatile uint64_t timer_seen_at[PT_GUEST_MAX_VCPUS];

static void on_timer(unsigned event, unsigned vcpu, void *arg)
{
	timer_seen_at[vcpu] = pt_time_ns();
	pt_atomic_store32(&timer_fired[vcpu], 1);
}

static int test_cpuid(void)
{
	struct pt_cpuid_regs leaf1 = pt_cpuid(1, 0);
	int ok = pt_discover(&disc) == 0;

	ok = ok && (leaf1.ecx >> PT_CPUID_HV_PRESENT_BIT) & 1;
	ok = ok && disc.max_leaf >= PT_CPUID_LEAF_TIME;
	ok = ok && disc.version == PT_INTERFACE_VERSION;
	ok = ok && disc.msr_guest_os_id == PT_MSR_GUEST_OS_ID &&
	     disc.msr_hypercall == PT_MSR_HYPERCALL &&
	     disc.msr_vp_assist == PT_MSR_VP_ASSIST;
	ok = ok && (disc.features & PT_FEATURE_HYPERCALL_PAGE) &&
	     (disc.features & PT_FEATURE_VPAP);
	ok = ok && disc.max_rep_count == PT_HC_REP_MAX &&
	     disc.budget_us == PT_HC_ENTRY_BUDGET_US && disc.tsc_khz != 0;
	return ok;
}

/*
 * Enabling the page before the guest OS ID is set must not take: the write
 * is accepted but the enable bit reads back as 0. Returns the value read.
 */
static uint64_t enable_before_os_id(uint64_t *os_id_before)
{
	uint64_t v = ~0ull;

	*os_id_before = ~0ull;
	pt_rdmsr_safe(PT_MSR_GUEST_OS_ID, os_id_before);
	if (pt_wrmsr_safe(PT_MSR_HYPERCALL,
			  pt_hypercall_page_gpa() | PT_MSR_PAGE_ENABLE))
		return ~0ull;
	pt_rdmsr_safe(PT_MSR_HYPERCALL, &v);
	return v;
}

static void test_hypercall_page(uint64_t early, uint64_t os_id_before,
				int enabled)
{
	const volatile uint8_t *page =
		(const volatile uint8_t *)pt_hypercall_page_gpa();
	uint32_t version = 0, features = 0;
	int ret = pt_call_get_version(&version, &features);

	report("hcpage-before-os-id",
	       os_id_before == 0 && early != ~0ull &&
		       !(early & PT_MSR_PAGE_ENABLE),
	       "os_id_before=0x%lx msr_readback=0x%lx",
	       (unsigned long)os_id_before, (unsigned long)early);
	report("hcpage",
	       enabled && ret == 0 && version == PT_INTERFACE_VERSION &&
		       features == disc.features,
	       "enabled=%d status=%d version=0x%x features=0x%x "
	       "cpuid_features=0x%x stub=%02x %02x %02x %02x",
	       enabled, -ret, version, features, disc.features, page[0],
	       page[1], page[2], page[3]);
}

static volatile struct pt_vpap *test_vpap(const struct pt_start_info *si,
					  unsigned vcpu)
{
	volatile struct pt_vpap *page = pt_vpap_page(vcpu);
	volatile struct pt_vpap *v = pt_vpap_enable();
	uint64_t msr = 0;
	int ok;

	pt_rdmsr_safe(PT_MSR_VP_ASSIST, &msr);
	ok = v == page && page->magic == PT_VPAP_MAGIC &&
	     page->version == PT_VPAP_VERSION &&
	     page->size == sizeof(struct pt_vpap) &&
	     page->partition_id == si->partition_id &&
	     page->vcpu_index == vcpu && page->tsc_mul != 0 &&
	     page->tsc_khz == disc.tsc_khz &&
	     msr == (pt_gpa(page) | PT_MSR_PAGE_ENABLE);
	report(vcpu ? "vpap-vcpu1" : "vpap", ok,
	       "magic=0x%x version=%u size=%u partition=%u vcpu=%u tsc_khz=%lu "
	       "tsc_mul=0x%lx msr=0x%lx",
	       page->magic, page->version, page->size, page->partition_id,
	       page->vcpu_index, (unsigned long)page->tsc_khz,
	       (unsigned long)page->tsc_mul, (unsigned long)msr);
	return ok ? v : NULL;
}

/*
 * A page MSR may not land on a page registered as shared (docs/abi.md):
 * with a message page registered, moving the VPAP or the hypercall page
 * onto it raises #GP and changes neither MSR nor the page.
 */
static uint8_t msg_page[4096] __attribute__((aligned(4096)));

static void test_msr_overlap(void)
{
	uint64_t gpa = pt_gpa(msg_page), vpap_before = 0, hc_before = 0;
	uint64_t vpap_after = 0, hc_after = 0;
	int set = pt_call_msg_set_page(gpa), vpap_vec, hc_vec;
	volatile struct pt_vpap *seen = (volatile struct pt_vpap *)msg_page;

	pt_rdmsr_safe(PT_MSR_VP_ASSIST, &vpap_before);
	pt_rdmsr_safe(PT_MSR_HYPERCALL, &hc_before);
	vpap_vec = pt_wrmsr_safe(PT_MSR_VP_ASSIST, gpa | PT_MSR_PAGE_ENABLE);
	hc_vec = pt_wrmsr_safe(PT_MSR_HYPERCALL, gpa | PT_MSR_PAGE_ENABLE);
	pt_rdmsr_safe(PT_MSR_VP_ASSIST, &vpap_after);
	pt_rdmsr_safe(PT_MSR_HYPERCALL, &hc_after);
	report("msr-page-overlap",
	       set == 0 && vpap_vec == PT_VECTOR_GP && hc_vec == PT_VECTOR_GP &&
		       vpap_after == vpap_before && hc_after == hc_before &&
		       seen->magic != PT_VPAP_MAGIC && msg_page[0] != 0xF3,
	       "msg_set_page=%d vpap_vector=%d hypercall_vector=%d "
	       "vpap_msr 0x%lx->0x%lx hypercall_msr 0x%lx->0x%lx",
	       -set, vpap_vec, hc_vec, (unsigned long)vpap_before,
	       (unsigned long)vpap_after, (unsigned long)hc_before,
	       (unsigned long)hc_after);
	pt_call_msg_set_page(0);
}

/* No other hypercall may run on this vCPU between the two reads. */
static void test_null_stats(volatile struct pt_vpap *v)
{
	uint64_t before = v->stat_hypercalls, after;
	int bad = 0;

	for (int i = 0; i < NULL_CALLS; i++)
		bad += pt_call_null() != 0;
	after = v->stat_hypercalls;
	report("vpap-stat-hypercalls", !bad && after - before == NULL_CALLS,
	       "calls=%d failed=%d delta=%lu exits=%lu", NULL_CALLS, bad,
	       (unsigned long)(after - before), (unsigned long)v->stat_exits);
}

/* Input and output blocks inside the VPAP's argument area. */
static void test_args_area(const struct pt_start_info *si,
			   volatile struct pt_vpap *v)
{
	static const char line[] = "RESULT vpap-args-console PASS written from "
				   "the VPAP args area\n";
	struct pt_console_write_in *in = (void *)(uintptr_t)v->args;
	struct pt_self_info *out = (void *)(uintptr_t)(v->args + 0x200);
	int ret_console, ret_info, ok;

	in->length = sizeof(line) - 1;
	in->reserved = 0;
	memcpy(in->text, line, sizeof(line) - 1);
	ret_console = pt_hc_status(pt_hypercall(
		pt_hc_input(PT_CALL_CONSOLE_WRITE, 0, 0, 0), pt_gpa(in), 0));

	memset(out, 0xA5, sizeof(*out));
	ret_info = pt_hc_status(pt_hypercall(
		pt_hc_input(PT_CALL_SELF_INFO, 0, 0, 0), 0, pt_gpa(out)));
	ok = ret_console == 0 && ret_info == 0 &&
	     out->partition_id == si->partition_id && out->vcpu_index == 0 &&
	     out->vcpu_count == si->vcpu_count && out->weight == si->weight &&
	     out->memory_bytes == si->memory_bytes &&
	     strnlen(out->name, sizeof(out->name)) < sizeof(out->name) &&
	     strncmp(out->name, si->name, sizeof(out->name)) == 0;
	report("vpap-args-self-info", ok,
	       "console=0x%x status=0x%x partition=%u vcpu=%u vcpus=%u "
	       "weight=%u memory=%lu name=%.31s pcpu=%u",
	       ret_console, ret_info, out->partition_id, out->vcpu_index,
	       out->vcpu_count, out->weight, (unsigned long)out->memory_bytes,
	       out->name, out->physical_cpu);
}

static int vp_index_ok(unsigned vcpu, uint64_t *value)
{
	*value = ~0ull;
	return pt_rdmsr_safe(PT_MSR_VP_INDEX, value) == 0 && *value == vcpu;
}

/* SET_TIMER ahead, sti;hlt until the upcall handler saw the timer event. */
static void test_timer(unsigned vcpu, volatile struct pt_vpap *v,
		       uint64_t ahead_ns)
{
	uint64_t fires_before = v->stat_timer_fires;
	uint64_t deadline = pt_time_ns() + ahead_ns;
	uint64_t armed, woke, after_deadline;
	int ret;

	timer_fired[vcpu] = 0;
	pt_irq_disable();
	ret = pt_call_set_timer(deadline);
	armed = v->timer_deadline_ns;
	while (!pt_atomic_load32(&timer_fired[vcpu]))
		pt_safe_halt();
	woke = pt_time_ns();
	pt_irq_enable();
	after_deadline = v->timer_deadline_ns;
	report(vcpu ? "timer-vcpu1" : "timer",
	       ret == 0 && armed == deadline && woke >= deadline &&
		       timer_seen_at[vcpu] >= deadline &&
		       (pt_upcall_events_seen() & (1ull << PT_EVENT_TIMER)) &&
		       v->stat_timer_fires > fires_before &&
		       after_deadline == 0,
	       "status=%d armed_ok=%d handler_late_us=%ld woke_late_us=%ld "
	       "upcalls=%lu events=0x%lx timer_fires=%lu deadline_after=%lu",
	       -ret, armed == deadline,
	       (long)(timer_seen_at[vcpu] - deadline) / 1000,
	       (long)(woke - deadline) / 1000, (unsigned long)pt_upcall_count(),
	       (unsigned long)pt_upcall_events_seen(),
	       (unsigned long)v->stat_timer_fires,
	       (unsigned long)after_deadline);
}

static void vcpu0_main(const struct pt_start_info *si)
{
	uint64_t early, os_id_before, index;
	volatile struct pt_vpap *v;
	int cpuid_ok = test_cpuid();
	int enabled, ok;

	pt_idt_load();
	early = enable_before_os_id(&os_id_before);
	enabled = pt_hypercall_page_enable(0) == 0;
	if (!enabled)
		pt_triple_fault(); /* nothing can be reported without it */
	pt_atomic_store32(&page_ready, 1);

	report("cpuid", cpuid_ok,
	       "max_leaf=0x%x version=0x%x features=0x%x msrs=0x%x/0x%x/0x%x "
	       "max_rep=%u budget_us=%u tsc_khz=%lu",
	       disc.max_leaf, disc.version, disc.features, disc.msr_guest_os_id,
	       disc.msr_hypercall, disc.msr_vp_assist, disc.max_rep_count,
	       disc.budget_us, (unsigned long)disc.tsc_khz);
	test_hypercall_page(early, os_id_before, enabled);
	v = test_vpap(si, 0);
	if (!v)
		pt_panic("no VPAP: cannot run the remaining checks");
	test_null_stats(v);
	test_args_area(si, v);
	test_msr_overlap();
	ok = vp_index_ok(0, &index);
	report("vp-index", ok, "msr=%lu", (unsigned long)index);
	if (pt_upcall_enable(0))
		pt_panic("upcalls did not enable");
	test_timer(0, v, TIMER_AHEAD_NS);
}

static void vcpu1_main(const struct pt_start_info *si)
{
	volatile struct pt_vpap *v;
	struct pt_self_info self;
	uint64_t index;
	int ret, ok;

	pt_spin_until_set(&page_ready);
	pt_idt_load();
	v = test_vpap(si, 1);
	if (!v)
		pt_panic("vCPU 1: no VPAP");
	ret = pt_call_self_info(&self);
	ok = vp_index_ok(1, &index);
	report("vp-index-vcpu1", ok && ret == 0 && self.vcpu_index == 1,
	       "msr=%lu self_info_status=%d self_info_vcpu=%u pcpu=%u",
	       (unsigned long)index, -ret, self.vcpu_index, self.physical_cpu);
	if (pt_upcall_enable(0))
		pt_panic("vCPU 1: upcalls did not enable");
	test_timer(1, v, TIMER_AHEAD_NS / 2);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	unsigned vcpus = si->vcpu_count;

	pt_event_register(PT_EVENT_TIMER, on_timer, NULL);
	if (vcpu == 0)
		vcpu0_main(si);
	else if (vcpu == 1)
		vcpu1_main(si);
	else
		pt_spin_until_set(&page_ready);

	if (vcpus < 2) {
		report("smp", 0, "needs vcpus >= 2 in the config, got %u",
		       vcpus);
		return 0;
	}
	pt_printf("vCPU %u of %u at the barrier\n", vcpu, vcpus);
	pt_barrier_wait(&barrier, vcpus);
	if (vcpu == 0)
		report("smp-barrier", 1, "vcpus=%u all met", vcpus);
	return 0;
}
