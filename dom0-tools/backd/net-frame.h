/* SPDX-License-Identifier: GPL-2.0-only */
/* The checks a transmitted frame passes before it reaches the root's TAP. */
#ifndef PARTITA_BACKD_NET_FRAME_H
#define PARTITA_BACKD_NET_FRAME_H

#include <stdint.h>

#include <partita/virtio-net.h>

/* pt_virtio_net_hdr.flags: the checksum is left for the device to fill. */
#define NET_HDR_F_NEEDS_CSUM 1u
#define NET_HDR_LEN ((uint32_t)sizeof(struct pt_virtio_net_hdr))
/*
 * Readable segments a transmit chain may spread one frame over. Without
 * offloads a driver needs a header, a linear part and a few fragments
 * (Linux sends at most 19); a frame in hundreds of tiny pieces only costs
 * the root work (XSA-432), so it is dropped like any malformed frame.
 */
#define NET_TX_SEGS_MAX 32u
/*
 * Past this many, the chain is no frame any driver makes: a hostile
 * front-end. As Xen's netback disables a vif past its fatal_skb_slots,
 * the device breaks instead of paying a pop and a check per such chain
 * for as long as the guest likes. Between the two limits
 * the frame is only dropped: a driver's bug, not an attack.
 */
#define NET_TX_SEGS_FATAL 64u

enum net_tx_verdict {
	NET_TX_OK,
	NET_TX_NO_HEADER,   /* fewer readable bytes than the header */
	NET_TX_TOO_SPLIT,   /* more than NET_TX_SEGS_MAX readable segments */
	NET_TX_FATAL_SPLIT, /* more than NET_TX_SEGS_FATAL: breaks the device */
	NET_TX_GSO,	    /* gso_type is not NONE: no GSO was offered */
	NET_TX_NEEDS_CSUM,  /* the driver left a checksum to fill: no CSUM */
	NET_TX_EMPTY,	    /* a header and no frame */
	NET_TX_RUNT,	    /* shorter than an Ethernet header */
	NET_TX_GIANT,	    /* over PT_VIRTIO_NET_FRAME_MAX */
};

/*
 * Judges a transmit chain from its copied header (valid only when
 * readable >= NET_HDR_LEN), its readable byte count and segment count.
 * Flags other than NEEDS_CSUM, hdr_len, gso_size, the csum fields and
 * num_buffers mean nothing without offloads and are ignored, as the spec
 * lets a device do. *frame_len is set for NET_TX_OK.
 */
enum net_tx_verdict net_tx_check(const struct pt_virtio_net_hdr *h,
				 uint64_t readable, uint32_t segments,
				 uint32_t *frame_len);
const char *net_tx_verdict_text(enum net_tx_verdict v);

#endif
