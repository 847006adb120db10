/* SPDX-License-Identifier: GPL-2.0-only */
/* The root's hypercall page: one page of module text the hypervisor fills. */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/nospec-branch.h>
#include <asm/page_types.h>
#include <asm/unwind_hints.h>

/*
 * Linux 6.1 maps nothing executable through vmap(), and modules cannot
 * make pages executable, so the page lives in the module's own text (as
 * Xen's hypercall_page lives in the kernel's). Enabling PT_MSR_HYPERCALL
 * with this page's frame makes the hypervisor overwrite it with its stub
 * at offset 0; until then every 32-byte slot just returns.
 */
	.pushsection .text, "ax"
	.balign PAGE_SIZE
SYM_CODE_START(partita_hypercall_page)
	.rept (PAGE_SIZE / 32)
		UNWIND_HINT_FUNC
		ANNOTATE_NOENDBR
		ANNOTATE_UNRET_SAFE
		ret
		.skip 31, 0xcc
	.endr
SYM_CODE_END(partita_hypercall_page)
	.popsection
