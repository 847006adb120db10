// SPDX-License-Identifier: GPL-2.0-only
/* The grant mapping file: map grants into this process, unmap, copy. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "root-internal.h"
#include "root-messaging.h"

int root_gntdev_open(struct root_dev *dev, struct root_gntdev *g)
{
	g->dev = dev;
	return root_msg_file_open(dev, PT_IOC_GNTDEV_OPEN,
				  "a grant mapping file", &g->fd);
}

void root_gntdev_close(struct root_gntdev *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

/* "INVALID_GRANT_REF (status 0x0103)" */
static const char *status_text(uint16_t status, char *buf, size_t size)
{
	const char *name = root_status_name(status);

	snprintf(buf, size, "%s (status 0x%04x)", name ? name : "unknown",
		 status);
	return buf;
}

static int map_refused(struct root_gntdev *g, uint32_t granter,
		       const uint32_t *refs, uint32_t count,
		       const struct pt_ioc_gnt_map *a, int err)
{
	char st[64];

	if (a->failed_status && a->failed_index < count) {
		g->dev->status = (uint16_t)a->failed_status;
		return root_fail(g->dev, -EREMOTEIO,
				 "the hypervisor refused to map grant ref %u "
				 "of partition %u (element %u of %u): %s",
				 refs[a->failed_index], granter,
				 a->failed_index, count,
				 status_text((uint16_t)a->failed_status, st,
					     sizeof(st)));
	}
	return root_fail(g->dev, -err,
			 "cannot map %u grant(s) of partition %u: %s", count,
			 granter, root_msg_errno_text(err));
}

static int unmap_offset(struct root_gntdev *g, uint64_t offset,
			uint32_t granter)
{
	struct pt_ioc_gnt_unmap u = {
		.abi_version = PT_ROOT_IOCTL_VERSION,
		.offset = offset,
	};
	int err;

	if (ioctl(g->fd, PT_IOC_GNT_UNMAP_GRANTS, &u) == 0)
		return 0;
	err = errno;
	if (err == EBUSY)
		return root_fail(g->dev, -EBUSY,
				 "cannot unmap the grants of partition %u: "
				 "they are still mapped into a process",
				 granter);
	return root_fail(g->dev, -err,
			 "cannot unmap the grants of partition %u: %s", granter,
			 root_msg_errno_text(err));
}

int root_gnt_map(struct root_gntdev *g, uint32_t granter, const uint32_t *refs,
		 uint32_t count, int readonly, struct root_gnt_mapping *m)
{
	struct pt_ioc_gnt_map a = {
		.abi_version = PT_ROOT_IOCTL_VERSION,
		.granter = granter,
		.count = count,
		.flags = readonly ? PT_IOC_GNT_READONLY : 0,
		.refs_ptr = (uintptr_t)refs,
	};
	int err, prot = PROT_READ | (readonly ? 0 : PROT_WRITE);
	void *addr;

	memset(m, 0, sizeof(*m));
	g->dev->status = PT_STATUS_SUCCESS;
	if (count == 0 || count > PT_IOC_GNT_MAP_MAX)
		return root_fail(g->dev, -EINVAL,
				 "one map request takes 1 to %u grants, not %u",
				 PT_IOC_GNT_MAP_MAX, count);
	if (ioctl(g->fd, PT_IOC_GNT_MAP_GRANTS, &a) < 0)
		return map_refused(g, granter, refs, count, &a, errno);
	addr = mmap(NULL, (size_t)count * PT_PAGE_SIZE, prot, MAP_SHARED, g->fd,
		    (off_t)a.offset);
	if (addr == MAP_FAILED) {
		err = errno;
		unmap_offset(g, a.offset, granter);
		return root_fail(g->dev, -err,
				 "the grants of partition %u are mapped but "
				 "mmap() of them failed: %s",
				 granter, strerror(err));
	}
	m->addr = addr;
	m->offset = a.offset;
	m->granter = granter;
	m->count = count;
	m->writable = !readonly;
	return 0;
}

int root_gnt_unmap(struct root_gntdev *g, struct root_gnt_mapping *m)
{
	int err;

	if (m->addr && munmap(m->addr, (size_t)m->count * PT_PAGE_SIZE) < 0) {
		err = errno;
		return root_fail(g->dev, -err,
				 "cannot munmap the grants of partition %u: %s",
				 m->granter, strerror(err));
	}
	m->addr = NULL;
	err = unmap_offset(g, m->offset, m->granter);
	if (!err)
		m->count = 0;
	return err;
}

int root_gnt_copy(struct root_gntdev *g, uint32_t granter, uint32_t ref,
		  int to_grant, uint32_t offset, void *buf, uint32_t length)
{
	struct pt_ioc_gnt_copy a = {
		.abi_version = PT_ROOT_IOCTL_VERSION,
		.granter = granter,
		.ref = ref,
		.flags = to_grant ? PT_GRANT_COPY_TO_GRANT : 0,
		.offset = offset,
		.length = length,
		.buf_ptr = (uintptr_t)buf,
	};
	const char *dir = to_grant ? "into" : "out of";
	char st[64];
	int rc, err;

	g->dev->status = PT_STATUS_SUCCESS;
	if (length == 0 || length > PT_PAGE_SIZE ||
	    offset > PT_PAGE_SIZE - length)
		return root_fail(g->dev, -EINVAL,
				 "a grant copy stays inside one page: %u bytes "
				 "at offset %u do not",
				 length, offset);
	rc = ioctl(g->fd, PT_IOC_GNT_COPY, &a);
	err = errno;
	/* The driver may answer a refusal either way: check both. */
	if (a.status != PT_STATUS_SUCCESS) {
		g->dev->status = (uint16_t)a.status;
		return root_fail(
			g->dev, -EREMOTEIO,
			"the hypervisor refused to copy %s grant ref "
			"%u of partition %u: %s",
			dir, ref, granter,
			status_text((uint16_t)a.status, st, sizeof(st)));
	}
	if (rc < 0)
		return root_fail(g->dev, -err,
				 "cannot copy %s grant ref %u of partition "
				 "%u: %s",
				 dir, ref, granter, root_msg_errno_text(err));
	return 0;
}
