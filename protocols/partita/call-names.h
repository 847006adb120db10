/* SPDX-License-Identifier: MIT */
/*
 * The one list of hypercall names, shared by the hypervisor (its dispatch
 * tables are checked against it), the root library and the CLI. Adding a
 * call code to hypercall.h means adding its row here.
 */
#ifndef PARTITA_CALL_NAMES_H
#define PARTITA_CALL_NAMES_H

#include "hypercall.h"

/* X(code, "NAME") for every call code, in code order. */
#define PT_CALL_NAME_LIST(X)                                          \
	X(PT_CALL_NULL, "NULL")                                       \
	X(PT_CALL_GET_VERSION, "GET_VERSION")                         \
	X(PT_CALL_CONSOLE_WRITE, "CONSOLE_WRITE")                     \
	X(PT_CALL_SET_TIMER, "SET_TIMER")                             \
	X(PT_CALL_YIELD, "YIELD")                                     \
	X(PT_CALL_BLOCK, "BLOCK")                                     \
	X(PT_CALL_SELF_INFO, "SELF_INFO")                             \
	X(PT_CALL_SHUTDOWN_SELF, "SHUTDOWN_SELF")                     \
	X(PT_CALL_GET_CALL_STATS, "GET_CALL_STATS")                   \
	X(PT_CALL_GET_ENTRY_HISTOGRAM, "GET_ENTRY_HISTOGRAM")         \
	X(PT_CALL_QUERY_PAGES, "QUERY_PAGES")                         \
	X(PT_CALL_ZERO_PAGES, "ZERO_PAGES")                           \
	X(PT_CALL_LOG_READ, "LOG_READ")                               \
	X(PT_CALL_PARTITION_LIST, "PARTITION_LIST")                   \
	X(PT_CALL_HV_INFO, "HV_INFO")                                 \
	X(PT_CALL_ROOT_PING, "ROOT_PING")                             \
	X(PT_CALL_PARTITION_CREATE, "PARTITION_CREATE")               \
	X(PT_CALL_PARTITION_POPULATE, "PARTITION_POPULATE")           \
	X(PT_CALL_PARTITION_LOAD, "PARTITION_LOAD")                   \
	X(PT_CALL_PARTITION_START, "PARTITION_START")                 \
	X(PT_CALL_PARTITION_PAUSE, "PARTITION_PAUSE")                 \
	X(PT_CALL_PARTITION_UNPAUSE, "PARTITION_UNPAUSE")             \
	X(PT_CALL_PARTITION_DESTROY, "PARTITION_DESTROY")             \
	X(PT_CALL_PARTITION_SHUTDOWN, "PARTITION_SHUTDOWN")           \
	X(PT_CALL_PARTITION_INFO, "PARTITION_INFO")                   \
	X(PT_CALL_PARTITION_STATS, "PARTITION_STATS")                 \
	X(PT_CALL_CONSOLE_READ, "CONSOLE_READ")                       \
	X(PT_CALL_PARTITION_MESSAGING, "PARTITION_MESSAGING")         \
	X(PT_CALL_VCPU_LIST, "VCPU_LIST")                             \
	X(PT_CALL_VCPU_SET_AFFINITY, "VCPU_SET_AFFINITY")             \
	X(PT_CALL_PARTITION_SCHED, "PARTITION_SCHED")                 \
	X(PT_CALL_EVTCHN_SET_PAGE, "EVTCHN_SET_PAGE")                 \
	X(PT_CALL_EVTCHN_ALLOC_UNBOUND, "EVTCHN_ALLOC_UNBOUND")       \
	X(PT_CALL_EVTCHN_BIND_INTERDOMAIN, "EVTCHN_BIND_INTERDOMAIN") \
	X(PT_CALL_EVTCHN_BIND_VIRQ, "EVTCHN_BIND_VIRQ")               \
	X(PT_CALL_EVTCHN_CLOSE, "EVTCHN_CLOSE")                       \
	X(PT_CALL_EVTCHN_SEND, "EVTCHN_SEND")                         \
	X(PT_CALL_EVTCHN_STATUS, "EVTCHN_STATUS")                     \
	X(PT_CALL_EVTCHN_BIND_VCPU, "EVTCHN_BIND_VCPU")               \
	X(PT_CALL_EVTCHN_MASK, "EVTCHN_MASK")                         \
	X(PT_CALL_EVTCHN_UNMASK, "EVTCHN_UNMASK")                     \
	X(PT_CALL_MSG_SET_PAGE, "MSG_SET_PAGE")                       \
	X(PT_CALL_MSG_CREATE_CONNECTION, "MSG_CREATE_CONNECTION")     \
	X(PT_CALL_MSG_DELETE_CONNECTION, "MSG_DELETE_CONNECTION")     \
	X(PT_CALL_MSG_POST, "MSG_POST")                               \
	X(PT_CALL_MSG_EOM, "MSG_EOM")                                 \
	X(PT_CALL_GRANT_SET_TABLE, "GRANT_SET_TABLE")                 \
	X(PT_CALL_GRANT_MAP, "GRANT_MAP")                             \
	X(PT_CALL_GRANT_UNMAP, "GRANT_UNMAP")                         \
	X(PT_CALL_GRANT_COPY, "GRANT_COPY")                           \
	X(PT_CALL_GRANT_END_ACCESS, "GRANT_END_ACCESS")               \
	X(PT_CALL_GRANT_QUERY, "GRANT_QUERY")                         \
	X(PT_CALL_GRANT_WINDOW, "GRANT_WINDOW")

/* The name of a call code ("NULL", "PARTITION_CREATE"), or a null pointer
 * for a code that is not a call. */
static inline const char *pt_call_name(unsigned int code)
{
	switch (code) {
#define PT_CALL_NAME_CASE(c, n) \
	case c:                 \
		return n;
		PT_CALL_NAME_LIST(PT_CALL_NAME_CASE)
#undef PT_CALL_NAME_CASE
	default:
		return 0;
	}
}

#endif
