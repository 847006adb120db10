// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness: hostile hypercalls from a guest or the root partition. */
#include <hv/boot-info.h>
#include <hv/console.h>
#include <hv/evtchn.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/hcall.h>
#include <hv/log.h>
#include <hv/message.h>
#include <hv/partition-internal.h>
#include <hv/root.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <partita/events.h>
#include <partita/grants.h>
#include <partita/hypercall.h>
#include <partita/messages.h>
#include <partita/msr.h>
#include <partita/vpap.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv-shim.h"
#include "test-util.h"

/*
 * The world, rebuilt for every input over the unit tests' shim: a machine
 * of two CPUs, the root on CPU 0 with RAM_PAGES of RAM, guest GUEST_ID on
 * CPU 1 with as much RAM and a two-page hole above it, and a small
 * CANARY_ID partition whose first CANARY_PAGES are filled with a pattern
 * that nobody but the root's DESTROY may change. In the root and the
 * guest, RO_GPFN is read-only.
 * The canary is also everyone's messaging peer: its grant table
 * (CANARY_TABLE_PAGE) grants each pattern page read-only to the guest
 * (refs 0-3) and to the root (refs 4-7), its table page read-only to the
 * guest (ref 10), and a scratch page read-write to the guest (ref 8) and
 * to the root (ref 9); ref 11 grants nothing. It has an event page with
 * port 1 offered to the guest, port 2 offered to the root and port 3
 * bound to PT_VIRQ_PEER_DIED, and a message page with a connection on
 * vCPU 0, slot 0 (CANARY_CONNECTION) that anyone may post to, depth 2.
 * Its pages and control frames that calls may change (scratch, event and
 * message pages, ports, queues, grant counts) are left out of the
 * frames a guest must not change, as are the guest's nested page tables,
 * which grant mappings extend: for those, its RAM's translations must
 * stay as they were, and every page mapped at the start of a grant window
 * must be a mapping the partition holds (check_window).
 * The scheduler has one CPU only, so START always ends in NO_RESOURCES:
 * running vCPUs would need the scheduler loop, which the shim cannot run.
 * A call runs entry after entry while it asks to continue: a guest's
 * re-executes in place (HCALL_RETRY), the root's returns CALL_PENDING and
 * is made again with the RCX it returned, as the root's driver does.
 * Between entries, CPU 1 takes the vCPUs of ending partitions off, as
 * its scheduler would; at the end the root unmaps what it still maps,
 * every partition but the root is destroyed and must give back every
 * frame, and no frame may stay HELD.
 *
 * The input: an 8-byte header, CALLS records of RCX, RDX and R8 (u64
 * each), then the caller's RAM from GPA 0 on.
 *   byte 0: bit 0 the root calls (else the guest), bits 3:1 calls - 1
 *   byte 1: entries allowed per call (1 + value % 32) while it asks to
 *           continue (HCALL_RETRY), as the exit handler re-executes it
 *   byte 2: TSC ticks per arch_tsc() call, in 64s (a budget: 15000 ticks)
 *   byte 3: bit 7 set: the caller's VP assist page is GPFN bits 5:0
 *   byte 4: bit 7 set: the caller's hypercall page is GPFN bits 5:0
 * Every violated invariant calls __builtin_trap().
 */
#define POOL_FRAMES 768
#define GUEST_ID 1
#define CANARY_ID 2
#define RAM_PAGES 64
#define HOLE_PAGES 2
#define CANARY_PAGES 4 /* with the pattern */
#define CANARY_RAM_PAGES 8
#define CANARY_TABLE_PAGE 4
#define CANARY_SCRATCH_PAGE 5
#define CANARY_EVENT_PAGE 6
#define CANARY_MSG_PAGE 7
#define CANARY_CONNECTION 0x10200u /* pt_msg_connection_id(2, 0, 0) */
#define CANARY_BYTE 0xC3
#define RO_GPFN 8
#define HDR_BYTES 8
#define CALL_BYTES 24
#define MAX_CALLS 8
#define CALL_CPU 1
#define START_MASK (PT_HC_REP_MASK << PT_HC_REP_START_SHIFT)

#define check(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

static struct boot_info bi;
static u64 canary_hpa[CANARY_PAGES];
/* Frames a guest must not change, copied after the world is built. */
static u8 frame_copy[POOL_FRAMES][PAGE_SIZE];
static bool frame_kept[POOL_FRAMES];
/* The guest's RAM as its nested tables map it (hpa | flags). */
static u64 guest_map[RAM_PAGES];
/* The caller's state before a call that decode refuses. */
static struct partition part_copy;
static u8 ram_copy[RAM_PAGES][PAGE_SIZE];

static int build_root(struct partition *p, const struct boot_info *b)
{
	if (arch_npt_init(p))
		return -1;
	for (u64 gpn = 0; gpn < RAM_PAGES; gpn++) {
		u64 hpa = frame_alloc(ROOT_PARTITION_ID, FRAME_KIND_RAM);

		if (!hpa || arch_npt_map(p, gpn << PAGE_SHIFT, hpa, NPT_RWX))
			return -1;
	}
	p->memory_bytes = RAM_PAGES * PAGE_SIZE;
	return 0;
}

/* A running guest in its slot of the partition table. */
static struct partition *make_guest(u32 id, u64 pages)
{
	struct partition *p = &partitions[id];

	test_partition_init(p, id, pages * PAGE_SIZE);
	p->lock = (struct spinlock)SPINLOCK_INIT;
	p->generation = id;
	p->console_tokens = CONSOLE_BURST_LINES;
	p->cpu_mask = BIT(CALL_CPU);
	p->vcpus[0].cpu = CALL_CPU;
	evtchn_init(p, 0);
	grant_init(p, 0);
	return p;
}

static void map_read_only(struct partition *p, u32 id)
{
	check(!arch_npt_map(p, RO_GPFN << PAGE_SHIFT,
			    frame_alloc((u16)id, FRAME_KIND_RAM), NPT_READ));
}

static u8 *ram_page(const struct partition *p, u64 gpfn)
{
	u32 flags;
	u64 hpa = arch_npt_lookup(p, gpfn << PAGE_SHIFT, &flags);

	return hpa == NPT_NO_PAGE ? NULL : phys_to_virt(hpa);
}

/* The input's RAM bytes into the caller's pages, read-only ones too. */
static void fill_ram(const struct partition *p, const u8 *data, size_t len)
{
	for (u64 gpfn = 0; gpfn < RAM_PAGES && len; gpfn++) {
		size_t n = len < PAGE_SIZE ? len : PAGE_SIZE;

		memcpy(ram_page(p, gpfn), data, n);
		data += n;
		len -= n;
	}
}

/* Stands in for the MSR writes that enable the VPAP or hypercall page. */
static void set_pages(struct partition *p, u8 vpap, u8 hypercall)
{
	struct vcpu *v = &p->vcpus[0];

	if (vpap & 0x80) {
		u64 gpfn = vpap & 0x3F;

		v->vpap = partition_gpa_to_hva(p, gpfn << PAGE_SHIFT, true);
		if (v->vpap)
			v->vpap_msr = gpfn << PT_MSR_PAGE_GPFN_SHIFT |
				      PT_MSR_PAGE_ENABLE;
	}
	if (hypercall & 0x80)
		p->hypercall_msr = (u64)(hypercall & 0x3F)
					   << PT_MSR_PAGE_GPFN_SHIFT |
				   PT_MSR_PAGE_ENABLE;
}

static void grant_entry(struct partition *p, u32 ref, u16 flags, u32 target,
			u32 gpfn)
{
	struct pt_grant_entry *t =
		partition_gpa_to_hva(p, CANARY_TABLE_PAGE * PAGE_SIZE, true);

	t[ref] = (struct pt_grant_entry){ flags, (u16)target, gpfn };
}

/* The canary's grants, ports and connection (see the top). */
static void canary_messaging(struct partition *c)
{
	struct pt_msg_connection_in conn = { 0, 0, PT_MSG_ANY_SENDER, 2 };
	u32 port, id;

	check(!grant_set_table(c, CANARY_TABLE_PAGE * PAGE_SIZE, 1));
	for (u32 i = 0; i < CANARY_PAGES; i++) {
		grant_entry(c, i, PT_GRANT_PERMIT | PT_GRANT_READONLY, GUEST_ID,
			    i);
		grant_entry(c, 4 + i, PT_GRANT_PERMIT | PT_GRANT_READONLY,
			    ROOT_PARTITION_ID, i);
	}
	grant_entry(c, 8, PT_GRANT_PERMIT, GUEST_ID, CANARY_SCRATCH_PAGE);
	grant_entry(c, 9, PT_GRANT_PERMIT, ROOT_PARTITION_ID,
		    CANARY_SCRATCH_PAGE);
	grant_entry(c, 10, PT_GRANT_PERMIT | PT_GRANT_READONLY, GUEST_ID,
		    CANARY_TABLE_PAGE);
	grant_entry(c, 11, 0, GUEST_ID, 0);
	bool again;

	check(!evtchn_set_page(c, CANARY_EVENT_PAGE * PAGE_SIZE, ~0ull,
			       &again));
	check(!evtchn_alloc_unbound(c, GUEST_ID, 0, &port) && port == 1);
	check(!evtchn_alloc_unbound(c, ROOT_PARTITION_ID, 0, &port) &&
	      port == 2);
	check(!evtchn_bind_virq(c, PT_VIRQ_PEER_DIED, 0, &port) && port == 3);
	check(!msg_set_page(&c->vcpus[0], CANARY_MSG_PAGE * PAGE_SIZE));
	check(!msg_create_connection(c, &conn, &id) && id == CANARY_CONNECTION);
}

static void build_world(void)
{
	struct partition *canary;

	shim_reset();
	shim_cpu_count = 2;
	shim_tsc = 1000000000ull;
	frame_pool_init(SHIM_PHYS_BASE, POOL_FRAMES, shim_pool_table());
	sched_init(1);
	memset(&bi, 0, sizeof(bi));
	bi.config.root.present = true;
	bi.config.root.cpu = 0;
	shim_root_build_fn = build_root;
	root_reserve_cpu(&bi);
	check(root_create(&bi));
	map_read_only(partition_get(ROOT_PARTITION_ID), ROOT_PARTITION_ID);
	map_read_only(make_guest(GUEST_ID, RAM_PAGES), GUEST_ID);
	partitions[GUEST_ID].memory_bytes += HOLE_PAGES * PAGE_SIZE;
	canary = make_guest(CANARY_ID, CANARY_RAM_PAGES);
	for (u32 i = 0; i < CANARY_PAGES; i++) {
		u32 flags;

		canary_hpa[i] = arch_npt_lookup(canary, i * PAGE_SIZE, &flags);
		memset(phys_to_virt(canary_hpa[i]), CANARY_BYTE, PAGE_SIZE);
	}
	canary_messaging(canary);
	partition_live = 2;
}

/* Frames of the canary that messaging calls may change. */
static bool canary_changes(u64 hpa, const struct frame_info *fi)
{
	const struct partition *c = &partitions[CANARY_ID];
	u32 flags;

	if (fi->owner != CANARY_ID)
		return false;
	if (fi->kind == FRAME_KIND_CONTROL)
		return true;
	return hpa == arch_npt_lookup(c, CANARY_SCRATCH_PAGE * PAGE_SIZE,
				      &flags) ||
	       hpa == arch_npt_lookup(c, CANARY_EVENT_PAGE * PAGE_SIZE,
				      &flags) ||
	       hpa == arch_npt_lookup(c, CANARY_MSG_PAGE * PAGE_SIZE, &flags);
}

static u64 guest_translation(u64 gpfn)
{
	u32 flags = 0;
	u64 hpa = arch_npt_lookup(&partitions[GUEST_ID], gpfn << PAGE_SHIFT,
				  &flags);

	return hpa ^ flags;
}

static void keep_foreign_frames(void)
{
	const struct frame_info *t = shim_pool_table();

	for (u64 gpfn = 0; gpfn < RAM_PAGES; gpfn++)
		guest_map[gpfn] = guest_translation(gpfn);
	for (u32 i = 0; i < POOL_FRAMES; i++) {
		u64 hpa = SHIM_PHYS_BASE + (u64)i * PAGE_SIZE;

		frame_kept[i] = t[i].owner != FRAME_OWNER_FREE &&
				!(t[i].owner == GUEST_ID &&
				  (t[i].kind == FRAME_KIND_RAM ||
				   t[i].kind == FRAME_KIND_PAGE_TABLE)) &&
				!canary_changes(hpa, &t[i]);
		if (frame_kept[i])
			memcpy(frame_copy[i],
			       phys_to_virt(SHIM_PHYS_BASE + i * PAGE_SIZE),
			       PAGE_SIZE);
	}
}

/* A guest changed no frame but its own RAM: tables, root, canary. */
static void check_foreign_frames(void)
{
	if (partitions[GUEST_ID].state == PART_STATE_RUNNING) {
		for (u64 gpfn = 0; gpfn < RAM_PAGES; gpfn++)
			check(guest_map[gpfn] == guest_translation(gpfn));
	}
	for (u32 i = 0; i < POOL_FRAMES; i++) {
		if (frame_kept[i])
			check(!memcmp(
				frame_copy[i],
				phys_to_virt(SHIM_PHYS_BASE + i * PAGE_SIZE),
				PAGE_SIZE));
	}
}

static void check_canary(void)
{
	static u8 pattern[PAGE_SIZE];

	memset(pattern, CANARY_BYTE, sizeof(pattern));
	for (u32 i = 0; i < CANARY_PAGES; i++)
		check(!memcmp(phys_to_virt(canary_hpa[i]), pattern, PAGE_SIZE));
}

static bool valid_status(u16 s)
{
	switch (s) {
	case PT_STATUS_SUCCESS:
	case PT_STATUS_INVALID_HYPERCALL_CODE:
	case PT_STATUS_INVALID_HYPERCALL_INPUT:
	case PT_STATUS_INVALID_ALIGNMENT:
	case PT_STATUS_INVALID_PARAMETER:
	case PT_STATUS_ACCESS_DENIED:
	case PT_STATUS_INVALID_PARTITION_STATE:
	case PT_STATUS_OPERATION_DENIED:
	case PT_STATUS_INSUFFICIENT_MEMORY:
	case PT_STATUS_INVALID_PARTITION_ID:
	case PT_STATUS_INVALID_VP_INDEX:
	case PT_STATUS_NOT_FOUND:
	case PT_STATUS_INVALID_GPA:
	case PT_STATUS_WOULD_BLOCK:
	case PT_STATUS_NO_RESOURCES:
	case PT_STATUS_INVALID_PORT_ID:
	case PT_STATUS_INVALID_CONNECTION_ID:
	case PT_STATUS_INSUFFICIENT_BUFFERS:
	case PT_STATUS_OBJECT_IN_USE:
	case PT_STATUS_INVALID_GRANT_REF:
	case PT_STATUS_INVALID_HANDLE:
		return true;
	default:
		return false;
	}
}

static void copy_caller(const struct partition *p)
{
	memcpy(&part_copy, p, sizeof(part_copy));
	for (u64 gpfn = 0; gpfn < RAM_PAGES; gpfn++)
		memcpy(ram_copy[gpfn], ram_page(p, gpfn), PAGE_SIZE);
}

/* After a refused call only the entry's accounting may differ. */
static void check_caller_unchanged(const struct partition *p)
{
	const struct vcpu *v = &p->vcpus[0];

	memcpy(part_copy.hcall_stats, p->hcall_stats, sizeof(p->hcall_stats));
	part_copy.vcpus[0].worst_entry_ticks = v->worst_entry_ticks;
	check(!memcmp(&part_copy, p, sizeof(part_copy)));
	if (v->vpap) {
		struct pt_vpap *copy =
			(void *)ram_copy[v->vpap_msr >> PT_MSR_PAGE_GPFN_SHIFT];

		copy->stat_hypercalls = v->vpap->stat_hypercalls;
		copy->stat_continuations = v->vpap->stat_continuations;
		copy->stat_worst_entry_ns = v->vpap->stat_worst_entry_ns;
	}
	for (u64 gpfn = 0; gpfn < RAM_PAGES; gpfn++)
		check(!memcmp(ram_copy[gpfn], ram_page(p, gpfn), PAGE_SIZE));
}

/* One entry of a call; the rest of run_call() checks what it did. */
static enum hcall_result enter(struct vcpu *v, struct hcall_regs *r,
			       const struct hcall_desc *d)
{
	struct partition *p = v->part;
	struct hcall_regs before = *r, scratch = *r;
	struct hcall_ctx c = { .v = v, .p = p, .regs = &scratch };
	const struct hcall_desc *dd;
	int refused = hcall_decode(&c, &dd);
	u64 free0 = frame_pool_stats().free;
	enum hcall_result res;
	u16 status;

	if (refused)
		copy_caller(p);
	res = hcall_dispatch(v, r, shim_tsc);
	check(shim_bad_phys == 0);
	if (res == HCALL_RETRY) {
		/* A continuation moves the rep start on, and nothing else;
		 * RAX holds no result yet. */
		check(!refused);
		check(r->rdx == before.rdx && r->r8 == before.r8);
		check((r->rcx & ~START_MASK) == (before.rcx & ~START_MASK));
		if (d->flags & HC_REP)
			check((r->rcx & START_MASK) >
			      (before.rcx & START_MASK));
		else
			check(r->rcx == before.rcx);
		return res;
	}
	status = pt_hc_status(r->rax);
	if (res == HCALL_DONE && status == PT_STATUS_CALL_PENDING) {
		/* The root's continuation: the same call again with the RCX
		 * it got back, whose rep start is the reps done so far. */
		u64 start = (r->rcx & START_MASK) >> PT_HC_REP_START_SHIFT;

		check(p->id == ROOT_PARTITION_ID && !refused);
		check(r->rdx == before.rdx && r->r8 == before.r8);
		check((r->rcx & ~START_MASK) == (before.rcx & ~START_MASK));
		check(pt_hc_reps_done(r->rax) == start);
		if (d->flags & HC_REP)
			check((r->rcx & START_MASK) >
			      (before.rcx & START_MASK));
		else
			check(r->rcx == before.rcx);
		return HCALL_RETRY;
	}
	check(valid_status(status));
	check(!(r->rax & ~(PT_HC_RESULT_STATUS_MASK |
			   (PT_HC_REP_MASK << PT_HC_RESULT_REPS_SHIFT))));
	if (refused) {
		check(res == HCALL_DONE && r->rax == (u64)refused);
		check(r->rcx == before.rcx && r->rdx == before.rdx &&
		      r->r8 == before.r8);
		check(frame_pool_stats().free == free0);
		check_caller_unchanged(p);
	}
	if (p->id != ROOT_PARTITION_ID && d && (d->flags & HC_ROOT_ONLY))
		check(status == ((before.rcx & PT_HC_RESERVED_MASK)
					 ? PT_STATUS_INVALID_HYPERCALL_INPUT
					 : PT_STATUS_ACCESS_DENIED));
	if (d && (d->flags & HC_REP))
		check(pt_hc_reps_done(r->rax) <=
		      ((before.rcx >> PT_HC_REP_COUNT_SHIFT) & PT_HC_REP_MASK));
	else
		check(pt_hc_reps_done(r->rax) == 0);
	return res;
}

/* What CPU 1's scheduler does meanwhile: take dead vCPUs off. */
static void reap_dead_vcpus(const struct partition *caller)
{
	for (u32 id = 1; id < MAX_PARTITIONS; id++) {
		struct partition *p = &partitions[id];

		while (p != caller && p->state == PART_STATE_DYING &&
		       p->vcpus_alive)
			partition_vcpu_gone(&p->vcpus[0]);
	}
}

/* One call, entry after entry while it asks to continue; false: gone. */
static bool run_call(struct vcpu *v, u64 rcx, u64 rdx, u64 r8, u32 entries)
{
	struct hcall_regs r = { 0xAAAA, rcx, rdx, r8 };
	const struct hcall_desc *d = hcall_lookup(rcx & PT_HC_CODE_MASK);
	u64 free0 = frame_pool_stats().free;
	enum hcall_result res = HCALL_RETRY;

	for (u32 n = 0; n < entries && res == HCALL_RETRY; n++) {
		res = enter(v, &r, d);
		reap_dead_vcpus(v->part);
	}
	/* FUZZ_HCALL_TRACE=1: what each call of an input answered, to see
	 * that a seed reaches what it was written for. */
	if (getenv("FUZZ_HCALL_TRACE"))
		fprintf(stderr, "call 0x%04llx: status 0x%x reps %u%s\n",
			(unsigned long long)(rcx & PT_HC_CODE_MASK),
			pt_hc_status(r.rax), pt_hc_reps_done(r.rax),
			res == HCALL_RETRY ? " (unfinished)" : "");
	/* The full check is slow: after calls that moved frames, and at
	 * the end of every input. */
	if (frame_pool_stats().free != free0)
		check(frame_pool_check() == 0);
	return res != HCALL_GONE;
}

/* p's grant mapping at `gpa`, or NULL. */
static const struct grant_map *map_at(const struct partition *p, u64 gpa)
{
	const struct grant_state *gs = &p->grant;

	for (u32 f = 0; f < GRANT_MAP_FRAMES; f++) {
		for (u32 i = 0; gs->maps[f] && i < GRANT_MAPS_PER_FRAME; i++) {
			const struct grant_map *m = &gs->maps[f][i];

			if ((m->flags & GRANT_MAP_USED) && m->gpa == gpa)
				return m;
		}
	}
	return NULL;
}

/*
 * The first WINDOW_PAGES pages of a partition's grant window (where the
 * seeds map): every page mapped there is a mapping the partition holds, of
 * that frame, with a reference on it; a refused or undone map leaves none.
 */
#define WINDOW_PAGES 16
static void check_window(const struct partition *p)
{
	u64 base, size;

	if (p->state != PART_STATE_RUNNING)
		return;
	grant_window(p, &base, &size);
	for (u64 i = 0; i < WINDOW_PAGES && i * PAGE_SIZE < size; i++) {
		u64 gpa = base + i * PAGE_SIZE, hpa;
		const struct grant_map *m;
		u32 flags;

		hpa = arch_npt_lookup(p, gpa, &flags);
		m = map_at(p, gpa);
		if (hpa == NPT_NO_PAGE) {
			check(!m);
			continue;
		}
		check(m && m->hpa == hpa);
		check(frame_lookup(hpa) && frame_lookup(hpa)->refs);
		check(!(flags & NPT_WRITE) == !!(m->flags & GRANT_MAP_RO));
	}
}

/*
 * The root unmaps what it maps, then every partition but the root ends and
 * returns all of its frames; none stays HELD.
 */
static void clean_up(void)
{
	struct partition *root = &partitions[ROOT_PARTITION_ID];

	for (u64 h = 0; h < PT_GRANT_MAPS_MAX && root->grant.maps_held; h++)
		grant_unmap(root, h);
	check(root->grant.maps_held == 0);
	for (u32 id = 1; id < MAX_PARTITIONS; id++) {
		struct partition *p = &partitions[id];

		for (u32 n = 0; p->state != PART_STATE_FREE; n++) {
			check(n < 4);
			reap_dead_vcpus(NULL);
			partition_destroy_step(p, ~0ull);
		}
		check(frame_count_owned((u16)id) == 0);
	}
	check(!partition_teardown_pending());
	check(partition_live == 0);
	check(frame_held_count() == 0);
	check(frame_pool_check() == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool pool_made;
	u8 hdr[HDR_BYTES] = { 0 };
	u64 regs[MAX_CALLS * 3] = { 0 };
	struct partition *caller;
	u32 calls, entries;
	size_t pos;

	if (!pool_made) {
		shim_pool_init(POOL_FRAMES);
		pool_made = true;
	}
	memcpy(hdr, data, size < HDR_BYTES ? size : HDR_BYTES);
	pos = size < HDR_BYTES ? size : HDR_BYTES;
	calls = 1 + ((hdr[0] >> 1) & 7);
	entries = 1 + hdr[1] % 32;
	if (size - pos < calls * CALL_BYTES) {
		memcpy(regs, data + pos, size - pos);
		pos = size;
	} else {
		memcpy(regs, data + pos, calls * CALL_BYTES);
		pos += calls * CALL_BYTES;
	}

	build_world();
	shim_tsc_step = (u64)hdr[2] * 64;
	caller = partition_get((hdr[0] & 1) ? ROOT_PARTITION_ID : GUEST_ID);
	fill_ram(caller, data + pos, size - pos);
	set_pages(caller, hdr[3], hdr[4]);
	if (caller->id != ROOT_PARTITION_ID)
		keep_foreign_frames();

	for (u32 i = 0; i < calls; i++) {
		if (!run_call(&caller->vcpus[0], regs[3 * i], regs[3 * i + 1],
			      regs[3 * i + 2], entries))
			break;
	}

	check(frame_pool_check() == 0);
	check_window(&partitions[ROOT_PARTITION_ID]);
	check_window(&partitions[GUEST_ID]);
	if (caller->id != ROOT_PARTITION_ID)
		check_foreign_frames();
	if (partitions[CANARY_ID].state == PART_STATE_RUNNING)
		check_canary();
	clean_up();
	return 0;
}
