/* SPDX-License-Identifier: MIT */
/* The virtio console device as Partita's back-end daemon serves it. */
#ifndef PARTITA_VIRTIO_CONSOLE_H
#define PARTITA_VIRTIO_CONSOLE_H

#include "abi-types.h"

/*
 * Virtio spec 1.1, 5.3, one port: queue 0 carries input from the root's
 * pty to the guest (receiveq, buffers the device writes), queue 1 output
 * from the guest (transmitq, buffers the device reads). Device type 3.
 * The feature bits below are defined for completeness; the back-end
 * offers none of them (no resize, no multiport, no emergency write): the
 * store's keys carry what a config space would.
 */
#define PT_VIRTIO_ID_CONSOLE 3u
#define PT_VIRTIO_CONSOLE_RX_QUEUE 0u
#define PT_VIRTIO_CONSOLE_TX_QUEUE 1u
#define PT_VIRTIO_CONSOLE_QUEUES 2u

#define PT_VIRTIO_CONSOLE_F_SIZE 0u
#define PT_VIRTIO_CONSOLE_F_MULTIPORT 1u
#define PT_VIRTIO_CONSOLE_F_EMERG_WRITE 2u

struct pt_virtio_console_config {
	uint16_t cols;
	uint16_t rows;
	uint32_t max_nr_ports;
	uint32_t emerg_wr;
};
PT_ABI_SIZE(struct pt_virtio_console_config, 12);

#endif
