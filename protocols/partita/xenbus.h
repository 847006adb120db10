/* SPDX-License-Identifier: MIT */
/* Device negotiation over the store: directories, keys and states. */
#ifndef PARTITA_XENBUS_H
#define PARTITA_XENBUS_H

/*
 * A device of type T, number N, of guest G, served by back-end partition B
 * (the root, 0), has two store directories (docs/split-drivers.md):
 *   front-end /local/domain/G/device/T/N          written by the guest
 *   back-end  /local/domain/B/backend/T/G/N       written by the back-end
 * The toolstack creates both, each side's state Initialising, and gives
 * each side write access to its own directory and read access to the
 * other's. Each side then moves only its own `state` key, as xenbus does:
 *
 *   back-end:  Initialising -> InitWait (features offered)
 *   front-end: Initialising -> Initialised (rings, pool and port written)
 *   back-end:  InitWait -> Connected (rings mapped, port bound)
 *   front-end: Initialised -> Connected (seen the back-end Connected)
 *   either:    -> Closing -> Closed; a Closed front-end may start again
 *              at Initialising, and the back-end returns to InitWait.
 * A transition the table does not allow marks the device broken on the
 * side that sees it (the back-end logs why and moves to Closing).
 */
#define PT_XENBUS_STATE_UNKNOWN 0u
#define PT_XENBUS_STATE_INITIALISING 1u
#define PT_XENBUS_STATE_INIT_WAIT 2u
#define PT_XENBUS_STATE_INITIALISED 3u
#define PT_XENBUS_STATE_CONNECTED 4u
#define PT_XENBUS_STATE_CLOSING 5u
#define PT_XENBUS_STATE_CLOSED 6u

/* Keys in both directories. */
#define PT_XENBUS_KEY_STATE "state"
/* Front-end directory: written by the toolstack. */
#define PT_XENBUS_KEY_BACKEND "backend"	      /* back-end directory path */
#define PT_XENBUS_KEY_BACKEND_ID "backend-id" /* B, decimal */
/* Front-end directory: written by the guest before Initialised. */
#define PT_XENBUS_KEY_EVENT_CHANNEL "event-channel" /* G's port, unbound to B */
#define PT_XENBUS_KEY_DRIVER_FEATURES "driver-features" /* hex, accepted */
#define PT_XENBUS_KEY_NUM_QUEUES "num-queues"
#define PT_XENBUS_KEY_POOL_PAGES "pool-pages"
#define PT_XENBUS_KEY_POOL_REFS "pool-refs" /* refs, space-separated */
/*
 * A store value holds at most 4096 bytes, too few for 1024 refs: the pool's
 * refs come in groups of PT_XENBUS_POOL_REFS_PER_KEY, the first in
 * pool-refs, group k (k >= 1) in pool-refs-<k>; every group is full but
 * the last.
 */
#define PT_XENBUS_POOL_REFS_PER_KEY 256u
/* queue-<i>-size, queue-<i>-ring-refs (space-separated) */
/* Back-end directory: written by the toolstack. */
#define PT_XENBUS_KEY_FRONTEND "frontend"
#define PT_XENBUS_KEY_FRONTEND_ID "frontend-id"
/* Back-end directory: written by the back-end before InitWait. */
#define PT_XENBUS_KEY_DEVICE_FEATURES "device-features" /* hex, offered */
#define PT_XENBUS_KEY_MAX_QUEUE_SIZE "max-queue-size"
#define PT_XENBUS_KEY_MAX_POOL_PAGES "max-pool-pages"
/* Back-end directory, written by the toolstack: "0" asks both sides to
 * close (detach, docs/split-drivers.md section 7). */
#define PT_XENBUS_KEY_ONLINE "online"
/* Back-end directory: why a device broke, for `partita info`. */
#define PT_XENBUS_KEY_BROKEN "broken"

#define PT_XENBUS_TYPE_CONSOLE "console"
#define PT_XENBUS_TYPE_BLOCK "block"
#define PT_XENBUS_TYPE_NET "net"

#endif
