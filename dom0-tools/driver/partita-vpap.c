// SPDX-License-Identifier: GPL-2.0-only
/* The root vCPU's VP assist page, where the hypervisor posts root events. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <asm/msr.h>

#include <partita/msr.h>
#include <partita/vpap.h>

#include "partita.h"

struct vpap_msr_write {
	u64 value;
	int err;
};

static struct page *vpap_page;
static struct pt_vpap *vpap;
static unsigned int vpap_cpu;

/* VP_ASSIST is per vCPU: the write must run on the CPU that owns it. */
static void vpap_write_msr(void *info)
{
	struct vpap_msr_write *w = info;

	w->err = wrmsrl_safe(partita_hv.msr_vp_assist, w->value);
}

static int vpap_set(u64 value)
{
	struct vpap_msr_write w = { .value = value };
	int err;

	err = smp_call_function_single(vpap_cpu, vpap_write_msr, &w, 1);
	return err ? err : w.err;
}

int partita_vpap_enable(void)
{
	struct pt_vpap *page;
	int err;

	vpap_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!vpap_page)
		return -ENOMEM;
	page = page_address(vpap_page);
	/* The root runs on one CPU (nr_cpus=1); its vCPU owns the events. */
	vpap_cpu = cpumask_first(cpu_online_mask);
	err = vpap_set(page_to_phys(vpap_page) | PT_MSR_PAGE_ENABLE);
	if (err || READ_ONCE(page->magic) != PT_VPAP_MAGIC) {
		pr_err("the hypervisor refused the VP assist page on CPU %u\n",
		       vpap_cpu);
		if (!err)
			vpap_set(0);
		__free_page(vpap_page);
		vpap_page = NULL;
		return -EIO;
	}
	/*
	 * upcall_vector stays 0: the root takes its events by MSI from the
	 * notification device (root.h), not by a virtual interrupt.
	 */
	smp_store_release(&vpap, page);
	return 0;
}

void partita_vpap_disable(void)
{
	if (!vpap_page)
		return;
	WRITE_ONCE(vpap, NULL);
	vpap_set(0);
	__free_page(vpap_page);
	vpap_page = NULL;
}

/*
 * Takes every pending root event bit (1 << PT_ROOT_EVENT_*), in the order
 * vpap.h asks for: clear upcall_pending first, then exchange the bits, so
 * that an event posted in between is never left without its flag.
 */
u64 partita_vpap_take_events(void)
{
	struct pt_vpap *page = smp_load_acquire(&vpap);

	if (!page)
		return 0;
	WRITE_ONCE(page->upcall_pending, 0);
	return xchg(&page->pending_events, 0);
}

/*
 * Takes the root vCPU's event-page selector: bit w set means word w of the
 * event page's pending bitmap has a newly pending port (events.h).
 */
u64 partita_vpap_take_port_sel(void)
{
	struct pt_vpap *page = smp_load_acquire(&vpap);

	return page ? xchg(&page->evtchn_pending_sel, 0) : 0;
}

/* Takes the root vCPU's filled message slots: bit s for slot s. */
u64 partita_vpap_take_msg_slots(void)
{
	struct pt_vpap *page = smp_load_acquire(&vpap);

	return page ? xchg(&page->msg_slots_pending, 0) : 0;
}
