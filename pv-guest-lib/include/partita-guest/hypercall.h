/* SPDX-License-Identifier: MIT */
/* Hypercall page set-up, raw hypercalls and typed wrappers for each call. */
#ifndef PARTITA_GUEST_HYPERCALL_H
#define PARTITA_GUEST_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>
#include <partita/events.h>
#include <partita/grants.h>
#include <partita/hypercall.h>
#include <partita/messages.h>
#include <partita/status.h>

/*
 * Status the raw calls return while the hypercall page is not enabled. It is
 * a library value, not an ABI status: no hypervisor ever returns it.
 */
#define PT_GUEST_STATUS_NO_PAGE 0xFFFFu

/* Value written to the guest OS ID MSR by pt_hypercall_page_enable(0). */
#define PT_GUEST_OS_ID_DEFAULT 0x5054475545535431ull /* "PTGUEST1" */

/*
 * Writes the guest OS ID (os_id, or PT_GUEST_OS_ID_DEFAULT when 0), then
 * enables the library's hypercall page. Needs pt_discover() first (for the
 * MSR numbers). Returns 0, or -1 when the enable bit does not stick.
 * The page is partition-wide: call it once, on one vCPU.
 */
int pt_hypercall_page_enable(uint64_t os_id);

/* GPA of the 4 KiB page the library hands to the hypervisor. */
uint64_t pt_hypercall_page_gpa(void);

/* Non-zero once pt_hypercall_page_enable() succeeded. */
int pt_hypercall_page_ready(void);

/*
 * Raw calls. input is the full RCX value (pt_hc_input() builds one); the
 * result is the full RAX value (pt_hc_status(), pt_hc_reps_done() split
 * it). A rep call that the hypervisor continues still returns once.
 *
 * pt_hypercall: memory call, in_gpa in RDX and out_gpa in R8.
 * pt_hypercall_fast: register call; out_rdx/out_r8 (may be NULL) receive
 * RDX and R8 as the hypervisor left them.
 */
uint64_t pt_hypercall(uint64_t input, uint64_t in_gpa, uint64_t out_gpa);
uint64_t pt_hypercall_fast(uint64_t input, uint64_t rdx, uint64_t r8,
			   uint64_t *out_rdx, uint64_t *out_r8);

/* Where a call goes: the hypercall page once enabled, a stub before. */
extern uint64_t pt_hypercall_entry;

/*
 * pt_hypercall_fast() inline, for callers on a hot path: *rdx and *r8 go
 * in and come back as the hypervisor left them. The calling convention
 * preserves every register but RAX, RCX, RDX and R8, so the call clobbers
 * nothing else (the library is built without a red zone, so the call's
 * push cannot overwrite the caller's locals).
 */
static inline uint64_t pt_hypercall_fast_inline(uint64_t input, uint64_t *rdx,
						uint64_t *r8)
{
	register uint64_t r8_reg __asm__("r8") = *r8;
	uint64_t rax;

	__asm__ volatile("call *%[entry]"
			 : "=a"(rax), "+c"(input), "+d"(*rdx), "+r"(r8_reg)
			 : [entry] "m"(pt_hypercall_entry)
			 : "memory", "cc");
	*r8 = r8_reg;
	return rax;
}

/*
 * Typed wrappers. Each returns 0 on success or the negated PT_STATUS_* code
 * (or -PT_GUEST_STATUS_NO_PAGE). Memory-call wrappers stage their blocks in
 * a per-vCPU page of the library, so callers pass ordinary pointers.
 */
int pt_call_null(void);
int pt_call_get_version(uint32_t *version, uint32_t *features);
/* Splits text longer than PT_CONSOLE_WRITE_MAX into several calls. */
int pt_call_console_write(const char *text, size_t length);
/* One-shot timer at absolute hypervisor time deadline_ns; 0 cancels. */
int pt_call_set_timer(uint64_t deadline_ns);
int pt_call_yield(void);
/* Blocks until an event is pending or deadline_ns (0: no deadline). */
int pt_call_block(uint64_t deadline_ns);
int pt_call_self_info(struct pt_self_info *out);
/* Returns only if the hypervisor refuses (e.g. an unknown reason). */
int pt_call_shutdown(uint32_t reason);
/* Statistics of call code `code`: count of calls, worst entry time in ns. */
int pt_call_get_call_stats(uint16_t code, uint64_t *count,
			   uint64_t *worst_entry_ns);
/* Zeroes code's statistics and histogram (to leave a warm-up out). */
int pt_call_reset_call_stats(uint16_t code);
/* Entry-time histogram of `code`; flags PT_CALL_STATS_RESET resets it. */
int pt_call_get_entry_histogram(uint16_t code, uint32_t flags,
				struct pt_entry_histogram *out);

/*
 * Rep wrappers: any count, split into rep calls of at most PT_HC_REP_MAX
 * elements. *done (may be NULL) receives how many elements completed in
 * total; on failure that is the index of the element that failed.
 *
 * pt_call_query_pages: info[i] = PT_PAGE_INFO_* flags of gpfns[i]. Both
 * arrays must be 8-byte aligned.
 * pt_call_zero_pages: zeroes the GPFNs first_gpfn .. first_gpfn + count - 1.
 */
int pt_call_query_pages(const uint64_t *gpfns, uint64_t *info, size_t count,
			size_t *done);
int pt_call_zero_pages(uint64_t first_gpfn, size_t count, size_t *done);

/*
 * Event ports (partita/events.h). A vCPU argument names the vCPU that gets
 * the port's upcalls. Outputs are written only on success.
 */
int pt_call_evtchn_set_page(uint64_t gpa);
int pt_call_evtchn_alloc_unbound(uint32_t remote_id, uint32_t vcpu,
				 uint32_t *port);
int pt_call_evtchn_bind_interdomain(uint32_t remote_id, uint32_t vcpu,
				    uint32_t remote_port, uint32_t *port);
int pt_call_evtchn_bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port);
int pt_call_evtchn_close(uint32_t port);
int pt_call_evtchn_send(uint32_t port);
int pt_call_evtchn_status(uint32_t port, struct pt_evtchn_status *out);
int pt_call_evtchn_bind_vcpu(uint32_t port, uint32_t vcpu);
int pt_call_evtchn_mask(uint32_t port);
int pt_call_evtchn_unmask(uint32_t port);

/*
 * Messages (partita/messages.h). MSG_SET_PAGE and MSG_EOM act on the
 * calling vCPU. pt_call_msg_post copies at most PT_MSG_PAYLOAD_MAX bytes
 * but passes `size` on as given, so the hypervisor judges an oversized one.
 */
int pt_call_msg_set_page(uint64_t gpa);
int pt_call_msg_create_connection(const struct pt_msg_connection_in *in,
				  uint32_t *connection_id);
int pt_call_msg_delete_connection(uint32_t connection_id);
int pt_call_msg_post(uint32_t connection_id, uint32_t message_type,
		     const void *payload, uint32_t size);
int pt_call_msg_eom(uint32_t slot);

/* Grants (partita/grants.h): the fast calls. */
int pt_call_grant_set_table(uint64_t gpa, uint32_t frames);
int pt_call_grant_end_access(uint32_t ref);
/* mappings: how many mappings the grant has now; flags: the entry's. */
int pt_call_grant_query(uint32_t ref, uint64_t *mappings, uint32_t *flags);
int pt_call_grant_window(uint64_t *gpa, uint64_t *bytes);

/*
 * Grant rep calls, split like the rep wrappers above; *done as there.
 * GRANT_MAP stops at the first element that fails and leaves the ones
 * before it mapped: the caller unmaps out[0 .. *done - 1] (pt_grant_map in
 * grant.h does that for you). The arrays must be 8-byte aligned.
 */
int pt_call_grant_map(const struct pt_grant_map_in *in,
		      struct pt_grant_map_out *out, size_t count, size_t *done);
int pt_call_grant_unmap(const uint64_t *handles, size_t count, size_t *done);
int pt_call_grant_copy(const struct pt_grant_copy *ops, size_t count,
		       size_t *done);

#endif
