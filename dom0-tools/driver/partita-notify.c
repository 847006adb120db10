// SPDX-License-Identifier: GPL-2.0-only
/* The hypervisor's notification PCI function: one MSI that carries events. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <linux/pci.h>

#include <partita/root.h>

#include "partita.h"

static struct pci_dev *notify_pdev;
static atomic64_t notify_irq_count = ATOMIC64_INIT(0);

/*
 * Safe against itself: the take is an atomic exchange. Ports and messages
 * are the driver's own business (PT_ROOT_EVENT_DRIVER): ports are queued
 * on their files right here, message slots by a work item, since taking a
 * message needs a hypercall and hypercalls take a mutex.
 */
static void partita_notify_take(void)
{
	u64 events = partita_vpap_take_events();

	if (events & BIT_ULL(PT_ROOT_EVENT_PORTS))
		partita_evtchn_deliver();
	if (events & BIT_ULL(PT_ROOT_EVENT_MESSAGES))
		partita_msg_kick();
	events &= ~PT_ROOT_EVENT_DRIVER;
	if (events)
		partita_events_deliver(events);
}

static irqreturn_t partita_notify_irq(int irq, void *data)
{
	atomic64_inc(&notify_irq_count);
	partita_notify_take();
	/* The vector is ours alone: an empty take is a race, not a stranger. */
	return IRQ_HANDLED;
}

static int partita_notify_probe(struct pci_dev *pdev,
				const struct pci_device_id *id)
{
	int irq, err;

	if (notify_pdev)
		return -EBUSY;
	err = pci_enable_device(pdev);
	if (err)
		return err;
	/* MSI is a write by the function: it must be allowed to master. */
	pci_set_master(pdev);
	err = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
	if (err < 0) {
		dev_err(&pdev->dev, "no MSI vector for notifications (%d)\n",
			err);
		goto err_disable;
	}
	irq = pci_irq_vector(pdev, 0);
	err = request_irq(irq, partita_notify_irq, 0, KBUILD_MODNAME, pdev);
	if (err) {
		dev_err(&pdev->dev, "cannot request IRQ %d (%d)\n", irq, err);
		goto err_vectors;
	}
	WRITE_ONCE(notify_pdev, pdev);
	/* Events posted before the MSI was programmed raised no interrupt. */
	partita_notify_take();
	dev_info(&pdev->dev, "notifications on IRQ %d (MSI)\n", irq);
	return 0;

err_vectors:
	pci_free_irq_vectors(pdev);
err_disable:
	pci_clear_master(pdev);
	pci_disable_device(pdev);
	return err;
}

static void partita_notify_remove(struct pci_dev *pdev)
{
	if (pdev != notify_pdev)
		return;
	free_irq(pci_irq_vector(pdev, 0), pdev);
	pci_free_irq_vectors(pdev);
	pci_clear_master(pdev);
	pci_disable_device(pdev);
	WRITE_ONCE(notify_pdev, NULL);
}

static const struct pci_device_id partita_notify_ids[] = {
	{ PCI_DEVICE(PT_PCI_VENDOR_ID, PT_PCI_DEVICE_ID) }, {}
};
MODULE_DEVICE_TABLE(pci, partita_notify_ids);

static struct pci_driver partita_notify_driver = {
	.name = KBUILD_MODNAME,
	.id_table = partita_notify_ids,
	.probe = partita_notify_probe,
	.remove = partita_notify_remove,
};

int partita_notify_init(void)
{
	int err;

	err = pci_register_driver(&partita_notify_driver);
	if (err)
		return err;
	if (!READ_ONCE(notify_pdev))
		pr_warn("no notification device (PCI %04x:%04x): events will "
			"not be delivered\n",
			PT_PCI_VENDOR_ID, PT_PCI_DEVICE_ID);
	return 0;
}

void partita_notify_exit(void)
{
	pci_unregister_driver(&partita_notify_driver);
}

bool partita_notify_active(void)
{
	return READ_ONCE(notify_pdev) != NULL;
}

u64 partita_notify_irqs(void)
{
	return atomic64_read(&notify_irq_count);
}
