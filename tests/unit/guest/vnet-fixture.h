/* SPDX-License-Identifier: MIT */
/* The net front-end's queues over two 8-entry rings and a 16-page pool, for host tests. */
#ifndef TEST_VNET_FIXTURE_H
#define TEST_VNET_FIXTURE_H

#include <criterion/criterion.h>
#include <partita-guest/vnet.h>
#include <string.h>

#define QSIZE 8u
#define POOL_BYTES (16u * 4096u)
#define FEATURES                                    \
	(PT_VIRTIO_FEATURE(PT_VIRTIO_F_VERSION_1) | \
	 PT_VIRTIO_FEATURE(PT_VIRTIO_F_EVENT_IDX))

#include "vring-device.h"

static uint8_t rxring[4096] __attribute__((aligned(4096)));
static uint8_t txring[4096] __attribute__((aligned(4096)));
static uint8_t mem[POOL_BYTES] __attribute__((aligned(4096)));
static struct pt_vpool pool;
static struct pt_vq rxq, txq;
static struct pt_vnet_queues q;

/* Fresh rings, pool and queues, as a connect leaves them. */
static void vnet_fixture_init(void)
{
	memset(rxring, 0, sizeof(rxring));
	memset(txring, 0, sizeof(txring));
	memset(&q, 0, sizeof(q));
	cr_assert_eq(pt_vpool_init(&pool, mem, sizeof(mem)), 0);
	cr_assert_eq(pt_vq_init(&rxq, rxring, QSIZE, FEATURES, &pool), 0);
	cr_assert_eq(pt_vq_init(&txq, txring, QSIZE, FEATURES, &pool), 0);
	cr_assert_eq(pt_vnet_queues_init(&q, &rxq, &txq, &pool), 0);
}

#endif
