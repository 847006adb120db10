// SPDX-License-Identifier: MIT
/* Names of the device helpers' error codes, for messages. */
#include <partita-guest/dev-status.h>

static const char *const dev_error_names[] = {
	[PT_DEV_EINVAL - 0x1000] = "invalid argument",
	[PT_DEV_ENOMEM - 0x1000] = "out of memory for rings or pool",
	[PT_DEV_EAGAIN - 0x1000] = "ring or pool full, try again",
	[PT_DEV_ETIMEDOUT - 0x1000] = "timed out",
	[PT_DEV_ENODEV - 0x1000] = "no such device in the store",
	[PT_DEV_ESTORE - 0x1000] = "store request failed",
	[PT_DEV_EBADKEY - 0x1000] = "back-end key missing or malformed",
	[PT_DEV_EFEATURES - 0x1000] = "back-end lacks a required feature",
	[PT_DEV_ECLOSED - 0x1000] = "back-end closed the device",
	[PT_DEV_ESTATE - 0x1000] = "not allowed in this device state",
	[PT_DEV_EBROKEN - 0x1000] = "back-end broke the ring protocol",
	[PT_DEV_EGRANT - 0x1000] = "granting pages failed",
	[PT_DEV_EEVTCHN - 0x1000] = "event port failed",
	[PT_DEV_EBUSY - 0x1000] = "grant still mapped by the back-end",
	[PT_DEV_ENOSTORE - 0x1000] = "no store connection",
	[PT_DEV_EIO - 0x1000] = "the device answered an I/O error",
	[PT_DEV_EUNSUPP - 0x1000] = "the device does not support it",
	[PT_DEV_EROFS - 0x1000] = "the device is read-only",
};

const char *pt_dev_strerror(int err)
{
	unsigned i;

	if (err == 0)
		return "success";
	if (err < 0)
		err = -err;
	i = (unsigned)err - 0x1000u;
	if (err < 0x1000 ||
	    i >= sizeof(dev_error_names) / sizeof(dev_error_names[0]) ||
	    !dev_error_names[i])
		return "?";
	return dev_error_names[i];
}
