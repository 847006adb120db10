/* SPDX-License-Identifier: MIT */
/* Error codes of the split-driver helpers (virtio, xenbus, devices). */
#ifndef PARTITA_GUEST_DEV_STATUS_H
#define PARTITA_GUEST_DEV_STATUS_H

/*
 * The device helpers meet three error spaces: hypercall statuses
 * (PT_STATUS_*, 0x2..0x1ff), the store's errno numbers (STORE_E*, < 200)
 * and their own. So that a caller never has to guess which one a number
 * belongs to, every device call returns 0 or one of these, negated; the
 * underlying status or store error of the last failure stays in the
 * object's `detail` field for messages.
 */
#define PT_DEV_EINVAL 0x1001	/* a bad argument from the caller */
#define PT_DEV_ENOMEM 0x1002	/* no RAM left for rings or pool */
#define PT_DEV_EAGAIN 0x1003	/* ring or pool full for now: wait, retry */
#define PT_DEV_ETIMEDOUT 0x1004 /* the deadline passed */
#define PT_DEV_ENODEV 0x1005	/* no such device in the store */
#define PT_DEV_ESTORE 0x1006	/* a store request failed (detail: STORE_E*) */
#define PT_DEV_EBADKEY 0x1007	/* a back-end key is missing or malformed */
#define PT_DEV_EFEATURES 0x1008 /* the back-end lacks a required feature */
#define PT_DEV_ECLOSED 0x1009	/* the back-end closed the device */
#define PT_DEV_ESTATE 0x100A	/* not allowed in the device's state */
#define PT_DEV_EBROKEN 0x100B	/* the back-end broke the ring protocol */
#define PT_DEV_EGRANT 0x100C	/* granting failed (detail: PT_STATUS_*) */
#define PT_DEV_EEVTCHN 0x100D	/* the event port failed (detail) */
#define PT_DEV_EBUSY 0x100E	/* a grant is still mapped by the back-end */
#define PT_DEV_ENOSTORE 0x100F	/* the guest has no store connection */
#define PT_DEV_EIO 0x1010	/* the device answered an I/O error */
#define PT_DEV_EUNSUPP 0x1011	/* the device does not support the request */
#define PT_DEV_EROFS 0x1012	/* a write to a read-only device */

/* A short English name of a device error (negated or not), or "?". */
const char *pt_dev_strerror(int err);

#endif
