// SPDX-License-Identifier: GPL-2.0-only
/* Transmit header and frame validation: what a guest may send through. */
#include "net-frame.h"

/* The texts below name these numbers: keep them true. */
_Static_assert(NET_TX_SEGS_MAX == 32u, "net_tx_verdict_text names 32");
_Static_assert(NET_TX_SEGS_FATAL == 64u, "net_tx_verdict_text names 64");
_Static_assert(PT_VIRTIO_NET_FRAME_MAX == 1518u,
	       "net_tx_verdict_text names 1518");

enum net_tx_verdict net_tx_check(const struct pt_virtio_net_hdr *h,
				 uint64_t readable, uint32_t segments,
				 uint32_t *frame_len)
{
	uint64_t frame;

	if (readable < NET_HDR_LEN)
		return NET_TX_NO_HEADER;
	if (segments > NET_TX_SEGS_FATAL)
		return NET_TX_FATAL_SPLIT;
	if (segments > NET_TX_SEGS_MAX)
		return NET_TX_TOO_SPLIT;
	if (h->gso_type != PT_VIRTIO_NET_HDR_GSO_NONE)
		return NET_TX_GSO;
	if (h->flags & NET_HDR_F_NEEDS_CSUM)
		return NET_TX_NEEDS_CSUM;
	frame = readable - NET_HDR_LEN;
	if (frame == 0)
		return NET_TX_EMPTY;
	if (frame < PT_VIRTIO_NET_FRAME_MIN)
		return NET_TX_RUNT;
	if (frame > PT_VIRTIO_NET_FRAME_MAX)
		return NET_TX_GIANT;
	*frame_len = (uint32_t)frame;
	return NET_TX_OK;
}

const char *net_tx_verdict_text(enum net_tx_verdict v)
{
	switch (v) {
	case NET_TX_OK:
		return "ok";
	case NET_TX_NO_HEADER:
		return "shorter than the 12-byte virtio-net header";
	case NET_TX_TOO_SPLIT:
		return "spread over more than 32 segments";
	case NET_TX_FATAL_SPLIT:
		return "spread over more than 64 segments (no driver does)";
	case NET_TX_GSO:
		return "gso_type is not NONE (no GSO was offered)";
	case NET_TX_NEEDS_CSUM:
		return "NEEDS_CSUM set (no checksum offload was offered)";
	case NET_TX_EMPTY:
		return "a frame of 0 bytes";
	case NET_TX_RUNT:
		return "a frame shorter than an Ethernet header (14 bytes)";
	case NET_TX_GIANT:
		return "a frame over 1518 bytes";
	}
	return "?";
}
