// SPDX-License-Identifier: MIT
/* Typed wrappers for the non-rep hypercalls. */
#include <partita-guest/cpu.h>
#include <partita-guest/hypercall.h>

#include "guest-internal.h"
#include "string.h"

static int status_of(uint64_t result)
{
	return -(int)pt_hc_status(result);
}

static int fast_call(uint16_t code, uint64_t rdx, uint64_t r8,
		     uint64_t *out_rdx, uint64_t *out_r8)
{
	int status = status_of(pt_hypercall_fast_inline(
		pt_hc_input(code, 1, 0, 0), &rdx, &r8));

	if (out_rdx)
		*out_rdx = rdx;
	if (out_r8)
		*out_r8 = r8;
	return status;
}

int pt_call_null(void)
{
	return fast_call(PT_CALL_NULL, 0, 0, NULL, NULL);
}

int pt_call_get_version(uint32_t *version, uint32_t *features)
{
	uint64_t v = 0, f = 0;
	int ret = fast_call(PT_CALL_GET_VERSION, 0, 0, &v, &f);

	if (version)
		*version = (uint32_t)v;
	if (features)
		*features = (uint32_t)f;
	return ret;
}

int pt_call_console_write(const char *text, size_t length)
{
	uint64_t flags = pt_irq_save();
	struct pt_console_write_in *in = guest_scratch_page(pt_vcpu_index());
	int ret = 0;

	do {
		size_t n = length < PT_CONSOLE_WRITE_MAX ? length
							 : PT_CONSOLE_WRITE_MAX;

		in->length = (uint32_t)n;
		in->reserved = 0;
		memcpy(in->text, text, n);
		ret = status_of(pt_hypercall(
			pt_hc_input(PT_CALL_CONSOLE_WRITE, 0, 0, 0), pt_gpa(in),
			0));
		text += n;
		length -= n;
	} while (!ret && length);
	pt_irq_restore(flags);
	return ret;
}

int pt_call_set_timer(uint64_t deadline_ns)
{
	return fast_call(PT_CALL_SET_TIMER, deadline_ns, 0, NULL, NULL);
}

int pt_call_yield(void)
{
	return fast_call(PT_CALL_YIELD, 0, 0, NULL, NULL);
}

int pt_call_block(uint64_t deadline_ns)
{
	return fast_call(PT_CALL_BLOCK, deadline_ns, 0, NULL, NULL);
}

int pt_call_self_info(struct pt_self_info *out)
{
	uint64_t flags = pt_irq_save();
	struct pt_self_info *page = guest_scratch_page(pt_vcpu_index());
	int ret;

	memset(page, 0, sizeof(*page));
	ret = status_of(pt_hypercall(pt_hc_input(PT_CALL_SELF_INFO, 0, 0, 0), 0,
				     pt_gpa(page)));
	if (!ret)
		memcpy(out, page, sizeof(*out));
	pt_irq_restore(flags);
	return ret;
}

int pt_call_shutdown(uint32_t reason)
{
	return fast_call(PT_CALL_SHUTDOWN_SELF, reason, 0, NULL, NULL);
}

int pt_call_get_call_stats(uint16_t code, uint64_t *count,
			   uint64_t *worst_entry_ns)
{
	uint64_t c = 0, w = 0;
	int ret = fast_call(PT_CALL_GET_CALL_STATS, code, 0, &c, &w);

	if (count)
		*count = c;
	if (worst_entry_ns)
		*worst_entry_ns = w;
	return ret;
}

int pt_call_reset_call_stats(uint16_t code)
{
	return fast_call(PT_CALL_GET_CALL_STATS, code, PT_CALL_STATS_RESET,
			 NULL, NULL);
}

int pt_call_get_entry_histogram(uint16_t code, uint32_t flags,
				struct pt_entry_histogram *out)
{
	uint64_t irq = pt_irq_save();
	uint8_t *page = (uint8_t *)guest_scratch_page(pt_vcpu_index());
	struct pt_entry_histogram_in *in = (void *)page;
	struct pt_entry_histogram *res = (void *)(page + 64);
	int ret;

	in->code = code;
	in->flags = flags;
	ret = status_of(
		pt_hypercall(pt_hc_input(PT_CALL_GET_ENTRY_HISTOGRAM, 0, 0, 0),
			     pt_gpa(in), pt_gpa(res)));
	if (!ret)
		memcpy(out, res, sizeof(*out));
	pt_irq_restore(irq);
	return ret;
}
