// SPDX-License-Identifier: GPL-2.0-only
/* A fake hypervisor behind ioctl(), for testing libpartita-root on a host. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>

#include <partita/root-ioctl.h>
#include <partita/status.h>

#include "fake-hv.h"

struct fake_hv fake_hv;
struct fake_messaging fake_messaging[FAKE_MAX];

/* fake-hv-msg.c: PARTITION_MESSAGING and the messaging files. */
uint16_t fake_messaging_call(const struct pt_partition_ref *ref, void *out);
int fake_msg_ioctl(unsigned long request, void *arg, int *handled);

void fake_hv_reset(uint64_t frames)
{
	memset(&fake_hv, 0, sizeof(fake_hv));
	memset(fake_messaging, 0, sizeof(fake_messaging));
	fake_hv.pool_total = frames;
	fake_hv.pool_free = frames;
	fake_hv.fail_populate_at = FAKE_NO_FAILURE;
}

uint32_t fake_hv_add(const char *name, uint32_t state)
{
	for (uint32_t id = 1; id < FAKE_MAX; id++) {
		struct fake_part *p = &fake_hv.parts[id];

		if (p->live)
			continue;
		memset(p, 0, sizeof(*p));
		p->live = 1;
		p->state = state;
		strncpy(p->in.name, name, sizeof(p->in.name) - 1);
		p->in.memory_bytes = 4u << 20;
		p->in.vcpu_count = 1;
		p->in.weight = 256;
		return id;
	}
	return 0;
}

unsigned int fake_hv_live(void)
{
	unsigned int n = 0;

	for (uint32_t id = 1; id < FAKE_MAX; id++)
		n += fake_hv.parts[id].live;
	return n;
}

static struct fake_part *part(uint64_t id)
{
	return id && id < FAKE_MAX && fake_hv.parts[id].live
		       ? &fake_hv.parts[id]
		       : NULL;
}

static void fill_entry(uint32_t id, struct pt_partition_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = id;
	if (!id) {
		e->state = PT_PARTITION_STATE_RUNNING;
		e->vcpu_count = 1;
		strcpy(e->name, "root");
		return;
	}
	e->state = fake_hv.parts[id].state;
	e->vcpu_count = fake_hv.parts[id].in.vcpu_count;
	e->weight = fake_hv.parts[id].in.weight;
	e->memory_bytes = fake_hv.parts[id].in.memory_bytes;
	memcpy(e->name, fake_hv.parts[id].in.name, sizeof(e->name));
}

static uint64_t frames_of(const struct fake_part *p)
{
	return FAKE_TABLE_FRAMES + p->pages;
}

static uint16_t create(const void *in, void *out)
{
	const struct pt_partition_create_in *c = in;
	struct pt_partition_create_out *o = out;

	for (uint32_t id = 1; id < FAKE_MAX; id++) {
		if (part(id) && !strcmp(fake_hv.parts[id].in.name, c->name))
			return PT_STATUS_INVALID_PARAMETER;
	}
	if (fake_hv.pool_free < FAKE_TABLE_FRAMES)
		return PT_STATUS_INSUFFICIENT_MEMORY;
	o->id = fake_hv_add(c->name, PT_PARTITION_STATE_CREATED);
	if (!o->id)
		return PT_STATUS_NO_RESOURCES;
	fake_hv.parts[o->id].in = *c;
	fake_hv.pool_free -= FAKE_TABLE_FRAMES;
	return PT_STATUS_SUCCESS;
}

static uint16_t populate(struct pt_ioc_hypercall *hc, uint32_t *reps)
{
	struct fake_part *p = part(hc->fast_in[0]);
	uint64_t gpfn = hc->fast_in[1];

	fake_hv.populate_calls++;
	if (hc->rep_count > fake_hv.max_rep_count)
		fake_hv.max_rep_count = hc->rep_count;
	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	if (p->state != PT_PARTITION_STATE_CREATED)
		return PT_STATUS_INVALID_PARTITION_STATE;
	if (gpfn != fake_hv.populate_next_gpfn)
		fake_hv.populate_out_of_order = 1;
	for (*reps = 0; *reps < hc->rep_count; (*reps)++) {
		if (gpfn + *reps >= p->in.memory_bytes / PT_PAGE_SIZE)
			return PT_STATUS_INVALID_GPA;
		if (p->pages == fake_hv.fail_populate_at || !fake_hv.pool_free)
			return PT_STATUS_INSUFFICIENT_MEMORY;
		p->pages++;
		fake_hv.pool_free--;
	}
	fake_hv.populate_next_gpfn = gpfn + hc->rep_count;
	return PT_STATUS_SUCCESS;
}

static uint16_t load(const struct pt_partition_load_in *in)
{
	struct fake_part *p = part(in->id);

	fake_hv.load_calls++;
	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	if (fake_hv.load_calls == (unsigned int)fake_hv.fail_load_call)
		return PT_STATUS_INVALID_GPA;
	p->loaded_bytes += in->length;
	return PT_STATUS_SUCCESS;
}

static uint16_t start(const struct pt_partition_start_in *in)
{
	struct fake_part *p = part(in->id);

	fake_hv.start_calls++;
	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	if (fake_hv.fail_start || p->pages != p->in.memory_bytes / PT_PAGE_SIZE)
		return PT_STATUS_INVALID_PARTITION_STATE;
	p->state = PT_PARTITION_STATE_RUNNING;
	return PT_STATUS_SUCCESS;
}

static uint16_t destroy(uint64_t id)
{
	struct fake_part *p = part(id);

	fake_hv.destroy_calls++;
	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	if (fake_hv.fail_destroy)
		return PT_STATUS_ACCESS_DENIED;
	fake_hv.pool_free += frames_of(p);
	p->live = 0;
	return PT_STATUS_SUCCESS;
}

static uint16_t pause_call(uint64_t id, int paused)
{
	struct fake_part *p = part(id);
	uint32_t want =
		paused ? PT_PARTITION_STATE_RUNNING : PT_PARTITION_STATE_PAUSED;

	if (!p)
		return PT_STATUS_INVALID_PARTITION_ID;
	if (p->state != want)
		return PT_STATUS_INVALID_PARTITION_STATE;
	p->state =
		paused ? PT_PARTITION_STATE_PAUSED : PT_PARTITION_STATE_RUNNING;
	return PT_STATUS_SUCCESS;
}

static uint16_t memory_call(struct pt_ioc_hypercall *hc, void *out)
{
	const void *in = (const void *)(uintptr_t)hc->in_ptr;
	const struct pt_partition_ref *ref = in;

	switch (hc->code) {
	case PT_CALL_HV_INFO: {
		struct pt_hv_info *hv = out;

		hv->pool_frames_total = fake_hv.pool_total;
		hv->pool_frames_free = fake_hv.pool_free;
		hv->uptime_ns = 5000000000ull;
		return PT_STATUS_SUCCESS;
	}
	case PT_CALL_PARTITION_LIST: {
		struct pt_partition_list_out *l = out;

		for (uint32_t id = 0; id < FAKE_MAX; id++) {
			if (id == 0 || part(id))
				fill_entry(id, &l->entries[l->count++]);
		}
		return PT_STATUS_SUCCESS;
	}
	case PT_CALL_PARTITION_CREATE:
		return create(in, out);
	case PT_CALL_PARTITION_LOAD:
		return load(in);
	case PT_CALL_PARTITION_START:
		return start(in);
	case PT_CALL_PARTITION_INFO: {
		struct pt_partition_info *info = out;

		if (!part(ref->id))
			return PT_STATUS_INVALID_PARTITION_ID;
		fill_entry(ref->id, &info->entry);
		info->frames_owned = frames_of(part(ref->id));
		return PT_STATUS_SUCCESS;
	}
	case PT_CALL_PARTITION_MESSAGING:
		if (ref->id && !part(ref->id))
			return PT_STATUS_INVALID_PARTITION_ID;
		return fake_messaging_call(ref, out);
	default:
		return PT_STATUS_INVALID_HYPERCALL_CODE;
	}
}

static uint16_t fast_call(struct pt_ioc_hypercall *hc, uint32_t *reps)
{
	switch (hc->code) {
	case PT_CALL_PARTITION_POPULATE:
		return populate(hc, reps);
	case PT_CALL_PARTITION_DESTROY:
		return destroy(hc->fast_in[0]);
	case PT_CALL_PARTITION_PAUSE:
		return pause_call(hc->fast_in[0], 1);
	case PT_CALL_PARTITION_UNPAUSE:
		return pause_call(hc->fast_in[0], 0);
	default:
		return PT_STATUS_INVALID_HYPERCALL_CODE;
	}
}

static int hypercall(struct pt_ioc_hypercall *hc)
{
	static union {
		uint64_t align;
		uint8_t bytes[PT_PAGE_SIZE];
	} out;
	uint32_t reps = 0;
	uint16_t status;

	if (hc->abi_version != PT_ROOT_IOCTL_VERSION)
		return -EPROTO;
	if (hc->rep_count > PT_HC_REP_MAX)
		return -EINVAL;
	memset(&out, 0, sizeof(out));
	if (hc->flags & PT_IOC_HC_FAST)
		status = fast_call(hc, &reps);
	else
		status = memory_call(hc, out.bytes);
	if (!(hc->flags & PT_IOC_HC_FAST) && hc->out_size)
		memcpy((void *)(uintptr_t)hc->out_ptr, out.bytes, hc->out_size);
	hc->result = status | ((uint64_t)reps << PT_HC_RESULT_REPS_SHIFT);
	return 0;
}

int __wrap_ioctl(int fd, unsigned long request, ...);

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;
	int err = 0;

	(void)fd;
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (request == PT_IOC_GET_VERSION) {
		struct pt_ioc_version *v = arg;

		memset(v, 0, sizeof(*v));
		v->abi_version = PT_ROOT_IOCTL_VERSION;
		v->flags = PT_ROOT_DRV_NOTIFY | PT_ROOT_DRV_VPAP;
	} else if (request == PT_IOC_SET_EVENT_MASK) {
		err = 0;
	} else if (request == PT_IOC_HYPERCALL) {
		err = hypercall(arg);
	} else {
		int handled = 0, ret = fake_msg_ioctl(request, arg, &handled);

		if (handled)
			return ret;
		err = -ENOTTY;
	}
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}
