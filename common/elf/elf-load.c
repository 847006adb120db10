// SPDX-License-Identifier: GPL-2.0-only
/* Loads an ELF64 guest image's segments into guest memory, checking all. */
#include "elf-load.h"
#include <stdbool.h>
#include <string.h>

#define ELF_MIN(a, b) ((a) < (b) ? (a) : (b))
#define ELF_MAX(a, b) ((a) > (b) ? (a) : (b))

/* The few ELF64 fields we need, as laid out in the ELF specification. */
struct elf64_header {
	uint8_t ident[16];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
	uint16_t shstrndx;
};

struct elf64_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

#define ELF_CLASS64 2
#define ELF_DATA_LSB 1
#define ELF_TYPE_EXEC 2
#define ELF_MACHINE_X86_64 62
#define ELF_PT_LOAD 1
#define ELF_MAX_PHDRS 64

static const struct elf64_phdr *phdr_at(const void *image, uint64_t phoff,
					uint32_t i)
{
	return (const struct elf64_phdr *)((const uint8_t *)image + phoff +
					   (uint64_t)i *
						   sizeof(struct elf64_phdr));
}

static int check_header(const struct elf64_header *h, uint64_t size,
			const char **why)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

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
	    (uint64_t)h->phnum * sizeof(struct elf64_phdr) > size - h->phoff) {
		*why = "program headers missing or outside the file";
		return -1;
	}
	return 0;
}

static int check_segments(const void *image, uint64_t size,
			  const struct elf64_header *h, uint64_t min_gpa,
			  uint64_t max_gpa, struct elf_image_info *info,
			  const char **why)
{
	bool entry_ok = false;

	info->lo = ~0ull;
	info->hi = 0;
	for (uint32_t i = 0; i < h->phnum; i++) {
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
		info->lo = ELF_MIN(info->lo, ph->paddr);
		info->hi = ELF_MAX(info->hi, ph->paddr + ph->memsz);
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

int elf_load(const void *image, uint64_t size, uint64_t min_gpa,
	     uint64_t max_gpa, elf_copy_fn copy, void *ctx,
	     struct elf_image_info *info, const char **why)
{
	const struct elf64_header *h = image;

	if (check_header(h, size, why) ||
	    check_segments(image, size, h, min_gpa, max_gpa, info, why))
		return -1;
	for (uint32_t i = 0; i < h->phnum; i++) {
		const struct elf64_phdr *ph = phdr_at(image, h->phoff, i);

		if (ph->type != ELF_PT_LOAD || ph->filesz == 0)
			continue;
		if (copy(ctx, ph->paddr, (const uint8_t *)image + ph->offset,
			 ph->filesz)) {
			*why = "could not write a segment to guest memory";
			return -1;
		}
	}
	return 0;
}
