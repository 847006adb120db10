// SPDX-License-Identifier: MIT
/*
 * The network front-end's queues: receive buffers kept posted, frames
 * taken out in arrival order, transmit buffers with their header
 * (docs/split-drivers.md section 6).
 */
#include <string.h> /* common/string.h in the freestanding build */
#include <partita-guest/vnet.h>

/* A transmit buffer's pool range, carried as the chain's cookie. */
static void *tx_cookie(uint32_t off, uint32_t len)
{
	return (void *)(uintptr_t)(((uint64_t)off << 32) | len);
}

/* Receive cookies are buffer numbers from 1: NULL is never one. */
static void *rx_cookie(unsigned i)
{
	return (void *)(uintptr_t)(i + 1u);
}

static int post_rx(struct pt_vnet_queues *q, unsigned i)
{
	struct pt_vq_seg in = { q->rx[i].off, PT_VNET_RX_BUF_BYTES };
	int ret = pt_vq_add(q->rxq, NULL, 0, &in, 1, rx_cookie(i));

	if (!ret)
		q->rx[i].posted = 1;
	return ret;
}

int pt_vnet_queues_init(struct pt_vnet_queues *q, struct pt_vq *rxq,
			struct pt_vq *txq, struct pt_vpool *pool)
{
	/* Half the pool at most, so that sending always finds room. */
	unsigned fit = pool->bytes / 2u / PT_VNET_RX_BUF_BYTES, n = rxq->size;
	struct pt_vnet_stats kept = q->stats;

	memset(q, 0, sizeof(*q));
	q->stats = kept;
	q->rxq = rxq;
	q->txq = txq;
	q->pool = pool;
	if (n > fit)
		n = fit;
	if (n > PT_VNET_RX_BUFS_MAX)
		n = PT_VNET_RX_BUFS_MAX;
	if (!n)
		return -PT_DEV_ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		if (pt_vpool_alloc(pool, PT_VNET_RX_BUF_BYTES, &q->rx[i].off)) {
			while (i--)
				pt_vpool_free(pool, q->rx[i].off,
					      PT_VNET_RX_BUF_BYTES);
			return -PT_DEV_ENOMEM;
		}
	}
	q->nbufs = n;
	/* A fresh queue has room for every one of them. */
	for (unsigned i = 0; i < n; i++)
		post_rx(q, i);
	return 0;
}

static void push_filled(struct pt_vnet_queues *q, unsigned i)
{
	q->filled[(q->filled_head + q->filled_count) % PT_VNET_RX_BUFS_MAX] =
		(uint16_t)i;
	q->filled_count++;
	if (q->filled_count > q->stats.rx_backlog_max)
		q->stats.rx_backlog_max = q->filled_count;
}

static int harvest_rx(struct pt_vnet_queues *q, int *reposted)
{
	int count = 0, ret = 0;
	uint32_t len;
	void *cookie;
	/*
	 * At most a queue's worth per call: a short buffer is posted again
	 * inside the loop, and a back-end on another CPU that hands each one
	 * straight back would otherwise keep the guest here for ever. What
	 * is left is harvested next time (pt_vq_enable_events sees it).
	 */
	unsigned budget = q->rxq->size;

	while (budget-- && (ret = pt_vq_get_used(q->rxq, &cookie, &len)) == 1) {
		unsigned i = (unsigned)(uintptr_t)cookie - 1u;

		count++;
		q->rx[i].posted = 0;
		/* pt_vq_get_used bounded len by the buffer; a frame needs
		 * at least its Ethernet header after ours. */
		if (len < PT_VNET_HDR_BYTES + PT_VIRTIO_NET_FRAME_MIN) {
			q->stats.rx_short++;
			*reposted |= !post_rx(q, i);
			continue;
		}
		q->rx[i].len = len - PT_VNET_HDR_BYTES;
		push_filled(q, i);
	}
	return ret < 0 ? ret : count;
}

static int harvest_tx(struct pt_vnet_queues *q)
{
	int count = 0, ret;
	uint32_t len;
	void *cookie;

	while ((ret = pt_vq_get_used(q->txq, &cookie, &len)) == 1) {
		uint64_t v = (uint64_t)(uintptr_t)cookie;

		pt_vpool_free(q->pool, (uint32_t)(v >> 32), (uint32_t)v);
		q->stats.tx_done++;
		count++;
	}
	return ret < 0 ? ret : count;
}

int pt_vnet_queues_harvest(struct pt_vnet_queues *q, int *reposted)
{
	int rx, tx;

	*reposted = 0;
	rx = harvest_rx(q, reposted);
	if (rx < 0)
		return rx;
	tx = harvest_tx(q);
	if (tx < 0)
		return tx;
	return rx + tx;
}

uint32_t pt_vnet_queues_take(struct pt_vnet_queues *q, void *buf, uint32_t cap)
{
	unsigned i;
	uint32_t len;

	if (!q->filled_count)
		return 0;
	i = q->filled[q->filled_head];
	q->filled_head = (q->filled_head + 1u) % PT_VNET_RX_BUFS_MAX;
	q->filled_count--;
	len = q->rx[i].len;
	memcpy(buf,
	       (uint8_t *)pt_vpool_ptr(q->pool, q->rx[i].off) +
		       PT_VNET_HDR_BYTES,
	       len < cap ? len : cap);
	q->stats.rx_frames++;
	q->stats.rx_bytes += len;
	post_rx(q, i);
	return len;
}

int pt_vnet_queues_send(struct pt_vnet_queues *q, const void *frame,
			uint32_t len)
{
	uint32_t bytes = PT_VNET_HDR_BYTES + len;
	struct pt_vq_seg out;
	uint8_t *p;
	int ret;

	if (len < PT_VIRTIO_NET_FRAME_MIN || len > PT_VIRTIO_NET_FRAME_MAX)
		return -PT_DEV_EINVAL;
	ret = pt_vpool_alloc(q->pool, bytes, &out.off);
	if (ret) {
		q->stats.tx_full++;
		return ret;
	}
	out.len = bytes;
	p = pt_vpool_ptr(q->pool, out.off);
	/* No offloads: every header field is 0 on transmit. */
	memset(p, 0, PT_VNET_HDR_BYTES);
	memcpy(p + PT_VNET_HDR_BYTES, frame, len);
	ret = pt_vq_add(q->txq, &out, 1, NULL, 0, tx_cookie(out.off, bytes));
	if (ret) {
		pt_vpool_free(q->pool, out.off, bytes);
		q->stats.tx_full += ret == -PT_DEV_EAGAIN;
		return ret;
	}
	q->stats.tx_frames++;
	q->stats.tx_bytes += len;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pt_vnet_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	for (unsigned i = 0; i < 6; i++) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

		if (lo < 0 || s[2] != (i < 5 ? ':' : '\0'))
			return -PT_DEV_EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
		s += 3;
	}
	if (m[0] & 1u)
		return -PT_DEV_EINVAL; /* a group address */
	memcpy(mac, m, 6);
	return 0;
}
