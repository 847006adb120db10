// SPDX-License-Identifier: GPL-2.0-only
/* Hypercalls through /dev/partita: the raw request and typed wrappers. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "root-client.h"
#include "root-internal.h"

int root_hypercall(struct root_dev *dev, struct pt_ioc_hypercall *hc)
{
	char buf[24];
	const char *name = root_call_name(hc->code, buf, sizeof(buf));
	const char *status_name;
	uint16_t status;
	int err;

	hc->abi_version = PT_ROOT_IOCTL_VERSION;
	dev->status = PT_STATUS_SUCCESS;
	if (dev->fd < 0)
		return root_fail(dev, -EBADF, "the partita device is not open");
	if (ioctl(dev->fd, PT_IOC_HYPERCALL, hc) < 0) {
		err = errno;
		if (err == EPERM)
			return root_fail(dev, -EPERM,
					 "hypercalls need CAP_SYS_ADMIN: run "
					 "this as root");
		if (err == EPROTO)
			return root_fail(
				dev, -EPROTO,
				"partita.ko refused %s: its root ioctl version "
				"differs from this tool's (%u)",
				name, PT_ROOT_IOCTL_VERSION);
		return root_fail(dev, -err, "the %s hypercall failed: %s", name,
				 strerror(err));
	}
	status = pt_hc_status(hc->result);
	if (status != PT_STATUS_SUCCESS) {
		dev->status = status;
		status_name = root_status_name(status);
		return root_fail(
			dev, -EREMOTEIO,
			"the hypervisor refused %s: %s (status 0x%04x)", name,
			status_name ? status_name : "unknown status", status);
	}
	return 0;
}

int root_memory_call(struct root_dev *dev, uint16_t code, const void *in,
		     uint32_t in_size, void *out, uint32_t out_size)
{
	struct pt_ioc_hypercall hc = {
		.code = code,
		.in_ptr = (uintptr_t)in,
		.in_size = in_size,
		.out_ptr = (uintptr_t)out,
		.out_size = out_size,
	};

	return root_hypercall(dev, &hc);
}

static int fast_call(struct root_dev *dev, uint16_t code)
{
	struct pt_ioc_hypercall hc = {
		.code = code,
		.flags = PT_IOC_HC_FAST,
	};

	return root_hypercall(dev, &hc);
}

int root_hv_info(struct root_dev *dev, struct pt_hv_info *info)
{
	memset(info, 0, sizeof(*info));
	return root_memory_call(dev, PT_CALL_HV_INFO, NULL, 0, info,
				sizeof(*info));
}

int root_partition_list(struct root_dev *dev, struct pt_partition_entry *out,
			uint32_t max, uint32_t *count)
{
	union root_page page;
	const struct pt_partition_list_out *list = (const void *)page.bytes;
	uint32_t n;
	int err;

	err = root_memory_call(dev, PT_CALL_PARTITION_LIST, NULL, 0, page.bytes,
			       sizeof(page.bytes));
	if (err)
		return err;
	if (list->count > PT_PARTITION_LIST_MAX)
		return root_fail(dev, -EPROTO,
				 "the hypervisor listed %u partitions, more "
				 "than fit in its answer",
				 list->count);
	n = list->count < max ? list->count : max;
	for (uint32_t i = 0; i < n; i++) {
		out[i] = list->entries[i];
		out[i].name[sizeof(out[i].name) - 1] = '\0';
	}
	*count = n;
	return 0;
}

int root_ping(struct root_dev *dev)
{
	return fast_call(dev, PT_CALL_ROOT_PING);
}

int root_null_call(struct root_dev *dev)
{
	return fast_call(dev, PT_CALL_NULL);
}

_Static_assert(sizeof(struct pt_log_read_out) ==
			       sizeof(struct pt_console_read_out) &&
		       PT_LOG_READ_MAX == PT_CONSOLE_READ_MAX &&
		       __builtin_offsetof(struct pt_log_read_out, text) ==
			       __builtin_offsetof(struct pt_console_read_out,
						  text),
	       "LOG_READ and CONSOLE_READ answer in the same layout");

int root_ring_read(struct root_dev *dev, uint16_t code, const void *in,
		   uint32_t in_size, uint64_t from_seq, const char *what,
		   struct root_log_chunk *chunk)
{
	union root_page page;
	/* LOG_READ and CONSOLE_READ answer in the same layout. */
	const struct pt_log_read_out *out = (const void *)page.bytes;
	int err;

	err = root_memory_call(dev, code, in, in_size, page.bytes,
			       sizeof(page.bytes));
	if (err)
		return err;
	if (out->length > PT_LOG_READ_MAX)
		return root_fail(dev, -EPROTO,
				 "the hypervisor returned %u bytes of %s, "
				 "more than fit in its answer",
				 out->length, what);
	chunk->from_seq = from_seq;
	chunk->next_seq = out->next_seq;
	chunk->length = out->length;
	chunk->lost = out->lost;
	memcpy(chunk->text, out->text, out->length);
	chunk->text[out->length] = '\0';
	return 0;
}

int root_log_read(struct root_dev *dev, uint64_t from_seq,
		  struct root_log_chunk *chunk)
{
	struct pt_log_read_in in = { .from_seq = from_seq };

	return root_ring_read(dev, PT_CALL_LOG_READ, &in, sizeof(in), from_seq,
			      "log", chunk);
}
