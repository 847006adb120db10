// SPDX-License-Identifier: GPL-2.0-only
/* Builds the root partition: what it may see, its e820 map, its vCPU. */
#include <arch/e820.h>
#include <arch/root.h>
#include <arch/x86.h>
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/log.h>
#include <hv/memory-map.h>
#include <hv/partition.h>
#include <hv/root.h>

#define GIB (1ull << 30)
#define MIB2 (2ull << 20)

static struct e820_entry e820[E820_MAX_ENTRIES];
static u32 e820_count; /* the machine's entries, before the grant window */
/* The top GiB of the physical address space: the root's grant window. */
#define GRANT_WINDOW_SIZE GIB
static u64 grant_window_base;

void arch_root_grant_window(u64 *base, u64 *size)
{
	*base = grant_window_base;
	*size = grant_window_base ? GRANT_WINDOW_SIZE : 0;
}

bool arch_root_ram(u64 gpa)
{
	if (gpa < PAGE_SIZE)
		return false;
	for (u32 i = 0; i < e820_count; i++)
		if (e820[i].type == E820_RAM &&
		    gpa - e820[i].addr < e820[i].size)
			return true;
	return false;
}

/* The hypervisor's image and heap, and the guest pool. The page that
 * started the other CPUs is not hidden: it is unused once they run. */
static void collect_hidden(const struct boot_info *bi)
{
	struct machine_memory *m = &machine_memory;

	m->hidden[0] = (struct mem_range){ bi->image_base, bi->image_size };
	m->hidden[1] = (struct mem_range){ bi->heap_base, bi->heap_size };
	m->hidden[2] = (struct mem_range){ bi->pool_base,
					   bi->pool_frames * PAGE_SIZE };
	m->hidden_count = 3;
	m->hypervisor_bytes = bi->image_size + bi->heap_size;
}

/*
 * Everything the CPU can address is identity-mapped for the root, RAM and
 * MMIO alike, in the largest pages that avoid the hidden ranges; those stay
 * unmapped, so a root access to them is a nested page fault.
 */
static int map_identity(struct partition *p, u64 top)
{
	const struct machine_memory *m = &machine_memory;
	u64 gpa = 0;

	while (gpa < top) {
		u64 size = PAGE_SIZE;

		if (!(gpa & (GIB - 1)) && gpa + GIB <= top &&
		    !mem_range_overlaps(m->hidden, m->hidden_count, gpa, GIB))
			size = GIB;
		else if (!(gpa & (MIB2 - 1)) &&
			 !mem_range_overlaps(m->hidden, m->hidden_count, gpa,
					     MIB2))
			size = MIB2;
		if (size != PAGE_SIZE ||
		    !mem_range_overlaps(m->hidden, m->hidden_count, gpa,
					PAGE_SIZE)) {
			if (arch_npt_map_large(p, gpa, gpa, size, NPT_RWX))
				return -1;
		}
		gpa += size;
	}
	return 0;
}

static u64 physical_address_top(void)
{
	struct cpuid_regs r;

	cpuid(0x80000008, 0, &r);
	return 1ull << MIN(r.eax & 0xFF, 48u);
}

int arch_root_build(struct partition *p, const struct boot_info *bi)
{
	struct linux_start start;
	int n;

	collect_hidden(bi);
	n = e820_from_efi(bi->memory_map.descriptors, bi->memory_map.size,
			  bi->memory_map.descriptor_size, machine_memory.hidden,
			  machine_memory.hidden_count, e820, E820_MAX_ENTRIES,
			  &machine_memory.ram_bytes);
	if (n < 0) {
		hv_err("root: the memory map needs more than %u e820 entries",
		       E820_MAX_ENTRIES);
		return -1;
	}
	e820_count = (u32)n;
	for (int i = 0; i < n; i++) {
		if (e820[i].type == E820_RAM)
			machine_memory.root_ram_bytes += e820[i].size;
	}
	p->memory_bytes = physical_address_top();
	/*
	 * The grant window is the top GiB of what the CPU can address: no
	 * firmware puts RAM or PCI apertures there on the machines we run
	 * on, and an e820 "reserved" entry keeps Linux from placing
	 * anything there itself. It stays out of the identity map; granted
	 * frames are mapped into it page by page.
	 */
	grant_window_base = p->memory_bytes - GRANT_WINDOW_SIZE;
	if (n < E820_MAX_ENTRIES &&
	    e820[n - 1].addr + e820[n - 1].size <= grant_window_base) {
		e820[n++] =
			(struct e820_entry){ grant_window_base,
					     GRANT_WINDOW_SIZE, E820_RESERVED };
	} else {
		hv_warn("root: no room for the grant window in e820");
		grant_window_base = 0;
	}
	if (arch_npt_init(p) ||
	    map_identity(p, grant_window_base ? grant_window_base
					      : p->memory_bytes)) {
		hv_err("root: no pool memory left for its nested page tables");
		return -1;
	}
	root_io_init();
	if (linux_prepare_boot(bi, e820, (u32)n, &start))
		return -1;
	if (arch_vcpu_init_root(&p->vcpus[0], &start))
		return -1;
	hv_info("root: %d e820 entries, %llu MiB RAM, entry 0x%llx", n,
		(unsigned long long)(machine_memory.ram_bytes >> 20),
		(unsigned long long)start.entry);
	return 0;
}

bool arch_root_signal(void)
{
	return notify_device_signal();
}
