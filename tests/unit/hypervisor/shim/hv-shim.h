/* SPDX-License-Identifier: GPL-2.0-only */
/* What tests see of the host shim: fake clock, memory, log and vCPU hooks. */
#ifndef HV_SHIM_H
#define HV_SHIM_H

#include <hv/arch.h>
#include <setjmp.h>

struct boot_info;
struct partition;

/* Fake "physical" memory starts here: far from any GPA a test uses. */
#define SHIM_PHYS_BASE 0x100000000ull

/* Clock: arch_tsc() returns shim_tsc, then adds shim_tsc_step to it. */
extern u64 shim_tsc;
extern u64 shim_tsc_step;
/* shim_reset() sets a 1 GHz TSC: one tick is one nanosecond. */
#define SHIM_TSC_KHZ 1000000ull

extern u32 shim_cpu_count;
/* CPUs below shim_cpu_count that arch_cpu_online() reports as down. */
extern u64 shim_cpu_offline_mask;

/* The root partition's arch hooks. */
extern u32 shim_root_signals;	     /* arch_root_signal() calls */
extern bool shim_root_signal_result; /* what arch_root_signal() returns */
/* Called inside each arch_root_signal(), to look at the state the root
 * would find when its interrupt arrives; NULL after shim_reset(). */
extern void (*shim_root_signal_hook)(void);
/* arch_root_build calls this; NULL makes it fail (-1). */
extern int (*shim_root_build_fn)(struct partition *p,
				 const struct boot_info *bi);

/* apic_send_ipi_mode() calls, and the arguments of the last one. */
struct shim_ipi {
	u32 dest;
	u8 vector;
	bool logical;
};
extern u32 shim_ipi_count;
extern struct shim_ipi shim_last_ipi;

/*
 * Fake memory of `bytes` (page multiple) at SHIM_PHYS_BASE; phys_to_virt()
 * maps it into a malloc'ed arena and counts any other address in
 * shim_bad_phys (returning NULL).
 */
u64 shim_mem_init(u64 bytes);
extern u64 shim_bad_phys;
/* Fake memory with a frame pool of `nframes` over it; returns its base. */
u64 shim_pool_init(u64 nframes);
/* The pool's metadata: the frame table, then the free stack. */
struct frame_info *shim_pool_table(void);
u32 *shim_pool_free_stack(void);

/* arch_npt_flush() calls (each vCPU counts its own in arch.flushes), and
 * the root's grant window base arch_root_grant_window() reports (1 GiB). */
extern u32 shim_npt_flushes;
extern u64 shim_root_window_base;
/* Root-physical addresses arch_root_ram() says are not RAM: page 0 and
 * [base, base + size), "MMIO" (none unless a test sets them). */
extern u64 shim_root_mmio_base, shim_root_mmio_size;

/* Everything written to the log port since the last shim_log_clear(). */
const char *shim_log(void);
size_t shim_log_len(void);
void shim_log_clear(void);
bool shim_log_has(const char *text);
u32 shim_log_count(const char *text);

/* Recorded hook calls. */
extern u32 shim_kicks[64];
extern u64 shim_timer_deadline;
extern u32 shim_idle_calls;
extern u32 shim_fpu_switches;
extern u32 shim_vcpu_inits;
/* arch_vcpu_init fails (-1) on this call number (1-based); 0: never. */
extern u32 shim_vcpu_init_fail_on;

/*
 * arch_vcpu_run calls this; NULL makes every vCPU give its partition up
 * (partition_end + VCPU_GONE) so that run loops always finish.
 */
extern enum vcpu_action (*shim_vcpu_run_fn)(struct vcpu *v);

/*
 * arch_halt_all and arch_poweroff longjmp here with SHIM_HALTED or
 * SHIM_POWERED_OFF when it is set; otherwise they abort the test.
 */
#define SHIM_HALTED 1
#define SHIM_POWERED_OFF 2
extern jmp_buf *shim_halt_jmp;

/* Criterion .init/.fini: a fresh shim with a 1 GHz clock at time 0. */
void shim_reset(void);
void shim_teardown(void);

#endif
