/* SPDX-License-Identifier: GPL-2.0-only */
/* Lets the shared ABI headers' <stdint.h> resolve to the kernel's types. */
#ifndef PARTITA_SHIM_STDINT_H
#define PARTITA_SHIM_STDINT_H

#include <linux/types.h>

#endif
