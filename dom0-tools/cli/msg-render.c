// SPDX-License-Identifier: GPL-2.0-only
/* Rendering a partition's messaging state for info NAME and stats NAME. */
#include <inttypes.h>

#include "msg-render.h"
#include "out-table.h"

const char *msg_port_peer(char *buf, size_t size, const struct pt_port_info *p)
{
	switch (p->state) {
	case PT_EVTCHN_STATE_INTERDOMAIN:
		snprintf(buf, size, "p%u port %u", p->remote_id,
			 p->remote_port);
		break;
	case PT_EVTCHN_STATE_UNBOUND:
		snprintf(buf, size, "p%u (offered)", p->remote_id);
		break;
	case PT_EVTCHN_STATE_VIRQ:
		snprintf(buf, size, "virq %s", root_virq_name(p->remote_port));
		break;
	default:
		snprintf(buf, size, "-");
		break;
	}
	return buf;
}

static const char *sender_text(char *buf, size_t size, uint32_t sender)
{
	if (sender == PT_MSG_ANY_SENDER)
		snprintf(buf, size, "any");
	else
		snprintf(buf, size, "p%u", sender);
	return buf;
}

static const char *yes_no(uint8_t v)
{
	return v ? "yes" : "no";
}

/* The hypervisor lists at most PT_MESSAGING_CONNECTIONS_LISTED. */
static uint32_t listed_connections(const struct pt_messaging_info *mi)
{
	return mi->connection_count < PT_MESSAGING_CONNECTIONS_LISTED
		       ? mi->connection_count
		       : PT_MESSAGING_CONNECTIONS_LISTED;
}

static void ports_table(FILE *f, const struct root_messaging *m)
{
	static const char *const headers[] = { "PORT", "STATE",	  "VCPU",
					       "PEER", "PENDING", "MASKED" };
	char port[12], vcpu[12], peer[48];
	struct out_table t;

	out_table_init(&t, 6, headers);
	for (uint32_t i = 0; i < m->port_count; i++) {
		const struct pt_port_info *p = &m->ports[i];
		const char *row[] = { port,
				      root_port_state_name(p->state),
				      vcpu,
				      msg_port_peer(peer, sizeof(peer), p),
				      yes_no(p->pending),
				      yes_no(p->masked) };

		snprintf(port, sizeof(port), "%u", p->port);
		snprintf(vcpu, sizeof(vcpu), "%u", p->vcpu);
		out_table_add(&t, row);
	}
	out_table_print(&t, f, "  ");
	out_table_free(&t);
}

static void connections_table(FILE *f, const struct pt_messaging_info *mi)
{
	static const char *const headers[] = { "ID",	 "VCPU",  "SLOT",
					       "SENDER", "DEPTH", "QUEUED" };
	char id[16], vcpu[8], slot[8], sender[16], depth[8], queued[8];
	struct out_table t;

	out_table_init(&t, 6, headers);
	for (uint32_t i = 0; i < listed_connections(mi); i++) {
		const struct pt_connection_info *c = &mi->connections[i];
		const char *row[] = {
			id,    vcpu,
			slot,  sender_text(sender, sizeof(sender), c->sender),
			depth, queued
		};

		snprintf(id, sizeof(id), "0x%x", c->id);
		snprintf(vcpu, sizeof(vcpu), "%u", c->vcpu);
		snprintf(slot, sizeof(slot), "%u", c->slot);
		snprintf(depth, sizeof(depth), "%u", c->depth);
		snprintf(queued, sizeof(queued), "%u", c->queued);
		out_table_add(&t, row);
	}
	out_table_print(&t, f, "  ");
	out_table_free(&t);
}

void msg_info_text(FILE *f, const struct root_messaging *m)
{
	const struct pt_messaging_info *mi = &m->info;
	uint32_t pending = 0, masked = 0;

	for (uint32_t i = 0; i < m->port_count; i++) {
		pending += m->ports[i].pending != 0;
		masked += m->ports[i].masked != 0;
	}
	if (mi->event_page_gpa)
		fprintf(f, "Event page:    0x%" PRIx64 "\n",
			mi->event_page_gpa);
	else
		fprintf(f, "Event page:    none registered\n");
	fprintf(f, "Event ports:   %u in use of %u (%u pending, %u masked)\n",
		mi->ports_in_use, mi->max_ports, pending, masked);
	if (m->port_count)
		ports_table(f, m);
	fprintf(f, "Connections:   %u", mi->connection_count);
	if (mi->connection_count > PT_MESSAGING_CONNECTIONS_LISTED)
		fprintf(f, " (the first %u listed)",
			PT_MESSAGING_CONNECTIONS_LISTED);
	fputc('\n', f);
	if (mi->connection_count)
		connections_table(f, mi);
	fprintf(f, "Grant frames:  %u (%u entries)\n", mi->grant_frames,
		mi->grant_frames * PT_GRANT_ENTRIES_PER_FRAME);
	fprintf(f, "Grants mapped: %u by other partitions\n",
		mi->grants_mapped);
	fprintf(f, "Mappings held: %" PRIu64 " of other partitions' frames\n",
		mi->maps_held);
}

void msg_info_json(struct json_out *j, const struct root_messaging *m)
{
	const struct pt_messaging_info *mi = &m->info;

	json_object_begin(j, "messaging");
	json_u64(j, "event_page_gpa", mi->event_page_gpa);
	json_u64(j, "max_ports", mi->max_ports);
	json_u64(j, "ports_in_use", mi->ports_in_use);
	json_array_begin(j, "ports");
	for (uint32_t i = 0; i < m->port_count; i++) {
		const struct pt_port_info *p = &m->ports[i];

		json_object_begin(j, NULL);
		json_u64(j, "port", p->port);
		json_string(j, "state", root_port_state_name(p->state));
		json_u64(j, "vcpu", p->vcpu);
		if (p->state == PT_EVTCHN_STATE_UNBOUND ||
		    p->state == PT_EVTCHN_STATE_INTERDOMAIN)
			json_u64(j, "remote_id", p->remote_id);
		if (p->state == PT_EVTCHN_STATE_INTERDOMAIN)
			json_u64(j, "remote_port", p->remote_port);
		if (p->state == PT_EVTCHN_STATE_VIRQ)
			json_string(j, "virq", root_virq_name(p->remote_port));
		json_bool(j, "pending", p->pending);
		json_bool(j, "masked", p->masked);
		json_object_end(j);
	}
	json_array_end(j);
	json_u64(j, "connection_count", mi->connection_count);
	json_array_begin(j, "connections");
	for (uint32_t i = 0; i < listed_connections(mi); i++) {
		const struct pt_connection_info *c = &mi->connections[i];

		json_object_begin(j, NULL);
		json_u64(j, "id", c->id);
		json_u64(j, "vcpu", c->vcpu);
		json_u64(j, "slot", c->slot);
		if (c->sender == PT_MSG_ANY_SENDER)
			json_string(j, "sender", "any");
		else
			json_u64(j, "sender", c->sender);
		json_u64(j, "depth", c->depth);
		json_u64(j, "queued", c->queued);
		json_object_end(j);
	}
	json_array_end(j);
	json_u64(j, "grant_frames", mi->grant_frames);
	json_u64(j, "grants_mapped", mi->grants_mapped);
	json_u64(j, "maps_held", mi->maps_held);
	json_object_end(j);
}

void msg_stats_text(FILE *f, const struct pt_messaging_info *mi)
{
	fputs("Messaging:\n", f);
	fprintf(f, "  Event sends       %" PRIu64 "\n", mi->sends);
	fprintf(f, "  Deliveries        %" PRIu64 " (upcalls)\n",
		mi->deliveries);
	fprintf(f, "  Masked sends      %" PRIu64 "\n", mi->masked_sends);
	fprintf(f, "  Posts             %" PRIu64 "\n", mi->posts);
	fprintf(f, "  Queue full        %" PRIu64 "\n", mi->queue_full);
	fprintf(f, "  Messages in       %" PRIu64 "\n", mi->messages_in);
	fprintf(f, "  Grant maps        %" PRIu64 "\n", mi->grant_maps);
	fprintf(f, "  Grant copies      %" PRIu64 "\n", mi->grant_copies);
}

void msg_stats_json(struct json_out *j, const struct pt_messaging_info *mi)
{
	json_object_begin(j, "messaging");
	json_u64(j, "sends", mi->sends);
	json_u64(j, "deliveries", mi->deliveries);
	json_u64(j, "masked_sends", mi->masked_sends);
	json_u64(j, "posts", mi->posts);
	json_u64(j, "queue_full", mi->queue_full);
	json_u64(j, "messages_in", mi->messages_in);
	json_u64(j, "grant_maps", mi->grant_maps);
	json_u64(j, "grant_copies", mi->grant_copies);
	json_object_end(j);
}
