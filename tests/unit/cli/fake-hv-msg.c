// SPDX-License-Identifier: GPL-2.0-only
/* The fake hypervisor's messaging: PARTITION_MESSAGING and an echoing peer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <partita/grants.h>
#include <partita/root-ioctl.h>
#include <partita/status.h>

#include "fake-hv.h"

#define FAKE_GNT_PAGES 64u

/* The write ends of the files' pipes: what read() on them returns. */
static int evt_pipe = -1, msg_pipe = -1, gnt_memfd = -1;

uint16_t fake_messaging_call(const struct pt_partition_ref *ref, void *out);
int fake_msg_ioctl(unsigned long request, void *arg, int *handled);

void fake_hv_add_port(uint32_t id, uint16_t port, uint8_t state,
		      uint32_t remote_id, uint16_t remote_port)
{
	struct fake_messaging *m = &fake_messaging[id];
	struct pt_port_info *p = &m->ports[m->port_count++];

	memset(p, 0, sizeof(*p));
	p->port = port;
	p->state = state;
	p->remote_id = remote_id;
	p->remote_port = remote_port;
	m->info.ports_in_use++;
}

uint16_t fake_messaging_call(const struct pt_partition_ref *ref, void *out)
{
	const struct fake_messaging *m = &fake_messaging[ref->id];
	struct pt_messaging_info *mi = out;
	uint32_t room = fake_hv.messaging_page_ports
				? fake_hv.messaging_page_ports
				: PT_MESSAGING_PORTS_MAX;
	uint32_t i = 0;

	fake_hv.messaging_calls++;
	*mi = m->info;
	mi->id = ref->id;
	mi->port_count = 0;
	mi->next_port = 0;
	while (i < m->port_count && m->ports[i].port < ref->from_seq)
		i++;
	for (; i < m->port_count; i++) {
		if (mi->port_count == room) {
			mi->next_port = m->ports[i].port;
			/* Makes no progress after the first page. */
			if (fake_hv.messaging_bad_next && ref->from_seq)
				mi->next_port = (uint32_t)ref->from_seq;
			break;
		}
		mi->ports[mi->port_count++] = m->ports[i];
	}
	return PT_STATUS_SUCCESS;
}

/* A new pipe: the read end is the file, the write end is kept in *keep. */
static int new_pipe(int *keep)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	if (*keep >= 0)
		close(*keep);
	*keep = fds[1];
	return fds[0];
}

static int fail(int err)
{
	errno = err;
	return -1;
}

/* A guest port offered to the root (UNBOUND, remote 0). */
static int offered(uint32_t id, uint32_t port)
{
	const struct fake_messaging *m = &fake_messaging[id];

	if (!id || id >= FAKE_MAX || !fake_hv.parts[id].live)
		return -ESRCH;
	for (uint32_t i = 0; i < m->port_count; i++) {
		if (m->ports[i].port == port &&
		    m->ports[i].state == PT_EVTCHN_STATE_UNBOUND &&
		    m->ports[i].remote_id == 0)
			return 0;
	}
	return -ENOENT;
}

static int evtchn(unsigned long request, struct pt_ioc_evtchn *a)
{
	int err;

	if (a->abi_version != PT_ROOT_IOCTL_VERSION)
		return fail(EPROTO);
	switch (request) {
	case PT_IOC_EVTCHN_BIND_INTERDOMAIN:
		err = offered(a->remote_id, a->remote_port);
		if (err)
			return fail(-err);
		a->port = ++fake_hv.root_ports_bound;
		return 0;
	case PT_IOC_EVTCHN_NOTIFY:
		if (!a->port || a->port > fake_hv.root_ports_bound)
			return fail(ENOENT);
		fake_hv.notifies++;
		/* The peer echoes at once. */
		return write(evt_pipe, &a->port, sizeof(a->port)) ==
				       sizeof(a->port)
			       ? 0
			       : -1;
	case PT_IOC_EVTCHN_UNMASK:
	case PT_IOC_EVTCHN_UNBIND:
		if (!a->port || a->port > fake_hv.root_ports_bound)
			return fail(ENOENT);
		fake_hv.unmasks += request == PT_IOC_EVTCHN_UNMASK;
		return 0;
	default:
		return fail(EINVAL);
	}
}

static int msg_post(struct pt_ioc_msg_post *a)
{
	struct pt_ioc_msg back;

	a->status = PT_STATUS_SUCCESS;
	if (fake_hv.post_full) {
		fake_hv.post_full--;
		a->status = PT_STATUS_INSUFFICIENT_BUFFERS;
		return 0;
	}
	if (a->msg.connection_id != pt_msg_connection_id(1, 0, 0)) {
		a->status = PT_STATUS_INVALID_CONNECTION_ID;
		return fail(ENOENT);
	}
	fake_hv.posts++;
	memset(&back, 0, sizeof(back));
	memcpy(&back.connection_id, a->msg.payload, 4);
	back.sender_id = 1;
	back.message_type = a->msg.message_type;
	back.payload_size = a->msg.payload_size;
	memcpy(back.payload, a->msg.payload, a->msg.payload_size);
	return write(msg_pipe, &back, sizeof(back)) == sizeof(back) ? 0 : -1;
}

static int gnt_map(struct pt_ioc_gnt_map *a)
{
	const uint32_t *refs = (const uint32_t *)(uintptr_t)a->refs_ptr;

	for (uint32_t i = 0; i < a->count; i++) {
		if (refs[i] == 0 || refs[i] >= FAKE_GNT_PAGES) {
			a->failed_index = i;
			a->failed_status = PT_STATUS_INVALID_GRANT_REF;
			return fail(EINVAL);
		}
	}
	/* The memfd stands for every grant: ref R at page R. */
	a->offset = (uint64_t)refs[0] * PT_PAGE_SIZE;
	return 0;
}

static int gnt_copy(struct pt_ioc_gnt_copy *a)
{
	void *buf = (void *)(uintptr_t)a->buf_ptr;
	off_t at = (off_t)a->ref * PT_PAGE_SIZE + a->offset;
	ssize_t n;

	a->status = PT_STATUS_SUCCESS;
	if (a->ref == 0 || a->ref >= FAKE_GNT_PAGES) {
		a->status = PT_STATUS_INVALID_GRANT_REF;
		return 0;
	}
	if (a->flags & PT_GRANT_COPY_TO_GRANT)
		n = pwrite(gnt_memfd, buf, a->length, at);
	else
		n = pread(gnt_memfd, buf, a->length, at);
	return n == (ssize_t)a->length ? 0 : -1;
}

int fake_msg_ioctl(unsigned long request, void *arg, int *handled)
{
	struct pt_ioc_msg_connect *c = arg;

	*handled = 1;
	switch (request) {
	case PT_IOC_EVTCHN_OPEN:
		return new_pipe(&evt_pipe);
	case PT_IOC_MSG_OPEN:
		return new_pipe(&msg_pipe);
	case PT_IOC_GNTDEV_OPEN:
		if (gnt_memfd >= 0)
			close(gnt_memfd);
		gnt_memfd = memfd_create("fake-gntdev", MFD_CLOEXEC);
		if (gnt_memfd < 0 ||
		    ftruncate(gnt_memfd, FAKE_GNT_PAGES * PT_PAGE_SIZE) < 0)
			return -1;
		return dup(gnt_memfd);
	case PT_IOC_EVTCHN_BIND_INTERDOMAIN:
	case PT_IOC_EVTCHN_NOTIFY:
	case PT_IOC_EVTCHN_UNMASK:
	case PT_IOC_EVTCHN_UNBIND:
		return evtchn(request, arg);
	case PT_IOC_MSG_CONNECT:
		c->connection_id = pt_msg_connection_id(0, 0, 0);
		return 0;
	case PT_IOC_MSG_POST:
		return msg_post(arg);
	case PT_IOC_GNT_MAP_GRANTS:
		return gnt_map(arg);
	case PT_IOC_GNT_UNMAP_GRANTS:
		return 0;
	case PT_IOC_GNT_COPY:
		return gnt_copy(arg);
	default:
		*handled = 0;
		return -1;
	}
}
