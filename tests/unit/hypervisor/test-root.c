// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the root partition's generic part and its hypercalls. */
#include <criterion/criterion.h>
#include <elf.h>
#include <hv/boot-info.h>
#include <hv/events.h>
#include <hv/frame.h>
#include <hv/hcall.h>
#include <hv/log.h>
#include <hv/memory-map.h>
#include <hv/partition.h>
#include <hv/root.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <partita/cpuid.h>
#include <partita/hypercall.h>
#include <partita/root.h>
#include <string.h>

#include "hv-shim.h"
#include "test-util.h"

#define SEC 1000000000ull
#define MIB (1ull << 20)
#define ROOT_BYTES (16 * PAGE_SIZE)
#define VPAP_GPA 0x3000ull
#define OUT_GPA 0x5000ull
#define POOL_FRAMES 1200
#define GUEST_ENTRY 0x100020ull

static struct boot_info bi;
static struct partition *rootp;
static u32 root_builds;
static bool root_build_fails_late;
static u64 image[512];
static size_t image_size;

/* arch_root_build stand-in: a little RAM of its own in the pool. */
static int build_root(struct partition *p, const struct boot_info *b)
{
	root_builds++;
	cr_assert_eq(b, &bi);
	cr_assert_eq(p->id, ROOT_PARTITION_ID);
	if (arch_npt_init(p))
		return -1;
	for (u64 gpa = 0; gpa < ROOT_BYTES; gpa += PAGE_SIZE) {
		u64 hpa = frame_alloc(ROOT_PARTITION_ID, FRAME_KIND_RAM);

		if (!hpa || arch_npt_map(p, gpa, hpa, NPT_RWX))
			return -1;
	}
	p->memory_bytes = ROOT_BYTES;
	/* Like a Linux boot set-up that fails after the tables exist. */
	return root_build_fails_late ? -1 : 0;
}

static void setup(void)
{
	static const struct test_segment seg[] = {
		{ PT_LOAD, 0x100000, 64, 0x1000 },
	};

	shim_reset();
	shim_pool_init(POOL_FRAMES);
	memset(&machine_memory, 0, sizeof(machine_memory));
	memset(&bi, 0, sizeof(bi));
	image_size = test_elf_build(image, sizeof(image), GUEST_ENTRY, seg, 1);
	shim_root_build_fn = build_root;
}

TestSuite(root, .init = setup, .fini = shim_teardown);

static void configure(u32 cpus, u32 root_cpu)
{
	shim_cpu_count = cpus;
	sched_init(cpus);
	bi.config.log_level = LOG_INFO;
	bi.config.root.present = true;
	bi.config.root.cpu = root_cpu;
	strcpy(bi.config.root.kernel, "\\vmlinuz");
	bi.config.root.line = 1;
}

static void start_root(u32 cpus, u32 root_cpu)
{
	configure(cpus, root_cpu);
	root_reserve_cpu(&bi);
	cr_assert(root_create(&bi), "%s", shim_log());
	rootp = partition_get(ROOT_PARTITION_ID);
	cr_assert_not_null(rootp);
}

/* Enables a zeroed VP assist page for the root's vCPU. */
static struct pt_vpap *root_vpap(void)
{
	struct pt_vpap *vpap = test_gpa(rootp, VPAP_GPA);

	memset(vpap, 0, sizeof(*vpap));
	rootp->vcpus[0].vpap = vpap;
	return vpap;
}

static struct partition_config guest_config(const char *name, u64 cpus,
					    u32 vcpus)
{
	return (struct partition_config){
		.name = name,
		.cmdline = "",
		.memory_bytes = 2 * MIB,
		.vcpu_count = vcpus,
		.weight = 256,
		.cpu_mask = cpus,
		.image = image,
		.image_size = image_size,
	};
}

static struct hcall_regs call(struct vcpu *v, u64 input, u64 in_gpa,
			      u64 out_gpa)
{
	struct hcall_regs r = { 0xAAAA, input, in_gpa, out_gpa };

	cr_assert_eq(hcall_dispatch(v, &r, shim_tsc), HCALL_DONE);
	return r;
}

Test(root, reserved_cpu_and_partition_0)
{
	start_root(4, 2);
	cr_assert(root_present());
	cr_assert(root_is_cpu(2));
	cr_assert_not(root_is_cpu(0));
	cr_assert_not(root_is_cpu(3));
	cr_assert_eq(root_cpu_mask(), BIT(2));
	cr_assert_eq(root_builds, 1);
	cr_assert_eq(rootp->id, ROOT_PARTITION_ID);
	cr_assert_str_eq(rootp->name, "root");
	cr_assert_eq(rootp->state, PART_STATE_RUNNING);
	cr_assert_eq(rootp->vcpu_count, 1);
	cr_assert_eq(rootp->vcpus[0].cpu, 2);
	cr_assert_eq(rootp->vcpus[0].part, rootp);
	cr_assert_eq(rootp->cpu_mask, BIT(2));
	/* The root is not one of the guests the count reports. */
	cr_assert_eq(partition_live_count(), 0);
}

Test(root, no_root_section_means_no_root)
{
	shim_cpu_count = 2;
	root_reserve_cpu(&bi);
	cr_assert_not(root_create(&bi));
	cr_assert_not(root_present());
	cr_assert_not(root_is_cpu(0));
	cr_assert_eq(root_cpu_mask(), 0);
	cr_assert_eq(root_builds, 0);
	cr_assert_null(partition_get(ROOT_PARTITION_ID));
	/* Events for a root that does not exist go nowhere, quietly. */
	root_notify(PT_ROOT_EVENT_LOG);
	root_ping();
	cr_assert_eq(shim_root_signals, 0);
}

Test(root, cpu_that_does_not_exist)
{
	configure(4, 4);
	root_reserve_cpu(&bi);
	cr_assert(shim_log_has("ERR hv: root: CPU 4 does not exist; not "
			       "starting the root\n"),
		  "%s", shim_log());
	cr_assert_not(root_present());
	cr_assert_not(root_create(&bi));
	cr_assert_eq(root_builds, 0);
	cr_assert_eq(root_cpu_mask(), 0);
}

Test(root, failed_build_gives_the_cpu_back)
{
	configure(4, 1);
	shim_root_build_fn = NULL; /* arch_root_build fails */
	root_reserve_cpu(&bi);
	cr_assert(root_is_cpu(1));
	cr_assert_not(root_create(&bi));
	cr_assert(shim_log_has("ERR hv: root: not started\n"), "%s",
		  shim_log());
	cr_assert_not(root_present());
	cr_assert_not(root_is_cpu(1));
	cr_assert_eq(root_cpu_mask(), 0);
	root_notify(PT_ROOT_EVENT_LOG);
	cr_assert_eq(shim_root_signals, 0);
}

/*
 * Regression (fixed): when arch_root_build() fails after building part of the root (on
 * the machine: the identity map is built, then linux_prepare_boot or
 * arch_vcpu_init_root fails), root_create() leaves partition 0 RUNNING, so
 * PARTITION_LIST and partition_find("root") still see a "root", and every
 * frame the build took (its nested page tables) stays owned by partition 0,
 * lost to the guests. Fix: on that path in root_create(), call
 * frame_release_owner(ROOT_PARTITION_ID) and set p->state to
 * PART_STATE_FREE before returning false.
 */
Test(root, failed_build_leaves_no_partition_and_no_frames)
{
	u64 free_before = frame_pool_stats().free;

	configure(4, 1);
	root_build_fails_late = true;
	root_reserve_cpu(&bi);
	cr_assert_not(root_create(&bi));
	cr_assert_not(root_present());
	cr_assert_null(partition_get(ROOT_PARTITION_ID));
	cr_assert_eq(frame_count_owned(ROOT_PARTITION_ID), 0);
	cr_assert_eq(frame_pool_stats().free, free_before);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(root, notify_without_vpap_keeps_the_bits)
{
	struct vcpu *v;

	start_root(2, 1);
	v = &rootp->vcpus[0];
	root_notify(PT_ROOT_EVENT_LOG);
	cr_assert_eq(v->pending_events, BIT(PT_ROOT_EVENT_LOG));
	root_notify(PT_ROOT_EVENT_PARTITION);
	root_notify(PT_ROOT_EVENT_LOG);
	cr_assert_eq(v->pending_events,
		     BIT(PT_ROOT_EVENT_LOG) | BIT(PT_ROOT_EVENT_PARTITION));
	/* Nobody to interrupt: the driver has no VPAP yet. */
	cr_assert_eq(shim_root_signals, 0);
	/* They reach the VPAP once the driver enables it. */
	root_vpap();
	vcpu_events_to_vpap(v);
	cr_assert_eq(v->vpap->pending_events,
		     BIT(PT_ROOT_EVENT_LOG) | BIT(PT_ROOT_EVENT_PARTITION));
	cr_assert_eq(v->pending_events, 0);
}

Test(root, notify_with_vpap_signals_once_until_acknowledged)
{
	struct pt_vpap *vpap;

	start_root(2, 1);
	vpap = root_vpap();
	root_notify(PT_ROOT_EVENT_PING);
	cr_assert_eq(vpap->pending_events, BIT(PT_ROOT_EVENT_PING));
	cr_assert_eq(vpap->upcall_pending, 1);
	cr_assert_eq(shim_root_signals, 1);
	/* Coalesced: the first interrupt is not yet acknowledged. */
	root_notify(PT_ROOT_EVENT_LOG);
	root_notify(PT_ROOT_EVENT_PING);
	root_notify(PT_ROOT_EVENT_CONSOLE);
	cr_assert_eq(shim_root_signals, 1);
	cr_assert_eq(vpap->pending_events, BIT(PT_ROOT_EVENT_PING) |
						   BIT(PT_ROOT_EVENT_LOG) |
						   BIT(PT_ROOT_EVENT_CONSOLE));
	cr_assert_eq(rootp->vcpus[0].pending_events, 0);
	/* The driver's handler: clear upcall_pending, take the bits. */
	vpap->upcall_pending = 0;
	cr_assert_eq(
		__atomic_exchange_n(&vpap->pending_events, 0, __ATOMIC_SEQ_CST),
		BIT(PT_ROOT_EVENT_PING) | BIT(PT_ROOT_EVENT_LOG) |
			BIT(PT_ROOT_EVENT_CONSOLE));
	root_notify(PT_ROOT_EVENT_PARTITION);
	cr_assert_eq(shim_root_signals, 2);
	cr_assert_eq(vpap->pending_events, BIT(PT_ROOT_EVENT_PARTITION));
	cr_assert_eq(vpap->upcall_pending, 1);
	root_notify(PT_ROOT_EVENT_PARTITION);
	cr_assert_eq(shim_root_signals, 2);
	/* Cleared while bits are still pending: the next one signals. */
	vpap->upcall_pending = 0;
	root_notify(PT_ROOT_EVENT_LOG);
	cr_assert_eq(shim_root_signals, 3);
}

Test(root, ping_answers_and_logs_once_a_second)
{
	struct pt_vpap *vpap;

	start_root(2, 1);
	vpap = root_vpap();
	shim_tsc = 5 * SEC;
	shim_log_clear();
	root_ping();
	/* The ping's log line raises the log event as well. */
	cr_assert_eq(vpap->pending_events,
		     BIT(PT_ROOT_EVENT_PING) | BIT(PT_ROOT_EVENT_LOG));
	cr_assert_eq(shim_root_signals, 1);
	cr_assert(shim_log_has("INF root: ping 1 answered\n"), "%s",
		  shim_log());
	shim_tsc += SEC / 2;
	root_ping();
	root_ping();
	cr_assert_eq(shim_root_signals, 1, "coalesced");
	cr_assert_eq(shim_log_count("ping"), 1, "%s", shim_log());
	shim_tsc += SEC / 2;
	root_ping();
	cr_assert(shim_log_has("INF root: ping 4 answered\n"), "%s",
		  shim_log());
	cr_assert_eq(shim_log_count("ping"), 2);
}

Test(root, ping_hypercall_from_the_root_only)
{
	static struct partition guest;
	struct pt_vpap *vpap;
	struct hcall_regs r;

	start_root(2, 1);
	vpap = root_vpap();
	test_partition_init(&guest, 1, 8 * PAGE_SIZE);
	r = call(&guest.vcpus[0], pt_hc_input(PT_CALL_ROOT_PING, 1, 0, 0), 0,
		 0);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(vpap->pending_events, 0);
	cr_assert_eq(shim_root_signals, 0);

	r = call(&rootp->vcpus[0], pt_hc_input(PT_CALL_ROOT_PING, 1, 0, 0), 0,
		 0);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(vpap->pending_events, BIT(PT_ROOT_EVENT_PING));
	cr_assert_eq(vpap->upcall_pending, 1);
	cr_assert_eq(shim_root_signals, 1);
	/* A fast call only. */
	r = call(&rootp->vcpus[0], pt_hc_input(PT_CALL_ROOT_PING, 0, 0, 0), 0,
		 OUT_GPA);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_INVALID_HYPERCALL_INPUT);
}

Test(root, hv_info_describes_the_machine)
{
	static const struct mem_range hidden[] = {
		{ 0x7E000000, 0x200000 },
		{ 0x7C000000, 0x1000000 },
		{ 0x100000000ull, 0x8000000 },
		{ 0x8000, 0x1000 },
	};
	struct pt_hv_info *out;
	struct frame_pool_stats pool;
	struct hcall_regs r;

	start_root(4, 2);
	shim_cpu_offline_mask = BIT(3);
	memcpy(machine_memory.hidden, hidden, sizeof(hidden));
	machine_memory.hidden_count = 4;
	machine_memory.ram_bytes = 8ull << 30;
	machine_memory.hypervisor_bytes = 0x1200000;
	shim_tsc = 7 * SEC;
	out = test_gpa(rootp, OUT_GPA);
	memset(out, 0xEE, PAGE_SIZE);
	r = call(&rootp->vcpus[0], pt_hc_input(PT_CALL_HV_INFO, 0, 0, 0), 0,
		 OUT_GPA);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS, "0x%llx",
		     (unsigned long long)r.rax);
	pool = frame_pool_stats();
	cr_assert_eq(out->interface_version, PT_INTERFACE_VERSION);
	cr_assert_eq(out->features, PARTITA_FEATURES);
	cr_assert(out->features & PT_FEATURE_VPAP);
	cr_assert_eq(out->cpu_count, 4);
	cr_assert_eq(out->partition_count, 0, "the root is not counted");
	cr_assert_eq(out->tsc_khz, SHIM_TSC_KHZ);
	cr_assert_eq(out->uptime_ns, 7 * SEC);
	cr_assert_eq(out->ram_bytes, 8ull << 30);
	cr_assert_eq(out->hypervisor_bytes, 0x1200000);
	cr_assert_eq(out->pool_frames_total, POOL_FRAMES);
	cr_assert_eq(out->pool_frames_total, pool.total);
	cr_assert_eq(out->pool_frames_free, pool.free);
	cr_assert_lt(out->pool_frames_free, POOL_FRAMES, "the root took some");
	cr_assert_eq(out->cpu_role[0], PT_CPU_ROLE_GUESTS);
	cr_assert_eq(out->cpu_role[1], PT_CPU_ROLE_GUESTS);
	cr_assert_eq(out->cpu_role[2], PT_CPU_ROLE_ROOT);
	cr_assert_eq(out->cpu_role[3], PT_CPU_ROLE_OFFLINE);
	for (u32 cpu = 0; cpu < 4; cpu++)
		cr_assert_eq(out->cpu_apic_id[cpu], cpu);
	for (u32 cpu = 4; cpu < PT_HV_INFO_MAX_CPUS; cpu++) {
		cr_assert_eq(out->cpu_role[cpu], PT_CPU_ROLE_OFFLINE);
		cr_assert_eq(out->cpu_apic_id[cpu], 0);
	}
	for (u32 i = 0; i < 4; i++) {
		cr_assert_eq(out->hidden_base[i], hidden[i].base);
		cr_assert_eq(out->hidden_size[i], hidden[i].size);
	}
	/* Nothing past the structure was written. */
	cr_assert_eq(((u8 *)out)[sizeof(*out)], 0xEE);
}

Test(root, hv_info_unused_hidden_slots_are_zero)
{
	struct pt_hv_info *out;
	struct hcall_regs r;

	start_root(1, 0);
	machine_memory.hidden[0] = (struct mem_range){ 0x1000000, 0x2000 };
	machine_memory.hidden_count = 1;
	out = test_gpa(rootp, OUT_GPA);
	memset(out, 0xEE, sizeof(*out));
	r = call(&rootp->vcpus[0], pt_hc_input(PT_CALL_HV_INFO, 0, 0, 0), 0,
		 OUT_GPA);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(out->cpu_count, 1);
	cr_assert_eq(out->cpu_role[0], PT_CPU_ROLE_ROOT);
	cr_assert_eq(out->hidden_base[0], 0x1000000);
	cr_assert_eq(out->hidden_size[0], 0x2000);
	for (u32 i = 1; i < PT_HV_INFO_HIDDEN_RANGES; i++) {
		cr_assert_eq(out->hidden_base[i], 0);
		cr_assert_eq(out->hidden_size[i], 0);
	}
}

Test(root, hv_info_is_root_only_and_checks_its_block)
{
	static struct partition guest;
	struct pt_hv_info *out;
	struct hcall_regs r;

	start_root(2, 1);
	test_partition_init(&guest, 1, 8 * PAGE_SIZE);
	out = test_gpa(&guest, OUT_GPA);
	memset(out, 0xEE, sizeof(*out));
	r = call(&guest.vcpus[0], pt_hc_input(PT_CALL_HV_INFO, 0, 0, 0), 0,
		 OUT_GPA);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(((u8 *)out)[0], 0xEE, "a guest got machine facts");
	cr_assert_eq(((u8 *)out)[sizeof(*out) - 1], 0xEE);
	/* The root's own block must be aligned, in one page, its RAM. */
	r = call(&rootp->vcpus[0], pt_hc_input(PT_CALL_HV_INFO, 0, 0, 0), 0,
		 OUT_GPA + 4);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_INVALID_ALIGNMENT);
	r = call(&rootp->vcpus[0], pt_hc_input(PT_CALL_HV_INFO, 0, 0, 0), 0,
		 OUT_GPA + PAGE_SIZE - 128);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_INVALID_ALIGNMENT);
	r = call(&rootp->vcpus[0], pt_hc_input(PT_CALL_HV_INFO, 0, 0, 0), 0,
		 ROOT_BYTES);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_INVALID_GPA);
	r = call(&rootp->vcpus[0], pt_hc_input(PT_CALL_HV_INFO, 1, 0, 0), 0, 0);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_INVALID_HYPERCALL_INPUT);
}

Test(root, guests_never_get_the_root_cpu)
{
	struct partition_config only_root = guest_config("lonely", BIT(1), 1);
	struct partition_config two = guest_config("two", BIT(1) | BIT(2), 2);
	struct partition_config any = guest_config("any", ~0ull, 3);
	struct partition *p;
	struct pt_hv_info *out;
	struct hcall_regs r;

	start_root(4, 1);
	cr_assert_null(partition_create(&only_root));
	cr_assert(shim_log_has("partition lonely: no CPU of its CPU list "
			       "exists or is free of the root"),
		  "%s", shim_log());
	p = partition_create(&two);
	cr_assert_not_null(p, "%s", shim_log());
	cr_assert_eq(p->cpu_mask, BIT(2));
	cr_assert_eq(p->vcpus[0].cpu, 2);
	cr_assert_eq(p->vcpus[1].cpu, 2);
	p = partition_create(&any);
	cr_assert_not_null(p, "%s", shim_log());
	cr_assert_eq(p->cpu_mask, BIT(0) | BIT(2) | BIT(3));
	cr_assert_eq(p->vcpus[0].cpu, 0);
	cr_assert_eq(p->vcpus[1].cpu, 2);
	cr_assert_eq(p->vcpus[2].cpu, 3);
	/* Linux owns the root's CPU: none of our kicks go there. */
	cr_assert_eq(shim_kicks[1], 0);
	cr_assert_gt(shim_kicks[2], 0);
	/* HV_INFO counts the guests, not the root. */
	out = test_gpa(rootp, OUT_GPA);
	r = call(&rootp->vcpus[0], pt_hc_input(PT_CALL_HV_INFO, 0, 0, 0), 0,
		 OUT_GPA);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(out->partition_count, 2);
	cr_assert_eq(out->cpu_role[1], PT_CPU_ROLE_ROOT);
}

Test(root, panic_leaves_the_root_cpu_alone)
{
	jmp_buf jb;
	int how;

	start_root(4, 2);
	shim_halt_jmp = &jb;
	how = setjmp(jb);
	if (!how)
		panic("test %d", 1);
	cr_assert_eq(how, SHIM_HALTED);
	cr_assert(hv_panicking);
	/* Every other CPU is stopped; Linux's CPU takes no vector of ours. */
	cr_assert_eq(shim_kicks[0], 0, "the panicking CPU itself");
	cr_assert_eq(shim_kicks[1], 1);
	cr_assert_eq(shim_kicks[2], 0);
	cr_assert_eq(shim_kicks[3], 1);
	cr_assert(shim_log_has("ERR PANIC: test 1\n"), "%s", shim_log());
}

/* The root's vCPU: a few exits, some logging, then Linux powers off. */
static u32 root_exits;

static enum vcpu_action root_vcpu(struct vcpu *v)
{
	cr_assert_eq(v, &rootp->vcpus[0]);
	shim_tsc += 1000000;
	if (++root_exits < 5) {
		hv_info("exit %u", root_exits);
		return VCPU_CONTINUE;
	}
	return VCPU_GONE;
}

Test(root, root_run_drains_the_log_between_exits_until_the_root_ends)
{
	start_root(2, 0);
	shim_vcpu_run_fn = root_vcpu;
	log_set_async(true);
	shim_log_clear();
	root_release();	 /* boot guests are in: Linux may start */
	sched_run_cpu(); /* CPU 0 is the root's: runs Linux */
	cr_assert_eq(root_exits, 5);
	cr_assert_eq(rootp->vcpus[0].arch.runs, 5);
	/* Logged lines reach the port while the root runs. */
	cr_assert(shim_log_has("INF root: starting Linux on CPU 0\n"), "%s",
		  shim_log());
	cr_assert(shim_log_has("INF hv: exit 4\n"), "%s", shim_log());
	log_set_async(false);
	log_flush();
	cr_assert(shim_log_has("ERR root: the root partition ended"), "%s",
		  shim_log());
	cr_assert_gt(rootp->vcpus[0].runtime_ns, 0);
	cr_assert(root_ended(), "the machine goes down with its root");
}
