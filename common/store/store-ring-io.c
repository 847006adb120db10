// SPDX-License-Identifier: MIT
/* Lock-free single-producer single-consumer copies into and out of rings. */
#include "store-ring-io.h"
#include "store-msg.h"
#include "../string.h"

#define RING_MASK (PT_STORE_RING_SIZE - 1)

/* Of `len` bytes at ring position `index`, how many fit before the end;
 * the rest wraps to the start of the ring. */
static uint32_t before_wrap(uint32_t index, uint32_t len)
{
	uint32_t room = PT_STORE_RING_SIZE - (index & RING_MASK);

	return len < room ? len : room;
}

int store_ring_write(uint8_t *ring, uint32_t *prod, const uint32_t *cons,
		     const void *data, uint32_t len)
{
	/* Our own index can only be changed by a broken or hostile peer. */
	uint32_t p = __atomic_load_n(prod, __ATOMIC_RELAXED);
	uint32_t c = __atomic_load_n(cons, __ATOMIC_ACQUIRE);
	uint32_t used = p - c, space, done = 0;
	const uint8_t *src = data;

	if (used > PT_STORE_RING_SIZE)
		return -STORE_EIO;
	space = PT_STORE_RING_SIZE - used;
	if (len > space)
		len = space;
	done = before_wrap(p, len);
	memcpy(ring + (p & RING_MASK), src, done);
	memcpy(ring, src + done, len - done);
	done = len;
	/* Data must be visible before the index that publishes it. */
	__atomic_store_n(prod, p + done, __ATOMIC_RELEASE);
	return (int)done;
}

int store_ring_read(const uint8_t *ring, const uint32_t *prod, uint32_t *cons,
		    void *data, uint32_t len)
{
	uint32_t p = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
	uint32_t c = __atomic_load_n(cons, __ATOMIC_RELAXED);
	uint32_t avail = p - c, done = 0;
	uint8_t *dst = data;

	if (avail > PT_STORE_RING_SIZE)
		return -STORE_EIO;
	if (len > avail)
		len = avail;
	done = before_wrap(c, len);
	memcpy(dst, ring + (c & RING_MASK), done);
	memcpy(dst + done, ring, len - done);
	done = len;
	/* Finish reading before handing the space back to the producer. */
	__atomic_store_n(cons, c + done, __ATOMIC_RELEASE);
	return (int)done;
}

int store_ring_pending(const uint32_t *prod, const uint32_t *cons)
{
	uint32_t p = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
	uint32_t c = __atomic_load_n(cons, __ATOMIC_ACQUIRE);

	if (p - c > PT_STORE_RING_SIZE)
		return -STORE_EIO;
	return (int)(p - c);
}
