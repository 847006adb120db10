// SPDX-License-Identifier: MIT
/* The guest's store connection: the ring and port from start-info, waits. */
#include <partita-guest/cpu.h>
#include <partita-guest/evtchn.h>
#include <partita-guest/hypercall.h>
#include <partita-guest/smp.h>
#include <partita-guest/start.h>
#include <partita-guest/store.h>
#include <partita-guest/vpap.h>

#include "store-guest.h"
#include "string.h"

#define STORE_DEFAULT_TIMEOUT_NS 10000000000ull
#define PT_RFLAGS_IF (1ull << 9)
#define EVENT_RECHECK_NS 10000000ull

static struct store_guest client;
static struct pt_spinlock store_lock = PT_SPINLOCK_INIT;
static uint32_t store_port;
static uint64_t store_timeout_ns;
static volatile uint32_t store_kicked;
static volatile uint32_t store_activity;
static void (*store_notify_fn)(void *ctx);
static void *store_notify_ctx;
static volatile int store_up;
static struct pt_store_stats stats;

static void on_store_port(uint32_t port, void *ctx)
{
	(void)port;
	(void)ctx;
	__atomic_store_n(&store_kicked, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&store_activity, 1, __ATOMIC_RELEASE);
	if (store_notify_fn)
		store_notify_fn(store_notify_ctx);
}

static void store_notify(void *ctx)
{
	(void)ctx;
	/* Before the root bound its end the port is unbound and the send
	 * goes nowhere; the request waits in the ring for the introduction. */
	pt_call_evtchn_send(store_port);
}

/*
 * Halts until the store port fired or deadline_ns. Interrupts stay off
 * between the check and PT_CALL_BLOCK, which returns at once while an
 * event is pending, so a kick cannot slip in between; the port's handler
 * then runs from pt_evtchn_poll() whether or not upcalls are enabled.
 */
static int wait_kick(uint64_t deadline_ns)
{
	uint64_t flags = pt_irq_save();
	int ret = 0;

	for (;;) {
		pt_evtchn_poll();
		if (__atomic_exchange_n(&store_kicked, 0, __ATOMIC_ACQ_REL))
			break;
		if (pt_time_ns() >= deadline_ns) {
			ret = -PT_STORE_ETIMEDOUT;
			break;
		}
		pt_call_block(deadline_ns);
		/* Another event (a timer, a shutdown request) makes BLOCK
		 * return at once: let its upcall run, or this would spin. A
		 * caller with interrupts off polls nothing but ports. */
		if (flags & PT_RFLAGS_IF) {
			pt_irq_enable();
			__asm__ volatile("nop");
			pt_irq_disable();
		}
	}
	pt_irq_restore(flags);
	stats.wakeups++;
	return ret;
}

/* The client's wait: for one request, as long as the timeout allows. */
static int store_wait(void *ctx)
{
	uint64_t *deadline = ctx;

	return wait_kick(*deadline);
}

/* Asked between messages: a store that keeps talking cannot hold a
 * request past its timeout (wait_kick is not reached while it does). */
static int store_expired(void *ctx)
{
	const uint64_t *deadline = ctx;

	return pt_time_ns() >= *deadline ? -PT_STORE_ETIMEDOUT : 0;
}

static uint64_t request_deadline;
static const struct store_guest_ops ops = { store_notify, store_wait,
					    &request_deadline, store_expired };

int pt_store_init(uint64_t timeout_ns)
{
	const struct pt_start_info *si = pt_start_info();
	int ret;

	if (store_up)
		return 0;
	if (si->version < 2 || !si->store_ring_gpa || !si->store_port)
		return -PT_STORE_ENOTCONN;
	ret = pt_evtchn_init();
	if (!ret)
		ret = pt_evtchn_set_handler(si->store_port, on_store_port,
					    NULL);
	if (ret)
		return -PT_STORE_ENOTCONN;
	store_port = si->store_port;
	store_timeout_ns = timeout_ns ? timeout_ns : STORE_DEFAULT_TIMEOUT_NS;
	store_guest_init(
		&client,
		(struct pt_store_ring_page *)(uintptr_t)si->store_ring_gpa,
		&ops);
	__atomic_store_n(&store_up, 1, __ATOMIC_RELEASE);
	return 0;
}

static int begin(void)
{
	if (!__atomic_load_n(&store_up, __ATOMIC_ACQUIRE))
		return -PT_STORE_ENOTCONN;
	pt_spin_lock(&store_lock);
	request_deadline = pt_time_ns() + store_timeout_ns;
	stats.requests++;
	return 0;
}

static int end(int ret)
{
	pt_spin_unlock(&store_lock);
	return ret;
}

int pt_store_read(uint32_t tx, const char *path, char *buf, uint32_t cap,
		  uint32_t *len)
{
	int ret = begin();

	return ret ? ret
		   : end(store_guest_read(&client, tx, path, buf, cap, len));
}

int pt_store_write_bytes(uint32_t tx, const char *path, const void *value,
			 uint32_t len)
{
	int ret = begin();

	return ret ? ret
		   : end(store_guest_write(&client, tx, path, value, len));
}

int pt_store_write(uint32_t tx, const char *path, const char *value)
{
	return pt_store_write_bytes(tx, path, value, (uint32_t)strlen(value));
}

int pt_store_mkdir(uint32_t tx, const char *path)
{
	int ret = begin();

	return ret ? ret : end(store_guest_mkdir(&client, tx, path));
}

int pt_store_rm(uint32_t tx, const char *path)
{
	int ret = begin();

	return ret ? ret : end(store_guest_rm(&client, tx, path));
}

int pt_store_directory(uint32_t tx, const char *path, char *buf, uint32_t cap,
		       uint32_t *len)
{
	int ret = begin();

	return ret ? ret
		   : end(store_guest_directory(&client, tx, path, buf, cap,
					       len));
}

int pt_store_txn_start(uint32_t *tx)
{
	int ret = begin();

	return ret ? ret : end(store_guest_txn_start(&client, tx));
}

int pt_store_txn_end(uint32_t tx, int commit)
{
	int ret = begin();

	return ret ? ret : end(store_guest_txn_end(&client, tx, commit));
}

int pt_store_watch(const char *path, const char *token)
{
	int ret = begin();

	return ret ? ret : end(store_guest_watch(&client, path, token));
}

int pt_store_unwatch(const char *path, const char *token)
{
	int ret = begin();

	return ret ? ret : end(store_guest_unwatch(&client, path, token));
}

int pt_store_wait_event(char *path, uint32_t pcap, char *token, uint32_t tcap,
			uint64_t timeout_ns)
{
	uint64_t deadline = pt_time_ns() + timeout_ns, now;
	int ret;

	if (!__atomic_load_n(&store_up, __ATOMIC_ACQUIRE))
		return -PT_STORE_ENOTCONN;
	for (;;) {
		pt_spin_lock(&store_lock);
		ret = store_guest_pump(&client);
		if (!ret &&
		    store_guest_next_event(&client, path, pcap, token, tcap)) {
			stats.events++;
			pt_spin_unlock(&store_lock);
			return 0;
		}
		pt_spin_unlock(&store_lock);
		if (ret)
			return ret;
		now = pt_time_ns();
		if (now >= deadline)
			return -PT_STORE_ETIMEDOUT;
		/* Another vCPU's request may take our kick and keep the
		 * event for us: look again at least every 10 ms. */
		wait_kick(deadline - now < EVENT_RECHECK_NS
				  ? deadline
				  : now + EVENT_RECHECK_NS);
	}
}

int pt_store_read_u64(uint32_t tx, const char *path, uint64_t *out)
{
	char buf[24];
	uint64_t v = 0;
	uint32_t i;
	int ret = pt_store_read(tx, path, buf, sizeof(buf), NULL);

	if (ret)
		return ret;
	for (i = 0; buf[i]; i++) {
		if (buf[i] < '0' || buf[i] > '9' || v > (~0ull - 9) / 10)
			return -PT_STORE_EINVAL;
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	if (i == 0)
		return -PT_STORE_EINVAL;
	*out = v;
	return 0;
}

int pt_store_write_u64(uint32_t tx, const char *path, uint64_t value)
{
	char buf[24], *p = buf + sizeof(buf) - 1;

	*p = 0;
	do {
		*--p = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	return pt_store_write(tx, path, p);
}

struct store_guest *pt_store(void)
{
	return &client;
}

void pt_store_get_stats(struct pt_store_stats *out)
{
	*out = stats;
	out->events_lost = client.events_lost;
}

const char *pt_store_strerror(int err)
{
	if (err == 0)
		return "OK";
#define PT_STORE_ERRNO_NAME(name, num)     \
	if (err == -(num) || err == (num)) \
		return #name;
	PT_STORE_ERRNO_LIST(PT_STORE_ERRNO_NAME)
#undef PT_STORE_ERRNO_NAME
	if (err == -PT_STORE_ETIMEDOUT || err == PT_STORE_ETIMEDOUT)
		return "ETIMEDOUT";
	if (err == -PT_STORE_ENOTCONN || err == PT_STORE_ENOTCONN)
		return "ENOTCONN";
	return "EUNKNOWN";
}

uint32_t pt_store_activity(void)
{
	return __atomic_load_n(&store_activity, __ATOMIC_ACQUIRE);
}

uint64_t pt_store_event_count(void)
{
	return stats.events + client.events_lost;
}

void pt_store_set_notify(void (*fn)(void *ctx), void *ctx)
{
	uint64_t flags = pt_irq_save();

	/* The port's handler runs with interrupts off: it sees both or
	 * neither. */
	store_notify_ctx = ctx;
	store_notify_fn = fn;
	pt_irq_restore(flags);
}
