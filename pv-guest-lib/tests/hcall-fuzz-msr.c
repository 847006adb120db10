// SPDX-License-Identifier: MIT
/*
 * The hypercall fuzzer's MSR side: random reads and writes of the synthetic
 * MSRs and their neighbours, each checked against docs/abi.md (#GP or not,
 * what reads back), with the hypercall page and VPAP restored afterwards.
 */
#include <partita/grants.h>
#include <partita/msr.h>
#include <partita-guest/guest.h>

#include "fmt.h"
#include "hcall-fuzz.h"

#define EFER 0xC0000080u
#define EFER_SVME (1ull << 12)
#define PAT 0x277u

volatile uint32_t fz_msr_lock;
volatile uint64_t fz_window_gen;
static volatile uint32_t fz_quiesce;
static volatile uint32_t fz_in_call[FZ_MAX_VCPUS];

void fz_call_enter(unsigned vcpu)
{
	for (;;) {
		while (__atomic_load_n(&fz_quiesce, __ATOMIC_SEQ_CST))
			pt_pause();
		__atomic_store_n(&fz_in_call[vcpu], 1, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&fz_quiesce, __ATOMIC_SEQ_CST))
			return;
		__atomic_store_n(&fz_in_call[vcpu], 0, __ATOMIC_SEQ_CST);
	}
}

void fz_call_leave(unsigned vcpu)
{
	__atomic_store_n(&fz_in_call[vcpu], 0, __ATOMIC_RELEASE);
}

void fz_quiesce_begin(unsigned vcpu)
{
	__atomic_store_n(&fz_quiesce, 1, __ATOMIC_SEQ_CST);
	for (unsigned v = 0; v < FZ_MAX_VCPUS; v++) {
		while (v != vcpu &&
		       __atomic_load_n(&fz_in_call[v], __ATOMIC_SEQ_CST))
			pt_pause();
	}
}

void fz_quiesce_end(void)
{
	__atomic_store_n(&fz_quiesce, 0, __ATOMIC_SEQ_CST);
}

int fz_msr_trylock(void)
{
	return !__atomic_exchange_n(&fz_msr_lock, 1, __ATOMIC_ACQUIRE);
}

/* Spins without hypercalls: the holder may have the page disabled. */
void fz_msr_lock_spin(void)
{
	while (__atomic_exchange_n(&fz_msr_lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&fz_msr_lock, __ATOMIC_RELAXED))
			pt_pause();
}

void fz_msr_unlock(void)
{
	__atomic_store_n(&fz_msr_lock, 0, __ATOMIC_RELEASE);
}

/* MSRs next to the synthetic ones, and others: all #GP for a guest. */
static const uint32_t gp_msrs[] = {
	0x3FFFFFFFu, 0x40000004u, 0x40000005u, 0x40000007u,
	0x4000000Fu, 0x40000010u, 0x40000080u, 0x400000FFu,
	0x40000100u, 0x4000FFFFu, 0x40010000u, 0x40000000u | 0x1000u,
	0xC0010114u, 0xC0010117u, 0x12345678u,
};
#define GP_MSRS (sizeof(gp_msrs) / sizeof(gp_msrs[0]))

struct msr_note {
	char text[200];
};

static void note(struct msr_note *n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct msr_note *n, const char *fmt, ...)
{
	va_list ap;

	if (n->text[0])
		return; /* the first problem of the operation is enough */
	va_start(ap, fmt);
	fmt_vsnprintf(n->text, sizeof(n->text), fmt, ap);
	va_end(ap);
}

/* A GPFN for a page MSR; in RAM only pages the fuzzer may give away. */
static uint64_t pick_gpfn(struct fz_vcpu *z, uint64_t own_page)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z);
	uint64_t ram_pages = fz.ram / FZ_PAGE, gpfn;

	if (r < 40)
		gpfn = fz.msrpg / FZ_PAGE + x % FZ_MSR_PAGES;
	else if (r < 50)
		gpfn = z->arena / FZ_PAGE + x % (FZ_ARENA_BYTES / FZ_PAGE);
	else if (r < 60)
		gpfn = fz.tail / FZ_PAGE + x % ((fz.ram - fz.tail) / FZ_PAGE);
	else if (r < 65)
		gpfn = 0; /* RAM nobody uses */
	else if (r < 75)
		gpfn = own_page / FZ_PAGE;
	else if (r < 80)
		gpfn = ram_pages - 1;
	else if (r < 85)
		gpfn = ram_pages + x % 4;
	else if (r < 90)
		gpfn = PT_GUEST_GRANT_WINDOW_GPA / FZ_PAGE + x % 4;
	else if (r < 95)
		gpfn = 1ull << (32 + x % 20);
	else
		gpfn = x & ((1ull << 52) - 1);
	if (gpfn < ram_pages && gpfn >= 1 && gpfn * FZ_PAGE < fz.sandbox &&
	    gpfn * FZ_PAGE != own_page)
		gpfn = fz.msrpg / FZ_PAGE;
	return gpfn;
}

static uint64_t page_msr_value(struct fz_vcpu *z, uint64_t own_page)
{
	uint64_t v = pick_gpfn(z, own_page) << PT_MSR_PAGE_GPFN_SHIFT;

	if (fz_chance(z, 80))
		v |= PT_MSR_PAGE_ENABLE;
	if (fz_chance(z, 12))
		v |= (fz_next(z) | 2) & PT_MSR_PAGE_RESERVED_MASK;
	return v;
}

/* #GP expected for a page MSR write? (docs/abi.md, Synthetic MSRs) */
static int page_write_gp(uint64_t v, int needs_os_id, uint64_t os_id)
{
	if (v & PT_MSR_PAGE_RESERVED_MASK)
		return 1;
	if (!(v & PT_MSR_PAGE_ENABLE) || (needs_os_id && !os_id))
		return 0;
	return (v >> PT_MSR_PAGE_GPFN_SHIFT) >= fz.ram / FZ_PAGE;
}

static void msr_read(struct fz_vcpu *z, struct msr_note *n)
{
	uint64_t r = fz_below(z, 100), x = fz_next(z), v = 0;
	uint64_t g1 = __atomic_load_n(&fz_window_gen, __ATOMIC_ACQUIRE), g2;
	uint32_t msr = r < 70	? PT_MSR_GUEST_OS_ID + (uint32_t)(x % 4)
		       : r < 75 ? EFER
		       : r < 78 ? PAT
				: gp_msrs[x % GP_MSRS];
	int vec = pt_rdmsr_safe(msr, &v), want_gp;

	g2 = __atomic_load_n(&fz_window_gen, __ATOMIC_ACQUIRE);
	z->msr_reads++;
	z->msr_gp += vec == PT_VECTOR_GP;
	want_gp = !(msr >= PT_MSR_GUEST_OS_ID && msr <= PT_MSR_VP_INDEX) &&
		  msr != EFER && msr != PAT;
	if (vec != (want_gp ? (int)PT_VECTOR_GP : 0)) {
		note(n, "rdmsr 0x%x: vector %d, docs/abi.md says %s", msr, vec,
		     want_gp ? "#GP" : "no exception");
		return;
	}
	if (msr == PT_MSR_VP_INDEX && v != z->index)
		note(n, "rdmsr VP_INDEX = %lu on vCPU %u", (unsigned long)v,
		     z->index);
	if (msr == PT_MSR_VP_ASSIST &&
	    v != (fz.vpap[z->index] | PT_MSR_PAGE_ENABLE))
		note(n, "rdmsr VP_ASSIST = 0x%lx, last written 0x%lx",
		     (unsigned long)v,
		     (unsigned long)(fz.vpap[z->index] | PT_MSR_PAGE_ENABLE));
	if (msr == EFER && (v & EFER_SVME))
		note(n, "rdmsr EFER = 0x%lx shows SVME", (unsigned long)v);
	/* partition-wide values are only fixed while no window is open */
	if (g1 == g2 && !(g1 & 1)) {
		if (msr == PT_MSR_HYPERCALL &&
		    v != (fz.hcpage | PT_MSR_PAGE_ENABLE))
			note(n, "rdmsr HYPERCALL = 0x%lx, want 0x%lx",
			     (unsigned long)v,
			     (unsigned long)(fz.hcpage | PT_MSR_PAGE_ENABLE));
		if (msr == PT_MSR_GUEST_OS_ID && v != fz.os_id)
			note(n, "rdmsr GUEST_OS_ID = 0x%lx, want 0x%lx",
			     (unsigned long)v, (unsigned long)fz.os_id);
	}
}

/* want_gp for a page MSR write that may land on a page registered as
 * shared (the event page, a message page, the grant table): #GP then. */
#define GP_IF_SHARED 2

/* Checks one write against the docs; *stored is the MSR's value after. */
static void write_checked(struct fz_vcpu *z, struct msr_note *n, uint32_t msr,
			  uint64_t v, int want_gp, uint64_t readback,
			  uint64_t *stored)
{
	int vec = pt_wrmsr_safe(msr, v);
	uint64_t now = 0;

	z->msr_writes++;
	z->msr_gp += vec == PT_VECTOR_GP;
	if (want_gp == GP_IF_SHARED) /* the fuzzer does not track them all */
		want_gp = vec == PT_VECTOR_GP;
	if (vec != (want_gp ? (int)PT_VECTOR_GP : 0)) {
		note(n, "wrmsr 0x%x = 0x%lx: vector %d, docs/abi.md says %s",
		     msr, (unsigned long)v, vec,
		     want_gp ? "#GP" : "no exception");
		if (!vec && stored)
			*stored = readback;
		return;
	}
	if (!stored)
		return;
	if (!want_gp)
		*stored = readback;
	if (pt_rdmsr_safe(msr, &now) || now != *stored)
		note(n, "wrmsr 0x%x = 0x%lx: reads back 0x%lx, want 0x%lx", msr,
		     (unsigned long)v, (unsigned long)now,
		     (unsigned long)*stored);
}

/*
 * #GP expected for a page MSR write, GP_IF_SHARED when the page may be
 * one the fuzzer registered as shared meanwhile: any enabled page in RAM
 * other than where this MSR's page lives (docs/abi.md: a page MSR may not
 * land on the event page, a message page or the grant table).
 */
static int page_write_want_gp(uint64_t v, int needs_os_id, uint64_t os_id,
			      uint64_t own_page)
{
	if (page_write_gp(v, needs_os_id, os_id))
		return 1;
	if (!(v & PT_MSR_PAGE_ENABLE) || (needs_os_id && !os_id) ||
	    (v & ~(FZ_PAGE - 1)) == own_page)
		return 0;
	return GP_IF_SHARED;
}

/*
 * The guest OS ID and hypercall page are the partition's: while one vCPU
 * changes them, the others' hypercalls may get #UD (expected: the window
 * is open). The page is back before the window closes. While an enabled
 * page is anywhere else, the others make no calls: served there, a call
 * could register the page's home as a shared page, and the move back
 * would be refused.
 */
static void partition_msrs(struct fz_vcpu *z, struct msr_note *n)
{
	uint64_t os_id = fz.os_id, hc = fz.hcpage | PT_MSR_PAGE_ENABLE;
	/* drawn first: the random stream does not depend on the lock */
	int write_os_id = fz_chance(z, 35), write_hc = fz_chance(z, 85);
	uint64_t os_v = fz_chance(z, 50) ? 0 : fz_next(z);
	uint64_t v = page_msr_value(z, fz.hcpage), flags, now = 0;
	int quiesced = 0;

	if (!fz_msr_trylock()) {
		z->msr_skipped++; /* another vCPU has the window */
		return;
	}
	__atomic_add_fetch(&fz_window_gen, 1, __ATOMIC_SEQ_CST);
	flags = pt_irq_save();
	if (write_os_id) {
		write_checked(z, n, PT_MSR_GUEST_OS_ID, os_v, 0, os_v, &os_id);
		/* "Writing 0 also clears the enable bit" */
		if (!os_v)
			hc &= ~PT_MSR_PAGE_ENABLE;
	}
	if (write_hc) {
		int gp = page_write_want_gp(v, 1, os_id, fz.hcpage);

		if (gp != 1 && os_id && (v & PT_MSR_PAGE_ENABLE)) {
			fz_quiesce_begin(z->index);
			quiesced = 1;
		}
		write_checked(z, n, PT_MSR_HYPERCALL, v, gp,
			      os_id ? v : v & ~PT_MSR_PAGE_ENABLE, &hc);
	}
	pt_wrmsr_safe(PT_MSR_GUEST_OS_ID, fz.os_id);
	if (!quiesced)
		fz_quiesce_begin(z->index);
	pt_wrmsr_safe(PT_MSR_HYPERCALL, fz.hcpage | PT_MSR_PAGE_ENABLE);
	fz_quiesce_end();
	if (pt_rdmsr_safe(PT_MSR_HYPERCALL, &now) ||
	    now != (fz.hcpage | PT_MSR_PAGE_ENABLE) ||
	    *(volatile uint64_t *)(uintptr_t)fz.hcpage != fz.stub)
		pt_triple_fault(); /* no hypercalls left to report it with */
	pt_irq_restore(flags);
	__atomic_add_fetch(&fz_window_gen, 1, __ATOMIC_SEQ_CST);
	fz_msr_unlock();
}

/*
 * The VPAP is the vCPU's own: only this vCPU loses its upcalls meanwhile.
 * While it is away from home the others make no calls (one could register
 * its home page as a shared page, and the move back would be refused);
 * the MSR lock keeps this out of another vCPU's window, which quiesces
 * the same way.
 */
static void vpap_msr(struct fz_vcpu *z, struct msr_note *n)
{
	uint64_t own = fz.vpap[z->index], stored = own | PT_MSR_PAGE_ENABLE;
	uint64_t v = page_msr_value(z, own), flags;
	uint64_t gpa = v & ~(FZ_PAGE - 1);
	int gp = page_write_want_gp(v, 0, 1, own);

	if (!fz_msr_trylock()) {
		z->msr_skipped++;
		return;
	}
	flags = pt_irq_save();
	fz_quiesce_begin(z->index);
	write_checked(z, n, PT_MSR_VP_ASSIST, v, gp, v, &stored);
	/* a VPAP enabled in this vCPU's arena: the header must be there */
	if (stored == v && (v & PT_MSR_PAGE_ENABLE) && gpa >= z->arena &&
	    gpa < z->arena + FZ_ARENA_BYTES) {
		volatile struct pt_vpap *p = (void *)(uintptr_t)gpa;

		if (p->magic != PT_VPAP_MAGIC || p->vcpu_index != z->index ||
		    p->partition_id != fz.self_id)
			note(n,
			     "VPAP enabled at 0x%lx: magic 0x%x vcpu %u "
			     "partition %u",
			     (unsigned long)gpa, p->magic, p->vcpu_index,
			     p->partition_id);
	}
	if (!pt_vpap_enable() || pt_upcall_enable(0))
		note(n, "VPAP of vCPU %u did not come back at 0x%lx", z->index,
		     (unsigned long)own);
	fz_quiesce_end();
	pt_irq_restore(flags);
	fz_msr_unlock();
}

void fz_msr_op(struct fz_vcpu *z)
{
	struct msr_note n = { { 0 } };
	uint64_t r = fz_below(z, 100), x = fz_next(z);

	if (r < 45) {
		msr_read(z, &n);
	} else if (r < 70) {
		partition_msrs(z, &n);
	} else if (r < 90) {
		vpap_msr(z, &n);
	} else if (r < 94) {
		write_checked(z, &n, PT_MSR_VP_INDEX, x, 1, 0, NULL);
	} else {
		uint32_t msr = gp_msrs[x % GP_MSRS];

		write_checked(z, &n, msr, fz_next(z), 1, 0, NULL);
	}
	if (n.text[0])
		fz_fail(z, NULL, "%s", n.text);
}
