/* SPDX-License-Identifier: MIT */
/* evtchn-peer's modes, shared between its files. */
#ifndef EVTCHN_PEER_H
#define EVTCHN_PEER_H

#include <stdint.h>

#define EVTCHN_PEER_ROOT_ID 0u

/* Sends on fresh ports offered to the root for secs or until *stop. */
void evtchn_peer_storm(uint64_t secs, volatile uint32_t *stop);

#endif
