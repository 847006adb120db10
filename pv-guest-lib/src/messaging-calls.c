// SPDX-License-Identifier: MIT
/* Typed wrappers for the event-port, message and grant fast/memory calls. */
#include <partita-guest/cpu.h>
#include <partita-guest/hypercall.h>
#include <partita-guest/smp.h>

#include "guest-internal.h"
#include "string.h"

/* Register arguments that carry two values put the second in 63:32. */
static uint64_t pair(uint32_t low, uint32_t high)
{
	return (uint64_t)low | ((uint64_t)high << 32);
}

static int fast_out32(uint16_t code, uint64_t rdx, uint64_t r8, uint32_t *out)
{
	uint64_t value = 0;
	int ret = guest_fast_call(code, rdx, r8, &value, NULL);

	if (!ret && out)
		*out = (uint32_t)value;
	return ret;
}

int pt_call_evtchn_set_page(uint64_t gpa)
{
	return guest_fast_call(PT_CALL_EVTCHN_SET_PAGE, gpa, 0, NULL, NULL);
}

int pt_call_evtchn_alloc_unbound(uint32_t remote_id, uint32_t vcpu,
				 uint32_t *port)
{
	return fast_out32(PT_CALL_EVTCHN_ALLOC_UNBOUND, pair(remote_id, vcpu),
			  0, port);
}

int pt_call_evtchn_bind_interdomain(uint32_t remote_id, uint32_t vcpu,
				    uint32_t remote_port, uint32_t *port)
{
	return fast_out32(PT_CALL_EVTCHN_BIND_INTERDOMAIN,
			  pair(remote_id, vcpu), remote_port, port);
}

int pt_call_evtchn_bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	return fast_out32(PT_CALL_EVTCHN_BIND_VIRQ, virq, vcpu, port);
}

int pt_call_evtchn_close(uint32_t port)
{
	return guest_fast_call(PT_CALL_EVTCHN_CLOSE, port, 0, NULL, NULL);
}

int pt_call_evtchn_send(uint32_t port)
{
	return guest_fast_call(PT_CALL_EVTCHN_SEND, port, 0, NULL, NULL);
}

int pt_call_evtchn_status(uint32_t port, struct pt_evtchn_status *out)
{
	uint64_t irq = pt_irq_save();
	uint8_t *page = guest_scratch_page(pt_vcpu_index());
	struct pt_evtchn_ref *in = (void *)page;
	struct pt_evtchn_status *res = (void *)(page + 64);
	int ret;

	in->port = port;
	in->reserved = 0;
	memset(res, 0, sizeof(*res));
	ret = guest_status_of(
		pt_hypercall(pt_hc_input(PT_CALL_EVTCHN_STATUS, 0, 0, 0),
			     pt_gpa(in), pt_gpa(res)));
	if (!ret)
		memcpy(out, res, sizeof(*out));
	pt_irq_restore(irq);
	return ret;
}

int pt_call_evtchn_bind_vcpu(uint32_t port, uint32_t vcpu)
{
	return guest_fast_call(PT_CALL_EVTCHN_BIND_VCPU, port, vcpu, NULL,
			       NULL);
}

int pt_call_evtchn_mask(uint32_t port)
{
	return guest_fast_call(PT_CALL_EVTCHN_MASK, port, 0, NULL, NULL);
}

int pt_call_evtchn_unmask(uint32_t port)
{
	return guest_fast_call(PT_CALL_EVTCHN_UNMASK, port, 0, NULL, NULL);
}

int pt_call_msg_set_page(uint64_t gpa)
{
	return guest_fast_call(PT_CALL_MSG_SET_PAGE, gpa, 0, NULL, NULL);
}

int pt_call_msg_create_connection(const struct pt_msg_connection_in *in,
				  uint32_t *connection_id)
{
	uint64_t irq = pt_irq_save();
	uint8_t *page = guest_scratch_page(pt_vcpu_index());
	struct pt_msg_connection_in *blk = (void *)page;
	struct pt_msg_connection_out *res = (void *)(page + 64);
	int ret;

	memcpy(blk, in, sizeof(*blk));
	memset(res, 0, sizeof(*res));
	ret = guest_status_of(pt_hypercall(
		pt_hc_input(PT_CALL_MSG_CREATE_CONNECTION, 0, 0, 0),
		pt_gpa(blk), pt_gpa(res)));
	if (!ret && connection_id)
		*connection_id = res->connection_id;
	pt_irq_restore(irq);
	return ret;
}

int pt_call_msg_delete_connection(uint32_t connection_id)
{
	return guest_fast_call(PT_CALL_MSG_DELETE_CONNECTION, connection_id, 0,
			       NULL, NULL);
}

int pt_call_msg_post(uint32_t connection_id, uint32_t message_type,
		     const void *payload, uint32_t size)
{
	uint64_t irq = pt_irq_save();
	struct pt_msg_post_in *in = guest_scratch_page(pt_vcpu_index());
	uint32_t copy = size < PT_MSG_PAYLOAD_MAX ? size : PT_MSG_PAYLOAD_MAX;
	int ret;

	in->connection_id = connection_id;
	in->message_type = message_type;
	in->payload_size = size;
	in->reserved = 0;
	if (copy)
		memcpy(in->payload, payload, copy);
	ret = guest_status_of(pt_hypercall(
		pt_hc_input(PT_CALL_MSG_POST, 0, 0, 0), pt_gpa(in), 0));
	pt_irq_restore(irq);
	return ret;
}

int pt_call_msg_eom(uint32_t slot)
{
	return guest_fast_call(PT_CALL_MSG_EOM, slot, 0, NULL, NULL);
}

int pt_call_grant_set_table(uint64_t gpa, uint32_t frames)
{
	return guest_fast_call(PT_CALL_GRANT_SET_TABLE, gpa, frames, NULL,
			       NULL);
}

int pt_call_grant_end_access(uint32_t ref)
{
	return guest_fast_call(PT_CALL_GRANT_END_ACCESS, ref, 0, NULL, NULL);
}

int pt_call_grant_query(uint32_t ref, uint64_t *mappings, uint32_t *flags)
{
	uint64_t count = 0, f = 0;
	int ret = guest_fast_call(PT_CALL_GRANT_QUERY, ref, 0, &count, &f);

	if (!ret && mappings)
		*mappings = count;
	if (!ret && flags)
		*flags = (uint32_t)f;
	return ret;
}

int pt_call_grant_window(uint64_t *gpa, uint64_t *bytes)
{
	uint64_t base = 0, size = 0;
	int ret = guest_fast_call(PT_CALL_GRANT_WINDOW, 0, 0, &base, &size);

	if (!ret && gpa)
		*gpa = base;
	if (!ret && bytes)
		*bytes = size;
	return ret;
}
