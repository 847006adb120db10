// SPDX-License-Identifier: GPL-2.0-only
/* partita.ko: discovers Partita and brings up the root partition's driver. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/printk.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

#include <partita/cpuid.h>

#include "partita.h"

struct partita_hv partita_hv;

static int partita_discover(struct partita_hv *hv)
{
	u32 max_leaf, ebx, ecx, edx, unused;
	u32 need = PT_FEATURE_HYPERCALL_PAGE | PT_FEATURE_VPAP;

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR)) {
		pr_err("not running under Partita: no hypervisor is present\n");
		return -ENODEV;
	}
	cpuid(PT_CPUID_LEAF_VENDOR, &max_leaf, &ebx, &ecx, &edx);
	if (ebx != PT_CPUID_SIG_EBX || ecx != PT_CPUID_SIG_ECX ||
	    edx != PT_CPUID_SIG_EDX || max_leaf < PT_CPUID_LEAF_MSRS) {
		pr_err("not running under Partita: CPUID 0x%x has no "
		       "PartitaHyper signature\n",
		       PT_CPUID_LEAF_VENDOR);
		return -ENODEV;
	}
	cpuid(PT_CPUID_LEAF_VERSION, &hv->interface_version, &hv->features,
	      &unused, &unused);
	if (hv->interface_version >> 16 != PT_INTERFACE_MAJOR) {
		pr_err("hypervisor interface %u.%u is not supported (this "
		       "driver speaks %u.x)\n",
		       hv->interface_version >> 16,
		       hv->interface_version & 0xffff, PT_INTERFACE_MAJOR);
		return -ENODEV;
	}
	if ((hv->features & need) != need) {
		pr_err("hypervisor lacks the hypercall page or VP assist page "
		       "(features 0x%x)\n",
		       hv->features);
		return -ENODEV;
	}
	cpuid(PT_CPUID_LEAF_MSRS, &hv->msr_guest_os_id, &hv->msr_hypercall,
	      &hv->msr_vp_assist, &unused);
	return 0;
}

/*
 * The root's side of messaging: its event page, its vCPU's message page
 * and its grant window. Each part that the hypervisor refuses is left out
 * (its files answer ENODEV) and the rest of the driver loads: a hypervisor
 * without messaging still gets hypercalls and events.
 */
static void partita_messaging_init(void)
{
	partita_evtchn_init();
	partita_msg_init();
	partita_gntdev_init();
}

/* After the notification interrupt is gone and with no file left open. */
static void partita_messaging_exit(void)
{
	partita_gntdev_exit();
	partita_msg_exit();
	partita_evtchn_exit();
}

static int __init partita_init(void)
{
	int err;

	err = partita_discover(&partita_hv);
	if (err)
		return err;
	err = partita_hcall_enable();
	if (err)
		return err;
	err = partita_vpap_enable();
	if (err)
		goto err_hcall;
	partita_messaging_init();
	err = partita_dev_init();
	if (err)
		goto err_messaging;
	/* Without the notification device the rest still works. */
	err = partita_notify_init();
	if (err)
		goto err_dev;
	pr_info("Partita interface %u.%u, root ioctl version %u\n",
		partita_hv.interface_version >> 16,
		partita_hv.interface_version & 0xffff, PT_ROOT_IOCTL_VERSION);
	return 0;

err_dev:
	partita_dev_exit();
err_messaging:
	partita_messaging_exit();
	partita_vpap_disable();
err_hcall:
	partita_hcall_disable();
	return err;
}

static void __exit partita_exit(void)
{
	partita_notify_exit();
	partita_dev_exit();
	partita_messaging_exit();
	partita_vpap_disable();
	partita_hcall_disable();
}

module_init(partita_init);
module_exit(partita_exit);

MODULE_DESCRIPTION(
	"Partita root partition driver: hypercalls, notifications, messaging");
MODULE_AUTHOR("The Partita authors");
MODULE_LICENSE("GPL");
