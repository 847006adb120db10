// SPDX-License-Identifier: GPL-2.0-only
/* Disk images as the back-end will open them: type, size, permissions. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <partita/virtio-blk.h>

#include "config-internal.h"

#define EXPECT_IMAGE "a disk image: a regular file or block device"

/* Opens path with flags and closes it again: 0 or -errno. */
static int try_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int config_disk_file_problem(const char *path, int readonly, char *why,
			     size_t size, struct stat *st_out)
{
	struct stat st;
	int err;

	if (stat(path, &st)) {
		err = -errno;
		snprintf(why, size, "%s", strerror(-err));
		return err;
	}
	/* Looked at before open(): opening a FIFO would block. */
	if (S_ISDIR(st.st_mode)) {
		snprintf(why, size, "a directory");
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(why, size, "%s",
			 S_ISCHR(st.st_mode)	? "a character device"
			 : S_ISFIFO(st.st_mode) ? "a FIFO"
			 : S_ISSOCK(st.st_mode) ? "a socket"
						: "not a regular file");
		return -EINVAL;
	}
	/* A block device's size needs an ioctl; the back-end reads it. */
	if (S_ISREG(st.st_mode) && st.st_size < (off_t)PT_VIRTIO_BLK_SECTOR) {
		snprintf(why, size, "%lld bytes, less than one %u-byte sector",
			 (long long)st.st_size, PT_VIRTIO_BLK_SECTOR);
		return -EINVAL;
	}
	err = try_open(path, O_RDONLY);
	if (err) {
		snprintf(why, size, "not readable: %s", strerror(-err));
		return err;
	}
	err = readonly ? 0 : try_open(path, O_RDWR);
	if (err) {
		snprintf(why, size, "not writable: %s", strerror(-err));
		return err;
	}
	if (st_out)
		*st_out = st;
	return 0;
}

/* What a disk must be, for the "expected" half of its message. */
static const char *expected(int err, int readonly)
{
	if (err == -EACCES || err == -EPERM || err == -EROFS)
		return readonly ? "an image this user can read"
				: "an image this user can read and write, or "
				  "'readonly: true'";
	return EXPECT_IMAGE;
}

int config_check_disks(struct config *cfg, struct config_error *err)
{
	struct stat st[CONFIG_DEVICES_MAX];
	char why[160], quoted[96];
	unsigned int disks[CONFIG_DEVICES_MAX], n = 0;

	for (unsigned int i = 0; i < cfg->device_count; i++) {
		struct config_disk *d = &cfg->devices[i].disk;
		char *abs;
		int ret;

		if (cfg->devices[i].type != CONFIG_DEVICE_DISK)
			continue;
		ret = config_disk_file_problem(d->path, d->readonly, why,
					       sizeof(why), &st[n]);
		if (ret)
			return config_fail_at(
				cfg, d->path_pos, err, ret,
				"found disk path %s (%s), expected %s",
				config_quote(d->path, quoted, sizeof(quoted)),
				why, expected(ret, d->readonly));
		/* Two names of one file would be two devices on one image. */
		for (unsigned int k = 0; k < n; k++) {
			const struct config_disk *o =
				&cfg->devices[disks[k]].disk;

			if (st[k].st_dev != st[n].st_dev ||
			    st[k].st_ino != st[n].st_ino)
				continue;
			return config_fail_at(
				cfg, d->path_pos, err, -EINVAL,
				"found disk path %s, the same file as the disk "
				"path at line %u, expected each disk image in "
				"one device only",
				config_quote(d->path, quoted, sizeof(quoted)),
				o->path_pos.line);
		}
		abs = realpath(d->path, NULL);
		if (!abs || strlen(abs) > CONFIG_DISK_PATH_MAX) {
			ret = abs ? -ENAMETOOLONG : -errno;
			free(abs);
			return config_fail_at(
				cfg, d->path_pos, err, ret,
				"found disk path %s (its absolute path: %s), "
				"expected one of at most %d bytes",
				config_quote(d->path, quoted, sizeof(quoted)),
				strerror(-ret), CONFIG_DISK_PATH_MAX);
		}
		memcpy(d->abs_path, abs, strlen(abs) + 1);
		free(abs);
		disks[n++] = i;
	}
	return 0;
}
