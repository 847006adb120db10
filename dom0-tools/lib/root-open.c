// SPDX-License-Identifier: GPL-2.0-only
/* Opening /dev/partita, the version handshake, and the error sentences. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root-client.h"
#include "root-internal.h"

int root_fail(struct root_dev *dev, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->error, sizeof(dev->error), fmt, ap);
	va_end(ap);
	return err;
}

static int module_present(void)
{
	struct stat st;

	return stat("/sys/module/partita", &st) == 0;
}

static int open_failed(struct root_dev *dev, const char *path, int err)
{
	switch (err) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		if (module_present())
			return root_fail(dev, -err,
					 "the partita module is loaded but %s "
					 "is missing: mount devtmpfs on /dev "
					 "(mount -t devtmpfs devtmpfs /dev)",
					 path);
		return root_fail(dev, -err,
				 "the partita module is not loaded: run "
				 "'modprobe partita' (or insmod partita.ko)");
	case EACCES:
	case EPERM:
		return root_fail(
			dev, -err,
			"permission denied opening %s: run this as root", path);
	default:
		return root_fail(dev, -err, "cannot open %s: %s", path,
				 strerror(err));
	}
}

int root_open(struct root_dev *dev, const char *path)
{
	int err;

	memset(dev, 0, sizeof(*dev));
	dev->fd = -1;
	if (!path)
		path = getenv("PARTITA_DEVICE");
	if (!path || !*path)
		path = PT_ROOT_DEVICE_PATH;
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		return open_failed(dev, path, errno);
	if (ioctl(dev->fd, PT_IOC_GET_VERSION, &dev->version) < 0) {
		err = errno;
		root_close(dev);
		if (err == ENOTTY || err == EINVAL)
			return root_fail(dev, -ENOTTY,
					 "%s is not the partita device: it "
					 "does not answer the version request",
					 path);
		return root_fail(dev, -err, "cannot ask %s for its version: %s",
				 path, strerror(err));
	}
	if (dev->version.abi_version != PT_ROOT_IOCTL_VERSION) {
		err = root_fail(
			dev, -EPROTO,
			"partita.ko speaks root ioctl version %u but this tool "
			"speaks %u: use the driver and tools of one build",
			dev->version.abi_version, PT_ROOT_IOCTL_VERSION);
		close(dev->fd);
		dev->fd = -1;
		return err;
	}
	return 0;
}

void root_close(struct root_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

const char *root_error(const struct root_dev *dev)
{
	return dev->error[0] ? dev->error : "no error";
}

uint16_t root_status(const struct root_dev *dev)
{
	return dev->status;
}

int root_error_is_unavailable(int err)
{
	switch (-err) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
	case EACCES:
	case EPERM:
	case EPROTO:
	case ENOTTY:
		return 1;
	default:
		return 0;
	}
}
