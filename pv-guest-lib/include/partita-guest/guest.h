/* SPDX-License-Identifier: MIT */
/* Umbrella header: everything libpartita-guest offers. */
#ifndef PARTITA_GUEST_GUEST_H
#define PARTITA_GUEST_GUEST_H

#include "cpu.h"
#include "discovery.h"
#include "hypercall.h"
#include "vpap.h"
#include "events.h"
#include "console.h"
#include "smp.h"
#include "start.h"
#include "cmdline.h"
#include "pages.h"
#include "evtchn.h"
#include "message.h"
#include "grant.h"

#endif
