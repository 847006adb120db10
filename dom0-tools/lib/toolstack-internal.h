/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the toolstack's files: writing nodes inside a store transaction. */
#ifndef PARTITA_TOOLSTACK_INTERNAL_H
#define PARTITA_TOOLSTACK_INTERNAL_H

#include <stdint.h>

#include "toolstack-store.h"

/* A transaction that conflicts is tried again this many times in all. */
#define TS_TXN_TRIES 8

/* One write in progress: the client, its transaction, the first error. */
struct ts_txn {
	struct store_client *c;
	uint32_t tx;
	int err;
	char path[256]; /* where err happened */
};

/*
 * Writes path = value (value NULL: a directory) and gives it exactly the
 * permissions owner/reader: "n<owner>", then "r<reader>" unless reader is
 * the owner. Does nothing once t->err is set; sets it on failure.
 */
void ts_put(struct ts_txn *t, const char *path, const char *value,
	    uint32_t owner, uint32_t reader);
void ts_putf(struct ts_txn *t, const char *path, uint32_t owner,
	     uint32_t reader, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* A device's front-end and back-end directories, both Initialising. */
void ts_put_device(struct ts_txn *t, uint32_t id, const struct ts_device *d);

/* rm that does not mind the node (or its parent) being gone already. */
int ts_rm_quiet(struct store_client *c, uint32_t tx, const char *path);

#endif
