// SPDX-License-Identifier: GPL-2.0-only
/* The ioctl fuzzer's seeded RNG, its memory and the pointers it passes. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "ioctl-fuzz.h"

const char *const fz_kind_names[FZ_KINDS] = { "dev", "evtchn", "gntdev",
					      "msg" };

static uint64_t rng_state;

void fz_seed(uint64_t seed)
{
	rng_state = seed;
}

uint64_t fz_rand(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint32_t fz_below(uint32_t n)
{
	return n ? (uint32_t)(fz_rand() % n) : 0;
}

int fz_chance(uint32_t percent)
{
	return fz_below(100) < percent;
}

struct fz_mem fz_mem;

/*
 * One reservation holds every page the fuzzer hands the kernel, each
 * region fenced by inaccessible pages, so that no pointer it passes, at
 * any length up to a page, reaches memory outside it (its heap, stack,
 * the watchdog's stack):
 *
 *   0 none | 1-8 arena | 9 none | 10 read-only | 11 none |
 *   12 writable, 13 none: the guard | 14 none | 15 unmapped | 16 none
 *
 * The unmapped page is a one-page hole between inaccessible pages; a page
 * unmapped at the edge of the address space in use would be handed out
 * again by the next mmap.
 */
#define RESERVED_PAGES 17u
static uint8_t *reserved;

int fz_mem_init(void)
{
	void *p = mmap(NULL, RESERVED_PAGES * FZ_PAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("ioctl-fuzz: reserving its memory");
		return -1;
	}
	reserved = p;
	fz_mem.arena = reserved + 1 * FZ_PAGE;
	fz_mem.ro = reserved + 10 * FZ_PAGE;
	fz_mem.guard = reserved + 12 * FZ_PAGE;
	fz_mem.unmapped = reserved + 15 * FZ_PAGE;
	if (mprotect(fz_mem.arena, FZ_ARENA_PAGES * FZ_PAGE,
		     PROT_READ | PROT_WRITE) ||
	    mprotect(fz_mem.ro, FZ_PAGE, PROT_READ) ||
	    mprotect(fz_mem.guard, FZ_PAGE, PROT_READ | PROT_WRITE) ||
	    munmap(fz_mem.unmapped, FZ_PAGE)) {
		perror("ioctl-fuzz: setting up its memory");
		return -1;
	}
	/* Present from the start: QUERY_PAGES and pagemap need frames. */
	memset(fz_mem.arena, 0, FZ_ARENA_PAGES * FZ_PAGE);
	memset(fz_mem.guard, 0, FZ_PAGE);
	return 0;
}

int fz_ro_fill(size_t off, const void *src, size_t len)
{
	if (off + len > FZ_PAGE ||
	    mprotect(fz_mem.ro, FZ_PAGE, PROT_READ | PROT_WRITE))
		return -1;
	memcpy(fz_mem.ro + off, src, len);
	return mprotect(fz_mem.ro, FZ_PAGE, PROT_READ);
}

/* Addresses no user process can own, and one user address near the top. */
static const uint64_t kernel_addrs[] = {
	0xffff888000000000ull, /* the direct map */
	0xffffffff81000000ull, /* kernel text */
	0xffffffffff600000ull, /* the vsyscall page */
};
static const uint64_t noncanonical_addrs[] = {
	0x0000800000000000ull, 0x8000000000000000ull,
	0x00007ffffffff000ull, /* the first page above user space */
};

static uint64_t block_page(void)
{
	/* Page 0 is the request's own structure. */
	return (uint64_t)(uintptr_t)(fz_mem.arena +
				     (1 + fz_below(FZ_ARENA_PAGES - 1)) *
					     FZ_PAGE);
}

uint64_t fz_pointer(enum fz_ptr kind, size_t len)
{
	switch (kind) {
	case FZ_PTR_GOOD:
		return block_page();
	case FZ_PTR_MISALIGNED:
		return block_page() + 1 + fz_below(7);
	case FZ_PTR_NULL:
		return 0;
	case FZ_PTR_SMALL:
		return 1 + fz_below(FZ_PAGE - 1);
	case FZ_PTR_KERNEL:
		return kernel_addrs[fz_below(3)];
	case FZ_PTR_NONCANONICAL:
		return noncanonical_addrs[fz_below(3)];
	case FZ_PTR_UNMAPPED:
		return (uint64_t)(uintptr_t)fz_mem.unmapped + fz_below(FZ_PAGE);
	case FZ_PTR_STRADDLE:
		/* Half in the last writable page, half in the guard. */
		return (uint64_t)(uintptr_t)(fz_mem.guard + FZ_PAGE) -
		       (len > 1 ? len / 2 : 0);
	case FZ_PTR_READONLY:
		return (uint64_t)(uintptr_t)fz_mem.ro;
	default:
		return ~0ull;
	}
}

enum fz_ptr fz_pointer_kind(void)
{
	if (fz_chance(75))
		return FZ_PTR_GOOD;
	return (enum fz_ptr)fz_below(FZ_PTR_KINDS);
}

static int inside(uint64_t addr, uint64_t len, const uint8_t *base, size_t size)
{
	uint64_t b = (uint64_t)(uintptr_t)base;

	return addr >= b && addr - b <= size && len <= size - (addr - b);
}

/* Below mmap_min_addr, or not a user address at all: never mapped. */
#define LOW_LIMIT 0x10000ull
#define USER_LIMIT 0x00007ffffffff000ull

uint64_t fz_pointer_sane(uint64_t ptr)
{
	uint64_t base = (uint64_t)(uintptr_t)reserved;

	if (ptr < LOW_LIMIT || ptr >= USER_LIMIT ||
	    (ptr >= base && ptr - base < RESERVED_PAGES * FZ_PAGE))
		return ptr;
	return fz_pointer(fz_pointer_kind(), 64);
}

int fz_user_address(uint64_t ptr)
{
	return ptr < USER_LIMIT;
}

int fz_range_ok(uint64_t addr, uint64_t len, int write)
{
	if (!len)
		return 1; /* a copy of nothing never faults */
	if (inside(addr, len, fz_mem.arena, FZ_ARENA_PAGES * FZ_PAGE) ||
	    inside(addr, len, fz_mem.guard, FZ_PAGE))
		return 1;
	return !write && inside(addr, len, fz_mem.ro, FZ_PAGE);
}
