// SPDX-License-Identifier: MIT
/* Noticing devices attached to and detached from the running guest. */
#include <partita-guest/start.h>
#include <partita-guest/store.h>
#include <partita-guest/vpap.h>
#include <partita-guest/xenbus.h>

#include "fmt.h"
#include "string.h"

#define SLICE_NS (60ull * 1000000000ull)

static int relist(struct pt_xenbus_hotplug *h)
{
	unsigned ids[PT_XENBUS_DEVICES_MAX];
	int n = pt_xenbus_list_devices(pt_xenbus_guest_ops(),
				       pt_start_info()->partition_id, h->type,
				       ids, PT_XENBUS_DEVICES_MAX);

	if (n < 0)
		return n;
	if ((unsigned)n == h->count &&
	    !memcmp(ids, h->ids, (size_t)n * sizeof(ids[0])))
		return 0;
	memcpy(h->ids, ids, (size_t)n * sizeof(ids[0]));
	h->count = (unsigned)n;
	return 1;
}

int pt_xenbus_hotplug_start(struct pt_xenbus_hotplug *h, const char *type)
{
	int ret;

	memset(h, 0, sizeof(*h));
	if (pt_store_init(0))
		return -PT_DEV_ENOSTORE;
	if (strlen(type) >= sizeof(h->type))
		return -PT_DEV_EINVAL;
	strlcpy(h->type, type, sizeof(h->type));
	fmt_snprintf(h->path, sizeof(h->path), "/local/domain/%u/device/%s",
		     pt_start_info()->partition_id, type);
	fmt_snprintf(h->token, sizeof(h->token), "pt-hotplug:%s", type);
	/* Counts first: an event after them is never missed. */
	h->activity = pt_store_activity();
	h->events = pt_store_event_count();
	ret = pt_store_watch(h->path, h->token);
	if (ret)
		return -PT_DEV_ESTORE;
	h->watching = 1;
	ret = relist(h);
	return ret < 0 ? ret : 0;
}

/* Lists again if a watch event came; force: even if the port was quiet. */
static int look(struct pt_xenbus_hotplug *h, int force)
{
	char path[PT_XENBUS_PATH_MAX + 32], token[64];
	uint32_t activity = pt_store_activity();
	uint64_t events;

	if (!force && activity == h->activity)
		return 0;
	h->activity = activity;
	while (!pt_store_wait_event(path, sizeof(path), token, sizeof(token),
				    0))
		;
	events = pt_store_event_count();
	if (events == h->events)
		return 0;
	h->events = events;
	return relist(h);
}

int pt_xenbus_hotplug_poll(struct pt_xenbus_hotplug *h)
{
	return look(h, 0);
}

int pt_xenbus_hotplug_wait(struct pt_xenbus_hotplug *h, uint64_t deadline_ns)
{
	char path[PT_XENBUS_PATH_MAX + 32], token[64];

	for (;;) {
		uint64_t now = pt_time_ns(), timeout = SLICE_NS;
		/* An event someone else took counts too. */
		int ret = look(h, pt_store_event_count() != h->events);

		if (ret)
			return ret;
		if (deadline_ns) {
			if (now >= deadline_ns)
				return 0;
			timeout = deadline_ns - now;
		}
		ret = pt_store_wait_event(path, sizeof(path), token,
					  sizeof(token), timeout);
		if (ret && ret != -PT_STORE_ETIMEDOUT)
			return -PT_DEV_ESTORE;
	}
}

void pt_xenbus_hotplug_stop(struct pt_xenbus_hotplug *h)
{
	if (h->watching)
		pt_store_unwatch(h->path, h->token);
	h->watching = 0;
}
