// SPDX-License-Identifier: GPL-2.0-only
/* The root partition's hypercall page: enabling it and calling through it. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <asm/asm.h>
#include <asm/msr.h>

#include <partita/msr.h>

#include "partita.h"

/*
 * Guest OS ID, laid out like Hyper-V's for open-source guests so that it
 * reads naturally: bit 63 open source, bits 62:56 OS type 1 (Linux),
 * bits 47:16 the kernel version, bits 15:0 "RT" for the root's driver.
 */
#define PARTITA_GUEST_OS_ID \
	(BIT_ULL(63) | (1ULL << 56) | ((u64)LINUX_VERSION_CODE << 16) | 0x5254)

/* partita-hcall-page.S: page-aligned, in this module's text. */
extern const u8 partita_hypercall_page[PAGE_SIZE];

static bool hcall_enabled;

/* Serialises root hypercalls and guards the memory calls' pages. */
DEFINE_MUTEX(partita_hcall_lock);
static struct page *hcall_in_page;
static struct page *hcall_out_page;

static void hcall_pages_free(void)
{
	if (hcall_out_page)
		__free_page(hcall_out_page);
	if (hcall_in_page)
		__free_page(hcall_in_page);
	hcall_in_page = NULL;
	hcall_out_page = NULL;
}

int partita_hcall_enable(void)
{
	u64 phys, value, back = 0;
	int err;

	hcall_in_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	hcall_out_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!hcall_in_page || !hcall_out_page) {
		hcall_pages_free();
		return -ENOMEM;
	}
	phys = page_to_phys(vmalloc_to_page(partita_hypercall_page));
	value = phys | PT_MSR_PAGE_ENABLE;
	err = wrmsrl_safe(partita_hv.msr_guest_os_id, PARTITA_GUEST_OS_ID);
	if (!err)
		err = wrmsrl_safe(partita_hv.msr_hypercall, value);
	if (!err)
		err = rdmsrl_safe(partita_hv.msr_hypercall, &back);
	if (err || back != value) {
		pr_err("the hypervisor refused the hypercall page at 0x%llx\n",
		       (unsigned long long)phys);
		if (!err)
			wrmsrl_safe(partita_hv.msr_hypercall, 0);
		hcall_pages_free();
		return -EIO;
	}
	hcall_enabled = true;
	return 0;
}

void partita_hcall_disable(void)
{
	if (!hcall_enabled)
		return;
	/* The module text goes with the module; the hypervisor forgets it. */
	wrmsrl_safe(partita_hv.msr_hypercall, 0);
	hcall_enabled = false;
	hcall_pages_free();
}

/*
 * Calls the page with RCX = input and RDX, R8 as given (GPAs of a memory
 * call or a fast call's arguments); returns RAX and leaves the outgoing
 * RDX and R8 in *rdx and *r8. The hypervisor keeps every other register;
 * R9-R11 are listed as clobbered anyway, as the C ABI allows.
 */
static u64 partita_hcall_once(u64 *input, u64 *rdx, u64 *r8)
{
	register u64 r8_value asm("r8") = *r8;
	u64 rdx_value = *rdx, rcx = *input;
	u64 result;

	/* A direct call: the page is a symbol of this module. */
	asm volatile("call partita_hypercall_page"
		     : "=a"(result), ASM_CALL_CONSTRAINT, "+c"(rcx),
		       "+d"(rdx_value), "+r"(r8_value)
		     :
		     : "cc", "memory", "r9", "r10", "r11");
	*input = rcx;
	*rdx = rdx_value;
	*r8 = r8_value;
	return result;
}

/*
 * A long call (a rep call, DESTROY) comes back after each slice with
 * PT_STATUS_CALL_PENDING and the input to continue with in RCX: let
 * other tasks run, then make it again with the original RDX and R8.
 */
u64 partita_hcall(u64 input, u64 *rdx, u64 *r8)
{
	u64 rdx_in = *rdx, r8_in = *r8;
	u64 result;

	for (;;) {
		result = partita_hcall_once(&input, rdx, r8);
		if (pt_hc_status(result) != PT_STATUS_CALL_PENDING)
			return result;
		/* Never from the notification path, which is atomic. */
		if (!in_atomic() && !irqs_disabled())
			cond_resched();
		*rdx = rdx_in;
		*r8 = r8_in;
	}
}

/* The memory calls' input page; the caller holds partita_hcall_lock. */
void *partita_hcall_in(void)
{
	lockdep_assert_held(&partita_hcall_lock);
	return page_address(hcall_in_page);
}

/* The memory calls' output page; the caller holds partita_hcall_lock. */
void *partita_hcall_out(void)
{
	lockdep_assert_held(&partita_hcall_lock);
	return page_address(hcall_out_page);
}

/*
 * A memory call with RDX = the input page and R8 = the output page, as the
 * caller filled them; the caller holds partita_hcall_lock. Returns RAX.
 */
u64 partita_hcall_memory(u64 input)
{
	u64 in_gpa = page_to_phys(hcall_in_page);
	u64 out_gpa = page_to_phys(hcall_out_page);

	lockdep_assert_held(&partita_hcall_lock);
	return partita_hcall(input, &in_gpa, &out_gpa);
}

/*
 * A fast call made by the driver itself: takes the lock (uninterruptibly:
 * release and unload paths must not fail), leaves the outgoing RDX and R8
 * in *rdx and *r8 and returns the status.
 */
u16 partita_fast_call(u16 code, u64 *rdx, u64 *r8)
{
	u64 result;

	mutex_lock(&partita_hcall_lock);
	result = partita_hcall(pt_hc_input(code, 1, 0, 0), rdx, r8);
	mutex_unlock(&partita_hcall_lock);
	return pt_hc_status(result);
}

/* The errno that root-ioctl.h documents for each hypervisor status. */
int partita_status_errno(u16 status)
{
	switch (status) {
	case PT_STATUS_SUCCESS:
		return 0;
	case PT_STATUS_INVALID_PORT_ID:
	case PT_STATUS_NOT_FOUND:
	case PT_STATUS_INVALID_CONNECTION_ID:
	case PT_STATUS_INVALID_GRANT_REF:
	case PT_STATUS_INVALID_HANDLE:
		return -ENOENT;
	case PT_STATUS_INVALID_PARTITION_ID:
		return -ESRCH;
	case PT_STATUS_ACCESS_DENIED:
	case PT_STATUS_OPERATION_DENIED:
		return -EACCES;
	case PT_STATUS_NO_RESOURCES:
		return -ENOSPC;
	case PT_STATUS_INVALID_PARTITION_STATE:
	case PT_STATUS_OBJECT_IN_USE:
		return -EBUSY;
	case PT_STATUS_INVALID_PARAMETER:
	case PT_STATUS_INVALID_VP_INDEX:
	case PT_STATUS_INVALID_ALIGNMENT:
	case PT_STATUS_INVALID_HYPERCALL_INPUT:
		return -EINVAL;
	case PT_STATUS_INVALID_GPA:
		return -EFAULT;
	case PT_STATUS_INSUFFICIENT_MEMORY:
		return -ENOMEM;
	case PT_STATUS_INSUFFICIENT_BUFFERS:
	case PT_STATUS_WOULD_BLOCK:
		return -EAGAIN;
	case PT_STATUS_INVALID_HYPERCALL_CODE:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}
