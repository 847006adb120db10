// SPDX-License-Identifier: MIT
/*
 * The hypercall fuzzer's oracle: every call code of docs/abi.md with its
 * form, block sizes and documented statuses, and the decode steps of "How
 * a call is checked", which fix the status of a malformed call exactly.
 */
#include <partita/grants.h>

#include "hcall-fuzz.h"

static const uint16_t status_values[FZ_S_COUNT] = {
	[FZ_S_SUCCESS] = PT_STATUS_SUCCESS,
	[FZ_S_CODE] = PT_STATUS_INVALID_HYPERCALL_CODE,
	[FZ_S_INPUT] = PT_STATUS_INVALID_HYPERCALL_INPUT,
	[FZ_S_ALIGN] = PT_STATUS_INVALID_ALIGNMENT,
	[FZ_S_PARAM] = PT_STATUS_INVALID_PARAMETER,
	[FZ_S_DENIED] = PT_STATUS_ACCESS_DENIED,
	[FZ_S_PSTATE] = PT_STATUS_INVALID_PARTITION_STATE,
	[FZ_S_OPDENIED] = PT_STATUS_OPERATION_DENIED,
	[FZ_S_NOMEM] = PT_STATUS_INSUFFICIENT_MEMORY,
	[FZ_S_PID] = PT_STATUS_INVALID_PARTITION_ID,
	[FZ_S_VP] = PT_STATUS_INVALID_VP_INDEX,
	[FZ_S_NOTFOUND] = PT_STATUS_NOT_FOUND,
	[FZ_S_PORT] = PT_STATUS_INVALID_PORT_ID,
	[FZ_S_CONN] = PT_STATUS_INVALID_CONNECTION_ID,
	[FZ_S_BUFFERS] = PT_STATUS_INSUFFICIENT_BUFFERS,
	[FZ_S_INUSE] = PT_STATUS_OBJECT_IN_USE,
	[FZ_S_GPA] = PT_STATUS_INVALID_GPA,
	[FZ_S_WOULDBLOCK] = PT_STATUS_WOULD_BLOCK,
	[FZ_S_NORES] = PT_STATUS_NO_RESOURCES,
	[FZ_S_GREF] = PT_STATUS_INVALID_GRANT_REF,
	[FZ_S_HANDLE] = PT_STATUS_INVALID_HANDLE,
};

uint16_t fz_status_value(unsigned index)
{
	return index < FZ_S_COUNT ? status_values[index] : 0xFFFF;
}

unsigned fz_status_index(uint16_t status)
{
	for (unsigned i = 0; i < FZ_S_COUNT; i++) {
		if (status_values[i] == status)
			return i;
	}
	return FZ_S_UNDOCUMENTED;
}

#define B(s) FZ_BIT(FZ_S_##s)
#define SET_PAGE_OWN (B(ALIGN) | B(GPA) | B(PARAM) | B(PSTATE))
#define GRANT_USE_OWN                                                   \
	(B(PARAM) | B(GPA) | B(PID) | B(PSTATE) | B(GREF) | B(DENIED) | \
	 B(NORES) | B(NOMEM))

/*
 * Statuses "besides decode's and SUCCESS" for a guest caller, as each call
 * lists them. Root-only calls never get past decode for a guest.
 */
const struct fz_spec fz_specs[] = {
	{ PT_CALL_NULL, FZ_FAST, 0, 0, 0, 0, 0, "null" },
	{ PT_CALL_GET_VERSION, FZ_FAST, 0, 0, 0, 0, 0, "get_version" },
	{ PT_CALL_CONSOLE_WRITE, FZ_MEM, 8, 0, 0, 0, B(PARAM) | B(ALIGN),
	  "console_write" },
	{ PT_CALL_SET_TIMER, FZ_FAST, 0, 0, 0, 0, 0, "set_timer" },
	{ PT_CALL_YIELD, FZ_FAST, 0, 0, 0, 0, 0, "yield" },
	{ PT_CALL_BLOCK, FZ_FAST, 0, 0, 0, 0, 0, "block" },
	{ PT_CALL_SELF_INFO, FZ_MEM, 0, 64, 0, 0, 0, "self_info" },
	{ PT_CALL_SHUTDOWN_SELF, FZ_FAST, 0, 0, 0, 0, B(PARAM),
	  "shutdown_self" },
	{ PT_CALL_GET_CALL_STATS, FZ_FAST, 0, 0, 0, 0, B(PARAM),
	  "get_call_stats" },
	{ PT_CALL_GET_ENTRY_HISTOGRAM, FZ_MEM, 8, 80, 0, 0, B(PARAM),
	  "get_entry_histogram" },
	{ PT_CALL_QUERY_PAGES, FZ_MEM | FZ_REP, 0, 0, 8, 8, B(ALIGN) | B(GPA),
	  "query_pages" },
	{ PT_CALL_ZERO_PAGES, FZ_FAST | FZ_REP, 0, 0, 0, 0, B(GPA),
	  "zero_pages" },
	{ PT_CALL_LOG_READ, FZ_MEM | FZ_ROOT, 8, 4096, 0, 0, 0, "log_read" },
	{ PT_CALL_PARTITION_LIST, FZ_MEM | FZ_ROOT, 0, 4096, 0, 0, 0,
	  "partition_list" },
	{ PT_CALL_HV_INFO, FZ_MEM | FZ_ROOT, 0, 256, 0, 0, 0, "hv_info" },
	{ PT_CALL_ROOT_PING, FZ_FAST | FZ_ROOT, 0, 0, 0, 0, 0, "root_ping" },
	{ PT_CALL_PARTITION_CREATE, FZ_MEM | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_create" },
	{ PT_CALL_PARTITION_POPULATE, FZ_FAST | FZ_REP | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_populate" },
	{ PT_CALL_PARTITION_LOAD, FZ_MEM | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_load" },
	{ PT_CALL_PARTITION_START, FZ_MEM | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_start" },
	{ PT_CALL_PARTITION_PAUSE, FZ_FAST | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_pause" },
	{ PT_CALL_PARTITION_UNPAUSE, FZ_FAST | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_unpause" },
	{ PT_CALL_PARTITION_DESTROY, FZ_FAST | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_destroy" },
	{ PT_CALL_PARTITION_SHUTDOWN, FZ_FAST | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_shutdown" },
	{ PT_CALL_PARTITION_INFO, FZ_MEM | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_info" },
	{ PT_CALL_PARTITION_STATS, FZ_MEM | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_stats" },
	{ PT_CALL_CONSOLE_READ, FZ_MEM | FZ_ROOT, 0, 0, 0, 0, 0,
	  "console_read" },
	{ PT_CALL_PARTITION_MESSAGING, FZ_MEM | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_messaging" },
	{ PT_CALL_VCPU_LIST, FZ_MEM | FZ_ROOT, 0, 0, 0, 0, 0, "vcpu_list" },
	{ PT_CALL_VCPU_SET_AFFINITY, FZ_FAST | FZ_ROOT, 0, 0, 0, 0, 0,
	  "vcpu_set_affinity" },
	{ PT_CALL_PARTITION_SCHED, FZ_MEM | FZ_ROOT, 0, 0, 0, 0, 0,
	  "partition_sched" },
	{ PT_CALL_EVTCHN_SET_PAGE, FZ_FAST, 0, 0, 0, 0, SET_PAGE_OWN,
	  "evtchn_set_page" },
	{ PT_CALL_EVTCHN_ALLOC_UNBOUND, FZ_FAST, 0, 0, 0, 0,
	  B(PID) | B(PSTATE) | B(VP) | B(NORES) | B(NOMEM),
	  "evtchn_alloc_unbound" },
	{ PT_CALL_EVTCHN_BIND_INTERDOMAIN, FZ_FAST, 0, 0, 0, 0,
	  B(PID) | B(PSTATE) | B(VP) | B(PORT) | B(DENIED) | B(NORES) |
		  B(NOMEM),
	  "evtchn_bind_interdomain" },
	{ PT_CALL_EVTCHN_BIND_VIRQ, FZ_FAST, 0, 0, 0, 0,
	  B(PARAM) | B(VP) | B(DENIED) | B(OPDENIED) | B(INUSE) | B(PSTATE) |
		  B(NORES),
	  "evtchn_bind_virq" },
	{ PT_CALL_EVTCHN_CLOSE, FZ_FAST, 0, 0, 0, 0, B(PORT), "evtchn_close" },
	{ PT_CALL_EVTCHN_SEND, FZ_FAST, 0, 0, 0, 0, B(PORT), "evtchn_send" },
	{ PT_CALL_EVTCHN_STATUS, FZ_MEM, 8, 32, 0, 0, B(PORT) | B(PARAM),
	  "evtchn_status" },
	{ PT_CALL_EVTCHN_BIND_VCPU, FZ_FAST, 0, 0, 0, 0,
	  B(PORT) | B(VP) | B(OPDENIED), "evtchn_bind_vcpu" },
	{ PT_CALL_EVTCHN_MASK, FZ_FAST, 0, 0, 0, 0, B(PORT), "evtchn_mask" },
	{ PT_CALL_EVTCHN_UNMASK, FZ_FAST, 0, 0, 0, 0, B(PORT),
	  "evtchn_unmask" },
	{ PT_CALL_MSG_SET_PAGE, FZ_FAST, 0, 0, 0, 0, SET_PAGE_OWN,
	  "msg_set_page" },
	{ PT_CALL_MSG_CREATE_CONNECTION, FZ_MEM, 16, 8, 0, 0,
	  B(VP) | B(PARAM) | B(INUSE) | B(PSTATE) | B(NOMEM),
	  "msg_create_connection" },
	{ PT_CALL_MSG_DELETE_CONNECTION, FZ_FAST, 0, 0, 0, 0, B(CONN),
	  "msg_delete_connection" },
	{ PT_CALL_MSG_POST, FZ_MEM, 256, 0, 0, 0,
	  B(PARAM) | B(CONN) | B(DENIED) | B(BUFFERS), "msg_post" },
	{ PT_CALL_MSG_EOM, FZ_FAST, 0, 0, 0, 0, B(PARAM), "msg_eom" },
	{ PT_CALL_GRANT_SET_TABLE, FZ_FAST, 0, 0, 0, 0,
	  B(OPDENIED) | B(PARAM) | B(ALIGN) | B(GPA) | B(INUSE) | B(NOMEM),
	  "grant_set_table" },
	{ PT_CALL_GRANT_MAP, FZ_MEM | FZ_REP, 0, 0, 16, 8, GRANT_USE_OWN,
	  "grant_map" },
	{ PT_CALL_GRANT_UNMAP, FZ_MEM | FZ_REP, 0, 0, 8, 0, B(HANDLE),
	  "grant_unmap" },
	{ PT_CALL_GRANT_COPY, FZ_MEM | FZ_REP, 0, 0, 24, 0, GRANT_USE_OWN,
	  "grant_copy" },
	{ PT_CALL_GRANT_END_ACCESS, FZ_FAST, 0, 0, 0, 0, B(GREF) | B(INUSE),
	  "grant_end_access" },
	{ PT_CALL_GRANT_QUERY, FZ_FAST, 0, 0, 0, 0, B(GREF), "grant_query" },
	{ PT_CALL_GRANT_WINDOW, FZ_FAST, 0, 0, 0, 0, 0, "grant_window" },
};

const unsigned fz_spec_count = sizeof(fz_specs) / sizeof(fz_specs[0]);

const struct fz_spec *fz_spec_of(uint16_t code)
{
	for (unsigned i = 0; i < fz_spec_count; i++) {
		if (fz_specs[i].code == code)
			return &fz_specs[i];
	}
	return 0;
}

/* Step 6-8: a fixed-size block, 8-byte aligned, in one page, in RAM. */
static int block_status(uint64_t gpa, uint32_t size)
{
	if (gpa & 7)
		return PT_STATUS_INVALID_ALIGNMENT;
	if ((gpa & (FZ_PAGE - 1)) + size > FZ_PAGE)
		return PT_STATUS_INVALID_ALIGNMENT;
	return gpa < fz.ram ? -1 : PT_STATUS_INVALID_GPA;
}

/* Steps 9-10: a rep list, aligned, elements [start, count) in RAM. */
static int list_status(uint64_t gpa, uint32_t size, uint32_t start,
		       uint32_t count)
{
	unsigned __int128 first =
		(unsigned __int128)gpa + (uint64_t)start * size;
	unsigned __int128 end = (unsigned __int128)gpa + (uint64_t)count * size;

	if (gpa & 7)
		return PT_STATUS_INVALID_ALIGNMENT;
	if (first >= fz.ram || end > fz.ram)
		return PT_STATUS_INVALID_GPA;
	return -1;
}

int fz_predict_decode(const struct fz_call *c)
{
	const struct fz_spec *s = c->spec;
	uint64_t rcx = c->rcx;
	int fast = (rcx & PT_HC_FAST) != 0, st;
	uint32_t count =
		(uint32_t)(rcx >> PT_HC_REP_COUNT_SHIFT) & PT_HC_REP_MASK;
	uint32_t start =
		(uint32_t)(rcx >> PT_HC_REP_START_SHIFT) & PT_HC_REP_MASK;

	if (rcx & PT_HC_RESERVED_MASK)
		return PT_STATUS_INVALID_HYPERCALL_INPUT;
	if (!s)
		return PT_STATUS_INVALID_HYPERCALL_CODE;
	if (s->form & FZ_ROOT)
		return PT_STATUS_ACCESS_DENIED; /* the fuzzer is a guest */
	if (fast ? !(s->form & FZ_FAST) : !(s->form & FZ_MEM))
		return PT_STATUS_INVALID_HYPERCALL_INPUT;
	if (s->form & FZ_REP) {
		if (count == 0 || start >= count)
			return PT_STATUS_INVALID_HYPERCALL_INPUT;
	} else if (count || start) {
		return PT_STATUS_INVALID_HYPERCALL_INPUT;
	}
	if (fast)
		return -1;
	if (s->in_size && (st = block_status(c->rdx, s->in_size)) >= 0)
		return st;
	if (s->out_size && (st = block_status(c->r8, s->out_size)) >= 0)
		return st;
	if (s->rep_in &&
	    (st = list_status(c->rdx, s->rep_in, start, count)) >= 0)
		return st;
	if (s->rep_out &&
	    (st = list_status(c->r8, s->rep_out, start, count)) >= 0)
		return st;
	return -1;
}
