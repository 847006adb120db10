/* SPDX-License-Identifier: GPL-2.0-only */
/* libpartita-root: the one wrapper around /dev/partita for root tools. */
#ifndef PARTITA_ROOT_CLIENT_H
#define PARTITA_ROOT_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <partita/hypercall.h>
#include <partita/root-ioctl.h>

/*
 * Conventions: every function returns 0 or a negative errno. On failure
 * the handle's error text (root_error()) is one plain sentence for a
 * person, e.g. "the partita module is not loaded: ...". When the
 * hypervisor itself refused a call the return value is -EREMOTEIO and
 * root_status() gives its PT_STATUS_* code. A handle is not thread-safe,
 * except that one thread may wait for events while another makes calls.
 */
#define ROOT_ERROR_MAX 256

struct root_dev {
	int fd;
	uint16_t status; /* hypervisor status of the last refused call */
	struct pt_ioc_version version; /* the driver's, after root_open() */
	char error[ROOT_ERROR_MAX];
};

/* path NULL: $PARTITA_DEVICE, else /dev/partita. Checks the versions. */
int root_open(struct root_dev *dev, const char *path);
void root_close(struct root_dev *dev);
const char *root_error(const struct root_dev *dev);
uint16_t root_status(const struct root_dev *dev);

/* Whether a failure means "cannot reach the hypervisor at all". */
int root_error_is_unavailable(int err);

/* Names for people: "ACCESS_DENIED", "log", "hypercall-page". NULL if unknown. */
const char *root_status_name(uint16_t status);
const char *root_event_name(unsigned int event);
const char *root_feature_name(unsigned int bit);
/* "PARTITION_CREATE" for a PT_CALL_* code; NULL if unknown. */
const char *root_call_code_name(uint16_t code);

/*
 * The raw request: fills in abi_version, makes the call, and fails with
 * -EREMOTEIO when the hypervisor's status is not PT_STATUS_SUCCESS.
 */
int root_hypercall(struct root_dev *dev, struct pt_ioc_hypercall *hc);

/* Typed wrappers of the root-only calls. */
int root_hv_info(struct root_dev *dev, struct pt_hv_info *info);
int root_partition_list(struct root_dev *dev, struct pt_partition_entry *out,
			uint32_t max, uint32_t *count);
int root_ping(struct root_dev *dev);
int root_null_call(struct root_dev *dev);

/* One read of the hypervisor log: text is NUL-terminated, length bytes. */
struct root_log_chunk {
	uint64_t from_seq;
	uint64_t next_seq;
	uint32_t length;
	uint32_t lost;
	char text[PT_LOG_READ_MAX + 1];
};

int root_log_read(struct root_dev *dev, uint64_t from_seq,
		  struct root_log_chunk *chunk);

/*
 * Reading the log as a stream. Feed each chunk to root_log_cursor_take():
 * it checks the chunk against what was asked, advances the cursor, and
 * says how many bytes were lost before the chunk's text. After a loss the
 * text may start in the middle of a line: that partial line is skipped
 * (and counted as lost) so the output starts on a line boundary.
 */
struct root_log_cursor {
	uint64_t next_seq;
	uint64_t lost_total;
	int skipping; /* dropping the rest of a line cut by a loss */
};

struct root_log_piece {
	const char *text;
	size_t length;
	uint64_t lost; /* bytes lost just before text */
};

void root_log_cursor_init(struct root_log_cursor *cur, uint64_t from_seq);
int root_log_cursor_take(struct root_log_cursor *cur,
			 const struct root_log_chunk *chunk,
			 struct root_log_piece *piece);

/*
 * Partition lifecycle (root-partition.c), one hypercall each. `in` blocks
 * are the ABI's (hypercall.h). populate gives partition `id` the `count`
 * pages from GPFN `first_gpfn` in one rep call (count 1..PT_HC_REP_MAX);
 * on a refusal *done (if not NULL) says how many were given. load sends
 * in->length bytes of data that follow the header. destroy returns once
 * every frame is back in the pool.
 */
int root_partition_create(struct root_dev *dev,
			  const struct pt_partition_create_in *in,
			  uint32_t *id);
int root_partition_populate(struct root_dev *dev, uint32_t id,
			    uint64_t first_gpfn, uint32_t count,
			    uint32_t *done);
int root_partition_load(struct root_dev *dev,
			const struct pt_partition_load_in *in);
int root_partition_start(struct root_dev *dev,
			 const struct pt_partition_start_in *in);
int root_partition_pause(struct root_dev *dev, uint32_t id);
int root_partition_unpause(struct root_dev *dev, uint32_t id);
int root_partition_shutdown(struct root_dev *dev, uint32_t id);
int root_partition_destroy(struct root_dev *dev, uint32_t id);
int root_partition_info(struct root_dev *dev, uint32_t id,
			struct pt_partition_info *info);
/* flags PT_REF_ENDED: also the partition that last used the slot, gone. */
int root_partition_info_flags(struct root_dev *dev, uint32_t id, uint32_t flags,
			      struct pt_partition_info *info);
int root_partition_stats(struct root_dev *dev, uint32_t id,
			 struct pt_partition_stats *stats);
/*
 * Scheduling (root-sched.c). vcpu_list: partition id's vCPUs (the root's
 * too). vcpu_pin: vCPU `vcpu` of guest `id` may use the CPUs of mask
 * `cpus` from now on; *cpu (if not NULL) is where it runs, once moved.
 * partition_sched: changes the weight and cap named in flags
 * (PT_SCHED_SET_*; 0 only reads) and returns the values in force.
 */
int root_vcpu_list(struct root_dev *dev, uint32_t id,
		   struct pt_vcpu_list_out *out);
int root_vcpu_pin(struct root_dev *dev, uint32_t id, uint32_t vcpu,
		  uint64_t cpus, uint32_t *cpu);
int root_partition_sched(struct root_dev *dev, uint32_t id, uint32_t flags,
			 uint32_t weight, uint32_t cap_percent,
			 struct pt_partition_sched *now);
/*
 * One read of a partition's console ring, shaped like a log chunk; flags
 * PT_REF_ENDED: also once it is gone, until its slot is used again.
 */
int root_console_read(struct root_dev *dev, uint32_t id, uint32_t flags,
		      uint64_t from_seq, struct root_log_chunk *chunk);

/*
 * The live partition called `what`: a name, or else a decimal id (the
 * root is id 0, named "root"). -ENOENT, with a sentence naming `what`,
 * when there is none.
 */
int root_partition_find(struct root_dev *dev, const char *what,
			struct pt_partition_entry *entry);

/*
 * Events: this handle's file waits for the events in mask (bits
 * 1 << PT_ROOT_EVENT_*). root_events_wait() blocks in poll() up to
 * timeout_ms (-1: forever) and returns the pending bits in *events, or
 * -ETIMEDOUT; root_events_read() blocks in read() itself. Both return
 * -EINTR when a signal arrives. root_notify_available() is 0 when the
 * driver found no notification device: then events never arrive.
 */
int root_events_set_mask(struct root_dev *dev, uint64_t mask);
int root_events_wait(struct root_dev *dev, int timeout_ms, uint64_t *events);
int root_events_read(struct root_dev *dev, uint64_t *events);
int root_events_fd(const struct root_dev *dev);
int root_notify_available(const struct root_dev *dev);

#endif
