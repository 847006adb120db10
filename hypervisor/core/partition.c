// SPDX-License-Identifier: GPL-2.0-only
/* Partitions: creation, guest memory, and teardown that returns every frame. */
#include <hv/arch.h>
#include <hv/elf-load.h>
#include <hv/frame.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/sched.h>
#include <hv/root.h>
#include <hv/console.h>
#include <hv/time.h>
#include <partita/root.h>
#include <partita/start-info.h>
#include <string.h>

static struct partition partitions[MAX_PARTITIONS];
static struct spinlock partitions_lock = SPINLOCK_INIT;
static volatile u32 live_count;
static volatile u32 teardown_count;
static struct spinlock teardown_lock = SPINLOCK_INIT;

#define GUEST_MAX_MEMORY (4ull << 30) /* four page directories at 0x5000 */
#define LARGE_PAGE (2ull << 20)

struct partition *partition_init_root(u32 cpu)
{
	struct partition *p = &partitions[ROOT_PARTITION_ID];

	memset(p, 0, sizeof(*p));
	p->lock = (struct spinlock)SPINLOCK_INIT;
	p->id = ROOT_PARTITION_ID;
	strlcpy(p->name, "root", sizeof(p->name));
	p->vcpu_count = 1;
	p->weight = 256;
	p->cpu_mask = BIT(cpu);
	p->vcpus_alive = 1;
	p->vcpus[0].part = p;
	p->vcpus[0].cpu = cpu;
	p->vcpus[0].state = VCPU_STATE_RUNNABLE;
	p->console_tokens = CONSOLE_BURST_LINES;
	p->state = PART_STATE_RUNNING;
	return p;
}

struct partition *partition_get(u32 id)
{
	if (id >= MAX_PARTITIONS || partitions[id].state == PART_STATE_FREE)
		return NULL;
	return &partitions[id];
}

u32 partition_live_count(void)
{
	return READ_ONCE(live_count);
}

void *partition_gpa_to_hva(const struct partition *p, u64 gpa, bool write)
{
	u32 flags = 0;
	u64 hpa;

	if (gpa >= p->memory_bytes)
		return NULL;
	hpa = arch_npt_lookup(p, gpa & PAGE_MASK, &flags);
	if (hpa == NPT_NO_PAGE || (write && !(flags & NPT_WRITE)))
		return NULL;
	return (u8 *)phys_to_virt(hpa) + (gpa & (PAGE_SIZE - 1));
}

int partition_copy_to_guest(const struct partition *p, u64 gpa,
			    const void *src, u64 len)
{
	const u8 *s = src;

	while (len) {
		u64 chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		void *dst = partition_gpa_to_hva(p, gpa, true);

		if (!dst)
			return -1;
		memcpy(dst, s, chunk);
		gpa += chunk;
		s += chunk;
		len -= chunk;
	}
	return 0;
}

static int copy_segment(void *ctx, u64 gpa, const void *src, u64 len)
{
	return partition_copy_to_guest(ctx, gpa, src, len);
}

static int populate_memory(struct partition *p)
{
	for (u64 gpa = 0; gpa < p->memory_bytes; gpa += PAGE_SIZE) {
		u64 hpa = frame_alloc((u16)p->id, FRAME_KIND_RAM);

		if (!hpa)
			return -1;
		if (arch_npt_map(p, gpa, hpa, NPT_RWX))
			return -1;
	}
	return 0;
}

/* The boot layout promised in protocols/partita/start-info.h. */
static int write_boot_layout(struct partition *p,
			     const struct elf_image_info *img)
{
	static const u64 gdt[3] = { 0, 0x00AF9A000000FFFFull,
				    0x00CF92000000FFFFull };
	struct pt_start_info si;
	u64 pml4 = PT_GUEST_PAGE_TABLE_GPA, pdpt = pml4 + PAGE_SIZE;
	u64 pd0 = pdpt + PAGE_SIZE, entry;

	memset(&si, 0, sizeof(si));
	si.magic = PT_START_INFO_MAGIC;
	si.version = PT_START_INFO_VERSION;
	si.size = sizeof(si);
	si.partition_id = p->id;
	si.vcpu_count = p->vcpu_count;
	si.memory_bytes = p->memory_bytes;
	si.image_start = img->lo;
	si.image_end = img->hi;
	si.free_start = ALIGN_UP(img->hi, PAGE_SIZE);
	si.weight = p->weight;
	strlcpy(si.name, p->name, sizeof(si.name));
	strlcpy(si.cmdline, p->cmdline, sizeof(si.cmdline));
	if (partition_copy_to_guest(p, PT_GUEST_START_INFO_GPA, &si,
				    sizeof(si)) ||
	    partition_copy_to_guest(p, PT_GUEST_GDT_GPA, gdt, sizeof(gdt)))
		return -1;

	/* Present | writable, and for the 2 MiB leaves the page-size bit. */
	entry = pdpt | 0x3;
	if (partition_copy_to_guest(p, pml4, &entry, 8))
		return -1;
	for (u64 i = 0; i * (1ull << 30) < p->memory_bytes; i++) {
		entry = (pd0 + i * PAGE_SIZE) | 0x3;
		if (partition_copy_to_guest(p, pdpt + i * 8, &entry, 8))
			return -1;
	}
	for (u64 gpa = 0; gpa < p->memory_bytes; gpa += LARGE_PAGE) {
		entry = gpa | 0x83;
		if (partition_copy_to_guest(p, pd0 + (gpa / LARGE_PAGE) * 8,
					    &entry, 8))
			return -1;
	}
	return 0;
}

/* vCPU i runs on the i-th CPU of the mask, wrapping around. */
static u32 cpu_for_vcpu(u64 mask, u32 index)
{
	u32 n = 0, want;

	for (u64 m = mask; m; m &= m - 1)
		n++;
	want = index % n;

	for (u32 cpu = 0; cpu < 64; cpu++) {
		if ((mask & BIT(cpu)) && want-- == 0)
			return cpu;
	}
	return 0;
}

static struct partition *alloc_slot(void)
{
	struct partition *p = NULL;

	spin_lock(&partitions_lock);
	for (u32 id = 1; id < MAX_PARTITIONS; id++) {
		if (partitions[id].state == PART_STATE_FREE) {
			p = &partitions[id];
			memset(p, 0, sizeof(*p));
			p->id = id;
			p->state = PART_STATE_DYING; /* not yet schedulable */
			break;
		}
	}
	spin_unlock(&partitions_lock);
	return p;
}

static void free_slot(struct partition *p)
{
	frame_release_owner((u16)p->id);
	WRITE_ONCE(p->state, PART_STATE_FREE);
}

/* A shift by 64 is undefined: a 64-CPU machine needs its own case. */
/* CPUs that came up, less the root's: guests never run there. */
static u64 online_cpu_mask(void)
{
	u64 mask = 0;

	for (u32 cpu = 0; cpu < arch_cpu_count() && cpu < 64; cpu++) {
		if (arch_cpu_online(cpu))
			mask |= BIT(cpu);
	}
	return mask & ~root_cpu_mask();
}

static int check_config(const struct partition_config *cfg, const char **why)
{
	u64 cpus = cfg->cpu_mask & online_cpu_mask();

	if (cfg->memory_bytes < LARGE_PAGE ||
	    cfg->memory_bytes > GUEST_MAX_MEMORY)
		*why = "memory must be between 2 MiB and 4 GiB";
	else if (cfg->vcpu_count == 0 || cfg->vcpu_count > MAX_VCPUS)
		*why = "vcpus must be between 1 and 8";
	else if (cfg->weight == 0 || cfg->weight > 65535)
		*why = "weight must be between 1 and 65535";
	else if (!cpus)
		*why = "no CPU of its CPU list exists or is free of the root";
	else
		return 0;
	return -1;
}

struct partition *partition_create(const struct partition_config *cfg)
{
	struct elf_image_info img;
	const char *why = "";
	struct partition *p;

	if (check_config(cfg, &why)) {
		log_msg(LOG_ERR, "hv", "partition %s: %s", cfg->name, why);
		return NULL;
	}
	p = alloc_slot();
	if (!p) {
		log_msg(LOG_ERR, "hv", "partition %s: no free partition slot",
			cfg->name);
		return NULL;
	}
	strlcpy(p->name, cfg->name, sizeof(p->name));
	strlcpy(p->cmdline, cfg->cmdline ? cfg->cmdline : "",
		sizeof(p->cmdline));
	p->memory_bytes = ALIGN_UP(cfg->memory_bytes, LARGE_PAGE);
	p->vcpu_count = cfg->vcpu_count;
	p->weight = cfg->weight;
	p->cpu_mask = cfg->cpu_mask & online_cpu_mask();
	p->lock = (struct spinlock)SPINLOCK_INIT;

	if (arch_npt_init(p) || populate_memory(p)) {
		why = "the memory pool is too small";
		goto err_free;
	}
	if (elf_load(cfg->image, cfg->image_size, PT_GUEST_IMAGE_MIN_GPA,
		     p->memory_bytes, copy_segment, p, &img, &why))
		goto err_free;
	if (write_boot_layout(p, &img)) {
		why = "could not write the start-info page";
		goto err_free;
	}
	for (u32 i = 0; i < p->vcpu_count; i++) {
		struct vcpu *v = &p->vcpus[i];

		v->part = p;
		v->index = i;
		v->cpu = cpu_for_vcpu(p->cpu_mask, i);
		v->state = VCPU_STATE_RUNNABLE;
		if (arch_vcpu_init(v, img.entry, PT_GUEST_START_INFO_GPA, i)) {
			why = "could not set up a virtual processor";
			goto err_free;
		}
	}
	p->vcpus_alive = p->vcpu_count;
	p->console_tokens = 200;
	__atomic_fetch_add(&live_count, 1, __ATOMIC_SEQ_CST);
	WRITE_ONCE(p->state, PART_STATE_RUNNING);
	log_part(LOG_INFO, p,
		 "created: %llu MiB, %u vCPU(s), weight %u, CPUs 0x%llx, "
		 "entry 0x%llx, %llu frames",
		 (unsigned long long)(p->memory_bytes >> 20), p->vcpu_count,
		 p->weight, (unsigned long long)p->cpu_mask,
		 (unsigned long long)img.entry,
		 (unsigned long long)frame_count_owned((u16)p->id));
	for (u32 i = 0; i < p->vcpu_count; i++)
		sched_add_vcpu(&p->vcpus[i]);
	return p;

err_free:
	log_msg(LOG_ERR, "hv", "partition %s: not created: %s", cfg->name,
		why);
	free_slot(p);
	return NULL;
}


void partition_end(struct partition *p, u32 reason, const char *detail)
{
	spin_lock(&p->lock);
	if (p->state != PART_STATE_RUNNING) {
		spin_unlock(&p->lock);
		return;
	}
	p->state = PART_STATE_DYING;
	p->exit_reason = reason;
	strlcpy(p->exit_detail, detail, sizeof(p->exit_detail));
	spin_unlock(&p->lock);
	if (reason == PT_SHUTDOWN_CRASH)
		log_part(LOG_ERR, p, "killed: %s", detail);
	for (u32 i = 0; i < p->vcpu_count; i++)
		sched_mark_dead(&p->vcpus[i]);
}

void partition_vcpu_gone(struct vcpu *v)
{
	struct partition *p = v->part;

	if (__atomic_sub_fetch(&p->vcpus_alive, 1, __ATOMIC_SEQ_CST) != 0)
		return;
	if (p->console_len) {
		p->console_line[p->console_len] = '\0';
		log_part(LOG_INFO, p, "%s", p->console_line);
	}
	p->teardown_cursor = 0;
	p->teardown_released = 0;
	__atomic_fetch_add(&teardown_count, 1, __ATOMIC_SEQ_CST);
	WRITE_ONCE(p->state, PART_STATE_TEARDOWN);
}

bool partition_teardown_pending(void)
{
	return READ_ONCE(teardown_count) != 0;
}

static void teardown_finished(struct partition *p)
{
	if (p->exit_reason == PT_SHUTDOWN_CRASH)
		log_part(LOG_INFO, p, "destroyed after crash, returned %llu "
			 "frames", (unsigned long long)p->teardown_released);
	else
		log_part(LOG_INFO, p, "shut down (%s), returned %llu frames",
			 p->exit_detail,
			 (unsigned long long)p->teardown_released);
	WRITE_ONCE(p->state, PART_STATE_FREE);
	__atomic_fetch_sub(&teardown_count, 1, __ATOMIC_SEQ_CST);
	root_notify(PT_ROOT_EVENT_PARTITION);
	/* CPU 0 decides what happens when the last partition is gone. */
	if (__atomic_sub_fetch(&live_count, 1, __ATOMIC_SEQ_CST) == 0 &&
	    arch_cpu_id() != 0 && !root_is_cpu(0))
		arch_kick_cpu(0);
}

bool partition_teardown_step(u64 budget_ns)
{
	u64 deadline = budget_ns ? arch_tsc() + time_ns_to_ticks(budget_ns)
				 : ~0ull;

	if (!partition_teardown_pending() || !spin_trylock(&teardown_lock))
		return partition_teardown_pending();
	for (u32 id = 1; id < MAX_PARTITIONS; id++) {
		struct partition *p = &partitions[id];

		if (READ_ONCE(p->state) != PART_STATE_TEARDOWN)
			continue;
		if (frame_release_owner_step((u16)id, &p->teardown_cursor,
					     &p->teardown_released, deadline))
			teardown_finished(p);
		if (arch_tsc() >= deadline)
			break;
	}
	spin_unlock(&teardown_lock);
	return partition_teardown_pending();
}
