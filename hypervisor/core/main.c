// SPDX-License-Identifier: GPL-2.0-only
/* Bring-up order of the hypervisor, and what it does when all guests end. */
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/frame.h>
#include <hv/hcall.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/root.h>
#include <hv/sched.h>
#include <partita/cpuid.h>

/* Implemented by the architecture: everything up to running guests. */
static void create_boot_guests(const struct boot_info *bi)
{
	for (u32 i = 0; i < bi->config.guest_count; i++) {
		const struct boot_guest *g = &bi->config.guests[i];
		struct partition_config pc = {
			.name = g->name,
			.cmdline = g->cmdline,
			/* boot.cfg takes any MiB count: round up to 2 MiB */
			.memory_bytes =
				ALIGN_UP(g->memory_mb << 20, 2ull << 20),
			.vcpu_count = g->vcpus,
			.weight = g->weight,
			.cpu_mask = g->cpu_mask,
			.max_event_ports = g->max_event_ports,
			.max_grant_frames = g->grant_frames,
			.image = bi->images[i].data,
			.image_size = bi->images[i].size,
		};

		partition_create(&pc);
	}
}

static void report_pool(void)
{
	struct frame_pool_stats s = frame_pool_stats();
	int check = frame_pool_check();

	hv_info("pool: %llu/%llu frames free, frame table %s",
		(unsigned long long)s.free, (unsigned long long)s.total,
		check == 0 ? "consistent" : "INCONSISTENT");
	if (check)
		hv_err("frame table check failed: %d", check);
}

static void boot_cpu_main(struct boot_info *bi)
{
	void *meta;

	arch_init_boot_cpu(bi);
	hcall_init(); /* needs the calibrated clock */
	hv_info("Partita hypervisor, interface %u.%u, %u CPU(s)",
		PT_INTERFACE_MAJOR, PT_INTERFACE_MINOR, arch_cpu_count());

	meta = heap_alloc(frame_pool_meta_size(bi->pool_frames), 8);
	frame_pool_init(bi->pool_base, bi->pool_frames, meta);
	hv_info("pool: %llu MiB at 0x%llx",
		(unsigned long long)(bi->pool_frames >> 8),
		(unsigned long long)bi->pool_base);
	sched_init(arch_cpu_count());
	root_reserve_cpu(bi);
	root_create(bi);
	/* Guests after the CPUs are up, so they only go where one runs. */
	arch_start_other_cpus(bi);
	create_boot_guests(bi);
	root_release();

	log_set_async(true);
	/* Returns on CPU 0 once no partition is left, or the root ended. */
	sched_run_cpu();
	log_set_async(false);
	log_flush();
	hv_info("%s", root_present() ? "the root partition has ended"
				     : "all partitions have ended");
	report_pool();
	if (bi->config.poweroff_when_idle) {
		hv_info("powering off");
		arch_poweroff();
	}
	hv_info("halting");
	arch_halt_all();
}

void hv_main(struct boot_info *bi)
{
	log_threshold = (enum log_level)bi->config.log_level;
	heap_init(bi->heap_base, bi->heap_size);
	arch_switch_to_boot_stack(bi, boot_cpu_main);
	arch_halt_all();
}
