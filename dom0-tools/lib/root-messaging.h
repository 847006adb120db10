/* SPDX-License-Identifier: GPL-2.0-only */
/* libpartita-root messaging: event port, grant mapping and message files. */
#ifndef PARTITA_ROOT_MESSAGING_H
#define PARTITA_ROOT_MESSAGING_H

#include <stddef.h>
#include <stdint.h>

#include <partita/events.h>
#include <partita/grants.h>
#include <partita/messages.h>

#include "root-client.h"

/*
 * The three files of root-ioctl.h version 2, each opened through an open
 * root_dev and reporting its errors there: the same conventions as
 * root-client.h (0 or a negative errno, root_error() one plain sentence,
 * -EREMOTEIO with root_status() when the hypervisor refused). A handle
 * keeps a pointer to its root_dev, which must stay open while it is used;
 * closing the root_dev does not close the handles.
 */

/* An event port file (PT_IOC_EVTCHN_OPEN), as Xen's evtchn device. */
struct root_evtchn {
	struct root_dev *dev;
	int fd;
};

int root_evtchn_open(struct root_dev *dev, struct root_evtchn *ev);
void root_evtchn_close(struct root_evtchn *ev);
/* For poll(): POLLIN while ports bound through this file have fired. */
int root_evtchn_fd(const struct root_evtchn *ev);

/* A new root port offered to `remote`, which binds it from its side. */
int root_evtchn_bind_unbound(struct root_evtchn *ev, uint32_t remote,
			     uint32_t *port);
/* A new root port connected to `remote_port`, offered to us by `remote`. */
int root_evtchn_bind_interdomain(struct root_evtchn *ev, uint32_t remote,
				 uint32_t remote_port, uint32_t *port);
/* A new root port raised by the hypervisor for PT_VIRQ_* `virq`. */
int root_evtchn_bind_virq(struct root_evtchn *ev, uint32_t virq,
			  uint32_t *port);
int root_evtchn_unbind(struct root_evtchn *ev, uint32_t port);
/* EVTCHN_SEND on a port bound through this file. */
int root_evtchn_notify(struct root_evtchn *ev, uint32_t port);
/* A port that fired stays masked until this; then it may fire again. */
int root_evtchn_unmask(struct root_evtchn *ev, uint32_t port);

/*
 * The ports that fired: up to `max` port numbers in ports[], their count
 * in *n. Waits up to timeout_ms (-1: forever, 0: not at all) and returns
 * -ETIMEDOUT when none fired by then, -EINTR on a signal.
 */
int root_evtchn_wait(struct root_evtchn *ev, int timeout_ms, uint32_t *ports,
		     size_t max, size_t *n);

/* A grant mapping file (PT_IOC_GNTDEV_OPEN), as Xen's gntdev. */
struct root_gntdev {
	struct root_dev *dev;
	int fd;
};

/* Grants mapped into this process by root_gnt_map(). */
struct root_gnt_mapping {
	void *addr;	 /* count pages, NULL once unmapped */
	uint64_t offset; /* the driver's, for UNMAP_GRANTS */
	uint32_t granter;
	uint32_t count;
	int writable;
};

int root_gntdev_open(struct root_dev *dev, struct root_gntdev *g);
/* Closing drops every mapping made through the file (munmap them first). */
void root_gntdev_close(struct root_gntdev *g);

/*
 * Maps `count` (1..PT_IOC_GNT_MAP_MAX) grants of `granter` into the root's
 * grant window and into this process, writable unless `readonly`. On a
 * refused element the driver has undone the others; the sentence names
 * the element's ref and root_status() is its status.
 */
int root_gnt_map(struct root_gntdev *g, uint32_t granter, const uint32_t *refs,
		 uint32_t count, int readonly, struct root_gnt_mapping *m);
/* munmap() and UNMAP_GRANTS: the granter may then end its grants. */
int root_gnt_unmap(struct root_gntdev *g, struct root_gnt_mapping *m);
/*
 * GRANT_COPY without a mapping: `length` bytes at `offset` of the granted
 * frame to buf (to_grant 0) or from buf into it (to_grant 1).
 */
int root_gnt_copy(struct root_gntdev *g, uint32_t granter, uint32_t ref,
		  int to_grant, uint32_t offset, void *buf, uint32_t length);

/* A message file (PT_IOC_MSG_OPEN). */
struct root_msgfile {
	struct root_dev *dev;
	int fd;
};

int root_msg_open(struct root_dev *dev, struct root_msgfile *m);
/* Deletes the connections made through it. */
void root_msg_close(struct root_msgfile *m);
int root_msg_fd(const struct root_msgfile *m);

/*
 * A connection to the root's vCPU 0 on a free slot, for messages from
 * `sender` (PT_MSG_ANY_SENDER: anyone), queue depth 0 = default.
 */
int root_msg_connect(struct root_msgfile *m, uint32_t sender, uint32_t depth,
		     uint32_t *connection_id);

/*
 * One MSG_POST. *status is the hypervisor's answer; a full queue
 * (PT_STATUS_INSUFFICIENT_BUFFERS) returns -EAGAIN without a sentence,
 * other refusals -EREMOTEIO with one.
 */
int root_msg_post_once(struct root_msgfile *m, uint32_t connection_id,
		       uint32_t type, const void *payload, uint32_t size,
		       uint16_t *status);
/*
 * MSG_POST, retried while the queue is full, for up to timeout_ms (-1:
 * forever); -ETIMEDOUT after that. *retries (if not NULL) counts the
 * "insufficient buffers" answers.
 */
int root_msg_post(struct root_msgfile *m, uint32_t connection_id, uint32_t type,
		  const void *payload, uint32_t size, int timeout_ms,
		  uint64_t *retries);

/*
 * One whole message from a connection of this file: waits up to
 * timeout_ms (-1: forever, 0: not at all); -ETIMEDOUT, -EINTR.
 */
int root_msg_receive(struct root_msgfile *m, int timeout_ms,
		     struct pt_ioc_msg *msg);

/*
 * PT_CALL_PARTITION_MESSAGING, every page: the header and counters of the
 * first answer, and every port in use (ports[], port_count), listed page
 * by page from port 0. Free with root_messaging_free().
 */
struct root_messaging {
	struct pt_messaging_info info; /* info.port_count: of the first page */
	struct pt_port_info *ports;
	uint32_t port_count;
};

int root_partition_messaging(struct root_dev *dev, uint32_t id,
			     struct root_messaging *out);
void root_messaging_free(struct root_messaging *m);

/* "interdomain" for PT_EVTCHN_STATE_*; "timer" for PT_VIRQ_*. */
const char *root_port_state_name(uint32_t state);
const char *root_virq_name(uint32_t virq);

#endif
