// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the guest image loader (core/elf-load.c). */
#include <criterion/criterion.h>
#include <elf.h>
#include <elf-load.h>
#include <string.h>

#include "hv-shim.h"
#include "test-util.h"

#define MIN_GPA 0x100000ull
#define MAX_GPA 0x200000ull

static u64 image_buf[4096]; /* 32 KiB, 8-byte aligned */
static u8 guest[MAX_GPA];
static u32 copies;
static int fail_copy_on; /* 1-based copy call that fails; 0: none */
static struct {
	u64 gpa, len;
} copy_log[8];

static int fake_copy(void *ctx, u64 gpa, const void *src, u64 len)
{
	cr_assert_eq(ctx, guest);
	cr_assert(gpa >= MIN_GPA && gpa + len <= MAX_GPA, "copy outside");
	if (copies < ARRAY_SIZE(copy_log)) {
		copy_log[copies].gpa = gpa;
		copy_log[copies].len = len;
	}
	if ((int)++copies == fail_copy_on)
		return -1;
	memcpy(guest + gpa, src, len);
	return 0;
}

static void setup(void)
{
	shim_reset();
	memset(guest, 0xCC, sizeof(guest));
	copies = 0;
	fail_copy_on = 0;
}

TestSuite(elf, .init = setup);

static Elf64_Ehdr *eh(void)
{
	return (Elf64_Ehdr *)image_buf;
}

static Elf64_Phdr *ph(u32 i)
{
	return (Elf64_Phdr *)((u8 *)image_buf + eh()->e_phoff) + i;
}

/* Two loadable segments, one note, one empty PT_LOAD. */
static size_t good_image(void)
{
	static const struct test_segment seg[] = {
		{ PT_LOAD, 0x100000, 100, 0x1000 },
		{ PT_NOTE, 0x300000, 20, 20 },
		{ PT_LOAD, 0x180000, 300, 0x3000 },
		{ PT_LOAD, 0x190000, 0, 0 },
	};

	return test_elf_build(image_buf, sizeof(image_buf), 0x180010, seg,
			      ARRAY_SIZE(seg));
}

static int load(size_t size, struct elf_image_info *info, const char **why)
{
	*why = NULL;
	return elf_load(image_buf, size, MIN_GPA, MAX_GPA, fake_copy, guest,
			info, why);
}

/* Loads `size` bytes expecting failure with `reason` and no copy at all. */
static void expect_reject(size_t size, const char *reason)
{
	struct elf_image_info info;
	const char *why;

	cr_assert_eq(load(size, &info, &why), -1, "accepted; wanted '%s'",
		     reason);
	cr_assert_not_null(why);
	cr_assert_str_eq(why, reason);
	cr_assert_eq(copies, 0, "copied before validating everything");
}

Test(elf, good_image_loads_segments_at_their_gpas)
{
	struct elf_image_info info;
	size_t size = good_image();
	const char *why;

	cr_assert_eq(load(size, &info, &why), 0, "%s", why);
	cr_assert_eq(info.entry, 0x180010);
	cr_assert_eq(info.lo, 0x100000);
	cr_assert_eq(info.hi, 0x183000);
	cr_assert_eq(copies, 2, "the note and the empty segment are skipped");
	cr_assert_eq(copy_log[0].gpa, 0x100000);
	cr_assert_eq(copy_log[0].len, 100);
	cr_assert_eq(copy_log[1].gpa, 0x180000);
	cr_assert_eq(copy_log[1].len, 300);
	for (u64 i = 0; i < 100; i++)
		cr_assert_eq(guest[0x100000 + i], test_elf_byte(0, i));
	for (u64 i = 0; i < 300; i++)
		cr_assert_eq(guest[0x180000 + i], test_elf_byte(2, i));
	/* Only file bytes are copied: the rest relies on zeroed frames. */
	cr_assert_eq(guest[0x100000 + 100], 0xCC);
	cr_assert_eq(guest[0x180000 + 300], 0xCC);
}

Test(elf, bss_only_segment_is_not_copied)
{
	static const struct test_segment seg[] = {
		{ PT_LOAD, 0x100000, 0, 0x2000 },
	};
	struct elf_image_info info;
	size_t size =
		test_elf_build(image_buf, sizeof(image_buf), 0x101000, seg, 1);
	const char *why;

	cr_assert_eq(load(size, &info, &why), 0, "%s", why);
	cr_assert_eq(copies, 0);
	cr_assert_eq(info.hi, 0x102000);
}

Test(elf, segment_may_end_exactly_at_max)
{
	static const struct test_segment seg[] = {
		{ PT_LOAD, MAX_GPA - 0x1000, 16, 0x1000 },
	};
	struct elf_image_info info;
	size_t size = test_elf_build(image_buf, sizeof(image_buf), MAX_GPA - 1,
				     seg, 1);
	const char *why;

	cr_assert_eq(load(size, &info, &why), 0, "%s", why);
	cr_assert_eq(info.hi, MAX_GPA);
}

Test(elf, bad_magic)
{
	size_t size = good_image();

	eh()->e_ident[EI_MAG1] = 'X';
	expect_reject(size, "not an ELF file");
}

Test(elf, shorter_than_header)
{
	good_image();
	expect_reject(sizeof(Elf64_Ehdr) - 1, "not an ELF file");
	expect_reject(0, "not an ELF file");
}

Test(elf, not_64_bit)
{
	size_t size = good_image();

	eh()->e_ident[EI_CLASS] = ELFCLASS32;
	expect_reject(size, "not a little-endian x86-64 ELF64 file");
}

Test(elf, big_endian)
{
	size_t size = good_image();

	eh()->e_ident[EI_DATA] = ELFDATA2MSB;
	expect_reject(size, "not a little-endian x86-64 ELF64 file");
}

Test(elf, wrong_machine)
{
	size_t size = good_image();

	eh()->e_machine = EM_AARCH64;
	expect_reject(size, "not a little-endian x86-64 ELF64 file");
}

Test(elf, not_et_exec)
{
	size_t size = good_image();

	eh()->e_type = ET_DYN;
	expect_reject(size, "not an executable (ET_EXEC) image");
	eh()->e_type = ET_REL;
	expect_reject(size, "not an executable (ET_EXEC) image");
}

Test(elf, program_headers_outside_the_file)
{
	const char *reason = "program headers missing or outside the file";
	size_t size = good_image();

	eh()->e_phoff = size + 8;
	expect_reject(size, reason);
	eh()->e_phoff = ~0ull - 7; /* would wrap when added */
	expect_reject(size, reason);
	good_image();
	/* The table's end lies past the file's end. */
	expect_reject(sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr), reason);
	eh()->e_phnum = 0;
	expect_reject(size, reason);
	good_image();
	eh()->e_phnum = 65;
	expect_reject(size, reason);
	good_image();
	eh()->e_phentsize = sizeof(Elf64_Phdr) + 8;
	expect_reject(size, reason);
}

Test(elf, segment_outside_the_file)
{
	const char *reason = "a segment's file contents lie outside the file";
	size_t size = good_image();

	ph(2)->p_offset = size + 1;
	expect_reject(size, reason);
	good_image();
	ph(2)->p_filesz = size; /* offset + filesz > size */
	ph(2)->p_memsz = 0x10000;
	expect_reject(size, reason);
	good_image();
	ph(2)->p_offset = 8;
	ph(2)->p_filesz = ~0ull - 4; /* offset + filesz wraps */
	ph(2)->p_memsz = ~0ull;
	expect_reject(size, reason);
	good_image();
	ph(0)->p_filesz = ph(0)->p_memsz + 1; /* more file than memory */
	expect_reject(size, reason);
}

/*
 * Regression (found by fuzz-elf): a PT_LOAD with memsz 0 skipped every
 * check but was still copied, filesz bytes from any offset to any GPA.
 */
Test(elf, empty_segment_with_file_bytes_is_rejected)
{
	size_t size = good_image();

	ph(2)->p_memsz = 0;
	ph(2)->p_filesz = 1;
	ph(2)->p_offset = ~0ull - 0x100; /* far outside the file */
	ph(2)->p_paddr = 0;		 /* below the image area */
	expect_reject(size, "a segment's file contents lie outside the file");
}

Test(elf, segment_outside_partition_memory)
{
	const char *reason = "a segment lies outside the partition's memory";
	size_t size = good_image();

	ph(0)->p_paddr = MIN_GPA - 0x1000; /* below the image area */
	expect_reject(size, reason);
	good_image();
	ph(2)->p_paddr = MAX_GPA; /* at the end */
	expect_reject(size, reason);
	good_image();
	ph(2)->p_memsz = MAX_GPA - 0x180000 + 1; /* one byte too long */
	expect_reject(size, reason);
}

Test(elf, overflowing_memsz)
{
	size_t size = good_image();

	/* paddr + memsz wraps to a small number. */
	ph(2)->p_memsz = ~0ull - 0x180000 + 0x1000;
	expect_reject(size, "a segment lies outside the partition's memory");
}

Test(elf, entry_outside_every_segment)
{
	const char *reason = "the entry point is not inside a loaded segment";
	size_t size = good_image();

	eh()->e_entry = 0x183000; /* one past the second segment */
	expect_reject(size, reason);
	eh()->e_entry = 0x300000; /* inside the note only */
	expect_reject(size, reason);
	eh()->e_entry = 0x182FFF; /* last byte: accepted */
	cr_assert_eq(load(size, &(struct elf_image_info){ 0 },
			  &(const char *){ NULL }),
		     0);
}

Test(elf, no_loadable_segment)
{
	static const struct test_segment seg[] = {
		{ PT_NOTE, 0x100000, 16, 16 },
		{ PT_LOAD, 0x100000, 0, 0 },
	};
	size_t size = test_elf_build(image_buf, sizeof(image_buf), 0x100000,
				     seg, ARRAY_SIZE(seg));

	expect_reject(size, "no loadable segment");
}

Test(elf, failed_copy_is_reported)
{
	struct elf_image_info info;
	size_t size = good_image();
	const char *why;

	fail_copy_on = 2;
	cr_assert_eq(load(size, &info, &why), -1);
	cr_assert_str_eq(why, "could not write a segment to guest memory");
}

Test(elf, bad_late_segment_stops_before_any_copy)
{
	size_t size = good_image();

	/* Segment 0 is fine; segment 2 is not: nothing may be written. */
	ph(2)->p_paddr = 0x10000000;
	expect_reject(size, "a segment lies outside the partition's memory");
	cr_assert_eq(guest[0x100000], 0xCC);
}

/*
 * Regression (fixed): elf-load.c check_header() accepts any e_phoff, and phdr_at() then
 * reads program headers through a misaligned struct pointer (undefined
 * behaviour; UBSan aborts at elf-load.c:87)..
 */
Test(elf, misaligned_program_headers_are_rejected)
{
	size_t size = good_image();

	memmove((u8 *)image_buf + 65, (u8 *)image_buf + 64,
		4 * sizeof(Elf64_Phdr));
	eh()->e_phoff = 65;
	expect_reject(size, "program headers missing or outside the file");
}
