/* SPDX-License-Identifier: MIT */
/* The guest's connection to the store: requests, transactions and watches. */
#ifndef PARTITA_GUEST_STORE_H
#define PARTITA_GUEST_STORE_H

#include <stdint.h>
#include <partita/store-wire.h>

/*
 * Every call returns 0 (or what its comment says) or a negated error
 * number: the store's errno names as Linux numbers (PT_STORE_ENOENT, ...),
 * PT_STORE_ETIMEDOUT when the store did not answer within the timeout,
 * PT_STORE_ENOTCONN before pt_store_init() or without a store. Paths are
 * absolute or relative to the guest's home /local/domain/<id>. Calls from
 * several vCPUs are serialised; a call blocks (halting, woken by the store
 * port) until its reply arrives.
 */
#define PT_STORE_ERRNO_ENUM(name, num) PT_STORE_##name = num,
enum {
	PT_STORE_ERRNO_LIST(PT_STORE_ERRNO_ENUM) PT_STORE_ETIMEDOUT = 110,
	PT_STORE_ENOTCONN = 107
};
#undef PT_STORE_ERRNO_ENUM

/* The errno name of err ("ENOENT"), "OK" for 0, or "EUNKNOWN". */
const char *pt_store_strerror(int err);

/*
 * Connects over the ring page and port named in start-info (they exist
 * where a root partition does): adopts the event page, hooks the port.
 * Idempotent. Requests wait at most timeout_ns each (0: the default,
 * 10 s): the store may start after the guest.
 */
int pt_store_init(uint64_t timeout_ns);

/* Reads a value, NUL-terminated in buf (cap includes the NUL); *len (if
 * not NULL) gets the value's whole length. -PT_STORE_E2BIG if cut. */
int pt_store_read(uint32_t tx, const char *path, char *buf, uint32_t cap,
		  uint32_t *len);
int pt_store_write(uint32_t tx, const char *path, const char *value);
int pt_store_write_bytes(uint32_t tx, const char *path, const void *value,
			 uint32_t len);
int pt_store_mkdir(uint32_t tx, const char *path);
int pt_store_rm(uint32_t tx, const char *path);
/* Child names, each NUL-terminated, into buf; *len gets their bytes. */
int pt_store_directory(uint32_t tx, const char *path, char *buf, uint32_t cap,
		       uint32_t *len);
/* Reads a decimal value into *out. -PT_STORE_EINVAL if it is not one. */
int pt_store_read_u64(uint32_t tx, const char *path, uint64_t *out);
int pt_store_write_u64(uint32_t tx, const char *path, uint64_t value);

/* tx 0 is "no transaction". End with commit 1 or abort 0; a conflict
 * answers -PT_STORE_EAGAIN and the caller starts again. */
int pt_store_txn_start(uint32_t *tx);
int pt_store_txn_end(uint32_t tx, int commit);

/* A watch fires once at once, then on every change at or below path. */
int pt_store_watch(const char *path, const char *token);
int pt_store_unwatch(const char *path, const char *token);
/*
 * Waits up to timeout_ns (0: do not wait) for a watch event; copies its
 * path and token (NUL-terminated, cut to the caps). 0 when one came,
 * -PT_STORE_ETIMEDOUT when none did.
 */
int pt_store_wait_event(char *path, uint32_t pcap, char *token, uint32_t tcap,
			uint64_t timeout_ns);

/* Counters: requests sent, watch events received, events lost because
 * the client's queue was full. */
struct pt_store_stats {
	uint64_t requests, events, events_lost, wakeups;
};
void pt_store_get_stats(struct pt_store_stats *out);

/*
 * For front-ends that sleep on their own device port but must notice
 * watch events (a back-end closing, a device appearing):
 * pt_store_activity() counts the store port's events (replies and watch
 * events alike), so a changed value says "look at the store";
 * pt_store_event_count() counts the watch events taken by
 * pt_store_wait_event() plus those the client's queue dropped, so
 * whoever takes events, every other watcher sees the count move and
 * re-reads what it watches. pt_store_set_notify() installs one function
 * the store port's handler calls (in the upcall, interrupts off: keep it
 * to setting flags); the xenbus layer uses it to wake device waits.
 */
uint32_t pt_store_activity(void);
uint64_t pt_store_event_count(void);
void pt_store_set_notify(void (*fn)(void *ctx), void *ctx);

/* The client underneath (pv-guest-lib/store/store-guest.h), for in-tree
 * code that needs a call the wrappers above do not offer. Callers must not
 * use it while another vCPU may be in a pt_store_* call. */
struct store_guest;
struct store_guest *pt_store(void);

#endif
