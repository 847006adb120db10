/* SPDX-License-Identifier: MIT */
/* Shared state of the hypercall fuzzer guest: layout, per-vCPU state, ABI. */
#ifndef PARTITA_HCALL_FUZZ_H
#define PARTITA_HCALL_FUZZ_H

#include <stdint.h>
#include <partita/hypercall.h>
#include <partita/status.h>

#define FZ_MAX_VCPUS 8u
#define FZ_PAGE 4096ull

/* Message type and payload start of the fuzzer's "done" note to the worker. */
#define FZ_DONE_TYPE 0x7FFFFFFEu
#define FZ_DONE_MAGIC "hcall-fuzz-done"

/*
 * Guest-physical layout. The image (code, data, stacks, the hypercall page
 * and the VPAPs) is below `sandbox`; the hypervisor is only ever asked to
 * write at or above it (or outside RAM, or into the hypercall page past
 * its stub, or a VPAP's args area), so a correct hypervisor cannot make
 * the fuzzer corrupt itself. From `sandbox` up:
 *   grant  64 pages: grant table frames, entries written only by the fuzzer
 *   event   8 pages: event page candidates
 *   msg    16 pages: message page candidates
 *   msrpg  16 pages: GPFNs for hypercall page / VPAP MSR writes
 *   arena  128 KiB per vCPU: that vCPU's input and output blocks
 *   tail   up to the end of RAM: granted frames, shared scratch
 */
#define FZ_GRANT_PAGES 64u
#define FZ_EVENT_PAGES 8u
#define FZ_MSG_PAGES 16u
#define FZ_MSR_PAGES 16u
#define FZ_ARENA_BYTES (128u * 1024)

struct fz_layout {
	uint64_t ram;	  /* bytes of RAM */
	uint64_t sandbox; /* first byte the hypervisor may write */
	uint64_t grant, event, msg, msrpg, arena, tail;
	uint64_t hcpage;		    /* the library's hypercall page */
	uint64_t vpap[FZ_MAX_VCPUS];	    /* the library's VPAP pages */
	uint64_t image_start, image_end;    /* the loaded image */
	uint32_t self_id, worker_id, vcpus; /* partition ids, vCPU count */
	uint32_t grant_frames;		    /* table size the fuzzer uses */
	uint32_t features, version;	    /* from CPUID */
	uint64_t os_id;			    /* guest OS ID to restore */
	uint64_t stub;			    /* first bytes of the page */
	uint64_t idt_sum;		    /* of the IDT, as loaded */
};

extern struct fz_layout fz;
/* GPA of the last event page the hypervisor accepted (0: none). */
extern volatile uint64_t fz_event_page;

/* Documented statuses, as bit indices into a status mask. */
enum fz_status_index {
	FZ_S_SUCCESS,
	FZ_S_CODE,
	FZ_S_INPUT,
	FZ_S_ALIGN,
	FZ_S_PARAM,
	FZ_S_DENIED,
	FZ_S_PSTATE,
	FZ_S_OPDENIED,
	FZ_S_NOMEM,
	FZ_S_PID,
	FZ_S_VP,
	FZ_S_NOTFOUND,
	FZ_S_PORT,
	FZ_S_CONN,
	FZ_S_BUFFERS,
	FZ_S_INUSE,
	FZ_S_GPA,
	FZ_S_WOULDBLOCK,
	FZ_S_NORES,
	FZ_S_GREF,
	FZ_S_HANDLE,
	FZ_S_COUNT,
	FZ_S_UNDOCUMENTED = FZ_S_COUNT, /* any other value */
};
#define FZ_BIT(s) (1u << (s))

/* Call forms, as docs/abi.md lists them. */
#define FZ_FAST 1u
#define FZ_MEM 2u
#define FZ_REP 4u
#define FZ_ROOT 8u

/* One call code of docs/abi.md. */
struct fz_spec {
	uint16_t code;
	uint8_t form;
	uint16_t in_size, out_size; /* memory blocks (0: none) */
	uint16_t rep_in, rep_out;   /* rep list element sizes (0: none) */
	uint32_t own;		    /* statuses of the call's own checks */
	const char *name;
};

extern const struct fz_spec fz_specs[];
extern const unsigned fz_spec_count;

const struct fz_spec *fz_spec_of(uint16_t code);
uint16_t fz_status_value(unsigned index);
/* FZ_S_* index of a status value, FZ_S_UNDOCUMENTED if none. */
unsigned fz_status_index(uint16_t status);

/* One hypercall as issued and as answered. */
struct fz_call {
	uint64_t rcx, rdx, r8;	       /* in */
	uint64_t rax, out_rdx, out_r8; /* out */
	const struct fz_spec *spec;    /* NULL: unknown code */
	int exact;		       /* >= 0: the only status docs allow */
	uint64_t in_arena, out_arena;  /* blocks the fuzzer filled / reads */
};

/*
 * The status docs/abi.md's decode steps give this call, or -1 when every
 * decode step passes (then the call's own checks decide).
 */
int fz_predict_decode(const struct fz_call *c);

/* Small rings of values the hypervisor handed out, reused as arguments. */
#define FZ_POOL 16u
struct fz_pool {
	uint64_t v[FZ_POOL];
	unsigned n, next;
};

struct fz_code_stat {
	uint64_t calls;
	uint32_t statuses; /* FZ_BIT(FZ_S_*) seen */
	uint32_t reserved;
};

/* Codes 0..0xFF each, everything above in the last slot. */
#define FZ_CODE_SLOTS 257u

struct fz_vcpu {
	uint64_t rng[4];
	unsigned index;
	uint64_t arena;
	uint64_t calls, target_calls, ud, failures;
	uint64_t msr_reads, msr_writes, msr_gp, msr_skipped;
	uint64_t status_count[FZ_S_COUNT + 1];
	struct fz_code_stat code[FZ_CODE_SLOTS];
	struct fz_pool ports, handles, conns;
};

/* xoshiro256**: fast, and the stream of each vCPU is fixed by the seed. */
static inline uint64_t fz_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t fz_next(struct fz_vcpu *z)
{
	uint64_t *s = z->rng;
	uint64_t result = fz_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = fz_rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), n > 0 (the tiny modulo bias does not matter here). */
static inline uint64_t fz_below(struct fz_vcpu *z, uint64_t n)
{
	return fz_next(z) % n;
}

/* 1 with probability pct percent. */
static inline int fz_chance(struct fz_vcpu *z, unsigned pct)
{
	return fz_below(z, 100) < pct;
}

void fz_seed(struct fz_vcpu *z, uint64_t seed, unsigned vcpu);
void fz_pool_add(struct fz_pool *p, uint64_t v);
uint64_t fz_pool_pick(struct fz_vcpu *z, struct fz_pool *p, uint64_t dflt);

/* Argument generation (hcall-fuzz-gen.c): fills *c and the arena blocks. */
void fz_gen_call(struct fz_vcpu *z, struct fz_call *c);
/* 1 when the hypervisor may write [gpa, gpa + len) for vCPU z. */
int fz_write_safe(const struct fz_vcpu *z, uint64_t gpa, uint64_t len);
/* Writes fresh grant entries (all of them, or one at random). */
void fz_grant_fill_all(struct fz_vcpu *z);
void fz_grant_refresh(struct fz_vcpu *z);

/* Synthetic MSR fuzzing (hcall-fuzz-msr.c): one random read or write. */
void fz_msr_op(struct fz_vcpu *z);

/*
 * Hypercall page windows: a vCPU that may disable the partition's
 * hypercall page holds fz_msr_lock, and fz_window_gen is odd meanwhile,
 * so a #UD another vCPU gets then is expected.
 */
extern volatile uint32_t fz_msr_lock;
extern volatile uint64_t fz_window_gen;
int fz_msr_trylock(void);
void fz_msr_lock_spin(void);
void fz_msr_unlock(void);

/*
 * Re-enabling the hypercall page at its own GPFN rewrites it (all int3,
 * then the stub): a vCPU calling through it meanwhile would run int3. So
 * the window holder quiesces the others for that write: fz_issue waits
 * while fz_quiesce is set and marks itself in fz_in_call during a call.
 */
void fz_call_enter(unsigned vcpu);
void fz_call_leave(unsigned vcpu);
void fz_quiesce_begin(unsigned vcpu);
void fz_quiesce_end(void);

/* Issues c (any code, any form) and records a #UD instead of crashing. */
void fz_issue(struct fz_vcpu *z, struct fz_call *c, int *ud, int *ud_ok);

/* A failed check: counted, and the first few are printed with registers. */
void fz_fail(struct fz_vcpu *z, const struct fz_call *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* pt_printf that never runs while the hypercall page may be disabled. */
void fz_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Hypervisor time in ns, or 0 while the clock page is being re-enabled. */
uint64_t fz_now_ns(void);

#endif
