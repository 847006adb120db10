/* SPDX-License-Identifier: GPL-2.0-only */
/* A real partita-stored per test, on a socket of its own, and store checks. */
#ifndef PARTITA_TEST_STORE_FIXTURE_H
#define PARTITA_TEST_STORE_FIXTURE_H

#include <sys/types.h>

#include "store-client.h"

/* The daemon's folder and socket, and the test's connection to it. */
extern char store_dir[64], store_sock[96];
extern struct store_client *c;

/* Starts the daemon as the root's /init does and connects to it. */
void start_store(void);
void stop_store(void);

/* Assertions on the store through c. */
void expect_value(const char *path, const char *want);
void expect_missing(const char *path);
/* Permissions as "n0,r7": the NUL-separated list joined with commas. */
void expect_perms(const char *path, const char *want);
/* Writes path = value, asserting it worked. */
void put_value(const char *path, const char *value);

#endif
