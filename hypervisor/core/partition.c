// SPDX-License-Identifier: GPL-2.0-only
/* Partitions: the lifecycle steps from an empty slot to running vCPUs. */
#include <hv/arch.h>
#include <hv/console.h>
#include <elf-load.h>
#include <hv/frame.h>
#include <hv/log.h>
#include <hv/partition-internal.h>
#include <hv/root.h>
#include <hv/sched.h>
#include <hv/store-seed.h>
#include <hv/time.h>
#include <partita/root.h>
#include <partita/grants.h>
#include <partita/start-info.h>
#include <string.h>

/* Guest RAM comes in 2 MiB units: the boot page tables map it with 2 MiB
 * pages (arch_write_guest_boot_tables). */
#define LARGE_PAGE (2ull << 20)

_Static_assert(MAX_PARTITIONS <= FRAME_COUNTED_OWNERS,
	       "every partition's frames are counted");

struct partition partitions[MAX_PARTITIONS];
static struct spinlock partitions_lock = SPINLOCK_INIT;
static u64 next_generation = 1;
static u32 next_slot; /* where the search for a free id starts, less 1 */
volatile u32 partition_live;

#define GUEST_MAX_MEMORY (4ull << 30) /* four page directories at 0x5000 */

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
	p->vcpus[0].affinity = BIT(cpu);
	p->vcpus[0].state = VCPU_STATE_RUNNABLE;
	p->console_tokens = CONSOLE_BURST_LINES;
	p->log_tokens = LOG_GUEST_BURST;
	evtchn_init(p, PT_EVTCHN_PORTS - 1);
	grant_init(p, 0);
	p->state = PART_STATE_RUNNING;
	return p;
}

struct partition *partition_get(u32 id)
{
	if (id >= MAX_PARTITIONS || partitions[id].state == PART_STATE_FREE)
		return NULL;
	return &partitions[id];
}

struct partition *partition_ended_get(u32 id)
{
	if (id == ROOT_PARTITION_ID || id >= MAX_PARTITIONS)
		return NULL;
	/* Reuse (partition_new) takes this lock: the slot stays as it is. */
	spin_lock(&partitions_lock);
	if (partitions[id].state == PART_STATE_FREE &&
	    partitions[id].generation)
		return &partitions[id];
	spin_unlock(&partitions_lock);
	return NULL;
}

void partition_ended_put(void)
{
	spin_unlock(&partitions_lock);
}

struct partition *partition_find(const char *name)
{
	for (u32 id = 0; id < MAX_PARTITIONS; id++) {
		if (partitions[id].state != PART_STATE_FREE &&
		    !strncmp(partitions[id].name, name, PARTITION_NAME_MAX))
			return &partitions[id];
	}
	return NULL;
}

u32 partition_live_count(void)
{
	return READ_ONCE(partition_live);
}

/* The boot layout promised in protocols/partita/start-info.h. */
static int write_boot_layout(struct partition *p,
			     const struct elf_image_info *img,
			     const struct pt_start_info *store)
{
	struct pt_start_info si;

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
	si.event_page_gpa = store->event_page_gpa;
	si.store_ring_gpa = store->store_ring_gpa;
	si.grant_table_gpa = store->grant_table_gpa;
	si.grant_table_frames = store->grant_table_frames;
	si.store_port = store->store_port;
	si.store_grant_ref = store->store_grant_ref;
	si.store_domid = store->store_domid;
	if (partition_copy_to_guest(p, PT_GUEST_START_INFO_GPA, &si,
				    sizeof(si)))
		return -1;
	return arch_write_guest_boot_tables(p);
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

u64 partition_guest_cpus(void)
{
	u64 mask = 0;

	for (u32 cpu = 0; cpu < arch_cpu_count() && cpu < 64; cpu++) {
		if (arch_cpu_online(cpu))
			mask |= BIT(cpu);
	}
	return mask & ~root_cpu_mask();
}

static bool valid_name(const char *name)
{
	size_t n = strnlen(name, PARTITION_NAME_MAX);

	if (n == 0 || n == PARTITION_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* Decode for CREATE and for boot-time guests: changes nothing. */
int partition_check_config(const struct partition_config *cfg, const char **why)
{
	u64 cpus = cfg->cpu_mask & partition_guest_cpus();

	if (!valid_name(cfg->name))
		*why = "the name must be 1-31 characters of A-Z a-z 0-9 _ . -";
	else if (cfg->memory_bytes < LARGE_PAGE ||
		 cfg->memory_bytes > GUEST_MAX_MEMORY ||
		 (cfg->memory_bytes & (LARGE_PAGE - 1)))
		*why = "memory must be a multiple of 2 MiB, 2 MiB to 4 GiB";
	else if (cfg->vcpu_count == 0 || cfg->vcpu_count > MAX_VCPUS)
		*why = "vcpus must be between 1 and 8";
	else if (cfg->weight == 0 || cfg->weight > 65535)
		*why = "weight must be between 1 and 65535";
	else if (cfg->cap_percent > 100)
		*why = "cap must be between 0 and 100 percent";
	else if (cfg->on_crash > PT_ON_CRASH_PRESERVE)
		*why = "on_crash must be destroy or preserve";
	else if (!cpus)
		*why = "no CPU of its CPU list exists or is free of the root";
	else if (cfg->cmdline && strnlen(cfg->cmdline, PARTITION_CMDLINE_MAX) ==
					 PARTITION_CMDLINE_MAX)
		*why = "the command line is longer than 255 bytes";
	else if (cfg->max_event_ports >= PT_EVTCHN_PORTS)
		*why = "max_event_ports must be between 1 and 4095";
	else if (cfg->max_grant_frames > PT_GRANT_FRAMES_MAX)
		*why = "max_grant_frames must be between 1 and 64";
	else
		return PT_STATUS_SUCCESS;
	return PT_STATUS_INVALID_PARAMETER;
}

int partition_new(const struct partition_config *cfg, struct partition **out,
		  const char **why)
{
	struct partition *p = NULL;
	int status = partition_check_config(cfg, why);

	if (status)
		return status;
	spin_lock(&partitions_lock);
	if (partition_find(cfg->name)) {
		spin_unlock(&partitions_lock);
		*why = "a partition of that name exists";
		return PT_STATUS_INVALID_PARAMETER;
	}
	/*
	 * Ids go round: a slot that just became free is the last to be
	 * used again, so a name a peer still holds for an ended partition
	 * (a port's or connection's partner, a grant's target) does not at
	 * once name a new one, and a CPU that still looks at the old slot
	 * for an instant does not find it rebuilt under it.
	 */
	for (u32 n = 0; n < MAX_PARTITIONS - 1 && !p; n++) {
		u32 id = 1 + (next_slot + n) % (MAX_PARTITIONS - 1);

		if (partitions[id].state == PART_STATE_FREE) {
			next_slot = id % (MAX_PARTITIONS - 1);
			p = &partitions[id];
			memset(&p->lock, 0,
			       sizeof(*p) - offsetof(struct partition, lock));
			p->id = id;
			p->generation = next_generation++;
			strlcpy(p->name, cfg->name, sizeof(p->name));
			p->state = PART_STATE_CREATED;
		}
	}
	spin_unlock(&partitions_lock);
	if (!p) {
		*why = "every partition slot is in use";
		return PT_STATUS_NO_RESOURCES;
	}
	p->lock = (struct spinlock)SPINLOCK_INIT;
	strlcpy(p->cmdline, cfg->cmdline ? cfg->cmdline : "",
		sizeof(p->cmdline));
	p->memory_bytes = cfg->memory_bytes;
	p->vcpu_count = cfg->vcpu_count;
	p->weight = cfg->weight;
	p->cap_percent = cfg->cap_percent;
	p->on_crash = cfg->on_crash;
	p->cpu_mask = cfg->cpu_mask & partition_guest_cpus();
	p->console_tokens = CONSOLE_BURST_LINES;
	p->log_tokens = LOG_GUEST_BURST;
	p->created_ns = time_now_ns();
	evtchn_init(p, cfg->max_event_ports);
	grant_init(p, cfg->max_grant_frames);
	__atomic_fetch_add(&partition_live, 1, __ATOMIC_SEQ_CST);
	if (arch_npt_init(p)) {
		p->destroy_requested = true;
		partition_end(p, PT_SHUTDOWN_CRASH, "no memory for its tables");
		*why = "the memory pool is too small";
		return PT_STATUS_INSUFFICIENT_MEMORY;
	}
	*out = p;
	return PT_STATUS_SUCCESS;
}

int partition_load(struct partition *p, u64 gpa, const void *data, u64 len)
{
	if (p->state != PART_STATE_CREATED)
		return PT_STATUS_INVALID_PARTITION_STATE;
	if (gpa + len < gpa || gpa + len > p->memory_bytes ||
	    partition_copy_to_guest(p, gpa, data, len))
		return PT_STATUS_INVALID_GPA;
	return PT_STATUS_SUCCESS;
}

int partition_start(struct partition *p, u64 entry, u64 image_lo, u64 image_hi)
{
	struct elf_image_info img = { entry, image_lo, image_hi };
	u32 need[64] = { 0 }; /* vCPUs each CPU's run queue must take */
	struct pt_start_info store;
	int status;

	if (p->state != PART_STATE_CREATED ||
	    p->populated_pages != p->memory_bytes >> PAGE_SHIFT)
		return PT_STATUS_INVALID_PARTITION_STATE;
	if (entry < PT_GUEST_IMAGE_MIN_GPA || entry >= p->memory_bytes ||
	    image_lo > image_hi || image_hi > p->memory_bytes)
		return PT_STATUS_INVALID_PARAMETER;
	for (u32 i = 0; i < p->vcpu_count; i++)
		need[cpu_for_vcpu(p->cpu_mask, i)]++;
	for (u32 cpu = 0; cpu < 64; cpu++) {
		if (need[cpu] > sched_room(cpu))
			return PT_STATUS_NO_RESOURCES;
	}
	memset(&store, 0, sizeof(store));
	status = store_seed(p, &store);
	if (status)
		return status;
	if (write_boot_layout(p, &img, &store))
		return PT_STATUS_INVALID_GPA;
	for (u32 i = 0; i < p->vcpu_count; i++) {
		struct vcpu *v = &p->vcpus[i];

		v->part = p;
		v->index = i;
		v->cpu = cpu_for_vcpu(p->cpu_mask, i);
		v->affinity = p->cpu_mask;
		v->state = VCPU_STATE_RUNNABLE;
		if (arch_vcpu_init(v, entry, PT_GUEST_START_INFO_GPA, i)) {
			/* Stay CREATED with nothing half-built: a retried
			 * START allocates afresh. */
			while (i--)
				arch_vcpu_release(&p->vcpus[i]);
			return PT_STATUS_INSUFFICIENT_MEMORY;
		}
	}
	p->vcpus_alive = p->vcpu_count;
	WRITE_ONCE(p->state, PART_STATE_RUNNING);
	log_part(LOG_INFO, p,
		 "started: %llu MiB, %u vCPU(s), weight %u, cap %u%%, CPUs "
		 "0x%llx, entry 0x%llx, %llu frames",
		 (unsigned long long)(p->memory_bytes >> 20), p->vcpu_count,
		 p->weight, p->cap_percent, (unsigned long long)p->cpu_mask,
		 (unsigned long long)entry,
		 (unsigned long long)frame_count_owned((u16)p->id));
	for (u32 i = 0; i < p->vcpu_count; i++)
		sched_add_vcpu(&p->vcpus[i]);
	return PT_STATUS_SUCCESS;
}

int partition_set_paused(struct partition *p, bool paused)
{
	if (p->state != PART_STATE_RUNNING || p->paused == paused)
		return PT_STATUS_INVALID_PARTITION_STATE;
	WRITE_ONCE(p->paused, paused);
	log_part(LOG_INFO, p, "%s", paused ? "paused" : "unpaused");
	for (u32 i = 0; i < p->vcpu_count; i++)
		sched_timer_changed(&p->vcpus[i]); /* look at it again */
	return PT_STATUS_SUCCESS;
}

static int copy_segment(void *ctx, u64 gpa, const void *src, u64 len)
{
	return partition_load(ctx, gpa, src, len) ? -1 : 0;
}

struct partition *partition_create(const struct partition_config *cfg)
{
	struct elf_image_info img;
	struct partition *p;
	const char *why = "";

	if (partition_new(cfg, &p, &why)) {
		log_msg(LOG_ERR, "hv", "partition %s: %s", cfg->name, why);
		return NULL;
	}
	for (u64 gpfn = 0; gpfn < p->memory_bytes >> PAGE_SHIFT; gpfn++) {
		if (partition_populate(p, gpfn)) {
			why = "the memory pool is too small";
			goto err_end;
		}
	}
	if (elf_load(cfg->image, cfg->image_size, PT_GUEST_IMAGE_MIN_GPA,
		     p->memory_bytes, copy_segment, p, &img, &why))
		goto err_end;
	if (partition_start(p, img.entry, img.lo, img.hi)) {
		why = "could not set up its virtual processors";
		goto err_end;
	}
	return p;

err_end:
	log_msg(LOG_ERR, "hv", "partition %s: not created: %s", cfg->name, why);
	partition_end(p, PT_SHUTDOWN_CRASH, why);
	partition_destroy_step(p, ~0ull);
	return NULL;
}
