// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the root's partition lifecycle hypercalls and the CPU cap. */
#include <criterion/criterion.h>
#include <hv/boot-info.h>
#include <hv/console.h>
#include <hv/frame.h>
#include <hv/hcall.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/root.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <partita/hypercall.h>
#include <partita/root.h>
#include <partita/start-info.h>
#include <partita/vpap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv-shim.h"
#include "test-util.h"

#define SEC 1000000000ull
#define MS 1000000ull
#define MIB (1ull << 20)
#define NCPUS 4
#define ROOT_CPU 0
#define ROOT_BYTES (16 * PAGE_SIZE)
/* Blocks in the root's RAM for the lifecycle calls' input and output. */
#define IN_GPA 0x2000ull
#define OUT_GPA 0x4000ull
#define VPAP_GPA 0x8000ull
#define POOL_FRAMES 1500
#define ENTRY 0x100040ull
#define PAGES(mib) ((mib)*256ull)
/* RAM frames plus the nested tables: root, PDPT, PD, one PT per 2 MiB. */
#define FRAMES_FOR(mib) ((mib)*256ull + 3 + (mib) / 2)
/* A started guest also owns what store_seed() set up for it: the grant
 * table's use counts (8 frames for the default 32-frame table) and the
 * event port bucket of its store port. */
#define SEED_FRAMES 9ull
#define FRAMES_STARTED(mib) (FRAMES_FOR(mib) + SEED_FRAMES)
/* Ticks of one entry's budget: one tick is 1 ns with the shim's clock. */
#define BUDGET_TICKS (HCALL_WORK_BUDGET_US * 1000ull)
#define START_MASK (PT_HC_REP_MASK << PT_HC_REP_START_SHIFT)

static struct boot_info bi;
static struct partition *rootp;
static struct vcpu *rv; /* the root's vCPU: every lifecycle call's caller */
static u64 free0;	/* free pool frames once the root is built */

/* arch_root_build stand-in: partition 0 gets RAM of its own in the pool. */
static int build_root(struct partition *p, const struct boot_info *b)
{
	if (arch_npt_init(p))
		return -1;
	for (u64 gpa = 0; gpa < ROOT_BYTES; gpa += PAGE_SIZE) {
		u64 hpa = frame_alloc(ROOT_PARTITION_ID, FRAME_KIND_RAM);

		if (!hpa || arch_npt_map(p, gpa, hpa, NPT_RWX))
			return -1;
	}
	p->memory_bytes = ROOT_BYTES;
	return 0;
}

/* A machine of NCPUS CPUs, the root on ROOT_CPU, a pool of `frames`. */
static void boot(u64 frames)
{
	shim_reset();
	shim_pool_init(frames);
	shim_cpu_count = NCPUS;
	sched_init(NCPUS);
	memset(&bi, 0, sizeof(bi));
	bi.config.log_level = LOG_INFO;
	bi.config.root.present = true;
	bi.config.root.cpu = ROOT_CPU;
	shim_root_build_fn = build_root;
	root_reserve_cpu(&bi);
	cr_assert(root_create(&bi), "%s", shim_log());
	rootp = partition_get(ROOT_PARTITION_ID);
	cr_assert_not_null(rootp);
	rv = &rootp->vcpus[0];
	shim_tsc = SEC;
	free0 = frame_pool_stats().free;
}

static void setup(void)
{
	boot(POOL_FRAMES);
}

TestSuite(lifecycle, .init = setup, .fini = shim_teardown);

/* ---- Calls ------------------------------------------------------------ */

/* A call that completes in one entry; returns RAX. */
static u64 call_from(struct vcpu *v, u64 input, u64 rdx, u64 r8)
{
	struct hcall_regs r = { 0xAAAA, input, rdx, r8 };

	cr_assert_eq(hcall_dispatch(v, &r, shim_tsc), HCALL_DONE,
		     "input 0x%llx", (unsigned long long)input);
	return r.rax;
}

static u16 root_fast(u16 code, u64 rdx)
{
	return pt_hc_status(call_from(rv, pt_hc_input(code, 1, 0, 0), rdx, 0));
}

static u16 root_mem(u16 code, u64 in_gpa, u64 out_gpa)
{
	return pt_hc_status(
		call_from(rv, pt_hc_input(code, 0, 0, 0), in_gpa, out_gpa));
}

static void *root_page(u64 gpa)
{
	return test_gpa(rootp, gpa);
}

static struct pt_partition_create_in good_in(const char *name)
{
	struct pt_partition_create_in in;

	memset(&in, 0, sizeof(in));
	strcpy(in.name, name);
	in.memory_bytes = 2 * MIB;
	in.vcpu_count = 2;
	in.weight = 300;
	in.on_crash = PT_ON_CRASH_DESTROY;
	in.cpu_mask = ~0ull;
	strcpy(in.cmdline, "console=hv quiet");
	return in;
}

/* CREATE from the root; *id is set on success, the output kept otherwise. */
static u16 create(const struct pt_partition_create_in *in, u32 *id)
{
	struct pt_partition_create_out *out = root_page(OUT_GPA);
	u16 status;

	memcpy(root_page(IN_GPA), in, sizeof(*in));
	memset(out, 0xEE, sizeof(*out));
	status = root_mem(PT_CALL_PARTITION_CREATE, IN_GPA, OUT_GPA);
	if (status == PT_STATUS_SUCCESS) {
		cr_assert_eq(out->reserved, 0);
		*id = out->id;
	} else {
		cr_assert_eq(out->id, 0xEEEEEEEE, "output written on error");
	}
	return status;
}

static u32 create_ok(const struct pt_partition_create_in *in)
{
	u32 id = 0;
	u16 status = create(in, &id);

	cr_assert_eq(status, PT_STATUS_SUCCESS, "0x%x: %s", status, shim_log());
	cr_assert_neq(id, ROOT_PARTITION_ID);
	return id;
}

/*
 * POPULATE `count` GPFNs from `first`, entry after entry while it asks to
 * continue. Checks each entry: only the rep start moves, it moves forward,
 * and the entry kept to its budget. Returns RAX; *entries if wanted.
 */
/*
 * The root is given its CPU back between slices: a call that ran out of
 * its budget returns PT_STATUS_CALL_PENDING with the input to call again
 * with in RCX. Seen from here that is a continuation, as HCALL_RETRY is
 * for a guest.
 */
static enum hcall_result root_continues(enum hcall_result res,
					struct hcall_regs *r)
{
	if (res == HCALL_DONE && pt_hc_status(r->rax) == PT_STATUS_CALL_PENDING)
		return HCALL_RETRY;
	cr_assert_neq(res, HCALL_RETRY, "the root never re-executes in place");
	return res;
}

static u64 populate(u64 id, u64 first, u32 count, u32 *entries)
{
	u64 rcx = pt_hc_input(PT_CALL_PARTITION_POPULATE, 1, count, 0);
	struct hcall_regs r = { 0xAAAA, rcx, id, first };
	u32 n = 0, done = 0;

	for (;;) {
		u64 t0 = shim_tsc;
		enum hcall_result res = hcall_dispatch(rv, &r, shim_tsc);

		n++;
		cr_assert_leq(n, count, "no progress");
		cr_assert_leq(shim_tsc - t0, BUDGET_TICKS + 4 * shim_tsc_step,
			      "entry %u took %llu ticks", n,
			      (unsigned long long)(shim_tsc - t0));
		cr_assert_eq(r.rdx, id);
		cr_assert_eq(r.r8, first);
		cr_assert_eq(r.rcx & ~START_MASK, rcx & ~START_MASK);
		res = root_continues(res, &r);
		if (res == HCALL_DONE)
			break;
		cr_assert_eq(res, HCALL_RETRY);
		cr_assert_gt((r.rcx & START_MASK) >> PT_HC_REP_START_SHIFT,
			     done);
		done = (u32)((r.rcx & START_MASK) >> PT_HC_REP_START_SHIFT);
	}
	if (entries)
		*entries = n;
	return r.rax;
}

static void populate_all(u32 id, u64 mib)
{
	u64 rax = populate(id, 0, (u32)PAGES(mib), NULL);

	cr_assert_eq(pt_hc_status(rax), PT_STATUS_SUCCESS, "0x%llx",
		     (unsigned long long)rax);
	cr_assert_eq(pt_hc_reps_done(rax), PAGES(mib));
}

/* LOAD from an input block at `in_gpa`; `data` NULL: header only. */
static u16 load(u32 id, u64 gpa, const void *data, u32 len, u64 in_gpa)
{
	struct pt_partition_load_in hdr = { id, len, gpa };
	u8 *in = root_page(in_gpa);

	/* memcpy: the tests also place blocks that are not aligned. */
	memcpy(in, &hdr, sizeof(hdr));
	if (data)
		memcpy(in + sizeof(hdr), data, len);
	return root_mem(PT_CALL_PARTITION_LOAD, in_gpa, 0);
}

static u16 start(u32 id, u64 entry, u64 lo, u64 hi)
{
	struct pt_partition_start_in *in = root_page(IN_GPA);

	*in = (struct pt_partition_start_in){ id, 0, entry, lo, hi };
	return root_mem(PT_CALL_PARTITION_START, IN_GPA, 0);
}

/* CREATE, POPULATE all and START: a running guest. */
static struct partition *running(const struct pt_partition_create_in *in)
{
	u32 id = create_ok(in);

	populate_all(id, in->memory_bytes / MIB);
	cr_assert_eq(start(id, ENTRY, 0x100000, 0x100100), PT_STATUS_SUCCESS,
		     "%s", shim_log());
	return partition_get(id);
}

static struct pt_partition_ref *ref(u32 id, u64 from_seq)
{
	struct pt_partition_ref *in = root_page(IN_GPA);

	*in = (struct pt_partition_ref){ id, 0, from_seq };
	return in;
}

static struct pt_partition_info *info(u32 id)
{
	struct pt_partition_info *out = root_page(OUT_GPA);

	ref(id, 0);
	memset(out, 0xEE, PAGE_SIZE);
	cr_assert_eq(root_mem(PT_CALL_PARTITION_INFO, IN_GPA, OUT_GPA),
		     PT_STATUS_SUCCESS);
	return out;
}

/* The state PARTITION_LIST reports for `id`; 0 when it is not listed. */
static u32 listed_state(u32 id)
{
	struct pt_partition_list_out *out = root_page(OUT_GPA);

	cr_assert_eq(root_mem(PT_CALL_PARTITION_LIST, 0, OUT_GPA),
		     PT_STATUS_SUCCESS);
	for (u32 i = 0; i < out->count; i++) {
		if (out->entries[i].id == id)
			return out->entries[i].state;
	}
	return 0;
}

/* ---- Frames ----------------------------------------------------------- */

static u64 frames_of_kind(u32 owner, enum frame_kind kind)
{
	const struct frame_info *t = shim_pool_table();
	u64 n = 0;

	for (u64 i = 0; i < frame_pool_stats().total; i++)
		n += t[i].owner == owner && t[i].kind == kind;
	return n;
}

static u64 ram_frames(u32 id)
{
	return frames_of_kind(id, FRAME_KIND_RAM);
}

/* Takes frames out of the pool until only `left` are free. */
static void hog_pool(u64 left)
{
	while (frame_pool_stats().free > left)
		cr_assert_neq(frame_alloc(FRAME_OWNER_HV, FRAME_KIND_CONTROL),
			      0);
}

static void pool_is_back(void)
{
	cr_assert_eq(frame_pool_check(), 0);
	cr_assert_eq(frame_pool_stats().free, free0, "%llu of %llu free",
		     (unsigned long long)frame_pool_stats().free,
		     (unsigned long long)free0);
}

/* Every CPU took the partition's vCPUs off (the scheduler's reap path). */
static void reap(struct partition *p)
{
	for (u32 i = 0; i < p->vcpu_count; i++) {
		cr_assert_eq(p->vcpus[i].state, VCPU_STATE_DEAD);
		partition_vcpu_gone(&p->vcpus[i]);
	}
}

/* A DESTROY that needs one entry (no vCPUs left, no clock movement). */
static void destroy_now(u32 id)
{
	cr_assert_eq(root_fast(PT_CALL_PARTITION_DESTROY, id),
		     PT_STATUS_SUCCESS);
	cr_assert_null(partition_get(id));
}

/* ---- 1. CREATE -------------------------------------------------------- */

Test(lifecycle, create_gives_an_id_and_no_ram)
{
	struct pt_partition_create_in in = good_in("alpha");
	struct pt_partition_info *inf;
	struct partition *p;
	u32 id;

	shim_tsc = 3 * SEC;
	id = create_ok(&in);
	cr_assert_eq(id, 1);
	p = partition_get(id);
	cr_assert_not_null(p);
	cr_assert_eq(partition_find("alpha"), p);
	cr_assert_eq(p->state, PART_STATE_CREATED);
	cr_assert_eq(partition_live_count(), 1);
	cr_assert_eq(listed_state(id), PT_PARTITION_STATE_CREATED);
	/* No RAM yet: only the nested page table's root. */
	cr_assert_eq(ram_frames(id), 0);
	cr_assert_eq(frame_count_owned(id), 1);
	cr_assert_eq(frame_pool_stats().free, free0 - 1);
	cr_assert_eq(shim_vcpu_inits, 0);
	for (u32 i = 0; i < MAX_VCPUS; i++)
		cr_assert_not(p->vcpus[i].on_runqueue);

	inf = info(id);
	cr_assert_eq(inf->entry.id, id);
	cr_assert_eq(inf->entry.state, PT_PARTITION_STATE_CREATED);
	cr_assert_str_eq(inf->entry.name, "alpha");
	cr_assert_eq(inf->entry.vcpu_count, 2);
	cr_assert_eq(inf->entry.weight, 300);
	cr_assert_eq(inf->entry.memory_bytes, 2 * MIB);
	cr_assert_eq(inf->populated_bytes, 0);
	cr_assert_eq(inf->frames_owned, 1);
	cr_assert_eq(inf->created_ns, 3 * SEC);
	cr_assert_eq(inf->runtime_ns, 0);
	cr_assert_str_eq(inf->exit_detail, "");
	cr_assert_str_eq(inf->cmdline, "console=hv quiet");
	cr_assert(shim_log_has("INF p1:alpha: created by the root: 2 MiB, "
			       "2 vCPU(s)\n"),
		  "%s", shim_log());

	/* The next one takes the next slot. */
	in = good_in("beta");
	cr_assert_eq(create_ok(&in), 2);
	cr_assert_eq(partition_live_count(), 2);
}

Test(lifecycle, create_limits_are_inclusive)
{
	struct pt_partition_create_in in = good_in("");
	u32 id;

	memset(in.name, 'n', 31); /* 31 characters: the longest name */
	in.memory_bytes = 4ull << 30;
	in.vcpu_count = PT_PARTITION_MAX_VCPUS;
	in.weight = 65535;
	in.cap_percent = 100;
	in.on_crash = PT_ON_CRASH_PRESERVE;
	in.cpu_mask = BIT(ROOT_CPU) | BIT(2); /* the root's is dropped */
	memset(in.cmdline, 'c', 255);
	id = create_ok(&in);
	cr_assert_eq(partition_get(id)->cpu_mask, BIT(2));
	cr_assert_eq(strlen(partition_get(id)->cmdline), 255);
	cr_assert_eq(info(id)->cpu_mask, BIT(2));
	destroy_now(id);
	strcpy(in.name, "A-Za.z_0-9");
	in.memory_bytes = 2 * MIB;
	in.vcpu_count = 1;
	in.weight = 1;
	in.cap_percent = 0;
	in.cmdline[0] = '\0';
	id = create_ok(&in);
	cr_assert_str_eq(info(id)->cmdline, "");
}

Test(lifecycle, create_refuses_every_bad_field_and_allocates_nothing)
{
	struct {
		const char *what;
		struct pt_partition_create_in in;
	} cases[32];
	u32 n = 0;

#define CASE(label, stmt)                                         \
	do {                                                      \
		struct pt_partition_create_in *in = &cases[n].in; \
		cases[n].what = label;                            \
		*in = good_in("good");                            \
		stmt;                                             \
		n++;                                              \
	} while (0)

	CASE("name with a space", strcpy(in->name, "bad name"));
	CASE("name with a slash", strcpy(in->name, "a/b"));
	CASE("name with a colon", strcpy(in->name, "a:b"));
	CASE("name with a high byte", strcpy(in->name, "caf\xc3\xa9"));
	CASE("empty name", in->name[0] = '\0');
	CASE("unterminated name", memset(in->name, 'x', sizeof(in->name)));
	CASE("memory 0", in->memory_bytes = 0);
	CASE("memory 1 MiB", in->memory_bytes = MIB);
	CASE("memory 3 MiB", in->memory_bytes = 3 * MIB);
	CASE("memory 2 MiB + 4 KiB", in->memory_bytes = 2 * MIB + PAGE_SIZE);
	CASE("memory 4 GiB + 2 MiB", in->memory_bytes = (4ull << 30) + 2 * MIB);
	CASE("memory 2^63", in->memory_bytes = 1ull << 63);
	CASE("0 vCPUs", in->vcpu_count = 0);
	CASE("9 vCPUs", in->vcpu_count = 9);
	CASE("weight 0", in->weight = 0);
	CASE("weight 65536", in->weight = 65536);
	CASE("cap 101", in->cap_percent = 101);
	CASE("on_crash 2", in->on_crash = 2);
	CASE("only the root's CPU", in->cpu_mask = BIT(ROOT_CPU));
	CASE("CPUs that do not exist", in->cpu_mask = BIT(NCPUS) | BIT(63));
	CASE("no CPU", in->cpu_mask = 0);
	CASE("unterminated cmdline",
	     memset(in->cmdline, 'c', sizeof(in->cmdline)));
#undef CASE

	for (u32 i = 0; i < n; i++) {
		u32 id = 0;

		cr_assert_eq(create(&cases[i].in, &id),
			     PT_STATUS_INVALID_PARAMETER, "%s", cases[i].what);
		cr_assert_eq(frame_pool_stats().free, free0, "%s",
			     cases[i].what);
		cr_assert_eq(partition_live_count(), 0, "%s", cases[i].what);
		cr_assert_null(partition_get(1), "%s", cases[i].what);
		cr_assert_eq(listed_state(1), 0);
	}
	/* An offline CPU is no CPU either. */
	shim_cpu_offline_mask = BIT(3);
	cases[0].in = good_in("offline");
	cases[0].in.cpu_mask = BIT(ROOT_CPU) | BIT(3);
	cr_assert_eq(create(&cases[0].in, &(u32){ 0 }),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(frame_pool_check(), 0);
	cr_assert_eq(frame_pool_stats().free, free0);
	/* And the good input does work. */
	cases[0].in = good_in("good");
	cr_assert_eq(create_ok(&cases[0].in), 1);
}

Test(lifecycle, create_refuses_a_name_in_use)
{
	struct pt_partition_create_in in = good_in("twin");
	u64 free;
	u32 id = create_ok(&in), other = 0;

	free = frame_pool_stats().free;
	cr_assert_eq(create(&in, &other), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(frame_pool_stats().free, free);
	cr_assert_eq(partition_live_count(), 1);
	cr_assert(shim_log_has("create twin refused: a partition of that name "
			       "exists"),
		  "%s", shim_log());
	/* The root's name is taken too. */
	in = good_in("root");
	cr_assert_eq(create(&in, &other), PT_STATUS_INVALID_PARAMETER);
	/* Once it is gone, the name is free again (with the next id: ids
	 * go round). */
	destroy_now(id);
	in = good_in("twin");
	cr_assert_eq(create_ok(&in), id + 1);
}

Test(lifecycle, create_when_every_slot_is_used)
{
	struct pt_partition_create_in in;
	char name[16];
	u64 free;
	u32 id = 0;

	for (u32 i = 1; i < MAX_PARTITIONS; i++) {
		snprintf(name, sizeof(name), "g%u", i);
		in = good_in(name);
		cr_assert_eq(create_ok(&in), i);
	}
	cr_assert_eq(partition_live_count(), MAX_PARTITIONS - 1);
	free = frame_pool_stats().free;
	in = good_in("one-too-many");
	cr_assert_eq(create(&in, &id), PT_STATUS_NO_RESOURCES);
	cr_assert_eq(frame_pool_stats().free, free);
	cr_assert_eq(partition_live_count(), MAX_PARTITIONS - 1);
	cr_assert_null(partition_find("one-too-many"));
	/* A freed slot is taken again. */
	destroy_now(17);
	cr_assert_eq(create_ok(&in), 17);
}

/* With on_crash = destroy, a CREATE that fails leaves nothing behind. */
Test(lifecycle, create_without_memory_for_its_tables)
{
	struct pt_partition_create_in in = good_in("starved");
	u32 id = 0;

	hog_pool(0);
	cr_assert_eq(create(&in, &id), PT_STATUS_INSUFFICIENT_MEMORY);
	/* Whatever it started is gone once the background work ran. */
	while (partition_teardown_step(0))
		;
	cr_assert_null(partition_get(1));
	cr_assert_null(partition_find("starved"));
	cr_assert_eq(partition_live_count(), 0);
	cr_assert_eq(frame_pool_check(), 0);
}

/*
 * Regression (fixed): partition_new() (hypervisor/core/partition.c, the arch_npt_init()
 * failure branch) ends the half-made partition with PT_SHUTDOWN_CRASH, so
 * with on_crash = preserve vcpus_gone() keeps it CRASHED: the CREATE
 * returned INSUFFICIENT_MEMORY, yet a partition (whose id the root never
 * learnt) holds the slot and the name until someone destroys it, and a
 * retry with the same name is refused. Fix: set p->destroy_requested = true
 * before that partition_end() call.
 */
Test(lifecycle, failed_create_with_preserve_leaves_nothing)
{
	struct pt_partition_create_in in = good_in("starved");
	u32 id = 0;

	in.on_crash = PT_ON_CRASH_PRESERVE;
	hog_pool(0);
	cr_assert_eq(create(&in, &id), PT_STATUS_INSUFFICIENT_MEMORY);
	while (partition_teardown_step(0))
		;
	cr_assert_null(partition_get(1), "listed as %u", listed_state(1));
	cr_assert_null(partition_find("starved"));
	cr_assert_eq(partition_live_count(), 0);
}

Test(lifecycle, guests_may_not_use_the_lifecycle_calls)
{
	static const u16 codes[] = {
		PT_CALL_PARTITION_CREATE,  PT_CALL_PARTITION_POPULATE,
		PT_CALL_PARTITION_LOAD,	   PT_CALL_PARTITION_START,
		PT_CALL_PARTITION_PAUSE,   PT_CALL_PARTITION_UNPAUSE,
		PT_CALL_PARTITION_DESTROY, PT_CALL_PARTITION_SHUTDOWN,
		PT_CALL_PARTITION_INFO,	   PT_CALL_PARTITION_STATS,
		PT_CALL_CONSOLE_READ,
	};
	struct pt_partition_create_in in = good_in("guest"), other;
	struct partition *g = running(&in), *c;
	u64 free;

	other = good_in("victim");
	c = partition_get(create_ok(&other));
	/* A valid CREATE block in the guest's own RAM. */
	other = good_in("sneaky");
	memcpy(partition_gpa_to_hva(g, 0x10000, true), &other, sizeof(other));
	free = frame_pool_stats().free;
	for (u32 i = 0; i < ARRAY_SIZE(codes); i++) {
		for (int fast = 0; fast < 2; fast++) {
			u32 reps = codes[i] == PT_CALL_PARTITION_POPULATE;
			u64 input = pt_hc_input(codes[i], fast, reps, 0);
			u64 rax = call_from(&g->vcpus[0], input,
					    fast ? c->id : 0x10000,
					    fast ? 0 : 0x11000);

			cr_assert_eq(pt_hc_status(rax), PT_STATUS_ACCESS_DENIED,
				     "code 0x%x fast %d", codes[i], fast);
		}
	}
	cr_assert_eq(frame_pool_stats().free, free);
	cr_assert_null(partition_find("sneaky"));
	cr_assert_eq(partition_live_count(), 2);
	cr_assert_eq(g->state, PART_STATE_RUNNING);
	cr_assert_not(g->paused);
	cr_assert_eq(c->state, PART_STATE_CREATED);
	cr_assert_eq(c->populated_pages, 0);
}

/* ---- 2. POPULATE ------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

Test(lifecycle, populate_continues_and_maps_every_gpfn_once)
{
	struct pt_partition_create_in in = good_in("pop");
	u32 id = create_ok(&in), entries;
	struct partition *p = partition_get(id);
	static u64 hpa[PAGES(2)];
	u64 rax;

	shim_tsc_step = 1000; /* 1 us per clock read: 15 per entry */
	rax = populate(id, 0, PAGES(2), &entries);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_SUCCESS);
	cr_assert_eq(pt_hc_reps_done(rax), PAGES(2));
	cr_assert_gt(entries, 10, "the budget should have cut it up");
	cr_assert_lt(entries, 100);
	cr_assert_eq(p->populated_pages, PAGES(2));
	cr_assert_eq(ram_frames(id), PAGES(2));
	cr_assert_eq(frame_count_owned(id), FRAMES_FOR(2));
	cr_assert_eq(frame_pool_check(), 0);
	for (u64 gpfn = 0; gpfn < PAGES(2); gpfn++) {
		u32 flags = 0;
		const u8 *page;
		const struct frame_info *fi;

		hpa[gpfn] = arch_npt_lookup(p, gpfn << PAGE_SHIFT, &flags);
		cr_assert_neq(hpa[gpfn], NPT_NO_PAGE, "GPFN %llu",
			      (unsigned long long)gpfn);
		cr_assert_eq(flags, NPT_RWX);
		fi = frame_lookup(hpa[gpfn]);
		cr_assert_not_null(fi);
		cr_assert_eq(fi->owner, id);
		cr_assert_eq(fi->kind, FRAME_KIND_RAM);
		/* The shim's memory starts 0xA5: the frame was zeroed. */
		page = partition_gpa_to_hva(p, gpfn << PAGE_SHIFT, false);
		for (u64 b = 0; b < PAGE_SIZE; b++)
			cr_assert_eq(page[b], 0, "GPFN %llu byte %llu",
				     (unsigned long long)gpfn,
				     (unsigned long long)b);
	}
	qsort(hpa, PAGES(2), sizeof(hpa[0]), cmp_u64);
	for (u64 i = 1; i < PAGES(2); i++)
		cr_assert_neq(hpa[i], hpa[i - 1], "a frame mapped twice");
	/* One call, counted once, in many entries. */
	cr_assert_eq(rootp->hcall_stats[PT_CALL_PARTITION_POPULATE].count, 1);
	cr_assert_eq(hcall_stat_entries(
			     &rootp->hcall_stats[PT_CALL_PARTITION_POPULATE]),
		     entries);
	cr_assert_eq(info(id)->populated_bytes, 2 * MIB);
	cr_assert_eq(info(id)->frames_owned, FRAMES_FOR(2));
}

Test(lifecycle, populate_in_any_order_and_in_pieces)
{
	struct pt_partition_create_in in = good_in("pieces");
	u32 id = create_ok(&in);
	struct partition *p = partition_get(id);
	u64 rax;

	/* Top half first, then single pages downwards, then the rest. */
	rax = populate(id, 256, 256, NULL);
	cr_assert_eq(rax, (u64)256 << PT_HC_RESULT_REPS_SHIFT);
	for (u64 g = 255; g >= 200; g--)
		cr_assert_eq(populate(id, g, 1, NULL),
			     (u64)1 << PT_HC_RESULT_REPS_SHIFT);
	cr_assert_eq(p->populated_pages, 256 + 56);
	cr_assert_eq(info(id)->populated_bytes, (256 + 56) * PAGE_SIZE);
	rax = populate(id, 0, 200, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_SUCCESS);
	cr_assert_eq(p->populated_pages, PAGES(2));
	cr_assert_eq(ram_frames(id), PAGES(2));
}

Test(lifecycle, populate_twice_stops_at_that_element)
{
	struct pt_partition_create_in in = good_in("twice");
	u32 id = create_ok(&in);
	struct partition *p = partition_get(id);
	u32 flags;
	u64 rax, hpa6;

	cr_assert_eq(pt_hc_status(populate(id, 6, 1, NULL)), 0);
	hpa6 = arch_npt_lookup(p, 6 * PAGE_SIZE, &flags);
	*(u8 *)partition_gpa_to_hva(p, 6 * PAGE_SIZE, true) = 0x5A;
	/* GPFNs 3, 4 and 5 are new; 6 stops the call at index 3. */
	rax = populate(id, 3, 6, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(pt_hc_reps_done(rax), 3);
	cr_assert_eq(p->populated_pages, 4);
	cr_assert_eq(ram_frames(id), 4);
	cr_assert_eq(arch_npt_lookup(p, 7 * PAGE_SIZE, &flags), NPT_NO_PAGE);
	/* The page already there was neither replaced nor cleared. */
	cr_assert_eq(arch_npt_lookup(p, 6 * PAGE_SIZE, &flags), hpa6);
	cr_assert_eq(*(u8 *)partition_gpa_to_hva(p, 6 * PAGE_SIZE, false),
		     0x5A);
	/* A continued call that resumes on a done element fails likewise. */
	rax = call_from(rv, pt_hc_input(PT_CALL_PARTITION_POPULATE, 1, 4, 2),
			id, 3);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(pt_hc_reps_done(rax), 2);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(lifecycle, populate_beyond_memory)
{
	struct pt_partition_create_in in = good_in("edge");
	u32 id = create_ok(&in);
	struct partition *p = partition_get(id);
	u64 rax;

	rax = populate(id, PAGES(2) - 2, 4, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_GPA);
	cr_assert_eq(pt_hc_reps_done(rax), 2);
	cr_assert_eq(p->populated_pages, 2);
	rax = populate(id, PAGES(2), 1, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_GPA);
	cr_assert_eq(pt_hc_reps_done(rax), 0);
	/* GPFN arithmetic that wraps around is no way back to GPFN 0. */
	rax = populate(id, ~0ull, 2, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_GPA);
	cr_assert_eq(pt_hc_reps_done(rax), 0);
	rax = populate(id, 1ull << 52, 1, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_GPA);
	cr_assert_eq(p->populated_pages, 2);
	cr_assert_eq(ram_frames(id), 2);
}

Test(lifecycle, populate_until_the_pool_is_empty)
{
	struct pt_partition_create_in in = good_in("hungry");
	u32 id, flags;
	struct partition *p;
	u64 rax;

	in.memory_bytes = 4 * MIB;
	id = create_ok(&in);
	p = partition_get(id);
	/* The first page needs a PDPT, a PD and a PT besides itself. */
	hog_pool(13);
	rax = populate(id, 0, 20, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INSUFFICIENT_MEMORY);
	cr_assert_eq(pt_hc_reps_done(rax), 10);
	cr_assert_eq(p->populated_pages, 10);
	cr_assert_eq(frame_pool_stats().free, 0);
	cr_assert_eq(frame_pool_check(), 0);
	/* A RAM frame but no page table for the second 2 MiB: given back. */
	hog_pool(0);
	free0 = frame_pool_stats().free;
	frame_free(arch_npt_lookup(rootp, 0xF000, &flags)); /* one frame */
	cr_assert_eq(frame_pool_stats().free, 1);
	rax = populate(id, PAGES(2), 1, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INSUFFICIENT_MEMORY);
	cr_assert_eq(pt_hc_reps_done(rax), 0);
	cr_assert_eq(frame_pool_stats().free, 1, "the RAM frame leaked");
	cr_assert_eq(p->populated_pages, 10);
	cr_assert_eq(ram_frames(id), 10);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(lifecycle, populate_needs_a_created_guest)
{
	struct pt_partition_create_in in = good_in("late");
	struct partition *p = running(&in);
	u64 rax;

	rax = populate(p->id, 0, 1, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_PARTITION_STATE);
	rax = populate(40, 0, 1, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_PARTITION_ID);
	rax = populate(MAX_PARTITIONS, 0, 1, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_PARTITION_ID);
	/* Never the root's memory. */
	rax = populate(ROOT_PARTITION_ID, ROOT_BYTES >> PAGE_SHIFT, 1, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_PARTITION_ID);
	/* A rep call: a plain fast call is malformed. */
	cr_assert_eq(root_fast(PT_CALL_PARTITION_POPULATE, p->id),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
}

/*
 * Regression (fixed): target() in hypervisor/core/hcall-lifecycle.c truncates the 64-bit
 * id in RDX (or in a block) to 32 bits after comparing it with 0, so an id
 * of 1 << 32 reaches partition_get(0): the root. PAUSE, SHUTDOWN and
 * DESTROY then act on partition 0 (DESTROY ends the root itself). Fix: in
 * target(), return NULL unless id < MAX_PARTITIONS as well:
 *	return id != ROOT_PARTITION_ID && id < MAX_PARTITIONS
 *		       ? partition_get((u32)id) : NULL;
 */
Test(lifecycle, ids_above_32_bits_never_name_the_root)
{
	struct pt_partition_create_in in = good_in("one");
	u32 id = create_ok(&in);
	u64 alias = 1ull << 32;

	cr_assert_eq(root_fast(PT_CALL_PARTITION_PAUSE, alias),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_not(rootp->paused, "the root paused itself");
	cr_assert_eq(root_fast(PT_CALL_PARTITION_SHUTDOWN, alias),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_not(shim_log_has("p0:root: shutdown requested"), "%s",
		      shim_log());
	cr_assert_eq(root_fast(PT_CALL_PARTITION_DESTROY, alias),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(rootp->state, PART_STATE_RUNNING, "the root destroyed");
	/* An alias of a guest's id is no id either. */
	cr_assert_eq(root_fast(PT_CALL_PARTITION_DESTROY, alias | id),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_not_null(partition_get(id));
}

/* ---- 3. LOAD ---------------------------------------------------------- */

static void expect_guest_bytes(const struct partition *p, u64 gpa,
			       const u8 *data, u32 len)
{
	for (u32 i = 0; i < len; i++) {
		const u8 *b = partition_gpa_to_hva(p, gpa + i, false);

		cr_assert_not_null(b);
		cr_assert_eq(*b, data[i], "GPA 0x%llx",
			     (unsigned long long)(gpa + i));
	}
}

Test(lifecycle, load_copies_bytes_into_guest_ram)
{
	struct pt_partition_create_in in = good_in("loaded");
	u32 id = create_ok(&in);
	struct partition *p = partition_get(id);
	static u8 data[PT_PARTITION_LOAD_MAX];

	for (u32 i = 0; i < sizeof(data); i++)
		data[i] = (u8)(i * 13 + 7);
	cr_assert_eq(pt_hc_status(populate(id, 0, 300, NULL)), 0);
	/* Across a guest page boundary. */
	cr_assert_eq(load(id, 0x101000 - 50, data, 100, IN_GPA),
		     PT_STATUS_SUCCESS);
	expect_guest_bytes(p, 0x101000 - 50, data, 100);
	/* The most one call carries. */
	cr_assert_eq(
		load(id, 0x110000 + 8, data, PT_PARTITION_LOAD_MAX, IN_GPA),
		PT_STATUS_SUCCESS);
	expect_guest_bytes(p, 0x110000 + 8, data, PT_PARTITION_LOAD_MAX);
	cr_assert_eq(*(u8 *)partition_gpa_to_hva(p, 0x110000 + 7, false), 0);
	/* A block in the second half of a page: data up to its end. */
	cr_assert_eq(load(id, 0x120000, data + 1, 2032, IN_GPA + 2048),
		     PT_STATUS_SUCCESS);
	expect_guest_bytes(p, 0x120000, data + 1, 2032);
	/* The last byte of populated RAM. */
	cr_assert_eq(load(id, 300 * PAGE_SIZE - 1, data, 1, IN_GPA),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(p->populated_pages, 300, "LOAD populated something");
	cr_assert_eq(ram_frames(id), 300);
}

Test(lifecycle, load_refuses_bad_blocks_and_targets)
{
	struct pt_partition_create_in in = good_in("picky");
	u32 id = create_ok(&in);
	struct partition *p = partition_get(id);
	static const u8 data[32] = { 1, 2, 3, 4 };

	cr_assert_eq(pt_hc_status(populate(id, 0, 300, NULL)), 0);
	cr_assert_eq(
		load(id, 0x100000, NULL, PT_PARTITION_LOAD_MAX + 1, IN_GPA),
		PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(load(id, 0x100000, NULL, 0xFFFFFFFFu, IN_GPA),
		     PT_STATUS_INVALID_PARAMETER);
	/* The data would run past the input block's page. */
	cr_assert_eq(load(id, 0x100000, NULL, 2033, IN_GPA + 2048),
		     PT_STATUS_INVALID_ALIGNMENT);
	cr_assert_eq(
		load(id, 0x100000, NULL, PT_PARTITION_LOAD_MAX, IN_GPA + 8),
		PT_STATUS_INVALID_ALIGNMENT);
	cr_assert_eq(load(id, 0x100000, data, 4, IN_GPA + 4),
		     PT_STATUS_INVALID_ALIGNMENT);
	/* Where the data would go must be populated RAM of the guest. */
	cr_assert_eq(load(id, 300 * PAGE_SIZE, data, 4, IN_GPA),
		     PT_STATUS_INVALID_GPA);
	cr_assert_eq(load(id, 2 * MIB - 2, data, 4, IN_GPA),
		     PT_STATUS_INVALID_GPA);
	cr_assert_eq(load(id, 2 * MIB, data, 1, IN_GPA), PT_STATUS_INVALID_GPA);
	cr_assert_eq(load(id, ~0ull - 1, data, 4, IN_GPA),
		     PT_STATUS_INVALID_GPA);
	cr_assert_eq(load(40, 0x100000, data, 4, IN_GPA),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(load(ROOT_PARTITION_ID, 0x100, data, 4, IN_GPA),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(p->populated_pages, 300);
	cr_assert_eq(ram_frames(id), 300);
}

Test(lifecycle, load_only_before_start)
{
	struct pt_partition_create_in in = good_in("sealed");
	struct partition *p = running(&in);
	static const u8 data[8] = { 9, 9, 9, 9 };

	cr_assert_eq(load(p->id, 0x100000, data, 8, IN_GPA),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(*(u8 *)partition_gpa_to_hva(p, 0x100000, false), 0);
}

/* ---- 4. START, PAUSE, UNPAUSE ----------------------------------------- */

Test(lifecycle, start_needs_every_page_and_a_good_entry)
{
	struct pt_partition_create_in in = good_in("runner");
	struct partition *p;
	const struct pt_start_info *si;
	static const u8 code[] = { 0xF4, 0xEB, 0xFD };
	u32 id;

	in.vcpu_count = 3;
	in.cpu_mask = BIT(ROOT_CPU) | BIT(1) | BIT(3);
	id = create_ok(&in);
	p = partition_get(id);
	cr_assert_eq(start(id, ENTRY, 0x100000, 0x100100),
		     PT_STATUS_INVALID_PARTITION_STATE, "nothing populated");
	cr_assert_eq(pt_hc_status(populate(id, 1, PAGES(2) - 1, NULL)), 0);
	cr_assert_eq(start(id, ENTRY, 0x100000, 0x100100),
		     PT_STATUS_INVALID_PARTITION_STATE, "GPFN 0 missing");
	cr_assert_eq(pt_hc_status(populate(id, 0, 1, NULL)), 0);
	cr_assert_eq(load(id, ENTRY, code, sizeof(code), IN_GPA), 0);

	/* Bad entries and image ranges change nothing. */
	cr_assert_eq(start(id, 0xFFFFF, 0x100000, 0x100100),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(start(id, 0, 0, 0), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(start(id, 2 * MIB, 0x100000, 0x100100),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(start(id, ~0ull, 0x100000, 0x100100),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(start(id, ENTRY, 0x100100, 0x100000),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(start(id, ENTRY, 0x100000, 2 * MIB + 1),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(start(40, ENTRY, 0x100000, 0x100100),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(start(ROOT_PARTITION_ID, ENTRY, 0, 0),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(p->state, PART_STATE_CREATED);
	cr_assert_eq(shim_vcpu_inits, 0);
	cr_assert_eq(shim_kicks[1] + shim_kicks[3], 0);

	cr_assert_eq(start(id, ENTRY, 0x100000, 0x100100), PT_STATUS_SUCCESS,
		     "%s", shim_log());
	cr_assert_eq(p->state, PART_STATE_RUNNING);
	cr_assert_eq(listed_state(id), PT_PARTITION_STATE_RUNNING);
	cr_assert_eq(info(id)->entry.state, PT_PARTITION_STATE_RUNNING);
	cr_assert_eq(p->vcpus_alive, 3);
	/* vCPU i on the i-th CPU of its list, the root's CPU left out. */
	cr_assert_eq(p->vcpus[0].cpu, 1);
	cr_assert_eq(p->vcpus[1].cpu, 3);
	cr_assert_eq(p->vcpus[2].cpu, 1);
	for (u32 i = 0; i < 3; i++) {
		const struct vcpu *v = &p->vcpus[i];

		cr_assert(v->on_runqueue, "vCPU %u", i);
		cr_assert_eq(v->state, VCPU_STATE_RUNNABLE);
		cr_assert_eq(v->part, p);
		cr_assert_eq(v->index, i);
		cr_assert_eq(v->arch.entry, ENTRY);
		cr_assert_eq(v->arch.rdi, PT_GUEST_START_INFO_GPA);
		cr_assert_eq(v->arch.rsi, i);
	}
	cr_assert_not(p->vcpus[3].on_runqueue);
	cr_assert_eq(shim_kicks[1], 2);
	cr_assert_eq(shim_kicks[3], 1);
	cr_assert_eq(shim_kicks[ROOT_CPU], 0, "Linux's CPU");

	si = partition_gpa_to_hva(p, PT_GUEST_START_INFO_GPA, false);
	cr_assert_eq(si->magic, PT_START_INFO_MAGIC);
	cr_assert_eq(si->version, PT_START_INFO_VERSION);
	cr_assert_eq(si->size, sizeof(*si));
	cr_assert_eq(si->partition_id, id);
	cr_assert_eq(si->vcpu_count, 3);
	cr_assert_eq(si->memory_bytes, 2 * MIB);
	cr_assert_eq(si->image_start, 0x100000);
	cr_assert_eq(si->image_end, 0x100100);
	cr_assert_eq(si->free_start, 0x101000);
	cr_assert_eq(si->weight, 300);
	cr_assert_str_eq(si->name, "runner");
	cr_assert_str_eq(si->cmdline, "console=hv quiet");
	cr_assert_eq(*(const u64 *)partition_gpa_to_hva(p, 0x5000, false), 0x83,
		     "the identity map");
	expect_guest_bytes(p, ENTRY, code, sizeof(code));

	/* Once only. */
	cr_assert_eq(start(id, ENTRY, 0x100000, 0x100100),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(shim_vcpu_inits, 3);
}

/*
 * Regression (fixed): partition_start() (hypervisor/core/partition.c, the closing loop
 * `sched_add_vcpu(&p->vcpus[i]);`) ignores sched_add_vcpu()'s failure when
 * a CPU's run queue already holds SCHED_MAX_VCPUS_PER_CPU vCPUs: START says
 * SUCCESS and the partition is RUNNING with vCPUs that no CPU will ever
 * run or reap, so vcpus_alive never reaches 0 and a DESTROY of it returns
 * HCALL_RETRY forever. Fix: before anything is written, count the free run
 * queue places per CPU (a sched helper, e.g. sched_can_add(cpu, n)) and
 * return PT_STATUS_NO_RESOURCES if any CPU lacks room; or, on failure,
 * take the vCPUs already added off again and return NO_RESOURCES.
 */
Test(lifecycle, start_when_the_run_queue_is_full)
{
	struct pt_partition_create_in in;
	char name[16];
	struct partition *p;
	u32 id;
	u16 status;

	boot(9 * FRAMES_FOR(2) + 100);
	for (u32 i = 0; i < SCHED_MAX_VCPUS_PER_CPU / MAX_VCPUS; i++) {
		snprintf(name, sizeof(name), "full%u", i);
		in = good_in(name);
		in.vcpu_count = MAX_VCPUS;
		in.cpu_mask = BIT(1);
		running(&in);
	}
	in = good_in("overflow");
	in.vcpu_count = 1;
	in.cpu_mask = BIT(1);
	id = create_ok(&in);
	populate_all(id, 2);
	p = partition_get(id);
	status = start(id, ENTRY, 0x100000, 0x100100);
	if (status == PT_STATUS_SUCCESS) {
		cr_assert(p->vcpus[0].on_runqueue,
			  "RUNNING, but its vCPU is on no run queue");
	} else {
		cr_assert_eq(status, PT_STATUS_NO_RESOURCES);
		cr_assert_eq(p->state, PART_STATE_CREATED);
		cr_assert_not(p->vcpus[0].on_runqueue);
	}
}

Test(lifecycle, pause_and_unpause)
{
	struct pt_partition_create_in in = good_in("napper");
	struct partition *p;
	u64 until = 777;
	u32 kicks;

	in.cpu_mask = BIT(2);
	p = running(&in);
	for (u32 i = 0; i < 2; i++)
		cr_assert(sched_may_run(&p->vcpus[i], shim_tsc, &until));
	kicks = shim_kicks[2];
	cr_assert_eq(root_fast(PT_CALL_PARTITION_PAUSE, p->id),
		     PT_STATUS_SUCCESS);
	cr_assert(p->paused);
	cr_assert_eq(p->state, PART_STATE_RUNNING);
	cr_assert_eq(listed_state(p->id), PT_PARTITION_STATE_PAUSED);
	cr_assert_eq(info(p->id)->entry.state, PT_PARTITION_STATE_PAUSED);
	for (u32 i = 0; i < 2; i++)
		cr_assert_not(sched_may_run(&p->vcpus[i], shim_tsc, &until));
	cr_assert_eq(until, 777, "a pause has no end time");
	cr_assert_eq(shim_kicks[2], kicks + 2, "its CPU must look again");
	cr_assert_eq(root_fast(PT_CALL_PARTITION_PAUSE, p->id),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert(p->paused);

	cr_assert_eq(root_fast(PT_CALL_PARTITION_UNPAUSE, p->id),
		     PT_STATUS_SUCCESS);
	cr_assert_not(p->paused);
	cr_assert_eq(listed_state(p->id), PT_PARTITION_STATE_RUNNING);
	for (u32 i = 0; i < 2; i++)
		cr_assert(sched_may_run(&p->vcpus[i], shim_tsc, &until));
	cr_assert_eq(root_fast(PT_CALL_PARTITION_UNPAUSE, p->id),
		     PT_STATUS_INVALID_PARTITION_STATE);
}

Test(lifecycle, pause_needs_a_running_guest)
{
	struct pt_partition_create_in in = good_in("idle");
	u32 id = create_ok(&in);

	cr_assert_eq(root_fast(PT_CALL_PARTITION_PAUSE, id),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(root_fast(PT_CALL_PARTITION_UNPAUSE, id),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(root_fast(PT_CALL_PARTITION_PAUSE, 40),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(root_fast(PT_CALL_PARTITION_PAUSE, ROOT_PARTITION_ID),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_not(rootp->paused);
	cr_assert_not(partition_get(id)->paused);
	/* Fast calls only. */
	cr_assert_eq(root_mem(PT_CALL_PARTITION_PAUSE, IN_GPA, OUT_GPA),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
}

/* ---- 5. SHUTDOWN ------------------------------------------------------ */

Test(lifecycle, shutdown_asks_vcpu_0)
{
	struct pt_partition_create_in in = good_in("polite");
	struct partition *p = running(&in);
	static struct pt_vpap vpap;
	u32 id;

	p->vcpus[0].state = VCPU_STATE_BLOCKED; /* waiting for an event */
	cr_assert_eq(root_fast(PT_CALL_PARTITION_SHUTDOWN, p->id),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(p->vcpus[0].pending_events,
		     BIT(PT_EVENT_SHUTDOWN_REQUEST));
	cr_assert_eq(p->vcpus[1].pending_events, 0);
	cr_assert_eq(p->vcpus[0].state, VCPU_STATE_RUNNABLE, "not woken");
	/* Only asked: it keeps running until it shuts itself down. */
	cr_assert_eq(p->state, PART_STATE_RUNNING);
	cr_assert_eq(listed_state(p->id), PT_PARTITION_STATE_RUNNING);

	/* With a VP assist page the bit goes there, with an upcall. */
	p->vcpus[0].pending_events = 0;
	p->vcpus[0].vpap = &vpap;
	cr_assert_eq(root_fast(PT_CALL_PARTITION_SHUTDOWN, p->id),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(vpap.pending_events, BIT(PT_EVENT_SHUTDOWN_REQUEST));
	cr_assert_eq(vpap.upcall_pending, 1);
	cr_assert_eq(p->vcpus[0].pending_events, 0);

	/* A paused guest may be asked too; a created one may not. */
	cr_assert_eq(root_fast(PT_CALL_PARTITION_PAUSE, p->id), 0);
	cr_assert_eq(root_fast(PT_CALL_PARTITION_SHUTDOWN, p->id), 0);
	in = good_in("unborn");
	id = create_ok(&in);
	cr_assert_eq(root_fast(PT_CALL_PARTITION_SHUTDOWN, id),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(partition_get(id)->vcpus[0].pending_events, 0);
	cr_assert_eq(root_fast(PT_CALL_PARTITION_SHUTDOWN, 40),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(root_fast(PT_CALL_PARTITION_SHUTDOWN, ROOT_PARTITION_ID),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(rootp->state, PART_STATE_RUNNING);
	cr_assert_not(shim_log_has("p0:root: shutdown requested"), "%s",
		      shim_log());
}

/* ---- 6. DESTROY ------------------------------------------------------- */

/* One DESTROY entry; checks that the call is unchanged and bounded. */
static enum hcall_result destroy_entry(struct hcall_regs *r, u32 id)
{
	u64 rcx = pt_hc_input(PT_CALL_PARTITION_DESTROY, 1, 0, 0);
	u64 t0 = shim_tsc;
	enum hcall_result res =
		root_continues(hcall_dispatch(rv, r, shim_tsc), r);

	cr_assert_leq(shim_tsc - t0, BUDGET_TICKS + 4 * shim_tsc_step,
		      "an entry took %llu ticks",
		      (unsigned long long)(shim_tsc - t0));
	/* RIP stays on the call: the registers must still describe it. */
	cr_assert_eq(r->rcx, rcx);
	cr_assert_eq(r->rdx, id);
	cr_assert(res == HCALL_DONE || res == HCALL_RETRY);
	return res;
}

static struct hcall_regs destroy_regs(u32 id)
{
	return (struct hcall_regs){
		0xAAAA, pt_hc_input(PT_CALL_PARTITION_DESTROY, 1, 0, 0), id, 0
	};
}

Test(lifecycle, destroy_continues_until_every_frame_is_back)
{
	struct pt_partition_create_in in = good_in("doomed");
	struct partition *p = running(&in);
	struct hcall_regs r = destroy_regs(p->id);
	static const u8 secret[16] = "top secret data";
	u64 owned, secret_hpa;
	u32 id = p->id, entries = 0, flags;

	memcpy(partition_gpa_to_hva(p, 0x180000, true), secret, sizeof(secret));
	secret_hpa = arch_npt_lookup(p, 0x180000, &flags);
	shim_tsc_step = 1000; /* 1 us per clock read */

	/* The vCPUs are still on their CPUs: nothing can go yet. */
	for (u32 i = 0; i < 3; i++) {
		cr_assert_eq(destroy_entry(&r, id), HCALL_RETRY);
		cr_assert_eq(p->state, PART_STATE_DYING);
		cr_assert_eq(frame_count_owned(id), FRAMES_STARTED(2));
	}
	cr_assert_eq(p->vcpus[0].state, VCPU_STATE_DEAD);
	cr_assert_eq(p->vcpus[1].state, VCPU_STATE_DEAD);
	cr_assert_eq(listed_state(id), PT_PARTITION_STATE_SHUTDOWN);
	cr_assert(shim_log_has("INF p1:doomed: destroyed by the root\n"), "%s",
		  shim_log());
	cr_assert_eq(rv->pending_events & BIT(PT_ROOT_EVENT_PARTITION),
		     BIT(PT_ROOT_EVENT_PARTITION));

	partition_vcpu_gone(&p->vcpus[0]);
	cr_assert_eq(destroy_entry(&r, id), HCALL_RETRY);
	cr_assert_eq(frame_count_owned(id), FRAMES_STARTED(2));
	partition_vcpu_gone(&p->vcpus[1]);

	/* Now scrubbing, a budget's worth per entry. */
	owned = frame_count_owned(id);
	for (;;) {
		enum hcall_result res = destroy_entry(&r, id);
		u64 now_owned = frame_count_owned(id);

		entries++;
		cr_assert_leq(entries, POOL_FRAMES, "no progress");
		cr_assert_eq(frame_pool_check(), 0);
		cr_assert_leq(owned - now_owned, BUDGET_TICKS / 1000 + 2,
			      "too much in one entry");
		owned = now_owned;
		if (res == HCALL_DONE)
			break;
		cr_assert_eq(p->state, PART_STATE_TEARDOWN);
		cr_assert_not_null(partition_get(id));
	}
	cr_assert_gt(entries, 10, "one entry did it all");
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(frame_count_owned(id), 0);
	pool_is_back();
	cr_assert_null(partition_get(id));
	cr_assert_eq(p->state, PART_STATE_FREE);
	cr_assert_eq(listed_state(id), 0);
	cr_assert_eq(partition_live_count(), 0);
	cr_assert_not(partition_teardown_pending());
	/* Scrubbed: the next owner sees zeroes. */
	cr_assert_eq(memcmp(phys_to_virt(secret_hpa), (u8[sizeof(secret)]){ 0 },
			    sizeof(secret)),
		     0);
	/* One call in many entries, and the progress record is cleared. */
	cr_assert_eq(rootp->hcall_stats[PT_CALL_PARTITION_DESTROY].count, 1);
	cr_assert_eq(hcall_stat_entries(
			     &rootp->hcall_stats[PT_CALL_PARTITION_DESTROY]),
		     entries + 4);
	cr_assert_eq(rv->hcall.input, 0);
	cr_assert(shim_log_has("INF p1:doomed: destroyed, returned 525 "
			       "frames\n"),
		  "%s", shim_log());
	/* Gone: a second DESTROY knows no such partition. */
	cr_assert_eq(root_fast(PT_CALL_PARTITION_DESTROY, id),
		     PT_STATUS_INVALID_PARTITION_ID);
}

Test(lifecycle, destroy_reentry_after_the_slot_was_reused)
{
	struct pt_partition_create_in in = good_in("old");
	struct partition *p = running(&in), *fresh;
	struct hcall_regs r = destroy_regs(p->id);
	u64 gen_old = p->generation;
	u32 id = p->id, fillers[MAX_PARTITIONS], nfillers = 0;

	cr_assert_eq(destroy_entry(&r, id), HCALL_RETRY);
	cr_assert_eq(rv->hcall.target, id);
	reap(p);
	/* Another CPU finishes the teardown between two entries... */
	while (partition_teardown_step(0))
		;
	cr_assert_null(partition_get(id));
	/* ...and the root creates partitions until one takes the same slot
	 * (ids go round), then destroys the others. */
	for (u32 n = 0;; n++) {
		char name[16];
		u32 got;

		snprintf(name, sizeof(name), "filler%u", n);
		in = good_in(n + 1 < MAX_PARTITIONS ? name : "new");
		got = create_ok(&in);
		if (got == id) {
			strcpy(in.name, "new");
			break;
		}
		cr_assert_lt(n, MAX_PARTITIONS, "the slot never came round");
		fillers[nfillers++] = got;
	}
	fresh = partition_get(id);
	strlcpy(fresh->name, "new", sizeof(fresh->name));
	cr_assert_neq(fresh->generation, gen_old);
	cr_assert_eq(frame_count_owned(id), 1);

	/* The old call's re-entry completes without touching the new one. */
	cr_assert_eq(destroy_entry(&r, id), HCALL_DONE);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(partition_get(id), fresh);
	cr_assert_eq(fresh->state, PART_STATE_CREATED);
	cr_assert_str_eq(fresh->name, "new");
	cr_assert_not(fresh->destroy_requested);
	cr_assert_eq(frame_count_owned(id), 1);
	cr_assert_eq(partition_live_count(), 1 + nfillers);
	cr_assert_eq(rv->hcall.input, 0, "the progress record is cleared");
	for (u32 i = 0; i < nfillers; i++)
		destroy_now(fillers[i]);

	/* A new DESTROY of it is a new call, and destroys it. */
	r = destroy_regs(id);
	cr_assert_eq(destroy_entry(&r, id), HCALL_DONE);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_null(partition_get(id));
	pool_is_back();
}

Test(lifecycle, destroy_reentry_after_the_slot_was_freed)
{
	struct pt_partition_create_in in = good_in("gone");
	struct partition *p = running(&in);
	struct hcall_regs r = destroy_regs(p->id);
	u32 id = p->id;

	cr_assert_eq(destroy_entry(&r, id), HCALL_RETRY);
	reap(p);
	while (partition_teardown_step(0))
		;
	cr_assert_eq(destroy_entry(&r, id), HCALL_DONE);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(rv->hcall.input, 0);
	pool_is_back();
	/* Finished: the same registers now name no partition. */
	cr_assert_eq(root_fast(PT_CALL_PARTITION_DESTROY, id),
		     PT_STATUS_INVALID_PARTITION_ID);
}

Test(lifecycle, destroy_of_a_created_guest_needs_no_cpu)
{
	struct pt_partition_create_in in = good_in("half");
	u32 id = create_ok(&in);

	cr_assert_eq(pt_hc_status(populate(id, 0, 100, NULL)), 0);
	cr_assert_eq(ram_frames(id), 100);
	destroy_now(id);
	pool_is_back();
	cr_assert_eq(partition_live_count(), 0);
	cr_assert(shim_log_has("INF p1:half: destroyed, returned 104 "
			       "frames\n"),
		  "%s", shim_log());
}

Test(lifecycle, destroy_refuses_unknown_ids_and_the_root)
{
	struct pt_partition_create_in in = good_in("bystander");
	u32 id = create_ok(&in);

	cr_assert_eq(root_fast(PT_CALL_PARTITION_DESTROY, 40),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(root_fast(PT_CALL_PARTITION_DESTROY, MAX_PARTITIONS),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(root_fast(PT_CALL_PARTITION_DESTROY, ~0ull),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(root_fast(PT_CALL_PARTITION_DESTROY, ROOT_PARTITION_ID),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(rootp->state, PART_STATE_RUNNING);
	cr_assert_not(rootp->destroy_requested);
	cr_assert_eq(rv->state, VCPU_STATE_RUNNABLE);
	cr_assert_eq(rv->hcall.input, 0);
	cr_assert_eq(partition_get(id)->state, PART_STATE_CREATED);
	/* Fast only, and not a rep call. */
	cr_assert_eq(root_mem(PT_CALL_PARTITION_DESTROY, IN_GPA, OUT_GPA),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(
		pt_hc_status(call_from(
			rv, pt_hc_input(PT_CALL_PARTITION_DESTROY, 1, 2, 0), id,
			0)),
		PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(partition_get(id)->state, PART_STATE_CREATED);
}

/* A DESTROY of one partition does not mistake another for its own. */
Test(lifecycle, destroy_of_another_id_is_a_new_call)
{
	struct pt_partition_create_in a = good_in("a"), b = good_in("b");
	struct partition *pa = running(&a), *pb = running(&b);
	struct hcall_regs ra = destroy_regs(pa->id), rb = destroy_regs(pb->id);

	cr_assert_eq(destroy_entry(&ra, pa->id), HCALL_RETRY);
	cr_assert_eq(destroy_entry(&rb, pb->id), HCALL_RETRY);
	cr_assert_eq(rv->hcall.target, pb->id);
	reap(pa);
	reap(pb);
	cr_assert_eq(destroy_entry(&ra, pa->id), HCALL_DONE);
	cr_assert_null(partition_get(pa->id));
	cr_assert_not_null(partition_get(pb->id));
	cr_assert_eq(destroy_entry(&rb, pb->id), HCALL_DONE);
	cr_assert_null(partition_get(pb->id));
	pool_is_back();
}

/* ---- 7. on_crash ------------------------------------------------------ */

Test(lifecycle, crash_with_preserve_keeps_the_guest_until_destroy)
{
	struct pt_partition_create_in in = good_in("wreck");
	struct partition *p;
	struct pt_partition_info *inf;
	static const u8 evidence[8] = "oops!!!";
	u32 id;

	in.on_crash = PT_ON_CRASH_PRESERVE;
	p = running(&in);
	id = p->id;
	memcpy(partition_gpa_to_hva(p, 0x150000, true), evidence, 8);
	rv->pending_events = 0;
	partition_end(p, PT_SHUTDOWN_CRASH, "triple fault at RIP 0x100040");
	cr_assert_eq(p->state, PART_STATE_DYING);
	reap(p);
	cr_assert_eq(p->state, PART_STATE_CRASHED);
	cr_assert_not(partition_teardown_pending());
	cr_assert_not(partition_teardown_step(0));
	cr_assert_eq(frame_count_owned(id), FRAMES_STARTED(2), "memory kept");
	expect_guest_bytes(p, 0x150000, evidence, 8);
	cr_assert_eq(rv->pending_events & BIT(PT_ROOT_EVENT_PARTITION),
		     BIT(PT_ROOT_EVENT_PARTITION));
	cr_assert_eq(partition_live_count(), 1);
	cr_assert_eq(listed_state(id), PT_PARTITION_STATE_CRASHED);
	inf = info(id);
	cr_assert_eq(inf->entry.state, PT_PARTITION_STATE_CRASHED);
	cr_assert_str_eq(inf->exit_detail, "triple fault at RIP 0x100040");
	cr_assert_eq(inf->frames_owned, FRAMES_STARTED(2));
	cr_assert_eq(inf->on_crash, PT_ON_CRASH_PRESERVE);
	/* Kept, not alive: nothing runs it or changes it. */
	cr_assert_eq(root_fast(PT_CALL_PARTITION_PAUSE, id),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(root_fast(PT_CALL_PARTITION_SHUTDOWN, id),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(pt_hc_status(populate(id, 0, 1, NULL)),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(load(id, 0x150000, evidence, 8, IN_GPA),
		     PT_STATUS_INVALID_PARTITION_STATE);
	/* Its name stays taken while it is kept. */
	cr_assert_eq(create(&in, &(u32){ 0 }), PT_STATUS_INVALID_PARAMETER);

	destroy_now(id);
	pool_is_back();
	cr_assert_eq(partition_live_count(), 0);
	cr_assert(shim_log_has("destroyed after crash, returned 525 frames"),
		  "%s", shim_log());
}

Test(lifecycle, crash_with_destroy_tears_down_by_itself)
{
	struct pt_partition_create_in in = good_in("fragile");
	struct partition *p = running(&in);
	u32 id = p->id;

	partition_end(p, PT_SHUTDOWN_CRASH, "unhandled #PF");
	reap(p);
	cr_assert_eq(p->state, PART_STATE_TEARDOWN);
	cr_assert(partition_teardown_pending());
	/* The CPUs' background work, in slices. */
	shim_tsc_step = 1000;
	while (partition_teardown_step(20000))
		cr_assert_eq(frame_pool_check(), 0);
	cr_assert_null(partition_get(id));
	pool_is_back();
	cr_assert_eq(partition_live_count(), 0);
	cr_assert(shim_log_has("p1:fragile: destroyed after crash, returned "
			       "525 frames\n"),
		  "%s", shim_log());
}

Test(lifecycle, clean_shutdown_with_preserve_is_not_kept)
{
	struct pt_partition_create_in in = good_in("tidy");
	struct partition *p;
	u32 id;

	in.on_crash = PT_ON_CRASH_PRESERVE;
	p = running(&in);
	id = p->id;
	partition_end(p, PT_SHUTDOWN_POWEROFF, "poweroff");
	reap(p);
	while (partition_teardown_step(0))
		;
	cr_assert_null(partition_get(id));
	pool_is_back();
}

/* ---- 8. INFO, STATS, CONSOLE_READ ------------------------------------- */

Test(lifecycle, info_reports_the_policy_and_the_memory)
{
	struct pt_partition_create_in in = good_in("described");
	struct pt_partition_info *inf;
	struct partition *p;
	u32 id;

	in.cap_percent = 40;
	in.on_crash = PT_ON_CRASH_PRESERVE;
	in.cpu_mask = BIT(ROOT_CPU) | BIT(2) | BIT(40);
	in.vcpu_count = 3;
	in.weight = 1234;
	strcpy(in.cmdline, "a=1 b=two");
	shim_tsc = 5 * SEC;
	id = create_ok(&in);
	cr_assert_eq(pt_hc_status(populate(id, 0, 256, NULL)), 0);
	inf = info(id);
	cr_assert_eq(inf->entry.id, id);
	cr_assert_eq(inf->entry.vcpu_count, 3);
	cr_assert_eq(inf->entry.weight, 1234);
	cr_assert_eq(inf->cap_percent, 40);
	cr_assert_eq(inf->on_crash, PT_ON_CRASH_PRESERVE);
	cr_assert_eq(inf->cpu_mask, BIT(2));
	cr_assert_eq(inf->populated_bytes, MIB);
	cr_assert_eq(inf->frames_owned, 256 + 4);
	cr_assert_eq(inf->created_ns, 5 * SEC);
	cr_assert_str_eq(inf->cmdline, "a=1 b=two");
	cr_assert_eq(((u8 *)inf)[sizeof(*inf)], 0xEE, "wrote past the block");

	cr_assert_eq(pt_hc_status(populate(id, 256, 256, NULL)), 0);
	cr_assert_eq(start(id, ENTRY, 0x100000, 0x100000), 0);
	p = partition_get(id);
	sched_charge(&p->vcpus[0], 7000);
	sched_charge(&p->vcpus[2], 5000);
	inf = info(id);
	cr_assert_eq(inf->populated_bytes, 2 * MIB);
	cr_assert_eq(inf->frames_owned, FRAMES_STARTED(2));
	cr_assert_eq(inf->runtime_ns, 12000);
	cr_assert_eq(inf->entry.state, PT_PARTITION_STATE_RUNNING);

	/* INFO's block rules and its target. */
	ref(40, 0);
	cr_assert_eq(root_mem(PT_CALL_PARTITION_INFO, IN_GPA, OUT_GPA),
		     PT_STATUS_INVALID_PARTITION_ID);
	ref(ROOT_PARTITION_ID, 0);
	cr_assert_eq(root_mem(PT_CALL_PARTITION_INFO, IN_GPA, OUT_GPA),
		     PT_STATUS_INVALID_PARTITION_ID);
	ref(id, 0);
	cr_assert_eq(root_mem(PT_CALL_PARTITION_INFO, IN_GPA,
			      OUT_GPA + PAGE_SIZE - 448),
		     PT_STATUS_INVALID_ALIGNMENT, "456 bytes cross the page");
	cr_assert_eq(root_mem(PT_CALL_PARTITION_INFO, IN_GPA,
			      OUT_GPA + PAGE_SIZE - 456),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(root_mem(PT_CALL_PARTITION_INFO, IN_GPA, ROOT_BYTES),
		     PT_STATUS_INVALID_GPA);
}

static const struct pt_call_stat *find_call(const struct pt_partition_stats *s,
					    u16 code)
{
	for (u32 i = 0; i < s->call_count; i++) {
		if (s->calls[i].code == code)
			return &s->calls[i];
	}
	return NULL;
}

Test(lifecycle, stats_list_the_calls_and_exits_of_the_guest)
{
	struct pt_partition_create_in in = good_in("busy");
	struct partition *p = running(&in);
	struct pt_partition_stats *out = root_page(OUT_GPA);
	struct pt_console_write_in *cw;
	const struct pt_call_stat *st;
	struct vcpu *gv = &p->vcpus[0];

	for (u32 i = 0; i < 3; i++)
		cr_assert_eq(
			call_from(gv, pt_hc_input(PT_CALL_NULL, 1, 0, 0), 0, 0),
			PT_STATUS_SUCCESS);
	for (u32 i = 0; i < 2; i++)
		call_from(&p->vcpus[1],
			  pt_hc_input(PT_CALL_GET_VERSION, 1, 0, 0), 0, 0);
	cw = partition_gpa_to_hva(p, 0x10000, true);
	cw->length = 3;
	memcpy(cw->text, "hi\n", 3);
	cr_assert_eq(call_from(gv, pt_hc_input(PT_CALL_CONSOLE_WRITE, 0, 0, 0),
			       0x10000, 0),
		     PT_STATUS_SUCCESS);
	partition_count_exit(p, PT_EXIT_CPUID);
	partition_count_exit(p, PT_EXIT_CPUID);
	partition_count_exit(p, PT_EXIT_HALT);
	partition_count_exit(p, 99); /* unknown: counted as other */
	sched_charge(&p->vcpus[1], 4242);

	ref(p->id, 0);
	memset(out, 0xEE, PAGE_SIZE);
	cr_assert_eq(root_mem(PT_CALL_PARTITION_STATS, IN_GPA, OUT_GPA),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(out->id, p->id);
	cr_assert_eq(out->vcpu_count, 2);
	cr_assert_eq(out->reserved, 0);
	cr_assert_eq(out->call_count, 3);
	st = find_call(out, PT_CALL_NULL);
	cr_assert_not_null(st);
	cr_assert_eq(st->count, 3);
	cr_assert_eq(st->entries, 3);
	st = find_call(out, PT_CALL_GET_VERSION);
	cr_assert_not_null(st);
	cr_assert_eq(st->count, 2);
	st = find_call(out, PT_CALL_CONSOLE_WRITE);
	cr_assert_not_null(st);
	cr_assert_eq(st->count, 1);
	cr_assert_eq(st->reserved0, 0);
	cr_assert_eq(st->reserved1, 0);
	/* In code order, and the root's own calls are not the guest's. */
	cr_assert_eq(out->calls[0].code, PT_CALL_NULL);
	cr_assert_eq(out->calls[2].code, PT_CALL_CONSOLE_WRITE);
	cr_assert_null(find_call(out, PT_CALL_PARTITION_STATS));
	cr_assert_eq(out->calls[3].code, 0, "unused entries are zero");
	cr_assert_eq(out->calls[3].count, 0);
	cr_assert_eq(out->exits[PT_EXIT_CPUID], 2);
	cr_assert_eq(out->exits[PT_EXIT_HALT], 1);
	cr_assert_eq(out->exits[PT_EXIT_OTHER], 1);
	cr_assert_eq(out->exits[PT_EXIT_HYPERCALL], 0);
	cr_assert_eq(out->vcpu_runtime_ns[0], 0);
	cr_assert_eq(out->vcpu_runtime_ns[1], 4242);
	cr_assert_eq(out->vcpu_runtime_ns[2], 0);
	cr_assert_eq(((u8 *)out)[sizeof(*out)], 0xEE);

	/* A fresh partition has none. */
	in = good_in("quiet");
	ref(create_ok(&in), 0);
	cr_assert_eq(root_mem(PT_CALL_PARTITION_STATS, IN_GPA, OUT_GPA), 0);
	cr_assert_eq(out->call_count, 0);
	cr_assert_eq(out->exits[PT_EXIT_CPUID], 0);
	ref(40, 0);
	cr_assert_eq(root_mem(PT_CALL_PARTITION_STATS, IN_GPA, OUT_GPA),
		     PT_STATUS_INVALID_PARTITION_ID);
}

static struct pt_console_read_out *console_read(u32 id, u64 from)
{
	struct pt_console_read_out *out = root_page(OUT_GPA);

	ref(id, from);
	memset(out, 0xEE, PAGE_SIZE);
	cr_assert_eq(root_mem(PT_CALL_CONSOLE_READ, IN_GPA, OUT_GPA),
		     PT_STATUS_SUCCESS);
	return out;
}

static void console(struct partition *p, const char *s)
{
	console_write(p, s, (u32)strlen(s), shim_tsc);
}

Test(lifecycle, console_read_returns_complete_lines)
{
	struct pt_partition_create_in in = good_in("chatty");
	struct partition *p = running(&in);
	struct pt_console_read_out *out;
	static char stream[12000];
	u64 seq, len = 0;

	out = console_read(p->id, 0);
	cr_assert_eq(out->length, 0);
	cr_assert_eq(out->lost, 0);
	cr_assert_eq(out->next_seq, 0);

	console(p, "hello ");
	out = console_read(p->id, 0);
	cr_assert_eq(out->length, 0, "half a line is not there yet");
	console(p, "world\nsecond");
	out = console_read(p->id, 0);
	cr_assert_eq(out->length, 12);
	cr_assert_eq(memcmp(out->text, "hello world\n", 12), 0);
	cr_assert_eq(out->text[12], 0xEE, "wrote past the text");
	cr_assert_eq(out->next_seq, 12);
	cr_assert_eq(out->lost, 0);
	console(p, " line\n");
	out = console_read(p->id, 12);
	cr_assert_eq(out->length, 12);
	cr_assert_eq(memcmp(out->text, "second line\n", 12), 0);
	cr_assert_eq(out->next_seq, 24);
	/* Reading from the end gives nothing, also from beyond it. */
	cr_assert_eq(console_read(p->id, 24)->length, 0);
	out = console_read(p->id, 1000);
	cr_assert_eq(out->length, 0);
	cr_assert_eq(out->next_seq, 24);

	/* More than the ring holds: the oldest bytes are lost. */
	memcpy(stream, "hello world\nsecond line\n", 24);
	len = 24;
	for (u32 i = 0; i < 100; i++) {
		char line[101];

		snprintf(line, sizeof(line), "line %03u %-90s\n", i,
			 "abcdefghijklmnopqrstuvwxyz");
		cr_assert_eq(strlen(line), 100);
		console(p, line);
		memcpy(stream + len, line, 100);
		len += 100;
	}
	cr_assert_gt(len, PARTITION_CONSOLE_RING);
	out = console_read(p->id, 24);
	cr_assert_eq(out->lost, len - PARTITION_CONSOLE_RING - 24);
	cr_assert_eq(out->length, PT_CONSOLE_READ_MAX);
	seq = len - PARTITION_CONSOLE_RING;
	cr_assert_eq(memcmp(out->text, stream + seq, out->length), 0);
	cr_assert_eq(out->next_seq, seq + PT_CONSOLE_READ_MAX);
	/* next_seq continues where it stopped, with nothing lost. */
	while (seq + PT_CONSOLE_READ_MAX <= len) {
		u64 from = out->next_seq;

		seq = from;
		out = console_read(p->id, from);
		cr_assert_eq(out->lost, 0);
		cr_assert_eq(out->length, MIN(len - from, PT_CONSOLE_READ_MAX));
		cr_assert_eq(memcmp(out->text, stream + from, out->length), 0);
		cr_assert_eq(out->next_seq, from + out->length);
	}
	cr_assert_eq(out->next_seq, len);
	console(p, "partial");
	cr_assert_eq(console_read(p->id, len)->length, 0);

	ref(40, 0);
	cr_assert_eq(root_mem(PT_CALL_CONSOLE_READ, IN_GPA, OUT_GPA),
		     PT_STATUS_INVALID_PARTITION_ID);
	ref(p->id, 0);
	cr_assert_eq(root_mem(PT_CALL_CONSOLE_READ, IN_GPA, OUT_GPA + 8),
		     PT_STATUS_INVALID_ALIGNMENT, "a whole page is written");
}

/*
 * A partition can end between decode and invoke (another CPU destroys
 * it): invoke checks before it touches the partition. Before the fix it
 * formed the ring from the NULL pointer first (UBSan: member access
 * within null pointer).
 */
Test(lifecycle, console_read_of_a_partition_gone_after_decode)
{
	struct pt_partition_create_in in = good_in("brief");
	u32 id = create_ok(&in);
	struct hcall_regs r = { 0, pt_hc_input(PT_CALL_CONSOLE_READ, 0, 0, 0),
				IN_GPA, OUT_GPA };
	struct hcall_ctx c = { .v = rv, .p = rootp, .regs = &r };
	const struct hcall_desc *d;

	ref(id, 0);
	cr_assert_eq(hcall_decode(&c, &d), PT_STATUS_SUCCESS);
	destroy_now(id);
	cr_assert_eq(d->invoke(&c), PT_STATUS_INVALID_PARTITION_ID);
}

Test(lifecycle, console_lines_notify_the_root)
{
	struct pt_partition_create_in in = good_in("talker");
	struct partition *p = running(&in);
	struct pt_console_write_in *cw;
	struct pt_vpap *vpap;
	u64 seq;

	rv->pending_events = 0;
	console(p, "no newline yet");
	cr_assert_eq(rv->pending_events & BIT(PT_ROOT_EVENT_CONSOLE), 0);
	console(p, "\n");
	/* No VP assist page yet: the bit waits in the vCPU. */
	cr_assert_eq(rv->pending_events & BIT(PT_ROOT_EVENT_CONSOLE),
		     BIT(PT_ROOT_EVENT_CONSOLE));
	cr_assert_eq(shim_root_signals, 0);

	vpap = root_page(VPAP_GPA);
	memset(vpap, 0, sizeof(*vpap));
	rv->vpap = vpap;
	rv->pending_events = 0;
	console(p, "two\nlines\n");
	cr_assert_eq(vpap->pending_events & BIT(PT_ROOT_EVENT_CONSOLE),
		     BIT(PT_ROOT_EVENT_CONSOLE));
	cr_assert_eq(vpap->upcall_pending, 1);
	cr_assert_eq(shim_root_signals, 1);
	console(p, "more\n");
	cr_assert_eq(shim_root_signals, 1, "not yet acknowledged");
	vpap->upcall_pending = 0;
	vpap->pending_events = 0;
	console(p, "half");
	cr_assert_eq(shim_root_signals, 1);
	console(p, " done\n");
	cr_assert_eq(shim_root_signals, 2);
	cr_assert_eq(vpap->pending_events & BIT(PT_ROOT_EVENT_CONSOLE),
		     BIT(PT_ROOT_EVENT_CONSOLE));
	/* Through the hypercall the same. */
	vpap->upcall_pending = 0;
	vpap->pending_events = 0;
	seq = p->console_seq;
	cw = partition_gpa_to_hva(p, 0x10000, true);
	cw->length = 4;
	memcpy(cw->text, "hc!\n", 4);
	cr_assert_eq(call_from(&p->vcpus[1],
			       pt_hc_input(PT_CALL_CONSOLE_WRITE, 0, 0, 0),
			       0x10000, 0),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(shim_root_signals, 3);
	cr_assert_eq(console_read(p->id, seq)->length, 4);
	cr_assert_eq(memcmp(console_read(p->id, seq)->text, "hc!\n", 4), 0);
}

/* ---- 9. The CPU cap --------------------------------------------------- */

Test(lifecycle, cap_holds_a_vcpu_to_its_share_of_each_period)
{
	struct pt_partition_create_in in = good_in("capped");
	struct partition *p;
	struct vcpu *v;
	u64 until = 777, t;

	in.cap_percent = 25;
	in.vcpu_count = 1;
	p = running(&in);
	v = &p->vcpus[0];
	shim_tsc = 10 * SEC;
	cr_assert(sched_may_run(v, shim_tsc, &until));
	cr_assert_eq(until, 777);

	/* 10 ms, 14 ms and 1 ms: the 25 ms of this period are used up. */
	shim_tsc += 10 * MS;
	sched_charge(v, 10 * MS);
	/* The period began with this run (at its start or its end). */
	t = v->cap_period_start_ns;
	cr_assert(t >= shim_tsc - 10 * MS && t <= shim_tsc);
	cr_assert(sched_may_run(v, shim_tsc, &until));
	shim_tsc += 14 * MS;
	sched_charge(v, 14 * MS);
	cr_assert(sched_may_run(v, shim_tsc, &until), "24 of 25 ms used");
	cr_assert_eq(until, 777);
	shim_tsc += 1 * MS;
	sched_charge(v, 1 * MS);
	cr_assert_eq(v->cap_period_start_ns, t);
	cr_assert_not(sched_may_run(v, shim_tsc, &until));
	cr_assert_eq(until, t + SCHED_CAP_PERIOD_NS);
	until = 777;
	cr_assert_not(sched_may_run(v, t + SCHED_CAP_PERIOD_NS - 1, &until));
	cr_assert_eq(until, t + SCHED_CAP_PERIOD_NS);
	/* The period is over: it runs again, with a fresh allowance. */
	until = 777;
	cr_assert(sched_may_run(v, t + SCHED_CAP_PERIOD_NS, &until));
	cr_assert_eq(until, 777);
	shim_tsc = t + SCHED_CAP_PERIOD_NS + 5 * MS;
	sched_charge(v, 5 * MS);
	t = v->cap_period_start_ns;
	cr_assert(t >= shim_tsc - 5 * MS && t <= shim_tsc);
	cr_assert(sched_may_run(v, shim_tsc, &until));
	shim_tsc += 20 * MS;
	sched_charge(v, 20 * MS);
	cr_assert_not(sched_may_run(v, shim_tsc, &until));
	cr_assert_eq(until, t + SCHED_CAP_PERIOD_NS);
	cr_assert_eq(v->runtime_ns, 50 * MS);
	/* Paused, it does not run even with allowance left. */
	cr_assert_eq(root_fast(PT_CALL_PARTITION_PAUSE, p->id), 0);
	cr_assert_not(sched_may_run(v, shim_tsc + SEC, &until));
}

/*
 * The CPU loop's rule (sched_run_cpu): whenever the vCPU may run it runs a
 * slice, cut short where its allowance for the current period ends, and
 * is charged for it. Returns how long it ran in `ns` of time.
 */
static u64 simulate_share(struct vcpu *v, u64 slice, u64 ns)
{
	u64 end = shim_tsc + ns, ran = 0;
	u64 allowance = SCHED_CAP_PERIOD_NS * v->part->cap_percent / 100;

	while (shim_tsc < end) {
		u64 until = 0, run = MIN(slice, end - shim_tsc);

		if (!sched_may_run(v, shim_tsc, &until)) {
			cr_assert_gt(until, shim_tsc);
			shim_tsc = MIN(until, end);
			continue;
		}
		if (v->part->cap_percent &&
		    shim_tsc - v->cap_period_start_ns < SCHED_CAP_PERIOD_NS) {
			cr_assert_lt(v->cap_used_ns, allowance);
			run = MIN(run, allowance - v->cap_used_ns);
		}
		shim_tsc += run;
		sched_charge(v, run);
		ran += run;
	}
	return ran;
}

static struct vcpu *capped_vcpu(const char *name, u32 cap)
{
	struct pt_partition_create_in in = good_in(name);

	in.cap_percent = cap;
	in.vcpu_count = 1;
	return &running(&in)->vcpus[0];
}

Test(lifecycle, capped_vcpus_get_about_their_share)
{
	struct vcpu *quarter, *uncapped;
	u64 ran;

	boot(2 * FRAMES_FOR(2) + 100);
	quarter = capped_vcpu("quarter", 25);
	uncapped = capped_vcpu("free", 0);
	shim_tsc = 10 * SEC;
	ran = simulate_share(quarter, MS, 10 * SEC);
	cr_assert(ran >= 24 * SEC / 10 && ran <= 26 * SEC / 10,
		  "%llu ms in 10 s", (unsigned long long)(ran / MS));
	ran = simulate_share(uncapped, SCHED_SLICE_NS, SEC);
	cr_assert_eq(ran, SEC, "no cap: always runs");
}

/*
 * Regression (fixed): sched_charge() (hypervisor/core/sched.c) starts a new cap period at
 * `now`, the END of the run it charges, yet counts that whole run in the
 * new period. Each period thus begins with up to a slice of time that ran
 * before it, and a CPU-bound vCPU (10 ms slices) gets cap * 100 / 110: 22.7%
 * for a 25% cap, 91% for a 100% cap. Fix: start the period where the run
 * began:
 *	u64 now = time_now_ns(), start = now - ns;
 *	if (start - v->cap_period_start_ns >= SCHED_CAP_PERIOD_NS) {
 *		v->cap_period_start_ns = start;
 *		v->cap_used_ns = 0;
 *	}
 */
Test(lifecycle, capped_vcpus_get_their_share_with_full_slices)
{
	static const u32 caps[] = { 25, 50, 100 };
	char name[16];

	boot(3 * FRAMES_FOR(2) + 100);
	for (u32 i = 0; i < ARRAY_SIZE(caps); i++) {
		struct vcpu *v;
		u64 ran, want = 10 * SEC * caps[i] / 100;

		snprintf(name, sizeof(name), "cap%u", caps[i]);
		v = capped_vcpu(name, caps[i]);
		shim_tsc = 10 * SEC * (i + 1) * 2;
		ran = simulate_share(v, SCHED_SLICE_NS, 10 * SEC);
		cr_assert(ran + SCHED_CAP_PERIOD_NS / 2 >= want,
			  "cap %u%%: %llu ms in 10 s", caps[i],
			  (unsigned long long)(ran / MS));
	}
}

/* Regression: the reserved field of a partition reference was ignored, so
 * it could never be given a meaning. Now flags: unknown ones are refused,
 * and PT_REF_ENDED where it has none (STATS). */
Test(lifecycle, unknown_flags_of_a_reference_are_refused)
{
	struct pt_partition_create_in in = good_in("strict");
	u32 id = create_ok(&in);
	struct pt_partition_ref *r = ref(id, 0);

	r->flags = PT_REF_ENDED << 1;
	cr_assert_eq(root_mem(PT_CALL_PARTITION_INFO, IN_GPA, OUT_GPA),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(root_mem(PT_CALL_CONSOLE_READ, IN_GPA, OUT_GPA),
		     PT_STATUS_INVALID_PARAMETER);
	r->flags = PT_REF_ENDED;
	cr_assert_eq(root_mem(PT_CALL_PARTITION_STATS, IN_GPA, OUT_GPA),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(root_mem(PT_CALL_PARTITION_INFO, IN_GPA, OUT_GPA),
		     PT_STATUS_SUCCESS);
	r->flags = 0;
	cr_assert_eq(root_mem(PT_CALL_PARTITION_INFO, IN_GPA, OUT_GPA),
		     PT_STATUS_SUCCESS);
}

/* INFO or CONSOLE_READ with PT_REF_ENDED; the status. */
static u16 read_ended(u16 code, u32 id, u64 from_seq)
{
	ref(id, from_seq)->flags = PT_REF_ENDED;
	memset(root_page(OUT_GPA), 0xEE, PAGE_SIZE);
	return root_mem(code, IN_GPA, OUT_GPA);
}

/*
 * Regression (partita console lost a guest's last lines): a guest that
 * wrote its last lines and shut down was torn down before a slow follower
 * read again, and its ring went with it (INVALID_PARTITION_ID). With
 * PT_REF_ENDED the ring and the end stay readable until the slot is used
 * again; without it, a gone partition is gone as before.
 */
Test(lifecycle, last_console_lines_stay_readable_once_gone)
{
	struct pt_partition_create_in in = good_in("hello");
	const char *said = "tick 4\ntick 5\ngoodbye from hello\n";
	struct pt_console_read_out *out;
	struct pt_partition_info *inf;
	struct partition *p;
	u64 created;
	u32 id;

	in.vcpu_count = 1;
	p = running(&in);
	id = p->id;
	created = p->created_ns;
	console(p, said);
	partition_end(p, PT_SHUTDOWN_POWEROFF, "poweroff");
	reap(p);
	while (partition_teardown_step(0))
		;
	cr_assert_null(partition_get(id), "torn down");

	ref(id, 0);
	cr_assert_eq(root_mem(PT_CALL_CONSOLE_READ, IN_GPA, OUT_GPA),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(root_mem(PT_CALL_PARTITION_INFO, IN_GPA, OUT_GPA),
		     PT_STATUS_INVALID_PARTITION_ID);

	cr_assert_eq(read_ended(PT_CALL_CONSOLE_READ, id, 7),
		     PT_STATUS_SUCCESS);
	out = root_page(OUT_GPA);
	cr_assert_eq(out->length, strlen(said) - 7);
	cr_assert_eq(memcmp(out->text, said + 7, out->length), 0);
	cr_assert_eq(out->next_seq, strlen(said));
	cr_assert_eq(out->lost, 0);

	cr_assert_eq(read_ended(PT_CALL_PARTITION_INFO, id, 0),
		     PT_STATUS_SUCCESS);
	inf = root_page(OUT_GPA);
	cr_assert_eq(inf->entry.state, PT_PARTITION_STATE_GONE);
	cr_assert_eq(inf->entry.id, id);
	cr_assert_str_eq(inf->entry.name, "hello");
	cr_assert_str_eq(inf->exit_detail, "poweroff");
	cr_assert_eq(inf->created_ns, created);
	cr_assert_eq(inf->frames_owned, 0);

	/* A gone partition is listed nowhere and its name is free. */
	cr_assert_null(partition_find("hello"));
}

/* While it lives, PT_REF_ENDED reads it as without the flag. */
Test(lifecycle, ended_flag_on_a_live_partition)
{
	struct pt_partition_create_in in = good_in("alive");
	struct partition *p = running(&in);

	console(p, "still here\n");
	cr_assert_eq(read_ended(PT_CALL_CONSOLE_READ, p->id, 0),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(((struct pt_console_read_out *)root_page(OUT_GPA))->length,
		     strlen("still here\n"));
	cr_assert_eq(read_ended(PT_CALL_PARTITION_INFO, p->id, 0),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(
		((struct pt_partition_info *)root_page(OUT_GPA))->entry.state,
		PT_PARTITION_STATE_RUNNING);
}

/* A slot never used, the root, and a slot reused: nothing of the old. */
Test(lifecycle, ended_flag_finds_no_partition_that_was_not_there)
{
	struct pt_partition_create_in in = good_in("first");
	struct pt_partition_info *inf;
	u32 id, again = 0;

	cr_assert_eq(read_ended(PT_CALL_CONSOLE_READ, 40, 0),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(read_ended(PT_CALL_PARTITION_INFO, 40, 0),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(read_ended(PT_CALL_PARTITION_INFO, ROOT_PARTITION_ID, 0),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(read_ended(PT_CALL_CONSOLE_READ, MAX_PARTITIONS, 0),
		     PT_STATUS_INVALID_PARTITION_ID);

	id = create_ok(&in);
	console(partition_get(id), "first's line\n");
	destroy_now(id);
	/* Ids go round: the slot comes back after every other one. */
	for (u32 n = 0; n < MAX_PARTITIONS - 1 && again != id; n++) {
		struct pt_partition_create_in next = good_in("next");

		again = create_ok(&next);
		if (again != id)
			destroy_now(again);
	}
	cr_assert_eq(again, id, "the slot was used again");
	cr_assert_eq(read_ended(PT_CALL_PARTITION_INFO, id, 0),
		     PT_STATUS_SUCCESS);
	inf = root_page(OUT_GPA);
	cr_assert_str_eq(inf->entry.name, "next");
	cr_assert_eq(inf->entry.state, PT_PARTITION_STATE_CREATED);
	cr_assert_eq(read_ended(PT_CALL_CONSOLE_READ, id, 0),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(((struct pt_console_read_out *)root_page(OUT_GPA))->length,
		     0);
}

/* Regression: the root's SET_TIMER was accepted but never fired (its CPU
 * takes no hypervisor timers), and BLOCK returned at once. */
Test(lifecycle, root_timer_calls_are_refused)
{
	cr_assert_eq(root_fast(PT_CALL_SET_TIMER, 5 * SEC),
		     PT_STATUS_OPERATION_DENIED);
	cr_assert_eq(root_fast(PT_CALL_BLOCK, 0), PT_STATUS_OPERATION_DENIED);
	cr_assert_eq(root_fast(PT_CALL_YIELD, 0), PT_STATUS_OPERATION_DENIED);
	cr_assert_eq(root_fast(PT_CALL_NULL, 0), PT_STATUS_SUCCESS);
}

/* Regression: a last line without '\n' reached the log when the partition
 * ended, but not its console ring. */
Test(lifecycle, unfinished_last_console_line_reaches_the_ring)
{
	struct pt_partition_create_in in = good_in("abrupt");
	struct partition *p;
	struct pt_console_read_out *out;
	u32 id;

	in.vcpu_count = 1;
	in.on_crash = PT_ON_CRASH_PRESERVE;
	p = running(&in);
	id = p->id;
	console(p, "first\nno newline");
	partition_end(p, PT_SHUTDOWN_CRASH, "test");
	reap(p);
	out = console_read(id, 0);
	cr_assert_eq(out->length, strlen("first\nno newline\n"));
	cr_assert_eq(memcmp(out->text, "first\nno newline\n", out->length), 0);
}

/*
 * Regression: when a capped vCPU's period had run out, the loop did not cut
 * its slice at all, so it ran a whole 10 ms slice and a cap under 10 %
 * gave about 10 %. A new period leaves the whole allowance, no more.
 */
Test(lifecycle, cap_deadline_in_a_new_period_is_the_allowance)
{
	struct vcpu *v = capped_vcpu("tiny", 5);

	shim_tsc = 10 * SEC;
	sched_charge(v, 5 * MS); /* this period's 5 ms are used */
	cr_assert_eq(sched_cap_deadline(v, shim_tsc), shim_tsc);
	/* The next period: 5 ms of it, not a full slice. */
	shim_tsc = v->cap_period_start_ns + SCHED_CAP_PERIOD_NS + 1;
	cr_assert_eq(sched_cap_deadline(v, shim_tsc), shim_tsc + 5 * MS);
	/* Uncapped: never cut. */
	cr_assert_eq(sched_cap_deadline(&capped_vcpu("free", 0)[0], shim_tsc),
		     ~0ull);
}

/* review: the slot is freed by another CPU's teardown between decode and invoke */
Test(lifecycle, regression_info_after_teardown_between_decode_and_invoke)
{
	struct pt_partition_create_in in = good_in("racer");
	struct pt_partition_ref *ref;
	const struct hcall_desc *d;
	struct hcall_regs regs;
	struct hcall_ctx c;
	u32 id;

	boot(POOL_FRAMES);
	id = create_ok(&in);
	ref = root_page(IN_GPA);
	memset(ref, 0, sizeof(*ref));
	ref->id = id;
	regs = (struct hcall_regs){
		0, pt_hc_input(PT_CALL_PARTITION_STATS, 0, 0, 0), IN_GPA,
		OUT_GPA
	};
	memset(&c, 0, sizeof(c));
	c.v = rv;
	c.p = rootp;
	c.regs = &regs;
	c.budget_end_tsc = ~0ull;
	cr_assert_eq(hcall_decode(&c, &d), 0);
	/* what teardown_finished does on another CPU */
	partition_get(id)->state = PART_STATE_FREE;
	d->invoke(&c); /* target(c->target_id) is NULL here */
}

/*
 * Regression: a START that failed to set up its third vCPU left the first
 * two set up; a retried START set them up again, and what the first run
 * took stayed allocated until the partition was destroyed.
 */
Test(lifecycle, failed_start_releases_the_vcpus_it_set_up)
{
	struct pt_partition_create_in in = good_in("retry");
	struct partition *p;
	u32 id;

	in.vcpu_count = 3;
	id = create_ok(&in);
	populate_all(id, in.memory_bytes / MIB);
	p = partition_get(id);
	shim_vcpu_inits = 0;
	shim_vcpu_init_fail_on = 3;
	cr_assert_eq(start(id, ENTRY, 0x100000, 0x100100),
		     PT_STATUS_INSUFFICIENT_MEMORY);
	cr_assert_eq(listed_state(id), PT_PARTITION_STATE_CREATED);
	for (u32 i = 0; i < 3; i++)
		cr_assert_eq(p->vcpus[i].arch.init_calls, 0, "vCPU %u", i);
	shim_vcpu_init_fail_on = 0;
	cr_assert_eq(start(id, ENTRY, 0x100000, 0x100100), PT_STATUS_SUCCESS);
	for (u32 i = 0; i < 3; i++)
		cr_assert_eq(p->vcpus[i].arch.init_calls, 1, "vCPU %u", i);
}
