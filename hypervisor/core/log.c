// SPDX-License-Identifier: GPL-2.0-only
/* The hypervisor log: levels, timestamps, partition tags, a readable ring. */
#include <hv/arch.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/root.h>
#include <hv/spinlock.h>
#include <hv/text-ring.h>
#include <partita/root.h>
#include <hv/time.h>
#include <fmt.h>
#include <stdarg.h>
#include <string.h>

enum log_level log_threshold = LOG_INFO;
volatile bool hv_panicking;

/* The ring keeps the newest LOG_RING_SIZE bytes; seq counts every byte. */
#define LOG_RING_SIZE (64 * 1024)
static char log_buf[LOG_RING_SIZE];
static struct text_ring log_ring = { log_buf, LOG_RING_SIZE, 0 };
static struct spinlock log_lock = SPINLOCK_INIT;

/*
 * The log port is slow (every byte is a port write, an exit of its own
 * under emulation), so once the scheduler runs, lines only go into the ring
 * and CPUs copy them out to the port between guest runs, a bounded slice at
 * a time: a hypercall that logs never waits for the port.
 */
static bool log_async;
static u64 port_seq; /* bytes of the ring already written to the port */
/* Nonzero while the port is behind the ring: read on every guest exit. */
volatile u32 log_port_behind;
static struct spinlock drain_lock = SPINLOCK_INIT;
#define DRAIN_CHUNK 64

static const char *const level_names[] = { "ERR", "WRN", "INF", "DBG" };

struct log_read_result log_ring_read(u64 from_seq, char *buf, u32 size)
{
	struct text_ring_read r;

	spin_lock(&log_lock);
	r = text_ring_read(&log_ring, from_seq, buf, size);
	spin_unlock(&log_lock);
	return (struct log_read_result){ r.next_seq, r.length, r.lost };
}

static void log_vmsg(enum log_level level, const char *tag, const char *fmt,
		     va_list ap)
{
	char line[320];
	u64 ns;
	int n, m;

	if (level > log_threshold)
		return;
	ns = time_now_ns();
	n = fmt_snprintf(line, sizeof(line), "[%5llu.%06llu] %s %s: ",
			 (unsigned long long)(ns / 1000000000ull),
			 (unsigned long long)(ns / 1000 % 1000000),
			 level_names[level], tag);
	m = fmt_vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	n = MIN(n + m, (int)sizeof(line) - 2);
	line[n++] = '\n';
	spin_lock(&log_lock);
	text_ring_append(&log_ring, line, (u32)n);
	if (!log_async) {
		arch_log_port_write(line, (size_t)n);
		port_seq = log_ring.seq;
	}
	WRITE_ONCE(log_port_behind, port_seq != log_ring.seq);
	spin_unlock(&log_lock);
	/* `partita dmesg --follow` waits for this, interrupt-driven. */
	root_notify(PT_ROOT_EVENT_LOG);
}

void log_set_async(bool async)
{
	log_async = async;
}

static void drain_locked(u64 budget_ns)
{
	u64 end = time_now_ns() + budget_ns;

	do {
		char chunk[DRAIN_CHUNK];
		struct text_ring_read r;
		u32 n;

		spin_lock(&log_lock);
		/* Bytes overwritten before reaching the port are skipped. */
		r = text_ring_read(&log_ring, port_seq, chunk, DRAIN_CHUNK);
		port_seq = r.next_seq;
		WRITE_ONCE(log_port_behind, port_seq != log_ring.seq);
		n = r.length;
		spin_unlock(&log_lock);
		if (!n)
			break;
		arch_log_port_write(chunk, n);
	} while (!budget_ns || time_now_ns() < end);
}

void log_drain(u64 budget_ns)
{
	if (!spin_trylock(&drain_lock))
		return; /* another CPU is draining */
	drain_locked(budget_ns);
	spin_unlock(&drain_lock);
}

void log_flush(void)
{
	spin_lock(&drain_lock);
	drain_locked(0);
	spin_unlock(&drain_lock);
}

void log_msg(enum log_level level, const char *tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, tag, fmt, ap);
	va_end(ap);
}

void log_part(enum log_level level, const struct partition *p, const char *fmt,
	      ...)
{
	char tag[PARTITION_NAME_MAX + 16];
	va_list ap;

	fmt_snprintf(tag, sizeof(tag), "p%u:%s", p->id, p->name);
	va_start(ap, fmt);
	log_vmsg(level, tag, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	WRITE_ONCE(hv_panicking, true);
	for (u32 cpu = 0; cpu < arch_cpu_count(); cpu++) {
		if (cpu != arch_cpu_id() && !root_is_cpu(cpu))
			arch_kick_cpu(cpu);
	}
	va_start(ap, fmt);
	log_vmsg(LOG_ERR, "PANIC", fmt, ap);
	va_end(ap);
	log_set_async(false);
	log_flush();
	arch_halt_all();
}

bool log_part_allowed(struct partition *p)
{
	u64 now = time_now_ns(), suppressed;
	bool ok;

	spin_lock(&p->lock);
	if (now - p->log_refill_ns >= LOG_GUEST_REFILL_NS) {
		u64 add = (now - p->log_refill_ns) / LOG_GUEST_REFILL_NS;

		p->log_tokens =
			(u32)MIN((u64)LOG_GUEST_BURST, p->log_tokens + add);
		p->log_refill_ns = now;
	}
	ok = p->log_tokens > 0;
	if (ok)
		p->log_tokens--;
	else
		p->log_suppressed++;
	suppressed = ok ? p->log_suppressed : 0;
	if (ok)
		p->log_suppressed = 0;
	spin_unlock(&p->lock);
	if (suppressed)
		log_part(LOG_WARN, p, "%llu lines it caused were suppressed",
			 (unsigned long long)suppressed);
	return ok;
}
