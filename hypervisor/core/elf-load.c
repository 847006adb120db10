// SPDX-License-Identifier: GPL-2.0-only
/* Loads an ELF64 guest image's segments into guest memory, checking all. */
#include <hv/elf-load.h>
#include <string.h>

/* The few ELF64 fields we need, as laid out in the ELF specification. */
struct elf64_header {
	u8 ident[16];
	u16 type;
	u16 machine;
	u32 version;
	u64 entry;
	u64 phoff;
	u64 shoff;
	u32 flags;
	u16 ehsize;
	u16 phentsize;
	u16 phnum;
	u16 shentsize;
	u16 shnum;
	u16 shstrndx;
};

struct elf64_phdr {
	u32 type;
	u32 flags;
	u64 offset;
	u64 vaddr;
	u64 paddr;
	u64 filesz;
	u64 memsz;
	u64 align;
};

#define ELF_CLASS64 2
#define ELF_DATA_LSB 1
#define ELF_TYPE_EXEC 2
#define ELF_MACHINE_X86_64 62
#define ELF_PT_LOAD 1
#define ELF_MAX_PHDRS 64

static const struct elf64_phdr *phdr_at(const void *image, u64 phoff, u32 i)
{
	return (const struct elf64_phdr *)((const u8 *)image + phoff +
					   (u64)i * sizeof(struct elf64_phdr));
}

static int check_header(const struct elf64_header *h, u64 size,
			const char **why)
{
	static const u8 magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (size < sizeof(*h) || memcmp(h->ident, magic, 4) != 0) {
		*why = "not an ELF file";
		return -1;
	}
	if (h->ident[4] != ELF_CLASS64 || h->ident[5] != ELF_DATA_LSB ||
	    h->machine != ELF_MACHINE_X86_64) {
		*why = "not a little-endian x86-64 ELF64 file";
		return -1;
	}
	if (h->type != ELF_TYPE_EXEC) {
		*why = "not an executable (ET_EXEC) image";
		return -1;
	}
	if (h->phentsize != sizeof(struct elf64_phdr) || h->phnum == 0 ||
	    (h->phoff & 7) || h->phnum > ELF_MAX_PHDRS || h->phoff > size ||
	    (u64)h->phnum * sizeof(struct elf64_phdr) > size - h->phoff) {
		*why = "program headers missing or outside the file";
		return -1;
	}
	return 0;
}

static int check_segments(const void *image, u64 size,
			  const struct elf64_header *h, u64 min_gpa,
			  u64 max_gpa, struct elf_image_info *info,
			  const char **why)
{
	bool entry_ok = false;

	info->lo = ~0ull;
	info->hi = 0;
	for (u32 i = 0; i < h->phnum; i++) {
		const struct elf64_phdr *ph = phdr_at(image, h->phoff, i);

		if (ph->type != ELF_PT_LOAD)
			continue;
		/* Checked for every PT_LOAD: the copy loop trusts filesz. */
		if (ph->filesz > ph->memsz || ph->offset > size ||
		    ph->filesz > size - ph->offset) {
			*why = "a segment's file contents lie outside the file";
			return -1;
		}
		if (ph->memsz == 0)
			continue;
		if (ph->paddr < min_gpa || ph->paddr >= max_gpa ||
		    ph->memsz > max_gpa - ph->paddr) {
			*why = "a segment lies outside the partition's memory";
			return -1;
		}
		info->lo = MIN(info->lo, ph->paddr);
		info->hi = MAX(info->hi, ph->paddr + ph->memsz);
		if (h->entry >= ph->paddr && h->entry < ph->paddr + ph->memsz)
			entry_ok = true;
	}
	if (info->hi == 0) {
		*why = "no loadable segment";
		return -1;
	}
	if (!entry_ok) {
		*why = "the entry point is not inside a loaded segment";
		return -1;
	}
	info->entry = h->entry;
	return 0;
}

int elf_load(const void *image, u64 size, u64 min_gpa, u64 max_gpa,
	     elf_copy_fn copy, void *ctx, struct elf_image_info *info,
	     const char **why)
{
	const struct elf64_header *h = image;

	if (check_header(h, size, why) ||
	    check_segments(image, size, h, min_gpa, max_gpa, info, why))
		return -1;
	for (u32 i = 0; i < h->phnum; i++) {
		const struct elf64_phdr *ph = phdr_at(image, h->phoff, i);

		if (ph->type != ELF_PT_LOAD || ph->filesz == 0)
			continue;
		if (copy(ctx, ph->paddr, (const u8 *)image + ph->offset,
			 ph->filesz)) {
			*why = "could not write a segment to guest memory";
			return -1;
		}
	}
	return 0;
}
