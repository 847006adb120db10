// SPDX-License-Identifier: MIT
/* The buffer-pool allocator of the virtio driver side, on the host. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <partita-guest/virtio.h>

static uint8_t mem[16 * 4096];
static struct pt_vpool pool;

static void setup(void)
{
	cr_assert_eq(pt_vpool_init(&pool, mem, sizeof(mem)), 0);
}

TestSuite(vpool, .init = setup);

Test(vpool, init_refuses_bad_sizes)
{
	struct pt_vpool p;

	cr_expect_eq(pt_vpool_init(&p, NULL, 4096), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vpool_init(&p, mem, 0), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vpool_init(&p, mem, 100), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vpool_init(&p, mem, PT_VPOOL_BYTES_MAX + 4096),
		     -PT_DEV_EINVAL);
	cr_expect_eq(pt_vpool_init(&p, mem, PT_VPOOL_BYTES_MAX), 0);
}

Test(vpool, allocations_are_aligned_disjoint_and_inside)
{
	uint32_t off[100], len[100];

	for (int i = 0; i < 100; i++) {
		len[i] = 1 + (uint32_t)(i * 37 % 500);
		cr_assert_eq(pt_vpool_alloc(&pool, len[i], &off[i]), 0, "%d",
			     i);
		cr_expect_eq(off[i] % PT_VPOOL_GRANULE, 0);
		cr_expect_leq(off[i] + len[i], sizeof(mem));
		for (int j = 0; j < i; j++)
			cr_expect(off[i] + len[i] <= off[j] ||
					  off[j] + len[j] <= off[i],
				  "%d overlaps %d", i, j);
	}
	for (int i = 0; i < 100; i++)
		cr_expect_eq(pt_vpool_free(&pool, off[i], len[i]), 0);
	cr_expect_eq(pt_vpool_free_bytes(&pool), sizeof(mem));
}

Test(vpool, exhaustion_then_reuse)
{
	uint32_t off, n = 0;

	while (pt_vpool_alloc(&pool, 4096, &off) == 0)
		n++;
	cr_expect_eq(n, 16);
	cr_expect_eq(pt_vpool_alloc(&pool, 1, &off), -PT_DEV_EAGAIN);
	cr_expect_eq(pt_vpool_free(&pool, 5 * 4096, 4096), 0);
	cr_expect_eq(pt_vpool_alloc(&pool, 4096, &off), 0);
	cr_expect_eq(off, 5 * 4096);
}

Test(vpool, fragmentation_reports_again_not_corruption)
{
	uint32_t off[64];

	for (int i = 0; i < 64; i++)
		cr_assert_eq(pt_vpool_alloc(&pool, 1024, &off[i]), 0);
	/* Free every other block: 32 KiB free, but no 2 KiB run. */
	for (int i = 0; i < 64; i += 2)
		cr_assert_eq(pt_vpool_free(&pool, off[i], 1024), 0);
	cr_expect_eq(pt_vpool_free_bytes(&pool), 32 * 1024);
	cr_expect_eq(pt_vpool_alloc(&pool, 2048, &off[0]), -PT_DEV_EAGAIN);
	cr_expect_eq(pt_vpool_alloc(&pool, 1024, &off[0]), 0);
}

Test(vpool, bad_frees_are_refused_whole)
{
	uint32_t a, b;

	cr_assert_eq(pt_vpool_alloc(&pool, 128, &a), 0);
	cr_assert_eq(pt_vpool_alloc(&pool, 128, &b), 0);
	cr_expect_eq(pt_vpool_free(&pool, a, 0), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vpool_free(&pool, a + 1, 64), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vpool_free(&pool, sizeof(mem), 64), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vpool_free(&pool, 4096, UINT32_MAX), -PT_DEV_EINVAL);
	/* a and b are adjacent: freeing past b's end touches free units. */
	cr_expect_eq(pt_vpool_free(&pool, a, 512), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vpool_free_bytes(&pool), sizeof(mem) - 256);
	cr_expect_eq(pt_vpool_free(&pool, a, 128), 0);
	cr_expect_eq(pt_vpool_free(&pool, a, 128), -PT_DEV_EINVAL,
		     "double free");
	cr_expect_eq(pt_vpool_free(&pool, b, 128), 0);
	cr_expect_eq(pt_vpool_free_bytes(&pool), sizeof(mem));
}

Test(vpool, bad_lengths)
{
	uint32_t off;

	cr_expect_eq(pt_vpool_alloc(&pool, 0, &off), -PT_DEV_EINVAL);
	cr_expect_eq(pt_vpool_alloc(&pool, sizeof(mem) + 1, &off),
		     -PT_DEV_EINVAL);
	cr_expect_eq(pt_vpool_alloc(&pool, sizeof(mem), &off), 0);
	cr_expect_eq(off, 0);
}

Test(vpool, random_alloc_free_keeps_accounting)
{
	struct {
		uint32_t off, len;
		int live;
	} b[200] = { 0 };
	uint32_t used = 0;

	srand(7);
	for (int step = 0; step < 20000; step++) {
		int i = rand() % 200;

		if (b[i].live) {
			cr_assert_eq(pt_vpool_free(&pool, b[i].off, b[i].len),
				     0);
			used -= (b[i].len + 63) / 64 * 64;
			b[i].live = 0;
		} else {
			b[i].len = 1 + (uint32_t)(rand() % 3000);
			if (pt_vpool_alloc(&pool, b[i].len, &b[i].off) == 0) {
				b[i].live = 1;
				used += (b[i].len + 63) / 64 * 64;
				memset(mem + b[i].off, i, b[i].len);
			}
		}
		cr_assert_eq(pt_vpool_free_bytes(&pool), sizeof(mem) - used);
	}
	/* Nobody's bytes were handed to someone else. */
	for (int i = 0; i < 200; i++)
		for (uint32_t k = 0; b[i].live && k < b[i].len; k++)
			cr_assert_eq(mem[b[i].off + k], (uint8_t)i);
}
