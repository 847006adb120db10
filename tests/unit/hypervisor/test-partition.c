// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of partition creation and teardown, and of hv_main's run loop. */
#include <criterion/criterion.h>
#include <elf.h>
#include <hv/boot-info.h>
#include <hv/frame.h>
#include <hv/hcall.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/sched.h>
#include <partita/start-info.h>
#include <stdio.h>
#include <string.h>

#include "hv-shim.h"
#include "test-util.h"

#define MIB (1ull << 20)
#define ENTRY 0x100020ull
/* RAM frames plus the nested tables: root, PDPT, PD, one PT per 2 MiB. */
#define FRAMES_FOR(mib) ((mib)*256ull + 3 + (mib) / 2)

static u64 image[512];
static size_t image_size;

static void setup(void)
{
	static const struct test_segment seg[] = {
		{ PT_LOAD, 0x100000, 100, 0x2000 },
		{ PT_LOAD, 0x103000, 40, 40 },
	};

	shim_reset();
	image_size = test_elf_build(image, sizeof(image), ENTRY, seg, 2);
	shim_cpu_count = 4;
	sched_init(4);
}

TestSuite(partition, .init = setup, .fini = shim_teardown);

static struct partition_config config(const char *name, u64 mib, u32 vcpus)
{
	return (struct partition_config){
		.name = name,
		.cmdline = "console=hv",
		.memory_bytes = mib * MIB,
		.vcpu_count = vcpus,
		.weight = 300,
		.cpu_mask = ~0ull,
		.image = image,
		.image_size = image_size,
	};
}

static const void *guest(const struct partition *p, u64 gpa)
{
	const void *hva = partition_gpa_to_hva(p, gpa, false);

	cr_assert_not_null(hva, "GPA 0x%llx", (unsigned long long)gpa);
	return hva;
}

static u64 guest_u64(const struct partition *p, u64 gpa)
{
	return *(const u64 *)guest(p, gpa);
}

/* The invariant: every frame has exactly one owner, the table agrees. */
static void check_pool(u64 expected_free)
{
	struct frame_pool_stats s = frame_pool_stats();

	cr_assert_eq(frame_pool_check(), 0);
	cr_assert_eq(s.free, expected_free);
	cr_assert_eq(frame_count_owned(FRAME_OWNER_FREE), s.free);
}

static void finish_teardown(void)
{
	while (partition_teardown_step(0))
		;
}

Test(partition, create_builds_the_promised_boot_layout)
{
	struct partition_config cfg = config("alpha", 4, 2);
	const struct pt_start_info *si;
	struct partition *p;

	shim_pool_init(FRAMES_FOR(4) + 10);
	p = partition_create(&cfg);
	cr_assert_not_null(p, "%s", shim_log());
	cr_assert_eq(p->id, 1);
	cr_assert_eq(p->state, PART_STATE_RUNNING);
	cr_assert_eq(partition_get(1), p);
	cr_assert_eq(partition_live_count(), 1);
	cr_assert_eq(frame_count_owned(1), FRAMES_FOR(4));
	check_pool(10);

	si = guest(p, PT_GUEST_START_INFO_GPA);
	cr_assert_eq(si->magic, PT_START_INFO_MAGIC);
	cr_assert_eq(si->version, PT_START_INFO_VERSION);
	cr_assert_eq(si->size, sizeof(*si));
	cr_assert_eq(si->partition_id, 1);
	cr_assert_eq(si->vcpu_count, 2);
	cr_assert_eq(si->memory_bytes, 4 * MIB);
	cr_assert_eq(si->image_start, 0x100000);
	cr_assert_eq(si->image_end, 0x103028);
	cr_assert_eq(si->free_start, 0x104000);
	cr_assert_eq(si->weight, 300);
	cr_assert_str_eq(si->name, "alpha");
	cr_assert_str_eq(si->cmdline, "console=hv");

	cr_assert_eq(guest_u64(p, PT_GUEST_GDT_GPA + 8), 0x00AF9A000000FFFFull);
	cr_assert_eq(guest_u64(p, PT_GUEST_GDT_GPA + 16),
		     0x00CF92000000FFFFull);
	/* Identity map of all RAM with 2 MiB pages. */
	cr_assert_eq(guest_u64(p, 0x3000), 0x4003);
	cr_assert_eq(guest_u64(p, 0x4000), 0x5003);
	cr_assert_eq(guest_u64(p, 0x5000), 0x83);
	cr_assert_eq(guest_u64(p, 0x5008), 0x200083);
	cr_assert_eq(guest_u64(p, 0x5010), 0);

	for (u64 i = 0; i < 100; i++)
		cr_assert_eq(*(const u8 *)guest(p, 0x100000 + i),
			     test_elf_byte(0, i));
	cr_assert_eq(*(const u8 *)guest(p, 0x100000 + 100), 0, "bss");
	cr_assert_eq(*(const u8 *)guest(p, 0x103000 + 39),
		     test_elf_byte(1, 39));

	for (u32 i = 0; i < 2; i++) {
		cr_assert_eq(p->vcpus[i].arch.entry, ENTRY);
		cr_assert_eq(p->vcpus[i].arch.rdi, PT_GUEST_START_INFO_GPA);
		cr_assert_eq(p->vcpus[i].arch.rsi, i);
		cr_assert_eq(p->vcpus[i].index, i);
		cr_assert_eq(p->vcpus[i].part, p);
		cr_assert(p->vcpus[i].on_runqueue);
	}
	cr_assert(shim_log_has("INF p1:alpha: started: 4 MiB, 2 vCPU(s), "
			       "weight 300, cap 0%, CPUs 0xf, entry 0x100020, "
			       "1029 frames\n"),
		  "%s", shim_log());
	cr_assert_eq(shim_bad_phys, 0);
}

Test(partition, vcpus_spread_over_the_cpu_list)
{
	struct partition_config cfg = config("spread", 2, 5);
	struct partition *p;

	shim_pool_init(FRAMES_FOR(2));
	cfg.cpu_mask = 0xA | BIT(40); /* CPUs 1 and 3; 40 does not exist */
	p = partition_create(&cfg);
	cr_assert_not_null(p);
	cr_assert_eq(p->cpu_mask, 0xA);
	cr_assert_eq(p->vcpus[0].cpu, 1);
	cr_assert_eq(p->vcpus[1].cpu, 3);
	cr_assert_eq(p->vcpus[2].cpu, 1);
	cr_assert_eq(p->vcpus[3].cpu, 3);
	cr_assert_eq(p->vcpus[4].cpu, 1);
	cr_assert_eq(shim_kicks[1], 3);
	cr_assert_eq(shim_kicks[3], 2);
}

Test(partition, memory_must_be_a_multiple_of_2_mib)
{
	struct partition_config cfg = config("odd", 2, 1);

	shim_pool_init(FRAMES_FOR(4));
	cfg.memory_bytes = 3 * MIB;
	cr_assert_null(partition_create(&cfg));
	cr_assert(shim_log_has("memory must be a multiple of 2 MiB"), "%s",
		  shim_log());
	check_pool(FRAMES_FOR(4));
}

Test(partition, bad_configs_are_refused_without_using_frames)
{
	static const struct {
		u64 memory;
		u32 vcpus, weight;
		u64 cpus;
		const char *why;
	} cases[] = {
		{ MIB, 1, 1, 1,
		  "memory must be a multiple of 2 MiB, 2 MiB to 4 GiB" },
		{ 4097 * MIB, 1, 1, 1,
		  "memory must be a multiple of 2 MiB, 2 MiB to 4 GiB" },
		{ 2 * MIB, 0, 1, 1, "vcpus must be between 1 and 8" },
		{ 2 * MIB, 9, 1, 1, "vcpus must be between 1 and 8" },
		{ 2 * MIB, 1, 0, 1, "weight must be between 1 and 65535" },
		{ 2 * MIB, 1, 65536, 1, "weight must be between 1 and 65535" },
		{ 2 * MIB, 1, 1, 0xF0,
		  "no CPU of its CPU list exists or is free of the root" },
	};
	char expected[128];

	shim_pool_init(FRAMES_FOR(2));
	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		struct partition_config cfg = config("bad", 2, 1);

		cfg.memory_bytes = cases[i].memory;
		cfg.vcpu_count = cases[i].vcpus;
		cfg.weight = cases[i].weight;
		cfg.cpu_mask = cases[i].cpus;
		shim_log_clear();
		cr_assert_null(partition_create(&cfg), "case %u", i);
		snprintf(expected, sizeof(expected),
			 "ERR hv: partition bad: %s\n", cases[i].why);
		cr_assert(shim_log_has(expected), "case %u: %s", i, shim_log());
		check_pool(FRAMES_FOR(2));
	}
	cr_assert_eq(partition_live_count(), 0);
	cr_assert_null(partition_get(1));
}

/* A failed creation hands back every frame it had taken. */
static void expect_create_failure(const char *why)
{
	struct partition_config cfg = config("broken", 2, 2);
	char expected[160];

	shim_log_clear();
	cr_assert_null(partition_create(&cfg));
	snprintf(expected, sizeof(expected),
		 "ERR hv: partition broken: not created: %s\n", why);
	cr_assert(shim_log_has(expected), "%s", shim_log());
	check_pool(frame_pool_stats().total);
	cr_assert_eq(partition_live_count(), 0);
	cr_assert_null(partition_get(1));
}

Test(partition, pool_too_small)
{
	shim_pool_init(FRAMES_FOR(2) - 1);
	expect_create_failure("the memory pool is too small");
	shim_pool_init(2);
	expect_create_failure("the memory pool is too small");
}

Test(partition, bad_image)
{
	shim_pool_init(FRAMES_FOR(2));
	((Elf64_Ehdr *)image)->e_machine = EM_386;
	expect_create_failure("not a little-endian x86-64 ELF64 file");
	setup();
	shim_pool_init(FRAMES_FOR(2));
	((Elf64_Phdr *)((u8 *)image + 64))->p_paddr = 0x1000; /* low */
	expect_create_failure("a segment lies outside the partition's memory");
}

Test(partition, vcpu_setup_failure)
{
	struct partition_config cfg = config("next", 2, 1);

	shim_pool_init(FRAMES_FOR(2));
	shim_vcpu_init_fail_on = 2;
	expect_create_failure("could not set up its virtual processors");
	/* Its slot is free again; the next partition takes the next id
	 * (ids go round). */
	cr_assert_null(partition_get(1));
	cr_assert_not_null(partition_create(&cfg));
	cr_assert_not_null(partition_get(2));
}

Test(partition, destroyed_partition_returns_every_frame)
{
	struct partition_config a = config("a", 2, 2), b = config("b", 4, 1);
	struct partition *pa, *pb;
	char expected[128];

	shim_pool_init(FRAMES_FOR(2) + FRAMES_FOR(4) + 7);
	pa = partition_create(&a);
	pb = partition_create(&b);
	cr_assert_not_null(pa);
	cr_assert_not_null(pb);
	cr_assert_eq(pb->id, 2);
	cr_assert_eq(partition_live_count(), 2);
	check_pool(7);

	/* A partial console line is flushed when the partition goes. */
	memcpy(pa->console_line, "bye", 3);
	pa->console_len = 3;
	partition_end(pa, PT_SHUTDOWN_POWEROFF, "poweroff");
	cr_assert_eq(pa->state, PART_STATE_DYING);
	cr_assert_eq(pa->vcpus[0].state, VCPU_STATE_DEAD);
	cr_assert_eq(pa->vcpus[1].state, VCPU_STATE_DEAD);
	partition_end(pa, PT_SHUTDOWN_CRASH, "twice"); /* ignored */
	cr_assert_eq(pa->exit_reason, PT_SHUTDOWN_POWEROFF);

	/* Frames stay until the last vCPU is off its CPU. */
	partition_vcpu_gone(&pa->vcpus[0]);
	finish_teardown();
	cr_assert_eq(frame_count_owned(1), FRAMES_FOR(2));
	partition_vcpu_gone(&pa->vcpus[1]);
	finish_teardown();
	cr_assert_eq(frame_count_owned(1), 0);
	cr_assert_eq(frame_count_owned(2), FRAMES_FOR(4), "b is untouched");
	check_pool(7 + FRAMES_FOR(2));
	cr_assert_null(partition_get(1));
	cr_assert_eq(partition_live_count(), 1);
	cr_assert(shim_log_has("INF p1:a: bye\n"), "%s", shim_log());
	snprintf(expected, sizeof(expected),
		 "INF p1:a: shut down (poweroff), returned %llu frames\n",
		 FRAMES_FOR(2));
	cr_assert(shim_log_has(expected), "%s", shim_log());
	cr_assert_eq(shim_bad_phys, 0);

	/* Its guest memory was scrubbed: a new partition, which gets its
	 * frames back, sees zeroes. Ids go round: it is partition 3. */
	a.name = "c";
	pa = partition_create(&a);
	cr_assert_not_null(pa);
	cr_assert_eq(pa->id, 3);
	cr_assert_eq(*(const u8 *)guest(pa, 0x200000 - 8), 0);
}

Test(partition, ids_go_round)
{
	struct partition_config cfg = config("x", 2, 1);
	struct partition *p;

	shim_pool_init(FRAMES_FOR(2) * 2);
	p = partition_create(&cfg);
	cr_assert_eq(p->id, 1);
	partition_end(p, PT_SHUTDOWN_POWEROFF, "poweroff");
	partition_vcpu_gone(&p->vcpus[0]);
	finish_teardown();
	cr_assert_null(partition_get(1));
	/* The slot just freed is the last to be used again. */
	cfg.name = "y";
	cr_assert_eq(partition_create(&cfg)->id, 2);
}

Test(partition, crashed_partition_returns_every_frame)
{
	struct partition_config a = config("victim", 2, 1);
	struct partition *p;
	char expected[128];

	shim_pool_init(FRAMES_FOR(2));
	p = partition_create(&a);
	partition_end(p, PT_SHUTDOWN_CRASH, "triple fault");
	cr_assert(shim_log_has("ERR p1:victim: killed: triple fault\n"));
	partition_vcpu_gone(&p->vcpus[0]);
	finish_teardown();
	check_pool(FRAMES_FOR(2));
	snprintf(expected, sizeof(expected),
		 "p1:victim: destroyed after crash, returned %llu frames\n",
		 FRAMES_FOR(2));
	cr_assert(shim_log_has(expected), "%s", shim_log());
}

Test(partition, teardown_in_slices_returns_each_frame_once)
{
	struct partition_config a = config("slow", 4, 1);
	struct partition *p;
	u32 steps = 0;

	shim_pool_init(FRAMES_FOR(4) + 3);
	p = partition_create(&a);
	partition_end(p, PT_SHUTDOWN_POWEROFF, "poweroff");
	partition_vcpu_gone(&p->vcpus[0]);
	/* Each clock read costs 1 us; each slice may take 50 us. */
	shim_tsc_step = 1000;
	while (partition_teardown_step(50000)) {
		cr_assert_eq(frame_pool_check(), 0);
		cr_assert_neq(partition_live_count(), 0);
		steps++;
	}
	cr_assert_gt(steps, 5);
	check_pool(FRAMES_FOR(4) + 3);
	cr_assert_eq(partition_live_count(), 0);
	cr_assert_eq(p->teardown_released, FRAMES_FOR(4));
}

/*
 * Regression (fixed): partition_create() masks the CPU list with BIT(arch_cpu_count()) - 1
 * (partition.c, the `p->cpu_mask =` line), a shift by 64 on a 64-CPU host:
 * undefined behaviour that yields an empty mask on x86, and cpu_for_vcpu()
 * then divides by zero. check_config() guards the same expression; the
 * creation path does not..
 */
Test(partition, all_64_cpus)
{
	struct partition_config cfg = config("wide", 2, 2);
	struct partition *p;

	shim_cpu_count = 64;
	sched_init(64);
	shim_pool_init(FRAMES_FOR(2));
	p = partition_create(&cfg);
	cr_assert_not_null(p);
	cr_assert_eq(p->cpu_mask, ~0ull);
	cr_assert_eq(p->vcpus[1].cpu, 1);
}

Test(partition, root_lists_partitions)
{
	struct partition_config a = config("one", 2, 1),
				b = config("two", 2, 3);
	static struct partition root;
	struct pt_partition_list_out *out;
	struct hcall_regs r = { 0, pt_hc_input(PT_CALL_PARTITION_LIST, 0, 0, 0),
				0, 0x2000 };
	struct partition *pb;

	shim_pool_init(2 * FRAMES_FOR(2) + 40);
	partition_create(&a);
	pb = partition_create(&b);
	partition_end(pb, PT_SHUTDOWN_CRASH, "test");
	test_partition_init(&root, ROOT_PARTITION_ID, 8 * PAGE_SIZE);
	out = test_gpa(&root, 0x2000);
	memset(out, 0xEE, PAGE_SIZE);
	cr_assert_eq(hcall_dispatch(&root.vcpus[0], &r, shim_tsc), HCALL_DONE);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(out->count, 2);
	cr_assert_eq(out->reserved, 0);
	cr_assert_eq(out->entries[0].id, 1);
	cr_assert_str_eq(out->entries[0].name, "one");
	cr_assert_eq(out->entries[0].state, PT_PARTITION_STATE_RUNNING);
	cr_assert_eq(out->entries[0].memory_bytes, 2 * MIB);
	cr_assert_eq(out->entries[1].id, 2);
	cr_assert_eq(out->entries[1].vcpu_count, 3);
	cr_assert_eq(out->entries[1].weight, 300);
	cr_assert_eq(out->entries[1].state, PT_PARTITION_STATE_CRASHED);
}

/* hv_main with a boot config: create, schedule, end, report, power off. */
static u64 run_until_ns;
static struct partition *seen[3];

static enum vcpu_action timed_run(struct vcpu *v)
{
	seen[v->part->id] = v->part;
	shim_tsc += 1000000; /* a millisecond in the guest */
	if (shim_tsc < run_until_ns)
		return VCPU_CONTINUE;
	partition_end(v->part, PT_SHUTDOWN_POWEROFF, "poweroff");
	return VCPU_GONE;
}

static int boot(struct boot_info *bi, u32 weight0, u32 weight1, bool poweroff)
{
	u64 pool_frames = 2 * FRAMES_FOR(2) + 20, heap = 16 * PAGE_SIZE;
	u64 base = shim_mem_init(heap + pool_frames * PAGE_SIZE);
	static const char *const names[] = { "heavy", "light" };
	jmp_buf jb;
	int how;

	memset(bi, 0, sizeof(*bi));
	bi->config.log_level = LOG_INFO;
	bi->config.poweroff_when_idle = poweroff;
	bi->config.guest_count = 2;
	for (u32 i = 0; i < 2; i++) {
		struct boot_guest *g = &bi->config.guests[i];

		strcpy(g->name, names[i]);
		g->memory_mb = 2;
		g->vcpus = 1;
		g->weight = i ? weight1 : weight0;
		g->cpu_mask = 1;
		bi->images[i].data = image;
		bi->images[i].size = image_size;
	}
	bi->heap_base = base;
	bi->heap_size = heap;
	bi->pool_base = base + heap;
	bi->pool_frames = pool_frames;
	shim_cpu_count = 1;
	shim_halt_jmp = &jb;
	how = setjmp(jb);
	if (!how)
		hv_main(bi);
	return how;
}

Test(partition, hv_main_runs_guests_by_weight_then_powers_off)
{
	static struct boot_info bi;
	double ratio;
	char expected[128];

	run_until_ns = 10000000000ull; /* ten seconds */
	shim_vcpu_run_fn = timed_run;
	cr_assert_eq(boot(&bi, 512, 256, true), SHIM_POWERED_OFF, "%s",
		     shim_log());
	cr_assert_not_null(seen[1]);
	cr_assert_not_null(seen[2]);
	ratio = (double)seen[1]->vcpus[0].runtime_ns /
		(double)seen[2]->vcpus[0].runtime_ns;
	cr_assert(ratio > 2.0 * 0.99 && ratio < 2.0 * 1.01, "ratio %f", ratio);
	cr_assert_geq(seen[1]->vcpus[0].runtime_ns +
			      seen[2]->vcpus[0].runtime_ns,
		      9900000000ull);
	snprintf(expected, sizeof(expected),
		 "shut down (poweroff), returned %llu frames\n", FRAMES_FOR(2));
	cr_assert_eq(shim_log_count(expected), 2, "%s", shim_log());
	cr_assert(shim_log_has("INF hv: all partitions have ended\n"));
	snprintf(expected, sizeof(expected),
		 "INF hv: pool: %llu/%llu frames free, frame table "
		 "consistent\n",
		 (unsigned long long)bi.pool_frames,
		 (unsigned long long)bi.pool_frames);
	cr_assert(shim_log_has(expected), "%s", shim_log());
	cr_assert(shim_log_has("INF hv: powering off\n"));
	cr_assert_eq(shim_bad_phys, 0);
}

Test(partition, hv_main_halts_when_configured)
{
	static struct boot_info bi;

	/* The default vCPU hook ends each partition on its first run. */
	cr_assert_eq(boot(&bi, 256, 256, false), SHIM_HALTED, "%s", shim_log());
	cr_assert(shim_log_has("INF hv: halting\n"));
	cr_assert_not(shim_log_has("powering off"));
	cr_assert(shim_log_has("frame table consistent"));
}
