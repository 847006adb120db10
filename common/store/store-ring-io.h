/* SPDX-License-Identifier: MIT */
/* Byte-stream access to the two rings of the store's shared page. */
#ifndef PARTITA_STORE_RING_IO_H
#define PARTITA_STORE_RING_IO_H

#include <stdint.h>
#include <partita/store-ring.h>

/*
 * The other side may change its index at any moment and may be hostile:
 * each call reads the foreign index once, checks that the ring is not
 * claimed to hold more than its size, and returns -STORE_EIO if it does.
 * Data is copied out once, so later changes by the other side cannot
 * affect what the caller parses.
 */

/* Copies up to len bytes in; returns how many (0 if full) or -STORE_EIO. */
int store_ring_write(uint8_t *ring, uint32_t *prod, const uint32_t *cons,
		     const void *data, uint32_t len);
/* Copies up to len bytes out; returns how many (0 if empty) or -STORE_EIO. */
int store_ring_read(const uint8_t *ring, const uint32_t *prod, uint32_t *cons,
		    void *data, uint32_t len);
/* Bytes waiting to be read, or -STORE_EIO. */
int store_ring_pending(const uint32_t *prod, const uint32_t *cons);

#endif
