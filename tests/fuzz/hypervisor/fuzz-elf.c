// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness: any bytes as a guest ELF image for elf_load(). */
#include <elf-load.h>
#include <hv/types.h>
#include <partita/start-info.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The loader runs with the bounds partition_create() gives it for a 4 MiB
 * guest; the copy callback writes into a buffer of exactly that range, so
 * ASan sees any byte that would land outside it. On success every segment
 * the loader copied, and the entry point, must be where the program
 * headers (read again here) and the bounds say.
 */
#define MIN_GPA PT_GUEST_IMAGE_MIN_GPA
#define MAX_GPA (4ull << 20)
#define MAX_COPIES 64

#define check(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

struct copy_ctx {
	const uint8_t *image;
	size_t size;
	uint8_t *guest; /* GPA MIN_GPA .. MAX_GPA */
	u32 copies;
	u64 gpa[MAX_COPIES], len[MAX_COPIES];
};

static int copy(void *ctx, u64 gpa, const void *src, u64 len)
{
	struct copy_ctx *c = ctx;
	const uint8_t *s = src;

	check(len > 0 && gpa >= MIN_GPA && gpa < MAX_GPA &&
	      len <= MAX_GPA - gpa);
	check(s >= c->image && (size_t)(s - c->image) <= c->size &&
	      len <= c->size - (size_t)(s - c->image));
	check(c->copies < MAX_COPIES);
	c->gpa[c->copies] = gpa;
	c->len[c->copies++] = len;
	memcpy(c->guest + (gpa - MIN_GPA), src, len);
	return 0;
}

/* Is [gpa, gpa + len) inside a PT_LOAD segment's memory? */
static bool in_segment(const uint8_t *image, u64 gpa, u64 len)
{
	u64 phoff, paddr, memsz;
	u32 type;
	u16 phnum;

	memcpy(&phoff, image + 32, 8);
	memcpy(&phnum, image + 56, 2);
	for (u32 i = 0; i < phnum; i++) {
		const uint8_t *ph = image + phoff + i * 56ull;

		memcpy(&type, ph, 4);
		memcpy(&paddr, ph + 24, 8);
		memcpy(&memsz, ph + 40, 8);
		if (type == 1 && gpa >= paddr && gpa - paddr < memsz &&
		    len <= memsz - (gpa - paddr))
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *guest;
	struct copy_ctx c = { data, size, NULL, 0, { 0 }, { 0 } };
	struct elf_image_info info;
	const char *why = NULL;
	int ret;

	if (!guest)
		guest = malloc(MAX_GPA - MIN_GPA);
	c.guest = guest;
	ret = elf_load(data, size, MIN_GPA, MAX_GPA, copy, &c, &info, &why);
	if (ret) {
		check(ret == -1 && why && *why);
		return 0;
	}
	check(info.lo >= MIN_GPA && info.lo < info.hi && info.hi <= MAX_GPA);
	check(info.entry >= info.lo && info.entry < info.hi);
	check(in_segment(data, info.entry, 1));
	for (u32 i = 0; i < c.copies; i++) {
		check(c.gpa[i] >= info.lo && c.len[i] <= info.hi - c.gpa[i]);
		check(in_segment(data, c.gpa[i], c.len[i]));
	}
	return 0;
}
