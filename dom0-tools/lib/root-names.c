// SPDX-License-Identifier: GPL-2.0-only
/* Names of hypervisor status codes, call codes (protocols/partita/
 * call-names.h), root events and features. */
#include <stdio.h>

#include <partita/call-names.h>
#include <partita/cpuid.h>
#include <partita/root.h>
#include <partita/status.h>

#include "root-client.h"
#include "root-internal.h"

struct root_name {
	unsigned int value;
	const char *name;
};

static const struct root_name status_names[] = {
	{ PT_STATUS_SUCCESS, "SUCCESS" },
	{ PT_STATUS_INVALID_HYPERCALL_CODE, "INVALID_HYPERCALL_CODE" },
	{ PT_STATUS_INVALID_HYPERCALL_INPUT, "INVALID_HYPERCALL_INPUT" },
	{ PT_STATUS_INVALID_ALIGNMENT, "INVALID_ALIGNMENT" },
	{ PT_STATUS_INVALID_PARAMETER, "INVALID_PARAMETER" },
	{ PT_STATUS_ACCESS_DENIED, "ACCESS_DENIED" },
	{ PT_STATUS_INVALID_PARTITION_STATE, "INVALID_PARTITION_STATE" },
	{ PT_STATUS_OPERATION_DENIED, "OPERATION_DENIED" },
	{ PT_STATUS_INSUFFICIENT_MEMORY, "INSUFFICIENT_MEMORY" },
	{ PT_STATUS_INVALID_PARTITION_ID, "INVALID_PARTITION_ID" },
	{ PT_STATUS_INVALID_VP_INDEX, "INVALID_VP_INDEX" },
	{ PT_STATUS_NOT_FOUND, "NOT_FOUND" },
	{ PT_STATUS_INVALID_PORT_ID, "INVALID_PORT_ID" },
	{ PT_STATUS_INVALID_CONNECTION_ID, "INVALID_CONNECTION_ID" },
	{ PT_STATUS_INSUFFICIENT_BUFFERS, "INSUFFICIENT_BUFFERS" },
	{ PT_STATUS_OBJECT_IN_USE, "OBJECT_IN_USE" },
	{ PT_STATUS_CALL_PENDING, "CALL_PENDING" },
	{ PT_STATUS_INVALID_GPA, "INVALID_GPA" },
	{ PT_STATUS_WOULD_BLOCK, "WOULD_BLOCK" },
	{ PT_STATUS_NO_RESOURCES, "NO_RESOURCES" },
	{ PT_STATUS_INVALID_GRANT_REF, "INVALID_GRANT_REF" },
	{ PT_STATUS_INVALID_HANDLE, "INVALID_HANDLE" },
};

static const struct root_name event_names[] = {
	{ PT_ROOT_EVENT_LOG, "log" },
	{ PT_ROOT_EVENT_PING, "ping" },
	{ PT_ROOT_EVENT_PARTITION, "partition" },
	{ PT_ROOT_EVENT_CONSOLE, "console" },
	{ PT_ROOT_EVENT_PORTS, "ports" },
	{ PT_ROOT_EVENT_MESSAGES, "messages" },
};

/* Indexed by bit number: PT_FEATURE_* are 1 << index. */
static const struct root_name feature_names[] = {
	{ 0, "hypercall-page" },   { 1, "vpap" },	{ 2, "timer" },
	{ 3, "rep-continuation" }, { 4, "call-stats" }, { 5, "event-ports" },
	{ 6, "messages" },	   { 7, "grants" },
};

#define ROOT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const struct root_name *names, size_t n,
			  unsigned int value)
{
	for (size_t i = 0; i < n; i++) {
		if (names[i].value == value)
			return names[i].name;
	}
	return NULL;
}

const char *root_status_name(uint16_t status)
{
	return lookup(status_names, ROOT_COUNT(status_names), status);
}

const char *root_event_name(unsigned int event)
{
	return lookup(event_names, ROOT_COUNT(event_names), event);
}

const char *root_feature_name(unsigned int bit)
{
	_Static_assert(PT_FEATURE_CALL_STATS == 1u << 4 &&
			       PT_FEATURE_GRANTS == 1u << 7,
		       "feature_names follows cpuid.h");
	return lookup(feature_names, ROOT_COUNT(feature_names), bit);
}

const char *root_call_code_name(uint16_t code)
{
	return pt_call_name(code);
}

const char *root_call_name(uint16_t code, char *buf, size_t size)
{
	const char *name = pt_call_name(code);

	if (name)
		return name;
	snprintf(buf, size, "call 0x%04x", code);
	return buf;
}
