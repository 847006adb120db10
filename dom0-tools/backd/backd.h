/* SPDX-License-Identifier: GPL-2.0-only */
/* partita-backd's devices and the operations it needs from the root. */
#ifndef PARTITA_BACKD_H
#define PARTITA_BACKD_H

#include <stdint.h>
#include <stdio.h>

#include <partita/virtio-console.h>

#include "backd-kind.h"
#include "console-back.h"
#include "vring-back.h"
#include "xenbus-back.h"

#define BACKD_BACKEND_ROOT "/local/domain/0/backend"
#define BACKD_MAP_MAX 64u /* grants one map call takes */
#define BACKD_POOL_MAPS (PT_VIRTQ_POOL_PAGES_MAX / BACKD_MAP_MAX)
#define BACKD_WORK_BUDGET 64u /* chains per queue per round */
#define BACKD_STATS_INTERVAL_MS 1000u

/* Grants of one map call, mapped contiguously at addr. */
struct backd_map {
	void *addr;
	uint32_t count;
	void *handle;
};

/*
 * Everything backd asks of the store, the grant device and the event port
 * file: the daemon fills it with libpartita-store and libpartita-root, the
 * unit tests with in-memory fakes. Every call returns 0 or a negative
 * errno; error() is the last failure as a sentence.
 */
struct backd_ops {
	void *ctx;
	/* *value: malloc'ed, NUL-terminated; -ENOENT when absent. */
	int (*read)(void *ctx, const char *path, char **value);
	int (*write)(void *ctx, const char *path, const char *value);
	int (*rm)(void *ctx, const char *path);
	/* *names: malloc'ed NUL-separated child names, len bytes in all. */
	int (*directory)(void *ctx, const char *path, char **names,
			 uint32_t *len);
	int (*watch)(void *ctx, const char *path, const char *token);
	int (*unwatch)(void *ctx, const char *path, const char *token);
	int (*map)(void *ctx, uint32_t domid, const uint32_t *refs,
		   uint32_t count, struct backd_map *m);
	void (*unmap)(void *ctx, struct backd_map *m);
	int (*bind)(void *ctx, uint32_t domid, uint32_t remote_port,
		    uint32_t *port);
	void (*unbind)(void *ctx, uint32_t port);
	int (*notify)(void *ctx, uint32_t port);
	const char *(*error)(void *ctx);
};

struct backd_dev {
	struct backd_dev *next;
	const struct backd_kind *kind;
	char type[16];
	uint32_t domid, devid;
	char be[96];  /* back-end directory */
	char fe[128]; /* front-end directory, from the `frontend` key */
	char fe_state[144];
	int watching;	  /* the front-end state watch is registered */
	int back_state;	  /* as last written or read */
	int attached;	  /* rings and pool mapped, port bound */
	int offer_failed; /* the kind refused its keys: offered no more */
	uint64_t features;
	uint32_t remote_port, port;
	struct backd_map rings[PT_VIRTQ_QUEUES_MAX];
	struct backd_map pool_maps[BACKD_POOL_MAPS];
	unsigned int npool_maps;
	struct vring_pool pool;
	struct vring_back q[PT_VIRTQ_QUEUES_MAX];
	/* The kind's own state (backd-kind.h). */
	union {
		struct console_back con;
		void *kind_state;
	};
	char why[224];	   /* why it broke, as written to `broken` */
	uint64_t stats_at; /* when the counters were last written (ms) */
	uint64_t stats_last[BACKD_KIND_STATS_MAX]; /* as last written */
	int stats_written;
	uint64_t notifies;
};

struct backd {
	const struct backd_ops *ops;
	struct backd_dev *devs;
	FILE *log;
	size_t hist_cap;
	uint16_t inflight_max;
	int verbose;
	uint64_t now_ms; /* the loop's clock, for rate limits */
};

void backd_init(struct backd *d, const struct backd_ops *ops, FILE *log);
/* Logs one line tagged "backd: p<ID> <type>/<n>: " (dev may be NULL). */
void backd_log(struct backd *d, const struct backd_dev *dev, const char *fmt,
	       ...) __attribute__((format(printf, 3, 4)));

/* Registers the back-end watch; its first event scans every device. */
int backd_start(struct backd *d);
/* A store watch event: finds new devices, reacts to state changes. */
void backd_watch_event(struct backd *d, const char *path, const char *token);
/* Looks at every back-end directory in the store (start, restart). */
void backd_scan(struct backd *d);
/* Events fired on a port: serve that device's queues. */
void backd_port_fired(struct backd *d, uint32_t port);
/*
 * Moves data for every attached device, rechecks detached consoles and
 * writes due counters. Returns 1 if work is left (call again soon).
 */
int backd_service(struct backd *d);
/* Does the loop need a timer (a detached console, counters due)? */
int backd_needs_timer(const struct backd *d);
/* Releases every device without changing the store (clean shutdown). */
void backd_shutdown(struct backd *d);

/* Devices, for the loop and the tests. */
struct backd_dev *backd_dev_find(struct backd *d, const char *type,
				 uint32_t domid, uint32_t devid);
struct backd_dev *backd_dev_add(struct backd *d, const char *type,
				uint32_t domid, uint32_t devid);
void backd_dev_remove(struct backd *d, struct backd_dev *dev);
/* Re-reads both states and steps the machine. 1: the device is gone. */
int backd_dev_changed(struct backd *d, struct backd_dev *dev);
/* Serves the queues; *more set when a budget ran out. */
void backd_dev_service(struct backd *d, struct backd_dev *dev, int *more);
void backd_dev_write_stats(struct backd *d, struct backd_dev *dev, int force);
/* Have the counters moved since they were last written? */
int backd_dev_stats_moved(const struct backd_dev *dev);

/* For kinds: a key of the back-end directory, read (malloc'ed) or written. */
int backd_dev_read(struct backd *d, const struct backd_dev *dev,
		   const char *key, char **value);
int backd_dev_write(struct backd *d, struct backd_dev *dev, const char *key,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
