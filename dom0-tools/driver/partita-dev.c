// SPDX-License-Identifier: GPL-2.0-only
/* /dev/partita: privileged hypercalls and root events as readable files. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <partita/grants.h>
#include <partita/root.h>

#include "partita.h"

/* One open file: the events it wants and those not yet read. */
struct partita_file {
	struct list_head node;
	u64 mask;
	u64 pending;
};

static LIST_HEAD(partita_files);
static DEFINE_SPINLOCK(partita_files_lock);
static DECLARE_WAIT_QUEUE_HEAD(partita_event_wait);

/*
 * Called from the notification interrupt (and once at probe) with the
 * events meant for readers of /dev/partita (never PT_ROOT_EVENT_DRIVER).
 */
void partita_events_deliver(u64 events)
{
	struct partita_file *pf;
	unsigned long flags;
	bool wake = false;

	spin_lock_irqsave(&partita_files_lock, flags);
	list_for_each_entry(pf, &partita_files, node)
	{
		if (events & pf->mask) {
			pf->pending |= events & pf->mask;
			wake = true;
		}
	}
	spin_unlock_irqrestore(&partita_files_lock, flags);
	if (wake)
		wake_up_interruptible(&partita_event_wait);
}

static u64 partita_take_pending(struct partita_file *pf)
{
	unsigned long flags;
	u64 events;

	spin_lock_irqsave(&partita_files_lock, flags);
	events = pf->pending;
	pf->pending = 0;
	spin_unlock_irqrestore(&partita_files_lock, flags);
	return events;
}

static int partita_open(struct inode *inode, struct file *file)
{
	struct partita_file *pf;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	pf->mask = PT_ROOT_EVENT_ALL;
	spin_lock_irq(&partita_files_lock);
	list_add_tail(&pf->node, &partita_files);
	spin_unlock_irq(&partita_files_lock);
	file->private_data = pf;
	return nonseekable_open(inode, file);
}

static int partita_release(struct inode *inode, struct file *file)
{
	struct partita_file *pf = file->private_data;

	spin_lock_irq(&partita_files_lock);
	list_del(&pf->node);
	spin_unlock_irq(&partita_files_lock);
	kfree(pf);
	return 0;
}

static ssize_t partita_read(struct file *file, char __user *buf, size_t len,
			    loff_t *ppos)
{
	struct partita_file *pf = file->private_data;
	u64 events;
	int err;

	if (len < sizeof(events))
		return -EINVAL;
	for (;;) {
		events = partita_take_pending(pf);
		if (events)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(partita_event_wait,
					       READ_ONCE(pf->pending));
		if (err)
			return err;
	}
	if (put_user(events, (u64 __user *)buf)) {
		/* Nothing was consumed: give the events back. */
		spin_lock_irq(&partita_files_lock);
		pf->pending |= events;
		spin_unlock_irq(&partita_files_lock);
		return -EFAULT;
	}
	return sizeof(events);
}

static __poll_t partita_poll(struct file *file, poll_table *wait)
{
	struct partita_file *pf = file->private_data;

	poll_wait(file, &partita_event_wait, wait);
	return READ_ONCE(pf->pending) ? EPOLLIN | EPOLLRDNORM : 0;
}

/*
 * Every request that acts (a hypercall, a messaging file and every request
 * and mmap on one) needs CAP_SYS_ADMIN at the time it is made, whoever
 * opened the file: a descriptor kept across setuid() or handed to another
 * process carries no privilege of its own.
 */
int partita_check_admin(void)
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

int partita_check_version(u32 version, const char *request)
{
	if (version == PT_ROOT_IOCTL_VERSION)
		return 0;
	pr_warn_ratelimited(
		"%s from %s[%d] uses root ioctl version %u, this driver speaks "
		"%u: rebuild the tool or the driver\n",
		request, current->comm, task_pid_nr(current), version,
		PT_ROOT_IOCTL_VERSION);
	return -EPROTO;
}

static long partita_ioctl_version(void __user *arg)
{
	struct pt_ioc_version v = {
		.abi_version = PT_ROOT_IOCTL_VERSION,
		.interface_version = partita_hv.interface_version,
		.features = partita_hv.features,
		.flags = PT_ROOT_DRV_VPAP,
		.notify_irqs = partita_notify_irqs(),
	};

	if (partita_notify_active())
		v.flags |= PT_ROOT_DRV_NOTIFY;
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

/*
 * Rep calls whose element lists live in the memory blocks, with the size
 * of one input and one output element (hypercall.h). The hypervisor checks
 * a list against the root's memory, not against the driver's one-page
 * blocks: a list longer than a page would be read from, or written to,
 * whatever kernel memory follows them.
 */
static const struct {
	u16 code;
	u8 in_size;
	u8 out_size;
} partita_rep_lists[] = {
	{ PT_CALL_QUERY_PAGES, sizeof(u64), sizeof(u64) },
	{ PT_CALL_GRANT_MAP, sizeof(struct pt_grant_map_in),
	  sizeof(struct pt_grant_map_out) },
	{ PT_CALL_GRANT_UNMAP, sizeof(u64), 0 },
	{ PT_CALL_GRANT_COPY, sizeof(struct pt_grant_copy), 0 },
};

/* A memory rep call's lists must fit the blocks; unknown lists are refused. */
static int partita_rep_check(const struct pt_ioc_hypercall *hc)
{
	unsigned int i, size;

	for (i = 0; i < ARRAY_SIZE(partita_rep_lists); i++) {
		if (partita_rep_lists[i].code != hc->code)
			continue;
		size = max(partita_rep_lists[i].in_size,
			   partita_rep_lists[i].out_size);
		return hc->rep_count * size > PAGE_SIZE ? -E2BIG : 0;
	}
	/* Not a list the driver can bound (a future call): refuse it. */
	return -EINVAL;
}

/* Checks the copy of the request; nothing in it is read again from user. */
static int partita_hcall_check(const struct pt_ioc_hypercall *hc)
{
	bool fast = hc->flags & PT_IOC_HC_FAST;

	if (hc->reserved || (hc->flags & ~PT_IOC_HC_FAST))
		return -EINVAL;
	if (hc->rep_count > PT_HC_REP_MAX || hc->rep_start > PT_HC_REP_MAX)
		return -EINVAL;
	if (fast && (hc->in_size || hc->out_size))
		return -EINVAL;
	if (hc->in_size > PT_IOC_HC_BLOCK_MAX ||
	    hc->out_size > PT_IOC_HC_BLOCK_MAX)
		return -E2BIG;
	if (!fast && hc->rep_count)
		return partita_rep_check(hc);
	return 0;
}

/*
 * A memory call through the shared pages. The blocks go through a bounce
 * buffer copied outside partita_hcall_lock: a user copy may wait for a
 * page fault for as long as user space likes (userfaultfd, a slow file),
 * and every root hypercall, the driver's own included, would wait with it.
 */
static int partita_ioctl_hcall_memory(struct pt_ioc_hypercall *hc, u64 input,
				      bool *out_fault)
{
	size_t size = max(hc->in_size, hc->out_size);
	int err = 0;
	void *buf;

	/* kzalloc(0) is ZERO_SIZE_PTR: fine for zero-length copies. */
	buf = kzalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, u64_to_user_ptr(hc->in_ptr), hc->in_size)) {
		err = -EFAULT;
		goto out;
	}
	if (mutex_lock_interruptible(&partita_hcall_lock)) {
		err = -ERESTARTSYS;
		goto out;
	}
	memset(partita_hcall_in(), 0, PAGE_SIZE);
	memset(partita_hcall_out(), 0, PAGE_SIZE);
	memcpy(partita_hcall_in(), buf, hc->in_size);
	hc->result = partita_hcall_memory(input);
	memcpy(buf, partita_hcall_out(), hc->out_size);
	mutex_unlock(&partita_hcall_lock);
	/* The call was made: its result goes back even if this copy fails. */
	*out_fault = copy_to_user(u64_to_user_ptr(hc->out_ptr), buf,
				  hc->out_size) != 0;
out:
	kfree(buf);
	return err;
}

static long partita_ioctl_hypercall(void __user *arg)
{
	struct pt_ioc_hypercall hc;
	bool out_fault = false;
	u64 input;
	int err;

	err = partita_check_admin();
	if (err)
		return err;
	if (copy_from_user(&hc, arg, sizeof(hc)))
		return -EFAULT;
	err = partita_check_version(hc.abi_version, "hypercall");
	if (!err)
		err = partita_hcall_check(&hc);
	if (err)
		return err;
	input = pt_hc_input(hc.code, hc.flags & PT_IOC_HC_FAST, hc.rep_count,
			    hc.rep_start);
	/*
	 * One root hypercall at a time, fast ones too. The hypervisor keeps
	 * a continued call's progress per vCPU, so no other root call may
	 * start in the middle of one; partita_hcall() lets other tasks run
	 * between its slices.
	 */
	if (hc.flags & PT_IOC_HC_FAST) {
		if (mutex_lock_interruptible(&partita_hcall_lock))
			return -ERESTARTSYS;
		hc.fast_out[0] = hc.fast_in[0];
		hc.fast_out[1] = hc.fast_in[1];
		hc.result =
			partita_hcall(input, &hc.fast_out[0], &hc.fast_out[1]);
		mutex_unlock(&partita_hcall_lock);
	} else {
		err = partita_ioctl_hcall_memory(&hc, input, &out_fault);
		if (err)
			return err;
	}
	if (copy_to_user(arg, &hc, sizeof(hc)) || out_fault)
		return -EFAULT;
	return 0;
}

static long partita_ioctl_event_mask(struct partita_file *pf, void __user *arg)
{
	struct pt_ioc_event_mask m;
	int err;

	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	err = partita_check_version(m.abi_version, "event mask");
	if (err)
		return err;
	if (m.reserved || (m.mask & ~PT_ROOT_EVENT_ALL))
		return -EINVAL;
	spin_lock_irq(&partita_files_lock);
	pf->mask = m.mask;
	pf->pending &= m.mask;
	spin_unlock_irq(&partita_files_lock);
	return 0;
}

/*
 * A request of ours (one of known[]) whose size or direction differs from
 * this driver's comes from a tool built against another version of
 * root-ioctl.h: EPROTO. Anything else is ENOTTY.
 */
long partita_ioctl_mismatch(unsigned int cmd, const unsigned int *known,
			    unsigned int count)
{
	unsigned int i;

	if (_IOC_TYPE(cmd) != PT_IOC_MAGIC)
		return -ENOTTY;
	for (i = 0; i < count; i++) {
		if (_IOC_NR(cmd) != _IOC_NR(known[i]))
			continue;
		pr_warn_ratelimited(
			"request 0x%x from %s[%d] has a layout this driver "
			"(root ioctl version %u) does not know: rebuild the "
			"tool or the driver\n",
			cmd, current->comm, task_pid_nr(current),
			PT_ROOT_IOCTL_VERSION);
		return -EPROTO;
	}
	return -ENOTTY;
}

static const unsigned int partita_dev_requests[] = {
	PT_IOC_HYPERCALL,   PT_IOC_SET_EVENT_MASK, PT_IOC_EVTCHN_OPEN,
	PT_IOC_GNTDEV_OPEN, PT_IOC_MSG_OPEN,
};

/*
 * The three messaging files. The request has no argument (_IO): a caller
 * may pass none, so the argument is never read; the version is checked on
 * every request made on the new file instead.
 */
static long partita_ioctl_open(unsigned int cmd)
{
	int err = partita_check_admin();

	if (err)
		return err;
	switch (cmd) {
	case PT_IOC_EVTCHN_OPEN:
		return partita_evtchn_open();
	case PT_IOC_GNTDEV_OPEN:
		return partita_gntdev_open();
	default:
		return partita_msg_open();
	}
}

static long partita_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case PT_IOC_GET_VERSION:
		return partita_ioctl_version(uarg);
	case PT_IOC_HYPERCALL:
		return partita_ioctl_hypercall(uarg);
	case PT_IOC_SET_EVENT_MASK:
		return partita_ioctl_event_mask(file->private_data, uarg);
	case PT_IOC_EVTCHN_OPEN:
	case PT_IOC_GNTDEV_OPEN:
	case PT_IOC_MSG_OPEN:
		return partita_ioctl_open(cmd);
	default:
		return partita_ioctl_mismatch(cmd, partita_dev_requests,
					      ARRAY_SIZE(partita_dev_requests));
	}
}

static const struct file_operations partita_fops = {
	.owner = THIS_MODULE,
	.open = partita_open,
	.release = partita_release,
	.read = partita_read,
	.poll = partita_poll,
	.unlocked_ioctl = partita_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

static struct miscdevice partita_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "partita",
	.fops = &partita_fops,
	.mode = 0600,
};

int partita_dev_init(void)
{
	return misc_register(&partita_misc);
}

void partita_dev_exit(void)
{
	misc_deregister(&partita_misc);
}
