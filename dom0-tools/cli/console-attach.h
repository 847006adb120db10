/* SPDX-License-Identifier: GPL-2.0-only */
/* Attaching to a guest's virtio console (console-attach.c). */
#ifndef PARTITA_CONSOLE_ATTACH_H
#define PARTITA_CONSOLE_ATTACH_H

#include <partita/hypercall.h>

/* After standard input ends: leave once the guest is this long quiet. */
#define CONSOLE_LINGER_DEFAULT_MS 1000

/*
 * Finds e's console pty in the store (waiting up to 5 s for partita-backd
 * to publish it), then copies both ways until Ctrl-], a signal, the pty
 * closing, or (standard input not a terminal) its end plus linger_ms of
 * quiet. Returns the exit code, having printed why if it is not 0.
 */
int cli_console_attach(const struct pt_partition_entry *e, int linger_ms);

/*
 * The copying itself (console-pty.c): opens the pty at path and copies as
 * cli_console_attach() says. name is for messages. Returns the exit code.
 */
int cli_console_pty(const char *name, const char *path, int linger_ms);

#endif
