// SPDX-License-Identifier: MIT
/* The disk's "config space": the back-end directory's block keys. */
#include <string.h> /* common/string.h in the freestanding build */
#include <partita-guest/vblk.h>

#include "fmt.h"

#define HAS(offered, bit) (!!((offered)&PT_VIRTIO_FEATURE(bit)))

static int bad(struct pt_xenbus *xb, const char *key, const char *what)
{
	fmt_snprintf(xb->why, sizeof(xb->why), "back-end key %s %s", key, what);
	return -PT_DEV_EBADKEY;
}

/* A required decimal key in [min, max]. */
static int read_u64(struct pt_xenbus *xb, const char *key, uint64_t min,
		    uint64_t max, uint64_t *v)
{
	int ret = pt_xenbus_read_backend_u64(xb, key, 0, v);

	if (ret)
		return ret;
	if (*v < min || *v > max)
		return bad(xb, key, "out of range");
	return 0;
}

static int read_u32(struct pt_xenbus *xb, const char *key, uint32_t min,
		    uint32_t max, uint32_t *v)
{
	uint64_t w;
	int ret = read_u64(xb, key, min, max, &w);

	if (!ret)
		*v = (uint32_t)w;
	return ret;
}

/* A power of two from 512 to 64 KiB, as logical block sizes are. */
static int blk_size_ok(uint32_t v)
{
	return v >= 512u && v <= 65536u && !(v & (v - 1u));
}

static int read_serial(struct pt_xenbus *xb, char *serial)
{
	char buf[64];
	int ret =
		pt_xenbus_read_backend(xb, PT_BLK_KEY_SERIAL, buf, sizeof(buf));

	serial[0] = 0;
	/* Optional, missing or overlong: GET_ID answers it anyway. */
	if (ret == -PT_DEV_EBADKEY)
		return 0;
	if (ret)
		return ret;
	/* What GET_ID would answer: at most 20 bytes. */
	for (unsigned i = 0; i < PT_VIRTIO_BLK_ID_BYTES && buf[i]; i++) {
		serial[i] = buf[i];
		serial[i + 1] = 0;
	}
	return 0;
}

int pt_vblk_read_info(struct pt_xenbus *xb, uint64_t offered,
		      struct pt_vblk_info *info)
{
	int ret;

	memset(info, 0, sizeof(*info));
	info->blk_size = PT_VIRTIO_BLK_SECTOR;
	/* A disk has at least one sector and at most 2^63 bytes. */
	ret = read_u64(xb, PT_BLK_KEY_CAPACITY, 1, UINT64_MAX >> 10,
		       &info->capacity);
	if (!ret && HAS(offered, PT_VIRTIO_BLK_F_BLK_SIZE)) {
		ret = read_u32(xb, PT_BLK_KEY_BLK_SIZE, 512, 65536,
			       &info->blk_size);
		if (!ret && !blk_size_ok(info->blk_size))
			ret = bad(xb, PT_BLK_KEY_BLK_SIZE,
				  "is not a power of two");
	}
	if (!ret && HAS(offered, PT_VIRTIO_BLK_F_SEG_MAX))
		ret = read_u32(xb, PT_BLK_KEY_SEG_MAX, 1, UINT32_MAX,
			       &info->seg_max);
	/* A segment of less than a sector could not carry one. */
	if (!ret && HAS(offered, PT_VIRTIO_BLK_F_SIZE_MAX))
		ret = read_u32(xb, PT_BLK_KEY_SIZE_MAX, PT_VIRTIO_BLK_SECTOR,
			       UINT32_MAX, &info->size_max);
	if (!ret && HAS(offered, PT_VIRTIO_BLK_F_DISCARD))
		ret = read_u32(xb, PT_BLK_KEY_MAX_DISCARD, 1, UINT32_MAX,
			       &info->max_discard);
	if (!ret && HAS(offered, PT_VIRTIO_BLK_F_WRITE_ZEROES))
		ret = read_u32(xb, PT_BLK_KEY_MAX_WRITE_ZEROES, 1, UINT32_MAX,
			       &info->max_write_zeroes);
	if (!ret)
		ret = read_serial(xb, info->serial);
	info->read_only = HAS(offered, PT_VIRTIO_BLK_F_RO);
	return ret;
}
