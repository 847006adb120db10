// SPDX-License-Identifier: MIT
/* Rep-call wrappers: any element count, split into calls of <= 4095 reps. */
#include <partita-guest/cpu.h>
#include <partita-guest/hypercall.h>

/*
 * The rep count field is 12 bits wide, so one call covers at most
 * PT_HC_REP_MAX elements. The hypervisor may continue each call several
 * times internally; that is invisible here.
 */
static size_t chunk_of(size_t remaining)
{
	return remaining < PT_HC_REP_MAX ? remaining : PT_HC_REP_MAX;
}

/* On failure the call's reps-completed count says which element failed. */
static int finish(uint64_t result, size_t base, size_t n, size_t *done)
{
	int ret = -(int)pt_hc_status(result);

	if (done)
		*done = base + (ret ? pt_hc_reps_done(result) : n);
	return ret;
}

int pt_call_query_pages(const uint64_t *gpfns, uint64_t *info, size_t count,
			size_t *done)
{
	size_t base = 0;

	if (done)
		*done = 0;
	while (base < count) {
		size_t n = chunk_of(count - base);
		uint64_t result = pt_hypercall(
			pt_hc_input(PT_CALL_QUERY_PAGES, 0, (uint32_t)n, 0),
			pt_gpa(gpfns + base), pt_gpa(info + base));
		int ret = finish(result, base, n, done);

		if (ret)
			return ret;
		base += n;
	}
	return 0;
}

int pt_call_zero_pages(uint64_t first_gpfn, size_t count, size_t *done)
{
	size_t base = 0;

	if (done)
		*done = 0;
	while (base < count) {
		size_t n = chunk_of(count - base);
		uint64_t result = pt_hypercall_fast(
			pt_hc_input(PT_CALL_ZERO_PAGES, 1, (uint32_t)n, 0),
			first_gpfn + base, 0, NULL, NULL);
		int ret = finish(result, base, n, done);

		if (ret)
			return ret;
		base += n;
	}
	return 0;
}

/*
 * A memory rep call over any count: each chunk names its own slice of the
 * lists, so the hypervisor sees element 0 at the slice's start.
 */
static int rep_lists(uint16_t code, const void *in, size_t in_size, void *out,
		     size_t out_size, size_t count, size_t *done)
{
	size_t base = 0;

	if (done)
		*done = 0;
	while (base < count) {
		size_t n = chunk_of(count - base);
		uint64_t in_gpa = pt_gpa((const uint8_t *)in + base * in_size);
		uint64_t out_gpa =
			out ? pt_gpa((uint8_t *)out + base * out_size) : 0;
		uint64_t result = pt_hypercall(
			pt_hc_input(code, 0, (uint32_t)n, 0), in_gpa, out_gpa);
		int ret = finish(result, base, n, done);

		if (ret)
			return ret;
		base += n;
	}
	return 0;
}

int pt_call_grant_map(const struct pt_grant_map_in *in,
		      struct pt_grant_map_out *out, size_t count, size_t *done)
{
	return rep_lists(PT_CALL_GRANT_MAP, in, sizeof(*in), out, sizeof(*out),
			 count, done);
}

int pt_call_grant_unmap(const uint64_t *handles, size_t count, size_t *done)
{
	return rep_lists(PT_CALL_GRANT_UNMAP, handles, sizeof(*handles), NULL,
			 0, count, done);
}

int pt_call_grant_copy(const struct pt_grant_copy *ops, size_t count,
		       size_t *done)
{
	return rep_lists(PT_CALL_GRANT_COPY, ops, sizeof(*ops), NULL, 0, count,
			 done);
}
