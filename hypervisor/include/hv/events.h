/* SPDX-License-Identifier: GPL-2.0-only */
/* Events: pending bits a vCPU sees in its VP assist page, plus upcalls. */
#ifndef HV_EVENTS_H
#define HV_EVENTS_H

#include "types.h"

struct vcpu;

/* Sets event `bit` pending on the vCPU and wakes it; safe from any CPU. */
void vcpu_raise_event(struct vcpu *v, unsigned bit);
bool vcpu_events_pending(const struct vcpu *v);
/* Moves events kept internally into a VPAP the guest just enabled. */
void vcpu_events_to_vpap(struct vcpu *v);

#endif
