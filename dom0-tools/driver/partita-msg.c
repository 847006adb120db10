// SPDX-License-Identifier: GPL-2.0-only
/* Messages for root user space: the root vCPU's message page and msg files. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/bitops.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <partita/messages.h>

#include "partita.h"

/*
 * Messages one file keeps for its reader. When they are all unread, the
 * driver stops taking from that file's slots: the hypervisor's queue holds
 * the rest and senders get INSUFFICIENT_BUFFERS, so nothing is dropped.
 */
#define MSG_FILE_QUEUE 32u

/* Slots one pass of the work item takes at most before it yields. */
#define MSG_WORK_BUDGET 64u

struct msg_file {
	spinlock_t qlock; /* head, count, ring, stalled */
	unsigned int head;
	unsigned int count;
	bool stalled;		/* a slot of ours waits for room in the ring */
	struct mutex read_lock; /* one reader at a time copies out */
	wait_queue_head_t wait;
	u16 slots; /* slots this file connected (msg_mutex) */
	struct pt_ioc_msg ring[MSG_FILE_QUEUE];
};

/*
 * msg_mutex guards the slot table and the message page's slots; the work
 * item holds it while it takes messages, CONNECT and release while they
 * change a slot's owner. It is taken before partita_hcall_lock, never
 * after.
 */
static DEFINE_MUTEX(msg_mutex);
static struct msg_file *msg_owner[PT_MSG_SLOTS]; /* NULL: discard */
static u16 msg_slots_used;    /* connected, or being (dis)connected */
static u16 msg_slots_stalled; /* filled, left for want of room */
static struct page *msg_page_pg;
static struct pt_msg_page *msg_page;
static struct pt_msg_slot msg_copy; /* the slot being taken (msg_mutex) */

static void msg_work_fn(struct work_struct *work);
static DECLARE_WORK(msg_work, msg_work_fn);

/*
 * Taking a message ends with MSG_EOM, a hypercall, and hypercalls take a
 * mutex: so the notification interrupt only queues this work item.
 */
void partita_msg_kick(void)
{
	queue_work(system_highpri_wq, &msg_work);
}

static u32 msg_connection_id(unsigned int slot)
{
	return pt_msg_connection_id(PARTITA_ROOT_ID, 0, slot);
}

static bool msg_file_full(struct msg_file *f)
{
	bool full;

	spin_lock(&f->qlock);
	full = f->count == MSG_FILE_QUEUE;
	if (full)
		f->stalled = true;
	spin_unlock(&f->qlock);
	return full;
}

static void msg_file_append(struct msg_file *f, const struct pt_msg_slot *m)
{
	struct pt_ioc_msg *out;

	spin_lock(&f->qlock);
	/* Only this work item appends, and it saw room: there still is. */
	out = &f->ring[(f->head + f->count) % MSG_FILE_QUEUE];
	out->connection_id = m->header.connection_id;
	out->sender_id = m->header.sender_id;
	out->message_type = m->header.message_type;
	out->payload_size = m->header.payload_size;
	memcpy(out->payload, m->payload, m->header.payload_size);
	memset(out->payload + m->header.payload_size, 0,
	       PT_MSG_PAYLOAD_MAX - m->header.payload_size);
	f->count++;
	spin_unlock(&f->qlock);
	wake_up_interruptible(&f->wait);
}

/*
 * Takes slot s if it holds a message and its file has room: copies it out
 * once, frees the slot, and calls MSG_EOM so that the hypervisor moves the
 * next queued message in. Returns true if the slot was taken.
 */
static bool msg_take_slot(unsigned int s)
{
	struct pt_msg_slot *slot = &msg_page->slots[s];
	struct msg_file *f = msg_owner[s];
	u64 rdx = s, r8 = 0;
	bool valid;
	u16 status;

	lockdep_assert_held(&msg_mutex);
	if (!READ_ONCE(slot->header.message_type)) {
		msg_slots_stalled &= ~BIT(s);
		return false;
	}
	if (f && msg_file_full(f)) {
		msg_slots_stalled |= BIT(s);
		return false;
	}
	msg_slots_stalled &= ~BIT(s);
	/* The header and payload were written before message_type. */
	smp_rmb();
	memcpy(&msg_copy, slot, sizeof(msg_copy));
	valid = msg_copy.header.message_type != PT_MSG_TYPE_NONE &&
		msg_copy.header.payload_size <= PT_MSG_PAYLOAD_MAX &&
		msg_copy.header.connection_id == msg_connection_id(s);
	if (!valid)
		pr_warn_ratelimited("slot %u: malformed message (type 0x%x, "
				    "size %u, connection 0x%x) dropped\n",
				    s, msg_copy.header.message_type,
				    msg_copy.header.payload_size,
				    msg_copy.header.connection_id);
	/* The copy is complete before the slot is handed back. */
	smp_mb();
	WRITE_ONCE(slot->header.message_type, PT_MSG_TYPE_NONE);
	/* The root has one vCPU: this call is made on the slot's vCPU. */
	status = partita_fast_call(PT_CALL_MSG_EOM, &rdx, &r8);
	if (status)
		pr_warn_ratelimited("MSG_EOM(%u): status 0x%x\n", s, status);
	if (f && valid)
		msg_file_append(f, &msg_copy);
	return true;
}

static void msg_work_fn(struct work_struct *work)
{
	unsigned int s, progress, taken = 0;
	unsigned long todo;

	mutex_lock(&msg_mutex);
	while (msg_page) {
		todo = partita_vpap_take_msg_slots() | msg_slots_stalled;
		todo &= BIT(PT_MSG_SLOTS) - 1;
		progress = 0;
		for_each_set_bit(s, &todo, PT_MSG_SLOTS)
		{
			if (msg_take_slot(s))
				progress++;
		}
		/* Nothing new, or only stalled slots still without room. */
		if (!progress)
			break;
		taken += progress;
		if (taken >= MSG_WORK_BUDGET) {
			/* A flood must not hold the worker: go round again. */
			partita_msg_kick();
			break;
		}
	}
	mutex_unlock(&msg_mutex);
}

/* MSG_SET_PAGE for the root's vCPU (its one CPU): GPA, or 0. */
static u16 msg_register(u64 gpa)
{
	u64 rdx = gpa, r8 = 0;

	return partita_fast_call(PT_CALL_MSG_SET_PAGE, &rdx, &r8);
}

int partita_msg_init(void)
{
	struct page *pg;
	u16 status;

	pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pg)
		return -ENOMEM;
	status = msg_register(page_to_phys(pg));
	if (status == PT_STATUS_INVALID_PARTITION_STATE) {
		/* A page of an earlier load that did not unload cleanly. */
		msg_register(0);
		status = msg_register(page_to_phys(pg));
	}
	if (status) {
		pr_err("the hypervisor refused the message page (status "
		       "0x%x): message files are unavailable\n",
		       status);
		__free_page(pg);
		return partita_status_errno(status);
	}
	mutex_lock(&msg_mutex);
	msg_page_pg = pg;
	msg_page = page_address(pg);
	mutex_unlock(&msg_mutex);
	/* Messages queued for the root move in on registration. */
	partita_msg_kick();
	return 0;
}

/* Deletes slot s's connection; the caller holds msg_mutex. */
static void msg_disconnect(unsigned int s)
{
	u64 rdx = msg_connection_id(s), r8 = 0;
	u16 status;

	lockdep_assert_held(&msg_mutex);
	msg_owner[s] = NULL;
	status = partita_fast_call(PT_CALL_MSG_DELETE_CONNECTION, &rdx, &r8);
	if (status && status != PT_STATUS_INVALID_CONNECTION_ID) {
		/* Still the hypervisor's: the slot stays in use. */
		pr_err("deleting connection 0x%llx: status 0x%x; slot %u "
		       "stays reserved\n",
		       (unsigned long long)msg_connection_id(s), status, s);
		return;
	}
	/* A message it left in the slot is nobody's: the slot is empty. */
	WRITE_ONCE(msg_page->slots[s].header.message_type, PT_MSG_TYPE_NONE);
	msg_slots_stalled &= ~BIT(s);
	msg_slots_used &= ~BIT(s);
}

/* Runs after the notification interrupt is gone and every file closed. */
void partita_msg_exit(void)
{
	struct page *pg;
	unsigned int s;
	u16 status;

	mutex_lock(&msg_mutex);
	pg = msg_page_pg;
	if (!pg) {
		mutex_unlock(&msg_mutex);
		return;
	}
	status = msg_register(0);
	/* Any connection a failed release left behind. */
	for (s = 0; s < PT_MSG_SLOTS; s++) {
		if (msg_slots_used & BIT(s))
			msg_disconnect(s);
	}
	msg_page = NULL;
	msg_page_pg = NULL;
	mutex_unlock(&msg_mutex);
	/* The item sees msg_page NULL and does nothing if it runs again. */
	cancel_work_sync(&msg_work);
	if (status)
		pr_err("the hypervisor kept the message page (status 0x%x): "
		       "leaking it\n",
		       status);
	else
		__free_page(pg);
}

static long msg_connect(struct msg_file *f, void __user *uarg)
{
	struct pt_msg_connection_out *out;
	struct pt_msg_connection_in *in;
	struct pt_ioc_msg_connect c;
	unsigned int s;
	u16 status;
	u32 id;
	long err;

	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	err = partita_check_version(c.abi_version, "message connect");
	if (err)
		return err;
	if (c.depth > PT_MSG_QUEUE_MAX)
		return -EINVAL;
	mutex_lock(&msg_mutex);
	/* The lowest free slot: a root's first connection is 0x10000. */
	s = find_first_zero_bit(&(unsigned long){ msg_slots_used },
				PT_MSG_SLOTS);
	if (s >= PT_MSG_SLOTS) {
		mutex_unlock(&msg_mutex);
		return -ENOSPC;
	}
	/* Owned before it exists: its first message finds this file. */
	msg_slots_used |= BIT(s);
	msg_owner[s] = f;
	mutex_lock(&partita_hcall_lock);
	in = partita_hcall_in();
	out = partita_hcall_out();
	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	in->vcpu = 0;
	in->slot = s;
	in->sender = c.sender;
	in->depth = c.depth;
	status = pt_hc_status(partita_hcall_memory(
		pt_hc_input(PT_CALL_MSG_CREATE_CONNECTION, 0, 0, 0)));
	id = out->connection_id;
	mutex_unlock(&partita_hcall_lock);
	if (status) {
		msg_owner[s] = NULL;
		msg_slots_used &= ~BIT(s);
		mutex_unlock(&msg_mutex);
		return partita_status_errno(status);
	}
	f->slots |= BIT(s);
	if (id != msg_connection_id(s)) {
		pr_err("connection on slot %u answered id 0x%x, expected "
		       "0x%x\n",
		       s, id, msg_connection_id(s));
		f->slots &= ~BIT(s);
		msg_disconnect(s);
		mutex_unlock(&msg_mutex);
		return -EIO;
	}
	mutex_unlock(&msg_mutex);
	c.connection_id = id;
	/* One that cannot be reported is deleted when the file closes. */
	return copy_to_user(uarg, &c, sizeof(c)) ? -EFAULT : 0;
}

static long msg_post(void __user *uarg)
{
	struct pt_ioc_msg_post *p;
	u16 status;
	long err;

	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = -EFAULT;
	if (copy_from_user(p, uarg, sizeof(*p)))
		goto out;
	err = partita_check_version(p->abi_version, "message post");
	if (err)
		goto out;
	err = -EINVAL;
	if (p->msg.reserved)
		goto out;
	/* Type and size are the hypervisor's to judge: its status says. */
	mutex_lock(&partita_hcall_lock);
	memcpy(partita_hcall_in(), &p->msg, sizeof(p->msg));
	status = pt_hc_status(
		partita_hcall_memory(pt_hc_input(PT_CALL_MSG_POST, 0, 0, 0)));
	mutex_unlock(&partita_hcall_lock);
	err = put_user((u32)status,
		       &((struct pt_ioc_msg_post __user *)uarg)->status);
out:
	kfree(p);
	return err;
}

static const unsigned int msg_requests[] = {
	PT_IOC_MSG_CONNECT,
	PT_IOC_MSG_POST,
};

static long msg_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	int err;

	switch (cmd) {
	case PT_IOC_MSG_CONNECT:
	case PT_IOC_MSG_POST:
		break;
	default:
		return partita_ioctl_mismatch(cmd, msg_requests,
					      ARRAY_SIZE(msg_requests));
	}
	err = partita_check_admin();
	if (err)
		return err;
	switch (cmd) {
	case PT_IOC_MSG_CONNECT:
		return msg_connect(file->private_data, uarg);
	default: /* PT_IOC_MSG_POST */
		return msg_post(uarg);
	}
}

static ssize_t msg_read(struct file *file, char __user *buf, size_t len,
			loff_t *ppos)
{
	struct msg_file *f = file->private_data;
	ssize_t done = 0;
	bool resume;
	int err;

	if (len < sizeof(struct pt_ioc_msg))
		return -EINVAL;
	if (mutex_lock_interruptible(&f->read_lock))
		return -ERESTARTSYS;
	while (!READ_ONCE(f->count)) {
		mutex_unlock(&f->read_lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(f->wait, READ_ONCE(f->count));
		if (err)
			return err;
		if (mutex_lock_interruptible(&f->read_lock))
			return -ERESTARTSYS;
	}
	/*
	 * Only this reader takes messages out, so the head stays put while
	 * it is copied; the work item only appends behind it.
	 */
	while (len - done >= sizeof(struct pt_ioc_msg) && READ_ONCE(f->count)) {
		/* Copy to user space may fault: no spinlock here. */
		if (copy_to_user(buf + done, &f->ring[f->head],
				 sizeof(struct pt_ioc_msg))) {
			if (!done)
				done = -EFAULT;
			break;
		}
		spin_lock(&f->qlock);
		f->head = (f->head + 1) % MSG_FILE_QUEUE;
		f->count--;
		spin_unlock(&f->qlock);
		done += sizeof(struct pt_ioc_msg);
	}
	spin_lock(&f->qlock);
	resume = f->stalled && f->count < MSG_FILE_QUEUE;
	if (resume)
		f->stalled = false;
	spin_unlock(&f->qlock);
	mutex_unlock(&f->read_lock);
	/* Room again: take what the stalled slots hold. */
	if (resume)
		partita_msg_kick();
	return done;
}

static __poll_t msg_poll(struct file *file, poll_table *wait)
{
	struct msg_file *f = file->private_data;

	poll_wait(file, &f->wait, wait);
	return READ_ONCE(f->count) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int msg_release(struct inode *inode, struct file *file)
{
	struct msg_file *f = file->private_data;
	unsigned int s;

	/* The work item holds msg_mutex while it appends: none is running. */
	mutex_lock(&msg_mutex);
	for (s = 0; s < PT_MSG_SLOTS; s++) {
		if (f->slots & BIT(s))
			msg_disconnect(s);
	}
	mutex_unlock(&msg_mutex);
	kvfree(f);
	return 0;
}

static const struct file_operations msg_fops = {
	.owner = THIS_MODULE,
	.release = msg_release,
	.read = msg_read,
	.poll = msg_poll,
	.unlocked_ioctl = msg_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

long partita_msg_open(void)
{
	struct msg_file *f;
	int fd;

	if (!READ_ONCE(msg_page_pg))
		return -ENODEV;
	f = kvzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	spin_lock_init(&f->qlock);
	mutex_init(&f->read_lock);
	init_waitqueue_head(&f->wait);
	fd = anon_inode_getfd("[partita-msg]", &msg_fops, f,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0)
		kvfree(f);
	return fd;
}
