/* SPDX-License-Identifier: GPL-2.0-only */
/* A root and running guests over the shim, for the messaging unit tests. */
#ifndef HV_MSG_ENV_H
#define HV_MSG_ENV_H

#include <hv/hcall.h>
#include <hv/partition.h>
#include <hv/types.h>

/*
 * env_boot() builds a machine of ENV_CPUS CPUs with the root on CPU 0
 * (ENV_ROOT_PAGES of RAM) and a frame pool; env_guest() creates,
 * populates and starts a guest of 2 MiB through the root's lifecycle
 * calls, as the root's tool does. Guests and the root get their pages at
 * the GPAs below (each partition's own RAM).
 */
#define ENV_CPUS 4
#define ENV_ROOT_PAGES 96
/* Pool frames for the root and n started guests, with room to spare:
 * smaller pools keep each test quick (fewer pages to fault in and scan). */
#define ENV_POOL_FOR(n) (ENV_ROOT_PAGES + 64 + (n)*ENV_GUEST_FRAMES + 64)
#define ENV_MIB (1ull << 20)
#define ENV_GUEST_BYTES (2 * ENV_MIB)
/* Frames of a started 2 MiB guest: RAM and its nested tables. */
#define ENV_GUEST_FRAMES (512 + 3 + 1)

/* In every partition (root and guests). */
#define ENV_IN_GPA 0x12000ull	 /* input blocks */
#define ENV_OUT_GPA 0x13000ull	 /* output blocks */
#define ENV_HCALL_GPA 0x14000ull /* hypercall page (guests) */
#define ENV_VPAP_GPA 0x15000ull	 /* vCPU i's VPAP at + i pages */
#define ENV_EVENT_GPA 0x20000ull /* event page */
#define ENV_MSG_GPA 0x21000ull	 /* vCPU i's message page at + i pages */
#define ENV_LIST_GPA 0x30000ull	 /* rep lists: 8 pages */
#define ENV_DATA_GPA 0x40000ull	 /* free pages for data: 16 */
#define ENV_TABLE_GPA 0x80000ull /* grant table (guests): 64 pages */

extern struct partition *env_root;
extern u64 env_free0; /* free pool frames once the root is built */

void env_boot(u64 pool_frames);
/*
 * A running guest with `vcpus` vCPUs and the given caps (0: default), with
 * what the hypervisor registered for the store given up again, so the
 * test's own pages (above) are free; env_guest_seeded keeps it all.
 */
struct partition *env_guest(const char *name, u32 vcpus, u32 max_ports,
			    u32 grant_frames);
struct partition *env_guest_seeded(const char *name, u32 vcpus,
				   u32 max_ports, u32 grant_frames);
/* DESTROY from the root, taking its vCPUs off as their CPUs would;
 * returns how many entries it took. */
u32 env_destroy(u32 id);
/* Makes the next partition created get `id` (free now): ids go round. */
void env_reuse_id_next(u32 id);
/* Every frame is back in the pool and the pool is consistent. */
void env_pool_is_back(void);

/* Host address of a partition's byte at `gpa`. */
void *env_gpa(const struct partition *p, u64 gpa);
/* Registers vCPU `v`'s VP assist page (at ENV_VPAP_GPA + index pages), as
 * the guest's MSR write would; returns it. */
struct pt_vpap *env_vpap(struct vcpu *v);

/*
 * One call by vCPU `v`, re-entered while it asks to continue (as the exit
 * handler does). Returns RAX; the registers after it in *out if wanted.
 */
u64 env_call(struct vcpu *v, u64 input, u64 rdx, u64 r8,
	     struct hcall_regs *out);
/* A fast call: returns the status, RDX and R8 outputs if wanted. */
u16 env_fast(struct vcpu *v, u16 code, u64 rdx, u64 r8, u64 *rdx_out,
	     u64 *r8_out);
/* A memory call with blocks at ENV_IN_GPA/ENV_OUT_GPA: copies `in` there
 * first (if given); returns the status. */
u16 env_mem(struct vcpu *v, u16 code, const void *in, u32 in_size);
/* The caller's output block. */
void *env_out(struct vcpu *v);
/* A rep call over `count` elements; returns RAX. */
u64 env_rep(struct vcpu *v, u16 code, u32 count, u64 rdx, u64 r8);

#endif
