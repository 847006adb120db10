/* SPDX-License-Identifier: GPL-2.0-only */
/* What the ioctl fuzzer's parts share: the RNG, the memory, the requests. */
#ifndef PARTITA_IOCTL_FUZZ_H
#define PARTITA_IOCTL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <partita/root-ioctl.h>

/* The four kinds of file partita.ko hands out. */
enum fz_kind { FZ_DEV, FZ_EVTCHN, FZ_GNT, FZ_MSG, FZ_KINDS };

extern const char *const fz_kind_names[FZ_KINDS];

/* splitmix64: one 64-bit state, so a seed names the whole run. */
uint64_t fz_rand(void);
void fz_seed(uint64_t seed);
uint32_t fz_below(uint32_t n); /* 0 .. n-1 */
int fz_chance(uint32_t percent);

/*
 * The fuzzer's memory (ioctl-fuzz-mem.c). Every pointer it ever passes is
 * in these regions or an address no process can own (NULL, low, kernel,
 * non-canonical): the kernel must never write into the fuzzer's own heap
 * or stacks.
 */
struct fz_mem {
	uint8_t *arena;	   /* FZ_ARENA_PAGES writable pages */
	uint8_t *ro;	   /* one read-only page (refilled by fz_ro_fill) */
	uint8_t *guard;	   /* a writable page followed by a PROT_NONE page */
	uint8_t *unmapped; /* a one-page hole between inaccessible pages */
};
#define FZ_ARENA_PAGES 8u
#define FZ_PAGE 4096u
/* Arena page 0 holds the request structure; 1.. are blocks for pointers. */
#define FZ_ARG_PAGE 0u

extern struct fz_mem fz_mem;
int fz_mem_init(void);
/* Copies len bytes into the read-only page at off; 0 or -1. */
int fz_ro_fill(size_t off, const void *src, size_t len);

/* Kinds of pointer the fuzzer passes. */
enum fz_ptr {
	FZ_PTR_GOOD,	   /* an arena block, page-aligned */
	FZ_PTR_MISALIGNED, /* an arena block + 1..7 */
	FZ_PTR_NULL,
	FZ_PTR_SMALL,	     /* 1 .. 4095 */
	FZ_PTR_KERNEL,	     /* the direct map and kernel text */
	FZ_PTR_NONCANONICAL, /* non-canonical, or just above user space */
	FZ_PTR_UNMAPPED,
	FZ_PTR_STRADDLE, /* ends in the PROT_NONE page */
	FZ_PTR_READONLY,
	FZ_PTR_ALL_ONES,
	FZ_PTR_KINDS
};

/* A pointer of that kind for an object of len bytes. */
uint64_t fz_pointer(enum fz_ptr kind, size_t len);
/* Mostly good, sometimes each of the others. */
enum fz_ptr fz_pointer_kind(void);
/* Whether len bytes at addr are the fuzzer's to read (or write). */
int fz_range_ok(uint64_t addr, uint64_t len, int write);
/*
 * ptr if it is safe to pass (the fuzzer's reservation, or an address that
 * is never mapped), else a pointer from the pool: a mutated pointer must
 * not reach the fuzzer's own heap or stacks.
 */
uint64_t fz_pointer_sane(uint64_t ptr);
int fz_user_address(uint64_t ptr); /* below the top of user space */

/* What the fuzzer remembers of the files it holds. */
#define FZ_PORTS_MAX 64u
#define FZ_CONNS_MAX 16u
struct fz_state {
	int fd[FZ_KINDS];
	uint32_t ports[FZ_PORTS_MAX];	/* bound through fd[FZ_EVTCHN] */
	uint32_t unbound[FZ_PORTS_MAX]; /* of those, offered by BIND_UNBOUND */
	unsigned int nports, nunbound;
	int ports_unknown; /* a bind succeeded whose port was not reported */
	uint32_t conns[FZ_CONNS_MAX]; /* connected through fd[FZ_MSG] */
	unsigned int nconns;
	int maps_held; /* a grant map through fd[FZ_GNT] succeeded */
};

/* The oracle's answer when the hypervisor's status decides the errno. */
#define FZ_ANY (-1)

/* One request as the driver saw it, for the oracle. */
struct fz_call {
	const struct fz_state *st;
	const uint8_t *p; /* the structure at the argument, as sent */
	int writable;	  /* the driver can write the structure back */
};

/* One request the driver knows, with how to make it valid and harmless. */
struct fz_req {
	const char *name;
	enum fz_kind kind;
	unsigned long cmd;
	unsigned int size; /* of the structure; 0 for _IO requests */
	int reads_arg;	   /* copied in, with abi_version first */
	void (*valid)(const struct fz_state *st, uint8_t *p);
	/*
	 * Applied last to every payload of this request, however mutated;
	 * NULL where no payload can harm a machine without guests.
	 */
	void (*harmless)(const struct fz_state *st, uint8_t *p);
	/*
	 * The errno the driver must answer once the structure was read and
	 * its version is right (0: success), or FZ_ANY.
	 */
	int (*expect)(const struct fz_call *c);
	uint8_t nptrs; /* uint64_t user pointers in the structure */
	uint8_t ptr_off[2];
};

extern const struct fz_req fz_reqs[];
extern const unsigned int fz_nreqs;

/* Whether an errno is one the driver documents at all. */
int fz_errno_documented(int err);

/* Whether a PT_IOC_HYPERCALL code may be made by the fuzzer. */
int fz_hcall_harmless(uint16_t code);

/* ioctl-checks.c: each malformed case and its documented errno. */
int fz_run_checks(void);

#endif
