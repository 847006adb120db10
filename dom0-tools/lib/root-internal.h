/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the libpartita-root sources, not part of its API. */
#ifndef PARTITA_ROOT_INTERNAL_H
#define PARTITA_ROOT_INTERNAL_H

#include <stddef.h>

#include "root-client.h"

/* Formats dev->error and returns err, for "return root_fail(...)". */
int root_fail(struct root_dev *dev, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A memory call's blocks: one page, aligned like the driver's. */
union root_page {
	uint64_t align;
	uint8_t bytes[PT_PAGE_SIZE];
};

/* A memory hypercall with these input and output blocks (root-calls.c). */
int root_memory_call(struct root_dev *dev, uint16_t code, const void *in,
		     uint32_t in_size, void *out, uint32_t out_size);

/* Reads a hypervisor text ring (LOG_READ, CONSOLE_READ) into `chunk`. */
int root_ring_read(struct root_dev *dev, uint16_t code, const void *in,
		   uint32_t in_size, uint64_t from_seq, const char *what,
		   struct root_log_chunk *chunk);

/* The call's name for messages: "LOG_READ", or "call 0x0123". */
const char *root_call_name(uint16_t code, char *buf, size_t size);

/* Messaging files (root-msg-common.c). */
/* The meaning root-ioctl.h gives an errno of the messaging requests. */
const char *root_msg_errno_text(int err);
/* A new file from `request` on dev->fd, made non-blocking. */
int root_msg_file_open(struct root_dev *dev, unsigned long request,
		       const char *what, int *fd);
/*
 * One read() of up to `size` bytes, waiting in poll() up to timeout_ms
 * (-1: forever): 0 with *got, -ETIMEDOUT, -EINTR or an error sentence.
 */
int root_msg_file_wait(struct root_dev *dev, int fd, int timeout_ms,
		       const char *what, void *buf, size_t size, size_t *got);

#endif
