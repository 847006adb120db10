/* SPDX-License-Identifier: GPL-2.0-only */
/* Rendering a partition's messaging state for info NAME and stats NAME. */
#ifndef PARTITA_MSG_RENDER_H
#define PARTITA_MSG_RENDER_H

#include <stdio.h>

#include "out-json.h"
#include "root-messaging.h"

/* "p3 port 7", "virq timer", "p0 (offered)": the other end of a port. */
const char *msg_port_peer(char *buf, size_t size, const struct pt_port_info *p);

/*
 * The messaging section of "partita info NAME": event page, port use and
 * cap, grants, a table of ports and one of connections.
 */
void msg_info_text(FILE *f, const struct root_messaging *m);
/* The same as a "messaging" member of an open JSON object. */
void msg_info_json(struct json_out *j, const struct root_messaging *m);

/* The counters of "partita stats NAME". */
void msg_stats_text(FILE *f, const struct pt_messaging_info *mi);
void msg_stats_json(struct json_out *j, const struct pt_messaging_info *mi);

#endif
