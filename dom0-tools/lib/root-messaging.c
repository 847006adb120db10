// SPDX-License-Identifier: GPL-2.0-only
/* PT_CALL_PARTITION_MESSAGING: a partition's ports, connections and grants. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "root-internal.h"
#include "root-messaging.h"

/* One page of the answer, checked against what fits and what was asked. */
static int check_page(struct root_dev *dev, uint32_t id, uint32_t from,
		      const struct pt_messaging_info *page)
{
	if (page->port_count > PT_MESSAGING_PORTS_MAX)
		return root_fail(dev, -EPROTO,
				 "the hypervisor listed %u ports of partition "
				 "%u, more than fit in its answer",
				 page->port_count, id);
	if (page->next_port &&
	    (page->next_port <= from || page->next_port >= PT_EVTCHN_PORTS))
		return root_fail(dev, -EPROTO,
				 "the hypervisor's port list of partition %u "
				 "asked to continue at port %u after port %u",
				 id, page->next_port, from);
	for (uint32_t i = 0; i < page->port_count; i++) {
		uint32_t p = page->ports[i].port;

		if (p < from || (page->next_port && p >= page->next_port))
			return root_fail(dev, -EPROTO,
					 "the hypervisor listed port %u of "
					 "partition %u on the page of ports "
					 "%u to %u",
					 p, id, from,
					 page->next_port ? page->next_port - 1
							 : PT_EVTCHN_PORTS - 1);
	}
	return 0;
}

int root_partition_messaging(struct root_dev *dev, uint32_t id,
			     struct root_messaging *out)
{
	union root_page page;
	const struct pt_messaging_info *mi = (const void *)page.bytes;
	struct pt_partition_ref ref = { .id = id };
	struct pt_port_info *ports;
	uint32_t count = 0;
	int err;

	memset(out, 0, sizeof(*out));
	/* Every port of the table at most: more means a wrong answer. */
	ports = calloc(PT_EVTCHN_PORTS, sizeof(*ports));
	if (!ports)
		return root_fail(dev, -ENOMEM, "out of memory");
	do {
		uint32_t from = (uint32_t)ref.from_seq;

		err = root_memory_call(dev, PT_CALL_PARTITION_MESSAGING, &ref,
				       sizeof(ref), page.bytes,
				       sizeof(page.bytes));
		if (!err)
			err = check_page(dev, id, from, mi);
		if (!err && count + mi->port_count > PT_EVTCHN_PORTS)
			err = root_fail(dev, -EPROTO,
					"the hypervisor listed more than %u "
					"ports of partition %u",
					PT_EVTCHN_PORTS, id);
		if (err) {
			free(ports);
			return err;
		}
		if (from == 0)
			out->info = *mi;
		memcpy(&ports[count], mi->ports,
		       mi->port_count * sizeof(*ports));
		count += mi->port_count;
		ref.from_seq = mi->next_port;
	} while (ref.from_seq);
	out->ports = ports;
	out->port_count = count;
	return 0;
}

void root_messaging_free(struct root_messaging *m)
{
	free(m->ports);
	m->ports = NULL;
	m->port_count = 0;
}
