/* SPDX-License-Identifier: MIT */
/* Grants: the guest's grant table, mapping others' grants, grant copy. */
#ifndef PARTITA_GUEST_GRANT_H
#define PARTITA_GUEST_GRANT_H

#include <stddef.h>
#include <stdint.h>
#include <partita/grants.h>

/*
 * The granter's side.
 *
 * pt_grant_table_init takes `frames` contiguous pages of RAM and registers
 * them (GRANT_SET_TABLE); refs 1 .. frames * 512 - 1 are then usable (the
 * library never hands out ref 0, so 0 can mean "none"). Call it once.
 *
 * pt_grant_access fills entry `ref`: target and gpfn first, a store
 * barrier, then the flags, so the hypervisor never sees a permit with a
 * stale frame. pt_grant_alloc does the same with the lowest free ref.
 *
 * RULE: a granted page must not be reused or freed until
 * pt_grant_end_access(ref) has returned 0. While the target maps the
 * grant it answers -PT_STATUS_OBJECT_IN_USE and the target can still read
 * and write the page; clearing the entry yourself does not revoke a
 * mapping. Poll pt_grant_query until the mapping count is 0, then end
 * access again.
 *
 * All return 0 or a negated status.
 */
int pt_grant_table_init(uint32_t frames);
uint32_t pt_grant_table_entries(void); /* 0 before init */
int pt_grant_access(uint32_t ref, uint32_t target, uint64_t gpfn, int readonly);
int pt_grant_alloc(uint32_t target, uint64_t gpfn, int readonly, uint32_t *ref);
int pt_grant_end_access(uint32_t ref);
int pt_grant_query(uint32_t ref, uint64_t *mappings, uint32_t *flags);

/*
 * The target's side.
 *
 * pt_grant_map maps count grants of `granter` (refs[i]) at consecutive
 * pages of the grant window (PT_GUEST_GRANT_WINDOW_GPA, identity-mapped by
 * the boot page tables) and returns the first page's address in *addr and
 * one handle per page in handles[]. If element i fails, the elements
 * before it are unmapped again, *failed (may be NULL) = i, and the status
 * of the failure is returned: nothing stays mapped.
 *
 * pt_grant_unmap takes the mappings away (GRANT_UNMAP) and returns their
 * window pages for reuse.
 *
 * pt_grant_copy_from / _to move len bytes between offset `offset` of a
 * granted frame and local memory without a mapping (GRANT_COPY); neither
 * side may cross its page.
 */
int pt_grant_map(uint32_t granter, const uint32_t *refs, size_t count,
		 int readonly, void **addr, uint32_t *handles, size_t *failed);
int pt_grant_unmap(void *addr, const uint32_t *handles, size_t count);
int pt_grant_copy_from(uint32_t granter, uint32_t ref, uint32_t offset,
		       void *dst, uint32_t len);
int pt_grant_copy_to(uint32_t granter, uint32_t ref, uint32_t offset,
		     const void *src, uint32_t len);

#endif
