// SPDX-License-Identifier: GPL-2.0-only
/* PARTITION_MESSAGING: what the root sees of a partition's ports and grants. */
#include <hv/hcall.h>
#include <hv/partition.h>
#include <partita/hypercall.h>
#include <string.h>

_Static_assert(sizeof(struct pt_messaging_info) +
			       PT_MESSAGING_PORTS_MAX *
				       sizeof(struct pt_port_info) <=
		       PAGE_SIZE,
	       "the reply fits its page");

static int decode_ref(struct hcall_ctx *c)
{
	const struct pt_partition_ref *in = &c->input.ref;

	if (in->flags)
		return PT_STATUS_INVALID_PARAMETER;
	if (in->from_seq >= PT_EVTCHN_PORTS)
		return PT_STATUS_INVALID_PORT_ID;
	if (in->id >= MAX_PARTITIONS || !partition_get(in->id))
		return PT_STATUS_INVALID_PARTITION_ID;
	return PT_STATUS_SUCCESS;
}

static int invoke_messaging(struct hcall_ctx *c)
{
	const struct pt_partition_ref *in = &c->input.ref;
	struct partition *p = partition_get(in->id);
	struct pt_messaging_info *out = c->out;

	if (!p) /* ended on another CPU since decode */
		return PT_STATUS_INVALID_PARTITION_ID;
	memset(out, 0, PAGE_SIZE);
	out->id = p->id;
	out->max_ports = p->evtchn.cap;
	out->ports_in_use = READ_ONCE(p->evtchn.in_use);
	out->port_count = evtchn_list(p, (u32)in->from_seq, out->ports,
				      PT_MESSAGING_PORTS_MAX, &out->next_port);
	out->connection_count = READ_ONCE(p->msg.connections);
	msg_list(p, out->connections, PT_MESSAGING_CONNECTIONS_LISTED);
	out->grant_frames = READ_ONCE(p->grant.frames);
	out->grants_mapped = READ_ONCE(p->grant.refs_mapped);
	out->maps_held = READ_ONCE(p->grant.maps_held);
	out->event_page_gpa = READ_ONCE(p->evtchn.page_gpa);
	out->sends = READ_ONCE(p->evtchn.sends);
	out->deliveries = READ_ONCE(p->evtchn.deliveries);
	out->masked_sends = READ_ONCE(p->evtchn.masked_sends);
	out->posts = READ_ONCE(p->msg.posts);
	out->queue_full = READ_ONCE(p->msg.queue_full);
	out->messages_in = READ_ONCE(p->msg.messages_in);
	out->grant_maps = READ_ONCE(p->grant.maps_done);
	out->grant_copies = READ_ONCE(p->grant.copies_done);
	return PT_STATUS_SUCCESS;
}

const struct hcall_desc hcall_messaging_info_table[] = {
	{ .code = PT_CALL_PARTITION_MESSAGING,
	  .flags = HC_MEM_OK | HC_ROOT_ONLY,
	  .in_size = sizeof(struct pt_partition_ref),
	  .out_size = PAGE_SIZE,
	  .decode = decode_ref,
	  .invoke = invoke_messaging },
};
const u32 hcall_messaging_info_count = ARRAY_SIZE(hcall_messaging_info_table);
