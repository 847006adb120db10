// SPDX-License-Identifier: GPL-2.0-only
/* Grant mappings for root user space: the grant window and gntdev files. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/bitmap.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include <partita/grants.h>

#include "partita.h"

/* Grants mapped by one MAP_GRANTS, remembered under one mmap() offset. */
struct gnt_range {
	struct list_head node; /* in file->ranges */
	struct gnt_file *file;
	u64 gpa;	   /* first page, in the grant window */
	u32 first;	   /* its window page index; offset = first pages */
	u32 count;	   /* pages */
	bool readonly;	   /* mapped read-only: no writable mmap */
	unsigned int vmas; /* live mmaps of it (file->lock) */
	u32 handles[];
};

struct gnt_file {
	spinlock_t lock; /* ranges and their vmas counts */
	struct list_head ranges;
};

/*
 * The root's grant window: guest-physical (= host-physical) addresses
 * above RAM that e820 marks reserved, where GRANT_MAP puts granted frames.
 * They have no struct page: the driver only ever remap_pfn_range()s them.
 * A bitmap of its pages, as many as the root may map at once at most.
 */
static DEFINE_SPINLOCK(gnt_window_lock);
static unsigned long *gnt_window_map;
static u64 gnt_window_base;
static u32 gnt_window_pages;
/* The local page of GRANT_COPY (partita_hcall_lock). */
static struct page *gnt_bounce;

/* Asks the hypervisor where the window is and checks the answer. */
static int gnt_window_query(u64 *base, u64 *size)
{
	u64 rdx = 0, r8 = 0;
	u16 status;

	status = partita_fast_call(PT_CALL_GRANT_WINDOW, &rdx, &r8);
	if (status) {
		pr_err("GRANT_WINDOW: status 0x%x: grant files are "
		       "unavailable\n",
		       status);
		return partita_status_errno(status);
	}
	if (!rdx && !r8) {
		pr_err("the hypervisor has no grant window for the root: grant "
		       "files are unavailable\n");
		return -ENODEV;
	}
	if (!PAGE_ALIGNED(rdx) || r8 < PAGE_SIZE || rdx + r8 < rdx ||
	    region_intersects(rdx, r8, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("GRANT_WINDOW answered 0x%llx + 0x%llx, which is not "
		       "a page-aligned range outside RAM: grant files are "
		       "unavailable\n",
		       (unsigned long long)rdx, (unsigned long long)r8);
		return -EIO;
	}
	*base = rdx;
	*size = r8;
	return 0;
}

int partita_gntdev_init(void)
{
	u64 base, size;
	int err;

	err = gnt_window_query(&base, &size);
	if (err)
		return err;
	gnt_window_pages = min_t(u64, size >> PAGE_SHIFT, PT_GRANT_MAPS_MAX);
	gnt_window_map = bitmap_zalloc(gnt_window_pages, GFP_KERNEL);
	gnt_bounce = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!gnt_window_map || !gnt_bounce) {
		partita_gntdev_exit();
		return -ENOMEM;
	}
	gnt_window_base = base;
	return 0;
}

/* Every file is closed by now, so every grant is unmapped. */
void partita_gntdev_exit(void)
{
	bitmap_free(gnt_window_map);
	gnt_window_map = NULL;
	if (gnt_bounce)
		__free_page(gnt_bounce);
	gnt_bounce = NULL;
	gnt_window_pages = 0;
}

/* count consecutive free window pages, lowest first; or -ENOSPC. */
static long gnt_window_alloc(u32 count)
{
	unsigned long first;

	spin_lock(&gnt_window_lock);
	first = bitmap_find_next_zero_area(gnt_window_map, gnt_window_pages, 0,
					   count, 0);
	if (first + count > gnt_window_pages) {
		spin_unlock(&gnt_window_lock);
		return -ENOSPC;
	}
	bitmap_set(gnt_window_map, first, count);
	spin_unlock(&gnt_window_lock);
	return first;
}

static void gnt_window_free(u32 first, u32 count)
{
	spin_lock(&gnt_window_lock);
	bitmap_clear(gnt_window_map, first, count);
	spin_unlock(&gnt_window_lock);
}

/*
 * GRANT_UNMAP of handles[0..count); the caller holds partita_hcall_lock.
 * Returns the status, and in *done how many were unmapped.
 */
static u16 gnt_unmap_locked(const u32 *handles, u32 count, u32 *done)
{
	u64 *in = partita_hcall_in();
	u64 result;
	u32 i;

	for (i = 0; i < count; i++)
		in[i] = handles[i];
	result = partita_hcall_memory(
		pt_hc_input(PT_CALL_GRANT_UNMAP, 0, count, 0));
	*done = pt_hc_status(result) ? min(pt_hc_reps_done(result), count)
				     : count;
	return pt_hc_status(result);
}

/*
 * Unmaps a whole range and gives its window pages back. Pages that the
 * hypervisor may still map stay allocated for good: handing them to
 * another map would be refused, and they must never be mmapped again.
 */
static int gnt_range_unmap(struct gnt_range *r)
{
	u32 done;
	u16 status;

	mutex_lock(&partita_hcall_lock);
	status = gnt_unmap_locked(r->handles, r->count, &done);
	mutex_unlock(&partita_hcall_lock);
	if (status) {
		pr_err("GRANT_UNMAP of %u grants at 0x%llx failed at %u "
		       "(status 0x%x): leaking their window pages\n",
		       r->count, (unsigned long long)r->gpa, done, status);
		return partita_status_errno(status);
	}
	gnt_window_free(r->first, r->count);
	return 0;
}

/*
 * One GRANT_MAP rep call for the whole request. On a failure at element
 * i, elements 0..i-1 are unmapped again and m reports i and its status.
 */
static long gnt_map_call(struct gnt_range *r, u16 granter, const u32 *refs,
			 struct pt_ioc_gnt_map *m)
{
	struct pt_grant_map_out *out;
	struct pt_grant_map_in *in;
	u32 i, done, undone;
	u16 status, ustatus;
	u64 result;

	mutex_lock(&partita_hcall_lock);
	in = partita_hcall_in();
	out = partita_hcall_out();
	memset(in, 0, r->count * sizeof(*in));
	memset(out, 0, r->count * sizeof(*out));
	for (i = 0; i < r->count; i++) {
		in[i].granter = granter;
		in[i].flags = r->readonly ? PT_GRANT_MAP_READONLY : 0;
		in[i].ref = refs[i];
		in[i].gpa = r->gpa + ((u64)i << PAGE_SHIFT);
	}
	result = partita_hcall_memory(
		pt_hc_input(PT_CALL_GRANT_MAP, 0, r->count, 0));
	status = pt_hc_status(result);
	done = min(pt_hc_reps_done(result), r->count);
	for (i = 0; i < done; i++)
		r->handles[i] = out[i].handle;
	if (!status && done == r->count) {
		mutex_unlock(&partita_hcall_lock);
		return 0;
	}
	m->failed_index = done;
	m->failed_status = status;
	ustatus = done ? gnt_unmap_locked(r->handles, done, &undone) : 0;
	mutex_unlock(&partita_hcall_lock);
	if (ustatus) {
		pr_err("unwinding a failed GRANT_MAP: GRANT_UNMAP failed at "
		       "%u of %u (status 0x%x): leaking window pages\n",
		       undone, done, ustatus);
	} else {
		gnt_window_free(r->first, r->count);
	}
	/* Success with elements left undone is not an answer we know. */
	return status ? partita_status_errno(status) : -EIO;
}

static long gnt_ioctl_map(struct gnt_file *f, void __user *uarg)
{
	struct pt_ioc_gnt_map m;
	struct gnt_range *r;
	long first, err;
	u32 *refs;

	if (copy_from_user(&m, uarg, sizeof(m)))
		return -EFAULT;
	err = partita_check_version(m.abi_version, "grant map");
	if (err)
		return err;
	if (!m.count || (m.flags & ~PT_IOC_GNT_READONLY) || m.granter > U16_MAX)
		return -EINVAL;
	if (m.count > PT_IOC_GNT_MAP_MAX)
		return -E2BIG;
	refs = memdup_user(u64_to_user_ptr(m.refs_ptr),
			   m.count * sizeof(*refs));
	if (IS_ERR(refs))
		return PTR_ERR(refs);
	r = kzalloc(struct_size(r, handles, m.count), GFP_KERNEL);
	err = -ENOMEM;
	if (!r)
		goto out;
	first = gnt_window_alloc(m.count);
	err = first;
	if (first < 0)
		goto out;
	r->file = f;
	r->first = first;
	r->count = m.count;
	r->readonly = m.flags & PT_IOC_GNT_READONLY;
	r->gpa = gnt_window_base + ((u64)first << PAGE_SHIFT);
	m.failed_index = 0;
	m.failed_status = 0;
	err = gnt_map_call(r, m.granter, refs, &m);
	if (err) {
		/* failed_index and failed_status tell which and why. */
		if (copy_to_user(uarg, &m, sizeof(m)))
			err = -EFAULT;
		goto out;
	}
	m.offset = (u64)r->first << PAGE_SHIFT;
	if (copy_to_user(uarg, &m, sizeof(m))) {
		/* Nobody knows the offset: nothing may keep the grants. */
		gnt_range_unmap(r);
		err = -EFAULT;
		goto out;
	}
	spin_lock(&f->lock);
	list_add_tail(&r->node, &f->ranges);
	spin_unlock(&f->lock);
	r = NULL;
	err = 0;
out:
	kfree(r);
	kfree(refs);
	return err;
}

static struct gnt_range *gnt_find_locked(struct gnt_file *f, u64 first)
{
	struct gnt_range *r;

	list_for_each_entry(r, &f->ranges, node)
	{
		if (r->first == first)
			return r;
	}
	return NULL;
}

static long gnt_ioctl_unmap(struct gnt_file *f, void __user *uarg)
{
	struct pt_ioc_gnt_unmap u;
	struct gnt_range *r;
	long err;

	if (copy_from_user(&u, uarg, sizeof(u)))
		return -EFAULT;
	err = partita_check_version(u.abi_version, "grant unmap");
	if (err)
		return err;
	if (u.reserved || !PAGE_ALIGNED(u.offset))
		return -EINVAL;
	spin_lock(&f->lock);
	r = gnt_find_locked(f, u.offset >> PAGE_SHIFT);
	if (!r) {
		spin_unlock(&f->lock);
		return -ENOENT;
	}
	if (r->vmas) {
		spin_unlock(&f->lock);
		return -EBUSY;
	}
	/* Out of the list: no new mmap can find it now. */
	list_del(&r->node);
	spin_unlock(&f->lock);
	err = gnt_range_unmap(r);
	kfree(r);
	return err;
}

static long gnt_ioctl_copy(void __user *uarg)
{
	struct pt_grant_copy *el;
	struct pt_ioc_gnt_copy c;
	bool to_grant;
	void *buf;
	u16 status;
	long err;

	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	err = partita_check_version(c.abi_version, "grant copy");
	if (err)
		return err;
	if (c.length > PAGE_SIZE)
		return -E2BIG;
	if (c.reserved || (c.flags & ~PT_GRANT_COPY_TO_GRANT) ||
	    c.granter > U16_MAX || !c.length || c.offset >= PAGE_SIZE ||
	    c.offset + c.length > PAGE_SIZE)
		return -EINVAL;
	to_grant = c.flags & PT_GRANT_COPY_TO_GRANT;
	buf = kmalloc(c.length, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = -EFAULT;
	if (to_grant &&
	    copy_from_user(buf, u64_to_user_ptr(c.buf_ptr), c.length))
		goto out;
	mutex_lock(&partita_hcall_lock);
	if (to_grant)
		memcpy(page_address(gnt_bounce), buf, c.length);
	el = partita_hcall_in();
	memset(el, 0, sizeof(*el));
	el->granter = c.granter;
	el->flags = c.flags;
	el->ref = c.ref;
	el->offset = c.offset;
	el->length = c.length;
	el->local_gpa = page_to_phys(gnt_bounce);
	status = pt_hc_status(
		partita_hcall_memory(pt_hc_input(PT_CALL_GRANT_COPY, 0, 1, 0)));
	if (!to_grant && !status)
		memcpy(buf, page_address(gnt_bounce), c.length);
	mutex_unlock(&partita_hcall_lock);
	err = -EFAULT;
	if (!to_grant && !status &&
	    copy_to_user(u64_to_user_ptr(c.buf_ptr), buf, c.length))
		goto out;
	/* The status goes back in every case; the errno says it too. */
	if (put_user((u32)status,
		     &((struct pt_ioc_gnt_copy __user *)uarg)->status))
		goto out;
	err = partita_status_errno(status);
out:
	kfree(buf);
	return err;
}

static const unsigned int gnt_requests[] = {
	PT_IOC_GNT_MAP_GRANTS,
	PT_IOC_GNT_UNMAP_GRANTS,
	PT_IOC_GNT_COPY,
};

static long gnt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	int err;

	switch (cmd) {
	case PT_IOC_GNT_MAP_GRANTS:
	case PT_IOC_GNT_UNMAP_GRANTS:
	case PT_IOC_GNT_COPY:
		break;
	default:
		return partita_ioctl_mismatch(cmd, gnt_requests,
					      ARRAY_SIZE(gnt_requests));
	}
	err = partita_check_admin();
	if (err)
		return err;
	switch (cmd) {
	case PT_IOC_GNT_MAP_GRANTS:
		return gnt_ioctl_map(file->private_data, uarg);
	case PT_IOC_GNT_UNMAP_GRANTS:
		return gnt_ioctl_unmap(file->private_data, uarg);
	default: /* PT_IOC_GNT_COPY */
		return gnt_ioctl_copy(uarg);
	}
}

/* A VMA of a range was duplicated (split is refused, so: mremap). */
static void gnt_vma_open(struct vm_area_struct *vma)
{
	struct gnt_range *r = vma->vm_private_data;

	spin_lock(&r->file->lock);
	r->vmas++;
	spin_unlock(&r->file->lock);
}

static void gnt_vma_close(struct vm_area_struct *vma)
{
	struct gnt_range *r = vma->vm_private_data;

	spin_lock(&r->file->lock);
	r->vmas--;
	spin_unlock(&r->file->lock);
}

/* A range is mapped whole or not at all: no partial munmap or mprotect. */
static int gnt_vma_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static const struct vm_operations_struct gnt_vm_ops = {
	.open = gnt_vma_open,
	.close = gnt_vma_close,
	.may_split = gnt_vma_may_split,
};

static int gnt_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct gnt_file *f = file->private_data;
	unsigned long pages = vma_pages(vma);
	struct gnt_range *r;
	int err;

	/* Mapping a granted frame acts, like the requests: CAP_SYS_ADMIN. */
	err = partita_check_admin();
	if (err)
		return err;
	/*
	 * Granted frames are shared memory: a private writable mapping would
	 * be copy-on-write of PFNs without struct pages. Read-only private
	 * mappings are fine once they can never become writable.
	 */
	if (!(vma->vm_flags & VM_SHARED)) {
		if (vma->vm_flags & VM_WRITE)
			return -EINVAL;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	spin_lock(&f->lock);
	r = gnt_find_locked(f, vma->vm_pgoff);
	if (!r || r->count != pages) {
		spin_unlock(&f->lock);
		return -EINVAL;
	}
	if (r->readonly && (vma->vm_flags & VM_WRITE)) {
		spin_unlock(&f->lock);
		return -EPERM;
	}
	/* Counted now: UNMAP_GRANTS is refused from here on. */
	r->vmas++;
	spin_unlock(&f->lock);
	if (r->readonly)
		vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_flags |=
		VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTCOPY | VM_DONTDUMP;
	vma->vm_private_data = r;
	/* The window has no struct pages: PFNs only, never GUP. */
	err = remap_pfn_range(vma, vma->vm_start, r->gpa >> PAGE_SHIFT,
			      pages << PAGE_SHIFT, vma->vm_page_prot);
	if (err) {
		/* A failed mmap gets no close(): uncount it here. */
		spin_lock(&f->lock);
		r->vmas--;
		spin_unlock(&f->lock);
		return err;
	}
	vma->vm_ops = &gnt_vm_ops;
	return 0;
}

/* Every VMA holds a reference to the file: none is left by now. */
static int gnt_release(struct inode *inode, struct file *file)
{
	struct gnt_file *f = file->private_data;
	struct gnt_range *r, *next;

	list_for_each_entry_safe(r, next, &f->ranges, node)
	{
		WARN_ON(r->vmas);
		gnt_range_unmap(r);
		kfree(r);
	}
	kfree(f);
	return 0;
}

static const struct file_operations gnt_fops = {
	.owner = THIS_MODULE,
	.release = gnt_release,
	.mmap = gnt_mmap,
	.unlocked_ioctl = gnt_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

long partita_gntdev_open(void)
{
	struct gnt_file *f;
	int fd;

	if (!gnt_window_map)
		return -ENODEV;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	spin_lock_init(&f->lock);
	INIT_LIST_HEAD(&f->ranges);
	fd = anon_inode_getfd("[partita-gntdev]", &gnt_fops, f,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0)
		kfree(f);
	return fd;
}
