/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor log: levels, timestamps, partition tags, a readable ring. */
#ifndef HV_LOG_H
#define HV_LOG_H

#include "types.h"

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

struct partition;

/* Lines below this level are dropped; set from the boot config. */
extern enum log_level log_threshold;

/*
 * Writes "[sec.usec] LVL tag: message" to the log ring and the log port.
 * `tag` is "hv", "cpuN" or similar; partition lines use log_part().
 */
void log_msg(enum log_level level, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, tagged "p<id>:<name>". */
void log_part(enum log_level level, const struct partition *p, const char *fmt,
	      ...) __attribute__((format(printf, 3, 4)));

/*
 * Lines a guest can cause (refused hypercalls, bad shared pages) go through
 * this: LOG_GUEST_BURST lines, then one per LOG_GUEST_REFILL_NS per
 * partition; the rest are counted and the count is logged with the next
 * line that passes.
 */
#define LOG_GUEST_BURST 20u
#define LOG_GUEST_REFILL_NS 100000000ull
bool log_part_allowed(struct partition *p);
#define log_part_ratelimited(level, p, ...)              \
	do {                                             \
		if (log_part_allowed(p))                 \
			log_part(level, p, __VA_ARGS__); \
	} while (0)

#define hv_err(...) log_msg(LOG_ERR, "hv", __VA_ARGS__)
#define hv_warn(...) log_msg(LOG_WARN, "hv", __VA_ARGS__)
#define hv_info(...) log_msg(LOG_INFO, "hv", __VA_ARGS__)
#define hv_debug(...) log_msg(LOG_DEBUG, "hv", __VA_ARGS__)

/* From now on lines wait in the ring until log_drain writes them out. */
void log_set_async(bool async);

/* Lines in the ring not yet on the port. Inline: every guest exit asks. */
extern volatile u32 log_port_behind;
static inline bool log_port_pending(void)
{
	return log_port_behind != 0;
}
/* Copies ring text to the log port for about budget_ns (0: until empty);
 * skipped if another CPU is draining. */
void log_drain(u64 budget_ns);
/* Writes out everything, waiting for another drainer (power-off). */
void log_flush(void);

/* The log ring, for the root's LOG_READ hypercall. */
struct log_read_result {
	u64 next_seq;
	u32 length;
	u32 lost;
};
struct log_read_result log_ring_read(u64 from_seq, char *buf, u32 size);

/* Set once a CPU panics; the others halt at their next interrupt. */
extern volatile bool hv_panicking;

/* Stops everything after printing the message (a hypervisor bug). The
 * root's CPU keeps running Linux: it takes no hypervisor interrupts. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt,
							   ...);

#endif
