// SPDX-License-Identifier: GPL-2.0-only
/* Writes the small guest ELF images the config tests use as kernels. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct segment {
	uint64_t gpa;
	uint64_t filesz;
	uint64_t memsz;
};

struct kind {
	const char *name;
	uint16_t type;
	uint64_t entry;
	struct segment seg[2];
};

/*
 * tiny: one segment with .bss; big: a segment that needs three LOAD calls
 * and one at 2 MiB; high: loads at 4 MiB; low: below the 1 MiB image
 * start; dyn: a shared object, not an executable.
 */
static const struct kind kinds[] = {
	{ "tiny", ET_EXEC, 0x100010, { { 0x100000, 200, 0x2000 } } },
	{ "big",
	  ET_EXEC,
	  0x100000,
	  { { 0x100000, 10000, 10000 }, { 0x200000, 16, 0x10000 } } },
	{ "high", ET_EXEC, 0x400000, { { 0x400000, 64, 64 } } },
	{ "low", ET_EXEC, 0x80000, { { 0x80000, 64, 64 } } },
	{ "dyn", ET_DYN, 0x100000, { { 0x100000, 64, 64 } } },
};

/* Segment data at file offset `off` is byte (off * 7) & 0xff, for tests. */
static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 7);
}

static int write_image(const struct kind *k, FILE *f)
{
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph[2] = { 0 };
	uint64_t off = 0x1000;
	int n = k->seg[1].memsz ? 2 : 1;

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = k->type;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = k->entry;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)n;
	for (int i = 0; i < n; i++) {
		ph[i].p_type = PT_LOAD;
		ph[i].p_flags = PF_R | PF_W | PF_X;
		ph[i].p_offset = off;
		ph[i].p_vaddr = ph[i].p_paddr = k->seg[i].gpa;
		ph[i].p_filesz = k->seg[i].filesz;
		ph[i].p_memsz = k->seg[i].memsz;
		ph[i].p_align = 0x1000;
		off = (off + k->seg[i].filesz + 0xfff) & ~0xfffull;
	}
	fwrite(&eh, sizeof(eh), 1, f);
	fwrite(ph, sizeof(ph[0]), (size_t)n, f);
	for (uint64_t o = sizeof(eh) + n * sizeof(ph[0]); o < off; o++)
		fputc(o >= 0x1000 ? pattern(o) : 0, f);
	return ferror(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: make-test-elf KIND OUT\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kinds[i].name, argv[1]) != 0)
			continue;
		f = fopen(argv[2], "wb");
		if (!f || write_image(&kinds[i], f) || fclose(f)) {
			perror(argv[2]);
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "make-test-elf: unknown kind %s\n", argv[1]);
	return 2;
}
