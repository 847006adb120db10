// SPDX-License-Identifier: GPL-2.0-only
/* Names of hypervisor status codes, call codes, root events and features. */
#include <stdio.h>

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

static const struct root_name call_names[] = {
	{ PT_CALL_NULL, "NULL" },
	{ PT_CALL_GET_VERSION, "GET_VERSION" },
	{ PT_CALL_CONSOLE_WRITE, "CONSOLE_WRITE" },
	{ PT_CALL_SET_TIMER, "SET_TIMER" },
	{ PT_CALL_YIELD, "YIELD" },
	{ PT_CALL_BLOCK, "BLOCK" },
	{ PT_CALL_SELF_INFO, "SELF_INFO" },
	{ PT_CALL_SHUTDOWN_SELF, "SHUTDOWN_SELF" },
	{ PT_CALL_GET_CALL_STATS, "GET_CALL_STATS" },
	{ PT_CALL_GET_ENTRY_HISTOGRAM, "GET_ENTRY_HISTOGRAM" },
	{ PT_CALL_QUERY_PAGES, "QUERY_PAGES" },
	{ PT_CALL_ZERO_PAGES, "ZERO_PAGES" },
	{ PT_CALL_LOG_READ, "LOG_READ" },
	{ PT_CALL_PARTITION_LIST, "PARTITION_LIST" },
	{ PT_CALL_HV_INFO, "HV_INFO" },
	{ PT_CALL_ROOT_PING, "ROOT_PING" },
	{ PT_CALL_PARTITION_CREATE, "PARTITION_CREATE" },
	{ PT_CALL_PARTITION_POPULATE, "PARTITION_POPULATE" },
	{ PT_CALL_PARTITION_LOAD, "PARTITION_LOAD" },
	{ PT_CALL_PARTITION_START, "PARTITION_START" },
	{ PT_CALL_PARTITION_PAUSE, "PARTITION_PAUSE" },
	{ PT_CALL_PARTITION_UNPAUSE, "PARTITION_UNPAUSE" },
	{ PT_CALL_PARTITION_DESTROY, "PARTITION_DESTROY" },
	{ PT_CALL_PARTITION_SHUTDOWN, "PARTITION_SHUTDOWN" },
	{ PT_CALL_PARTITION_INFO, "PARTITION_INFO" },
	{ PT_CALL_PARTITION_STATS, "PARTITION_STATS" },
	{ PT_CALL_CONSOLE_READ, "CONSOLE_READ" },
	{ PT_CALL_PARTITION_MESSAGING, "PARTITION_MESSAGING" },
	{ PT_CALL_VCPU_LIST, "VCPU_LIST" },
	{ PT_CALL_VCPU_SET_AFFINITY, "VCPU_SET_AFFINITY" },
	{ PT_CALL_PARTITION_SCHED, "PARTITION_SCHED" },
	{ PT_CALL_EVTCHN_SET_PAGE, "EVTCHN_SET_PAGE" },
	{ PT_CALL_EVTCHN_ALLOC_UNBOUND, "EVTCHN_ALLOC_UNBOUND" },
	{ PT_CALL_EVTCHN_BIND_INTERDOMAIN, "EVTCHN_BIND_INTERDOMAIN" },
	{ PT_CALL_EVTCHN_BIND_VIRQ, "EVTCHN_BIND_VIRQ" },
	{ PT_CALL_EVTCHN_CLOSE, "EVTCHN_CLOSE" },
	{ PT_CALL_EVTCHN_SEND, "EVTCHN_SEND" },
	{ PT_CALL_EVTCHN_STATUS, "EVTCHN_STATUS" },
	{ PT_CALL_EVTCHN_BIND_VCPU, "EVTCHN_BIND_VCPU" },
	{ PT_CALL_EVTCHN_MASK, "EVTCHN_MASK" },
	{ PT_CALL_EVTCHN_UNMASK, "EVTCHN_UNMASK" },
	{ PT_CALL_MSG_SET_PAGE, "MSG_SET_PAGE" },
	{ PT_CALL_MSG_CREATE_CONNECTION, "MSG_CREATE_CONNECTION" },
	{ PT_CALL_MSG_DELETE_CONNECTION, "MSG_DELETE_CONNECTION" },
	{ PT_CALL_MSG_POST, "MSG_POST" },
	{ PT_CALL_MSG_EOM, "MSG_EOM" },
	{ PT_CALL_GRANT_SET_TABLE, "GRANT_SET_TABLE" },
	{ PT_CALL_GRANT_MAP, "GRANT_MAP" },
	{ PT_CALL_GRANT_UNMAP, "GRANT_UNMAP" },
	{ PT_CALL_GRANT_COPY, "GRANT_COPY" },
	{ PT_CALL_GRANT_END_ACCESS, "GRANT_END_ACCESS" },
	{ PT_CALL_GRANT_QUERY, "GRANT_QUERY" },
	{ PT_CALL_GRANT_WINDOW, "GRANT_WINDOW" },
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
	return lookup(call_names, ROOT_COUNT(call_names), code);
}

const char *root_call_name(uint16_t code, char *buf, size_t size)
{
	const char *name = lookup(call_names, ROOT_COUNT(call_names), code);

	if (name)
		return name;
	snprintf(buf, size, "call 0x%04x", code);
	return buf;
}
