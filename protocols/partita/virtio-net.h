/* SPDX-License-Identifier: MIT */
/* The virtio network device as partita-backd serves it. */
#ifndef PARTITA_VIRTIO_NET_H
#define PARTITA_VIRTIO_NET_H

#include "abi-types.h"

/*
 * Virtio spec 1.1, 5.1, one queue pair: queue 0 receiveq (frames from the
 * root's TAP device to the guest, buffers the device writes), queue 1
 * transmitq (frames from the guest, buffers the device reads). Every
 * frame is preceded by struct pt_virtio_net_hdr (12 bytes, num_buffers
 * included as VERSION_1 requires). No checksum or segmentation offload
 * and no mergeable receive buffers are offered: each receive chain must
 * hold a header plus a whole frame of up to mtu + 14 bytes (18 with a
 * VLAN tag). Frames of 0 bytes or over PT_VIRTIO_NET_FRAME_MAX are
 * dropped and counted, not forwarded.
 */
#define PT_VIRTIO_ID_NET 1u
#define PT_VIRTIO_NET_RX_QUEUE 0u
#define PT_VIRTIO_NET_TX_QUEUE 1u
#define PT_VIRTIO_NET_QUEUES 2u

/* Feature bits (spec 5.1.3): MAC, MTU and STATUS are offered. */
#define PT_VIRTIO_NET_F_CSUM 0u
#define PT_VIRTIO_NET_F_MTU 3u
#define PT_VIRTIO_NET_F_MAC 5u
#define PT_VIRTIO_NET_F_MRG_RXBUF 15u
#define PT_VIRTIO_NET_F_STATUS 16u

#define PT_VIRTIO_NET_S_LINK_UP 1u

#define PT_VIRTIO_NET_MTU_DEFAULT 1500u
#define PT_VIRTIO_NET_ETH_HLEN 14u
/* The largest frame either side forwards: MTU, Ethernet and a VLAN tag. */
#define PT_VIRTIO_NET_FRAME_MAX (PT_VIRTIO_NET_MTU_DEFAULT + 18u)
#define PT_VIRTIO_NET_FRAME_MIN PT_VIRTIO_NET_ETH_HLEN

/* pt_virtio_net_hdr.gso_type */
#define PT_VIRTIO_NET_HDR_GSO_NONE 0u

struct pt_virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers; /* always 1: no mergeable buffers */
};
PT_ABI_SIZE(struct pt_virtio_net_hdr, 12);

/*
 * Back-end directory keys. The toolstack writes mac (from the config, or
 * generated: locally administered, stable per partition name and device
 * number), tap (the config's name or "pt<domid>.<n>") and, if the config
 * names one, bridge. The back-end writes mtu and status before InitWait.
 */
#define PT_NET_KEY_MAC "mac" /* "02:xx:xx:xx:xx:xx" */
#define PT_NET_KEY_TAP "tap"
#define PT_NET_KEY_BRIDGE "bridge"
#define PT_NET_KEY_MTU "mtu"
#define PT_NET_KEY_STATUS "status" /* PT_VIRTIO_NET_S_*, as config status */

#endif
