// SPDX-License-Identifier: GPL-2.0-only
/* Host implementations of the arch hooks: a fake clock, log and vCPU hooks. */
#include "hv-shim.h"

#include <arch/apic.h>
#include <hv/boot-info.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <hv/percpu.h>
#include <hv/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

u64 shim_tsc;
u64 shim_tsc_step;
u32 shim_cpu_count = 1;
u64 shim_cpu_offline_mask;
u32 shim_kicks[64];
u64 shim_timer_deadline;
u32 shim_idle_calls;
u32 shim_fpu_switches;
u32 shim_vcpu_inits;
u32 shim_vcpu_init_fail_on;
enum vcpu_action (*shim_vcpu_run_fn)(struct vcpu *v);
jmp_buf *shim_halt_jmp;

/* Large enough for every test; later output is counted, not kept. */
#define SHIM_LOG_MAX (1u << 20)
static char shim_log_buf[SHIM_LOG_MAX + 1];
static size_t shim_log_used;

u64 arch_tsc(void)
{
	u64 t = shim_tsc;

	shim_tsc += shim_tsc_step;
	return t;
}

u32 arch_cpu_id(void)
{
	return 0;
}

/* What the arch keeps at the bottom of each CPU's stack, as an array. */
static struct percpu shim_percpus[MAX_CPUS];

struct percpu *arch_percpu(u32 cpu)
{
	return &shim_percpus[cpu];
}

struct percpu *arch_percpu_this(void)
{
	return &shim_percpus[arch_cpu_id()];
}

u32 arch_cpu_count(void)
{
	return shim_cpu_count;
}

bool arch_cpu_online(u32 cpu)
{
	return cpu < shim_cpu_count &&
	       !(cpu < 64 && (shim_cpu_offline_mask & BIT(cpu)));
}

u32 arch_cpu_apic_id(u32 cpu)
{
	return cpu;
}

/* The root partition's architecture part: a test hook, signals counted. */
u32 shim_root_signals;
bool shim_root_signal_result = true;
int (*shim_root_build_fn)(struct partition *p, const struct boot_info *bi);

int arch_root_build(struct partition *p, const struct boot_info *bi)
{
	return shim_root_build_fn ? shim_root_build_fn(p, bi) : -1;
}

void (*shim_root_signal_hook)(void);

bool arch_root_signal(void)
{
	shim_root_signals++;
	if (shim_root_signal_hook)
		shim_root_signal_hook();
	return shim_root_signal_result;
}

/* What notify-device.c sends: recorded, never delivered. */
u32 shim_ipi_count;
struct shim_ipi shim_last_ipi;

void apic_send_ipi_mode(u32 dest, u8 vector, bool logical)
{
	shim_ipi_count++;
	shim_last_ipi = (struct shim_ipi){ dest, vector, logical };
}

void arch_log_port_write(const char *s, size_t len)
{
	size_t n = len;

	if (n > SHIM_LOG_MAX - shim_log_used)
		n = SHIM_LOG_MAX - shim_log_used;
	memcpy(shim_log_buf + shim_log_used, s, n);
	shim_log_used += n;
	shim_log_buf[shim_log_used] = '\0';
}

const char *shim_log(void)
{
	return shim_log_buf;
}

size_t shim_log_len(void)
{
	return shim_log_used;
}

void shim_log_clear(void)
{
	shim_log_used = 0;
	shim_log_buf[0] = '\0';
}

bool shim_log_has(const char *text)
{
	return strstr(shim_log_buf, text) != NULL;
}

u32 shim_log_count(const char *text)
{
	u32 n = 0;

	for (const char *s = shim_log_buf; (s = strstr(s, text)); s++)
		n++;
	return n;
}

void arch_kick_cpu(u32 cpu)
{
	if (cpu < 64)
		shim_kicks[cpu]++;
}

void arch_timer_arm(u64 deadline_ns)
{
	shim_timer_deadline = deadline_ns;
}

void arch_irq_window(void)
{
}

void (*shim_idle_hook)(void);
void arch_idle(void)
{
	if (shim_idle_hook)
		shim_idle_hook();
	shim_idle_calls++;
	/* Nothing would ever wake a single host thread: fail loudly. */
	if (shim_idle_calls > 1000000) {
		fprintf(stderr, "shim: the scheduler idles forever\n");
		abort();
	}
}

static __attribute__((noreturn)) void shim_stop(int how, const char *what)
{
	if (shim_halt_jmp)
		longjmp(*shim_halt_jmp, how);
	fprintf(stderr, "shim: unexpected %s; log:\n%s\n", what, shim_log_buf);
	abort();
}

void arch_poweroff(void)
{
	shim_stop(SHIM_POWERED_OFF, "power-off");
}

void arch_halt_all(void)
{
	shim_stop(SHIM_HALTED, "halt");
}

void arch_fpu_switch(struct vcpu *prev, struct vcpu *next)
{
	shim_fpu_switches++;
}

int arch_vcpu_init(struct vcpu *v, u64 entry, u64 rdi, u64 rsi)
{
	if (++shim_vcpu_inits == shim_vcpu_init_fail_on)
		return -1;
	v->arch.entry = entry;
	v->arch.rdi = rdi;
	v->arch.rsi = rsi;
	v->arch.init_calls++;
	return 0;
}

void arch_vcpu_release(struct vcpu *v)
{
	v->arch.init_calls--;
}

/* One entry per call (the hypervisor's loops; the caller asks again). */
enum vcpu_action arch_vcpu_run(struct vcpu *v, u64 deadline_tsc)
{
	(void)deadline_tsc;
	v->arch.runs++;
	if (shim_vcpu_run_fn)
		return shim_vcpu_run_fn(v);
	partition_end(v->part, PT_SHUTDOWN_POWEROFF, "poweroff");
	return VCPU_GONE;
}

u32 shim_npt_flushes;
u64 shim_root_window_base = 0xFFC0000000ull;

void arch_npt_flush(struct partition *p)
{
	for (u32 i = 0; i < p->vcpu_count; i++)
		p->vcpus[i].arch.flushes++;
	shim_npt_flushes++;
}

u64 shim_root_mmio_base, shim_root_mmio_size;

bool arch_root_ram(u64 gpa)
{
	return gpa >= PAGE_SIZE &&
	       gpa - shim_root_mmio_base >= shim_root_mmio_size;
}

void arch_root_grant_window(u64 *base, u64 *size)
{
	*base = shim_root_window_base;
	*size = shim_root_window_base ? 1ull << 30 : 0;
}

/* Bring-up hooks (hv/arch.h). */

void arch_init_boot_cpu(struct boot_info *bi)
{
}

void arch_start_other_cpus(struct boot_info *bi)
{
}

void arch_switch_to_boot_stack(struct boot_info *bi,
			       void (*fn)(struct boot_info *))
{
	fn(bi);
}

void shim_reset(void)
{
	shim_tsc = 0;
	shim_tsc_step = 0;
	shim_cpu_count = 1;
	shim_cpu_offline_mask = 0;
	shim_root_signals = 0;
	shim_root_signal_result = true;
	shim_root_signal_hook = NULL;
	shim_root_build_fn = NULL;
	shim_ipi_count = 0;
	memset(&shim_last_ipi, 0, sizeof(shim_last_ipi));
	memset(shim_kicks, 0, sizeof(shim_kicks));
	shim_timer_deadline = 0;
	shim_idle_calls = 0;
	shim_fpu_switches = 0;
	shim_vcpu_inits = 0;
	shim_vcpu_init_fail_on = 0;
	shim_vcpu_run_fn = NULL;
	shim_halt_jmp = NULL;
	shim_bad_phys = 0;
	shim_npt_flushes = 0;
	shim_root_window_base = 0xFFC0000000ull;
	shim_root_mmio_base = shim_root_mmio_size = 0;
	shim_log_clear();
	time_init(0, SHIM_TSC_KHZ);
	hcall_init();
}
