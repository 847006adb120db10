// SPDX-License-Identifier: GPL-2.0-only
/* Event ports for root user space: the root's event page and port files. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/bitops.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <partita/events.h>

#include "partita.h"

/* Ports one read() hands out at most (it may ask for fewer). */
#define EVTCHN_READ_MAX 64u

struct evtchn_file;

/* One root port, bound through one file. */
struct evtchn_port {
	struct list_head node;	/* in file->ports, under file->lock */
	struct list_head ready; /* in file->ready while fired, evtchn_lock */
	struct evtchn_file *file;
	u32 port;
};

/*
 * An open event port file. Its ready list holds each fired port at most
 * once (the list node is embedded in the port), so it is bounded by the
 * number of ports the file holds and never needs memory in the interrupt.
 */
struct evtchn_file {
	struct mutex lock;	/* serialises this file's requests and reads */
	struct list_head ports; /* every port bound through this file */
	struct list_head ready; /* fired, not read yet (evtchn_lock) */
	wait_queue_head_t wait;
};

/*
 * evtchn_lock guards the port table, every file's ready list and the
 * event page pointer; it is taken in the notification interrupt. One lock
 * for all files: the root runs on one CPU, so finer locks buy nothing.
 */
static DEFINE_SPINLOCK(evtchn_lock);
static struct evtchn_port *evtchn_table[PT_EVTCHN_PORTS];
static struct page *evtchn_page_pg;
static struct pt_event_page *evtchn_page;

static unsigned long *evtchn_pending_bits(void)
{
	return (unsigned long *)evtchn_page->pending;
}

static unsigned long *evtchn_mask_bits(void)
{
	return (unsigned long *)evtchn_page->mask;
}

/*
 * Port fired (pending, unmasked): mask it, so that further sends only set
 * pending until the reader unmasks, and queue it on its file. A port with
 * no file yet (a bind between the hypercall and the table entry) keeps its
 * pending bit: the bind finds it. Called with evtchn_lock held.
 */
static void evtchn_fire_locked(u32 port)
{
	struct evtchn_port *p = evtchn_table[port];

	set_bit(port, evtchn_mask_bits());
	if (!p || !test_and_clear_bit(port, evtchn_pending_bits()))
		return;
	if (list_empty(&p->ready)) {
		list_add_tail(&p->ready, &p->file->ready);
		/* Under the lock: release cannot free the file meanwhile. */
		wake_up_interruptible(&p->file->wait);
	}
}

/* The notification interrupt saw PT_ROOT_EVENT_PORTS. */
void partita_evtchn_deliver(void)
{
	unsigned long sel = partita_vpap_take_port_sel();
	unsigned long flags, bits;
	unsigned int word, bit;

	if (!sel)
		return;
	spin_lock_irqsave(&evtchn_lock, flags);
	if (!evtchn_page)
		goto out;
	for_each_set_bit(word, &sel, PT_EVTCHN_WORDS)
	{
		bits = READ_ONCE(evtchn_page->pending[word]) &
		       ~READ_ONCE(evtchn_page->mask[word]);
		for_each_set_bit(bit, &bits, BITS_PER_LONG)
			evtchn_fire_locked(word * BITS_PER_LONG + bit);
	}
out:
	spin_unlock_irqrestore(&evtchn_lock, flags);
}

/* EVTCHN_SET_PAGE: the page's GPA (host-physical for the root), or 0. */
static u16 evtchn_register(u64 gpa)
{
	u64 rdx = gpa, r8 = 0;

	return partita_fast_call(PT_CALL_EVTCHN_SET_PAGE, &rdx, &r8);
}

int partita_evtchn_init(void)
{
	struct page *pg;
	u16 status;

	pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pg)
		return -ENOMEM;
	status = evtchn_register(page_to_phys(pg));
	if (status == PT_STATUS_INVALID_PARTITION_STATE) {
		/* A page of an earlier load that did not unload cleanly. */
		pr_warn("an event page is still registered: closing every "
			"root port and registering a new one\n");
		evtchn_register(0);
		status = evtchn_register(page_to_phys(pg));
	}
	if (status) {
		pr_err("the hypervisor refused the event page (status 0x%x): "
		       "event port files are unavailable\n",
		       status);
		__free_page(pg);
		return partita_status_errno(status);
	}
	evtchn_page_pg = pg;
	spin_lock_irq(&evtchn_lock);
	evtchn_page = page_address(pg);
	spin_unlock_irq(&evtchn_lock);
	return 0;
}

/* Runs after the notification interrupt is gone and every file closed. */
void partita_evtchn_exit(void)
{
	u16 status;

	if (!evtchn_page_pg)
		return;
	/* Closes every root port; the hypervisor forgets the page. */
	status = evtchn_register(0);
	spin_lock_irq(&evtchn_lock);
	evtchn_page = NULL;
	spin_unlock_irq(&evtchn_lock);
	if (status) {
		/* It may still write there: better leak the page. */
		pr_err("the hypervisor kept the event page (status 0x%x): "
		       "leaking it\n",
		       status);
	} else {
		__free_page(evtchn_page_pg);
	}
	evtchn_page_pg = NULL;
}

static struct evtchn_port *evtchn_find(struct evtchn_file *f, u32 port)
{
	struct evtchn_port *p;

	lockdep_assert_held(&f->lock);
	list_for_each_entry(p, &f->ports, node)
	{
		if (p->port == port)
			return p;
	}
	return NULL;
}

/* Closes a port that is no longer in the table; the page forgets it. */
static int evtchn_close(u32 port)
{
	u64 rdx = port, r8 = 0;
	u16 status;

	status = partita_fast_call(PT_CALL_EVTCHN_CLOSE, &rdx, &r8);
	if (status)
		pr_warn_ratelimited("closing root port %u: status 0x%x\n", port,
				    status);
	/* A send that raced the close must not reach the port's next user. */
	clear_bit(port, evtchn_pending_bits());
	return partita_status_errno(status);
}

/*
 * A bind hypercall (ALLOC_UNBOUND, BIND_INTERDOMAIN, BIND_VIRQ) whose new
 * port comes back in RDX; the port joins this file. The caller holds
 * f->lock.
 */
static int evtchn_bind(struct evtchn_file *f, u16 code, u64 rdx, u64 r8,
		       u32 *port_out)
{
	struct evtchn_port *p;
	unsigned long flags;
	u16 status;
	u32 port;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	INIT_LIST_HEAD(&p->ready);
	p->file = f;
	status = partita_fast_call(code, &rdx, &r8);
	if (status) {
		kfree(p);
		return partita_status_errno(status);
	}
	port = (u32)rdx;
	spin_lock_irqsave(&evtchn_lock, flags);
	if (port == 0 || port >= PT_EVTCHN_PORTS || evtchn_table[port]) {
		spin_unlock_irqrestore(&evtchn_lock, flags);
		pr_err("call 0x%x answered port %llu, which is not a free "
		       "root port\n",
		       code, (unsigned long long)rdx);
		kfree(p);
		return -EIO;
	}
	p->port = port;
	evtchn_table[port] = p;
	/* A mask bit may be left from the port's last user. */
	clear_bit(port, evtchn_mask_bits());
	/* It may have fired before it was in the table. */
	if (test_bit(port, evtchn_pending_bits()))
		evtchn_fire_locked(port);
	spin_unlock_irqrestore(&evtchn_lock, flags);
	list_add_tail(&p->node, &f->ports);
	*port_out = port;
	return 0;
}

/* Takes a port out of the table and the ready list; the file keeps it. */
static void evtchn_unlink(struct evtchn_port *p)
{
	unsigned long flags;

	spin_lock_irqsave(&evtchn_lock, flags);
	evtchn_table[p->port] = NULL;
	list_del_init(&p->ready);
	spin_unlock_irqrestore(&evtchn_lock, flags);
}

static long evtchn_request(struct evtchn_file *f, unsigned int cmd,
			   struct pt_ioc_evtchn *e)
{
	struct evtchn_port *p;
	u64 rdx, r8 = 0;
	u16 code;
	int err;

	/*
	 * Fields a request does not use are ignored (a caller may reuse the
	 * structure a bind filled in); only `reserved` must be zero.
	 */
	switch (cmd) {
	case PT_IOC_EVTCHN_BIND_UNBOUND:
		/* The root's ports all go to its vCPU 0. */
		return evtchn_bind(f, PT_CALL_EVTCHN_ALLOC_UNBOUND,
				   e->remote_id, 0, &e->port);
	case PT_IOC_EVTCHN_BIND_INTERDOMAIN:
		return evtchn_bind(f, PT_CALL_EVTCHN_BIND_INTERDOMAIN,
				   e->remote_id, e->remote_port, &e->port);
	case PT_IOC_EVTCHN_BIND_VIRQ:
		return evtchn_bind(f, PT_CALL_EVTCHN_BIND_VIRQ, e->virq, 0,
				   &e->port);
	}
	p = evtchn_find(f, e->port);
	if (!p)
		return -ENOENT;
	switch (cmd) {
	case PT_IOC_EVTCHN_UNBIND:
		evtchn_unlink(p);
		list_del(&p->node);
		err = evtchn_close(p->port);
		kfree(p);
		return err;
	case PT_IOC_EVTCHN_NOTIFY:
		code = PT_CALL_EVTCHN_SEND;
		break;
	default: /* PT_IOC_EVTCHN_UNMASK */
		/* The hypervisor re-raises the port if it is pending. */
		clear_bit(p->port, evtchn_mask_bits());
		code = PT_CALL_EVTCHN_UNMASK;
		break;
	}
	rdx = p->port;
	return partita_status_errno(partita_fast_call(code, &rdx, &r8));
}

static const unsigned int evtchn_requests[] = {
	PT_IOC_EVTCHN_BIND_UNBOUND, PT_IOC_EVTCHN_BIND_INTERDOMAIN,
	PT_IOC_EVTCHN_BIND_VIRQ,    PT_IOC_EVTCHN_UNBIND,
	PT_IOC_EVTCHN_NOTIFY,	    PT_IOC_EVTCHN_UNMASK,
};

static long evtchn_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct evtchn_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct pt_ioc_evtchn e;
	long err;

	switch (cmd) {
	case PT_IOC_EVTCHN_BIND_UNBOUND:
	case PT_IOC_EVTCHN_BIND_INTERDOMAIN:
	case PT_IOC_EVTCHN_BIND_VIRQ:
	case PT_IOC_EVTCHN_UNBIND:
	case PT_IOC_EVTCHN_NOTIFY:
	case PT_IOC_EVTCHN_UNMASK:
		break;
	default:
		return partita_ioctl_mismatch(cmd, evtchn_requests,
					      ARRAY_SIZE(evtchn_requests));
	}
	err = partita_check_admin();
	if (err)
		return err;
	if (copy_from_user(&e, uarg, sizeof(e)))
		return -EFAULT;
	err = partita_check_version(e.abi_version, "event port request");
	if (err)
		return err;
	if (e.reserved)
		return -EINVAL;
	mutex_lock(&f->lock);
	err = evtchn_request(f, cmd, &e);
	mutex_unlock(&f->lock);
	if (err || _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return err;
	/* A bind whose port cannot be reported stays bound until close. */
	return copy_to_user(uarg, &e, sizeof(e)) ? -EFAULT : 0;
}

/* Takes up to max fired ports off the ready list. */
static unsigned int evtchn_take(struct evtchn_file *f, u32 *ports,
				unsigned int max)
{
	struct evtchn_port *p;
	unsigned int n = 0;

	spin_lock_irq(&evtchn_lock);
	while (n < max && !list_empty(&f->ready)) {
		p = list_first_entry(&f->ready, struct evtchn_port, ready);
		list_del_init(&p->ready);
		ports[n++] = p->port;
	}
	spin_unlock_irq(&evtchn_lock);
	return n;
}

/* A read that could not be copied out: the ports go back, still masked. */
static void evtchn_untake(struct evtchn_file *f, const u32 *ports,
			  unsigned int n)
{
	struct evtchn_port *p;
	unsigned int i;

	spin_lock_irq(&evtchn_lock);
	for (i = n; i-- > 0;) {
		/* f->lock is held: a taken port cannot have been unbound. */
		p = evtchn_table[ports[i]];
		if (p && p->file == f && list_empty(&p->ready))
			list_add(&p->ready, &f->ready);
	}
	spin_unlock_irq(&evtchn_lock);
}

static ssize_t evtchn_read(struct file *file, char __user *buf, size_t len,
			   loff_t *ppos)
{
	struct evtchn_file *f = file->private_data;
	u32 ports[EVTCHN_READ_MAX];
	unsigned int n;
	int err;

	if (len < sizeof(u32))
		return -EINVAL;
	len = min_t(size_t, len / sizeof(u32), EVTCHN_READ_MAX);
	for (;;) {
		mutex_lock(&f->lock);
		n = evtchn_take(f, ports, len);
		if (n)
			break;
		mutex_unlock(&f->lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(f->wait,
					       !list_empty_careful(&f->ready));
		if (err)
			return err;
	}
	if (copy_to_user(buf, ports, n * sizeof(u32))) {
		evtchn_untake(f, ports, n);
		mutex_unlock(&f->lock);
		return -EFAULT;
	}
	mutex_unlock(&f->lock);
	return n * sizeof(u32);
}

static __poll_t evtchn_poll(struct file *file, poll_table *wait)
{
	struct evtchn_file *f = file->private_data;

	poll_wait(file, &f->wait, wait);
	return list_empty_careful(&f->ready) ? 0 : EPOLLIN | EPOLLRDNORM;
}

static int evtchn_release(struct inode *inode, struct file *file)
{
	struct evtchn_file *f = file->private_data;
	struct evtchn_port *p, *next;

	/* Out of the table first: the interrupt no longer finds them. */
	list_for_each_entry(p, &f->ports, node) evtchn_unlink(p);
	list_for_each_entry_safe(p, next, &f->ports, node)
	{
		evtchn_close(p->port);
		kfree(p);
	}
	kfree(f);
	return 0;
}

static const struct file_operations evtchn_fops = {
	.owner = THIS_MODULE,
	.release = evtchn_release,
	.read = evtchn_read,
	.poll = evtchn_poll,
	.unlocked_ioctl = evtchn_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

long partita_evtchn_open(void)
{
	struct evtchn_file *f;
	int fd;

	if (!evtchn_page_pg)
		return -ENODEV;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	INIT_LIST_HEAD(&f->ports);
	INIT_LIST_HEAD(&f->ready);
	init_waitqueue_head(&f->wait);
	fd = anon_inode_getfd("[partita-evtchn]", &evtchn_fops, f,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0)
		kfree(f);
	return fd;
}
