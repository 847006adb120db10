// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by the hypervisor unit tests: ELF images, test partitions. */
#include "test-util.h"

#include <elf.h>
#include <hv/arch.h>
#include <hv/frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

u8 test_elf_byte(u32 seg, u64 off)
{
	return (u8)(0x40 + seg * 0x31 + off * 7);
}

size_t test_elf_build(void *buf, size_t cap, u64 entry,
		      const struct test_segment *seg, u32 n)
{
	Elf64_Ehdr *eh = buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(eh + 1);
	size_t off = ALIGN_UP(sizeof(*eh) + n * sizeof(*ph), 16);

	for (u32 i = 0; i < n; i++)
		off += ALIGN_UP(seg[i].filesz, 16);
	if (off > cap) {
		fprintf(stderr, "test_elf_build: %zu bytes needed\n", off);
		abort();
	}
	memset(buf, 0, off);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = (u16)n;
	off = ALIGN_UP(sizeof(*eh) + n * sizeof(*ph), 16);
	for (u32 i = 0; i < n; i++) {
		ph[i].p_type = seg[i].type;
		ph[i].p_flags = PF_R | PF_W | PF_X;
		ph[i].p_offset = off;
		ph[i].p_vaddr = seg[i].paddr;
		ph[i].p_paddr = seg[i].paddr;
		ph[i].p_filesz = seg[i].filesz;
		ph[i].p_memsz = seg[i].memsz;
		ph[i].p_align = 16;
		for (u64 b = 0; b < seg[i].filesz; b++)
			((u8 *)buf)[off + b] = test_elf_byte(i, b);
		off += ALIGN_UP(seg[i].filesz, 16);
	}
	return off;
}

void test_partition_init(struct partition *p, u32 id, u64 memory_bytes)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->state = PART_STATE_RUNNING;
	snprintf(p->name, sizeof(p->name), "test%u", id);
	p->memory_bytes = memory_bytes;
	p->vcpu_count = 1;
	p->weight = 256;
	p->cpu_mask = 1;
	p->vcpus_alive = 1;
	p->vcpus[0].part = p;
	if (arch_npt_init(p))
		abort();
	for (u64 gpa = 0; gpa < memory_bytes; gpa += PAGE_SIZE) {
		u64 hpa = frame_alloc((u16)id, FRAME_KIND_RAM);

		if (!hpa || arch_npt_map(p, gpa, hpa, NPT_RWX))
			abort();
	}
}

void *test_gpa(const struct partition *p, u64 gpa)
{
	u32 flags;
	u64 hpa = arch_npt_lookup(p, gpa, &flags);

	if (hpa == NPT_NO_PAGE)
		abort();
	return phys_to_virt(hpa);
}
