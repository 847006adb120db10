// SPDX-License-Identifier: MIT
/*
 * Event ports for host tests, after the hypervisor's rules
 * (hypervisor/core/evtchn.c): a new port is the lowest free number, close
 * clears the port's pending bit but not its mask bit (that bit is the
 * guest's, in its event page), and a send to a masked port only sets
 * pending until the port is unmasked.
 */
#include <string.h>
#include <partita/status.h>
#include <partita-guest/evtchn.h>
#include <partita-guest/hypercall.h>

#include "fake-vdev.h"

struct fake_port fake_ports[FAKE_PORTS];
unsigned fake_mask_calls, fake_unmask_calls, fake_sends, fake_handler_runs;
int fake_evtchn_alloc_status;

void fake_evtchn_reset(void)
{
	memset(fake_ports, 0, sizeof(fake_ports));
	fake_mask_calls = fake_unmask_calls = fake_sends = 0;
	fake_handler_runs = 0;
	fake_evtchn_alloc_status = 0;
}

static int port_ok(uint32_t port)
{
	return port != 0 && port < FAKE_PORTS;
}

int pt_evtchn_init(void)
{
	return 0;
}

int pt_evtchn_alloc_wait(uint32_t remote_id, uint32_t vcpu,
			 uint64_t deadline_ns, uint32_t *port)
{
	if (fake_evtchn_alloc_status)
		return fake_evtchn_alloc_status;
	for (uint32_t p = 1; p < FAKE_PORTS; p++) {
		if (fake_ports[p].open)
			continue;
		/* Pending went at close; mask stays what the guest left. */
		fake_ports[p].open = 1;
		fake_ports[p].pending = 0;
		fake_ports[p].remote = remote_id;
		fake_ports[p].fn = NULL;
		*port = p;
		return 0;
	}
	return -PT_STATUS_NO_RESOURCES;
}

int pt_evtchn_set_handler(uint32_t port, pt_evtchn_fn fn, void *ctx)
{
	if (!port_ok(port))
		return -PT_STATUS_INVALID_PORT_ID;
	fake_ports[port].fn = fn;
	fake_ports[port].ctx = ctx;
	return 0;
}

int pt_evtchn_close(uint32_t port)
{
	if (!port_ok(port) || !fake_ports[port].open)
		return -PT_STATUS_INVALID_PORT_ID;
	fake_ports[port].open = 0;
	fake_ports[port].pending = 0;
	fake_ports[port].fn = NULL;
	return 0;
}

int pt_evtchn_mask(uint32_t port)
{
	if (!port_ok(port))
		return -PT_STATUS_INVALID_PORT_ID;
	fake_mask_calls++;
	fake_ports[port].masked = 1;
	return 0;
}

int pt_evtchn_unmask(uint32_t port)
{
	if (!port_ok(port))
		return -PT_STATUS_INVALID_PORT_ID;
	fake_unmask_calls++;
	/* A pending port is now deliverable: the next STI takes it. */
	fake_ports[port].masked = 0;
	return 0;
}

int pt_call_evtchn_send(uint32_t port)
{
	fake_sends++;
	return port_ok(port) && fake_ports[port].open
		       ? 0
		       : -PT_STATUS_INVALID_PORT_ID;
}

void fake_backend_send(uint32_t port)
{
	if (port_ok(port) && fake_ports[port].open)
		fake_ports[port].pending = 1;
}

int fake_evtchn_deliverable(void)
{
	for (uint32_t p = 1; p < FAKE_PORTS; p++)
		if (fake_ports[p].pending && !fake_ports[p].masked)
			return 1;
	return 0;
}

void fake_evtchn_upcall(void)
{
	for (uint32_t p = 1; p < FAKE_PORTS; p++) {
		struct fake_port *fp = &fake_ports[p];

		if (!fp->pending || fp->masked)
			continue;
		/* Cleared before the handler, as evtchn.c does. */
		fp->pending = 0;
		if (fp->fn) {
			fake_handler_runs++;
			fp->fn(p, fp->ctx);
		}
	}
}
