// SPDX-License-Identifier: GPL-2.0-only
/* Opens and measures a virtio-blk disk's image: a file or a block device. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <linux/stat.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blk-backing.h"

void blk_backing_serial(const char *path, char *out, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ull;
	}
	snprintf(out, len, "PT%016" PRIx64, h);
}

static int fail(struct blk_backing *b, int err, char *why, size_t len,
		const char *fmt, const char *detail)
{
	snprintf(why, len, fmt, b->path, detail);
	blk_backing_close(b);
	return -err;
}

/* O_DIRECT's alignment for a file, where the kernel says (6.1 and later). */
static uint32_t file_dio_align(int fd)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) ||
	    !(sx.stx_mask & STATX_DIOALIGN) || sx.stx_dio_offset_align < 512 ||
	    sx.stx_dio_offset_align > 65536)
		return 512;
	return sx.stx_dio_offset_align;
}

static int measure_bdev(struct blk_backing *b, char *why, size_t len)
{
	uint64_t bytes = 0;
	int ssz = 0, ro = 0;

	if (ioctl(b->fd, BLKGETSIZE64, &bytes) ||
	    ioctl(b->fd, BLKSSZGET, &ssz) || ioctl(b->fd, BLKROGET, &ro))
		return fail(b, errno, why, len, "cannot measure %s: %s",
			    strerror(errno));
	if (ro && !b->ro)
		return fail(b, EROFS, why, len, "%s: %s",
			    "the block device is read-only but mode is w");
	if (ssz < 512 || ssz > 65536 || (ssz & (ssz - 1)))
		ssz = 512;
	b->blk_size = (uint32_t)ssz;
	b->align = b->direct ? (uint32_t)ssz : 512u;
	b->capacity = bytes / PT_VIRTIO_BLK_SECTOR;
	return 0;
}

int blk_backing_open(struct blk_backing *b, const char *path, const char *mode,
		     const char *cache, char *why, size_t len)
{
	struct stat st;
	int flags, e;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	snprintf(b->path, sizeof(b->path), "%s", path ? path : "");
	if (!path || path[0] != '/' || strlen(path) >= sizeof(b->path))
		return fail(b, EINVAL, why, len,
			    "params '%.80s' is not an absolute path%s", "");
	if (!mode || (strcmp(mode, "r") && strcmp(mode, "w")))
		return fail(b, EINVAL, why, len, "%s: %s",
			    "mode is not r or w");
	if (cache && strcmp(cache, PT_BLK_CACHE_WRITEBACK) &&
	    strcmp(cache, PT_BLK_CACHE_NONE))
		return fail(b, EINVAL, why, len, "%s: %s",
			    "cache is not writeback or none");
	b->ro = !strcmp(mode, "r");
	b->direct = cache && !strcmp(cache, PT_BLK_CACHE_NONE);
	flags = (b->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY;
	if (b->direct)
		flags |= O_DIRECT;
	b->fd = open(path, flags);
	if (b->fd < 0) {
		e = errno;
		if (e == EINVAL && b->direct)
			return fail(b, e, why, len,
				    "cannot open %s with O_DIRECT (cache: "
				    "none): %s; its filesystem does not "
				    "support direct I/O",
				    strerror(e));
		return fail(b, e, why, len, "cannot open %s: %s", strerror(e));
	}
	if (fstat(b->fd, &st))
		return fail(b, errno, why, len, "cannot stat %s: %s",
			    strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		b->bdev = 1;
		if (measure_bdev(b, why, len))
			return -EINVAL;
	} else if (S_ISREG(st.st_mode)) {
		b->blk_size = 512;
		b->align = b->direct ? file_dio_align(b->fd) : 512u;
		if (b->align > b->blk_size)
			b->blk_size = b->align;
		b->capacity = (uint64_t)st.st_size / PT_VIRTIO_BLK_SECTOR;
	} else {
		return fail(b, EINVAL, why, len, "%s: %s",
			    "not a regular file or a block device");
	}
	if (b->capacity == 0)
		return fail(b, EINVAL, why, len, "%s: %s",
			    "smaller than one 512-byte sector");
	blk_backing_serial(path, b->serial, sizeof(b->serial));
	return 0;
}

void blk_backing_close(struct blk_backing *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}
